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
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from .errors import ScheduleError
from .schedule import Cron, DbtCloud, Manual, Periodic, Schedule, SpecificDays, dst_policy

if TYPE_CHECKING:
    from .analysis import DstEvent

View = Literal["week", "month"]
DstKind = Literal["skipped", "repeated", "shifted"]

VIEWS: tuple[View, ...] = ("week", "month")
WIDTH = 80  # every line of the terminal views fits in this many columns


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
    if isinstance(start, datetime):
        instant = start if start.tzinfo is not None else start.replace(tzinfo=zone)
        instant = instant.astimezone(zone)
        first = instant.date()
    else:
        first = start
    if view == "week":
        days = tuple(first + timedelta(days=i) for i in range(7))
    else:
        count = _stdcal.monthrange(first.year, first.month)[1]
        days = tuple(date(first.year, first.month, d) for d in range(1, count + 1))
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
    from just before it.  A periodic schedule has no wall clock: it is drawn as if its last sync
    happened at ``win.start`` (the anchor), so its first run is one interval later.
    """
    start = win.start.astimezone(UTC)
    policy = dst_policy(dst)
    if isinstance(schedule, Periodic):
        it = schedule.runs(start, win.end, dst=policy, anchor=start)
    else:
        it = schedule.runs(start - timedelta(microseconds=1), win.end, dst=policy)
    out: list[datetime] = []
    for run in it:
        if run >= win.end:
            break
        if run >= win.start:
            out.append(run)
    return out


def build(entries: Iterable[tuple[str, Schedule]], win: Window, *, dst: str = "go") -> Calendar:
    """The calendar of ``entries`` (name, schedule) over ``win`` under DST policy ``dst``."""
    tracks: list[Track] = []
    idle: list[tuple[str, str]] = []
    notes: list[DstNote] = []
    for name, schedule in entries:
        if not schedule.time_driven:
            idle.append((name, describe(schedule)))
            continue
        runs = tuple(schedule_runs(schedule, win, dst=dst))
        key = json.dumps(schedule.to_dict(), sort_keys=True, separators=(",", ":"))
        tracks.append(Track(name, describe(schedule), runs, key))
        notes.extend(dst_notes(name, schedule, win, dst=dst))
    return assemble(win, tracks, idle=idle, notes=notes)


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
                    dict(counts), missing)


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
    from .analysis import analyze

    notes: list[DstNote] = []
    for event in analyze(schedule, win.start, win.end, dst=dst).events:
        note = _note_from_event(name, schedule.timezone, event, win)
        if note is not None:
            notes.append(note)
    return notes


def _note_from_event(name: str, zone: str, event: DstEvent, win: Window) -> DstNote:
    day = event.at.astimezone(win.zone).date()
    return DstNote(name, event.kind, day, f"{event.wall:%H:%M}", zone, event.utc, event.detail)


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
        span = f"Week of {win.days[0]:%a %d %b %Y} to {win.days[-1]:%a %d %b %Y}"
    else:
        span = f"{win.days[0]:%B %Y}"
    return (f"{span}, {win.zone_name}: {_plural(len(cal.tracks) + len(cal.idle), 'schedule')}, "
            f"{_plural(cal.total, 'run')}")


def _week_grid(cal: Calendar, paint: _Paint) -> list[str]:
    # 6 columns of hour labels + 7 days x 10 columns = 76.
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
            n = cal.counts.get((index, hour), 0)
            row += paint.heat(f"{_count(n):>9}", n) + " "
        lines.append(row.rstrip())
    totals = "total "
    for index in range(len(cal.window.days)):
        totals += f"{_count(cal.day_total(index)):>9} "
    lines.append(totals.rstrip())
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
    for week in range(weeks):
        top, bottom = "", ""
        for column in range(7):
            index = week * 7 + column - lead
            if not 0 <= index < len(days):
                top += " " * 11
                bottom += " " * 11
                continue
            label = f"{days[index].day}" + ("*" if index in marked else " ")
            top += " " * (11 - len(label)) + (paint(label, _MARK) if index in marked else label)
            bottom += heat.heat(f"{_count(totals[index]):>10}", totals[index]) + " "
        lines.extend([top.rstrip(), bottom.rstrip(), ""])
    return lines[:-1]


def _legend(cal: Calendar, paint: _Paint) -> list[str]:
    win = cal.window
    out: list[str] = []
    if win.view == "week":
        out.extend(textwrap.wrap("Each cell: the runs starting in that wall-clock hour ('.' none, "
                                 "'--' an hour that does not exist).", WIDTH))
    else:
        out.append("Each day: its number, then how many runs start on it ('.' none).")
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
        out.extend(textwrap.wrap(f"{len(track.runs):>{width},} {_runs_word(len(track.runs))}  "
                                 f"{track.name}: {track.description}", WIDTH,
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


def render_text(cal: Calendar, *, color: bool = False, top: int = 5) -> str:
    """The terminal view: heading, grid, DST legend, schedules, and pile-ups when several.

    Without ``color`` the text is plain and stable (tests compare it); every line fits in
    :data:`WIDTH` columns.
    """
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
    return "\n".join(lines) + "\n"
