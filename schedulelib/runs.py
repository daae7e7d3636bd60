"""Run-time expansion: the upcoming runs of a schedule, under three DST policies.

Each policy reproduces one real engine, run for run (the differential tests are the proof):

* ``go`` (default): robfig/cron v3.0.1 ``ParseStandard`` with ``CRON_TZ=<zone>``, iterating
  ``next = Next(previous)``.
* ``debian``: Debian / cronie cron as cronsim 2.8 implements it.
* ``croniter``: croniter 7.0.0 ``get_next``.

Two paths produce the runs.  The *slow* path emulates one engine's ``next`` step by step (the
engines' own loops, field by field, over absolute and wall-clock time).  The *fast* path plans
whole days: on a local date with no UTC-offset change nearby, every engine fires at exactly the
matching wall times of that date, so the runs are matching days x (hours x minutes), made by
wall-clock addition.  The iterator uses the fast path from a run on a clean date through clean
dates, and hands over to the slow path from the last run whenever the next date holds a
transition.  ``tests/test_runs_paths.py`` checks that the two paths agree.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import takewhile
from typing import Final, Literal

from ._dstwarn import ShortGap as ShortGap
from ._dstwarn import short_real_gaps as short_real_gaps
from ._tzcalc import DAY, EPOCH_ORDINAL, Zone, get_zone
from .cron import CronExpr
from .errors import ScheduleError

Policy = Literal["go", "debian", "croniter"]
POLICIES: Final = ("go", "debian", "croniter")

__all__ = [
    "POLICIES",
    "ShortGap",
    "check_aware",
    "check_policy",
    "iter_cron_runs",
    "iter_periodic_runs",
    "next_cron_runs",
    "short_real_gaps",
]


# -- argument checks ----------------------------------------------------------------------------


def check_aware(dt: object, name: str) -> datetime:
    """``dt`` if it is an aware datetime; otherwise a :class:`ScheduleError` naming ``name``."""
    if not isinstance(dt, datetime):
        raise ScheduleError(f"{name} must be a timezone-aware datetime, got "
                            f"{type(dt).__name__} {dt!r}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ScheduleError(
            f"{name} must be timezone-aware, got the naive datetime {dt.isoformat()!r}: "
            "attach a zone, e.g. datetime(..., tzinfo=ZoneInfo('UTC'))")
    return dt


def check_policy(dst: object) -> Policy:
    """``dst`` if it names a DST policy; otherwise a :class:`ScheduleError` listing them."""
    if dst == "go":
        return "go"
    if dst == "debian":
        return "debian"
    if dst == "croniter":
        return "croniter"
    raise ScheduleError(f"dst must be one of 'go', 'debian', 'croniter', got {dst!r}")


# -- per-engine field tables --------------------------------------------------------------------

_FULL = (1 << 60) - 1, (1 << 24) - 1, ((1 << 32) - 1) ^ 1, ((1 << 13) - 1) ^ 1, (1 << 7) - 1
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True, slots=True)
class Plan:
    """What one engine makes of one expression: field bitsets and its day rule.

    ``times`` are the matching minutes of the day (hour * 60 + minute), ascending.
    """

    policy: Policy
    minutes: int
    hours: int
    doms: int
    months: int
    dows: int
    day_or: bool
    times: tuple[int, ...]
    # debian: the minute or hour field starts with '*' ("real time", not "fixed time").
    realtime: bool = False
    # croniter: the hour field expands to every hour (its DST fallback looks at this).
    hour_star: bool = False

    def day_matches(self, ordinal: int) -> bool:
        d = date.fromordinal(ordinal)
        if not self.months >> d.month & 1:
            return False
        dom = self.doms >> d.day & 1
        dow = self.dows >> (ordinal % 7) & 1
        return bool(dom | dow) if self.day_or else bool(dom & dow)

    @property
    def deltas(self) -> tuple[timedelta, ...]:
        return _deltas(self.times)


@lru_cache(maxsize=256)
def _deltas(times: tuple[int, ...]) -> tuple[timedelta, ...]:
    return tuple(timedelta(minutes=t) for t in times)


def _times(minutes: int, hours: int) -> tuple[int, ...]:
    return tuple(h * 60 + m for h in range(24) if hours >> h & 1
                 for m in range(60) if minutes >> m & 1)


@lru_cache(maxsize=1024)
def plan_for(expr: CronExpr, policy: Policy) -> Plan:
    """The field tables ``policy``'s engine builds from ``expr`` (cached per expression)."""
    if policy == "go":
        # robfig dayMatches: AND when either day field is a star, else OR.
        return Plan("go", expr.minutes, expr.hours, expr.days, expr.months, expr.weekdays,
                    not (expr.dom_star or expr.dow_star), _times(expr.minutes, expr.hours))
    if policy == "debian":
        return _cronsim_plan(expr)
    return _croniter_plan(expr)


