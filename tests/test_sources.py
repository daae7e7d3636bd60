"""Finding schedules in JSON, YAML and Terraform files, and placing findings at the value."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedulelib.lint.sources import Finding, iter_files, kind_of, read_file, scan
from schedulelib.lint.sources.hcl import tokens

from .conftest import SHARED

CORPUS = SHARED / "corpus" / "segment_configs.md"


def codes(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [(f.code, f.line, f.column, f.pointer) for f in findings]


def close_braces(snippet: str) -> str:
    """A corpus snippet stops after the schedule block: close what is still open."""
    depth = 0
    for tok in tokens(snippet):
        if tok.kind == "punct" and tok.text in "{[(":
            depth += 1
        elif tok.kind == "punct" and tok.text in "}])":
            depth -= 1
    return snippet + "}\n" * depth


def corpus_files() -> list[tuple[str, str]]:
    """(name, Terraform text) for every ```hcl snippet of segment_configs.md, braces closed."""
    if not CORPUS.exists():
        pytest.skip(f"the shared corpus is not beside the checkout ({CORPUS.name} missing)")
    text = CORPUS.read_text("utf-8")
    out = []
    for source, block in re.findall(r"Source: `([^`]+)`.*?```hcl\n(.*?)```", text, re.DOTALL):
        out.append((source.split(":", 1)[1].replace("/", "_"), close_braces(block)))
    return out


# -- the real exports: every one validates clean -------------------------------------------------


def test_segment_exports_validate_clean(tmp_path: Path) -> None:
    """Every Terraform snippet Segment's Git sync wrote (segment_configs.md) has no error."""
    files = corpus_files()
    assert len(files) >= 19
    folder = tmp_path / "segment_tf"
    folder.mkdir()
    for name, text in files:
        (folder / name).write_text(text, "utf-8")
    schedules = 0
    for path in iter_files(folder):
        result = read_file(path)
        schedules += len(result.schedules)
        found = result.check()
        assert [f for f in found if f.code != "SL905"] == [], path.name
        # SL905 only for the models Segment exported with schedule_strategy = "".
        assert all('schedule_strategy       = ""' in path.read_text() for f in found)
    assert schedules >= 15


# -- JSON ---------------------------------------------------------------------------------------

NESTED = """{
  "subscriptions": [
    {"name": "A", "reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "1d"}}},
    {"name": "B", "reverseETLSchedule": null},
    {"name": "C",
     "reverseETLSchedule": {
       "strategy": "cron",
       "config": {"spec": "0,50 * * * *", "timezone": "Europe/Berlin"}}}
  ]
}
"""


def test_json_schedules_at_any_depth_point_at_the_value() -> None:
    """Each finding points at the offending value itself, not its object; null is no schedule."""
    result = scan(NESTED, name="subs.json")
    assert [s.name for s in result.schedules] == ["A", "C"]
    assert codes(result.check()) == [
        ("SL202", 3, 89, "/subscriptions/0/reverseETLSchedule/config/interval"),
        ("SL407", 8, 27, "/subscriptions/2/reverseETLSchedule/config/spec"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ('{"strategy": "manual"}', []),  # a bare schedule file
    ('{"strategy": "periodic"}', [("SL105", 1, 1, "")]),  # a missing key: its object
    ('{"strategy": "cron",\n "strategy": "manual"}', [("SL003", 2, 14, "/strategy")]),
    ('{"a": {"reverseETLSchedule": "periodic"}}', [("SL004", 1, 30, "/a/reverseETLSchedule")]),
    ('{"x": 1, "reverseETLSchedule": null}', []),  # a subscription without a schedule
    ('{"x": 1, "note": "reverseETLSchedule"}', [("SL905", 1, 1, "")]),
    ('{"strategy": 1,}', [("SL001", 1, 16, "")]),
    (b'{"strategy": "\xff"}', [("SL901", 1, 15, "")]),
    (b'\xef\xbb\xbf{"strategy": "manual"}', []),  # a UTF-8 byte order mark is fine
    (b'\xef\xbb\xbf\xef\xbb\xbf{"strategy": "manual"}', [("SL001", 1, 1, "")]),
], ids=["bare", "missing-key", "duplicate", "not-object", "null", "no-schedule",
        "trailing-comma",
        "not-utf8", "bom", "two-boms"])
def test_json_file_level_problems(text: str | bytes, expected: list[tuple[str, int, int, str]],
                                  ) -> None:
    """File-level problems get one finding each, with a line and column."""
    assert codes(scan(text, name="f.json").check()) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("", [("SL902", 1, 1, "")]),
    ("  \n", [("SL902", 1, 1, "")]),
    ('{"a": 1,}', [("SL001", 1, 9, "")]),
], ids=["empty", "blank", "trailing-comma"])
def test_everything_judges_any_text(text: str, expected: list[tuple[str, int, int, str]]) -> None:
    """With everything=True (standard input), text that is not about schedules is judged."""
    assert scan(text, name="f.json").skipped
    assert codes(scan(text, name="f.json", everything=True).check()) == expected


