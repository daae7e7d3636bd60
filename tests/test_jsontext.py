"""Strict JSON text: positions, duplicate keys, non-finite numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
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


# -- nesting depth ------------------------------------------------------------------------------


def _depth_by_hand(text: str) -> int:
    """The deepest nesting of ``text``, character by character (strings and escapes skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(0, depth - 1)
    return deepest


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "{", "}", '"', "\\", "a", ",", '"[["', "[" * 60]),
                max_size=40).map("".join))
@example("[" * 201)
@example('"' + "[" * 300 + '"')  # brackets inside a string are text
def test_too_deep_is_the_nesting_counted_by_hand(text: str) -> None:
    """The linear depth check agrees with a character-by-character count."""
    from schedulelib.core.jsontext import MAX_DEPTH, _too_deep

    assert _too_deep(text) == (_depth_by_hand(text) > MAX_DEPTH)


@pytest.mark.parametrize("depth", [150, 200, 201, 900, 5000])
def test_deep_json_gets_one_answer_through_every_door(tmp_path: Path, depth: int) -> None:
    """The command line and the library judge deep nesting alike, never with an internal
    error (the interpreter's recursion limit once decided it, at a depth that depended on
    the caller)."""
    from click.testing import CliRunner

    from schedulelib import scan_file
    from schedulelib.cli.main import main

    nested = "[" * depth + "]" * depth
    body = ",".join(f'{{"name": "s{i}", "modelId": "m1", "reverseETLSchedule": {{"strategy": '
                    f'"cron", "config": {{"spec": "0 * * * *", "timezone": "UTC", '
                    f'"x": {nested}}}}}}}' for i in range(2))
    path = tmp_path / "deep.json"
    path.write_text('{"subscriptions": [' + body + "]}")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    cli_codes = sorted({f["code"] for f in json.loads(result.output)["findings"]})
    scanned = scan_file(path)
    api_codes = sorted({f.code for f in scanned.findings}
                       | {f.code for s in scanned.schedules for f in s.findings})
    assert "SL922" not in cli_codes and result.exit_code == 1
    assert ("SL001" in cli_codes) == (depth + 4 > 200)
    assert set(api_codes) <= set(cli_codes) | {"SL701"}
