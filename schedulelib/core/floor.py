"""The calendar arithmetic of a parsed cron expression: the exact shortest gap between two
consecutive runs, and whether any date of any year matches at all.

It works on the five field bitsets of :class:`schedulelib.core.cron.CronExpr` (plain ints), so it
imports nothing of the parser; ``CronExpr.min_gap``, ``closest_runs`` and ``never_runs`` call it.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import NamedTuple


class Gap(NamedTuple):
    """The closest pair of consecutive runs: ``minutes`` apart, from ``first`` to ``second``.

    ``first`` and ``second`` are minutes of the day; ``days`` is how many days later ``second``
    falls (0: the same day).
    """

    minutes: int
    first: int
    second: int
    days: int

    def describe(self) -> str:
        later = {0: "", 1: " the next day"}.get(self.days, f" {self.days} days later")
        return (
            f"runs at {_hhmm(self.first)} and {_hhmm(self.second)}{later} are "
            f"{human_minutes(self.minutes)} apart"
        )


def _hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def human_minutes(minutes: int) -> str:
    """``90`` -> ``1 hour 30 minutes``; whole days as days."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [_plural(n, w) for n, w in ((days, "day"), (hours, "hour"), (mins, "minute")) if n]
    return " ".join(parts) or "0 minutes"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- the exact minimum gap ----------------------------------------------------------------------
#
# Runs of a day are the same on every matching day: hours x minutes.  So the shortest gap is the
# smaller of (a) the shortest gap inside one day and (b) the gap from the last run of a matching
# day to the first run of the next matching day, which is smallest when matching days are
# closest.  (b) needs the smallest distance between two matching days over the whole calendar:
# the Gregorian calendar repeats every 400 years (146,097 days, a whole number of weeks), and a
# year's matches depend only on whether it is a leap year and on its first weekday, so 14 kinds
# of year and the pairs of kinds that follow each other in the cycle cover every case.

_DAY = 1440


@lru_cache(maxsize=4096)
def closest_runs(minutes: int, hours: int, day_key: tuple[int, int, int, bool, bool]) -> Gap:
    times = [h * 60 + m for h in bits(hours) for m in bits(minutes)]
    first, last = times[0], times[-1]
    best: Gap | None = None
    for a, b in itertools.pairwise(times):
        if best is None or b - a < best.minutes:
            best = Gap(b - a, a, b, 0)
    # With matching days 1 day apart the overnight gap is _DAY - (last - first); a larger day
    # distance only makes it longer, so the calendar is consulted only when it could matter.
    if best is not None and best.minutes <= _DAY - (last - first):
        return best
    delta = _min_day_distance(*day_key)
    overnight = Gap(delta * _DAY - (last - first), last, first, delta)
    if best is None or overnight.minutes < best.minutes:
        return overnight
    return best


def bits(mask: int) -> list[int]:
    out = []
    value = 0
    while mask:
        if mask & 1:
            out.append(value)
        mask >>= 1
        value += 1
    return out


_ALL_MONTHS = 0b1111111111110
_ALL_WEEKDAYS = 0b1111111
_MONTH_MAX = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def never_runs(days: int, months: int, weekdays: int, dom_star: bool, dow_star: bool) -> bool:
    if dom_star or not dow_star:
        # robfig ORs the two day fields when both are restricted, so any weekday matches some
        # day of every month; with the day of month unrestricted the weekdays decide.
        return False
    lowest = (days & -days).bit_length() - 1
    return not any(months >> m & 1 and lowest <= _MONTH_MAX[m] for m in range(1, 13))


@lru_cache(maxsize=1024)
def _min_day_distance(days: int, months: int, weekdays: int, dom_star: bool,
                      dow_star: bool) -> int:
    """The smallest number of days between two matching dates, exactly, in robfig's sense."""
    if dom_star and months == _ALL_MONTHS:
        # Only the weekday decides, and every week is complete: circular distance mod 7.
        wk = bits(weekdays)
        return min((b - a) % 7 or 7 for a, b in zip(wk, wk[1:] + wk[:1], strict=True))
    tables = _calendar_tables()
    masks = {kind: _year_matches(tables, kind, days, months, weekdays, dom_star, dow_star)
             for kind in tables.kinds}
    if all(masks.values()):
        # Every year has a match, so two consecutive matches lie in one year or in two
        # consecutive years: the pairs of kinds that follow each other are enough.
        best = _DAY * 1000
        for a, b in tables.pairs:
            joined = masks[a] | masks[b] << (365 + a[0])
            best = min(best, _closest(joined, best))
        return best
    # Some year has no match (29 February): walk the whole 400-year cycle.  Such a spec matches
    # few days (only the kinds of year with a match contribute), so the matching days are
    # listed and their distances taken, rather than shifting a 146,097-bit mask per distance.
    return _cycle_distance(tables, masks)


