"""Schedules that start together: the exact start minutes of cron and specific_days schedules
over a window, as bit sets, and which of them share a minute.

A schedule's starts over a window are one Python integer: bit ``k`` is set when a run starts
in minute ``k`` after the window's origin (the minute holding ``after``).  Two schedules share
a start exactly when their integers share a bit, so a pair costs one ``&`` and a
``bit_count()``, whatever the zones.

The bits are made the way the engines' own planner makes runs (``runs/planner.py``): on a
local date with no offset change nearby every engine fires at exactly the matching wall times,
so such dates are whole-day bit patterns (the matching minutes of the day, the same every
matching day) placed at the date's UTC offset, a stretch of dates at a time.  Wherever the
planner hands over to the policy's engine step (a date holding a transition on which the
schedule runs, a missing midnight), the engine step itself makes the runs, one by one, until
one lands on a clean date again.  So the result is run for run what ``Schedule.runs`` gives
(``tests/test_collide.py`` checks it against the expansion), at the cost of a few big-integer
operations per schedule instead of one object per run.

``periodic`` schedules are not judged: their configuration has no phase (the first run is
whenever the subscription was saved), so where their runs fall is not written anywhere.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from schedulelib.core.cron import CronExpr
from schedulelib.core.policy import dst_policy
from schedulelib.core.runs.plan import Plan, Policy, check_aware, year_matches
from schedulelib.core.runs.planner import (
    _blocking,  # the planner's own rule for where the fast path must stop
    _resets_back,
    _step,
    plan_for,
)
from schedulelib.core.schedule import Cron, Schedule, SpecificDays
from schedulelib.core.tzcalc import DAY, EPOCH_ORDINAL, Zone, get_zone

__all__ = ["WINDOW", "Clash", "Starts", "clashes", "start_bits", "starts_of"]

#: How far ahead SL701 looks: a year from ``--as-of``, so every season (and both sides of
#: every DST change) is seen once.
WINDOW = timedelta(days=365)
_DAY_MINUTES = 1440


@dataclass(frozen=True, slots=True)
class Starts:
    """The start minutes of one schedule in a window: bit ``k`` of ``bits`` is a run starting
    in the minute ``origin + k * 60`` (Unix seconds)."""

    bits: int
    origin: int
    #: The same starts folded onto the minutes of a week (UTC minute ``m`` is bit
    #: ``m % 10080``), possibly with more bits: disjoint folds prove two schedules never meet.
    week: int = -1

    def minute(self, k: int) -> datetime:
        """The UTC instant of minute ``k``."""
        return datetime.fromtimestamp(self.origin + 60 * k, UTC)

    def count(self) -> int:
        return self.bits.bit_count()


@dataclass(frozen=True, slots=True)
class Clash:
    """One schedule of a group that starts together with others at least once.

    ``partner`` is the first schedule (index into the group) it shares a start with, and
    ``others`` how many it shares one with in all; ``count`` how many of its starts are
    shared with at least one of them; ``first`` the first such minute (UTC).
    """

    index: int
    partner: int
    others: int
    count: int
    first: datetime


def starts_of(schedule: Schedule, after: datetime, until: datetime, *,
              dst: Policy = "go") -> Starts | None:
    """The starts of ``schedule`` strictly after ``after`` and at or before ``until``; None
    for a schedule whose starts are not fixed by its configuration (periodic, manual,
    dbt_cloud)."""
    if isinstance(schedule, SpecificDays):
        schedule = schedule.to_cron()
    if not isinstance(schedule, Cron):
        return None
    check_aware(after, "after")
    check_aware(until, "until")
    lo, hi = after.timestamp(), until.timestamp()
    origin = math.floor(lo / 60) * 60
    bits, week = _starts(schedule.expr, schedule.timezone, lo, hi, dst_policy(dst))
    return Starts(bits, origin, week)


def start_bits(expr: CronExpr, zone_key: str, after: float, until: float,
               policy: Policy = "go") -> int:
    """Bit ``k`` set for every run of ``expr`` in ``zone_key`` in ``(after, until]`` that
    starts in minute ``k`` after ``floor(after / 60) * 60``."""
    return _starts(expr, zone_key, after, until, policy)[0]


_WEEK = 7 * _DAY_MINUTES
_WEEK_MASK = (1 << _WEEK) - 1


def _starts(expr: CronExpr, zone_key: str, after: float, until: float,
            policy: Policy) -> tuple[int, int]:
    """(start bits, their fold onto the week)."""
    plan = plan_for(expr, policy)
    zone = get_zone(zone_key)
    origin = math.floor(after / 60) * 60
    if not plan.times or after >= until:
        return 0, 0
    if not (zone.first_instant + 400 * DAY < after and until < zone.last_instant - 400 * DAY):
        # The calendar's ends: run by run (no fold).
        return _expanded(plan, zone, after, until, origin), _WEEK_MASK
    last_ord = zone.local(until).toordinal()
    bits = week = 0
    prev = after
    while True:
        local = zone.local(prev)
        ordinal = local.toordinal()
        if ordinal > last_ord:
            break
        if ordinal in zone.dirty_ordinals(local.year) or _resets_back(plan, zone, local):
            # The engine's own steps, until a run lands on a clean date (or the window ends).
            while True:
                run = _step(plan, zone, prev)
                if run is None or run > until:
                    return _clip(bits, origin, until), week
                bits |= 1 << ((run - origin) // 60)
                week |= 1 << (run // 60 % _WEEK)
                prev = run
                here = zone.local(run)
                if here.toordinal() not in zone.dirty_ordinals(here.year) \
                        and not _resets_back(plan, zone, here):
                    break
            continue
        # Clean: whole days from prev's date up to the next date the fast path stops at.
        stop = min(_next_blocking(plan, zone, ordinal), last_ord + 1)
        stretch, folded = _stretch(plan, zone, ordinal, stop, origin)
        week |= folded
        floor = (prev - origin) // 60  # runs strictly after prev: minutes above prev's
        if floor >= 0:
            stretch &= ~((1 << (int(floor) + 1)) - 1)
        bits |= stretch
        if stop > last_ord:
            break
        if stretch:
            prev = origin + 60 * (stretch.bit_length() - 1)
        # From the last run (or prev), the engine crosses the blocking date.
        run = _step(plan, zone, prev)
        if run is None or run > until:
            break
        bits |= 1 << ((run - origin) // 60)
        week |= 1 << (run // 60 % _WEEK)
        prev = run
    return _clip(bits, origin, until), week


def _clip(bits: int, origin: int, until: float) -> int:
    """``bits`` without the minutes after ``until`` (runs at or before it are kept)."""
    top = math.floor((until - origin) / 60)
    return bits & ((1 << (top + 1)) - 1) if top >= 0 else 0


def _expanded(plan: Plan, zone: Zone, after: float, until: float, origin: int) -> int:
    from schedulelib.core.runs.planner import runs_between

    bits = 0
    for run in runs_between(plan, zone, after, until):
        bits |= 1 << int((run.timestamp() - origin) // 60)
    return bits


def _next_blocking(plan: Plan, zone: Zone, ordinal: int) -> int:
    """The first date after ``ordinal`` the planner's fast path does not walk across."""
    year = datetime.fromordinal(ordinal).year
    for y in (year, year + 1, year + 2):
        later = [o for o in _blocking(plan, zone.key, y) if o > ordinal]
        if later:
            return min(later)
    return 1 << 40


