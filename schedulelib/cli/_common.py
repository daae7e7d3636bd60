"""What the commands share: exit statuses, the usage error, and reading a SCHEDULE argument.

Every command module imports its helpers from here, never from a sibling command.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from schedulelib.core.schedule import Schedule
    from schedulelib.lint.sources import Finding

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class DstChoice(click.Choice):  # type: ignore[type-arg]
    """``--dst``: a DST policy, refused in the words every other door uses (D51)."""

    name = "dst"

    def __init__(self) -> None:
        # Imported when a command module builds its options, not when the group starts.
        from schedulelib.core.policy import POLICIES

        super().__init__(POLICIES)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from schedulelib.core.diagnostics import ScheduleError
        from schedulelib.core.policy import dst_policy

        try:
            return dst_policy(value)
        except ScheduleError as exc:
            self.fail(str(exc), param, ctx)


class CommandError(click.ClickException):
    """One line, ``Error: ...``, exit 2 (an argument or file the command cannot use)."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        # Messages quote paths and server texts: a line break in one must not forge a line.
        from schedulelib._support.text import shown

        return shown(self.message)


def codes(values: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    """Codes and prefixes from repeatable, comma-separated options; None when not given."""
    if not values:
        return None
    from schedulelib.lint.config import ConfigError, check_codes

    parts = [p for v in values for p in v.split(",") if p.strip()]
    try:
        return check_codes(parts, option)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None



# -- reading one SCHEDULE argument (next, explain, calendar) -------------------------------------


def read_schedules(argument: str) -> tuple[list[tuple[str, Schedule]], list[Finding]]:
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


def report_bad(findings: list[Finding]) -> None:
    from schedulelib.lint import render

    if findings:
        click.echo(render.text(findings), err=True, nl=False)


def parse_time(text: str, option: str) -> datetime:
    """An ISO 8601 date or date-time in the accepted range, or a usage error (exit 2)."""
    from schedulelib.lint.config import ConfigError, parse_date

    try:
        return parse_date(text, option)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


def zone(name: str) -> Any:
    from schedulelib.core.zones import load, zone_problems

    problems = [p for p in zone_problems(name) if p.code != "SL504"]
    if problems:
        hint = f" ({problems[0].hint})" if problems[0].hint else ""
        raise CommandError(f"--tz: {problems[0].message}{hint}")
    return load(name)


def configured_dst(schedule: str) -> str:
    """``dst`` from the configuration nearest to SCHEDULE's file (or the working directory)."""
    from schedulelib.lint.config import ConfigError, Finder

    where = schedule if schedule != "-" and not schedule.lstrip().startswith("{") else "x"
    try:
        return Finder().for_file(where).dst or "go"
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


