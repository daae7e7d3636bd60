"""The ``schedulelib`` command: thin.  Parse arguments, call the library, render, exit.

Exit status: 0 nothing to report, 1 findings, 2 usage error or a file that cannot be read.

Start-up time matters (a pre-commit hook runs on every commit), so this module imports click
and nothing else heavy: YAML, the Terraform reader, the run engines, cron-descriptor and the
zone data are imported by the commands that use them, and ``calendar`` is loaded on first use.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

if TYPE_CHECKING:
    from schedulelib.core.schedule import Schedule
    from schedulelib.lint.fix import FileFix
    from schedulelib.lint.sources import Finding

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
POLICIES = ("go", "debian", "croniter")


class CommandError(click.ClickException):
    """One line, ``Error: ...``, exit 2 (an argument or file the command cannot use)."""

    exit_code = EXIT_USAGE


class _LazyGroup(click.Group):
    """A group whose heavier subcommands are imported only when they are run."""

    lazy: ClassVar[dict[str, tuple[str, str, str]]] = {
        "calendar": ("schedulelib.cli.calendar", "calendar_command",
                     "Preview when schedules run: a week or month calendar."),
        "pull": ("schedulelib.cli.workspace", "pull_command",
                 "Read a workspace (read only) into a snapshot file."),
        "audit": ("schedulelib.cli.workspace", "audit_command",
                  "Compare a snapshot's sync history with its schedules."),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, attr, _ = self.lazy[cmd_name]
            command = getattr(importlib.import_module(module), attr)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) > 1:
            return super().__call__(*args, **kwargs)
        return run(args[0] if args else None)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:  # the same line whether or not it was loaded already
                rows.append((name, self.lazy[name][2]))
            else:
                cmd = self.commands[name]
                rows.append((name, cmd.get_short_help_str(limit=formatter.width - 20)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from schedulelib import __version__
    from schedulelib.core.zones import tzdata_version

    click.echo(f"schedulelib {__version__} (IANA time zone data {tzdata_version()})")
    ctx.exit(EXIT_OK)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version and the time zone data release, then exit.")
def cli() -> None:
    """Validate and simulate Segment Reverse ETL sync schedules (reverseETLSchedule)."""


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="schedulelib",
                          standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except BrokenPipeError:  # `schedulelib ... | head`
        sys.stderr.close()
        return EXIT_FINDINGS
    return result if isinstance(result, int) else EXIT_OK


#: The console script (``schedulelib = "schedulelib.cli.main:main"``): calling it returns the exit
#: status (``main()``, ``main(["validate", "x.json"])``), and it is the click group itself, so
#: ``CliRunner().invoke(main, [...])`` works too.
main = cli


# -- validate -----------------------------------------------------------------------------------


def _codes(values: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    """Codes and prefixes from repeatable, comma-separated options; None when not given."""
    if not values:
        return None
    from schedulelib.lint.config import ConfigError, check_codes

    parts = [p for v in values for p in v.split(",") if p.strip()]
    try:
        return check_codes(parts, option)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


@cli.command(short_help="Check every schedule in files and directories.")
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
@click.option("--fix", "fix_files", is_flag=True, help="Repair in place what can be repaired "
              "without changing a schedule's meaning (see `schedulelib rule`), then report "
              "what is left.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the repairs --fix would make as "
              "a unified diff and write nothing; exit 1 when there is one.")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool | None,
             as_of: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
             extend_ignore: tuple[str, ...], config_path: Path | None, isolated: bool,
             stdin_filename: str | None, var_files: tuple[str, ...], fix_files: bool,
             show_diff: bool) -> None:
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
        select=_codes(select, "--select"), ignore=_codes(ignore, "--ignore"),
        extend_ignore=_codes(extend_ignore, "--extend-ignore") or (),
        as_of=_parse_time(as_of, "--as-of") if as_of else None, strict=strict,
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

            report = lint.lint(items(), options, settings)
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


# -- reading one SCHEDULE argument (next, explain) ----------------------------------------------


def _read_schedules(argument: str) -> tuple[list[tuple[str, Schedule]], list[Finding]]:
    """The valid schedules in a SCHEDULE argument, and the findings against the others."""
    from schedulelib.core.diagnostics import Diagnostic
    from schedulelib.core.schedule import check, load
    from schedulelib.lint import sources

    if argument == "-":
        scan = sources.scan(sys.stdin.buffer.read(sources.MAX_BYTES + 1),
                            name="<stdin>")
    elif argument.lstrip().startswith("{"):
        scan = sources.scan(argument, name="<inline>", kind="json")
    else:
        path = Path(argument)
        if path.is_dir():
            raise CommandError(f"SCHEDULE {argument!r} is a directory: name one file, '-' for "
                               "standard input, or give the schedule as inline JSON")
        scan = sources.read_file(path)
        if scan.unreadable:
            raise CommandError(f"SCHEDULE {argument!r}: {scan.findings[0].message}")
    findings = [f for f in scan.findings if f.code != "SL905"]
    good: list[tuple[str, Schedule]] = []
    for found in scan.schedules:
        problems: list[Diagnostic] = list(found.problems)
        if found.static:
            problems += check(found.doc)
        if found.static and not any(d.severity == "error" for d in problems):
            good.append((found.name, load(found.doc)))
        else:
            one = sources.Scan(scan.file, scan.kind, schedules=[found])
            findings.extend(f for f in one.check() if f.severity == "error" or not found.static)
    if not good and not findings:
        raise CommandError(f"SCHEDULE {argument if len(argument) < 60 else argument[:57] + '...'}"
                           f": no schedule found")
    return good, findings


def _report_bad(findings: list[Finding]) -> None:
    from schedulelib.lint import render

    if findings:
        click.echo(render.text(findings), err=True, nl=False)


def _parse_time(text: str, option: str) -> datetime:
    """An ISO 8601 date or date-time in the accepted range, or a usage error (exit 2)."""
    from schedulelib.lint.config import ConfigError, parse_date

    try:
        return parse_date(text, option)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


def _zone(name: str) -> Any:
    from schedulelib.core.zones import load, zone_problems

    problems = [p for p in zone_problems(name) if p.code != "SL504"]
    if problems:
        hint = f" ({problems[0].hint})" if problems[0].hint else ""
        raise CommandError(f"--tz: {problems[0].message}{hint}")
    return load(name)


def _configured_dst(schedule: str) -> str:
    """``dst`` from the configuration nearest to SCHEDULE's file (or the working directory)."""
    from schedulelib.lint.config import ConfigError, Finder

    where = schedule if schedule != "-" and not schedule.lstrip().startswith("{") else "x"
    try:
        return Finder().for_file(where).dst or "go"
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


