"""The ``debian`` policy: Debian / cronie cron as cronsim 2.8 implements it.

cronsim has two modes, chosen by the text: "real time" when the minute or hour field starts
with '*' (ticks through absolute time, so a gap skips and a repeat runs twice) and "fixed time"
otherwise (walks the wall clock: a time in a gap runs at the first minute that exists, a
repeated time runs once).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from schedulelib.core.cron import CronExpr
from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.runs.plan import (
    HIGH,
    LOW,
    Plan,
    ahead,
    exists,
    field_number,
    floor_next_minute,
    jump,
    naive_next,
    times_of_day,
)
from schedulelib.core.tzcalc import Zone

_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _field(index: int, text: str, high: int) -> set[int]:
    """cronsim 2.8 ``Field.parse``: the quirks matter only with '/' (see the comments)."""
    if text == "*":
        return set(range(LOW[index], high + 1))
    if "," in text:
        out: set[int] = set()
        for term in text.split(","):
            out |= _field(index, term, high)
        return out
    if "/" in text:
        term, step_text = text.split("/", 1)
        step = int(step_text)
        items = _field(index, term, high)
        if len(items) == 1:
            # A single start ("5/20", but also "5-5/20") runs on to the field's maximum.
            return set(range(items.pop(), high + 1, step))
        return set(sorted(items)[::step])
    if "-" in text:
        low, top = text.split("-", 1)
        return set(range(field_number(index, low), field_number(index, top) + 1))
    return {field_number(index, text)}


def debian_plan(expr: CronExpr) -> Plan:
    """cronsim's reading of ``expr``'s text (it differs from robfig's with '/' and '*')."""
    bits = []
    for index, text in enumerate(expr.fields):
        if "?" in text:
            raise ScheduleError(
                f"cron expression {expr.spec!r}: Debian cron (and cronsim) reject '?'; write "
                "'*' to use the debian policy")
        # cronsim's day of week runs 0-7, so "1/2" or "*/n" can reach 7, which is Sunday.
        high = 7 if index == 4 else HIGH[index]
        values = _field(index, text, high)
        if index == 4 and 7 in values:
            values = (values - {7}) | {0}
        bits.append(sum(1 << v for v in values))
    minute_text, hour_text, dom_text, _, dow_text = expr.fields
    day_and = dom_text.startswith("*") or dow_text.startswith("*")
    if day_and and bits[2]:
        lowest = (bits[2] & -bits[2]).bit_length() - 1
        longest = max(m for m in range(1, 13) if bits[3] >> m & 1)
        if lowest > 29 and lowest > _MONTH_DAYS[longest]:
            raise ScheduleError(f"cron expression {expr.spec!r}: cronsim rejects a day of "
                                "month that no listed month has")
    return Plan("debian", bits[0], bits[1], bits[2], bits[3], bits[4], not day_and,
                times_of_day(bits[0], bits[1]),
                realtime=minute_text.startswith("*") or hour_text.startswith("*"))


def debian_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """cronsim's next run after instant ``after`` (Unix seconds), or None past 50 years."""
    if plan.realtime:
        return _realtime_next(plan, zone, after)
    return _fixed_next(plan, zone, after)


def _fixed_next(plan: Plan, zone: Zone, after: float) -> int | None:
    """cronsim's "fixed time" mode: walk naive wall clock; a gap time moves forward to the
    first minute that exists, a repeated time fires once (its first occurrence)."""
    wall = floor_next_minute(zone.local(after))
    found = naive_next(plan, wall, 50)
    if found is None:
        return None
    while not exists(zone, found):
        found += timedelta(minutes=1)
    return int(found.replace(tzinfo=zone.tz, fold=0).timestamp())


def _realtime_next(plan: Plan, zone: Zone, after: float) -> int | None:
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
                dt = zone.local(jump(zone, ts, 3600, ahead(plan.hours, real, 24)))
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
                dt = zone.local(jump(zone, ts, 60, ahead(plan.minutes, real, 60)))
                if dt.minute == 0:
                    break
            continue
        if dt.second != 0:
            dt = tick(dt, 60 - dt.second)
            continue
        return int(dt.timestamp())
