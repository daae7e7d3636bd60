"""The iterator every cron policy shares: whole days planned at once on clean dates, and the
policy's own engine step (go.py, debian.py, croniter.py) from the last run wherever a date
holds a UTC-offset change.

On a local date with no offset change nearby, every engine fires at exactly the matching wall
times of that date, so the runs are matching days x (hours x minutes), made by wall-clock
addition (the *fast* path).  The iterator uses it from a run on a clean date through clean
dates, and hands over to the engine step (the *slow* path) from the last run whenever the next
date holds a transition.  ``tests/test_runs_engines.py`` checks that the two paths agree.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache

from schedulelib.core.cron import CACHE_TEXT, CronExpr
from schedulelib.core.policy import dst_policy
from schedulelib.core.runs.croniter import croniter_next, croniter_plan
from schedulelib.core.runs.debian import debian_next, debian_plan
from schedulelib.core.runs.go import Hung, go_next, go_plan
from schedulelib.core.runs.plan import (
    MINUTES,
    Plan,
    Policy,
    check_aware,
    year_keys,
    year_matches,
    year_offsets,
)
from schedulelib.core.tzcalc import DAY, EPOCH_ORDINAL, Zone, get_zone

_LAST_YEAR = 9999
# Engines look at most 50 years ahead: further than that from either end of the calendar,
# running off it is a bug.
_EDGE = 51 * 366 * DAY


def plan_for(expr: CronExpr, policy: Policy) -> Plan:
    """The field tables ``policy``'s engine builds from ``expr`` (cached per expression)."""
    # An expression keeps its text, so only short ones are cached: the cache's size in bytes
    # stays bounded (cron.CACHE_TEXT), and a long spec is planned anew each time.
    if len(expr.spec) <= CACHE_TEXT:
        return _cached_plan(expr, policy)
    return _plan(expr, policy)


@lru_cache(maxsize=1024)
def _cached_plan(expr: CronExpr, policy: Policy) -> Plan:
    return _plan(expr, policy)


def _plan(expr: CronExpr, policy: Policy) -> Plan:
    if policy == "go":
        return go_plan(expr)
    if policy == "debian":
        return debian_plan(expr)
    return croniter_plan(expr)


_NEXT: dict[str, Callable[[Plan, Zone, float], int | None]] = {
    "go": go_next,
    "debian": debian_next,
    "croniter": croniter_next,
}


def slow_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """One engine step from instant ``after``: the next run (Unix seconds), or None."""
    return _NEXT[plan.policy](plan, zone, after)


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
    except Hung:
        return None
    except (OverflowError, ValueError):
        # An engine walks past year 9999 (or its day tables do) only when no run is left
        # before the end of the calendar, and looks back before year 1 only from its first
        # month; anywhere else this is a bug to hear about.
        if zone.last_instant - prev > _EDGE and prev - zone.first_instant > _EDGE:
            raise
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
    policy = dst_policy(dst)
    plan = plan_for(expr, policy)
    tz_zone = get_zone(zone)
    return runs_between(plan, tz_zone, after.timestamp(),
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


def runs_between(plan: Plan, zone: Zone, after: float, until: float) -> Iterator[datetime]:
    """Runs strictly after instant ``after``, at or before ``until``, within the calendar.

    Runs end at the last instant whose wall clock (in the zone and in UTC) is in year 9999,
    and start after the first in year 1: no engine step or date beyond is ever made.
    """
    tz = zone.tz
    times = plan.times
    deltas = plan.deltas
    until = min(until, zone.last_instant)
    after = max(after, zone.first_instant)
    if not times or after >= until:
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
        if slow or ordinal in zone.dirty_ordinals(year) or _resets_back(plan, zone, local):
            slow = False
            run = _step(plan, zone, prev)
            if run is None or run > until:
                return
            yield datetime.fromtimestamp(run, tz)
            if run >= until:
                return
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
                keys = year_keys(plan, year)
                i = bisect_right(keys, (ordinal - jan1) * 1440 + minute) if ordinal >= jan1 else 0
                cut = min(next_dirty, until_ord - 1)
                j = bisect_left(keys, (cut - jan1) * 1440) if cut - jan1 < 400 else len(keys)
                first_of_year = datetime(year, 1, 1, tzinfo=tz)
                if j > i:
                    # The first few one by one: a caller that wants ten runs never pays for
                    # the table of offsets that makes long stretches fast.
                    head = min(j, i + 16)
                    yield from (first_of_year + MINUTES(key) for key in keys[i:head])
                    if j > head:
                        yield from map(first_of_year.__add__, year_offsets(plan, year)[head:j])
                    last = first_of_year + MINUTES(keys[j - 1])
                    last_ord = jan1 + keys[j - 1] // 1440
                stop = False
                for k in range(max(i, j), len(keys)):
                    o = jan1 + keys[k] // 1440
                    if o >= next_dirty:
                        stop = True
                        break
                    late = first_of_year + MINUTES(keys[k])
                    if late.timestamp() > until:
                        return
                    yield late
                    last, last_ord = late, o
                if stop or next_dirty != 1 << 40:
                    break
                year += 1
                if last is not None:
                    limit_year = date.fromordinal(last_ord).year + horizon
                if year > min(limit_year, _LAST_YEAR):
                    return
                continue
            matches = year_matches(plan, year)
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
                    if year > min(limit_year, _LAST_YEAR):
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


def _resets_back(plan: Plan, zone: Zone, local: datetime) -> bool:
    """Whether robfig's next step from ``local`` starts at a dirty 1st of the month.

    In a month the spec does not name, robfig's month loop first goes back to the 1st at
    00:00 (``time.Date``), then adds months.  Where that midnight does not exist, Go moves
    it (Indian/Chagos, 1996-01-01 00:00 is 01:00) and every month after keeps the moved
    hour, so the planner's wall times are wrong.  Only a run robfig made on a day the spec
    does not name, or the start, can be in such a month.
    """
    if plan.policy != "go" or plan.months >> local.month & 1:
        return False
    first = date(local.year, local.month, 1).toordinal()
    return not zone.unique_wall((first - EPOCH_ORDINAL) * DAY)


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