# -- next ---------------------------------------------------------------------------------------


@cli.command("next")
@click.argument("schedule", metavar="SCHEDULE")
@click.option("-n", "--count", default=10, show_default=True, type=click.IntRange(0, 100_000),
              help="How many runs.")
@click.option("--after", metavar="ISO", help="List runs strictly after this instant (default: "
              "now); a time without an offset is read in --tz, else the schedule's zone.")
@click.option("--dst", type=click.Choice(POLICIES),
              help="Whose DST behaviour: robfig/cron (Go), Debian cron, or croniter "
              "(default: `dst` of the configuration, else go).")
@click.option("--tz", "tz_name", metavar="ZONE", help="Also show each run in this IANA zone.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def next_command(ctx: click.Context, schedule: str, count: int, after: str | None,
                 dst: str | None,
                 tz_name: str | None, fmt: str) -> None:
    """The next runs of SCHEDULE (a file, '-', or inline JSON).

    Each run is shown in the schedule's zone, in --tz if given, and in UTC; runs that a DST
    change moved or repeated are marked, and wall times it skipped are listed.
    """
    from datetime import UTC

    from schedulelib.core.explain import upcoming
    from schedulelib.lint import render

    tz = _zone(tz_name) if tz_name else None
    if dst is None:
        dst = _configured_dst(schedule)
    good, bad = _read_schedules(schedule)
    _report_bad(bad)
    reports = []
    for name, value in good:
        zone_name = getattr(value, "timezone", None)
        if after is None:
            start = datetime.now(UTC)
        else:
            start = _parse_time(after, "--after")
            if start.tzinfo is None:
                start = start.replace(tzinfo=tz or (_zone(zone_name) if zone_name else UTC))
        reports.append(upcoming(name, value, start, count, dst=dst))
    if fmt == "json":
        click.echo(render.runs_json(reports, tz))
    else:
        click.echo(render.runs_text(reports, tz), nl=False)
    ctx.exit(EXIT_FINDINGS if bad else EXIT_OK)


