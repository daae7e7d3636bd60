"""Schedule files in UTF-16 or UTF-32, with or without a byte order mark, and named binary
files: each is reported (SL901), never skipped as "not about schedules"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedulelib import scan_file
from schedulelib.cli.main import cli
from schedulelib.lint.sources import read_file, scan

# Python's codecs are the oracle: each writes its byte order mark or not, as named.
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
NAMES = {"utf-16": "UTF-16LE", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE",
         "utf-32": "UTF-32LE", "utf-32-le": "UTF-32LE", "utf-32-be": "UTF-32BE"}

INTERVALS = st.from_regex(r"[0-9]{1,3}[smhd]", fullmatch=True)
DOCS = st.one_of(
    INTERVALS.map(lambda i: json.dumps({"reverseETLSchedule": {
        "strategy": "periodic", "config": {"interval": i}}})),
    INTERVALS.map(lambda i: f"reverseETLSchedule:\n  strategy: periodic\n  config:\n"
                            f"    interval: '{i}'\n"),
    INTERVALS.map(lambda i: f"strategy: periodic\nconfig:\n  interval: {i}\n"),
    INTERVALS.map(lambda i: 'resource "segment_destination_subscription" "s" {\n'
                            '  reverse_etl_schedule = {\n    strategy = "PERIODIC"\n'
                            f'    config = jsonencode({{ interval = "{i}" }})\n  }}\n}}\n'),
)


def _suffix(doc: str) -> str:
    return ".json" if doc.startswith("{") else ".tf" if doc.startswith("resource") else ".yaml"


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DOCS, st.sampled_from(ENCODINGS), st.booleans())
@example('{"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "5m"}}}',
         "utf-32", True)  # the case
@example('{"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "5m"}}}',
         "utf-16-le", True)
def test_wide_text_is_sl901_named_or_found(tmp_path_factory: pytest.TempPathFactory, doc: str,
                                           encoding: str, named: bool) -> None:
    """A schedule file in any UTF-16/32 form gets one SL901 naming the encoding, named or
    found by a directory search, just as UTF-16 with a byte order mark did."""
    folder = tmp_path_factory.mktemp("e")
    path = folder / f"s{_suffix(doc)}"
    path.write_bytes(doc.encode(encoding))
    result = read_file(path, named=named)
    assert not result.skipped
    [finding] = result.findings
    assert finding.code == "SL901"
    assert f"not UTF-8 text: it is {NAMES[encoding]}" in finding.message
    # The same text in UTF-8 is read: the encoding was the only problem.
    assert not any(f.code == "SL901" for f in scan(doc.encode(), name=path.name).check())


def test_the_command_counts_a_wide_file_as_a_problem(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_bytes('{"interval": "5m", "strategy": "periodic"}'.encode(
        "utf-32"))
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "s.json")])
    assert result.exit_code == 1  # as UTF-16 with a byte order mark always was
    assert "SL901" in result.stdout and "no problems" not in result.stdout


@pytest.mark.parametrize("text", ["name: x\n", '{"a": 1}'], ids=["yaml", "json"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_wide_text_not_about_schedules_is_still_none_of_our_business(
        tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(text.encode(encoding))
    assert read_file(path, named=True).skipped
    assert read_file(path, named=False).skipped


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200), st.binary(max_size=200))
@example(b"\x89PNG\r\n\x1a\n", b"IHDR")
@example(b"", b"")
@example(b'{"a": 1}', b"")
def test_a_named_file_with_a_nul_near_its_start_is_sl901(
        tmp_path_factory: pytest.TempPathFactory, before: bytes, after: bytes) -> None:
    """Named: SL901 saying where the NUL is (unless it is real UTF-16/32 text); found by a
    search: skipped or read, never an exception."""
    data = before + b"\0" + after
    path = tmp_path_factory.mktemp("b") / "x.json"
    path.write_bytes(data)
    found = read_file(path, named=False)  # never raises
    assert found.skipped or found.text is not None or found.findings
    named = scan_file(path)
    # Text (printable characters and white space) in some UTF-16/32 form may be read as
    # text; anything else holding a NUL is binary.
    wide = False
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        try:
            text = data.decode(codec).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
        wide = wide or "".join(c for c in text if c not in "\t\r\n").isprintable()
    if not wide:
        assert any(f.code == "SL901" for f in named.findings)


def test_the_nul_message(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'{"strategy": "manual"}\0')
    [finding] = read_file(path).findings
    assert finding.message == ("the file holds a NUL byte at offset 22: it is not JSON, YAML "
                               "or Terraform text")
