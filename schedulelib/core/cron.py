"""Cron text in robfig/cron v3's syntax -> frozen :class:`CronExpr` (fields as bitsets).

The calendar arithmetic on the bitsets (the exact minimum gap, never-runs) is core/floor.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache, lru_cache

from schedulelib._support.records import Frozen, frozen_value
from schedulelib.core import floor
from schedulelib.core.diagnostics import CronSyntaxError, diagnostic, quote
from schedulelib.core.floor import Gap


@frozen_value(slots=True)
class CronExpr(Frozen):
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

    def __init__(self, spec: str, fields: tuple[str, str, str, str, str], minutes: int,
                 hours: int, days: int, months: int, weekdays: int, dom_star: bool,
                 dow_star: bool) -> None:
        put = object.__setattr__
        put(self, "spec", spec)
        put(self, "fields", fields)
        put(self, "minutes", minutes)
        put(self, "hours", hours)
        put(self, "days", days)
        put(self, "months", months)
        put(self, "weekdays", weekdays)
        put(self, "dom_star", dom_star)
        put(self, "dow_star", dow_star)

    # -- derived facts (pure functions of the bitsets, cached by value) -------------------------

    @property
    def min_gap(self) -> timedelta:
        """The exact shortest wall-clock gap between two consecutive runs, over the calendar."""
        return timedelta(minutes=self.closest_runs.minutes)

    @property
    def closest_runs(self) -> Gap:
        """The two consecutive runs that are closest together (the first such pair of a day)."""
        return floor.closest_runs(self.minutes, self.hours, self.day_key)

    @property
    def day_key(self) -> tuple[int, int, int, bool, bool]:
        return (self.days, self.months, self.weekdays, self.dom_star, self.dow_star)

    @property
    def never_runs(self) -> bool:
        """True when no date of any year matches (``0 0 30 2 *``)."""
        return floor.never_runs(*self.day_key)

    def __str__(self) -> str:
        return self.spec


# -- parsing ------------------------------------------------------------------------------------

_FIELD_NAMES = ("minute", "hour", "day of month", "month", "day of week")
_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_MONTHS = {n: i for i, n in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_WEEKDAYS = {n: i for i, n in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
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

# Go's unicode.IsSpace, which robfig's strings.Fields splits on (docs/decisions.md, D16).  Not
# Python's str.split()/strip(): those also take U+001C-U+001F, which Go keeps as characters.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007" \
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_PYTHON_ONLY_SPACE = "\x1c\x1d\x1e\x1f"

# strings.ToLower maps only these non-ASCII letters to ASCII ones (Go's simple case mapping);
# the Go vectors record the full list.  "FRİ" is Friday to robfig (D22).
_GO_LOWER_TO_ASCII = {"\u0130": "i", "\u212a": "k"}

_INT64_MAX = (1 << 63) - 1
#: Problems listed per cron expression; the last one says how many more there were.
MAX_PROBLEMS = 10
_ROBFIG = "Segment's parser (robfig/cron v3)"


def go_fields(text: str) -> list[str]:
    """Go's ``strings.Fields``: split on runs of Go white space, no empty parts."""
    # str.split() splits on Go's set plus U+001C-U+001F (the Go vectors prove the sets): it
    # is exact, and fast, unless one of those four is present.
    if not (text.isascii() and text.isprintable()) and any(
            char in text for char in _PYTHON_ONLY_SPACE):
        return [part for part in _go_space_run().split(text) if part]
    return text.split()


@cache
def _go_space_run() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(GO_SPACE)}]+")


def go_trim(text: str) -> str:
    """Go's ``strings.TrimSpace``."""
    return text.strip(GO_SPACE)


class _Problem:
    # A plain class: this private record is defined on every start, where a NamedTuple
    # costs ten times as much to define and a dataclass a hundred (docs/decisions.md D55).
    __slots__ = ("code", "hint", "message")

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        self.code, self.message, self.hint = code, message, hint


