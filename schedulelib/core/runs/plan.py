"""What every policy shares: the argument checks, the ``Plan`` an engine builds from an
expression, its per-year tables, and the wall-clock helpers more than one engine uses."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial
from typing import Final

from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.policy import POLICIES as POLICIES
from schedulelib.core.policy import DstPolicy
from schedulelib.core.tzcalc import Zone

Policy = DstPolicy  # the engines' name for it

# Every value of each field as a bitset: minutes, hours, days of month, months, days of week.
FULL: Final = (1 << 60) - 1, (1 << 24) - 1, ((1 << 32) - 1) ^ 1, ((1 << 13) - 1) ^ 1, (1 << 7) - 1
LOW: Final = (0, 0, 1, 1, 0)
HIGH: Final = (59, 23, 31, 12, 6)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


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


# -- the plan -----------------------------------------------------------------------------------


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


def times_of_day(minutes: int, hours: int) -> tuple[int, ...]:
    """The minutes of the day (hour * 60 + minute) that both bitsets name, ascending."""
    return tuple(h * 60 + m for h in range(24) if hours >> h & 1
                 for m in range(60) if minutes >> m & 1)


def field_number(index: int, text: str) -> int:
    """One value of field ``index`` as written: a number, or a month or day name."""
    upper = text.upper()
    if index == 3 and upper in _MONTHS:
        return _MONTHS.index(upper) + 1
    if index == 4 and upper in _DAYS:
        return _DAYS.index(upper)
    return int(text)


# -- per-year tables ----------------------------------------------------------------------------


@lru_cache(maxsize=512)
def year_matches(plan: Plan, year: int) -> array[int]:
    """Ordinals of the dates of ``year`` on which ``plan`` runs (by its day rule)."""
    out = array("i")
    jan1 = date(year, 1, 1).toordinal()
    lengths = _month_lengths(year)
    ordinal = jan1
    for month in range(1, 13):
        length = lengths[month - 1]
        if plan.months >> month & 1:
            # Days of the month as bits 1..length; the weekdays as bits of day numbers too.
            days = plan.doms & ((1 << (length + 1)) - 2)
            weekday_days = _weekday_days(ordinal % 7, length, plan.dows)
            picked = (days | weekday_days) if plan.day_or else (days & weekday_days)
            while picked:
                low = picked & -picked
                out.append(ordinal + low.bit_length() - 2)
                picked ^= low
        ordinal += length
    return out


@lru_cache(maxsize=8)
def _month_lengths(year: int) -> tuple[int, ...]:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=1024)
def _weekday_days(first_dow: int, length: int, dows: int) -> int:
    """Bits 1..length for the days of a month starting on ``first_dow`` (0 Sunday) whose
    day of the week is in ``dows``."""
    bits = 0
    for day in range(1, length + 1):
        if dows >> ((first_dow + day - 1) % 7) & 1:
            bits |= 1 << day
    return bits


MINUTES = partial(timedelta, 0, 0, 0, 0)  # timedelta(minutes=m), callable from map() in C


@lru_cache(maxsize=512)
def year_keys(plan: Plan, year: int) -> array[int]:
    """For plans with few runs a day: every run of ``year`` as its minute of the year."""
    jan1 = date(year, 1, 1).toordinal()
    times = plan.times
    return array("i", [(o - jan1) * 1440 + t for o in year_matches(plan, year) for t in times])


@lru_cache(maxsize=128)
def year_offsets(plan: Plan, year: int) -> tuple[timedelta, ...]:
    """``year_keys`` as offsets from local 1 January 00:00, so that a long stretch of clean
    dates is one ``map`` over a slice (built only when a stretch is long)."""
    return tuple(map(MINUTES, year_keys(plan, year)))


# -- wall-clock helpers (more than one engine) --------------------------------------------------


def naive_next(plan: Plan, start: datetime, years: int) -> datetime | None:
    """The first matching wall time at or after naive ``start`` (whole minutes), or None."""
    first = start.toordinal()
    minute = start.hour * 60 + start.minute
    year = start.year
    while year <= start.year + years:
        matches = year_matches(plan, year)
        for o in matches[bisect_left(matches, first):]:
            j = bisect_left(plan.times, minute if o == first else 0)
            if j < len(plan.times):
                return datetime.fromordinal(o) + timedelta(minutes=plan.times[j])
        year += 1
    return None


def floor_next_minute(dt: datetime) -> datetime:
    """The naive wall clock of ``dt``, truncated to the minute, plus one minute."""
    return dt.replace(tzinfo=None, second=0, microsecond=0) + timedelta(minutes=1)


def exists(zone: Zone, wall: datetime) -> bool:
    """Whether naive ``wall`` is a wall time of ``zone`` (``zoneinfo``'s reading, fold 0)."""
    aware = wall.replace(tzinfo=zone.tz, fold=0)
    return aware.astimezone(UTC).astimezone(zone.tz).replace(tzinfo=None) == wall


def ahead(bits: int, value: int, size: int) -> int:
    """Steps from ``value`` to the next set bit above it, or to ``size`` (the wrap to 0)."""
    higher = bits >> (value + 1)
    if higher:
        return (higher & -higher).bit_length()
    return size - value


def jump(zone: Zone, t: int, unit: int, steps: int) -> int:
    """``t`` advanced ``steps`` units at once when no offset change lies on the way
    (then each single step moves the wall clock by exactly one unit), else by one unit."""
    if steps > 1 and not zone.changes_between(t, t + steps * unit):
        return t + steps * unit
    return t + unit
