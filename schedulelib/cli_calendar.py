"""``schedulelib calendar``: the command, thin.  Parse arguments, find schedules, render.

The pictures are made by ``calendar.py`` (terminal), ``ics.py`` and ``html.py``; finding
schedules in files is the sources module's job, reached through the reader `next` uses.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

import click

from .calendar import VIEWS, Calendar, View, build, render_text, window
from .errors import ScheduleError
from .schedule import Cron, Schedule, SpecificDays

POLICIES = ("go", "debian", "croniter")


class CalendarUsageError(click.ClickException):
    """A bad argument: one line, ``Error: ...``, exit code 2 (click's usage code)."""

    exit_code = 2


# -- arguments ----------------------------------------------------------------------------------


def parse_start(text: str) -> date | datetime:
    """``--start``: an ISO 8601 date (``2026-03-24``) or date-time (``2026-03-24T09:00``)."""
    from dateutil.parser import isoparse

    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return isoparse(text)
    except (ValueError, OverflowError) as exc:
        raise CalendarUsageError(
            f"--start {text!r} is not an ISO 8601 date or date-time ({exc}); "
            "write e.g. 2026-03-24 or 2026-03-24T09:00") from None


def resolve_zone(name: str) -> Any:
    """``--tz``: checked as ``next`` checks it (one line, exit 2, with the rule's hint)."""
    from .cli import _zone

    return _zone(name)


def default_zone(schedules: list[Schedule]) -> str:
    """The schedules' own zone when they all name the same one, otherwise UTC."""
    zones = {s.timezone for s in schedules if isinstance(s, Cron | SpecificDays)}
    return zones.pop() if len(zones) == 1 else "UTC"


def use_color(stream: IO[str], environ: dict[str, str] | os._Environ[str]) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    if environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    counter: dict[str, int] = {}
    out = []
    for name in names:
        if seen[name] > 1:
            counter[name] = counter.get(name, 0) + 1
            out.append(f"{name} [{counter[name]}]")
        else:
            out.append(name)
    return out


# -- the command --------------------------------------------------------------------------------


@click.command("calendar")
@click.argument("schedules", nargs=-1, required=True, metavar="SCHEDULE...")
@click.option("--week", "view", flag_value="week", default=True,
              help="Days by hours for 7 days from --start (the default).")
@click.option("--month", "view", flag_value="month", help="The month page holding --start.")
@click.option("--start", metavar="DATE",
              help="ISO date or date-time the picture starts at (default: today).")
@click.option("--tz", "zone_name", metavar="ZONE",
              help="IANA zone the grid is drawn in (default: the schedules' own zone, or UTC).")
@click.option("--dst", default="go", show_default=True, type=click.Choice(POLICIES),
              help="Which cron engine's DST behaviour to simulate.")
@click.option("--ics", "ics_file", metavar="FILE",
              help="Also write an iCalendar file, one event per run ('-': standard output).")
@click.option("--html", "html_file", metavar="FILE",
              help="Also write a self-contained HTML page ('-': standard output).")
def calendar_command(schedules: tuple[str, ...], view: View, start: str | None,
                     zone_name: str | None, dst: str, ics_file: str | None,
                     html_file: str | None) -> None:
    """Preview when SCHEDULE... run: a week or month calendar, and where syncs pile up.

    SCHEDULE is a file (JSON, YAML or Terraform: every schedule in it), '-' for standard
    input, or inline JSON.  Schedules with errors are reported and left out.
    """
    if ics_file == "-" and html_file == "-":
        raise CalendarUsageError("--ics and --html cannot both write to standard output")
    stdout = sys.stdout
    first = parse_start(start) if start is not None else None
    # Schedules are found exactly as `validate` finds them, and bad ones reported as it does.
    from .cli import _read_schedules, _report_bad

    entries: list[tuple[str, Schedule]] = []
    failed = False
    for argument in schedules:
        good, findings = _read_schedules(argument)
        errors = [f for f in findings if f.severity == "error"]
        failed = failed or bool(errors)
        _report_bad(errors)
        entries.extend(good)
    names = _unique([name for name, _ in entries])
    entries = [(name, schedule) for name, (_, schedule) in zip(names, entries, strict=True)]
    zone_key = zone_name or default_zone([s for _, s in entries])
    zone = resolve_zone(zone_key)
    if first is None:
        first = datetime.now(UTC).astimezone(zone).date()
    assert view in VIEWS
    try:
        cal = build(entries, window(view, first, zone, zone_key), dst=dst)
    except ScheduleError as exc:
        raise click.ClickException(str(exc)) from None
    _write_outputs(cal, ics_file, html_file)
    if "-" not in (ics_file, html_file):
        click.echo(render_text(cal, color=use_color(stdout, os.environ)), nl=False,
                   color=use_color(stdout, os.environ))
    if failed:
        sys.exit(1)


def _write_outputs(cal: Calendar, ics_file: str | None, html_file: str | None) -> None:
    if ics_file is not None:
        from .ics import to_ics

        _write(ics_file, to_ics(cal), "--ics")
    if html_file is not None:
        from .html import to_html

        _write(html_file, to_html(cal).encode("utf-8"), "--html")


def _write(target: str, data: bytes, option: str) -> None:
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(target).write_bytes(data)
    except OSError as exc:
        raise CalendarUsageError(f"{option} {target!r}: cannot write it ({exc.strerror})") \
            from None
