"""The public scanning API: every schedule in a file, with its place and its findings."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import schedulelib
from schedulelib import ScannedFile, check, scan_file, scan_paths, scan_text
from schedulelib.lint.sources import read_file

from .conftest import ROOT

AS_OF = datetime(2026, 1, 15, tzinfo=UTC)

JSON_FILE = json.dumps({"subscriptions": [
    {"name": "hourly", "reverseETLSchedule": {"strategy": "periodic",
                                              "config": {"interval": "1h"}}},
    {"name": "daily", "reverseETLSchedule": {"strategy": "periodic",
                                             "config": {"interval": "1d"}}},
]}, indent=2)
YAML_FILE = """\
subscriptions:
  - name: weekday mornings
    reverseETLSchedule:
      strategy: cron
      config: {spec: "0 9 * * 1-5", timezone: US/Eastern}
  - name: off
    reverseETLSchedule: null
"""
TF_FILE = """\
resource "segment_destination_subscription" "nightly" {
  name = "Nightly"
  reverse_etl_schedule = {
    strategy = "CRON"
    config   = jsonencode({ spec = "0,50 * * * *", timezone = "UTC" })
  }
}
resource "segment_destination_subscription" "later" {
  reverse_etl_schedule = { strategy = var.strategy, config = null }
}
"""


def _offset(text: str, line: int, column: int) -> int:
    return sum(len(x) + 1 for x in text.split("\n")[: line - 1]) + column - 1


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("x.json", JSON_FILE, [("hourly", "/subscriptions/0/reverseETLSchedule", []),
                           ("daily", "/subscriptions/1/reverseETLSchedule", ["SL202"])]),
    ("x.yaml", YAML_FILE, [("weekday mornings", "/subscriptions/0/reverseETLSchedule",
                            ["SL504"])]),
    ("x.tf", TF_FILE, [("Nightly", "/resource/segment_destination_subscription/nightly/"
                        "reverse_etl_schedule", ["SL407"]),
                       ("segment_destination_subscription.later",
                        "/resource/segment_destination_subscription/later/"
                        "reverse_etl_schedule", ["SL903"])]),
], ids=["json", "yaml", "terraform"])
def test_each_schedule_has_its_name_pointer_and_findings(
        name: str, text: str, expected: list[tuple[str, str, list[str]]]) -> None:
    """Each schedule carries its kind, name, file pointer and its own findings."""
    result = scan_text(text, name=name, as_of=AS_OF)
    assert [(s.name, s.pointer, [f.code for f in s.findings]) for s in result.schedules] \
        == expected
    assert {s.kind for s in result.schedules} == {result.kind}
    assert list(result.findings) == [f for s in result.schedules for f in s.findings]


@pytest.mark.parametrize(("name", "text", "load"), [
    ("x.json", JSON_FILE, json.loads),
    ("x.yaml", YAML_FILE, yaml.safe_load),
    ("x.yaml", YAML_FILE.replace("\n", "\r\n"), yaml.safe_load),
], ids=["json", "yaml", "yaml-crlf"])
def test_start_and_end_enclose_the_schedule(name: str, text: str,
                                            load: object) -> None:
    """text[start:end] re-reads as the schedule, and line/column name the same places."""
    result = scan_text(text, name=name)
    assert result.text == text
    for s in result.schedules:
        assert s.static
        written = text[s.start: s.end]
        assert load(" " * (s.column - 1) + written) == s.document  # type: ignore[operator]
        flat = text.replace("\r\n", "\n")
        if flat == text:
            assert _offset(text, s.line, s.column) == s.start
            assert _offset(text, s.end_line, s.end_column) == s.end


def test_terraform_span_and_unknown_document() -> None:
    """A Terraform schedule spans its object; one known only at apply time has no document."""
    result = scan_text(TF_FILE, name="main.tf")
    nightly, later = result.schedules
    assert TF_FILE[nightly.start: nightly.end].startswith("{\n    strategy = \"CRON\"")
    assert TF_FILE[nightly.start: nightly.end].endswith("}")
    assert nightly.document == {"strategy": "CRON",
                                "config": {"spec": "0,50 * * * *", "timezone": "UTC"}}
    assert (later.static, later.document) == (False, None)


SCHEDULES = st.one_of(
    st.fixed_dictionaries({"strategy": st.sampled_from(["periodic", "PERIODIC"]),
                           "config": st.fixed_dictionaries({"interval": st.sampled_from(
                               ["1h", "1d", "10m", "90m", "168h", 60, "1h30m"])})}),
    st.fixed_dictionaries({"strategy": st.just("cron"), "config": st.fixed_dictionaries({
        "spec": st.sampled_from(["*/15 * * * *", "0,50 1 * * *", "@daily", "0 9 ? * 1"]),
        "timezone": st.sampled_from(["UTC", "America/New_York", "US/Eastern", "Mars/Base"])})}),
    st.fixed_dictionaries({"strategy": st.just("specific_days"), "config": st.fixed_dictionaries({
        "days": st.lists(st.sampled_from([0, 1, 6, 7, 1.0, "2"]), max_size=8),
        "hours": st.lists(st.integers(-1, 24), min_size=1, max_size=3),
        "timezone": st.just("Europe/Berlin")})}),
    st.dictionaries(st.sampled_from(["strategy", "config", "extra"]), st.none(), max_size=3),
)


@given(SCHEDULES, st.sampled_from(["x.json", "x.yaml"]))
def test_findings_are_those_of_check(doc: dict[str, object], name: str) -> None:
    """A schedule's findings are exactly check()'s, as of the date given."""
    wrapped = {"reverseETLSchedule": doc}
    text = json.dumps(wrapped) if name.endswith(".json") else yaml.safe_dump(wrapped)
    [found] = scan_text(text, name=name, as_of=AS_OF).schedules
    assert [(f.code, f.pointer, f.message) for f in found.findings] == \
        [(d.code, d.path, d.message) for d in check(wrapped, as_of=AS_OF)]


def _config_files() -> list[Path]:
    return sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".json", ".yaml", ".tf"))


@pytest.mark.parametrize("path", _config_files(), ids=lambda p: p.name)
def test_the_same_findings_as_validate(path: Path, tmp_path: Path) -> None:
    """scan_file reports what validate's engine reports, in the same order."""
    broken = tmp_path / path.name
    broken.write_text(path.read_text().replace("America/Chicago", "US/Central")
                      .replace('"0 ', '"0,50 '))
    for file in (path, broken):
        assert list(scan_file(file).findings) == read_file(file).check()


