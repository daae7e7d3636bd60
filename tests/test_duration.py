"""Go's time.ParseDuration and Duration.String, bit for bit."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib import Duration, DurationError, ScheduleError, parse_duration
from schedulelib.core.duration import format_duration

from .conftest import DATA

GO = DATA / "go"


def _rows(name: str) -> list[dict[str, object]]:
    with (GO / name).open(encoding="utf-8") as handle:
        data = json.load(handle)
    rows = data["rows"]
    assert rows, f"{name} holds no vectors"
    return rows  # type: ignore[no-any-return]


# -- Go's own behaviour, from vectors generated with Go ---------------------------------------


def test_parse_duration_matches_every_go_vector() -> None:
    """Every ParseDuration vector gives Go's value, Go's String() or Go's exact error text."""
    mismatches = []
    rows = _rows("durations.json")
    # Each input as bytes, and as text too where the bytes are UTF-8.
    inputs: list[tuple[str | bytes, dict[str, object]]] = [
        (bytes.fromhex(str(row["hex"])), row) for row in rows]
    inputs += [(str(row["text"]), row) for row in rows if row["text_exact"]]
    assert len(rows) >= 5000
    for text, row in inputs:
        try:
            got = parse_duration(text)
        except DurationError as exc:
            if row["ok"] or str(exc) != row["error"]:
                mismatches.append((text, str(exc), row))
            continue
        if not row["ok"] or got.nanoseconds != row["nanoseconds"] or str(got) != row["string"]:
            mismatches.append((text, got, row))
    assert not mismatches, f"{len(mismatches)} of {len(rows)} differ, e.g. {mismatches[:3]}"


def test_duration_string_matches_every_go_vector() -> None:
    """Duration.String() of int64 values equals Go's, including MinInt64 and MaxInt64."""
    rows = _rows("duration_strings.json")
    wrong = [r for r in rows if format_duration(int(str(r["nanoseconds"]))) != r["string"]]
    assert not wrong, f"{len(wrong)} of {len(rows)} differ, e.g. {wrong[:3]}"


# -- hand-picked rows (each also in the Go vectors) -------------------------------------------

PARSES = [
    ("0", 0, "0s"),
    ("-0", 0, "0s"),
    ("+0", 0, "0s"),
    ("90m", 5_400_000_000_000, "1h30m0s"),
    ("1h30m", 5_400_000_000_000, "1h30m0s"),
    ("1.5h", 5_400_000_000_000, "1h30m0s"),
    ("1s1s1s1s", 4_000_000_000, "4s"),  # parts may repeat
    ("10.5s4m", 250_500_000_000, "4m10.5s"),  # and come in any order
    (".5s", 500_000_000, "500ms"),
    ("1.s", 1_000_000_000, "1s"),
    ("1.0000000005s", 1_000_000_000, "1s"),  # half a nanosecond, truncated
    ("0.3333333333333333333h", 1_200_000_000_000, "20m0s"),
    ("2562047.788015215h", 9_223_372_036_854_774_000, "2562047h47m16.854774s"),
    ("9223372036854775807ns", 9_223_372_036_854_775_807, "2562047h47m16.854775807s"),
    ("-9223372036854775808ns", -9_223_372_036_854_775_808, "-2562047h47m16.854775808s"),
    ("9223372036854775808ns9223372036854775808ns", 0, "0s"),  # Go's uint64 wrap-around
    ("1µs", 1_000, "1µs"),  # U+00B5
    ("1μs", 1_000, "1µs"),  # U+03BC, printed back as U+00B5
]


@pytest.mark.parametrize(("text", "ns", "string"), PARSES, ids=[p[0] for p in PARSES])
def test_parse(text: str, ns: int, string: str) -> None:
    """A valid Go duration gives Go's nanoseconds and Go's canonical text."""
    got = parse_duration(text)
    assert (got.nanoseconds, str(got)) == (ns, string)


