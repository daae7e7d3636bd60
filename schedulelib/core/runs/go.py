"""The ``go`` policy: robfig/cron v3.0.1 ``ParseStandard`` with ``CRON_TZ=<zone>``, iterating
``next = Next(previous)``.

``go_next`` is ``SpecSchedule.Next`` step for step in Unix seconds.  Fields are read on the
wall clock of the zone; ``Add`` and ``Truncate`` work on absolute time, ``time.Date`` and
``AddDate`` normalise through :meth:`Zone.go_date`, as in Go.
"""

from __future__ import annotations

import math
from calendar import monthrange
from datetime import datetime

from schedulelib.core.cron import CronExpr
from schedulelib.core.runs.plan import Plan, ahead, jump, times_of_day
from schedulelib.core.tzcalc import Zone


class Hung(Exception):
    """robfig's Next never returns (Pacific/Apia 2011-12-30: its day loop cannot advance)."""


def go_plan(expr: CronExpr) -> Plan:
    """robfig's reading of ``expr``: the parser's bitsets as they are."""
    # robfig dayMatches: AND when either day field is a star, else OR.
    return Plan("go", expr.minutes, expr.hours, expr.days, expr.months, expr.weekdays,
                not (expr.dom_star or expr.dow_star), times_of_day(expr.minutes, expr.hours))


def go_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """robfig/cron v3.0.1 ``SpecSchedule.Next`` from instant ``after``, in Unix seconds.

    ``None`` is Go's zero time (nothing within five years); :class:`Hung` where Go loops.
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
            # Go adds one month at a time; with no offset change on the way, and a day every
            # month has (AddDate turns 31 September into 1 October), go straight to the month
            # where its loop stops (a matching month, or January to wrap).
            k = _months_ahead(plan.months, lt.month) if lt.day <= 28 else 1
            step = zone.go_date(lt.year, lt.month + k, lt.day, lt.hour, lt.minute, lt.second)
            if k > 1 and zone.changes_between(t, step):
                step = zone.go_date(lt.year, lt.month + 1, lt.day, lt.hour, lt.minute,
                                    lt.second)
            t = step
            lt = zone.local(t)
            if lt.month == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not _day_matches(plan, lt):
            if not added:
                added = True
                t = zone.go_date(lt.year, lt.month, lt.day, 0, 0, 0)
                lt = zone.local(t)
            before = t
            # Go adds one day at a time; at midnight with no offset change on the way, go
            # straight to the day where its loop stops (the last AddDate is still Go's Date:
            # a repeated midnight there is its second pass).
            k = _days_ahead(plan, lt) if lt.hour == 0 else 1
            step = zone.go_date(lt.year, lt.month, lt.day + k, lt.hour, lt.minute, lt.second)
            if k > 1 and zone.changes_between(t, step):
                step = zone.go_date(lt.year, lt.month, lt.day + 1, lt.hour, lt.minute,
                                    lt.second)
            t = step
            lt = zone.local(t)
            # robfig: "Notice if the hour is no longer midnight due to DST."
            if lt.hour != 0:
                t += (24 - lt.hour) * 3600 if lt.hour > 12 else -lt.hour * 3600
                lt = zone.local(t)
            if t == before:
                raise Hung
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
            t = jump(zone, t, 3600, ahead(plan.hours, lt.hour, 24))
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
            t = jump(zone, t, 60, ahead(plan.minutes, lt.minute, 60))
            lt = zone.local(t)
            if lt.minute == 0:
                wrapped = True
                break
        if wrapped:
            continue
        if lt.second != 0:
            # The seconds field is "0": Go adds one second at a time until the wall clock's
            # second is 0, then WRAPs.  Across a change of a fraction of a minute (local mean
            # time to a whole offset: Monrovia 1972) the first jump lands off second 0.
            added = True
            while lt.second != 0:
                t = jump(zone, t, 1, 60 - lt.second)
                lt = zone.local(t)
            steps += 1
            if steps > 1000:
                raise Hung
            continue
        return t


def _months_ahead(months: int, month: int) -> int:
    """Months from ``month`` to the next one in ``months``, or to January (the wrap)."""
    for k in range(1, 13 - month):
        if months >> (month + k) & 1:
            return k
    return 13 - month


def _days_ahead(plan: Plan, lt: datetime) -> int:
    """Days from ``lt`` to the next matching day of its month, or to the 1st of the next."""
    length = monthrange(lt.year, lt.month)[1]
    weekday = (lt.weekday() + 1) % 7
    for k in range(1, length - lt.day + 1):
        dom = plan.doms >> (lt.day + k) & 1
        dow = plan.dows >> ((weekday + k) % 7) & 1
        if (dom | dow) if plan.day_or else (dom & dow):
            return k
    return length - lt.day + 1


def _day_matches(plan: Plan, lt: datetime) -> bool:
    dom = plan.doms >> lt.day & 1
    dow = plan.dows >> ((lt.weekday() + 1) % 7) & 1
    return bool(dom | dow) if plan.day_or else bool(dom & dow)
