"""The calendar model: runs bucketed into days x hours of one zone, built once, drawn elsewhere.

Data flows one way: schedules -> :func:`build` (a frozen :class:`Calendar`: every run as an
exact instant, per-hour counts, DST changes, the busy spans of :mod:`.load`) -> a renderer
(:mod:`.grid` for the terminal, :mod:`.ics`, :mod:`.html`).  Nothing here prints; the command
line does.

Cells are wall-clock hours of the *display* zone (``--tz``).  On a day the clocks go back, the
repeated hour has one cell that counts the runs of both copies; on a day they go forward, the
missing hour is drawn as ``--``.  A schedule's own DST trouble (a run skipped, repeated or shifted
in *its* zone, which need not be the display zone) comes from ``analysis.analyze`` and is listed
under the grid, on the display day it falls on.
"""

from __future__ import annotations

import calendar as _stdcal
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.schedule import (
    Cron,
    DbtCloud,
    Manual,
    Periodic,
    Schedule,
    SpecificDays,
    dst_policy,
)
from schedulelib.preview.load import EPOCH, Cell, Load, busy_load, micros

if TYPE_CHECKING:
    from schedulelib.core.analysis import DstEvent

View = Literal["week", "month"]
DstKind = Literal["skipped", "repeated", "shifted"]

VIEWS: tuple[View, ...] = ("week", "month")

#: Periodic schedules have no wall clock; their runs are drawn at ``PERIODIC_ANCHOR + k *
#: interval`` for every integer k, so that the same schedule gives the same instants (and the
#: same ``.ics`` UIDs) whatever window is drawn.  An interval that divides a day lands on round
#: UTC times (every 15m: :00, :15, :30, :45 UTC).
PERIODIC_ANCHOR = EPOCH
#: The longest busy span a run may have (a sync taking longer than a week is a stuck sync, and
#: a bound keeps the runs still busy from before the window few: at most a week of them).
MAX_DURATION = timedelta(days=7)
#: The first and last days a window may hold.  ``datetime`` holds years 1 to 9999, and the
#: picture needs instants around its days: midnights in any zone, runs still busy from before
#: the window, an event's end, and the engines' look-around (the DST transitions of the years
#: either side of a run).  A year's margin at each end keeps all of them representable.
FIRST_DAY = date(2, 1, 1)
LAST_DAY = date(9997, 12, 31)


class CalendarRangeError(ScheduleError):
    """The days asked for are too near the ends of what ``datetime`` holds to be drawn."""