def _number(index: int, text: str) -> int:
    upper = text.upper()
    if index == 3 and upper in _MONTHS:
        return _MONTHS.index(upper) + 1
    if index == 4 and upper in _DAYS:
        return _DAYS.index(upper)
    return int(text)


_LOW = (0, 0, 1, 1, 0)
_HIGH = (59, 23, 31, 12, 6)


def _cronsim_field(index: int, text: str, high: int) -> set[int]:
    """cronsim 2.8 ``Field.parse``: the quirks matter only with '/' (see the comments)."""
    if text == "*":
        return set(range(_LOW[index], high + 1))
    if "," in text:
        out: set[int] = set()
        for term in text.split(","):
            out |= _cronsim_field(index, term, high)
        return out
    if "/" in text:
        term, step_text = text.split("/", 1)
        step = int(step_text)
        items = _cronsim_field(index, term, high)
        if len(items) == 1:
            # A single start ("5/20", but also "5-5/20") runs on to the field's maximum.
            return set(range(items.pop(), high + 1, step))
        return set(sorted(items)[::step])
    if "-" in text:
        low, top = text.split("-", 1)
        return set(range(_number(index, low), _number(index, top) + 1))
    return {_number(index, text)}


def _cronsim_plan(expr: CronExpr) -> Plan:
    bits = []
    for index, text in enumerate(expr.fields):
        if "?" in text:
            raise ScheduleError(
                f"cron expression {expr.spec!r}: Debian cron (and cronsim) reject '?'; write "
                "'*' to use the debian policy")
        # cronsim's day of week runs 0-7, so "1/2" or "*/n" can reach 7, which is Sunday.
        high = 7 if index == 4 else _HIGH[index]
        values = _cronsim_field(index, text, high)
        if index == 4 and 7 in values:
            values = (values - {7}) | {0}
        bits.append(sum(1 << v for v in values))
    minute_text, hour_text, dom_text, _, dow_text = expr.fields
    day_and = dom_text.startswith("*") or dow_text.startswith("*")
    if day_and and bits[2]:
        lowest = (bits[2] & -bits[2]).bit_length() - 1
        longest = max(m for m in range(1, 13) if bits[3] >> m & 1)
        if lowest > 29 and lowest > (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[longest]:
            raise ScheduleError(f"cron expression {expr.spec!r}: cronsim rejects a day of "
                                "month that no listed month has")
    return Plan("debian", bits[0], bits[1], bits[2], bits[3], bits[4], not day_and,
                _times(bits[0], bits[1]),
                realtime=minute_text.startswith("*") or hour_text.startswith("*"))


def _croniter_field(index: int, text: str) -> tuple[int, bool]:
    """croniter 7.0.0 ``_expand`` for one field: (bitset, has a '*' item)."""
    low_bound, high_bound = _LOW[index], _HIGH[index]
    bits = 0
    star = False
    for item in text.split(","):
        if item in ("*", "?"):
            star = True
            bits |= _FULL[index]
            continue
        body, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        start_with_step = False
        if body == "*":
            low, high = low_bound, high_bound
        elif "-" in body:
            a, b = body.split("-", 1)
            low, high = _number(index, a), _number(index, b)
        elif step_text:
            low, high = _number(index, body), high_bound
            start_with_step = True
        else:
            value = _number(index, body)
            bits |= 1 << (0 if index == 4 and value == 7 else value)
            continue
        if low == high and not start_with_step:
            # croniter reads an equal range ("5-5", "Jan-Jan") as the whole cycle.
            low, high = low_bound, high_bound
        for value in range(low, high + 1, step):
            bits |= 1 << value
    return bits, star


def _croniter_plan(expr: CronExpr) -> Plan:
    for index in (2, 4):
        text = expr.fields[index]
        if "?" in text and text != "?":
            raise ScheduleError(f"cron expression {expr.spec!r}: croniter accepts '?' only as "
                                "the whole field")
    fields = [_croniter_field(i, t) for i, t in enumerate(expr.fields)]
    bits = [b for b, _ in fields]
    dom_text, dow_text = expr.fields[2], expr.fields[4]
    # A day field is unrestricted when it holds a '*' (or '?') item, or when it covers every
    # value and the *other* field's text contains '*' (croniter's LEN_MEANS_ALL check).
    dom_free = fields[2][1] or (bits[2] == _FULL[2] and "*" in dow_text)
    dow_free = fields[4][1] or (bits[4] == _FULL[4] and "*" in dom_text)
    doms = _FULL[2] if dom_free else bits[2]
    dows = _FULL[4] if dow_free else bits[4]
    return Plan("croniter", bits[0], bits[1], doms, bits[3], dows,
                not dom_free and not dow_free, _times(bits[0], bits[1]),
                hour_star=bits[1] == _FULL[1])


@lru_cache(maxsize=512)
def _year_matches(plan: Plan, year: int) -> array[int]:
    """Ordinals of the dates of ``year`` on which ``plan`` runs (by its day rule)."""
    out = array("i")
    ordinal = date(year, 1, 1).toordinal()
    for month in range(1, 13):
        length = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
        if plan.months >> month & 1:
            for day in range(1, length + 1):
                o = ordinal + day - 1
                dom = plan.doms >> day & 1
                dow = plan.dows >> (o % 7) & 1
                if (dom | dow) if plan.day_or else (dom & dow):
                    out.append(o)
        ordinal += length
    return out


@lru_cache(maxsize=128)
def _year_table(plan: Plan, year: int) -> tuple[array[int], tuple[timedelta, ...]]:
    """For plans with few runs a day: every run of ``year`` as (minute of the year, offset
    from local 1 January 00:00), so a stretch of clean dates is one ``map`` over a slice."""
    jan1 = date(year, 1, 1).toordinal()
    keys = array("i")
    offsets = []
    for o in _year_matches(plan, year):
        for t in plan.times:
            keys.append((o - jan1) * 1440 + t)
            offsets.append(timedelta(days=o - jan1, minutes=t))
    return keys, tuple(offsets)


# -- slow paths: one engine step each -----------------------------------------------------------


class _Hung(Exception):
    """robfig's Next never returns (Pacific/Apia 2011-12-30: its day loop cannot advance)."""


def _go_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """robfig/cron v3.0.1 ``SpecSchedule.Next``, step for step, in Unix seconds.

    ``None`` is Go's zero time (nothing within five years).  Fields are read on the wall
    clock of ``zone``; ``Add`` and ``Truncate`` work on absolute time, ``time.Date`` and
    ``AddDate`` normalise through :meth:`Zone.go_date`.
    """
    t = math.floor(after) + 1  # t.Add(1*time.Second - nanoseconds)
    added = False
    lt = zone.local(t)
    year_limit = lt.year + 5
    steps = 0
    while True:  # WRAP
        lt = zone.local(t)
        if lt.year > year_limit:
            return None
        wrapped = False
        while not plan.months >> lt.month & 1:
            if not added:
                added = True
                t = zone.go_date(lt.year, lt.month, 1, 0, 0, 0)
                lt = zone.local(t)
            t = zone.go_date(lt.year, lt.month + 1, lt.day, lt.hour, lt.minute, lt.second)
            lt = zone.local(t)
            if lt.month == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not _go_day_matches(plan, lt):
            if not added:
                added = True
                t = zone.go_date(lt.year, lt.month, lt.day, 0, 0, 0)
                lt = zone.local(t)
            before = t
            t = zone.go_date(lt.year, lt.month, lt.day + 1, lt.hour, lt.minute, lt.second)
            lt = zone.local(t)
            # robfig: "Notice if the hour is no longer midnight due to DST."
            if lt.hour != 0:
                t += (24 - lt.hour) * 3600 if lt.hour > 12 else -lt.hour * 3600
                lt = zone.local(t)
            if t == before:
                raise _Hung
            if lt.day == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not plan.hours >> lt.hour & 1:
            if not added:
                added = True
                t = zone.go_date(lt.year, lt.month, lt.day, lt.hour, 0, 0)
                lt = zone.local(t)
            # Go adds one hour at a time; with no offset change on the way, jump straight to
            # the hour where its loop would stop (a matching hour, or 0 to wrap).
            t = _jump(zone, t, 3600, _ahead(plan.hours, lt.hour, 24))
            lt = zone.local(t)
            if lt.hour == 0:
                wrapped = True
                break
        if wrapped:
            continue
        while not plan.minutes >> lt.minute & 1:
            if not added:
                added = True
                t -= t % 60  # Truncate(time.Minute): absolute time, not the wall clock
                lt = zone.local(t)
            t = _jump(zone, t, 60, _ahead(plan.minutes, lt.minute, 60))
            lt = zone.local(t)
            if lt.minute == 0:
                wrapped = True
                break
        if wrapped:
            continue
        if lt.second != 0:  # the seconds field is "0": step to the next second 0 and WRAP
            added = True
            t += 60 - lt.second
            steps += 1
            if steps > 1000:
                raise _Hung
            continue
        return t


def _ahead(bits: int, value: int, size: int) -> int:
    """Steps from ``value`` to the next set bit above it, or to ``size`` (the wrap to 0)."""
    higher = bits >> (value + 1)
    if higher:
        return (higher & -higher).bit_length()
    return size - value


def _jump(zone: Zone, t: int, unit: int, steps: int) -> int:
    """``t`` advanced ``steps`` units at once when no offset change lies on the way
    (then each single step moves the wall clock by exactly one unit), else by one unit."""
    if steps > 1 and not zone.changes_between(t, t + steps * unit):
        return t + steps * unit
    return t + unit


def _go_day_matches(plan: Plan, lt: datetime) -> bool:
    dom = plan.doms >> lt.day & 1
    dow = plan.dows >> ((lt.weekday() + 1) % 7) & 1
    return bool(dom | dow) if plan.day_or else bool(dom & dow)


def _naive_next(plan: Plan, start: datetime, years: int) -> datetime | None:
    """The first matching wall time at or after naive ``start`` (whole minutes), or None."""
    first = start.toordinal()
    minute = start.hour * 60 + start.minute
    year = start.year
    while year <= start.year + years:
        matches = _year_matches(plan, year)
        for o in matches[bisect_left(matches, first):]:
            j = bisect_left(plan.times, minute if o == first else 0)
            if j < len(plan.times):
                return datetime.fromordinal(o) + timedelta(minutes=plan.times[j])
        year += 1
    return None


def _floor_next_minute(dt: datetime) -> datetime:
    return dt.replace(tzinfo=None, second=0, microsecond=0) + timedelta(minutes=1)


def _exists(zone: Zone, wall: datetime) -> bool:
    aware = wall.replace(tzinfo=zone.tz, fold=0)
    return aware.astimezone(UTC).astimezone(zone.tz).replace(tzinfo=None) == wall


def _debian_fixed_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """cronsim's "fixed time" mode: walk naive wall clock; a gap time moves forward to the
    first minute that exists, a repeated time fires once (its first occurrence)."""
    wall = _floor_next_minute(zone.local(after))
    found = _naive_next(plan, wall, 50)
    if found is None:
        return None
    while not _exists(zone, found):
        found += timedelta(minutes=1)
    return int(found.replace(tzinfo=zone.tz, fold=0).timestamp())


def _debian_realtime_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """cronsim's "real time" mode (minute or hour field starts with '*'), step for step.

    Ticks go through UTC; resets (first of the month, midnight, top of the hour) keep the
    wall clock, so they may name a time that does not exist, read with ``fold=0``.
    """
    tz = zone.tz

    def tick(dt: datetime, seconds: int) -> datetime:
        return (dt.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(tz)

    dt = tick(zone.local(math.floor(after)), 1)
    start_year = dt.year
    while True:
        if not plan.months >> dt.month & 1:
            needle = dt.date()
            while not plan.months >> needle.month & 1:
                needle = (needle.replace(day=1) + timedelta(days=32)).replace(day=1)
            dt = datetime.combine(needle, datetime.min.time(), tzinfo=tz)
        if dt.year > start_year + 50:
            return None
        if not plan.day_matches(dt.toordinal()):
            needle = dt.date()
            while not plan.day_matches(needle.toordinal()):
                needle += timedelta(days=1)
                if needle.day == 1:
                    break
            dt = datetime.combine(needle, datetime.min.time(), tzinfo=tz)
            continue
        if not plan.hours >> dt.hour & 1:
            dt = dt.replace(minute=0, second=0)
            while not plan.hours >> dt.hour & 1:
                ts = int(dt.timestamp())  # dt may be a wall time that does not exist
                real = zone.local(ts).hour
                dt = zone.local(_jump(zone, ts, 3600, _ahead(plan.hours, real, 24)))
                if dt.hour == 0:
                    break
            continue
        if not plan.minutes >> dt.minute & 1:
            dt = dt.replace(second=0)
            if plan.minutes & (plan.minutes - 1) == 0:
                target = plan.minutes.bit_length() - 1
                dt = tick(dt, (target - dt.minute) % 60 * 60)
            while not plan.minutes >> dt.minute & 1:
                ts = int(dt.timestamp())  # dt may be a wall time that does not exist
                real = zone.local(ts).minute
                dt = zone.local(_jump(zone, ts, 60, _ahead(plan.minutes, real, 60)))
                if dt.minute == 0:
                    break
            continue
        if dt.second != 0:
            dt = tick(dt, 60 - dt.second)
            continue
        return int(dt.timestamp())


def _croniter_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """croniter 7.0.0 ``get_next``: both halves of a day-field OR, each with its DST fix."""
    now = zone.local(after)
    if plan.day_or:
        dom_only = Plan(plan.policy, plan.minutes, plan.hours, plan.doms, plan.months,
                        _FULL[4], False, plan.times, hour_star=plan.hour_star)
        dow_only = Plan(plan.policy, plan.minutes, plan.hours, _FULL[2], plan.months,
                        plan.dows, False, plan.times, hour_star=plan.hour_star)
        first = _croniter_calc(dom_only, zone, now)
        second = _croniter_calc(dow_only, zone, now)
        if first is None or second is None:
            best = first or second
        else:
            # croniter compares the two aware results with '<': same tzinfo, so the wall
            # clocks are compared and fold is ignored.
            best = first if first.replace(tzinfo=None) < second.replace(tzinfo=None) else second
    else:
        best = _croniter_calc(plan, zone, now)
    return None if best is None else int(best.timestamp())


def _croniter_localize(zone: Zone, wall: datetime, now: datetime) -> tuple[datetime, bool]:
    """croniter's ``_add_tzinfo`` (zoneinfo branch): (aware time, it existed)."""
    result = wall.replace(tzinfo=zone.tz, fold=0)
    if not _exists(zone, wall):
        while not _exists(zone, result.replace(tzinfo=None)):
            result += timedelta(minutes=1)
        return result, False
    farther = wall.replace(tzinfo=zone.tz, fold=1)
    if result.utcoffset() != farther.utcoffset() and not result.timestamp() > now.timestamp():
        result = farther
    return result, True


def _croniter_calc(plan: Plan, zone: Zone, now: datetime) -> datetime | None:
    wall = _naive_next(plan, _floor_next_minute(now), 50)
    if wall is None:
        return None
    aware, exists = _croniter_localize(zone, wall, now)
    if not exists and (not aware.timestamp() > now.timestamp() or plan.hour_star):
        # The wall time does not exist and moving it forward is not right: the next
        # matching wall time that exists.
        while not exists:
            found = _naive_next(plan, wall + timedelta(minutes=1), 50)
            if found is None:
                return None
            wall = found
            aware, exists = _croniter_localize(zone, wall, now)
    now_off = now.utcoffset()
    aware_off = aware.utcoffset()
    assert now_off is not None and aware_off is not None
    delta = aware_off - now_off
    if not delta:
        return aware
    # An offset change lies between: try the wall clock of the other offset too.
    alt_wall = _naive_next(plan, _floor_next_minute(now.replace(tzinfo=None) + delta), 50)
    if alt_wall is None:
        return aware
    alt, alt_exists = _croniter_localize(zone, alt_wall, now)
    if not alt_exists or not alt.timestamp() > now.timestamp():
        return aware
    if aware.timestamp() > alt.timestamp():
        return alt
    return aware


_SLOW: dict[str, Callable[[Plan, Zone, float], int | None]] = {
    "go": _go_next,
    "croniter": _croniter_next,
}


def slow_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """One engine step from instant ``after``: the next run (Unix seconds), or None."""
    if plan.policy == "debian":
        if plan.realtime:
            return _debian_realtime_next(plan, zone, after)
        return _debian_fixed_next(plan, zone, after)
    return _SLOW[plan.policy](plan, zone, after)


def iter_slow(plan: Plan, zone: Zone, after: float) -> Iterator[int]:
    """Runs by the slow path only (tests compare it with the fast path)."""
    prev = after
    while True:
        run = _step(plan, zone, prev)
        if run is None:
            return
        yield run
        prev = run


def _step(plan: Plan, zone: Zone, prev: float) -> int | None:
    """The engine's next run strictly after ``prev``, with the go policy's guards.

    robfig can hang (Apia) or return an earlier instant than it was given (Chatham, fall
    back at 03:45): a hang ends the runs, as Go never returns; an earlier instant is dropped
    and ``Next`` is asked again from a minute later, as Go's scheduler would when its clock
    moves on.  See docs/dst.md.
    """
    try:
        run = slow_next(plan, zone, prev)
        probe = prev
        tries = 0
        while run is not None and run <= prev:
            tries += 1
            if tries > 2880:
                return None
            probe = math.floor(probe) + 60
            run = slow_next(plan, zone, probe)
    except _Hung:
        return None
    return run


# -- the iterator -------------------------------------------------------------------------------


def iter_cron_runs(expr: CronExpr, zone: str, after: datetime, until: datetime | None = None,
                   *, dst: str = "go") -> Iterator[datetime]:
    """Runs of ``expr`` in ``zone`` strictly after ``after`` (and at or before ``until``).

    A lazy iterator of aware datetimes in the zone, strictly increasing as instants, each
    with the ``fold`` that makes ``utcoffset()`` right.  Arguments are checked at once.
    """
    check_aware(after, "after")
    if until is not None:
        check_aware(until, "until")
    policy = check_policy(dst)
    plan = plan_for(expr, policy)
    tz_zone = get_zone(zone)
    return _runs(plan, tz_zone, after.timestamp(),
                 math.inf if until is None else until.timestamp())


def next_cron_runs(expr: CronExpr, zone: str, after: datetime, count: int, *,
                   dst: str = "go") -> list[datetime]:
    """The first ``count`` runs strictly after ``after``."""
    out: list[datetime] = []
    if count <= 0:
        return out
    for run in iter_cron_runs(expr, zone, after, dst=dst):
        out.append(run)
        if len(out) == count:
            break
    return out


def _runs(plan: Plan, zone: Zone, after: float, until: float) -> Iterator[datetime]:
    tz = zone.tz
    times = plan.times
    deltas = plan.deltas
    if not times:
        return
    last_time = times[-1]
    until_ord = zone.local(until).toordinal() if until != math.inf else 1 << 40
    # The robfig engine gives up when the next run is more than five calendar years on.
    horizon = 5 if plan.policy == "go" else 50
    prev = after
    slow = False
    while True:
        local = zone.local(prev)
        ordinal = local.toordinal()
        year = local.year
        if slow or ordinal in zone.dirty_ordinals(year):
            slow = False
            run = _step(plan, zone, prev)
            if run is None or run > until:
                return
            yield datetime.fromtimestamp(run, tz)
            prev = run
            continue
        # Fast path: from prev, on a clean date, through clean dates; whole days at once.
        minute = local.hour * 60 + local.minute
        limit_year = zone.local(math.floor(prev) + 1).year + horizon
        last: datetime | None = None
        last_ord = ordinal
        sparse = len(times) <= 4
        midnight = datetime(local.year, local.month, local.day, tzinfo=tz)
        while True:
            dirty = _blocking(plan, zone.key, year)
            later = [o for o in dirty if o > ordinal]
            next_dirty = min(later) if later else 1 << 40
            if sparse:
                jan1 = date(year, 1, 1).toordinal()
                keys, offsets = _year_table(plan, year)
                i = bisect_right(keys, (ordinal - jan1) * 1440 + minute) if ordinal >= jan1 else 0
                cut = min(next_dirty, until_ord - 1)
                j = bisect_left(keys, (cut - jan1) * 1440) if cut - jan1 < 400 else len(keys)
                first_of_year = datetime(year, 1, 1, tzinfo=tz)
                if j > i:
                    yield from map(first_of_year.__add__, offsets[i:j])
                    last = first_of_year + offsets[j - 1]
                    last_ord = jan1 + keys[j - 1] // 1440
                stop = False
                for k in range(max(i, j), len(keys)):
                    o = jan1 + keys[k] // 1440
                    if o >= next_dirty:
                        stop = True
                        break
                    late = first_of_year + offsets[k]
                    if late.timestamp() > until:
                        return
                    yield late
                    last, last_ord = late, o
                if stop or next_dirty != 1 << 40:
                    break
                year += 1
                if last is not None:
                    limit_year = date.fromordinal(last_ord).year + horizon
                if year > limit_year:
                    return
                continue
            matches = _year_matches(plan, year)
            for o in matches[bisect_left(matches, ordinal):]:
                if o >= next_dirty:
                    break
                if o > until_ord:
                    return
                base = midnight + _days(o - ordinal) if o != ordinal else midnight
                if o == ordinal:
                    if minute >= last_time:
                        continue
                    day = [base + td for t, td in zip(times, deltas, strict=True) if t > minute]
                elif o < until_ord - 1:
                    yield from map(base.__add__, deltas)
                    last = base + deltas[-1]
                    last_ord = o
                    continue
                else:
                    day = [base + td for td in deltas]
                if o >= until_ord - 1:
                    day = [r for r in day if r.timestamp() <= until]
                    if not day:
                        return
                yield from day
                last = day[-1]
                last_ord = o
            else:
                if next_dirty == 1 << 40:
                    year += 1
                    if last is not None:
                        limit_year = date.fromordinal(last_ord).year + horizon
                    if year > limit_year:
                        return
                    continue
            break
        # A date with a transition is next (or the year's matches ran out before one): hand
        # over to the slow path from the last run, which may fall on, or be found by way of,
        # that date.
        if last is not None:
            prev = last.timestamp()
            if plan.policy == "go" and date.fromordinal(last_ord).year + horizon < year:
                return
        slow = True


@lru_cache(maxsize=512)
def _blocking(plan: Plan, zone_key: str, year: int) -> frozenset[int]:
    """The dirty dates of ``year`` that the fast path must not walk across for ``plan``.

    A dirty date on which the plan does not run, and whose midnight and next midnight are
    ordinary wall times, is only ever passed at those midnights (robfig's AddDate, cronsim's
    day reset) or by a naive wall-clock search (croniter, cronsim fixed time), and croniter's
    second look with the other offset finds the same run: no engine can tell it from a clean
    date.  (The fast-vs-slow property test checks this.)
    """
    zone = get_zone(zone_key)
    out = set()
    for o in zone.dirty_ordinals(year):
        midnight = (o - EPOCH_ORDINAL) * DAY
        if (plan.day_matches(o) or not zone.unique_wall(midnight)
                or not zone.unique_wall(midnight + DAY)):
            out.add(o)
    return frozenset(out)


@lru_cache(maxsize=1024)
def _days(n: int) -> timedelta:
    return timedelta(days=n)


# -- SL409 (the look-ahead itself lives in _dstwarn.py, off the import path of check()) -------

SHORT_GAP: Final = timedelta(minutes=15)


@lru_cache(maxsize=4096)
def _gaps_at(expr: CronExpr, zone_key: str, at: int) -> tuple[ShortGap, ...]:
    zone = get_zone(zone_key)
    plan = plan_for(expr, "go")
    # A short gap straddles the change, so a day either side is enough.  For a few runs a day
    # the engine's own steps are cheaper than planning whole years; both give the same runs.
    runs: Iterable[datetime]
    if len(plan.times) <= 24:
        runs = (zone.local(t) for t in takewhile(lambda t: t <= at + DAY,
                                                  iter_slow(plan, zone, at - DAY)))
    else:
        runs = _runs(plan, zone, at - DAY, at + DAY)
    out = []
    previous: datetime | None = None
    for run in runs:
        if previous is not None:
            # Subtracting aware datetimes of one tzinfo gives wall-clock time; use instants.
            gap = timedelta(seconds=run.timestamp() - previous.timestamp())
            if gap < SHORT_GAP:
                out.append(ShortGap(previous.date(), previous, run, gap))
        previous = run
    return tuple(out)


# -- periodic -----------------------------------------------------------------------------------


def iter_periodic_runs(interval_ns: int, after: datetime, until: datetime | None = None, *,
                       anchor: datetime | None = None) -> Iterator[datetime]:
    """``anchor + k * interval`` for k >= 1, strictly after ``after`` (absolute time).

    ``anchor`` defaults to ``after``.  Results are in ``after``'s zone.
    """
    check_aware(after, "after")
    if until is not None:
        check_aware(until, "until")
    if anchor is not None:
        check_aware(anchor, "anchor")
    if isinstance(interval_ns, bool) or not isinstance(interval_ns, int) or interval_ns <= 0:
        raise ScheduleError(f"interval must be a positive number of nanoseconds, got "
                            f"{interval_ns!r}")
    return _periodic(interval_ns, after, until, after if anchor is None else anchor)


def _periodic(interval_ns: int, after: datetime, until: datetime | None,
              anchor: datetime) -> Iterator[datetime]:
    tz = after.tzinfo
    # Integer nanoseconds from the epoch, so no rounding accumulates; datetime keeps whole
    # microseconds, so each run is floored to one.
    start = _micros(anchor) * 1000
    floor = _micros(after) * 1000
    k = max(1, (floor - start) // interval_ns + 1)
    limit = None if until is None else _micros(until) * 1000
    while True:
        ns = start + k * interval_ns
        if limit is not None and ns > limit:
            return
        yield (_EPOCH + timedelta(microseconds=ns // 1000)).astimezone(tz)
        k += 1


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(dt: datetime) -> int:
    delta = dt - _EPOCH
    return (delta.days * DAY + delta.seconds) * 1_000_000 + delta.microseconds