# -- explain ------------------------------------------------------------------------------------


@cli.command("explain", short_help="Say in plain English what a schedule does, DST included.")
@click.argument("schedule", metavar="SCHEDULE")
@click.option("--as-of", metavar="ISO", help="Look for DST changes in the year after this "
              "instant (default: now).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def explain_command(ctx: click.Context, schedule: str, as_of: str | None, fmt: str) -> None:
    """Say in plain English what SCHEDULE (a file, '-', or inline JSON) does.

    Gives the description, the cron equivalent of a specific_days schedule, the exact
    shortest gap between two runs, and what DST changes in the coming year do to it under
    each engine's policy.
    """
    from datetime import UTC

    from schedulelib.core.explain import explain
    from schedulelib.lint import render

    start = _parse_time(as_of, "--as-of") if as_of else datetime.now(UTC)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    good, bad = _read_schedules(schedule)
    _report_bad(bad)
    items = [(name, explain(value, as_of=start)) for name, value in good]
    if fmt == "json":
        click.echo(render.explain_json(items))
    else:
        click.echo(render.explain_text(items), nl=False)
    ctx.exit(EXIT_FINDINGS if bad else EXIT_OK)


# -- rule, schema -------------------------------------------------------------------------------


@cli.command("rule", short_help="Explain rule CODE (SL407 or a name), or list every rule.")
@click.argument("code", required=False)
def rule_command(code: str | None) -> None:
    """Explain rule CODE (e.g. SL407, or its name, cron-too-frequent); without CODE, list all."""
    from schedulelib.core.rules import RULES

    if code is None:
        width = max(len(r.name) for r in RULES.values())
        for r in RULES.values():
            mark = "fixable" if r.fixable else ""
            click.echo(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {mark:<7}  {r.what}")
        return
    wanted = code.strip()
    rule = RULES.get(wanted.upper()) or next(
        (r for r in RULES.values() if r.name == wanted.lower()), None)
    if rule is None:
        import difflib

        from schedulelib.core.diagnostics import quote

        choices = list(RULES) + [r.name for r in RULES.values()]
        # Only a word of a rule's length can be a near miss (and difflib is quadratic).
        close = difflib.get_close_matches(wanted.upper() if wanted[:2].upper() == "SL"
                                          else wanted.lower(), choices, n=1) \
            if len(wanted) <= 60 else []
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise CommandError(f"no rule {quote(code)}{hint}; `schedulelib rule` lists them all")
    click.echo(f"{rule.code} {rule.name} ({rule.severity})\n\n"
               f"What\n  {rule.what}\n\nWhy\n  {rule.why}\n\n"
               f"Example\n  {rule.example}\n\nFix\n  {rule.fix}")
    if rule.fixable:
        from schedulelib.lint.ruledocs import fix_scope

        click.echo(f"\nFixable\n  schedulelib validate --fix repairs it: {fix_scope(rule)}")


@cli.command("schema", short_help="Print the JSON Schema (2020-12) of a schedule.")
def schema_command() -> None:
    """Print the JSON Schema (2020-12) of a schedule, for editors and other validators."""
    import json

    from schedulelib.core.schema import schema

    click.echo(json.dumps(schema(), indent=2, ensure_ascii=False))