# -- files that cannot be read, and paths ------------------------------------------------------


@pytest.mark.parametrize(("make", "words"), [
    (lambda p: p, "does not exist"),
    (lambda p: (p.mkdir(), p)[1], "is a directory"),
    (lambda p: (p.write_bytes(b'{"strategy": "\xff"}'), p)[1], "not UTF-8"),
], ids=["missing", "directory", "not-utf8"])
def test_unreadable_files_are_findings(tmp_path: Path, make: object, words: str) -> None:
    """A file that cannot be read gives an SL901 finding, never an exception."""
    path = make(tmp_path / "config.json")  # type: ignore[operator]
    result = scan_file(path)
    [finding] = result.findings
    assert (finding.code, result.schedules) == ("SL901", ())
    assert words in finding.message
    assert not result.ok


def test_scan_paths_searches_directories_once(tmp_path: Path) -> None:
    """Directories are searched, each file is scanned once, and a file named is judged as
    validate judges a named file (SL905), one found by searching as a found one."""
    (tmp_path / "a.json").write_text('{"strategy": "manual"}')
    (tmp_path / "empty.json").write_text('{"name": "no schedule"}')
    (tmp_path / "notes.txt").write_text("not configuration")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.json").write_text('{"strategy": "manual"}')
    found = list(scan_paths([tmp_path, tmp_path / "a.json", str(tmp_path / "empty.json")]))
    assert [Path(f.file).name for f in found] == ["a.json", "empty.json"]
    assert list(found[1].findings) == read_file(tmp_path / "empty.json", named=False).check()
    [named] = scan_paths([tmp_path / "empty.json"])
    assert list(named.findings) == read_file(tmp_path / "empty.json").check()


