"""Calendar previews: runs bucketed into days x hours of one zone, and the terminal views.

Data flows one way: schedules -> :func:`build` (a frozen :class:`Calendar`: every run as an
exact instant, per-hour counts, DST changes) -> a renderer (:func:`render_text` here,
``ics.py`` and ``html.py`` beside it).  Nothing here prints; the command line does.

Cells are wall-clock hours of the *display* zone (``--tz``).  On a day the clocks go back, the
repeated hour has one cell that counts the runs of both copies; on a day they go forward, the
missing hour is drawn as ``--``.  A schedule's own DST trouble (a run skipped, repeated or shifted
in *its* zone, which need not be the display zone) comes from ``analysis.analyze`` and is listed
under the grid, on the display day it falls on.
"""

from __future__ import annotations

import calendar as _stdcal
import json
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
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

if TYPE_CHECKING:
    from schedulelib.core.analysis import DstEvent

View = Literal["week", "month"]
DstKind = Literal["skipped", "repeated", "shifted"]

VIEWS: tuple[View, ...] = ("week", "month")
WIDTH = 80  # every line of the terminal views fits in this many columns

#: Periodic schedules have no wall clock; their runs are drawn at ``PERIODIC_ANCHOR + k *
#: interval`` for every integer k, so that the same schedule gives the same instants (and the
#: same ``.ics`` UIDs) whatever window is drawn.  An interval that divides a day lands on round
#: UTC times (every 15m: :00, :15, :30, :45 UTC).
PERIODIC_ANCHOR = datetime(1970, 1, 1, tzinfo=UTC)
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


