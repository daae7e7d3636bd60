"""Cron text -> CronExpr, and the exact minimum gap between consecutive runs."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from schedulelib import CronSyntaxError, parse_cron
from schedulelib.core.cron import cron_warnings
from schedulelib.core.diagnostics import quote
from schedulelib.core.floor import bits as _bits

# -- parsing -----------------------------------------------------------------------------------

VALID = [
    ("*/15 * * * *", "every 15 minutes"),
    ("15 */3 1 * *", "the docs' own example"),
    ("0 9 * * MON-fri", "day names, any case"),
    ("0 0 1 jan,Jul *", "month names"),
    ("0 12 * * 0", "Sunday is 0"),
    ("5/20 * * * *", "a/n means a-max/n"),
    ("0 8-18/2 * * 1-5", "a stepped range"),
    ("0 9 ? * 1", "? in day of month"),
    ("  15 12 * * *  ", "surrounding white space"),
    ("0\t9 * * *", "a tab between fields"),
    ("0 0 31 * *", "only months with 31 days"),
    ("0 0 29 2 *", "only leap years"),
]


@pytest.mark.parametrize(("spec", "why"), VALID, ids=[v[1] for v in VALID])
def test_valid_specs_parse(spec: str, why: str) -> None:
    """Specs of the portable dialect parse and keep their text."""
    assert parse_cron(spec).spec == spec


def test_fields_become_bitsets() -> None:
    """Each field is a bitset of the values it matches."""
    expr = parse_cron("5/20 8-18/5 1,15 FEB-apr 1-5")
    assert _bits(expr.minutes) == [5, 25, 45]
    assert _bits(expr.hours) == [8, 13, 18]
    assert _bits(expr.days) == [1, 15]
    assert _bits(expr.months) == [2, 3, 4]
    assert _bits(expr.weekdays) == [1, 2, 3, 4, 5]


STARS = [
    ("0 0 * * 1", True, False),
    ("0 0 ? * 1", True, False),
    ("0 0 */1 * 1", True, False),  # robfig keeps the star bit for a step of 1
    ("0 0 */2 * 1", False, False),  # ... and drops it for a larger step
    ("0 0 1,* * 1", True, False),  # any star item makes the field a star
    ("0 0 1 * *", False, True),
    ("0 0 1-31 * 0-6", False, False),  # every value, but not written as a star
]


@pytest.mark.parametrize(("spec", "dom_star", "dow_star"), STARS, ids=[s[0] for s in STARS])
def test_star_flags_follow_robfig(spec: str, dom_star: bool, dow_star: bool) -> None:
    """Which day fields count as unrestricted, in robfig/cron v3's sense."""
    expr = parse_cron(spec)
    assert (expr.dom_star, expr.dow_star) == (dom_star, dow_star)


INVALID = [
    ("0 9 * * 7", "SL405", "day of week 7"),
    ("0 9 * * 1-7", "SL405", "7 at the end of a range"),
    ("0 */15 * * * *", "SL402", "6 fields: seconds"),
    ("0 0 12 * * ? 2025", "SL402", "7 fields: seconds and years"),
    ("* * * *", "SL402", "4 fields"),
    ("", "SL403", "empty"),
    ("@hourly", "SL404", "a macro"),
    ("@every 1h30m", "SL404", "@every"),
    ("@reboot", "SL404", "@reboot"),
    ("CRON_TZ=Europe/Berlin 0 9 * * *", "SL404", "a CRON_TZ prefix"),
    ("TZ=UTC 0 9 * * *", "SL404", "a TZ prefix"),
    ("0 0 L * *", "SL404", "L"),
    ("0 0 15W * *", "SL404", "W"),
    ("0 0 * * 5L", "SL404", "5L"),
    ("0 0 * * 1#2", "SL404", "#"),
    ("H 3 * * *", "SL404", "Jenkins H"),
    ("H(0-29)/10 * * * *", "SL404", "Jenkins H range"),
    ("cron(0 16 * * ? *)", "SL404", "AWS cron()"),
    ("rate(5 minutes)", "SL404", "AWS rate()"),
    ("60 * * * *", "SL403", "minute 60"),
    ("0 24 * * *", "SL403", "hour 24"),
    ("0 0 0 * *", "SL403", "day 0"),
    ("0 0 * 13 *", "SL403", "month 13"),
    ("0 0 * * MON-SUN", "SL403", "a backwards range"),
    ("*/0 * * * *", "SL403", "step 0"),
    ("*/* 24 * * *", "SL403", "*/*"),
    ("0 9 * JAN-X *", "SL403", "an unknown name"),
    ("0 9 * * JAN", "SL403", "a month name for a weekday"),
    ("? 9 * * *", "SL410", "? in the minute field"),
    ("1,,2 * * * *", "SL410", "an empty list item"),
    ("0 9 * * +5", "SL410", "a plus sign"),
    ("*-5 * * * *", "SL410", "*-5, which robfig reads as *"),
    ("0 9 ?/2 * *", "SL410", "?/2"),
    ("0 9 * * FRİ", "SL410", "a name Go lower-cases to ASCII"),
    ("*/9223372036854775808 * * * *", "SL403", "a step past int64"),
    ("0 9 * * 1-" + "9" * 5000, "SL403", "a range end past Python's digit limit"),
    ("\x1f0 9 * * *", "SL403", "U+001F is no white space to Go"),
    ("0 9 * * *\u200b", "SL403", "a zero-width space is no white space to Go"),
    ("0 0 30 2 *", "SL408", "never runs"),
    ("0 0 31 4,6,9,11 *", "SL408", "never runs in 30-day months"),
    ("０ 9 * * *", "SL403", "a full-width digit"),  # noqa: RUF001
]


