"""Spans: every value found in a file maps back to exactly the text that wrote it."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from schedulelib.core.diagnostics import pointer
from schedulelib.lint.sources import Found, Scan, scan
from schedulelib.lint.sources.model import Span

SCALARS = (st.none() | st.booleans() | st.integers()
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.text(max_size=6).filter(lambda k: k not in ("reverseETLSchedule", "<<")), inner,
        max_size=4),
    max_leaves=15,
)


def pointers(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str, object]]:
    """(pointer, value) for the value and everything inside it."""
    out = [(pointer(*path), value)]
    if isinstance(value, dict):
        for key, item in value.items():
            out += pointers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += pointers(item, (*path, index))
    return out


def consistent(text: str, span: Span) -> bool:
    """Line and column name the same places as the offsets (columns count characters)."""
    lines = text.split("\n")

    def offset(line: int, column: int) -> int:
        return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1

    return (offset(span.line, span.column) == span.start
            and offset(span.end_line, span.end_column) == span.end)


def only(result: Scan) -> Found:
    [found] = result.schedules
    assert result.text is not None
    return found


class NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


# -- the property: text[start:end] is the value ----------------------------------------------


NOT_NULL = VALUES.filter(lambda v: v is not None)  # null under the key is "no schedule"


@given(NOT_NULL, st.sampled_from([None, 0, 2, "\t"]), st.booleans())
def test_json_span_text_is_the_value(value: object, indent: int | str | None,
                                     ascii_only: bool) -> None:
    """In generated JSON, the span of every value re-parses to that value."""
    doc = {"subscriptions": [{"name": "s", "reverseETLSchedule": value}]}
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii_only)
    result = scan(text, name="x.json")
    found = only(result)
    assert result.text == text
    for where, item in pointers(value):
        span = found.span(where)
        assert json.loads(text[span.start: span.end]) == item
        assert consistent(text, span)


@given(NOT_NULL, st.sampled_from([None, '"', "'"]), st.sampled_from([None, True, False]),
       st.sampled_from([2, 4]), st.sampled_from([20, 80]), st.sampled_from(["\n", "\r\n"]))
def test_yaml_span_text_is_the_value(value: object, style: str | None, flow: bool | None,
                                     indent: int, width: int, line_break: str) -> None:
    """In generated YAML (any quoting, flow or block, any indent), the span of every value,
    set at its column, re-parses to that value."""
    doc = {"subscriptions": [{"name": "s", "reverseETLSchedule": value}]}
    text = yaml.dump(doc, Dumper=NoAliases, default_style=style, default_flow_style=flow,
                     indent=indent, width=width, line_break=line_break, allow_unicode=True)
    assume(yaml.safe_load(text) == doc)  # PyYAML's emitter folds some breaks (U+0085) away
    result = scan(text, name="x.yaml")
    found = only(result)
    for where, item in pointers(value):
        span = found.span(where)
        fragment = " " * (span.column - 1) + text[span.start: span.end]
        tag = re.search(r"(?:^|[\s\[{,])(![^\s'\",]*)[ \t]+$", text[: span.start])
        if tag is not None:  # a span leaves out the value's tag (the dumper's !!int "1")
            fragment = tag[1] + " " + text[span.start: span.end]
        assert yaml.safe_load(fragment) == item, (where, fragment)
        assert text[span.end: span.end + 1] in ("", " ", "\r", "\n", ",", "]", "}", ":")
        assert consistent(text, span)
    # PyYAML writes plain what YAML 1.1 reads as text ("08", "1e3"): YAML 1.2 reads a number,
    # and SL005 says so; everything else reads back as written.
    if not found.problems:
        assert found.doc == value
    assert {d.code for d in found.problems} <= {"SL005"}


# -- hand-made files: the exact text of each span ------------------------------------------------

TF = """\
resource "segment_destination_subscription" "s" {
  reverse_etl_schedule = {
    strategy = "PERIODIC" # a comment
    config = jsonencode({
      interval = "1d",
      hours    = [1, 2]
    })
  }
}
resource "segment_reverse_etl_model" "m" {
  schedule_strategy = "CRON"
  schedule_config   = "{\\"spec\\": \\"*/5 * * * *\\"}"
}
resource "segment_destination_subscription" "u" {
  reverse_etl_schedule = { strategy = var.s, config = null }
}
"""


@pytest.mark.parametrize(("schedule", "where", "written"), [
    (0, "", '{\n    strategy = "PERIODIC" # a comment\n    config = jsonencode({\n'
            '      interval = "1d",\n      hours    = [1, 2]\n    })\n  }'),
    (0, "/strategy", '"PERIODIC"'),
    (0, "/config", 'jsonencode({\n      interval = "1d",\n      hours    = [1, 2]\n    })'),
    (0, "/config/interval", '"1d"'),
    (0, "/config/hours", "[1, 2]"),
    (0, "/config/hours/1", "2"),
    (0, "/config/missing", 'jsonencode({\n      interval = "1d",\n      hours    = [1, 2]\n    })'),
    (1, "/strategy", '"CRON"'),
    (1, "/config", '"{\\"spec\\": \\"*/5 * * * *\\"}"'),
    # Inside the JSON string: the value as written there, escapes included (issue 17).
    (1, "/config/spec", '\\"*/5 * * * *\\"'),
    (2, "/strategy", "var.s"),
    (2, "/config", "null"),
], ids=["object", "string", "jsonencode", "inside-jsonencode", "list", "number", "missing",
        "model-strategy", "json-string", "inside-json-string", "reference", "null"])
def test_terraform_spans(schedule: int, where: str, written: str) -> None:
    """Terraform spans cover the value as written: quotes, jsonencode(...) and references."""
    result = scan(TF, name="main.tf")
    span = result.schedules[schedule].span(where)
    assert TF[span.start: span.end] == written
    assert consistent(TF, span)


CASES = [
    ("x.json", '{"strategy": "cron",\n "config": {"spec": "0,50 * * * *", "timezone": "UTC"}}',
     "SL407", '"0,50 * * * *"'),
    ("x.json", '{"strategy": "periodic", "config": {"interval": "1d"}}', "SL202", '"1d"'),
    ("x.json", '{"strategy": "specific_days", "config": {"days": [1, 9], "hours": [1],'
     ' "timezone": "UTC"}}', "SL304", "9"),
    ("x.yaml", "strategy: cron\nconfig:\n  spec: '0,50 * * * *'\n  timezone: UTC\n", "SL407",
     "'0,50 * * * *'"),
    ("x.yaml", 'strategy: cron\nconfig: {spec: "0,50 * * * *", timezone: UTC}\n', "SL407",
     '"0,50 * * * *"'),
    ("x.yaml", "strategy: periodic\nconfig:\n  interval: 1d # a comment\n", "SL202", "1d"),
    ("x.yaml", "strategy: cron\nconfig:\n  spec: >-\n    0,50 * * * *\n\n  timezone: UTC\n",
     "SL407", ">-\n    0,50 * * * *"),
    ("x.yaml", "strategy: periodic\nconfig:\n  interval: 1h\n  extra: 1\n# trailing\n", "SL103",
     "1"),
    ("x.tf", 'resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = '
     '{ strategy = "PERIODIC", config = jsonencode({ interval = "1d" }) }\n}\n', "SL202",
     '"1d"'),
]


@pytest.mark.parametrize(("name", "text", "code", "written"), CASES,
                         ids=["json-cron", "json-interval", "json-day", "yaml-single-quoted",
                              "yaml-flow", "yaml-plain", "yaml-folded", "yaml-last-key",
                              "terraform"])
def test_finding_end_is_the_end_of_the_value(name: str, text: str, code: str,
                                             written: str) -> None:
    """A finding's start and end (exclusive) enclose exactly the offending value."""
    [finding] = [f for f in scan(text, name=name).check() if f.code == code]
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[: finding.line - 1]) + finding.column - 1
    end = sum(len(x) + 1 for x in lines[: finding.end_line - 1]) + finding.end_column - 1
    assert text[start:end] == written
    assert finding.to_dict()["end_column"] == finding.end_column