def test_docs_periodic_example_is_a_precise_syntax_error() -> None:
    """The docs' own periodic example (an object inside an object without a key)."""
    text = ('{\n  "reverseETLSchedule": {\n    {\n      "config": {"interval": "1h"},\n'
            '      "strategy": "periodic"\n    }\n  }\n}\n')
    [finding] = scan(text, name="docs.json").check()
    assert (finding.code, finding.line, finding.column) == ("SL001", 3, 5)
    assert "line" not in finding.message  # the position is given once, not repeated


# -- YAML ---------------------------------------------------------------------------------------

YAML = """\
subscriptions:
  - name: A
    reverseETLSchedule:
      strategy: specific_days
      config:
        days: [1, 7]
        hours: [9]
        timezone: "Europe/Berlin"
  - name: B
    reverseETLSchedule:
      strategy: cron
      strategy: manual
"""


def test_yaml_positions_and_duplicate_keys() -> None:
    """YAML findings point at the value; a duplicate key is SL003 at the second one."""
    result = scan(YAML, name="subs.yaml")
    assert [s.name for s in result.schedules] == ["A", "B"]
    assert codes(result.check()) == [
        ("SL003", 12, 7, "/subscriptions/1/reverseETLSchedule/strategy"),
        ("SL304", 6, 19, "/subscriptions/0/reverseETLSchedule/config/days/1"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("strategy: manual\n", []),
    ("---\nstrategy: manual\n---\nreverseETLSchedule: {strategy: hourly}\n",
     [("SL102", 4, 32, "/reverseETLSchedule/strategy")]),
    ("reverseETLSchedule: [1, 2\n", [("SL001", 2, 1, "")]),
    ("a: &x {strategy: manual}\nb: {reverseETLSchedule: *x}\n", []),
    ("reverseETLSchedule: ~\n", []),
    ("# reverseETLSchedule: {strategy: manual}\nname: x\n", [("SL905", 1, 1, "")]),
], ids=["bare", "second-document", "syntax", "alias", "null", "commented-out"])
def test_yaml_documents(text: str, expected: list[tuple[str, int, int, str]]) -> None:
    """Every document of a YAML stream is searched; syntax errors have a position."""
    assert codes(scan(text, name="f.yaml").check()) == expected


# -- Terraform ----------------------------------------------------------------------------------

TF = """\
# A subscription with a bad interval, and comments everywhere
resource "segment_destination_subscription" "bad" {
  name     = "Send Track" // the name
  settings = jsonencode({ a = "${var.x}", b = [for x in local.y : x] })
  /* a block comment
     over two lines */
  reverse_etl_schedule = {
    config = jsonencode({
      interval = "1d"
    })
    strategy = "PERIODIC"
  }
}

resource "segment_destination_subscription" "string_config" {
  reverse_etl_schedule = {
    strategy = "PERIODIC"
    config   = "{\\"interval\\": \\"5m\\"}"
  }
}

resource "segment_destination_subscription" "none" {
  reverse_etl_schedule = null
}

resource "segment_reverse_etl_model" "model" {
  schedule_strategy = "CRON"
  schedule_config   = jsonencode({ spec = "*/5 * * * *", timezone = "UTC" })
}

resource "segment_destination_subscription" "dynamic" {
  reverse_etl_schedule = {
    strategy = var.strategy
    config   = jsonencode({ interval = "1h" })
  }
}
"""


def test_terraform_findings_point_into_the_tf_file() -> None:
    """Findings inside jsonencode(...) point at the HCL value; model attributes keep their
    names; apply-time values are SL903 and not checked; null is no schedule."""
    result = scan(TF, name="main.tf")
    assert [s.name for s in result.schedules] == [
        "Send Track", "segment_destination_subscription.string_config",
        "segment_reverse_etl_model.model", "segment_destination_subscription.dynamic"]
    base = "/resource/segment_destination_subscription"
    assert codes(result.check()) == [
        ("SL202", 9, 18, f"{base}/bad/reverse_etl_schedule/config/interval"),
        # Inside the JSON string: at the value there (issue 17), not at the string's start.
        ("SL203", 18, 32, f"{base}/string_config/reverse_etl_schedule/config/interval"),
        ("SL407", 28, 43, "/resource/segment_reverse_etl_model/model/schedule_config/spec"),
        ("SL903", 33, 16, f"{base}/dynamic/reverse_etl_schedule/strategy"),
    ]


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ('resource "a" "b" {\n  x = \n}\n', 2, 7, "expected a value after 'x ='"),
    ('resource "a" "b" {\n  x = "abc\n}\n', 2, 7, "not closed on its line"),
    ('resource "a" "b" {\n  x = (1]\n}\n', 2, 9, "expected ')' to close '('"),
    ('resource "a" "b" {\n  x = 1\n', 1, 18, "never closed with '}'"),
    ("}\n", 1, 1, "'}' closes nothing here"),
    ('resource "a" "b" {\n  /* open\n}\n', 2, 3, "never closed with '*/'"),
    ('resource "a" "b" {\n  x = "${a"\n}\n', 2, 11, "not closed on its line"),
    ('resource "a" "b" x\n', 1, 19, "expected '=' or '{' after 'resource'"),
    ('resource "segment_destination_subscription" "b" {\n'
     '  reverse_etl_schedule = { strategy "x" }\n}\n', 2, 37, "expected '=' or ':'"),
    ('a = "\\q"\n', 1, 6, "invalid escape"),
    ("a = @\n", 1, 5, "unexpected character '@'"),
], ids=["no-value", "open-string", "mismatch", "open-block", "stray-brace", "open-comment",
        "open-interpolation", "bad-block", "object-key", "escape", "character"])