@pytest.mark.parametrize(("spec", "code", "why"), INVALID, ids=[i[2] for i in INVALID])
def test_invalid_specs_name_the_problem(spec: str, code: str, why: str) -> None:
    """Each unsupported form gets its own code, a message quoting the spec and a hint."""
    with pytest.raises(CronSyntaxError) as info:
        parse_cron(spec)
    codes = [d.code for d in info.value.diagnostics]
    assert code in codes
    for found in info.value.diagnostics:
        assert quote(spec) in found.message or not spec
        assert found.hint


def test_every_field_problem_is_reported() -> None:
    """Problems in several fields are all reported, not only the first."""
    with pytest.raises(CronSyntaxError) as info:
        parse_cron("60 24 0 13 7")
    assert [d.code for d in info.value.diagnostics] == ["SL403"] * 4 + ["SL405"]


def test_question_mark_is_a_portability_warning() -> None:
    """`?` in a day field parses and earns warning SL406."""
    assert [w[0] for w in cron_warnings("0 9 ? * 1")] == ["SL406"]
    assert cron_warnings("0 9 * * 1") == []


# -- the exact minimum gap ---------------------------------------------------------------------

GAPS = [
    ("*/15 * * * *", 15, "runs at 00:00 and 00:15 are 15 minutes apart"),
    ("*/10 * * * *", 10, "runs at 00:00 and 00:10 are 10 minutes apart"),
    ("0,50 * * * *", 10, "runs at 00:50 and 01:00 are 10 minutes apart"),
    ("50 23 * * *", 1440, "runs at 23:50 and 23:50 the next day are 1 day apart"),
    ("0,55 0,23 * * *", 5, "runs at 23:55 and 00:00 the next day are 5 minutes apart"),
    ("0 0 1 * *", 28 * 1440, "runs at 00:00 and 00:00 28 days later are 28 days apart"),
    ("0 0 31 * *", 31 * 1440, "runs at 00:00 and 00:00 31 days later are 31 days apart"),
    ("0 0 29 2 *", 1461 * 1440, "runs at 00:00 and 00:00 1461 days later are 1461 days apart"),
    ("0 9 * * 1-5", 1440, "runs at 09:00 and 09:00 the next day are 1 day apart"),
    ("0 9 * * 1,4", 3 * 1440, "runs at 09:00 and 09:00 3 days later are 3 days apart"),
    ("0 0 13 * 5", 1440, "runs at 00:00 and 00:00 the next day are 1 day apart"),
    ("59 23 31 12 *", 365 * 1440, "runs at 23:59 and 23:59 365 days later are 365 days apart"),
    ("10,20 0 1 1 *", 10, "runs at 00:10 and 00:20 are 10 minutes apart"),
]


@pytest.mark.parametrize(("spec", "minutes", "text"), GAPS, ids=[g[0] for g in GAPS])
def test_min_gap(spec: str, minutes: int, text: str) -> None:
    """The shortest gap, and the two runs that make it."""
    expr = parse_cron(spec)
    assert expr.min_gap == timedelta(minutes=minutes)
    assert expr.closest_runs.describe() == text