@pytest.mark.parametrize(("name", "text", "at"), [
    ("x.json", '{"a": [1,, 2]}', ","),
    ("x.yaml", "a: [1, 2\nb: 3\n", ":"),
    ("x.tf", 'resource "a" "b" {\n  x = @\n}\n', "@"),
], ids=["json", "yaml", "terraform"])
def test_syntax_errors_cover_one_character(name: str, text: str, at: str) -> None:
    """A syntax error's span is the one character the reader stopped at; the message does not
    repeat the position."""
    [finding] = scan(text, name=name, everything=True).check()
    assert finding.code == "SL001"
    assert "line" not in finding.message and "column" not in finding.message  # given once
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[: finding.line - 1]) + finding.column - 1
    assert (finding.end_line, finding.end_column) == (finding.line, finding.column + 1)
    assert text[start: start + 1] == at


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("name", ["x.json", "x.yaml"])
def test_every_line_end_counts_as_one(end: str, name: str) -> None:
    """LF, CRLF and a lone CR all end a line (as in SARIF and editors)."""
    text = ('{"strategy": "periodic",\n "config":\n  {"interval": "1d"}}' if name == "x.json"
            else "strategy: periodic\nconfig:\n  interval: 1d\n").replace("\n", end)
    [finding] = scan(text, name=name).check()
    expected = (3, 16, 3, 20) if name == "x.json" else (3, 13, 3, 15)
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == expected
