"""Cron text -> frozen :class:`CronExpr` (fields as bitsets), and the exact minimum gap."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

from .errors import CronSyntaxError, diagnostic


@dataclass(frozen=True, slots=True)
class CronExpr:
    """A parsed 5-field cron expression.

    Each field is a bitset: bit ``n`` is set when value ``n`` matches.  ``minutes`` uses bits
    0-59, ``hours`` 0-23, ``days`` 1-31, ``months`` 1-12 and ``weekdays`` 0-6 (0 is Sunday).

    ``fields`` keeps the five field texts as written (after splitting on white space), because
    the engines disagree on which day fields count as "restricted" (see runs.py):

    * robfig/cron v3: a field is unrestricted ("star") when any comma item is ``*`` or ``?``
      with no step or a step of 1 (``dom_star`` / ``dow_star`` below).
    * croniter: unrestricted only when the field expands to every value via ``*``.
    * cronsim (Debian): unrestricted when the field text starts with ``*``.
    """

    spec: str
    fields: tuple[str, str, str, str, str]
    minutes: int
    hours: int
    days: int
    months: int
    weekdays: int
    dom_star: bool
    dow_star: bool

    # -- derived facts (pure functions of the bitsets, cached by value) -------------------------

    @property
    def min_gap(self) -> timedelta:
        """The exact shortest wall-clock gap between two consecutive runs, over the calendar."""
        return timedelta(minutes=self.closest_runs.minutes)

    @property
    def closest_runs(self) -> Gap:
        """The two consecutive runs that are closest together (the first such pair of a day)."""
        return _min_gap(self.minutes, self.hours, self.day_key)

    @property
    def day_key(self) -> tuple[int, int, int, bool, bool]:
        return (self.days, self.months, self.weekdays, self.dom_star, self.dow_star)

    @property
    def never_runs(self) -> bool:
        """True when no date of any year matches (``0 0 30 2 *``)."""
        return _never_runs(*self.day_key)

    def __str__(self) -> str:
        return self.spec


@dataclass(frozen=True, slots=True)
class Gap:
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


# -- parsing ------------------------------------------------------------------------------------

_FIELD_NAMES = ("minute", "hour", "day of month", "month", "day of week")
_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_MONTHS = {n: i for i, n in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_WEEKDAYS = {n: i for i, n in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
_NAMES: tuple[dict[str, int], ...] = ({}, {}, {}, _MONTHS, _WEEKDAYS)

# The macros of Vixie cron and robfig/cron, and what to write instead.
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

_ITEM = re.compile(r"^(?:(\*)|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:/([0-9]+))?$")
_ASCII_WS = re.compile(r"[ \t\n\r\f\v]+")


@dataclass(frozen=True, slots=True)
class _Problem:
    code: str
    message: str
    hint: str = ""


def parse_cron(spec: str) -> CronExpr:
    """Parse a 5-field cron expression of the portable dialect.

    Raises :class:`CronSyntaxError` listing every problem (codes SL402-SL405, SL408), each a
    diagnostic with an empty path.  ``?`` is accepted (see :func:`cron_warnings`).
    """
    expr, problems = _compile(spec)
    if expr is not None and not problems and expr.never_runs:
        problems = (_never_problem(spec),)
    if problems:
        diags = [diagnostic(p.code, "", p.message, p.hint) for p in problems]
        raise CronSyntaxError.from_diagnostics(diags)
    assert expr is not None
    return expr


def _never_problem(spec: str) -> _Problem:
    return _Problem(
        "SL408",
        f"cron expression {spec!r} never runs: no month has the day of month it names",
        "use the manual strategy to disable automatic syncs, or correct the day or month",
    )


def cron_warnings(spec: str) -> list[tuple[str, str, str]]:
    """Portability warnings (code, message, hint) for a spec that parses: ``?`` (SL406)."""
    out: list[tuple[str, str, str]] = []
    parts = _ASCII_WS.split(spec.strip())
    if len(parts) != 5:
        return out
    for index in (2, 4):
        if "?" in parts[index]:
            out.append((
                "SL406",
                f"'?' in the {_FIELD_NAMES[index]} field of {spec!r} is not portable",
                "write '*' instead: Debian cron and others reject '?'",
            ))
    return out


@lru_cache(maxsize=2048)
def _compile(spec: str) -> tuple[CronExpr | None, tuple[_Problem, ...]]:
    """Parse without the never-runs check; every problem found is returned.

    A pure function of the text, so it is cached: configuration repeats the same few specs.
    """
    text = spec.strip()
    problem = _whole_spec_problem(spec, text)
    if problem is not None:
        return None, (problem,)
    parts = _ASCII_WS.split(text)
    if len(parts) != 5:
        return None, (_field_count_problem(spec, parts),)
    problems: list[_Problem] = []
    bits: list[int] = []
    stars: list[bool] = []
    for index, field in enumerate(parts):
        value, star = _parse_field(spec, index, field, problems)
        bits.append(value)
        stars.append(star)
    if problems:
        return None, tuple(problems)
    fields = (parts[0], parts[1], parts[2], parts[3], parts[4])
    return CronExpr(spec, fields, bits[0], bits[1], bits[2], bits[3], bits[4],
                    stars[2], stars[4]), ()


def _whole_spec_problem(spec: str, text: str) -> _Problem | None:
    if not text:
        return _Problem("SL403", "cron expression is empty", "write 5 fields, e.g. '0 * * * *'")
    upper = text.upper()
    for prefix in ("CRON_TZ=", "TZ="):
        if upper.startswith(prefix):
            zone = text[len(prefix):].split(None, 1)[0] if len(text) > len(prefix) else ""
            return _Problem(
                "SL404",
                f"cron expression {spec!r} starts with a {prefix} time zone prefix",
                f"remove the prefix and set \"timezone\": {zone!r} beside \"spec\"",
            )
    if text.startswith("@"):
        word = text.split(None, 1)[0]
        if word.lower() == "@every":
            rest = text[len(word):].strip()
            return _Problem(
                "SL404",
                f"cron expression {spec!r} uses the @every macro",
                f'use the periodic strategy: {{"strategy": "periodic", "config": '
                f'{{"interval": "{rest or "1h"}"}}}}',
            )
        if word.lower() == "@reboot":
            return _Problem("SL404", f"cron expression {spec!r} uses @reboot, which is not a "
                            "time", "use the manual strategy for syncs you trigger yourself")
        equivalent = _MACROS.get(word.lower())
        if equivalent is not None:
            return _Problem("SL404", f"cron expression {spec!r} uses the macro {word}",
                            f"write the 5-field equivalent {equivalent!r}")
        return _Problem("SL404", f"cron expression {spec!r} uses an unknown macro {word}",
                        "write 5 fields: minute hour day-of-month month day-of-week")
    lower = text.lower()
    if lower.startswith(("cron(", "rate(")):
        return _Problem(
            "SL404",
            f"cron expression {spec!r} is AWS EventBridge syntax",
            "write the 5 standard fields without cron(...) and without the year field; "
            "for rate(...) use the periodic strategy",
        )
    return None


def _field_count_problem(spec: str, parts: list[str]) -> _Problem:
    n = len(parts)
    if n in (6, 7):
        what = "a seconds field" if n == 6 else "seconds and year fields"
        return _Problem(
            "SL402",
            f"cron expression {spec!r} has {n} fields; Segment takes 5 (its smallest unit "
            "is the minute)",
            f"it looks like Quartz/Spring syntax with {what}: drop "
            + ("the first field" if n == 6 else "the first and last fields"),
        )
    return _Problem(
        "SL402",
        f"cron expression {spec!r} has {n} field{'s' if n != 1 else ''}; Segment takes 5",
        "write minute hour day-of-month month day-of-week, e.g. '0 9 * * 1-5'",
    )


def _parse_field(spec: str, index: int, field: str, problems: list[_Problem]) -> tuple[int, bool]:
    """One field -> (bitset, robfig 'star' flag).  Problems are appended, not raised."""
    name = _FIELD_NAMES[index]
    low_bound, high_bound = _BOUNDS[index]
    # The two commonest fields, without the general item grammar below.
    if field == "*":
        return _span(low_bound, high_bound, 1), True
    if field.isascii() and field.isdigit():
        number = int(field)
        if low_bound <= number <= high_bound:
            return 1 << number, False
    bits = 0
    star = False
    for item in field.split(","):
        problem = _feature_problem(spec, index, item)
        if problem is not None:
            problems.append(problem)
            continue
        if item == "?":
            if index in (2, 4):
                bits |= _span(low_bound, high_bound, 1)
                star = True
            else:
                problems.append(_Problem(
                    "SL403", f"'?' is not allowed in the {name} field of {spec!r}",
                    "'?' may stand only for day of month or day of week; write '*'"))
            continue
        match = _ITEM.match(item)
        if match is None:
            problems.append(_Problem(
                "SL403", f"{name} field of {spec!r}: {item!r} is not a number, range, step or "
                "list", _field_hint(index)))
            continue
        is_star, low_text, high_text, step_text = match.groups()
        step = 1
        if step_text is not None:
            step = int(step_text)
            if step < 1:
                problems.append(_Problem(
                    "SL403", f"{name} field of {spec!r}: step {item!r} must be at least 1",
                    "use a step of 1 or more, e.g. '*/15'"))
                continue
        if is_star:
            low, high = low_bound, high_bound
            # robfig/cron v3 getRange: '*' keeps its "star" bit unless the step is above 1.
            star = star or step == 1
        else:
            low = _value(spec, index, low_text, problems)
            if high_text is not None:
                high = _value(spec, index, high_text, problems)
            elif step_text is not None:
                high = high_bound  # "a/n" means "a-max/n" (robfig, croniter, Vixie cron)
            else:
                high = low
            if low < 0 or high < 0:
                continue
            if low > high:
                problems.append(_Problem(
                    "SL403", f"{name} field of {spec!r}: range {item!r} runs backwards",
                    f"write the smaller value first, or list the values: a range covers "
                    f"{low_bound}-{high_bound} without wrapping around"))
                continue
        bits |= _span(low, high, step)
    return bits, star


def _value(spec: str, index: int, text: str, problems: list[_Problem]) -> int:
    """A number or name within the field's bounds, or -1 after appending a problem."""
    name = _FIELD_NAMES[index]
    low_bound, high_bound = _BOUNDS[index]
    if text.isascii() and text.isdigit():
        number = int(text)
        if index == 4 and number == 7:
            problems.append(_Problem(
                "SL405", f"day of week 7 in {spec!r}: Segment numbers days 0 (Sunday) to 6",
                "use 0 or SUN for Sunday"))
            return -1
        if not low_bound <= number <= high_bound:
            problems.append(_Problem(
                "SL403", f"{name} field of {spec!r}: {number} is outside {low_bound}-"
                f"{high_bound}", _field_hint(index)))
            return -1
        return number
    named = _NAMES[index].get(text.upper())
    if named is not None:
        return named
    problems.append(_Problem(
        "SL403", f"{name} field of {spec!r}: {text!r} is not a {name} value",
        _field_hint(index)))
    return -1


