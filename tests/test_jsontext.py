"""Strict JSON text: positions, duplicate keys, non-finite numbers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedulelib.core.diagnostics import pointer
from schedulelib.core.jsontext import JsonLocator, _Reader, parse_json

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                  max_size=4),
    max_leaves=15,
)


def _pointers(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str, object]]:
    out = [(pointer(*path), value)]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _pointers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _pointers(item, (*path, index))
    return out


@given(VALUES, st.sampled_from([None, 0, 2, "\t"]), st.booleans())
def test_parse_equals_json_loads_and_locator_finds_every_value(
        value: object, indent: int | str | None, ascii_only: bool) -> None:
    """Any JSON value parses as json.loads does; the locator points at each value's start."""
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    parsed, problems = parse_json(text)
    assert problems == [] and parsed == json.loads(text)
    reader = _Reader(text)
    reader.walk()
    locator = JsonLocator(text)
    lines = text.split("\n")
    for where, item in _pointers(value):
        offset = reader.starts[where]
        assert json.JSONDecoder().raw_decode(text, offset)[0] == item
        line, column = locator.locate(where)
        assert sum(len(x) + 1 for x in lines[: line - 1]) + column - 1 == offset


@given(st.one_of(st.text(max_size=80), st.binary(max_size=80)))
def test_arbitrary_text_never_raises(text: str | bytes) -> None:
    """Any text or bytes gives a value or findings, never an exception."""
    _, problems = parse_json(text)
    assert all(p.code in {"SL001", "SL002", "SL003"} for p in problems)


CASES = [
    ('{"a": 1, "a": 2}', [("SL003", "/a")]),
    ('{"x": {"a": 1, "b": 2, "a": 3}}', [("SL003", "/x/a")]),
    ('[NaN, Infinity, -Infinity]', [("SL002", "/0"), ("SL002", "/1"), ("SL002", "/2")]),
    ('{"a~b/c": NaN}', [("SL002", "/a~0b~1c")]),
    ("", [("SL001", "")]),
    ("{", [("SL001", "")]),
    ('{"a": 1} x', [("SL001", "")]),
    (b"\xef\xbb\xbf{}", []),  # a UTF-8 byte order mark is tolerated
    (b'{"a": "\xc3"}', [("SL001", "")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(c[0])[:30] for c in CASES])
def test_problems_point_at_the_value(text: str | bytes, expected: list[tuple[str, str]]) -> None:
    """Each problem has its code and the pointer of the offending key or value."""
    assert [(p.code, p.path) for p in parse_json(text)[1]] == expected


def test_syntax_errors_give_line_and_column() -> None:
    """The docs' own periodic example (an object inside an object without a key)."""
    text = '"reverseETLSchedule": {\n  {\n    "config": {}}}'
    [problem] = parse_json("{" + text + "}")[1]
    assert "line 2, column 3" in problem.message and "brace" in problem.hint


def test_duplicate_names_the_first_line() -> None:
    """The duplicate finding says where the first occurrence is."""
    [problem] = parse_json('{\n"strategy": "cron",\n"strategy": "manual"}')[1]
    assert "first on line 2" in problem.message
    assert JsonLocator('{\n"strategy": "cron",\n"strategy": "manual"}').locate("/strategy")[0] == 3


@pytest.mark.parametrize(("count", "listed", "more"), [
    (100, 100, None), (101, 100, "and 1 more SL003"), (250, 100, "and 150 more SL003"),
], ids=["at-the-cap", "one-past", "far-past"])
def test_findings_of_one_code_are_capped_per_file(count: int, listed: int,
                                                  more: str | None) -> None:
    """A file with thousands of duplicate keys lists a hundred and says how many more."""
    from schedulelib.core.jsontext import MAX_PER_CODE

    keys = ", ".join('"k": 1' for _ in range(count + 1))  # count repeats of the first key
    _, problems = parse_json('{"x": {' + keys + "}}")
    assert listed == MAX_PER_CODE and len(problems) == min(count, listed)
    assert all(p.code == "SL003" for p in problems)
    assert (more in problems[-1].message) if more else "not listed" not in problems[-1].message