Cell = tuple[int, int]  # (index of the day in the window, hour 0-23)


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
    lo, hi = _micros(start) * 1000, _micros(end) * 1000
    k = -(-lo // interval_ns)  # the first k with k * interval >= start
    while (ns := k * interval_ns) < hi:
        yield (PERIODIC_ANCHOR + timedelta(microseconds=ns // 1000)).astimezone(zone)
        k += 1


def _micros(moment: datetime) -> int:
    """Microseconds from :data:`PERIODIC_ANCHOR` (negative before it)."""
    delta = moment - PERIODIC_ANCHOR
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


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


# -- busy spans ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SelfOverlap:
    """How one schedule with a duration overlaps itself: a run still busy at its next start."""

    track: int  # index into ``Calendar.tracks``
    overlaps: int  # runs in the window that start while an earlier run of it is still busy
    peak: int  # the most runs of this schedule busy at once
    first: datetime | None  # the first run that starts while an earlier one is busy


@dataclass(frozen=True, slots=True)
class Load:
    """The warehouse load: how many syncs run at once, from the tracks that have a duration.

    A run is busy in ``[start, start + duration)``: one that ends exactly when another starts
    does not overlap it.
    """

    peak: int  # the most syncs running at once in the window
    at: datetime | None  # the first instant the peak is reached (UTC)
    until: datetime | None  # when that first stretch at the peak ends (UTC)
    names: tuple[str, ...]  # the schedules running then, each once, busiest first
    at_peak: timedelta  # how long, in all, the window spends at the peak
    #: per wall hour of the display zone, the most syncs running at once in it
    cells: dict[Cell, int]
    #: per track, the wall hours in which it is busy (empty for tracks without a duration)
    busy: tuple[frozenset[Cell], ...]
    selves: tuple[SelfOverlap, ...]  # one per track with a duration


def hour_segments(win: Window) -> list[tuple[int, Cell]]:
    """The window cut where the wall hour changes: (start in microseconds, cell), ascending.

    Exact for any offset (30- and 45-minute zones, old local mean times with seconds): within
    one offset the next hour begins when the wall clock reaches it; where the offset changes
    before that, the change (found to the microsecond) starts the next segment.  The repeated
    hour of a fold is two segments with one cell.  A zone that changes its offset twice within
    one hour and back again would be missed; none has.
    """
    out: list[tuple[int, Cell]] = []
    first = win.days[0]
    zone = win.zone
    tick = timedelta(microseconds=1)
    moment = win.start.astimezone(UTC)
    end = win.end.astimezone(UTC)
    while moment < end:
        local = moment.astimezone(zone)
        out.append((_micros(moment), ((local.date() - first).days, local.hour)))
        upcoming = moment + timedelta(hours=1) - timedelta(
            minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
        offset = local.utcoffset()
        probe = min(upcoming, end) - tick
        if probe > moment and probe.astimezone(zone).utcoffset() != offset:
            low, high = moment, probe  # the offset is ``offset`` at low, another at high
            while high - low > tick:
                middle = low + (high - low) // 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            upcoming = high
        moment = upcoming
    return out


def busy_load(win: Window, tracks: Sequence[Track]) -> Load | None:
    """The busy spans of the tracks that have a duration, or ``None`` when none has one.

    One sweep over the starts and ends (ends first at the same instant), merged with the wall
    hours of the window: linear in runs plus hours, whatever the durations.
    """
    timed = [(i, t) for i, t in enumerate(tracks) if t.duration]
    if not timed:
        return None
    end_us = _micros(win.end)
    start_us = _micros(win.start)
    events: list[tuple[int, int, int]] = []  # (microseconds, +1 start / -1 end, track)
    selves: list[SelfOverlap] = []
    for index, track in timed:
        assert track.duration is not None
        length = _micros(PERIODIC_ANCHOR + track.duration)
        starts = [_micros(r) for r in (*track.carried, *track.runs)]
        for at in starts:
            events.append((at, 1, index))
            events.append((min(at + length, end_us), -1, index))
        selves.append(_self_overlap(index, track))
    events.sort(key=lambda e: (e[0], e[1]))
    segments = hour_segments(win)
    cells: dict[Cell, int] = {}
    busy: list[set[Cell]] = [set() for _ in tracks]
    active: Counter[int] = Counter()
    level = 0
    position = 0

    def apply(at: int) -> None:
        # Every event at one instant, ends first (the sort put -1 before +1).
        nonlocal level, position
        while position < len(events) and events[position][0] == at:
            _, delta, i = events[position]
            level += delta
            active[i] += delta
            if not active[i]:
                del active[i]
            position += 1

    while position < len(events) and events[position][0] < start_us:
        apply(events[position][0])  # the runs carried in from before the window
    time_at: Counter[int] = Counter()  # microseconds spent at each level
    peak, peak_at, peak_until = 0, -1, -1
    peak_names: Counter[int] = Counter()
    seg = 0
    cell = segments[0][1]
    previous = start_us
    while True:
        at = min(events[position][0] if position < len(events) else end_us,
                 segments[seg][0] if seg < len(segments) else end_us)
        if at >= end_us:
            break
        time_at[level] += at - previous
        previous = at
        apply(at)
        if seg < len(segments) and segments[seg][0] == at:
            cell = segments[seg][1]
            seg += 1
        # [at, the next instant) is at ``level``, in ``cell``.
        cells[cell] = max(cells.get(cell, 0), level)
        for i in active:
            busy[i].add(cell)
        if level > peak:
            peak, peak_at, peak_until = level, at, -1
            peak_names = active.copy()
        elif peak_until < 0 <= peak_at and level < peak:
            peak_until = at
    time_at[level] += end_us - previous
    names = tuple(tracks[i].name for i, _ in sorted(peak_names.items(),
                                                      key=lambda kv: (-kv[1], kv[0])))
    first = None if peak_at < 0 else PERIODIC_ANCHOR + timedelta(microseconds=peak_at)
    until = None if first is None else (
        win.end.astimezone(UTC) if peak_until < 0
        else PERIODIC_ANCHOR + timedelta(microseconds=peak_until))
    return Load(peak, first, until, names, timedelta(microseconds=time_at[peak] if peak else 0),
                cells, tuple(frozenset(b) for b in busy), tuple(selves))


def run_overlaps(track: Track) -> list[int]:
    """For each run of ``track`` in the window, how many runs of it are busy when it starts
    (itself included: 1 is no overlap).  Two pointers: linear in the runs."""
    if not track.duration:
        return [1] * len(track.runs)
    length = _micros(PERIODIC_ANCHOR + track.duration)
    starts = [_micros(r) for r in (*track.carried, *track.runs)]
    out: list[int] = []
    oldest = 0  # the earliest run still busy at starts[k]
    for k, at in enumerate(starts):
        while starts[oldest] + length <= at:
            oldest += 1
        if k >= len(track.carried):
            out.append(k - oldest + 1)
    return out


def _self_overlap(index: int, track: Track) -> SelfOverlap:
    running = run_overlaps(track)
    overlapping = [k for k, n in enumerate(running) if n > 1]
    first = track.runs[overlapping[0]].astimezone(UTC) if overlapping else None
    return SelfOverlap(index, len(overlapping), max(running, default=0), first)


# -- pile-ups -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """Wall hours of the display zone with the same load: ``runs`` from the same schedules.

    A load that recurs (the same schedules at 02:00 every night) is one slot with many days.
    """

    hour: int
    days: tuple[date, ...]
    runs: int  # runs starting in the hour, on each of ``days``
    schedules: tuple[tuple[str, int], ...]  # (name, runs in the hour), busiest first


@dataclass(frozen=True, slots=True)
class PileUp:
    """The busiest hours, and the peaks of the whole window."""

    slots: tuple[Slot, ...]
    peak: int  # the most syncs starting in one wall hour
    peak_hours: int  # how many hours reach it
    widest: int  # the most distinct schedules starting in one wall hour
    together: int  # the most syncs starting at the same instant


def pileups(cal: Calendar, top: int = 5) -> PileUp:
    """The ``top`` busiest loads: most runs per hour, then most schedules, then earliest."""
    per: dict[Cell, Counter[int]] = {}
    for index, cells in enumerate(cal.cells):
        for cell in cells:
            per.setdefault(cell, Counter())[index] += 1
    if not per:
        return PileUp((), 0, 0, 0, 0)
    ranked = sorted(per, key=lambda c: (-cal.counts[c], -len(per[c]), c))
    groups: dict[tuple[int, int, tuple[tuple[int, int], ...]], list[int]] = {}
    for cell in ranked:
        shares = tuple(sorted(per[cell].items(), key=lambda kv: (-kv[1], kv[0])))
        key = (cell[1], cal.counts[cell], shares)
        if key not in groups and len(groups) == top:
            continue
        groups.setdefault(key, []).append(cell[0])
    slots = tuple(
        Slot(hour, tuple(cal.window.days[i] for i in sorted(days)), runs,
             tuple((cal.tracks[i].name, n) for i, n in shares))
        for (hour, runs, shares), days in groups.items())
    peak = cal.counts[ranked[0]]
    instants = Counter(run for track in cal.tracks for run in track.runs)
    return PileUp(slots, peak, sum(1 for c in ranked if cal.counts[c] == peak),
                  max(len(v) for v in per.values()), max(instants.values()))


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


# -- text helpers -------------------------------------------------------------------------------

#: Characters a terminal must not receive raw from a file: C0 and C1 controls (ESC starts
#: escape sequences that recolour, retitle or rewrite the screen), DEL, and lone surrogates
#: (from a JSON "\ud800"), which no UTF-8 stream can carry; the line and paragraph
#: separators and the bidirectional controls, which break or reorder what is shown.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with each control character and lone surrogate replaced by U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


def span_text(length: timedelta) -> str:
    """A busy duration as Go writes it (``30m0s``, ``1h30m0s``): the syntax ``--duration``
    takes."""
    from schedulelib.core.duration import format_duration

    return format_duration(length // timedelta(microseconds=1) * 1000)


def _printable_calendar(cal: Calendar) -> Calendar:
    """The calendar with every name made :func:`printable` (for the terminal only)."""
    def clean(track: Track) -> Track:
        return replace(track, name=printable(track.name))

    load = cal.load
    if load is not None:
        load = replace(load, names=tuple(printable(n) for n in load.names))
    return replace(cal, tracks=tuple(clean(t) for t in cal.tracks),
                   idle=tuple((printable(n), d) for n, d in cal.idle),
                   notes=tuple(replace(n, schedule=printable(n.schedule)) for n in cal.notes),
                   load=load)


# -- the terminal views -------------------------------------------------------------------------

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_MARK = "\x1b[35m"  # magenta: DST
# Heat, coolest first: the share of the busiest cell decides the shade.
_HEAT = ("\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[1;31m")


class _Paint:
    def __init__(self, color: bool, peak: int) -> None:
        self.color = color
        self.peak = peak

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and code else text

    def heat(self, text: str, count: int) -> str:
        if not self.color:
            return text
        if count == 0:
            return self(text, _DIM)
        level = min(len(_HEAT) - 1, (count * len(_HEAT) - 1) // max(self.peak, 1))
        return self(text, _HEAT[level])


def _count(n: int) -> str:
    return "." if n == 0 else f"{n:,}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def heading(cal: Calendar) -> str:
    win = cal.window
    if win.view == "week":
        # The year as {:04d}: strftime's %Y does not pad years before 1000 on every platform.
        a, b = win.days[0], win.days[-1]
        span = f"Week of {a:%a %d %b} {a.year:04d} to {b:%a %d %b} {b.year:04d}"
    else:
        span = f"{win.days[0]:%B} {win.days[0].year:04d}"
    return (f"{span}, {win.zone_name}: {_plural(len(cal.tracks) + len(cal.idle), 'schedule')}, "
            f"{_plural(cal.total, 'run')}")


def _week_grid(cal: Calendar, paint: _Paint, values: dict[Cell, int] | None = None) -> list[str]:
    # 6 columns of hour labels + 7 days x 10 columns = 76.  ``values``: what each cell shows
    # (default: the runs starting in it).
    counts = cal.counts if values is None else values
    marked = cal.marked_days
    head = "      "
    for index, day in enumerate(cal.window.days):
        label = f"{day:%a %d}" + ("*" if index in marked else " ")
        head += f"{label:>10}" if index not in marked else " " * (10 - len(label)) + paint(
            label, _MARK)
    lines = [paint(head, _BOLD) if not marked else head]
    for hour in range(24):
        row = f"{hour:02d}:00 "
        for index in range(len(cal.window.days)):
            if (index, hour) in cal.missing:
                row += paint(f"{'--':>9} ", _MARK)
                continue
            n = counts.get((index, hour), 0)
            row += paint.heat(f"{_count(n):>9}", n) + " "
        lines.append(row.rstrip())
    if values is None:
        totals = "total "
        for index in range(len(cal.window.days)):
            totals += f"{_count(cal.day_total(index)):>9} "
        lines.append(totals.rstrip())
    else:
        peaks = "peak  "
        for index in range(len(cal.window.days)):
            peaks += f"{_count(max(counts.get((index, h), 0) for h in range(24))):>9} "
        lines.append(peaks.rstrip())
    return lines


def _month_grid(cal: Calendar, paint: _Paint) -> list[str]:
    # 7 columns of 11: the day of the month, then its runs; Monday first (ISO 8601).
    days = cal.window.days
    marked = cal.marked_days
    totals = [cal.day_total(i) for i in range(len(days))]
    daily_peak = max(totals, default=0)
    lines = ["".join(f"{name:>11}" for name in _stdcal.day_abbr).rstrip()]
    lines[0] = paint(lines[0], _BOLD)
    lead = days[0].weekday()
    weeks = (lead + len(days) + 6) // 7
    heat = _Paint(paint.color, daily_peak)
    busiest: list[int] | None = None
    if cal.load is not None:
        cells = cal.load.cells
        busiest = [max(cells.get((i, h), 0) for h in range(24)) for i in range(len(days))]
    busy_heat = _Paint(paint.color, max(busiest or [0]))
    for week in range(weeks):
        top, bottom, busy = "", "", ""
        for column in range(7):
            index = week * 7 + column - lead
            if not 0 <= index < len(days):
                top += " " * 11
                bottom += " " * 11
                busy += " " * 11
                continue
            label = f"{days[index].day}" + ("*" if index in marked else " ")
            top += " " * (11 - len(label)) + (paint(label, _MARK) if index in marked else label)
            bottom += heat.heat(f"{_count(totals[index]):>10}", totals[index]) + " "
            if busiest is not None:
                most = busiest[index]
                busy += busy_heat.heat(f"{f'busy {most:,}' if most else '.':>10}", most) + " "
        rows = [top.rstrip(), bottom.rstrip()]
        if busiest is not None:
            rows.append(busy.rstrip())
        lines.extend([*rows, ""])
    return lines[:-1]


def _legend(cal: Calendar, paint: _Paint) -> list[str]:
    win = cal.window
    out: list[str] = []
    if win.view == "week":
        out.extend(textwrap.wrap("Each cell: the runs starting in that wall-clock hour ('.' none, "
                                 "'--' an hour that does not exist).", WIDTH))
    else:
        out.append("Each day: its number, then how many runs start on it ('.' none)" + (
            "," if cal.load is not None else "."))
        if cal.load is not None:
            out.append("then the most syncs busy at once on it ('busy N').")
    by_day: dict[date, list[str]] = {}
    for change in cal.changes:
        by_day.setdefault(change.day, []).append(change.describe())
    for note in cal.notes:
        by_day.setdefault(note.day, []).append(f"{note.schedule}: {note.kind}: "
                                               f"{note.describe(win.zone)}")
    for day in sorted(by_day):
        for text in by_day[day]:
            out.extend(_wrap(f"{paint('*', _MARK)} {day:%a %d %b}: {text}", "    ", paint))
    return out


def _wrap(text: str, indent: str, paint: _Paint) -> list[str]:
    """Wrap at :data:`WIDTH`, ignoring the width of colour codes (they only wrap the '*')."""
    plain = text.replace(f"{_MARK}*{_RESET}", "*")
    lines = textwrap.wrap(plain, WIDTH, subsequent_indent=indent, break_long_words=True,
                          break_on_hyphens=False)
    if paint.color and lines and lines[0].startswith("*"):
        lines[0] = paint("*", _MARK) + lines[0][1:]
    return lines


def _schedules(cal: Calendar) -> list[str]:
    out = ["Schedules:"]
    width = max((len(f"{t.runs.__len__():,}") for t in cal.tracks), default=1)
    for track in cal.tracks:
        busy = f", busy {span_text(track.duration)} a run" if track.duration else ""
        out.extend(textwrap.wrap(f"{len(track.runs):>{width},} {_runs_word(len(track.runs))}  "
                                 f"{track.name}: {track.description}{busy}", WIDTH,
                                 initial_indent="  ", subsequent_indent="      ",
                                 break_on_hyphens=False))
    for name, description in cal.idle:
        out.extend(textwrap.wrap(f"{'-':>{width}} runs  {name}: {description} (no clock "
                                 "drives it)", WIDTH, initial_indent="  ",
                                 subsequent_indent="      ", break_on_hyphens=False))
    return out


def _runs_word(n: int) -> str:
    return "run " if n == 1 else "runs"


def _pileup_lines(cal: Calendar, paint: _Paint, top: int) -> list[str]:
    pile = pileups(cal, top)
    if not pile.slots:
        return ["Pile-ups: no runs in this window."]
    reach = "reaches" if pile.peak_hours == 1 else "reach"
    out = _wrap_plain(
        f"{paint('Pile-ups', _BOLD)}: a peak of {_plural(pile.peak, 'sync')} starting in one "
        f"hour ({_plural(pile.peak_hours, 'hour')} {reach} it); up to "
        f"{_plural(pile.widest, 'schedule')} share an hour; up to "
        f"{_plural(pile.together, 'sync')} start at the same instant.", paint)
    out.append("Busiest hours:")
    for slot in pile.slots:
        names = ", ".join(f"{name} ({n})" for name, n in slot.schedules)
        text = (f"{slot.hour:02d}:00 on {day_spans(slot.days)}: {_plural(slot.runs, 'run')} "
                f"from {_plural(len(slot.schedules), 'schedule')}: {names}")
        out.extend(textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="      ",
                                 break_on_hyphens=False, break_long_words=True))
    return out


def _wrap_plain(text: str, paint: _Paint) -> list[str]:
    plain = text.replace(f"{_BOLD}", "").replace(_RESET, "")
    lines = textwrap.wrap(plain, WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    if paint.color and lines:
        word = lines[0].split(":", 1)
        lines[0] = paint(word[0], _BOLD) + (":" + word[1] if len(word) > 1 else "")
    return lines


def _when(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


def _between(start: datetime, end: datetime, zone: tzinfo) -> str:
    a, b = start.astimezone(zone), end.astimezone(zone)
    if a.date() == b.date():
        return f"on {a:%a %d %b} from {a:%H:%M %Z} to {b:%H:%M %Z}"
    return f"from {_when(a, zone)} to {_when(b, zone)}"


def _load_lines(cal: Calendar, paint: _Paint) -> list[str]:
    """The busy spans: the week's grid of syncs running at once, the peak, self-overlaps."""
    load = cal.load
    assert load is not None
    zone = cal.window.zone
    out: list[str] = []
    if cal.window.view == "week":
        out.extend(textwrap.wrap("Running at once: the most syncs busy at any moment of each "
                                 "wall-clock hour (from the schedules with a duration).", WIDTH))
        out.append("")
        out.extend(_week_grid(cal, _Paint(paint.color, max(load.cells.values(), default=0)),
                              load.cells))
        out.append("")
    if load.peak and load.at is not None and load.until is not None:
        names = ", ".join(load.names)
        text = (f"{paint('Warehouse load', _BOLD)}: at most {_plural(load.peak, 'sync')} "
                f"running at once, first {_between(load.at, load.until, zone)} "
                f"({span_text(load.at_peak)} in all at that "
                f"level): {names}.")
    else:
        text = f"{paint('Warehouse load', _BOLD)}: no sync is running in this window."
    out.extend(_wrap_plain(text, paint))
    overlapping = [o for o in load.selves if o.overlaps]
    if not overlapping:
        out.append("No schedule overlaps itself: each run ends before its next one starts.")
        return out
    out.append("Overlapping itself (a run still busy when the next one starts):")
    for o in overlapping:
        track = cal.tracks[o.track]
        assert track.duration is not None and o.first is not None
        text = (f"{track.name}: {o.overlaps:,} of {_plural(len(track.runs), 'run')} start "
                f"while an earlier one is busy ({span_text(track.duration)} a run); up to "
                f"{o.peak} at once; first {_when(o.first, zone)}.")
        out.extend(textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="      ",
                                 break_on_hyphens=False, break_long_words=True))
    return out


def render_text(cal: Calendar, *, color: bool = False, top: int = 5) -> str:
    """The terminal view: heading, grid, DST legend, schedules, pile-ups when several, and
    the busy spans when any schedule has a duration.

    Without ``color`` the text is plain and stable (tests compare it); every line fits in
    :data:`WIDTH` columns.  Names are shown :func:`printable`: a name from a file never sends
    a control character to the terminal.
    """
    cal = _printable_calendar(cal)
    paint = _Paint(color, max(cal.counts.values(), default=0))
    lines = _wrap_plain(heading(cal), _Paint(False, 0))
    lines = [paint(line, _BOLD) for line in lines]
    lines.append("")
    lines.extend(_week_grid(cal, paint) if cal.window.view == "week" else _month_grid(cal, paint))
    lines.append("")
    lines.extend(_legend(cal, paint))
    lines.append("")
    lines.extend(_schedules(cal))
    if len(cal.tracks) > 1:
        lines.append("")
        lines.extend(_pileup_lines(cal, paint, top))
    if cal.load is not None:
        lines.append("")
        lines.extend(_load_lines(cal, paint))
    return "\n".join(lines) + "\n"
