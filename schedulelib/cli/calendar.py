"""``schedulelib calendar``: the command, thin.  Parse arguments, find schedules, render.

The pictures are made by ``calendar.py`` (terminal), ``ics.py`` and ``html.py``; finding
schedules in files is the sources module's job, reached through the reader `next` uses.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from fnmatch import fnmatchcase
from typing import IO, Any

import click

from schedulelib._support.atomic import replace_whole
from schedulelib._support.names import numbered
from schedulelib._support.text import use_color
from schedulelib.cli._common import DstChoice
from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.schedule import Cron, Schedule, SpecificDays
from schedulelib.preview.grid import render_text
from schedulelib.preview.model import (
    MAX_DURATION,
    VIEWS,
    Calendar,
    CalendarRangeError,
    View,
    build,
    window,
)


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


def parse_duration_flag(text: str) -> tuple[str, timedelta]:
    """``--duration NAME=30m``: a name or glob, and a Go duration (``time.ParseDuration``).

    The value is split at the last ``=``, so a name may hold ``=`` itself.
    """
    from schedulelib.core.duration import parse_duration

    pattern, sep, value = text.rpartition("=")
    if not sep or not pattern:
        raise CalendarUsageError(f"--duration {text!r}: write NAME=DURATION, e.g. "
                                 "'Upsert Contact=30m' (NAME may be a glob like 'Upsert*')")
    try:
        length = parse_duration(value)
    except ScheduleError as exc:
        raise CalendarUsageError(f"--duration {text!r}: {exc}") from None
    if length.nanoseconds < 0 or length.nanoseconds > MAX_DURATION // timedelta(
            microseconds=1) * 1000:
        raise CalendarUsageError(f"--duration {text!r}: a duration is between 0s and "
                                 f"{MAX_DURATION.days * 24}h")
    return check_pattern("--duration", pattern), length.to_timedelta()


#: The longest glob ``--only``/``--duration`` take.  ``fnmatch`` translates a pattern in time
#: quadratic in its unclosed ``[`` (60 KB of them: 99 s); a plain name may be any length.
MAX_GLOB = 1000
_GLOB_CHARS = frozenset("*?[")


def check_pattern(option: str, pattern: str) -> str:
    """A NAME pattern, refused (one line, exit 2) when it is a glob longer than MAX_GLOB."""
    if len(pattern) > MAX_GLOB and not _GLOB_CHARS.isdisjoint(pattern):
        raise CalendarUsageError(f"{option}: a pattern with * ? or [ is at most {MAX_GLOB:,} "
                                 f"characters, got {len(pattern):,}")
    return pattern


def matches(pattern: str, name: str, given: str) -> bool:
    """``--only``/``--duration`` NAME: a glob (``fnmatch``, case-sensitive) matching the name
    as shown (``X [2]`` for the second of two schedules named ``X``) or as the file gives it."""
    if _GLOB_CHARS.isdisjoint(pattern):
        return pattern in (name, given)
    return fnmatchcase(name, pattern) or fnmatchcase(given, pattern)


def resolve_durations(names: Sequence[tuple[str, str]], flags: Sequence[tuple[str, timedelta]],
                      observed: Mapping[str, timedelta] | None = None) -> dict[str, timedelta]:
    """Each schedule's busy duration: from ``--duration`` flags, else from ``observed``.

    ``names`` are (shown name, name as given) pairs.  Of the flags matching a name, the last
    given wins (``--duration '*=10m' --duration 'Nightly=2h'``).  ``observed`` is where a
    snapshot's durations come in: ``calendar SNAPSHOT`` will pass the subscriptions' observed
    p95 durations (``snapshot.observed_durations``), keyed by the name as given; an explicit
    ``--duration`` always wins over an observed one.
    """
    out: dict[str, timedelta] = {}
    for shown, given in names:
        chosen = None
        for pattern, length in flags:
            if matches(pattern, shown, given):
                chosen = length
        if chosen is None and observed is not None:
            chosen = observed.get(shown, observed.get(given))
        if chosen is not None:
            # An observed duration past the bound (a stuck sync) is drawn at the bound.
            out[shown] = min(max(chosen, timedelta(0)), MAX_DURATION)
    return out


def unmatched(patterns: Sequence[str], names: Sequence[tuple[str, str]]) -> list[str]:
    """The patterns that match none of ``names``."""
    return [p for p in patterns if not any(matches(p, shown, given) for shown, given in names)]


def input_identities(arguments: Sequence[str],
                     stdin: IO[Any] | None = None) -> dict[tuple[int, int], str]:
    """(st_dev, st_ino) of every file read as input, through symlinks: an output that is one of
    them (by name, by link, by hard link) would destroy it."""
    out: dict[tuple[int, int], str] = {}
    for argument in arguments:
        if argument == "-":
            try:
                info = os.fstat((stdin or sys.stdin).fileno())
            except (OSError, ValueError, AttributeError):
                continue  # not a real file descriptor (a test runner's stream)
            if stat.S_ISREG(info.st_mode):
                out[(info.st_dev, info.st_ino)] = "standard input"
            continue
        if argument.lstrip().startswith("{"):
            continue
        try:
            info = os.stat(argument)
        except (OSError, ValueError):
            continue
        out[(info.st_dev, info.st_ino)] = argument
    return out


def check_outputs(targets: Sequence[tuple[str, str]],
                  inputs: Mapping[tuple[int, int], str]) -> None:
    """Refuse an output that is an input, or the same file as another output."""
    seen: dict[tuple[int, int] | str, str] = {}
    for option, target in targets:
        if target == "-":
            continue
        try:
            info = os.stat(target)
            identity: tuple[int, int] | str = (info.st_dev, info.st_ino)
        except (OSError, ValueError):
            identity = os.path.realpath(target)  # not there yet: its name decides
        if isinstance(identity, tuple) and identity in inputs:
            raise CalendarUsageError(
                f"{option} {target!r} is the input {inputs[identity]!r}: writing it would "
                "destroy the schedules it holds; name another file")
        if identity in seen:
            raise CalendarUsageError(f"{option} {target!r} is the same file as "
                                     f"{seen[identity]}: name two files")
        seen[identity] = f"{option} {target!r}"


def resolve_zone(name: str) -> Any:
    """``--tz``: checked as ``next`` checks it (one line, exit 2, with the rule's hint)."""
    from schedulelib.cli._common import zone

    return zone(name)


def default_zone(schedules: list[Schedule]) -> str:
    """The schedules' own zone when they all name the same one, otherwise UTC."""
    zones = {s.timezone for s in schedules if isinstance(s, Cron | SpecificDays)}
    return zones.pop() if len(zones) == 1 else "UTC"


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
@click.option("--dst", default="go", show_default=True, type=DstChoice(),
              help="Which cron engine's DST behaviour to simulate.")
@click.option("--only", "only", multiple=True, metavar="NAME",
              help="Show only the schedules with this name or glob (repeatable).")
@click.option("--duration", "duration_flags", multiple=True, metavar="NAME=DURATION",
              help="How long each run of NAME (a name or glob) keeps the warehouse busy, as a "
                   "Go duration like 30m or 1h30m (repeatable; the last match wins).")
@click.option("--ics", "ics_file", metavar="FILE",
              help="Also write an iCalendar file, one event per run ('-': standard output).")
@click.option("--html", "html_file", metavar="FILE",
              help="Also write a self-contained HTML page ('-': standard output).")
def calendar_command(schedules: tuple[str, ...], view: View, start: str | None,
                     zone_name: str | None, dst: str, only: tuple[str, ...],
                     duration_flags: tuple[str, ...], ics_file: str | None,
                     html_file: str | None) -> None:
    """Preview when SCHEDULE... run: a week or month calendar, and where syncs pile up.

    SCHEDULE is a file (JSON, YAML or Terraform: every schedule in it), '-' for standard
    input, or inline JSON.  Schedules with errors are reported and left out.
    """
    if ics_file == "-" and html_file == "-":
        raise CalendarUsageError("--ics and --html cannot both write to standard output")
    stdout = sys.stdout
    first = parse_start(start) if start is not None else None
    flags = [parse_duration_flag(text) for text in duration_flags]
    only = tuple(check_pattern("--only", pattern) for pattern in only)
    # Schedules are found exactly as `validate` finds them, and bad ones reported as it does.
    from schedulelib.cli._common import read_schedules, report_bad

    entries: list[tuple[str, Schedule]] = []
    failed = False
    for argument in schedules:
        good, findings = read_schedules(argument)
        errors = [f for f in findings if f.severity == "error"]
        failed = failed or bool(errors)
        report_bad(errors)
        entries.extend(good)
    # Before anything is written: no output may be one of the files just read.
    check_outputs([(o, t) for o, t in (("--ics", ics_file), ("--html", html_file))
                   if t is not None], input_identities(schedules))
    names = list(zip(numbered([name for name, _ in entries]), [name for name, _ in entries],
                     strict=True))
    _warn_unmatched("--only", only, names)
    _warn_unmatched("--duration", [p for p, _ in flags], names)
    kept = [(shown, schedule) for (shown, given), (_, schedule) in zip(names, entries, strict=True)
            if not only or any(matches(p, shown, given) for p in only)]
    if only and not kept:
        raise CalendarUsageError("--only matches no schedule; the schedules are: "
                                 + _some(shown for shown, _ in names))
    shown_names = {shown for shown, _ in kept}
    durations = resolve_durations([(s, g) for s, g in names if s in shown_names], flags,
                                  observed=observed_durations(schedules))
    zone_key = zone_name or default_zone([s for _, s in kept])
    zone = resolve_zone(zone_key)
    if first is None:
        first = datetime.now(UTC).astimezone(zone).date()
    assert view in VIEWS
    try:
        win = window(view, first, zone, zone_key)
    except ScheduleError as exc:
        raise CalendarUsageError(f"--start {start!r}: {exc}") from None
    try:
        cal = build(kept, win, dst=dst, durations=durations)
    except CalendarRangeError as exc:
        raise CalendarUsageError(f"--start {start!r}: {exc}") from None
    except ScheduleError as exc:
        raise click.ClickException(str(exc)) from None
    _write_outputs(cal, ics_file, html_file)
    if "-" not in (ics_file, html_file):
        click.echo(render_text(cal, color=use_color(stdout, os.environ)), nl=False,
                   color=use_color(stdout, os.environ))
    if failed:
        sys.exit(1)


def observed_durations(arguments: Sequence[str]) -> dict[str, timedelta]:
    """The p95 run durations observed in the snapshot files among ``arguments`` (``pull``).

    A snapshot is recognised by its marker key near the start of the file; one that cannot be
    read as a snapshot draws no busy spans (validate reports what is wrong with it), so the
    calendar still shows its start marks.
    """
    from schedulelib.workspace.snapshot import MARK, SnapshotError, read_snapshot
    from schedulelib.workspace.snapshot import observed_durations as p95

    out: dict[str, timedelta] = {}
    for argument in arguments:
        # Only regular files: a FIFO named here would block the open (validate says why).
        if argument == "-" or argument.lstrip().startswith("{") or not os.path.isfile(argument):
            continue
        try:
            with open(argument, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            continue
        if f'"{MARK}"'.encode() not in head:
            continue
        try:
            out.update(p95(read_snapshot(argument)))
        except SnapshotError as exc:
            from schedulelib._support.text import shown as escaped

            click.echo(escaped(f"Warning: {argument}: no observed durations: {exc}"), err=True)
    return out


def _some(names: Any, limit: int = 10) -> str:
    listed = list(names)
    shown = ", ".join(repr(n) for n in listed[:limit])
    return shown + (f" and {len(listed) - limit} more" if len(listed) > limit else "")


def _warn_unmatched(option: str, patterns: Sequence[str],
                    names: Sequence[tuple[str, str]]) -> None:
    for pattern in unmatched(patterns, names):
        click.echo(f"Warning: {option} {pattern!r} matches no schedule", err=True)


def _write_outputs(cal: Calendar, ics_file: str | None, html_file: str | None) -> None:
    if ics_file is not None:
        from schedulelib.preview.ics import write_ics

        _write(ics_file, lambda out: write_ics(cal, out), "--ics")
    if html_file is not None:
        from schedulelib.preview.html import to_html

        page = to_html(cal).encode("utf-8")
        _write(html_file, lambda out: out.write(page), "--html")


def _write(target: str, produce: Callable[[IO[bytes]], object], option: str) -> None:
    if target == "-":
        sys.stdout.flush()
        produce(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    try:
        write_atomically(target, produce)
    except OSError as exc:
        raise CalendarUsageError(f"{option} {target!r}: cannot write it "
                                 f"({exc.strerror or exc})") from None


def write_atomically(target: str, produce: Callable[[IO[bytes]], object]) -> None:
    """Write ``target`` whole or not at all: into a new file beside it, then rename over it.

    A reader never sees half a file, and a failure leaves the old file as it was.  The new
    file keeps the mode of the one it replaces (a new one gets 0666 less the umask, as any
    file the user creates).  A symlink is followed (its target is replaced, the link stays).
    Something that is not a regular file (``/dev/stdout``, a FIFO) cannot be replaced by a
    rename, so it is written straight into; a directory is refused.
    """
    real = os.path.realpath(target)
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "it is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(real, "wb") as out:
            produce(out)
        return
    replace_whole(real, produce, like=info, sync=True)
