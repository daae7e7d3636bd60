"""``schedulelib validate``: check every schedule in files and directories, and ``--fix``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from schedulelib.cli._common import CommandError, codes, parse_time

if TYPE_CHECKING:
    from schedulelib.lint.fix import FileFix


@click.command(short_help="Check every schedule in files and directories.")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif", "gitlab"]),
              default="text", show_default=True, help="text for people; json (versioned), "
              "github (Actions annotations), sarif (code scanning), gitlab (Code Quality).")
@click.option("--strict/--no-strict", default=None,
              help="Warnings fail too (exit 1); overrides `strict` in the configuration.")
@click.option("--as-of", metavar="DATE", help="Judge the date-dependent findings (SL409, DST "
              "look-ahead) as of this ISO date or date-time instead of today, so the verdict "
              "does not change with the calendar.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Report only these codes or prefixes (SL4), comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Do not report these codes or prefixes (replaces `ignore` in the "
              "configuration).")
@click.option("--extend-ignore", multiple=True, metavar="CODES",
              help="Also leave out these codes or prefixes (added to the configuration's).")
@click.option("--config", "config_path", metavar="PATH",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Read the settings from this TOML file only (a pyproject.toml or a "
              ".schedulelib.toml).")
@click.option("--isolated", is_flag=True, help="Read no configuration file.")
@click.option("--stdin-filename", metavar="NAME",
              help="The name to report for '-' (its suffix also picks JSON, YAML or Terraform).")
@click.option("--var-file", "var_files", multiple=True, metavar="FILE.tfvars",
              help="Values for Terraform variables, as terraform plan -var-file takes them "
              "(repeatable; the last one wins).")
@click.option("--context", "context", multiple=True, metavar="PATH",
              help="Also read these files or directories (repeatable), for the rules that "
              "judge schedules together (SL701, SL702), without reporting on them: a "
              "pre-commit hook names the changed files and reads the repository as context.")
@click.option("--fix", "fix_files", is_flag=True, help="Repair in place what can be repaired "
              "without changing a schedule's meaning (see `schedulelib rule`), then report "
              "what is left.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the repairs --fix would make as "
              "a unified diff and write nothing; exit 1 when there is one.")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool | None,
             as_of: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
             extend_ignore: tuple[str, ...], config_path: Path | None, isolated: bool,
             stdin_filename: str | None, var_files: tuple[str, ...], context: tuple[str, ...],
             fix_files: bool, show_diff: bool) -> None:
    """Check every schedule in PATH... (files, directories, or '-' for standard input).

    Reads JSON, YAML (.yaml, .yml) and Terraform (.tf) files; a directory is searched for them.
    Each finding is printed as FILE:LINE:COL: SEVERITY CODE MESSAGE, pointing at the offending
    value.  Without PATH, the current directory is searched.  Settings are read from the
    nearest pyproject.toml [tool.schedulelib] or .schedulelib.toml (see docs/ci.md).
    """
    from schedulelib.lint import engine as lint
    from schedulelib.lint import render, sources
    from schedulelib.lint.config import ConfigError
    from schedulelib.lint.sources.tfmodule import session

    if config_path is not None and isolated:
        raise CommandError("--config and --isolated cannot be used together")
    if fix_files and show_diff:
        raise CommandError("--fix and --diff cannot be used together: --diff shows what --fix "
                           "would write")
    if fix_files and "-" in paths:
        raise CommandError("--fix cannot write to standard input; use --diff to see the "
                           "repairs")
    options = lint.Options(
        select=codes(select, "--select"), ignore=codes(ignore, "--ignore"),
        extend_ignore=codes(extend_ignore, "--extend-ignore") or (),
        as_of=parse_time(as_of, "--as-of") if as_of else None, strict=strict,
        config=config_path, isolated=isolated, fix=fix_files or show_diff)
    try:
        settings = lint.Settings(options)

        def stdin() -> lint.Source:
            data = sys.stdin.buffer.read(sources.MAX_BYTES + 1)
            return lint.Source(stdin_filename or "<stdin>", data=data)

        def empty(argument: str) -> None:
            if fmt == "text":
                click.echo(f"{argument}: no JSON, YAML or Terraform files here", err=True)

        with session(var_files) as terraform:
            terraform.var_values()  # the --var-file files are read (and reported) first
            given = len(terraform.var_scans)

            def items() -> Iterator[lint.Source | sources.Scan]:
                yield from terraform.var_scans[:given]
                yield from lint.expand(paths or (".",), settings, stdin=stdin, on_empty=empty)
                # terraform.tfvars / *.auto.tfvars read for a module that are not valid HCL
                yield from terraform.var_scans[given:]

            around = (lint.Source(str(item.path or item.name), item.path, named=False)
                      if isinstance(item, lint.Source) else item
                      for item in lint.expand(context, settings)) if context else ()
            report = lint.lint(items(), options, settings, context=around)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    if show_diff:
        diffs = "".join(r.diff() for r in report.fixes)
        click.echo(diffs, nl=False)
        ctx.exit(lint.EXIT_TROUBLE if report.trouble else
                 lint.EXIT_FINDINGS if diffs else lint.EXIT_OK)
    unwritten = fix_files and not _write_fixes(report.fixes, fmt)
    color = fmt == "text" and render.use_color(sys.stdout)
    if fmt == "text":
        out = render.text(report.findings, color=color)
    else:
        from schedulelib.lint.formats import Run

        out = render.render(report.findings, fmt,
                            run=Run(report.files, report.schedules, report.skipped,
                                    report.trouble))
    if fmt == "text":
        for note in report.notes:
            click.echo(note, err=True)
    if fmt == "text" and (report.findings or paths != ("-",)):
        out += render.summary(report.findings, report.files, report.schedules, report.skipped)
    click.echo(out, nl=False, color=color)
    ctx.exit(lint.EXIT_TROUBLE if unwritten else report.exit_status)


def _write_fixes(results: list[FileFix], fmt: str) -> bool:
    """Write each repaired file and say what was fixed; False if a file could not be written
    (it is named on standard error and left as it was)."""
    from schedulelib.lint.fix import write_fixed

    ok = True
    fixed = files = 0
    for result in results:
        if result.refused:
            click.echo(f"{result.file}: not fixed: {result.refused}", err=True)
        if not result.changed:
            continue
        try:
            write_fixed(result)
        except OSError as exc:
            click.echo(f"{result.file}: not fixed: {exc.strerror or exc}", err=True)
            ok = False
            continue
        fixed += len(result.fixes)
        files += 1
        if fmt == "text":
            for fix in result.fixes:
                f = fix.finding
                click.echo(f"{f.file}:{f.line}:{f.column}: fixed {f.code} {fix.description}")
    if fmt == "text" and fixed:
        click.echo(f"fixed {fixed} finding{'s' if fixed != 1 else ''} in {files} "
                   f"file{'s' if files != 1 else ''}")
    return ok


