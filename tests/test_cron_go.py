"""The cron grammar against robfig/cron v3's own parser, over the committed Go vectors.

tests/data/go/cron_parse.json records ``cron.ParseStandard(spec)`` (Go 1.19, robfig v3.0.1)
for odd specs: Unicode and control white space, int64 edges, signs, empty list items, ``?``
everywhere, Unicode case folding, descriptors, and seeded random mixtures and mutations.
Regenerate with tools/goparse (see its README).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from schedulelib import CronSyntaxError, parse_cron
from schedulelib.core.cron import _GO_LOWER_TO_ASCII, GO_SPACE, _compile

from .conftest import DATA

VECTORS = json.loads((DATA / "go" / "cron_parse.json").read_text("utf-8"))
ROWS: list[dict[str, Any]] = VECTORS["rows"]
BY_CLASS: dict[str, list[dict[str, Any]]] = defaultdict(list)
for _row in ROWS:
    BY_CLASS[_row["class"]].append(_row)

_STAR = 1 << 63

# What robfig accepts and schedulelib refuses on purpose: (example, code, decision, reason).
# Every such row of the vectors must carry only these codes (test_verdict_matches_robfig).
DELIBERATE = [
    ("@hourly", "SL404", "D3", "a descriptor: other crons differ; write the 5 fields"),
    ("@every 1h", "SL404", "D3", "@every is the periodic strategy"),
    ("CRON_TZ=Europe/Berlin 0 9 * * *", "SL404", "D3", "the zone belongs in 'timezone'"),
    ("+5 9 * * *", "SL410", "D18", "a sign: robfig's strconv.Atoi takes it, other crons do not"),
    ("*-5 9 * * *", "SL410", "D19", "robfig reads '*-5' as '*', which hides a mistake"),
    ("?-5 9 * * *", "SL410", "D19", "as '*-5'"),
    ("1,,2 9 * * *", "SL410", "D20", "robfig skips empty items; a value may have been lost"),
    (", 9 * * *", "SL410", "D20", "robfig reads an all-empty field as matching nothing"),
    ("? 9 * * *", "SL410", "D21", "'?' outside the day fields is robfig's alone"),
    ("0 9 ?/2 * *", "SL410", "D21", "robfig reads '?/2' as '*/2'; others reject it"),
    ("0 9 * * FRİ", "SL410", "D22", "Go lower-cases 'İ' to 'i'; other crons take ASCII names"),
]
DELIBERATE_CODES = {"SL404", "SL410"}


def _go(spec: str) -> dict[str, Any]:
    for row in ROWS:
        if row["spec"] == spec:
            return row
    raise AssertionError(f"{spec!r} is not in the Go vectors: regenerate them")


def test_vectors_cover_every_class() -> None:
    """The corpus holds thousands of rows, accepted and refused, in every class."""
    assert VECTORS["meta"]["oracle"] == "cron.ParseStandard(spec)"
    assert len(ROWS) == VECTORS["meta"]["count"] > 5000
    assert {r["ok"] for r in ROWS} == {True, False}
    assert set(BY_CLASS) >= {"separator", "leading", "trailing", "number", "step", "range-end",
                             "item", "name", "whole", "random", "mutation"}


def test_white_space_is_gos() -> None:
    """GO_SPACE is exactly Go's unicode.IsSpace, as Go enumerated it."""
    assert sorted(map(ord, GO_SPACE)) == VECTORS["meta"]["space"]


def test_case_folding_to_ascii_is_gos() -> None:
    """The non-ASCII letters strings.ToLower maps to ASCII are the ones the parser knows."""
    assert sorted([ord(k), v] for k, v in _GO_LOWER_TO_ASCII.items()) == \
        VECTORS["meta"]["lower_ascii"]


def _disagreements(rows: list[dict[str, Any]]) -> list[str]:
    out = []
    for row in rows:
        spec = row["spec"]
        expr, problems = _compile(spec)
        codes = {p.code for p in problems}
        if expr is None and row["ok"]:
            if not codes <= DELIBERATE_CODES or (
                    "SL404" in codes and not spec.startswith(("@", "TZ=", "CRON_TZ="))):
                out.append(f"{spec!r}: robfig accepts it, we refuse it with {sorted(codes)}")
        elif expr is not None and not row["ok"]:
            out.append(f"{spec!r}: robfig refuses it ({row['error']}), we accept it")
        elif expr is not None and row["kind"] == "spec":
            go = [int(b) for b in row["bits"]]
            ours = [expr.minutes, expr.hours, expr.days, expr.months, expr.weekdays]
            if [b & ~_STAR for b in go] != ours:
                out.append(f"{spec!r}: robfig's fields {go}, ours {ours}")
            if (bool(go[2] & _STAR), bool(go[4] & _STAR)) != (expr.dom_star, expr.dow_star):
                out.append(f"{spec!r}: the star flags differ from robfig's")
    return out


@pytest.mark.parametrize("kind", sorted(BY_CLASS), ids=sorted(BY_CLASS))
def test_verdict_matches_robfig(kind: str) -> None:
    """Every row: same verdict and same bits as robfig, or a documented deliberate refusal."""
    assert _disagreements(BY_CLASS[kind]) == []


@pytest.mark.parametrize(("spec", "code", "decision", "reason"), DELIBERATE,
                         ids=[d[0] for d in DELIBERATE])
def test_deliberate_refusals(spec: str, code: str, decision: str, reason: str) -> None:
    """robfig accepts each listed form; we refuse it with the code, and say what robfig does."""
    assert _go(spec)["ok"]
    with pytest.raises(CronSyntaxError) as info:
        parse_cron(spec)
    assert [d.code for d in info.value.diagnostics] == [code]
    decisions = (DATA.parent.parent / "docs" / "decisions.md").read_text("utf-8")
    assert f"| {decision} |" in decisions
    if code == "SL410":
        assert "Segment's parser (robfig/cron v3)" in info.value.diagnostics[0].message


def test_int64_overflow_is_refused_as_go_does() -> None:
    """Where robfig says 'value out of range', so does our message."""
    rows = [r for r in ROWS if "value out of range" in r["error"]]
    assert len(rows) > 50
    for row in rows:
        _, problems = _compile(row["spec"])
        assert any("out of range" in p.message for p in problems), row["spec"]


@pytest.mark.parametrize("tail", ["", "\x1f"], ids=["plain", "with U+001F"])
def test_fields_split_as_go_splits(tail: str) -> None:
    """go_fields splits on a character exactly when Go's unicode.IsSpace says it is space."""
    from schedulelib.core.cron import go_fields

    spaces = set(VECTORS["meta"]["space"])
    wrong = []
    # Every white space of Go and of Python lies below U+3001; a few others beyond.
    for code in [*range(0x3001), 0xFEFF, 0xFFFD, 0x1F600, 0x10FFFF]:
        char = chr(code)
        text = " a" + char + "b" + tail
        expected = ["a", "b" + tail] if code in spaces else ["a" + char + "b" + tail]
        if go_fields(text) != expected:
            wrong.append(f"U+{code:04X}")
    assert wrong == []