# A valid spec, built from the dialect's parts; the day fields lean toward restrictions so that
# month lengths, leap years and the day-of-month / day-of-week OR rule are exercised.
def _item(low: int, high: int) -> st.SearchStrategy[str]:
    value = st.integers(low, high)
    return st.one_of(
        value.map(str),
        st.tuples(value, value).map(lambda t: f"{min(t)}-{max(t)}"),
        st.integers(1, high - low + 1).map(lambda n: f"*/{n}"),
        st.tuples(value, value, st.integers(1, 12)).map(
            lambda t: f"{min(t[:2])}-{max(t[:2])}/{t[2]}"),
        st.tuples(value, st.integers(1, 30)).map(lambda t: f"{t[0]}/{t[1]}"),
    )


def _field(low: int, high: int, star_weight: int) -> st.SearchStrategy[str]:
    listed = st.lists(_item(low, high), min_size=1, max_size=3).map(",".join)
    return st.one_of(*([st.just("*")] * star_weight), listed)


SPECS = st.tuples(
    _field(0, 59, 1), _field(0, 23, 1), _field(1, 31, 1), _field(1, 12, 2), _field(0, 6, 1),
).map(" ".join)


def _brute_force_gap(spec: str, start: date, years: int) -> int:
    """Expand every run from ``start`` for ``years`` years and take the smallest gap."""
    expr = parse_cron(spec)
    times = [h * 60 + m for h in _bits(expr.hours) for m in _bits(expr.minutes)]
    runs_per_day = len(times)
    best = None
    previous = None
    day = start
    end = date(start.year + years, start.month, start.day)
    while day < end:
        if _day_matches(expr, day):
            base = (day - start).days * 1440
            if previous is not None:
                gap = base + times[0] - previous
                best = gap if best is None else min(best, gap)
            if runs_per_day > 1:
                inside = min(b - a for a, b in itertools.pairwise(times))
                best = inside if best is None else min(best, inside)
            previous = base + times[-1]
        day += timedelta(days=1)
    assert best is not None, f"{spec} never ran in {years} years"
    return best


def _day_matches(expr: object, day: date) -> bool:
    """robfig/cron v3's dayMatches, written out plainly."""
    from schedulelib.core.cron import CronExpr

    assert isinstance(expr, CronExpr)
    if not expr.months >> day.month & 1:
        return False
    dom = bool(expr.days >> day.day & 1)
    dow = bool(expr.weekdays >> ((day.weekday() + 1) % 7) & 1)
    return (dom and dow) if expr.dom_star or expr.dow_star else (dom or dow)


@given(SPECS)
@example("0 0 29 2 *")
@example("0 0 31 * *")
@example("0,55 0,23 * * *")
@example("0 0 30 1,3 *")
@example("59 23 28-31 2 *")
@example("0 0 1 * */3")
def test_min_gap_equals_brute_force_over_eight_years(spec: str) -> None:
    """The exact gap equals what expanding every run of 2001-2008 gives."""
    try:
        expr = parse_cron(spec)
    except CronSyntaxError:
        assume(False)
        raise
    assert expr.min_gap == timedelta(minutes=_brute_force_gap(spec, date(2001, 1, 1), 8))


@given(SPECS)
@example("0,55 0,23 * * *")
@example("0 0 1 * *")
def test_closest_pair_is_two_consecutive_croniter_and_cronsim_runs(spec: str) -> None:
    """Both peers, started just before the closest pair, produce exactly those two runs."""
    from croniter import croniter
    from cronsim import CronSim

    try:
        expr = parse_cron(spec)
    except CronSyntaxError:
        assume(False)
        raise
    # The peers OR the day fields under other conditions than robfig; compare where all agree.
    assume(expr.dom_star or expr.dow_star or not (
        expr.fields[2].startswith("*") or expr.fields[4].startswith("*")))
    # croniter 7 reads a one-value range "5-5" as "*" (robfig and cronsim read it as 5).
    assume(not re.search(r"(?<![0-9])([0-9]+)-\1(?![0-9])", spec))
    gap = expr.closest_runs
    day = _first_day_with_gap(expr, gap)
    first = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=gap.first)
    second = first + timedelta(minutes=gap.minutes)
    before = first - timedelta(minutes=1)
    it = croniter(spec, before)
    assert [it.get_next(datetime), it.get_next(datetime)] == [first, second]
    sim = CronSim(spec.replace("?", "*"), before)
    assert [next(sim), next(sim)] == [first, second]