# -- the window ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """What the picture covers: ``days`` of ``zone``, runs in ``[start, end)``.

    ``start`` is midnight of the first day unless a later instant was asked for; ``end`` is
    midnight after the last day.  Both are aware datetimes in ``zone``.
    """

    view: View
    zone: tzinfo
    zone_name: str
    days: tuple[date, ...]
    start: datetime
    end: datetime


def midnight(day: date, zone: tzinfo) -> datetime:
    """The first instant of ``day`` in ``zone``.

    Where midnight does not exist (America/Sao_Paulo, 2018-11-04) the day starts at the
    transition; zoneinfo's ``fold=0`` reading of the missing time lands exactly there.
    """
    naive = datetime(day.year, day.month, day.day)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def window(view: View, start: date | datetime, zone: tzinfo, zone_name: str = "") -> Window:
    """The week (7 days from ``start``'s date) or the calendar month holding ``start``.

    A ``date`` starts the picture at midnight; an aware ``datetime`` starts it at that instant
    (earlier hours of the first day stay empty); a naive one is read in ``zone``.
    """
    if view not in VIEWS:
        raise ScheduleError(f"view must be 'week' or 'month', got {view!r}")
    name = zone_name or str(getattr(zone, "key", "") or zone)
    instant: datetime | None = None
    outside = CalendarRangeError(f"the {view} from {start} does not fit in the days the "
                                 f"calendar draws, {FIRST_DAY} to {LAST_DAY}")
    if isinstance(start, datetime):
        if not FIRST_DAY <= start.date() <= LAST_DAY:
            raise outside
        instant = start if start.tzinfo is not None else start.replace(tzinfo=zone)
        instant = instant.astimezone(zone)
        first = instant.date()
    else:
        first = start
    if view == "week":
        if not FIRST_DAY <= first <= LAST_DAY - timedelta(days=6):
            raise outside
        days = tuple(first + timedelta(days=i) for i in range(7))
    else:
        if not FIRST_DAY <= first <= LAST_DAY:
            raise outside
        count = _stdcal.monthrange(first.year, first.month)[1]
        days = tuple(date(first.year, first.month, d) for d in range(1, count + 1))
        if not (days[0] >= FIRST_DAY and days[-1] <= LAST_DAY):
            raise outside
    begin = midnight(days[0], zone)
    if instant is not None and instant > begin:
        begin = instant
    return Window(view, zone, name, days, begin, midnight(days[-1] + timedelta(days=1), zone))


# -- what happened to the clocks ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClockChange:
    """A change of UTC offset of the display zone inside the window."""

    at: datetime  # the instant of the change, UTC
    day: date  # its day in the zone
    before: datetime  # the last wall time before the change (zone-aware)
    after: datetime  # the first wall time after it

    @property
    def delta(self) -> timedelta:
        """How far the clocks moved: positive forward (a gap), negative back (a fold)."""
        return _offset(self.after) - _offset(self.before)

    def describe(self) -> str:
        delta = self.delta
        mins = abs(int(delta.total_seconds())) // 60
        size = f"{mins // 60}h" if mins % 60 == 0 else f"{mins} min"
        edge = self.before + timedelta(seconds=1)  # the wall time at which the clocks move
        then = f"{edge:%H:%M} {self.before.tzname()}"
        now = f"{(edge + delta):%H:%M} {self.after.tzname()}"
        if delta > timedelta(0):
            return f"clocks go forward {size} at {then} to {now}; the hours between do not exist"
        return (f"clocks go back {size} at {then} to {now}; the repeated wall times are counted "
                "in one cell")


def _offset(moment: datetime) -> timedelta:
    value = moment.utcoffset()
    return value if value is not None else timedelta(0)


def clock_changes(win: Window) -> tuple[ClockChange, ...]:
    """Every offset change of ``win.zone`` in the window, found to the second.

    A step of one hour can miss two changes less than an hour apart; no zone has had those.
    """
    step = timedelta(hours=1)
    lo = win.start.astimezone(UTC)
    end = win.end.astimezone(UTC)
    found: list[ClockChange] = []
    zone = win.zone
    previous = _offset(lo.astimezone(zone))
    while lo < end:
        hi = min(lo + step, end)
        now = _offset(hi.astimezone(zone))
        if now != previous:
            a, b = lo, hi  # offset(a) == previous, offset(b) != previous
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) // 2
                if _offset(mid.astimezone(zone)) == previous:
                    a = mid
                else:
                    b = mid
            after = b.astimezone(zone)
            found.append(ClockChange(b, after.date(), (b - timedelta(seconds=1)).astimezone(zone),
                                     after))
            previous = now
        lo = hi
    return tuple(found)


@dataclass(frozen=True, slots=True)
class DstNote:
    """What DST did to one schedule's runs on one day (in that schedule's own zone)."""

    schedule: str  # the track's name
    kind: DstKind
    day: date  # the display day it falls on
    wall: str  # the wall time the schedule asked for, "02:30", in the schedule's zone
    zone: str  # the schedule's zone
    instants: tuple[datetime, ...] = ()  # when it ran instead (none when skipped), UTC
    detail: str = ""  # e.g. "CET -> CEST"

    def describe(self, zone: tzinfo) -> str:
        when = ", ".join(f"{i.astimezone(zone):%H:%M %Z}" for i in self.instants)
        what = {
            "skipped": f"the {self.wall} run does not happen ({self.zone} skips that time)",
            "repeated": f"{self.wall} ({self.zone}) happens twice: runs at {when}",
            "shifted": f"the {self.wall} run ({self.zone}) moves to {when}",
        }[self.kind]
        return what + (f"; {self.detail}" if self.detail else "")


# -- the calendar -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Track:
    """One schedule in the picture: its name, a one-line description and its runs."""

    name: str
    description: str
    runs: tuple[datetime, ...]  # aware instants in the window, ascending
    #: what the schedule is, canonically (its ``to_dict()`` as sorted JSON): part of the UIDs
    key: str = ""
    #: how long each run keeps the warehouse busy; ``None``: unknown, drawn as a start mark only
    duration: timedelta | None = None
    #: runs before the window still busy when it starts (only with a ``duration``), ascending
    carried: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Calendar:
    """Everything a renderer needs; computed once by :func:`build`."""

    window: Window
    tracks: tuple[Track, ...]
    idle: tuple[tuple[str, str], ...] = ()  # (name, description) of schedules no clock drives
    notes: tuple[DstNote, ...] = ()
    changes: tuple[ClockChange, ...] = ()
    #: per track, the (day index, hour) of each run, in the display zone
    cells: tuple[tuple[Cell, ...], ...] = ()
    counts: dict[Cell, int] = field(default_factory=dict)
    #: the wall hours of the display zone that do not exist (spring forward)
    missing: frozenset[Cell] = frozenset()
    #: the busy spans, when any track has a duration
    load: Load | None = None

    @property
    def total(self) -> int:
        return sum(len(t.runs) for t in self.tracks)

    def day_total(self, index: int) -> int:
        return sum(self.counts.get((index, h), 0) for h in range(24))

    @property
    def marked_days(self) -> frozenset[int]:
        """Indexes of the days with a clock change or a DST note."""
        first = self.window.days[0]
        return frozenset((c.day - first).days for c in self.changes) | frozenset(
            (n.day - first).days for n in self.notes)


def describe(schedule: Schedule) -> str:
    """A one-line description for legends, e.g. ``cron "30 2 * * *" in Europe/Berlin``."""
    if isinstance(schedule, Periodic):
        return f"periodic every {schedule.text or schedule.interval}"
    if isinstance(schedule, SpecificDays):
        days = ",".join(_stdcal.day_abbr[(d - 1) % 7] for d in schedule.days)
        hours = ",".join(f"{h:02d}:00" for h in schedule.hours)
        return f"specific_days {days} at {hours} in {schedule.timezone}"
    if isinstance(schedule, Cron):
        return f'cron "{schedule.spec}" in {schedule.timezone}'
    if isinstance(schedule, DbtCloud):
        return f"dbt_cloud job {schedule.job_id}"
    if isinstance(schedule, Manual):
        return "manual"
    raise TypeError(f"not a schedule: {schedule!r}")


def schedule_runs(schedule: Schedule, win: Window, *, dst: str = "go") -> list[datetime]:
    """The runs of ``schedule`` inside ``[win.start, win.end)``.

    ``runs()`` starts strictly after ``after``, so a run at ``win.start`` itself is asked for
    from just before it.  A periodic schedule has no wall clock: its runs are
    ``PERIODIC_ANCHOR + k * interval`` (see :func:`periodic_runs`).
    """
    return runs_between(schedule, win.start.astimezone(UTC), win.end, dst=dst)


def runs_between(schedule: Schedule, start: datetime, end: datetime, *,
                 dst: str = "go") -> list[datetime]:
    """The runs of ``schedule`` in ``[start, end)`` (periodic ones in ``start``'s zone)."""
    if isinstance(schedule, Periodic):
        return list(periodic_runs(schedule.interval.nanoseconds, start, end))
    out: list[datetime] = []
    for run in schedule.runs(start.astimezone(UTC) - timedelta(microseconds=1), end,
                             dst=dst_policy(dst)):
        if run >= end:
            break
        if run >= start:
            out.append(run)
    return out


def periodic_runs(interval_ns: int, start: datetime, end: datetime) -> Iterator[datetime]:
    """``PERIODIC_ANCHOR + k * interval`` for every integer k, inside ``[start, end)``.

    Integer nanoseconds from the anchor, as the periodic engine counts, floored to whole
    microseconds (what ``datetime`` holds); results are in ``start``'s zone.
    """
    if interval_ns <= 0:
        raise ScheduleError(f"interval must be a positive number of nanoseconds, got "
                            f"{interval_ns!r}")
    zone = start.tzinfo
    lo, hi = micros(start) * 1000, micros(end) * 1000
    k = -(-lo // interval_ns)  # the first k with k * interval >= start
    while (ns := k * interval_ns) < hi:
        yield (PERIODIC_ANCHOR + timedelta(microseconds=ns // 1000)).astimezone(zone)
        k += 1


def build(entries: Iterable[tuple[str, Schedule]], win: Window, *, dst: str = "go",
          durations: Mapping[str, timedelta] | None = None) -> Calendar:
    """The calendar of ``entries`` (name, schedule) over ``win`` under DST policy ``dst``.

    ``durations`` maps a schedule's name to how long each of its runs keeps the warehouse busy
    (at most :data:`MAX_DURATION`; zero or absent: unknown, drawn as start marks only).
    """
    durations = dict(durations or {})
    for name, given in durations.items():
        if not timedelta(0) <= given <= MAX_DURATION:
            raise ScheduleError(f"the duration of {name!r} must be between 0s and "
                                f"{MAX_DURATION.days * 24}h, got {given}")
    tracks: list[Track] = []
    idle: list[tuple[str, str]] = []
    notes: list[DstNote] = []
    for name, schedule in entries:
        if not schedule.time_driven:
            idle.append((name, describe(schedule)))
            continue
        key = json.dumps(schedule.to_dict(), sort_keys=True, separators=(",", ":"))
        length = durations.get(name) or None
        carried: tuple[datetime, ...] = ()
        try:
            runs = tuple(schedule_runs(schedule, win, dst=dst))
            if length is not None:
                # Runs that started before the window and are still busy when it starts: a
                # run at r is busy in [r, r + length), so every r in (start - length, start).
                carried = tuple(runs_between(schedule, (win.start - length).astimezone(UTC)
                                             + timedelta(microseconds=1), win.start, dst=dst))
            notes.extend(dst_notes(name, schedule, win, dst=dst))
        except (OverflowError, ValueError) as exc:
            # An engine that looks for the next run past year 9999 (or before year 1) meets
            # the end of datetime; near those ends that is the calendar's limit, not a bug.
            if isinstance(exc, ScheduleError) or not _near_the_ends(win):
                raise
            raise CalendarRangeError(
                f"the runs of {name!r} around {win.days[0]} cannot be computed: the engine "
                f"looks past the dates Python can hold ({exc})") from None
        tracks.append(Track(name, describe(schedule), runs, key, length, carried))
    return assemble(win, tracks, idle=idle, notes=notes)


def _near_the_ends(win: Window) -> bool:
    # Within a century of year 1 or 9999: far beyond any engine's search (robfig's gives up
    # after 5 years), so an overflow elsewhere stays a bug to report, not a range error.
    return win.days[0].year < 100 or win.days[-1].year > 9899


def assemble(win: Window, tracks: Sequence[Track], *, idle: Sequence[tuple[str, str]] = (),
             notes: Sequence[DstNote] = ()) -> Calendar:
    """The calendar of runs already computed (the renderers' tests feed plain data here)."""
    first = win.days[0]
    zone = win.zone
    counts: Counter[Cell] = Counter()
    all_cells: list[tuple[Cell, ...]] = []
    for track in tracks:
        cells: list[Cell] = []
        for run in track.runs:
            local = run.astimezone(zone)
            cells.append(((local.date() - first).days, local.hour))
        counts.update(cells)
        all_cells.append(tuple(cells))
    changes = clock_changes(win)
    missing = frozenset(_missing_hours(win, changes))
    kept = sorted((n for n in notes if first <= n.day <= win.days[-1]),
                  key=lambda n: (n.day, n.schedule, n.wall, n.kind))
    return Calendar(win, tuple(tracks), tuple(idle), tuple(kept), changes, tuple(all_cells),
                    dict(counts), missing, busy_load(win, tracks))


def _missing_hours(win: Window, changes: Iterable[ClockChange]) -> Iterable[Cell]:
    """The wall hours skipped entirely by a forward change (a 30-minute gap skips none)."""
    first = win.days[0]
    for change in changes:
        if change.delta <= timedelta(0):
            continue
        gap_start = change.before + timedelta(seconds=1)  # wall time, in the old offset
        gap_end = gap_start + change.delta  # naive wall arithmetic: the first wall time after
        hour = gap_start.replace(minute=0, second=0, tzinfo=None)
        if hour < gap_start.replace(tzinfo=None):
            hour += timedelta(hours=1)
        while hour + timedelta(hours=1) <= gap_end.replace(tzinfo=None):
            yield ((hour.date() - first).days, hour.hour)
            hour += timedelta(hours=1)


# -- DST notes from the analysis module ---------------------------------------------------------


def dst_notes(name: str, schedule: Schedule, win: Window, *, dst: str = "go") -> list[DstNote]:
    """What DST does to ``schedule`` in the window, from ``analysis.analyze``.

    Only schedules with a wall clock (cron, specific_days) have any.
    """
    if not isinstance(schedule, Cron | SpecificDays):
        return []
    from schedulelib.core.analysis import analyze

    notes: list[DstNote] = []
    for event in analyze(schedule, win.start, win.end, dst=dst).events:
        note = _note_from_event(name, schedule.timezone, event, win)
        if note is not None:
            notes.append(note)
    return notes


def _note_from_event(name: str, zone: str, event: DstEvent, win: Window) -> DstNote:
    day = event.at.astimezone(win.zone).date()
    return DstNote(name, event.kind, day, f"{event.wall:%H:%M}", zone, event.utc, event.detail)


# -- words every view uses ---------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    """``1 run``, ``2 runs``, ``1,234 runs``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def heading(cal: Calendar) -> str:
    """The title line of every view: what the window covers, in which zone, how much runs."""
    win = cal.window
    if win.view == "week":
        # The year as {:04d}: strftime's %Y does not pad years before 1000 on every platform.
        a, b = win.days[0], win.days[-1]
        span = f"Week of {a:%a %d %b} {a.year:04d} to {b:%a %d %b} {b.year:04d}"
    else:
        span = f"{win.days[0]:%B} {win.days[0].year:04d}"
    return (f"{span}, {win.zone_name}: {plural(len(cal.tracks) + len(cal.idle), 'schedule')}, "
            f"{plural(cal.total, 'run')}")


def day_spans(days: Sequence[date]) -> str:
    """``Tue 24 to Sat 28, Mon 30 Mar``: runs of consecutive days joined."""
    spans: list[list[date]] = []
    for day in sorted(days):
        if spans and (day - spans[-1][-1]).days == 1:
            spans[-1].append(day)
        else:
            spans.append([day])
    if not spans:
        return ""
    last = spans[-1][-1]

    def show(day: date) -> str:
        # The month once at the end, and on any day of another month (a week across two).
        return f"{day:%a %d %b}" if day == last or day.month != last.month else f"{day:%a %d}"

    parts = []
    for span in spans:
        a, b = span[0], span[-1]
        if a == b:
            parts.append(show(a))
        elif (b - a).days == 1:
            parts.append(f"{show(a)}, {show(b)}")
        else:
            parts.append(f"{show(a)} to {show(b)}")
    return ", ".join(parts)


def span_text(length: timedelta) -> str:
    """A busy duration as Go writes it (``30m0s``, ``1h30m0s``): the syntax ``--duration``
    takes."""
    from schedulelib.core.duration import format_duration

    return format_duration(length // timedelta(microseconds=1) * 1000)