def test_malformed_hcl_gets_line_and_column(text: str, line: int, column: int,
                                            words: str) -> None:
    """Malformed HCL is one SL001 with the position in the message and in the finding."""
    [finding] = scan(text, name="x.tf", everything=True).check()
    assert (finding.code, finding.line, finding.column) == ("SL001", line, column)
    assert words in finding.message and "column" not in finding.message


def test_terraform_heredocs_and_other_resources_are_skipped() -> None:
    """Heredocs, splats, conditionals and unrelated resources do not disturb the reader."""
    text = """
locals { q = <<-EOT
    select 1 -- } not a brace
  EOT
}
resource "segment_destination_subscription" "s" {
  trigger = var.on ? "a" : "b"
  ids     = aws_instance.web[*].id
  lifecycle { ignore_changes = [settings] }
  reverse_etl_schedule = { strategy = "MANUAL", config = null }
}
"""
    result = scan(text, name="x.tf")
    assert result.check() == []
    assert result.schedules[0].doc == {"strategy": "MANUAL", "config": None}


def test_hcl_duplicate_key_in_jsonencode() -> None:
    """A key written twice inside jsonencode({...}) is SL003 at the second one."""
    text = ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
            '    strategy = "PERIODIC"\n'
            '    config = jsonencode({ interval = "1h", interval = "2h" })\n  }\n}\n')
    assert codes(scan(text, name="x.tf").check()) == [
        ("SL003", 4, 44, "/resource/segment_destination_subscription/s/reverse_etl_schedule"
                         "/config/interval")]


# -- kinds, directories, reading ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "kind"), [
    ("a.JSON", "", "json"), ("a.yml", "", "yaml"), ("a.tf", "", "terraform"),
    ("-", "{}", "json"), ("-", 'resource "x" "y" {}', "terraform"), ("-", "a: 1", "yaml"),
])
def test_kind_of(name: str, text: str, kind: str) -> None:
    """Suffixes decide; standard input is sniffed."""
    assert kind_of(name, text) == kind


def test_read_file_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Missing files and directories are unreadable (SL901); huge files are SL904."""
    missing = read_file(tmp_path / "nope.json")
    assert missing.unreadable and missing.findings[0].code == "SL901"
    assert read_file(tmp_path).unreadable
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"strategy": "manual", "pad": "x" * 100}))
    monkeypatch.setattr("schedulelib.lint.sources.reading.MAX_BYTES", 50)
    assert [f.code for f in read_file(big).findings] == ["SL904"]


def test_iter_files_skips_hidden_and_dependency_folders(tmp_path: Path) -> None:
    """A directory search finds the three kinds, sorted, and skips .git and node_modules."""
    for rel in ["b.tf", "a.json", "c.yaml", "x.txt", ".git/d.json", "node_modules/e.json",
                "sub/f.yml"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_files(tmp_path)] == [
        "a.json", "b.tf", "c.yaml", "sub/f.yml"]


# -- never a traceback --------------------------------------------------------------------------


@given(st.one_of(st.text(max_size=120), st.binary(max_size=120)),
       st.sampled_from(["json", "yaml", "terraform"]))
def test_arbitrary_text_never_raises(text: str | bytes, kind: str) -> None:
    """Any text, of any kind, gives findings, never an exception; positions are 1-based."""
    for finding in scan(text, name="f", kind=kind,  # type: ignore[arg-type]
                        everything=True).check():
        assert finding.line >= 1 and finding.column >= 1


HCL_PIECES = st.sampled_from([
    "resource", '"segment_destination_subscription"', '"x"', "{", "}", "[", "]", "(", ")",
    "=", ":", ",", "\n", "reverse_etl_schedule", "strategy", "config", "jsonencode",
    '"PERIODIC"', '"1h"', "null", "var.x", "1", "-", "# c\n", "/* c */", '"${a}"', "<<EOT\nx\nEOT",
    "schedule_strategy", '"segment_reverse_etl_model"', "for", "interval",
])


@given(st.lists(HCL_PIECES, max_size=40).map(" ".join))
def test_hcl_token_soup_never_raises(text: str) -> None:
    """Near-HCL built from the reader's own tokens never makes it raise."""
    scan(text, name="f.tf", everything=True).check()
