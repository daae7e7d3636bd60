"""The ``croniter`` policy: croniter 7.0.0 ``get_next(datetime)``.

croniter searches the naive wall clock, then attaches the zone; where that wall time does not
exist or the offset changed since the start, it corrects as ``_croniter_calc`` shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from schedulelib.core.cron import CronExpr
from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.runs.plan import (
    FULL,
    HIGH,
    LOW,
    Plan,
    exists,
    field_number,
    floor_next_minute,
    naive_next,
    times_of_day,
)
from schedulelib.core.tzcalc import Zone


def _field(index: int, text: str) -> tuple[int, bool]:
    """croniter 7.0.0 ``_expand`` for one field: (bitset, has a '*' item)."""
    low_bound, high_bound = LOW[index], HIGH[index]
    bits = 0
    star = False
    for item in text.split(","):
        if item in ("*", "?"):
            star = True
            bits |= FULL[index]
            continue
        body, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        start_with_step = False
        if body == "*":
            low, high = low_bound, high_bound
        elif "-" in body:
            a, b = body.split("-", 1)
            low, high = field_number(index, a), field_number(index, b)
        elif step_text:
            low, high = field_number(index, body), high_bound
            start_with_step = True
        else:
            value = field_number(index, body)
            bits |= 1 << (0 if index == 4 and value == 7 else value)
            continue
        if low == high and not start_with_step:
            # croniter reads an equal range ("5-5", "Jan-Jan") as the whole cycle.
            low, high = low_bound, high_bound
        for value in range(low, high + 1, step):
            bits |= 1 << value
    return bits, star


def croniter_plan(expr: CronExpr) -> Plan:
    """croniter's reading of ``expr``'s text (day fields and equal ranges differ)."""
    for index in (2, 4):
        text = expr.fields[index]
        if "?" in text and text != "?":
            raise ScheduleError(f"cron expression {expr.spec!r}: croniter accepts '?' only as "
                                "the whole field")
    fields = [_field(i, t) for i, t in enumerate(expr.fields)]
    bits = [b for b, _ in fields]
    dom_text, dow_text = expr.fields[2], expr.fields[4]
    # A day field is unrestricted when it holds a '*' (or '?') item, or when it covers every
    # value and the *other* field's text contains '*' (croniter's LEN_MEANS_ALL check).
    dom_free = fields[2][1] or (bits[2] == FULL[2] and "*" in dow_text)
    dow_free = fields[4][1] or (bits[4] == FULL[4] and "*" in dom_text)
    doms = FULL[2] if dom_free else bits[2]
    dows = FULL[4] if dow_free else bits[4]
    return Plan("croniter", bits[0], bits[1], doms, bits[3], dows,
                not dom_free and not dow_free, times_of_day(bits[0], bits[1]),
                hour_star=bits[1] == FULL[1])


def croniter_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """croniter 7.0.0 ``get_next``: both halves of a day-field OR, each with its DST fix."""
    now = zone.local(after)
    if plan.day_or:
        dom_only = Plan(plan.policy, plan.minutes, plan.hours, plan.doms, plan.months,
                        FULL[4], False, plan.times, hour_star=plan.hour_star)
        dow_only = Plan(plan.policy, plan.minutes, plan.hours, FULL[2], plan.months,
                        plan.dows, False, plan.times, hour_star=plan.hour_star)
        first = _calc(dom_only, zone, now)
        second = _calc(dow_only, zone, now)
        if first is None or second is None:
            best = first or second
        else:
            # croniter compares the two aware results with '<': same tzinfo, so the wall
            # clocks are compared and fold is ignored.
            best = first if first.replace(tzinfo=None) < second.replace(tzinfo=None) else second
    else:
        best = _calc(plan, zone, now)
    return None if best is None else int(best.timestamp())


def _localize(zone: Zone, wall: datetime, now: datetime) -> tuple[datetime, bool]:
    """croniter's ``_add_tzinfo`` (zoneinfo branch): (aware time, it existed)."""
    result = wall.replace(tzinfo=zone.tz, fold=0)
    if not exists(zone, wall):
        while not exists(zone, result.replace(tzinfo=None)):
            result += timedelta(minutes=1)
        return result, False
    farther = wall.replace(tzinfo=zone.tz, fold=1)
    if result.utcoffset() != farther.utcoffset() and not result.timestamp() > now.timestamp():
        result = farther
    return result, True


def _calc(plan: Plan, zone: Zone, now: datetime) -> datetime | None:
    wall = naive_next(plan, floor_next_minute(now), 50)
    if wall is None:
        return None
    aware, found = _localize(zone, wall, now)
    if not found and (not aware.timestamp() > now.timestamp() or plan.hour_star):
        # The wall time does not exist and moving it forward is not right: the next
        # matching wall time that exists.
        while not found:
            later = naive_next(plan, wall + timedelta(minutes=1), 50)
            if later is None:
                return None
            wall = later
            aware, found = _localize(zone, wall, now)
    now_off = now.utcoffset()
    aware_off = aware.utcoffset()
    assert now_off is not None and aware_off is not None
    delta = aware_off - now_off
    if not delta:
        return aware
    # An offset change lies between: try the wall clock of the other offset too.
    alt_wall = naive_next(plan, floor_next_minute(now.replace(tzinfo=None) + delta), 50)
    if alt_wall is None:
        return aware
    alt, alt_exists = _localize(zone, alt_wall, now)
    if not alt_exists or not alt.timestamp() > now.timestamp():
        return aware
    if aware.timestamp() > alt.timestamp():
        return alt
    return aware