def _stretch(plan: Plan, zone: Zone, first: int, stop: int, origin: int) -> tuple[int, int]:
    """The runs on the matching dates ``first <= o < stop`` (none of them blocking), placed
    at each date's UTC offset, and their fold onto the week."""
    pattern = _day_pattern(plan.times)
    day = int.from_bytes(pattern, "little")
    width = len(pattern)
    matching = _matching(plan, first, stop)
    week = 0
    if not matching:
        return 0, 0
    # The offset changes only on dirty dates, where nothing matches here: one placement of
    # one byte string per stretch of constant offset.
    cuts = sorted(o for y in range(_year(first), _year(stop - 1) + 1)
                  for o in zone.dirty_ordinals(y) if first <= o < stop)
    out = 0
    lo = 0
    for end in [*cuts, stop]:
        hi = bisect_right(matching, end - 1, lo)
        if hi > lo:
            start = matching[lo]
            days = matching[hi - 1] - start + 1
            buf = bytearray(days * width)
            for o in matching[lo:hi]:
                at = (o - start) * width
                buf[at:at + width] = pattern
            local = int.from_bytes(buf, "little")
            offset = _offset_minutes(zone, start)
            shift = (start - EPOCH_ORDINAL) * _DAY_MINUTES - offset - origin // 60
            out |= local << shift if shift >= 0 else local >> -shift
            for w in {(o - EPOCH_ORDINAL) % 7 for o in matching[lo:hi]}:
                turned = day << ((w * _DAY_MINUTES - offset) % _WEEK)
                week |= (turned | turned >> _WEEK) & _WEEK_MASK
        lo = hi
    return out, week