def _first_day_with_gap(expr: object, gap: object) -> date:
    from schedulelib.core.cron import CronExpr
    from schedulelib.core.floor import Gap

    assert isinstance(expr, CronExpr) and isinstance(gap, Gap)
    day = date(2001, 1, 1)
    while True:
        if _day_matches(expr, day) and (
            gap.days == 0 or (_day_matches(expr, day + timedelta(days=gap.days))
                              and not any(_day_matches(expr, day + timedelta(days=k))
                                          for k in range(1, gap.days)))):
            return day
        day += timedelta(days=1)


@given(st.text(max_size=40))
@example("0 0 * * 1#2")
@example("*/-1 * * * *")
def test_arbitrary_text_parses_or_raises_cron_syntax_error(text: str) -> None:
    """No input crashes the parser: a CronExpr or a CronSyntaxError with diagnostics."""
    try:
        parse_cron(text)
    except CronSyntaxError as exc:
        assert exc.diagnostics and all(d.code.startswith("SL4") for d in exc.diagnostics)


# -- hostile input: bounded findings, bounded work ----------------------------------------------

HOSTILE = [
    (",," * 50_000 + " * * * *", "100,000 commas"),
    ("x," * 50_000 + "1 * * * *", "50,000 bad items"),
    (" ".join(["60"] * 5), "a problem in every field"),
    ("0 9 * * " + ",".join(["1-" + "9" * 5000] * 20), "20 range ends past Python's digit limit"),
]


@pytest.mark.parametrize(("spec", "why"), HOSTILE, ids=[h[1] for h in HOSTILE])
def test_problems_are_capped_and_short(spec: str, why: str) -> None:
    """At most MAX_PROBLEMS findings, each a few hundred characters, the last saying so."""
    from schedulelib.core.cron import MAX_PROBLEMS

    with pytest.raises(CronSyntaxError) as info:
        parse_cron(spec)
    found = info.value.diagnostics
    assert 1 <= len(found) <= MAX_PROBLEMS
    assert all(len(d.message) + len(d.hint) < 600 for d in found)
    if len(found) == MAX_PROBLEMS:
        assert "more problems in this expression, not listed" in found[-1].message


def test_work_grows_linearly_with_the_spec() -> None:
    """Peak memory of a bad spec stays within a small multiple of its size, at any size."""
    import tracemalloc

    peaks = []
    for size in (20_000, 200_000):
        spec = "x," * (size // 2) + "1 * * * *"
        tracemalloc.start()
        with pytest.raises(CronSyntaxError):
            parse_cron(spec)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 20 * 200_000
    assert peaks[1] < 15 * peaks[0]


def test_long_specs_stay_out_of_the_cache() -> None:
    """Only short texts are cached, so the cache's size in bytes is bounded."""
    from schedulelib.core.cron import CACHE_TEXT, _compile_cached

    before = _compile_cached.cache_info().currsize
    parse_cron("0," * CACHE_TEXT + "0 * * * *")
    assert _compile_cached.cache_info().currsize == before


def test_leap_day_distance_lists_days_instead_of_shifting_masks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The 400-year cycle is walked over its few matching days, not by 146,097-bit shifts."""
    from schedulelib.core import floor

    floor.closest_runs.cache_clear()
    floor._min_day_distance.cache_clear()
    calls: list[str] = []
    real_cycle, real_closest = floor._cycle_distance, floor._closest

    def cycle(*args: Any) -> int:
        calls.append("cycle")
        return real_cycle(*args)

    def shifts(mask: int, limit: int) -> int:
        calls.append("shifts")
        return real_closest(mask, limit)

    monkeypatch.setattr(floor, "_cycle_distance", cycle)
    monkeypatch.setattr(floor, "_closest", shifts)
    assert parse_cron("0 0 29 2 *").min_gap == timedelta(days=1461)
    assert calls == ["cycle"]


def test_the_floor_arithmetic_imports_nothing_of_the_parser() -> None:
    """core/floor.py works on the bitsets alone: it imports no schedulelib module."""
    import ast

    from schedulelib.core import floor

    tree = ast.parse(Path(floor.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert imported and not any(name.startswith("schedulelib") for name in imported)