def _cycle_distance(tables: _Tables, masks: dict[tuple[int, int], int]) -> int:
    days: list[int] = []
    offset = 0
    positions = {kind: bits(mask) for kind, mask in masks.items()}
    for kind in tables.cycle:
        days.extend(offset + d for d in positions[kind])
        offset += 365 + kind[0]
    days.append(days[0] + offset)  # the wrap-around pair counts: the cycle repeats
    return min(b - a for a, b in itertools.pairwise(days))


def _closest(mask: int, limit: int) -> int:
    """The smallest d >= 1 with two set bits d apart (limit if none is closer)."""
    for d in range(1, limit):
        if mask & (mask >> d):
            return d
    return limit


def _year_matches(tables: _Tables, kind: tuple[int, int], days: int, months: int,
                  weekdays: int, dom_star: bool, dow_star: bool) -> int:
    leap, _jan1 = kind
    month_mask = 0
    for m in bits(months):
        month_mask |= tables.month_spans[leap][m]
    dom_mask = 0
    for d in bits(days):
        dom_mask |= tables.dom_bits[leap][d]
    dow_mask = 0
    for w in bits(weekdays):
        dow_mask |= tables.dow_bits[kind][w]
    # robfig/cron v3 dayMatches: AND when either field is a star, OR when both are restricted.
    day_mask = dom_mask & dow_mask if dom_star or dow_star else dom_mask | dow_mask
    return day_mask & month_mask


class _Tables:
    """Day-of-year bitmasks for the 14 kinds of year, and the 400-year cycle of kinds (a plain
    class: defined on every start, built on first use, D55)."""

    __slots__ = ("cycle", "dom_bits", "dow_bits", "kinds", "month_spans", "pairs")

    def __init__(self, month_spans: list[list[int]], dom_bits: list[list[int]],
                 dow_bits: dict[tuple[int, int], list[int]], cycle: list[tuple[int, int]],
                 kinds: list[tuple[int, int]],
                 pairs: set[tuple[tuple[int, int], tuple[int, int]]]) -> None:
        self.month_spans, self.dom_bits, self.dow_bits = month_spans, dom_bits, dow_bits
        self.cycle, self.kinds, self.pairs = cycle, kinds, pairs


@cache
def _calendar_tables() -> _Tables:
    """Built on first use: most specs never need the calendar (see closest_runs)."""
    month_spans: list[list[int]] = []
    dom_bits: list[list[int]] = []
    for leap in (0, 1):
        year = 2000 if leap else 2001
        spans = [0] * 13
        doms = [0] * 32
        day = date(year, 1, 1)
        i = 0
        while day.year == year:
            spans[day.month] |= 1 << i
            doms[day.day] |= 1 << i
            day += timedelta(days=1)
            i += 1
        month_spans.append(spans)
        dom_bits.append(doms)
    dow_bits: dict[tuple[int, int], list[int]] = {}
    for leap in (0, 1):
        for jan1 in range(7):  # cron weekday of 1 January, 0 = Sunday
            masks = [0] * 7
            for i in range(365 + leap):
                masks[(jan1 + i) % 7] |= 1 << i
            dow_bits[(leap, jan1)] = masks
    cycle = []
    for year in range(2000, 2400):
        leap = int(year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        cycle.append((leap, (date(year, 1, 1).weekday() + 1) % 7))
    kinds = sorted(set(cycle))
    pairs = {(cycle[i], cycle[(i + 1) % 400]) for i in range(400)}
    return _Tables(month_spans, dom_bits, dow_bits, cycle, kinds, pairs)