def _year(ordinal: int) -> int:
    return datetime.fromordinal(ordinal).year


def _matching(plan: Plan, first: int, stop: int) -> list[int]:
    out: list[int] = []
    year = _year(first)
    while True:
        jan1 = datetime(year, 1, 1).toordinal()
        if jan1 >= stop:
            return out
        matches = year_matches(plan, year)
        out.extend(matches[bisect_right(matches, first - 1):bisect_right(matches, stop - 1)])
        year += 1


@lru_cache(maxsize=256)
def _day_pattern(times: tuple[int, ...]) -> bytes:
    """The matching minutes of a day as 1440 bits, little-endian (180 bytes)."""
    value = 0
    for t in times:
        value |= 1 << t
    return value.to_bytes(_DAY_MINUTES // 8, "little")


@lru_cache(maxsize=65536)
def _offset_minutes(zone: Zone, ordinal: int) -> int:
    """The UTC offset of a clean date, in minutes (one offset holds all day there)."""
    noon = (ordinal - EPOCH_ORDINAL) * DAY + 43200
    guess = zone.offset_at(noon)
    return zone.offset_at(noon - guess) // 60


def clashes(bits: Sequence[int], origin: int, weeks: Sequence[int] | None = None,
            ) -> list[Clash]:
    """Each schedule of one group (its start bits, all from one ``origin``) that shares a
    start with another of the group, in group order.  ``weeks``: each one's fold onto the
    week (:attr:`Starts.week`), which spares the whole comparison of pairs that never meet.

    Equal start sets (one schedule written on many mappings) are one class: pairs are compared
    between classes, so the cost grows with the distinct schedules of the group, and the
    result stays linear in its size.
    """
    # Classes by value: hashing a start set (66 KB) once per member is linear in the group,
    # where comparing every pair of members would be quadratic (3,000 mappings of one source
    # written with 60 specs are 60 classes, not 4.5 million pairs).
    classes: dict[int, list[int]] = {}
    for i, b in enumerate(bits):
        if b:
            classes.setdefault(b, []).append(i)
    members = list(classes.values())
    reps = [bits[m[0]] for m in members]
    folds = [weeks[m[0]] if weeks is not None else -1 for m in members]
    meets: list[list[int]] = [[] for _ in reps]
    for x, b in enumerate(reps):  # each pair of classes once
        fold = folds[x]
        for y in range(x + 1, len(reps)):
            if fold & folds[y] and b & reps[y]:
                meets[x].append(y)
                meets[y].append(x)
    found: list[Clash] = []
    for x, b in enumerate(reps):
        own = members[x]
        if len(own) == 1 and not meets[x]:
            continue
        if len(own) > 1:
            shared = b  # every start is shared with the rest of the class
        else:
            union = 0
            for y in meets[x]:
                union |= reps[y]
            shared = b & union
        low = (shared & -shared).bit_length() - 1
        first = datetime.fromtimestamp(origin + 60 * low, UTC)
        others = len(own) - 1 + sum(len(members[y]) for y in meets[x])
        outside = min((members[y][0] for y in meets[x]), default=1 << 62)
        count = shared.bit_count()
        for i in own:
            partner = min(outside, own[1] if i == own[0] and len(own) > 1 else
                          own[0] if i != own[0] else 1 << 62)
            found.append(Clash(i, partner, others, count, first))
    found.sort(key=lambda c: c.index)
    return found


# -- spreading a group apart ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    """Where :func:`plan_spread` puts one schedule: ``shift`` minutes later (negative:
    earlier; 0: it stays).  ``shared``: starts it still shares with those placed before it
    (0 when solved); ``overlaps``: whether a run of it still starts while one placed before it
    is running, or the reverse (only with durations)."""

    index: int
    shift: int
    shared: int
    overlaps: bool


def shifts_within_hour(minutes: int) -> list[int]:
    """The shifts that keep every minute of ``minutes`` (a 60-bit set) inside its hour, the
    smallest first, later before earlier on a tie: 0, 1, -1, 2, -2, ..."""
    if not minutes:
        return [0]
    low = (minutes & -minutes).bit_length() - 1
    high = minutes.bit_length() - 1
    out = [0]
    for step in range(1, 60):
        out.extend(d for d in (step, -step) if -low <= d <= 59 - high)
    return out


def _moved(bits: int, shift: int) -> int:
    return bits << shift if shift >= 0 else bits >> -shift


def busy(bits: int, span: int) -> int:
    """The minutes during which runs starting at ``bits`` are running, when each lasts
    ``span`` minutes (at least the minute it starts in)."""
    out = bits
    done = 1
    while done < span:  # doubling: log2(span) big-integer operations
        step = min(done, span - done)
        out |= out << step
        done += step
    return out


def plan_spread(bits: Sequence[int], shifts: Sequence[Sequence[int]],
                spans: Sequence[int] | None = None, interior: int = -1) -> list[Move]:
    """A shift for each schedule of one group (start bits from one origin, in file order), so
    that none starts in a minute another starts in, moving as few as it can by as little as
    it can.

    Greedy in file order: the first stays; each next one keeps its minute when that meets none
    placed before it, and otherwise takes the smallest shift among ``shifts[i]`` (the shifts
    it may take, 0 first) that does.  With ``spans`` (minutes each run lasts), a shift that
    also keeps its runs from starting while another runs is preferred, where the hour has
    room.  Where no shift clears every shared start, the one that leaves the fewest is taken
    (the smallest on a tie, so a second pass moves nothing).

    ``interior``: the minutes compared (a mask).  A start set moved by a shift is exact only
    where the minutes it came from lie inside the span the bits were made for: take the bits
    over a span wider than the window by the largest shift, and count inside the window.
    """
    placed = placed_busy = 0
    out: list[Move] = []
    for i, b in enumerate(bits):
        span = spans[i] if spans is not None else 0
        own_busy = busy(b, span) if span > 1 else b
        best: tuple[int, int, int] | None = None  # (shared, overlaps, order)
        choice = 0
        for order, shift in enumerate(shifts[i] if i else [0]):
            moved = _moved(b, shift)
            shared = (moved & placed & interior).bit_count()
            overlaps = 0
            if spans is not None:
                overlaps = int(bool(_moved(own_busy, shift) & placed & interior
                                    or moved & placed_busy & interior))
            key = (shared, overlaps, order)
            if best is None or key < best:
                best, choice = key, shift
            if shared == 0 and overlaps == 0:
                break  # the smallest shift that clears everything
        assert best is not None
        moved = _moved(b, choice)
        placed |= moved
        placed_busy |= _moved(own_busy, choice)
        out.append(Move(i, choice, best[0], bool(best[1])))
    return out


def peak(bits: Sequence[int], spans: Sequence[int]) -> int:
    """The most runs of these schedules running at once (each run ``spans[i]`` minutes long,
    at least one minute)."""
    events: list[tuple[int, int]] = []
    for b, span in zip(bits, spans, strict=True):
        length = max(1, span)
        for k in _positions(b):
            events.append((k, 1))
            events.append((k + length, -1))
    events.sort()  # an end sorts before a start at the same minute: back to back is not both
    most = now = 0
    for _at, change in events:
        now += change
        most = max(most, now)
    return most


def _positions(bits: int) -> list[int]:
    """The set bits of ``bits``, ascending."""
    out: list[int] = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for at, byte in enumerate(data):
        if byte:
            base = at * 8
            out.extend(base + j for j in range(8) if byte >> j & 1)
    return out