def _field_hint(index: int) -> str:
    return (
        "minute 0-59",
        "hour 0-23",
        "day of month 1-31",
        "month 1-12 or JAN-DEC",
        "day of week 0-6 (0 is Sunday) or SUN-SAT",
    )[index] + "; items may be '*', 'a-b', '*/n', 'a-b/n', 'a/n' or comma lists"


def _feature_problem(spec: str, index: int, item: str) -> _Problem | None:
    """Extensions of one engine or another: name the feature and the portable way."""
    upper = item.upper()
    name = _FIELD_NAMES[index]
    if "#" in item:
        return _Problem("SL404", f"{name} field of {spec!r} uses '#' (nth weekday of the "
                        "month), a Quartz extension",
                        "list the days of month it can fall on with the weekday, or use a "
                        "specific_days schedule")
    if upper.startswith("H") and (len(upper) == 1 or upper[1] in "(/"):
        return _Problem("SL404", f"{name} field of {spec!r} uses Jenkins' 'H' (hash)",
                        "choose a fixed value: Segment does not spread jobs for you")
    if index in (2, 4) and "L" in upper:  # no day name contains an L
        return _Problem("SL404", f"{name} field of {spec!r} uses 'L' (last), a Quartz "
                        "extension", "list the days explicitly (e.g. 28-31 with care) or run "
                        "on day 1 instead")
    if index == 2 and upper.endswith("W") and upper[:-1].isdigit():
        return _Problem("SL404", f"{name} field of {spec!r} uses 'W' (nearest weekday), a "
                        "Quartz extension", "use a fixed day of month, or days of week 1-5")
    return None


