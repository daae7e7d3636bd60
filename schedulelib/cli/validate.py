"""``schedulelib validate``: check every schedule in files and directories, and ``--fix``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from schedulelib._support.text import shown, use_color
from schedulelib.cli._common import CommandError, codes, parse_time

if TYPE_CHECKING:
    from schedulelib.lint import engine as lint
    from schedulelib.lint.fix import FileFix
    from schedulelib.lint.sources import Finding


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
        config=config_path, isolated=isolated, fix=fix_files or show_diff, var_files=var_files,
        roots=[p for p in paths or (".",) if p != "-"])
    try:
        settings = lint.Settings(options)

        def stdin() -> lint.Source:
            data = sys.stdin.buffer.read(sources.MAX_BYTES + 1)
            return lint.Source(stdin_filename or "<stdin>", data=data)

        def empty(argument: str) -> None:
            if fmt == "text":
                click.echo(f"{shown(argument)}: no JSON, YAML or Terraform files here",
                           err=True)

        # The engine opens the Terraform session (--var-file) and, for a large tree, the
        # worker processes: the Python API (lint.lint) does all that validate does.
        around = (lint.Source(str(item.path or item.name), item.path, named=False)
                  if isinstance(item, lint.Source) else item
                  for item in lint.expand(context, settings)) if context else ()
        report = lint.lint(lint.expand(paths or (".",), settings, stdin=stdin, on_empty=empty),
                           options, settings, context=around)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    if show_diff:
        diffs = "".join(r.diff() for r in report.fixes)
        click.echo(diffs, nl=False)
        ctx.exit(lint.EXIT_TROUBLE if report.trouble else
                 lint.EXIT_FINDINGS if diffs else lint.EXIT_OK)
    unwritten = _write_fixes(report.fixes, fmt, paths or (".",)) if fix_files else []
    if unwritten:
        # The report describes the fixed text; for a file left as it was, that would be a lie
        # ("no problems" over a file that keeps every error): check it again as it is on disk.
        _as_on_disk(report, unwritten, options, var_files)
    color = fmt == "text" and use_color(sys.stdout)
    if fmt == "text":
        out = render.text(report.findings, color=color)
    else:
        from schedulelib.lint.formats import Run

        out = render.render(report.findings, fmt,
                            run=Run(report.files, report.schedules, report.skipped,
                                    report.trouble, report.unchecked,
                                    tuple(report.skipped_files)))
    if fmt == "text":
        for note in report.notes:
            click.echo(shown(note), err=True)
    if fmt == "text" and (report.findings or paths != ("-",)):
        out += render.summary(report.findings, report.files, report.schedules, report.skipped,
                              report.unchecked)
    click.echo(out, nl=False, color=color)
    ctx.exit(report.exit_status)


def _write_fixes(results: list[FileFix], fmt: str, arguments: tuple[str, ...]
                 ) -> list[FileFix]:
    """Write each repaired file and say what was fixed; return the files that could not be
    written (each is named on standard error and left as it was)."""
    from schedulelib.lint.write import TEMPORARY_SUFFIX, remove_leftovers, write_fixed

    unwritten: list[FileFix] = []
    fixed = files = 0
    # Named folders, as prefixes of the names a search gives their files.
    folders = [os.path.join(os.path.normpath(a), "") for a in arguments
               if a != "-" and os.path.isdir(a)]
    # A file named on the command line may be written wherever it is, also when a link to
    # it was found first by searching a folder (the run reads each file once).
    named = {os.path.realpath(a) for a in arguments if a != "-" and not os.path.isdir(a)}
    # What a killed fix may have left, per directory: each is listed once, not once a file.
    leftovers: dict[str, list[str]] = {}
    for result in results:
        # A file found by searching a named folder is written only inside that folder.
        name = os.path.normpath(result.file)
        within = next((f for f in folders if name.startswith(f) or (
            f == "./" and not os.path.isabs(name) and not name.startswith(".."))), None)
        folder = os.path.dirname(name)
        if folder not in leftovers:
            try:
                leftovers[folder] = [n for n in os.listdir(folder or ".")
                                     if n.endswith(TEMPORARY_SUFFIX)]
            except OSError:
                leftovers[folder] = []
        if leftovers[folder] and (within is None or _inside(result.file, within)):
            remove_leftovers(result.file, leftovers[folder])
        if result.refused:
            click.echo(f"{shown(result.file)}: not fixed: {shown(result.refused)}", err=True)
        if not result.changed:
            continue
        if within is not None and named and os.path.realpath(result.file) in named:
            within = None
        try:
            write_fixed(result, within=within)
        except OSError as exc:
            click.echo(f"{shown(result.file)}: not fixed: {shown(str(exc.strerror or exc))}",
                       err=True)
            unwritten.append(result)
            continue
        fixed += len(result.fixes)
        files += 1
        if fmt == "text":
            for fix in result.fixes:
                f = fix.finding
                click.echo(f"{shown(f.file)}:{f.line}:{f.column}: fixed {f.code} "
                           f"{shown(fix.description)}")
    if fmt == "text" and fixed:
        click.echo(f"fixed {fixed} finding{'s' if fixed != 1 else ''} in {files} "
                   f"file{'s' if files != 1 else ''}")
    return unwritten


def _inside(file: str, folder: str) -> bool:
    real, root = os.path.realpath(file), os.path.realpath(folder)
    return os.path.commonpath([real, root]) == root


def _as_on_disk(report: lint.Report, unwritten: list[FileFix], options: lint.Options,
                var_files: tuple[str, ...]) -> None:
    """Replace the findings of each file in ``unwritten`` by those of the file as it is
    (checked as the run checked it: the same options and --var-file values), and mark the
    run incomplete (exit 2, "complete": false)."""
    from schedulelib.lint import engine
    from schedulelib.lint.sources.tfmodule import session

    again = engine.Options(select=options.select, ignore=options.ignore,
                           extend_ignore=options.extend_ignore, as_of=options.as_of,
                           strict=options.strict, config=options.config,
                           isolated=options.isolated, fix=False)
    # An explicit session: its --var-file problems were reported by the run already.
    with session(var_files, roots=options.roots) as terraform:
        terraform.var_values()
        fresh = {r.file: engine.lint([engine.Source(r.file, Path(r.file))], again,
                                     engine.Settings(again)).findings for r in unwritten}
    left = {r.file for r in unwritten}
    # A finding of a file may be placed in another (a .tfvars value): drop by origin too.
    stale = {f for r in unwritten for f in r.findings}
    # Keep the file order: each file's findings take the place of the old ones.
    rank = {fix.file: i for i, fix in enumerate(report.fixes)}
    keyed: list[tuple[int, int, Finding]] = []
    current = -1
    for n, finding in enumerate(report.findings):
        current = rank.get(finding.file, current)
        if finding.file not in left and finding not in stale:
            keyed.append((current, n, finding))
    # Each file's findings in their own order (one may lie in a .tfvars file), where it was.
    keyed.extend((rank.get(file, len(rank)), -1, f) for file, found in fresh.items()
                 for f in found)
    keyed.sort(key=lambda item: (item[0], item[1]))
    report.findings[:] = [f for _, _, f in keyed]
    report.trouble = True


