"""The ``schedulelib`` command: thin.  Parse arguments, call the library, render, exit.

Exit status: 0 nothing to report, 1 findings, 2 usage error or a file that cannot be read.

Start-up time matters (a pre-commit hook runs on every commit), so this module imports click
and nothing else heavy: YAML, the Terraform reader, the run engines, cron-descriptor and the
zone data are imported by the commands that use them, and ``calendar`` is loaded on first use.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

if TYPE_CHECKING:
    from .fix import Fix
    from .schedule import Schedule
    from .sources import Finding, Scan

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
POLICIES = ("go", "debian", "croniter")


class CommandError(click.ClickException):
    """One line, ``Error: ...``, exit 2 (an argument or file the command cannot use)."""

    exit_code = EXIT_USAGE


class _LazyGroup(click.Group):
    """A group whose heavier subcommands are imported only when they are run."""

    lazy: ClassVar[dict[str, tuple[str, str, str]]] = {
        "calendar": ("schedulelib.cli_calendar", "calendar_command",
                     "Preview when schedules run: a week or month calendar."),
        "pull": ("schedulelib.cli_audit", "pull_command",
                 "Read a workspace (read only) into a snapshot file."),
        "audit": ("schedulelib.cli_audit", "audit_command",
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
            if name in self.lazy and name not in self.commands:
                rows.append((name, self.lazy[name][2]))
            else:
                cmd = self.commands[name]
                rows.append((name, cmd.get_short_help_str(limit=formatter.width - 20)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from . import __version__
    from .zones import tzdata_version

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


#: The console script (``schedulelib = "schedulelib.cli:main"``): calling it returns the exit
#: status (``main()``, ``main(["validate", "x.json"])``), and it is the click group itself, so
#: ``CliRunner().invoke(main, [...])`` works too.
main = cli


# -- validate -----------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text for people, json for tools, github for Actions "
              "annotations.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--stdin-filename", metavar="NAME",
              help="The name to report for '-' (its suffix also picks JSON, YAML or Terraform).")
@click.option("--fix", "fix_files", is_flag=True, help="Repair in place what can be repaired "
              "without changing a schedule's meaning (see `schedulelib rule`), then report "
              "what is left.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the repairs --fix would make as "
              "a unified diff and write nothing; exit 1 when there is one.")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool,
             stdin_filename: str | None, fix_files: bool, show_diff: bool) -> None:
    """Check every schedule in PATH... (files, directories, or '-' for standard input).

    Reads JSON, YAML (.yaml, .yml) and Terraform (.tf) files; a directory is searched for them.
    Each finding is printed as FILE:LINE:COL: SEVERITY CODE MESSAGE, pointing at the offending
    value.  Without PATH, the current directory is searched.
    """
    from . import render, sources

    if fix_files and show_diff:
        raise CommandError("--fix and --diff cannot be used together: --diff shows what --fix "
                           "would write")
    if fix_files and "-" in paths:
        raise CommandError("--fix cannot write to standard input; use --diff to see the "
                           "repairs")
    scans: list[Scan] = []
    seen: set[Path] = set()
    for argument in paths or (".",):
        if argument == "-":
            data = sys.stdin.buffer.read(sources.MAX_BYTES + 1)
            name = stdin_filename or "<stdin>"
            scans.append(sources.scan(data, name=name) if len(data) <= sources.MAX_BYTES
                         else sources.too_large(name))
            continue
        path = Path(argument)
        if path.is_dir():
            files = [f for f in sources.iter_files(path) if _first(f, seen)]
            if not files and fmt == "text":
                click.echo(f"{argument}: no JSON, YAML or Terraform files here", err=True)
            scans.extend(sources.read_file(f, named=False) for f in files)
        elif _first(path, seen):
            scans.append(sources.read_file(path))
    findings: list[Finding] = []
    unwritten = False
    if fix_files or show_diff:
        unwritten = _fix(ctx, scans, findings, fmt, write=fix_files)
    else:
        for s in scans:
            findings.extend(s.check())
    stdout = sys.stdout
    color = fmt == "text" and render.use_color(stdout)
    out = render.render(findings, fmt, color=color)
    if fmt == "text" and (findings or paths != ("-",)):
        out += render.summary(findings, len(scans), sum(len(s.schedules) for s in scans))
    click.echo(out, nl=False, color=color)
    if unwritten or any(s.unreadable for s in scans):
        ctx.exit(EXIT_USAGE)
    failing = [f for f in findings if f.severity == "error" or strict]
    ctx.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _fix(ctx: click.Context, scans: list[Scan], findings: list[Finding], fmt: str, *,
         write: bool) -> bool:
    """--diff: print what --fix would change and exit (1 when there is a change).  --fix:
    write each repaired file, add what is left to ``findings``; True if a file could not be
    written."""
    from .fix import fix_scan, write_fixed

    results = [fix_scan(s) for s in scans]
    if not write:
        diffs = "".join(r.diff() for r in results)
        click.echo(diffs, nl=False)
        if any(s.unreadable for s in scans):
            ctx.exit(EXIT_USAGE)
        ctx.exit(EXIT_FINDINGS if diffs else EXIT_OK)
    failed = False
    fixed: tuple[Fix, ...] = ()
    files = 0
    for scan, result in zip(scans, results, strict=True):
        if result.changed:
            try:
                write_fixed(result)
            except OSError as exc:
                click.echo(f"{scan.file}: not fixed: {exc.strerror or exc}", err=True)
                findings.extend(scan.check())
                failed = True
                continue
            fixed += result.fixes
            files += 1
            if fmt == "text":
                for fix in result.fixes:
                    f = fix.finding
                    click.echo(f"{f.file}:{f.line}:{f.column}: fixed {f.code} {fix.description}")
        elif result.refused:
            click.echo(f"{scan.file}: not fixed: {result.refused}", err=True)
        findings.extend(result.findings)
    if fmt == "text" and fixed:
        click.echo(f"fixed {len(fixed)} finding{'s' if len(fixed) != 1 else ''} in {files} "
                   f"file{'s' if files != 1 else ''}")
    return failed


def _first(path: Path, seen: set[Path]) -> bool:
    """False for a file already checked in this run (named twice, or inside a named dir)."""
    try:
        key = path.resolve()
    except OSError:
        key = path.absolute()
    if key in seen:
        return False
    seen.add(key)
    return True


# -- reading one SCHEDULE argument (next, explain) ----------------------------------------------


def _read_schedules(argument: str) -> tuple[list[tuple[str, Schedule]], list[Finding]]:
    """The valid schedules in a SCHEDULE argument, and the findings against the others."""
    from . import sources
    from .errors import Diagnostic
    from .schedule import check, load

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
    from . import render

    if findings:
        click.echo(render.text(findings), err=True, nl=False)


def _parse_time(text: str, option: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise CommandError(f"{option} {text!r} is not an ISO 8601 date or date-time; write e.g. "
                           "2026-03-28 or 2026-03-28T09:00+01:00") from None


def _zone(name: str) -> Any:
    from .zones import load, zone_problems

    problems = [p for p in zone_problems(name) if p.code != "SL504"]
    if problems:
        hint = f" ({problems[0].hint})" if problems[0].hint else ""
        raise CommandError(f"--tz: {problems[0].message}{hint}")
    return load(name)


# -- next ---------------------------------------------------------------------------------------


@cli.command("next")
@click.argument("schedule", metavar="SCHEDULE")
@click.option("-n", "--count", default=10, show_default=True, type=click.IntRange(0, 100_000),
              help="How many runs.")
@click.option("--after", metavar="ISO", help="List runs strictly after this instant (default: "
              "now); a time without an offset is read in --tz, else the schedule's zone.")
@click.option("--dst", default="go", show_default=True, type=click.Choice(POLICIES),
              help="Whose DST behaviour: robfig/cron (Go), Debian cron, or croniter.")
@click.option("--tz", "tz_name", metavar="ZONE", help="Also show each run in this IANA zone.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def next_command(ctx: click.Context, schedule: str, count: int, after: str | None, dst: str,
                 tz_name: str | None, fmt: str) -> None:
    """The next runs of SCHEDULE (a file, '-', or inline JSON).

    Each run is shown in the schedule's zone, in --tz if given, and in UTC; runs that a DST
    change moved or repeated are marked, and wall times it skipped are listed.
    """
    from datetime import UTC

    from . import render
    from .explain import upcoming

    tz = _zone(tz_name) if tz_name else None
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


@cli.command("explain")
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

    from . import render
    from .explain import explain

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


@cli.command("rule")
@click.argument("code", required=False)
def rule_command(code: str | None) -> None:
    """Explain rule CODE (e.g. SL407, or its name, cron-too-frequent); without CODE, list all."""
    from .errors import RULES

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

        choices = list(RULES) + [r.name for r in RULES.values()]
        close = difflib.get_close_matches(wanted.upper() if wanted[:2].upper() == "SL"
                                          else wanted.lower(), choices, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise CommandError(f"no rule {code!r}{hint}; `schedulelib rule` lists them all")
    click.echo(f"{rule.code} {rule.name} ({rule.severity})\n\n"
               f"What\n  {rule.what}\n\nWhy\n  {rule.why}\n\n"
               f"Example\n  {rule.example}\n\nFix\n  {rule.fix}")
    if rule.fixable:
        from ._docs import fix_scope

        click.echo(f"\nFixable\n  schedulelib validate --fix repairs it: {fix_scope(rule)}")


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema (2020-12) of a schedule, for editors and other validators."""
    import json

    from .schema import schema

    click.echo(json.dumps(schema(), indent=2, ensure_ascii=False))