class _Problems:
    """The problems of one expression: the first MAX_PROBLEMS kept, the rest counted."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.kept: list[_Problem] = []
        self.dropped = 0
        self._shown = ""

    @property
    def shown(self) -> str:
        if not self._shown:  # made on the first problem only: a valid spec never pays
            self._shown = quote(self.spec)
        return self._shown

    def at(self, index: int) -> str:
        """Where a problem is, for a message: ``minute field of '...'``."""
        if len(self.kept) >= MAX_PROBLEMS:
            return ""  # the message will only be counted
        return f"{_FIELD_NAMES[index]} field of {self.shown}"

    def add(self, code: str, message: str, hint: str) -> None:
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(_Problem(code, message, hint))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.kept)

    def result(self) -> tuple[_Problem, ...]:
        if not self.dropped:
            return tuple(self.kept)
        last = self.kept[-1]
        more = (f"{last.message} (and {self.dropped:,} more problem"
                f"{'s' if self.dropped != 1 else ''} in this expression, not listed)")
        return (*self.kept[:-1], _Problem(last.code, more, last.hint))


def parse_cron(spec: str) -> CronExpr:
    """Parse a 5-field cron expression of the portable dialect.

    Raises :class:`CronSyntaxError` listing the problems (codes SL402-SL405, SL408, SL410; at
    most :data:`MAX_PROBLEMS`), each a diagnostic with an empty path.  ``?`` is accepted in
    the day fields (see :func:`cron_warnings`).
    """
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a str, got {type(spec).__name__} {spec!r:.60}")
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
        f"cron expression {quote(spec)} never runs: no month has the day of month it names",
        "use the manual strategy to disable automatic syncs, or correct the day or month",
    )


def cron_warnings(spec: str) -> list[tuple[str, str, str]]:
    """Portability warnings (code, message, hint) for a spec that parses: ``?`` (SL406)."""
    out: list[tuple[str, str, str]] = []
    parts = go_fields(spec)
    if len(parts) != 5:
        return out
    for index in (2, 4):
        if "?" in parts[index]:
            out.append((
                "SL406",
                f"'?' in the {_FIELD_NAMES[index]} field of {quote(spec)} is not portable",
                "write '*' instead: Debian cron and others reject '?'",
            ))
    return out


# Only short texts are cached, so the cache's size in bytes is bounded: at most _CACHED entries
# of a key under CACHE_TEXT characters and a value of at most MAX_PROBLEMS short messages
# (a few MB in all).  Real configurations repeat a few short specs; a long one is parsed anew.
_CACHED = 2048
CACHE_TEXT = 200


def _compile(spec: str) -> tuple[CronExpr | None, tuple[_Problem, ...]]:
    """Parse without the never-runs check; the problems found (capped) are returned."""
    if len(spec) <= CACHE_TEXT:
        return _compile_cached(spec)
    return _compile_text(spec)


@lru_cache(maxsize=_CACHED)
def _compile_cached(spec: str) -> tuple[CronExpr | None, tuple[_Problem, ...]]:
    return _compile_text(spec)


def _compile_text(spec: str) -> tuple[CronExpr | None, tuple[_Problem, ...]]:
    text = go_trim(spec)
    problem = _whole_spec_problem(spec, text)
    if problem is not None:
        return None, (problem,)
    parts = go_fields(text)
    if len(parts) != 5:
        return None, (_field_count_problem(spec, parts),)
    problems = _Problems(spec)
    bits: list[int] = []
    stars: list[bool] = []
    for index, field in enumerate(parts):
        value, star = _parse_field(index, field, problems)
        bits.append(value)
        stars.append(star)
    if problems:
        return None, problems.result()
    fields = (parts[0], parts[1], parts[2], parts[3], parts[4])
    return CronExpr(spec, fields, bits[0], bits[1], bits[2], bits[3], bits[4],
                    stars[2], stars[4]), ()


def _whole_spec_problem(spec: str, text: str) -> _Problem | None:
    if text and text[0] not in "@CcTtRr":  # the common case: nothing below can apply
        return None
    shown = quote(spec)
    if not text:
        return _Problem("SL403", "cron expression is empty" + (
            f" (only white space: {shown})" if spec else ""), "write 5 fields, e.g. '0 * * * *'")
    upper = text[:8].upper()
    for prefix in ("CRON_TZ=", "TZ="):
        if upper.startswith(prefix):
            words = go_fields(text[len(prefix):])
            zone = words[0] if words else ""
            return _Problem(
                "SL404",
                f"cron expression {shown} starts with a {prefix} time zone prefix",
                f"remove the prefix and set \"timezone\": {quote(zone)} beside \"spec\"",
            )
    if text.startswith("@"):
        words = go_fields(text)
        word = words[0]
        shown_word = quote(word, 20)
        if word.lower() == "@every":
            rest = " ".join(words[1:2])
            plain = 0 < len(rest) <= 30 and rest.isascii() and rest.isprintable() and \
                '"' not in rest and "\\" not in rest
            interval = f'"{rest if plain else "1h"}"'
            return _Problem(
                "SL404",
                f"cron expression {shown} uses the @every macro",
                f'use the periodic strategy: {{"strategy": "periodic", "config": '
                f'{{"interval": {interval}}}}}',
            )
        if word.lower() == "@reboot":
            return _Problem("SL404", f"cron expression {shown} uses @reboot, which is not a "
                            "time", "use the manual strategy for syncs you trigger yourself")
        equivalent = _MACROS.get(word.lower())
        if equivalent is not None:
            # robfig reads a descriptor only when it is the whole spec, exactly (D3).
            read = (f"; {_ROBFIG} reads it as {equivalent!r}"
                    if spec == word.lower() else "")
            return _Problem("SL404", f"cron expression {shown} uses the macro {word}{read}",
                            f"write the 5-field equivalent {equivalent!r}")
        return _Problem("SL404", f"cron expression {shown} uses an unknown macro {shown_word}",
                        "write 5 fields: minute hour day-of-month month day-of-week")
    lower = text[:5].lower()
    if lower.startswith(("cron(", "rate(")):
        return _Problem(
            "SL404",
            f"cron expression {shown} is AWS EventBridge syntax",
            "write the 5 standard fields without cron(...) and without the year field; "
            "for rate(...) use the periodic strategy",
        )
    return None


def _field_count_problem(spec: str, parts: list[str]) -> _Problem:
    n = len(parts)
    shown = quote(spec)
    if n in (6, 7):
        what = "a seconds field" if n == 6 else "seconds and year fields"
        return _Problem(
            "SL402",
            f"cron expression {shown} has {n} fields; Segment takes 5 (its smallest unit "
            "is the minute)",
            f"it looks like Quartz/Spring syntax with {what}: drop "
            + ("the first field" if n == 6 else "the first and last fields"),
        )
    return _Problem(
        "SL402",
        f"cron expression {shown} has {n:,} field{'s' if n != 1 else ''}; Segment takes 5",
        "write minute hour day-of-month month day-of-week, e.g. '0 9 * * 1-5'",
    )


def _parse_field(index: int, field: str, problems: _Problems) -> tuple[int, bool]:
    """One field -> (bitset, robfig 'star' flag).  Problems are added, not raised."""
    low_bound, high_bound = _BOUNDS[index]
    # The two commonest fields, without the general item grammar below.
    if field == "*":
        return _span(low_bound, high_bound, 1), True
    if len(field) <= 2 and field.isascii() and field.isdigit():
        number = int(field)
        if low_bound <= number <= high_bound:
            return 1 << number, False
    bits = 0
    star = False
    items = field.split(",")
    empty = items.count("")
    if empty:
        _empty_items(index, field, empty, len(items), problems)
    for item in items:
        if len(item) <= 2 and item.isascii() and item.isdigit() and \
                low_bound <= int(item) <= high_bound:
            bits |= 1 << int(item)  # a plain number: the commonest item of a list
        elif item:
            value, item_star = _parse_item(index, item, problems)
            bits |= value
            star = star or item_star
    return bits, star


def _q(item: str) -> str:
    return quote(item, 30)


def _empty_items(index: int, field: str, empty: int, total: int, problems: _Problems) -> None:
    # robfig splits the field with strings.FieldsFunc, which drops empty items (D20).
    if empty == total:
        did = "reads the field as matching nothing, so the schedule would never run"
    else:
        did = "skips them"
    problems.add("SL410", f"{problems.at(index)}: {quote(field, 30)} has {empty:,} empty "
                 f"list item{'s' if empty != 1 else ''}; {_ROBFIG} {did}",
                 "remove the extra commas: other crons reject an empty item")


def _parse_item(index: int, item: str, problems: _Problems) -> tuple[int, bool]:
    """One comma item -> (bits, star); (0, False) after adding a problem."""
    low_bound, high_bound = _BOUNDS[index]
    feature = _feature_problem(index, item, problems)
    if feature is not None:
        problems.add(feature.code, feature.message, feature.hint)
        return 0, False
    range_text, slash, step_text = item.partition("/")
    if "/" in step_text:
        problems.add("SL403", f"{problems.at(index)}: {_q(item)} has more than one '/'",
                     _field_hint(index))
        return 0, False
    step = 1
    if slash:
        step = _number(index, step_text, item, "step", problems)
        if step < 0:
            return 0, False
        if step == 0:
            problems.add("SL403", f"{problems.at(index)}: step {_q(item)} must be at least 1",
                         "use a step of 1 or more, e.g. '*/15'")
            return 0, False
    low_text, dash, high_text = range_text.partition("-")
    if low_text in ("*", "?"):
        odd = _star_problem(index, item, low_text, dash, step_text if slash else None,
                            problems)
        if odd is not None:
            problems.add("SL410", *odd)
            return 0, False
        # robfig/cron v3 getRange: '*' keeps its "star" bit unless the step is above 1.
        return _span(low_bound, high_bound, step), step == 1
    if "-" in high_text:
        problems.add("SL403", f"{problems.at(index)}: {_q(item)} has more than one '-'",
                     _field_hint(index))
        return 0, False
    low = _number(index, low_text, item, "value", problems)
    if dash:
        high = _number(index, high_text, item, "value", problems)
    elif slash:
        high = high_bound if low >= 0 else -1  # "a/n" means "a-max/n" (robfig, croniter, Vixie)
    else:
        high = low
    if low < 0 or high < 0:
        return 0, False
    for number in (low, high):
        if not low_bound <= number <= high_bound:
            if index == 4 and number == 7:
                problems.add("SL405", f"day of week 7 in {problems.shown}: Segment numbers "
                             "days 0 (Sunday) to 6", "use 0 or SUN for Sunday")
            else:
                problems.add("SL403", f"{problems.at(index)}: {number} is outside "
                             f"{low_bound}-{high_bound}",
                             _field_hint(index))
            return 0, False
    if low > high:
        problems.add("SL403", f"{problems.at(index)}: range {_q(item)} runs backwards",
                     f"write the smaller value first, or list the values: a range covers "
                     f"{low_bound}-{high_bound} without wrapping around")
        return 0, False
    return _span(low, high, step), False


def _star_problem(index: int, item: str, first: str, dash: str, step_text: str | None,
                  problems: _Problems) -> tuple[str, str] | None:
    """The forms robfig reads as '*' that the portable dialect refuses (D19, D21)."""
    step = f"/{step_text}" if step_text is not None else ""
    if dash:
        # getRange tests only the part before '-' for '*' or '?' and ignores the rest.
        return (f"{problems.at(index)}: {_q(item)} is not a range; {_ROBFIG} ignores what follows "
                f"{first + '-'!r} and reads it as {'*' + step!r}",
                "write '*' for every value, or a range of numbers such as '0-5'")
    if first == "?" and (index not in (2, 4) or step_text is not None):
        return (f"{problems.at(index)}: {_q(item)} uses '?'" + (
                    " outside the day fields" if index not in (2, 4) else " with a step")
                + f"; {_ROBFIG} reads it as {'*' + step!r}",
                f"write {'*' + step!r}: other crons allow '?' only alone in a day field, "
                "if at all")
    return None


def _number(index: int, text: str, item: str, what: str, problems: _Problems) -> int:
    """A number or name of the field as Go reads it, or -1 after adding a problem.

    Never converts more digits than an int64 has (Python refuses str -> int past 4,300
    digits, and robfig refuses past int64 anyway: D17).
    """
    digits = text
    if text[:1] == "+" and text[1:2].isascii() and text[1:2].isdigit():
        digits = text[1:]
        if digits.isascii() and digits.isdigit():
            # strconv.Atoi takes a sign; '-' never reaches it, robfig splits on it (D18).
            problems.add("SL410", f"{problems.at(index)}: {_q(item)} has a plus sign; "
                         f"{_ROBFIG} reads "
                         f"{_q(text)} as {quote(digits.lstrip('0') or '0', 30)}",
                         "remove the '+': other crons reject a sign")
            return -1
    if digits.isascii() and digits.isdigit():
        significant = digits.lstrip("0")
        if len(significant) > 19 or int(significant or "0") > _INT64_MAX:
            problems.add("SL403", f"{problems.at(index)}: {what} {_q(text)} is out of range "
                         f"({_ROBFIG} refuses numbers past {_INT64_MAX})", _field_hint(index))
            return -1
        return int(significant or "0")
    if what == "value":
        names = _NAMES[index]
        folded = _go_lower(text)
        named = names.get(folded) if folded is not None else None
        if folded is not None and named is not None:
            if text.isascii():
                return named
            problems.add("SL410", f"{problems.at(index)}: {_q(text)} is not ASCII; {_ROBFIG} "
                         f"lower-cases it to {folded!r} and reads it as {folded.upper()}",
                         f"write {folded.upper()!r}: other crons accept only ASCII names")
            return -1
        if names and text.isalpha():
            problems.add("SL403", f"{problems.at(index)}: {_q(text)} is not a "
                         f"{_FIELD_NAMES[index]} "
                         "value", _field_hint(index))
            return -1
    problems.add("SL403", f"{problems.at(index)}: {_q(item)} is not a number, range, step or list",
                 _field_hint(index))
    return -1


def _go_lower(text: str) -> str | None:
    """strings.ToLower(text) when the result is ASCII (a name can only be ASCII), else None."""
    if text.isascii():
        return text.lower()
    out = []
    for char in text:
        if char.isascii():
            out.append(char.lower())
        elif char in _GO_LOWER_TO_ASCII:
            out.append(_GO_LOWER_TO_ASCII[char])
        else:
            return None
    return "".join(out)


def _field_hint(index: int) -> str:
    return (
        "minute 0-59",
        "hour 0-23",
        "day of month 1-31",
        "month 1-12 or JAN-DEC",
        "day of week 0-6 (0 is Sunday) or SUN-SAT",
    )[index] + "; items may be '*', 'a-b', '*/n', 'a-b/n', 'a/n' or comma lists"


def _feature_problem(index: int, item: str, problems: _Problems) -> _Problem | None:
    """Extensions of one engine or another: name the feature and the portable way."""
    if item.isdigit():  # the common cases, at no cost
        return None
    upper = item[:3].upper()
    if "#" in item:
        what = ("uses '#' (nth weekday of the month), a Quartz extension",
                "list the days of month it can fall on with the weekday, or use a "
                "specific_days schedule")
    elif upper.startswith("H") and (len(upper) == 1 or upper[1] in "(/"):
        what = ("uses Jenkins' 'H' (hash)",
                "choose a fixed value: Segment does not spread jobs for you")
    elif index in (2, 4) and ("L" in item or "l" in item):  # no day name contains an L
        what = ("uses 'L' (last), a Quartz extension",
                "list the days explicitly (e.g. 28-31 with care) or run on day 1 instead")
    elif index == 2 and item[-1:] in "wW" and item[:-1].isascii() and item[:-1].isdigit():
        what = ("uses 'W' (nearest weekday), a Quartz extension",
                "use a fixed day of month, or days of week 1-5")
    else:
        return None
    return _Problem("SL404", f"{problems.at(index)} {what[0]}", what[1])


def _span(low: int, high: int, step: int) -> int:
    if step == 1:
        return (1 << (high + 1)) - (1 << low)
    bits = 0
    for value in range(low, high + 1, step):
        bits |= 1 << value
    return bits