@pytest.mark.parametrize("as_type", [str, Path], ids=["str", "path"])
def test_scan_paths_takes_one_path_as_one_path(tmp_path: Path, as_type: type) -> None:
    """A single path (not a list) is that path, not a search of each of its characters."""
    (tmp_path / "a.json").write_text('{"strategy": "manual"}')
    found = list(scan_paths(as_type(tmp_path)))
    assert [Path(f.file).name for f in found] == ["a.json"]


def test_scan_paths_reports_bad_names_and_unsearchable_directories(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name with a NUL is an SL901 finding; a directory that cannot be listed too."""
    [nul] = scan_paths(["a\x00.json"])
    assert [f.code for f in nul.findings] == ["SL901"] and not nul.ok
    gone = tmp_path / "gone"
    gone.mkdir()
    scandir = os.scandir

    def vanishing(top: str) -> object:
        if os.path.isdir(gone):
            gone.rmdir()  # the directory disappears between the check and the listing
        return scandir(top)

    monkeypatch.setattr(os, "scandir", vanishing)
    [lost] = scan_paths([gone])
    assert [f.code for f in lost.findings] == ["SL901"]
    assert "cannot be searched" in lost.findings[0].message


@pytest.mark.parametrize(("text", "kind"), [
    (b'\xef\xbb\xbf{"strategy": "manual"}', "json"),
    ("strategy: manual\n", "yaml"),
    ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = '
     '{ strategy = "MANUAL", config = null }\n}\n', "terraform"),
], ids=["json-bytes-bom", "yaml-guessed", "terraform-guessed"])
def test_scan_text_guesses_the_kind(text: str | bytes, kind: str) -> None:
    """Without a suffix the kind is guessed; bytes are UTF-8 and a byte order mark is dropped."""
    result = scan_text(text)
    assert (result.kind, len(result.schedules), result.ok) == (kind, 1, True)
    assert result.text is not None and not result.text.startswith("\ufeff")


def test_text_not_about_schedules_is_skipped() -> None:
    """Text that is not about Segment schedules is skipped, with no finding."""
    result = scan_text('{"name": "a package.json"}', name="package.json")
    assert (result.skipped, result.findings, result.schedules) == (True, (), ())
    assert not scan_text(JSON_FILE, name="x.json").skipped


def test_too_large_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text over the size limit is not read (SL904)."""
    monkeypatch.setattr("schedulelib.lint.sources.MAX_BYTES", 100)
    assert [f.code for f in scan_text(" " * 101, name="x.json").findings] == ["SL904"]


def test_records_are_frozen() -> None:
    """Results are immutable records."""
    result = scan_text(JSON_FILE, name="x.json")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.file = "y"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.schedules[0].name = "y"  # type: ignore[misc]
    assert isinstance(result, ScannedFile)


def test_import_stays_light() -> None:
    """`import schedulelib` loads no reader; the scanning names load on first use."""
    code = ("import sys, schedulelib; before = sorted(m for m in sys.modules if "
            "m.startswith(('schedulelib.lint.sources', 'schedulelib.lint.scanning', 'yaml'))); "
            "schedulelib.scan_text('{\"strategy\": \"manual\"}'); "
            "print(before, 'schedulelib.lint.scanning' in sys.modules, "
            "'scan_file' in dir(schedulelib))")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    assert out.split() == ["[]", "True", "True"]
    with pytest.raises(AttributeError, match="no attribute 'scan_everything'"):
        schedulelib.scan_everything  # type: ignore[attr-defined]  # noqa: B018
