"""The schema judges as check() does where it judges, read as editors read it (ECMA-262
regular expressions, through the regress engine check-jsonschema uses) and as Python's
jsonschema reads it (``re``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import regress
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, ValidationError, validators

from schedulelib import check, schema
from schedulelib.core.cron import GO_SPACE
from schedulelib.core.schema import PYTHON_SPACE


def _ecma(flags: str) -> Any:
    def pattern(validator: Any, value: str, instance: object, _: object
                ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "string") and \
                regress.Regex(value, flags).find(instance) is None:
            yield ValidationError(f"{instance!r} does not match {value!r} (ECMA-262)")
    return validators.extend(Draft202012Validator, {"pattern": pattern})


SCHEMA = schema()
DIALECTS = {"python": Draft202012Validator(SCHEMA), "ecma": _ecma("")(SCHEMA),
            "ecma-u": _ecma("u")(SCHEMA)}


def _errors(doc: object) -> bool:
    return any(d.severity == "error" for d in check(doc))


def _agree_exactly(doc: dict[str, object]) -> None:
    expected = not _errors(doc)
    for name, validator in DIALECTS.items():
        assert validator.is_valid(doc) is expected, (name, doc)


def _sound(doc: object) -> None:
    """What the schema refuses, check() refuses (the schema is a superset elsewhere)."""
    if _errors(doc):
        return
    for name, validator in DIALECTS.items():
        assert validator.is_valid(doc), (name, doc)


# Every character any dialect calls white space, U+FEFF among them, and some that none does.
SPACES = sorted(set(GO_SPACE) | set(PYTHON_SPACE) | {"\ufeff", "\u180e", "\u200b", "\x00"})
SPACE = st.sampled_from(SPACES)
IDS = st.text(st.one_of(SPACE, st.sampled_from("0123456789abc-_")), max_size=4)


def test_python_space_is_what_strip_removes() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == PYTHON_SPACE


@pytest.mark.parametrize("space", SPACES, ids=[f"U+{ord(c):04X}" for c in SPACES])
def test_each_space_alone_as_a_dbt_id(space: str) -> None:
    """The issue's 59 ids were of this kind: white space only, or with U+FEFF."""
    for ids in ((space, "1"), ("1", space * 3), (space + "7", "1")):
        _agree_exactly({"strategy": "dbt_cloud", "config": {"jobId": ids[0],
                                                             "accountId": ids[1]}})


@settings(max_examples=300, deadline=None)
@given(IDS, IDS)
@example(" ", "1")
@example("\x1c", "1")  # Python white space, not ECMA's
@example("\ufeff", "1")  # ECMA white space, not Python's
def test_dbt_ids_judged_exactly(job: str, account: str) -> None:
    _agree_exactly({"strategy": "dbt_cloud", "config": {"jobId": job, "accountId": account}})


FIELDS = st.tuples(st.sampled_from(["0", "*/15", "5,35"]), st.sampled_from(["9", "*", "1-5"]),
                   st.sampled_from(["*", "1"]), st.sampled_from(["*", "JAN"]),
                   st.sampled_from(["*", "MON-FRI", "1-5"]))
RUNS = st.text(SPACE, min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(FIELDS, st.lists(RUNS, min_size=4, max_size=4), st.text(SPACE, max_size=2),
       st.text(SPACE, max_size=2))
@example(("0", "9", "*", "*", "1-5"), ["\x85", " ", " ", " "], "", "")  # Go space, not ECMA's
@example(("0", "9", "*", "*", "1-5"), ["\ufeff", " ", " ", " "], "", "")  # ECMA's, not Go's
@example(("0", "9", "*", "*", "1-5"), [" ", " ", " ", " "], "", "\n")  # "$" in Python
def test_cron_white_space_judged_exactly(fields: tuple[str, ...], runs: list[str], lead: str,
                                         tail: str) -> None:
    """Five valid fields between any white space: the schema accepts exactly what robfig
    (check) splits into five fields."""
    spec = lead + fields[0] + "".join(r + f for r, f in zip(runs, fields[1:], strict=True)) + tail
    _agree_exactly({"strategy": "cron", "config": {"spec": spec, "timezone": "UTC"}})


DOCS = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 30) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["strategy", "config", "interval", "spec", "timezone", "days", "hours",
                         "jobId", "accountId", "x"]), inner, max_size=4),
    max_leaves=8)
SHAPED = st.fixed_dictionaries({
    "strategy": st.sampled_from(["manual", "PERIODIC", "specific_days", "cron", "dbt_cloud",
                                 "hourly"]),
}, optional={"config": st.fixed_dictionaries({}, optional={
    "interval": st.from_regex(r"[-+]?[0-9.]{0,3}(h|m|s|ms|d)?[0-9]?", fullmatch=True),
    "spec": st.from_regex(r"[0-9*/,\- ]{0,14}", fullmatch=True),
    "timezone": st.sampled_from(["UTC", "Europe/Berlin", "Mars/Base", ""]),
    "days": st.lists(st.integers(-1, 8), max_size=3),
    "hours": st.lists(st.integers(-1, 25), max_size=3),
    "jobId": IDS, "accountId": IDS,
}) | st.none()})


@settings(max_examples=400, deadline=None)
@given(DOCS | SHAPED)
def test_what_the_schema_refuses_check_refuses(doc: object) -> None:
    """Generated documents of every shape: no false error from the schema, in any dialect."""
    _sound(json.loads(json.dumps(doc)))


def test_the_patterns_avoid_dialect_escapes() -> None:
    r"""No \s, \d, \w, \b or bare end anchor in any pattern: they read differently in ECMA-262
    and Python."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA)
    assert len(found) == 4
    for pattern in found:
        for escape in ("\\s", "\\S", "\\d", "\\D", "\\w", "\\W", "\\b", "\\B"):
            assert escape not in pattern
        assert not pattern.endswith("$")
