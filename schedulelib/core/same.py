"""Whether two schedules start runs at the same instants for ever, and where they first part.

Cron and specific_days are compared by what runs, not by their text (docs/decisions.md, D68):

* the *wall-clock run set* of a plan is (the dates it runs on, the times of day it runs at).
  The dates are compared as a truth table over every (month, day, weekday) a date can have:
  across the 400-year Gregorian cycle (146,097 days, a whole number of weeks) each of them
  occurs, 29 February included, so equal tables are equal date sets for ever and a table cell
  that differs is a date that exists.
* zones are the same when their data is: the same transition instants with the same offsets
  either side, and the same POSIX rule for the years after the list (abbreviations ignored).
  An alias and its canonical name, or ``UTC`` and ``Etc/UTC``, are the same zone.  Two zones
  without any offset change compare their run instants, shifted by the offsets (D69).
* an engine can also depend on how the set is written (robfig walks month by month, cronsim
  has its "real time" mode, croniter splits a day-field OR): when that reading differs while
  the set is equal, the real engines are run around every offset change of the zone.

Periodic schedules are equal when their intervals are; one is never the same as a clock
schedule (its runs follow the last sync, D70).  Manual equals manual, dbt_cloud equal ids.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources

from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.policy import dst_policy
from schedulelib.core.runs import check_aware, plan_for
from schedulelib.core.runs.plan import FULL, Plan, Policy
from schedulelib.core.schedule import (
    Cron,
    DbtCloud,
    DstPolicy,
    Manual,
    Periodic,
    Schedule,
    SpecificDays,
)
from schedulelib.core.tzcalc import DAY, get_zone

_CYCLE_DAYS = 146_097  # 400 Gregorian years: 20,871 weeks exactly
_YEAR = 366 * DAY
# The longest month of each number (February with its 29th): every (month, day) that exists.
_LENGTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# The engines are run a little either side of an offset change: robfig looks back to the
# start of a day, croniter and cronsim at most a day around it.
_MARGIN = 2 * DAY
#: Runs compared alike before first_difference gives up where it cannot prove the rest alike
#: (a periodic against a cron; zones apart in offset whose runs keep coinciding).
MAX_STEPS = 20_000


def same_runs(a: Schedule, b: Schedule, *, dst: DstPolicy = "go") -> bool:
    """True exactly when ``a`` and ``b`` start runs at the same instants, for ever.

    ``dst`` is the DST policy of the run-time engine (``go``, Segment's, by default): two
    spellings can run alike under one and apart under another.  Never raises for two
    :class:`Schedule` values; a ``ScheduleError`` for a bad ``dst``.
    """
    policy = dst_policy(dst)
    _check_schedule(a, "a")
    _check_schedule(b, "b")
    return _same(a, b, policy)


def first_difference(a: Schedule, b: Schedule, after: datetime, *,
                     dst: DstPolicy = "go") -> datetime | None:
    """The first instant strictly after ``after`` where one schedule runs and the other does
    not, or None when they never differ from ``after`` on.

    A periodic schedule is anchored at ``after`` (its last sync).  The run returned is the
    schedule's own (aware, in its zone).  Raises :class:`ScheduleError` for a naive ``after``,
    a bad ``dst``, or after ``MAX_STEPS`` runs compared alike where the rest cannot be proved
    alike (a periodic against a clock schedule; two zones whose offsets differ while the runs
    keep coinciding).
    """
    check_aware(after, "after")
    policy = dst_policy(dst)
    _check_schedule(a, "a")
    _check_schedule(b, "b")
    if _same(a, b, policy):
        return None
    if isinstance(a, Periodic) and isinstance(b, Periodic):
        # Runs are after + k * interval: the shorter interval's first run is in one set only.
        return after + timedelta(microseconds=min(a.interval.nanoseconds,
                                                  b.interval.nanoseconds) // 1000)
    ca, cb = _as_cron(a), _as_cron(b)
    if ca is not None and cb is not None:
        return _cron_difference(ca, cb, after, policy)
    return _merged(a.runs(after, dst=policy), b.runs(after, dst=policy), None, [MAX_STEPS])[0]


# -- the strategies -----------------------------------------------------------------------------


def _check_schedule(value: object, name: str) -> None:
    if not isinstance(value, Manual | Periodic | SpecificDays | Cron | DbtCloud):
        raise ScheduleError(f"{name} must be a Schedule (Manual, Periodic, SpecificDays, Cron "
                            f"or DbtCloud), got {type(value).__name__}")


def _as_cron(value: Schedule) -> Cron | None:
    if isinstance(value, SpecificDays):
        return value.to_cron()
    return value if isinstance(value, Cron) else None


def _same(a: Schedule, b: Schedule, policy: Policy) -> bool:
    if isinstance(a, Manual) or isinstance(b, Manual):
        return isinstance(a, Manual) and isinstance(b, Manual)
    if isinstance(a, DbtCloud) or isinstance(b, DbtCloud):
        return a == b  # a dbt Cloud job is its ids
    if isinstance(a, Periodic) or isinstance(b, Periodic):
        return (isinstance(a, Periodic) and isinstance(b, Periodic)
                and a.interval.nanoseconds == b.interval.nanoseconds)
    ca, cb = _as_cron(a), _as_cron(b)
    assert ca is not None and cb is not None
    return _same_cron(ca, cb, policy)


def _same_cron(a: Cron, b: Cron, policy: Policy) -> bool:
    pa, pb = plan_for(a.expr, policy), plan_for(b.expr, policy)
    if zone_data(a.timezone) != zone_data(b.timezone):
        fa, fb = _fixed_offset(a.timezone), _fixed_offset(b.timezone)
        if fa is None or fb is None:
            return False  # one zone changes its offset where the other does not (D69)
        return _shifted_equal(pa, pb, fa - fb)
    if wall_set(pa) != wall_set(pb):
        return False
    if engine_reading(pa) == engine_reading(pb):
        return True
    return _around_changes_agree(a, b, policy)


# -- the wall-clock run set ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WallSet:
    """Dates (a truth table per month and weekday: bit ``d`` for day ``d``) and times of day
    (bit ``h * 60 + m``).  The empty set has no dates and no times."""

    table: tuple[int, ...]
    times: int


def day_table(plan: Plan, months: int | None = None) -> tuple[int, ...]:
    """Bits of the days ``plan`` runs on, for each (month, weekday), 12 x 7 entries."""
    months = plan.months if months is None else months
    out = []
    for month in range(1, 13):
        valid = (1 << (_LENGTHS[month - 1] + 1)) - 2
        for weekday in range(7):
            if not months >> month & 1:
                out.append(0)
                continue
            doms = plan.doms & valid
            dows = valid if plan.dows >> weekday & 1 else 0
            out.append((doms | dows) if plan.day_or else (doms & dows))
    return tuple(out)


def wall_set(plan: Plan) -> WallSet:
    table = day_table(plan)
    times = 0
    for t in plan.times:
        times |= 1 << t
    if not any(table) or not times:
        return WallSet((0,) * 84, 0)
    return WallSet(table, times)


def engine_reading(plan: Plan) -> tuple[object, ...]:
    """What the policy's engine looks at, beyond the wall-clock set.

    Every engine tests days only on dates that exist, so the day fields count as their truth
    table; the month field is kept whole (robfig walks months that have no matching day).
    croniter's OR runs each half on its own, so each half's table counts.
    """
    halves: tuple[object, ...] = ()
    if plan.policy == "croniter" and plan.day_or:
        dom_only = Plan(plan.policy, plan.minutes, plan.hours, plan.doms, plan.months,
                        FULL[4], False, plan.times)
        dow_only = Plan(plan.policy, plan.minutes, plan.hours, FULL[2], plan.months,
                        plan.dows, False, plan.times)
        halves = (day_table(dom_only), day_table(dow_only))
    return (plan.months, day_table(plan), plan.times, plan.realtime, plan.hour_star, halves)


def _matches(table: tuple[int, ...], ordinal: int) -> bool:
    d = date.fromordinal(ordinal)
    return bool(table[(d.month - 1) * 7 + ordinal % 7] >> d.day & 1)


# -- zones --------------------------------------------------------------------------------------


_NAME = re.compile(r"<[^>]*>|[A-Za-z]{3,}")


@lru_cache(maxsize=512)
def zone_data(key: str) -> tuple[object, ...]:
    """What decides a zone's offsets for all time: each listed transition instant with the
    offsets either side (a change of name or DST flag alone is kept: ``zoneinfo`` reads wall
    times by the list), the offset before the first, and the POSIX rule after the last with
    its abbreviations blanked."""
    zone = get_zone(key)
    explicit = zone._explicit  # the TZif list itself, read once per zone
    marks = tuple((at, zone.offset_at(at - 1), zone.offset_at(at)) for at in explicit)
    return (zone.offset_at(zone.first_instant), marks, _NAME.sub("N", _footer(key)))


def _footer(key: str) -> str:
    try:
        data = resources.files("tzdata").joinpath("zoneinfo", *key.split("/")).read_bytes()
    except (OSError, ValueError):
        return ""
    if data[:4] != b"TZif" or data[4:5] == b"\x00" or not data.endswith(b"\n"):
        return ""
    return data[data.rindex(b"\n", 0, len(data) - 1) + 1:-1].decode("ascii", "replace")


def _fixed_offset(key: str) -> int | None:
    """The zone's one offset, when it has never changed and has no rule (``Etc/GMT-5``)."""
    first, marks, footer = zone_data(key)
    assert isinstance(first, int) and isinstance(footer, str)
    if marks or "," in footer:
        return None
    return first


def _shifted_equal(pa: Plan, pb: Plan, delta: int) -> bool:
    """Two fixed zones, offsets ``delta`` seconds apart: do the instants coincide for ever?

    A wall time ``w`` in the first zone is ``w - delta`` in the second.  Both sets repeat
    every 400 years, so one cycle of dates decides.
    """
    wa, wb = wall_set(pa), wall_set(pb)
    if not wa.times or not wb.times:
        return not wa.times and not wb.times
    if delta % 60:
        return False  # runs fall on whole minutes of each wall clock: never the same second
    shift = -delta // 60
    days, minutes = divmod(shift, 1440)
    full = (1 << 1440) - 1
    same_day = (wa.times << minutes) & full
    next_day = wa.times >> (1440 - minutes) if minutes else 0
    start = date(2000, 3, 1).toordinal()
    for ordinal in range(start, start + _CYCLE_DAYS):
        want = wb.times if _matches(wb.table, ordinal) else 0
        got = same_day if _matches(wa.table, ordinal - days) else 0
        if next_day and _matches(wa.table, ordinal - days - 1):
            got |= next_day
        if got != want:
            return False
    return True


def _changes(key: str, start: int, end: int) -> list[int]:
    """Instants in ``[start, end)`` where the zone's offset, name or DST flag changes."""
    listed = _all_changes(key)
    if end <= _horizon(key) or not _has_rule(key):
        return listed[bisect_left(listed, start):bisect_left(listed, end)]
    zone = get_zone(key)  # past the 400 years kept: the rule, year by year
    out = {t.at for t in zone.transitions(max(start, _horizon(key)), end)}
    out.update(listed[bisect_left(listed, start):])
    return sorted(out)


def _first_change(key: str, start: int) -> int | None:
    """The first change at or after ``start`` (None: the zone never changes again)."""
    zone = get_zone(key)
    explicit = zone._explicit  # the TZif list itself
    i = bisect_left(explicit, start)
    if i < len(explicit):
        return explicit[i]
    if not _has_rule(key):
        return None
    year = 366 * DAY
    at = max(start, explicit[-1] + 1 if explicit else start)
    while at < zone.last_instant:  # the rule has a change every year
        found = zone.transitions(at, at + year)
        if found:
            return found[0].at
        at += year
    return None


def _has_rule(key: str) -> bool:
    footer = zone_data(key)[2]
    return isinstance(footer, str) and "," in footer


@lru_cache(maxsize=64)
def _all_changes(key: str) -> list[int]:
    """The listed transitions, then the rule's for 400 years after the last of them."""
    zone = get_zone(key)
    explicit = zone._explicit  # the TZif list itself
    out = set(explicit)
    if explicit and _has_rule(key):
        out.update(t.at for t in zone.transitions(explicit[-1] + 1, _horizon(key)))
    return sorted(out)


def _horizon(*keys: str) -> int:
    """An instant past which the zones repeat their rules: 401 years after the last listed
    transition (the rules and the calendar both repeat every 400 years)."""
    last = max([get_zone(k)._explicit[-1] for k in keys
                if get_zone(k)._explicit] or [0])
    return min(max(last, 0) + 401 * _YEAR, min(get_zone(k).last_instant for k in keys))


def _around_changes_agree(a: Cron, b: Cron, policy: Policy) -> bool:
    """The engines, run on both spellings around every offset change of the zone, agree.

    Between changes every engine runs the wall-clock set, which is equal here.  Changes whose
    surroundings look alike to an engine (the same local dates by month, day and weekday, the
    same changes at the same distances) are run once: the rules of the last 400 years of the
    list repeat few shapes.
    """
    zone = get_zone(a.timezone)
    changes = _changes(a.timezone, zone.first_instant, _horizon(a.timezone))
    seen: set[tuple[object, ...]] = set()
    for i, at in enumerate(changes):
        start = at - _MARGIN
        near = tuple((x - start, zone.offset_at(x - 1), zone.offset_at(x))
                     for x in changes[max(0, i - 3):i + 4] if abs(x - at) <= 2 * _MARGIN)
        first = zone.local(max(start, zone.first_instant))
        days = tuple((d.month, d.day, d.weekday()) for d in
                     (first.date() + timedelta(days=k) for k in range(6)))
        key = (days, first.hour * 3600 + first.minute * 60 + first.second, near)
        if key in seen:
            continue
        seen.add(key)
        if _window_difference(a, b, start, at + _MARGIN, policy)[0] is not None:
            return False
    return True


# -- first difference ---------------------------------------------------------------------------


def _utc(ts: float) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp(ts, UTC)


def _window_difference(a: Cron, b: Cron, start: float, stop: float, policy: Policy,
                       budget: list[int] | None = None) -> tuple[datetime | None, float]:
    """The first run after ``start`` in one and not the other, looking until both have run
    past ``stop`` (the first run past it is compared too); and the instant up to which the
    two were seen to run alike."""
    zone = get_zone(a.timezone)
    start = max(start, zone.first_instant, get_zone(b.timezone).first_instant)
    begin = _utc(start)
    return _merged(a.runs(begin, dst=policy), b.runs(begin, dst=policy), stop,
                   [MAX_STEPS] if budget is None else budget, start)


def _merged(ra: Iterator[datetime], rb: Iterator[datetime], stop: float | None,
            budget: list[int], start: float = -math.inf) -> tuple[datetime | None, float]:
    """Step both run lists in order; ``budget[0]`` counts down the runs compared."""
    x, y = next(ra, None), next(rb, None)
    seen = start
    while budget[0] > 0:
        budget[0] -= 1
        if x is None and y is None:
            return None, math.inf
        if x is None or y is None:
            return x or y, seen
        tx, ty = x.timestamp(), y.timestamp()
        if tx != ty:
            return (x if tx < ty else y), seen
        seen = tx
        if stop is not None and tx > stop:
            return None, seen
        x, y = next(ra, None), next(rb, None)
    raise ScheduleError(f"the schedules ran alike for {MAX_STEPS:,} runs compared without a "
                        "difference or a proof that none comes: compare them over a shorter "
                        "span")


def _cron_difference(a: Cron, b: Cron, after: datetime, policy: Policy) -> datetime | None:
    """Skip the stretches where the two cannot differ, run the engines where they can."""
    pa, pb = plan_for(a.expr, policy), plan_for(b.expr, policy)
    t = after.timestamp()
    end = _horizon(a.timezone, b.timezone)
    budget = [MAX_STEPS]
    while True:
        suspect = _next_suspect(a, b, pa, pb, t, end)
        if suspect is None:
            return None
        found, seen = _window_difference(a, b, max(t, suspect - _MARGIN), suspect + _MARGIN,
                                         policy, budget)
        if found is not None:
            return found
        if seen == math.inf:
            return None  # neither runs again
        # Everything up to the last run compared is alike: go on from there.
        t = max(suspect + _MARGIN, seen)


def _next_suspect(a: Cron, b: Cron, pa: Plan, pb: Plan, t: float, end: int) -> float | None:
    """The earliest instant at or after ``t`` where the two might run apart, or None when the
    two run alike from ``t`` on for ever."""
    suspects: list[float] = []
    za, zb = get_zone(a.timezone), get_zone(b.timezone)
    tt = int(t)
    end = max(end, min(tt + 401 * _YEAR, za.last_instant, zb.last_instant))
    if zone_data(a.timezone) != zone_data(b.timezone):
        if za.offset_at(tt) != zb.offset_at(tt):
            return t
        ca, cb = _changes(a.timezone, tt, end), _changes(b.timezone, tt, end)
        if ca != cb or any(za.offset_at(x) != zb.offset_at(x) for x in ca):
            # The first change the two zones do not share, or where the offsets part.
            for x in sorted(set(ca) ^ set(cb)) + [x for x in ca if
                                                   za.offset_at(x) != zb.offset_at(x)]:
                suspects.append(x)
    if engine_reading(pa) != engine_reading(pb):
        change = _first_change(a.timezone, tt)
        if change is not None:
            suspects.append(change)
    wa, wb = wall_set(pa), wall_set(pb)
    if wa != wb:
        day = _first_wall_difference(wa, wb, za.local(t).toordinal() if
                                     za.first_instant <= t <= za.last_instant else None)
        if day is not None:
            suspects.append(_day_start(a.timezone, day))
    if not suspects:
        return None
    return max(t, min(suspects))


def _first_wall_difference(wa: WallSet, wb: WallSet, first: int | None) -> int | None:
    """The first date (ordinal) from ``first`` on where the two sets run at other times."""
    if first is None:
        return None
    last = min(first + _CYCLE_DAYS + 1, date.max.toordinal())
    for ordinal in range(first, last + 1):
        ma, mb = _matches(wa.table, ordinal), _matches(wb.table, ordinal)
        if ma != mb or (ma and wa.times != wb.times):
            return ordinal
    return None


def _day_start(key: str, ordinal: int) -> float:
    """An instant shortly before local midnight starting date ``ordinal`` in ``key``."""
    d = date.fromordinal(ordinal)
    zone = get_zone(key)
    return zone.go_date(d.year, d.month, d.day, 0, 0, 0) - DAY