def _span(low: int, high: int, step: int) -> int:
    if step == 1:
        return (1 << (high + 1)) - (1 << low)
    bits = 0
    for value in range(low, high + 1, step):
        bits |= 1 << value
    return bits


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
def _min_gap(minutes: int, hours: int, day_key: tuple[int, int, int, bool, bool]) -> Gap:
    times = [h * 60 + m for h in _bits(hours) for m in _bits(minutes)]
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


def _bits(mask: int) -> list[int]:
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


def _never_runs(days: int, months: int, weekdays: int, dom_star: bool, dow_star: bool) -> bool:
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
        wk = _bits(weekdays)
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
    # Some year has no match (29 February): walk the whole 400-year cycle.
    cycle = 0
    offset = 0
    for kind in tables.cycle:
        cycle |= masks[kind] << offset
        offset += 365 + kind[0]
    cycle |= cycle << offset  # two cycles, so the wrap-around pair counts
    return _closest(cycle, offset)


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
    for m in _bits(months):
        month_mask |= tables.month_spans[leap][m]
    dom_mask = 0
    for d in _bits(days):
        dom_mask |= tables.dom_bits[leap][d]
    dow_mask = 0
    for w in _bits(weekdays):
        dow_mask |= tables.dow_bits[kind][w]
    # robfig/cron v3 dayMatches: AND when either field is a star, OR when both are restricted.
    day_mask = dom_mask & dow_mask if dom_star or dow_star else dom_mask | dow_mask
    return day_mask & month_mask


@dataclass(frozen=True, slots=True)
class _Tables:
    """Day-of-year bitmasks for the 14 kinds of year, and the 400-year cycle of kinds."""

    month_spans: list[list[int]]
    dom_bits: list[list[int]]
    dow_bits: dict[tuple[int, int], list[int]]
    cycle: list[tuple[int, int]]
    kinds: list[tuple[int, int]]
    pairs: set[tuple[tuple[int, int], tuple[int, int]]]


@cache
def _calendar_tables() -> _Tables:
    """Built on first use: most specs never need the calendar (see _min_gap)."""
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