ERRORS = [
    ("", 'time: invalid duration ""'),
    ("1d", 'time: unknown unit "d" in duration "1d"'),  # no day unit
    ("1h 2m", 'time: unknown unit "h " in duration "1h 2m"'),  # the unit runs to the next digit
    ("00", 'time: missing unit in duration "00"'),  # only "0" may lack a unit
    ("3", 'time: missing unit in duration "3"'),
    ("1..s", 'time: missing unit in duration "1..s"'),
    (" 1h", 'time: invalid duration " 1h"'),
    ("1H", 'time: unknown unit "H" in duration "1H"'),  # units are case-sensitive
    ("1µ", 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"'),  # bytes escaped
    ("١s", 'time: invalid duration "\\xd9\\xa1s"'),  # only ASCII digits count  # noqa: RUF001
    ("1\ts", 'time: unknown unit "\\x09s" in duration "1\\x09s"'),
    ('1"s', 'time: unknown unit "\\"s" in duration "1\\"s"'),
    ("9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'),
    ("-", 'time: invalid duration "-"'),
    ("+-1s", 'time: invalid duration "+-1s"'),
]


@pytest.mark.parametrize(("text", "error"), ERRORS, ids=[e[0] or "empty" for e in ERRORS])
def test_parse_error_text(text: str, error: str) -> None:
    """Go's exact error text, and the error is a ScheduleError and a ValueError."""
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert str(info.value) == error
    assert isinstance(info.value, ScheduleError) and isinstance(info.value, ValueError)
    assert [d.code for d in info.value.diagnostics] == ["SL202"]


def test_invalid_utf8_bytes_are_escaped_like_go() -> None:
    """Bytes that are not UTF-8 are quoted one by one, and a real U+FFFD as its three bytes."""
    with pytest.raises(DurationError) as info:
        parse_duration(b"1\xff\xef\xbf\xbds")
    assert str(info.value) == 'time: unknown unit "\\xff\\xef\\xbf\\xbds" in duration ' \
        '"1\\xff\\xef\\xbf\\xbds"'


# -- properties --------------------------------------------------------------------------------

INT64 = st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1)


@given(INT64)
@example(0)
@example(-(1 << 63))
@example((1 << 63) - 1)
@example(1_000_000_000)
@example(999_999_999)
def test_string_round_trips(ns: int) -> None:
    """ParseDuration(String(d)) == d for every int64 d (Go's own invariant)."""
    assert parse_duration(format_duration(ns)).nanoseconds == ns


DURATION_ALPHABET = st.sampled_from([*list("0123456789..+-nsumh"), "µ", "μ", " ", "d", "\x00"])


@given(st.one_of(st.text(DURATION_ALPHABET, max_size=24), st.text(max_size=24),
                 st.binary(max_size=24)))
@example("9223372036854775808ns9223372036854775808ns1ns")
@example("0.9999999999999999999h")
def test_parse_never_fails_unexpectedly(text: str | bytes) -> None:
    """Any input gives a Duration in int64 range or a DurationError in Go's wording."""
    try:
        got = parse_duration(text)
    except DurationError as exc:
        assert str(exc).startswith(("time: invalid duration ", "time: missing unit in duration ",
                                    "time: unknown unit "))
    else:
        assert -(1 << 63) <= got.nanoseconds < (1 << 63)


@given(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["h", "m", "s", "ms", "us",
                                                                    "ns"])), min_size=1,
                max_size=4))
def test_sum_of_parts(parts: list[tuple[int, str]]) -> None:
    """Integer parts add up exactly, whatever their order, up to int64."""
    scale = {"h": 3600 * 10**9, "m": 60 * 10**9, "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
    text = "".join(f"{n}{u}" for n, u in parts)
    total = sum(n * scale[u] for n, u in parts)
    if total >= 1 << 63:  # past int64: Go says "invalid duration"
        with pytest.raises(DurationError, match="invalid duration"):
            parse_duration(text)
    else:
        assert parse_duration(text).nanoseconds == total


def test_duration_orders_and_converts() -> None:
    """Durations compare by length and convert to timedelta (truncating nanoseconds)."""
    assert Duration(1) < Duration(2)
    assert parse_duration("-1.5us").to_timedelta().total_seconds() == -0.000001


SPACE_VECTORS = json.loads((DATA / "go" / "duration_space.json").read_text("utf-8"))["rows"]


def test_white_space_is_never_trimmed_as_in_go() -> None:
    """Every white space (Go's, Python-only, look-alikes) around or inside a duration: Go's
    verdict and error text, from tools/goparse (Go trims nothing)."""
    wrong = []
    for row in SPACE_VECTORS:
        try:
            got = (True, "", parse_duration(row["text"]).nanoseconds)
        except DurationError as exc:
            got = (False, str(exc), 0)
        if got != (row["ok"], row["error"], row["nanoseconds"]):
            wrong.append((row["text"], got, row["error"]))
    assert len(SPACE_VECTORS) > 500 and wrong == []
