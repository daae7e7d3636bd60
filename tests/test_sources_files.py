"""Reading files as they are found on disk: which files are judged at all, special files,
links, directories that cannot be searched, odd bytes and numbers."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from schedulelib import scan_paths
from schedulelib.cli.main import main
from schedulelib.lint.sources import iter_files, read_file, relevance, scan

from .test_sources_precommit import UNRELATED

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file system features")
SCHEDULE = json.dumps({"reverseETLSchedule": {"strategy": "periodic",
                                              "config": {"interval": "1h"}}})


def validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


# -- which files are about schedules (D23) -------------------------------------------------------


@pytest.mark.parametrize(("text", "level"), [
    *[(text, 0) for text in UNRELATED.values()],
    ('{"reverseETLSchedule": {"strategy": "manual"}}', 2),
    ("subscriptions:\n  - reverseETLSchedule: ~\n", 2),
    ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = null\n}\n', 2),
    ('resource "segment_reverse_etl_model" "m" {\n  schedule_strategy = ""\n}\n', 2),
    ('resource "segment_reverse_etl_model" "m" {\n  source_id = "s"\n}\n', 2),
    ('{"strategy": "manual"}', 1),
    ('{\n  "strategy" : "cron"}', 1),
    ("strategy: periodic\nconfig: {interval: 1h}\n", 1),
    ("{strategy: manual}\n", 1),
    ("jobs:\n  a:\n    strategy:\n      matrix: {}\n", 0),
    ("spec:\n  strategy:\n    type: Recreate\n", 0),
    ('{"rangeStrategy": "pin"}', 0),
], ids=[*UNRELATED, "json-wrapper", "yaml-wrapper", "terraform", "terraform-model",
        "terraform-model-unscheduled", "bare-json",
        "bare-json-spaced", "bare-yaml", "bare-flow", "workflow-matrix", "deployment",
        "renovate"])
def test_relevance(text: str, level: int) -> None:
    """Schedule keys are sure signs (2); a top-level-looking strategy key a weak one (1)."""
    assert relevance(text) == level
    assert relevance(text.encode()) == level


def test_relevance_of_marked_and_utf16_text() -> None:
    """A byte order mark before a bare schedule's first key, or UTF-16, hides nothing."""
    bare = "strategy: manual\n"
    assert relevance(b"\xef\xbb\xbf" + bare.encode()) == 1
    assert relevance("\ufeff" + bare) == 1
    assert relevance(bare.encode("utf-16")) == 1
    assert relevance('{"reverseETLSchedule": null}'.encode("utf-16")) == 2
    assert relevance("name: x\n".encode("utf-16")) == 0
    [finding] = scan(bare.encode("utf-16"), name="s.yaml").check()
    assert finding.code == "SL901" and "not UTF-8" in finding.message
    assert scan(b"\xef\xbb\xbf" + bare.encode(), name="s.yaml").check() == []


@pytest.mark.parametrize("text", [
    *UNRELATED.values(),
    '{"spec": {"strategy": {"type": "RollingUpdate"}}, "a": 1, "a": 2}',  # weak, no schedule
    "\x00\xff binary",
], ids=[*UNRELATED, "kubernetes-json", "binary"])
def test_files_not_about_schedules_get_no_finding(text: str) -> None:
    """Whatever their syntax (comments in JSON, Helm templates, duplicate keys, empty), files
    that are not about schedules are skipped with no finding, named or not."""
    for named in (True, False):
        result = scan(text.encode("latin-1"), name="f.yaml", named=named)
        assert result.skipped and result.check() == [] and not result.unreadable


def test_a_file_about_schedules_that_does_not_parse_is_sl001() -> None:
    """Passing the test and failing to parse: SL001 with its position."""
    [finding] = scan('{"reverseETLSchedule": {"strategy": "manual",}}', name="x.json").check()
    assert (finding.code, finding.line, finding.column) == ("SL001", 1, 46)


def test_summary_counts_skipped_files(tmp_path: Path) -> None:
    """Named unrelated files are skipped silently, counted in the summary; --strict passes."""
    (tmp_path / "package.json").write_text('{"name": "x", "name": "y"}')
    (tmp_path / "s.json").write_text(SCHEDULE)
    code, out, _ = validate("--strict", str(tmp_path / "package.json"), str(tmp_path / "s.json"))
    assert code == 0 and out == "checked 1 schedule in 1 file (1 skipped): no problems\n"


# -- special files and links --------------------------------------------------------------------


@POSIX
def test_a_named_fifo_is_an_error_and_never_blocks(tmp_path: Path) -> None:
    """A FIFO named on the command line is SL901 (exit 2), read without waiting for a writer."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = read_file(fifo)
    assert result.unreadable and "named pipe (FIFO), not a regular file" in \
        result.findings[0].message
    code, out, _ = validate(str(fifo))
    assert code == 2 and "SL901" in out


@POSIX
def test_special_files_and_broken_links_in_a_directory_are_skipped_with_a_note(
        tmp_path: Path) -> None:
    """Inside a searched directory: FIFO, link loop and dangling link are notes, not errors."""
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "s.json").write_text(SCHEDULE)
    scans = {Path(s.file).name: s for s in scan_paths([str(tmp_path)])}
    assert {name: s.note for name, s in scans.items() if s.skipped} == {
        "pipe.json": "skipped: a named pipe (FIFO), not a regular file",
        "loop.json": "skipped: a symbolic link loop, not a regular file",
        "dangling.yaml": "skipped: a symbolic link to nothing, not a regular file"}
    assert len(scans["s.json"].schedules) == 1
    code, out, err = validate(str(tmp_path))
    assert code == 0 and "(3 skipped)" in out and "loop.json: skipped" in err


@POSIX
@pytest.mark.parametrize(("name", "words"), [
    ("loop.json", "is a symbolic link loop"),
    ("dangling.json", "does not exist"),
], ids=["loop", "dangling"])
def test_named_broken_links_are_errors(tmp_path: Path, name: str, words: str) -> None:
    """Named on the command line, a link loop or a dangling link is SL901 and exit 2."""
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    result = read_file(tmp_path / name)
    assert result.unreadable and words in result.findings[0].message
    code, out, _ = validate(str(tmp_path / name))
    assert code == 2 and "Traceback" not in out


@POSIX
def test_a_named_device_is_an_error() -> None:
    """/dev/null is a character device: refused, not read."""
    result = read_file("/dev/null")
    assert result.unreadable and "character device" in result.findings[0].message


# -- directories that cannot be searched ----------------------------------------------------------


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make listing ``denied`` fail as it does for a user without permission (tests may run
    as root, for whom permissions do not apply)."""
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


def test_a_directory_that_cannot_be_listed_is_an_error(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A subdirectory that cannot be listed is SL901 naming it, and the exit status is 2;
    the other files are still checked."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "s.json").write_text(SCHEDULE)
    _deny(monkeypatch, tmp_path / "locked")
    errors: list[object] = []
    assert list(iter_files(tmp_path, errors)) == [tmp_path / "s.json"]  # type: ignore[arg-type]
    code, out, _ = validate(str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'locked'}: error SL901 the directory cannot be searched: permission " \
           "denied" in out
    assert "checked 1 schedule" in out


def test_a_named_directory_that_cannot_be_listed_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate locked/ used to say "no problems" and exit 0."""
    _deny(monkeypatch, tmp_path)
    code, out, _ = validate(str(tmp_path))
    assert code == 2 and "cannot be searched" in out


@POSIX
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root reads every directory")
def test_real_permissions(tmp_path: Path) -> None:
    """With real permissions: a directory without read or search permission is an error."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "s.json").write_text(SCHEDULE)
    locked.chmod(0)
    try:
        assert validate(str(tmp_path))[0] == 2
        assert validate(str(locked / "s.json"))[0] == 2
    finally:
        locked.chmod(0o700)


def test_a_file_that_cannot_be_opened_is_an_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A file under a directory that cannot be searched: SL901, exit 2, never a traceback."""
    path = tmp_path / "s.json"
    path.write_text(SCHEDULE)
    real = os.open

    def denied(name: object, *args: object, **kwargs: object) -> int:
        if Path(str(name)) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    result = read_file(path)
    assert result.unreadable and result.findings[0].message == \
        "the file cannot be read: permission denied"


# -- odd bytes and numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code", "words"), [
    ('{"strategy": "periodic", "config": {"interval": ' + "9" * 5000 + "}}", "SL008",
     "5,000 digits"),
    ('{"strategy": "periodic", "config": {"interval": -' + "1" * 4400 + "}}", "SL008",
     "4,400 digits"),
    ('{"strategy": "periodic", "config": {"interval": 1e999}}', "SL008", "64-bit float"),
    ('{"strategy": "periodic", "config": {"interval": 1' + "0" * 400 + ".5}}", "SL008",
     "64-bit float"),
], ids=["int", "negative-int", "exponent", "long-float"])
def test_numbers_python_cannot_hold_are_findings(text: str, code: str, words: str) -> None:
    """JSON numbers past int's digit limit or float's range: SL008 at the number, not raised;
    the schedule is not checked further."""
    result = scan(text, name="x.json")
    [finding] = result.check()
    assert (finding.code, finding.column) == (code, 49) and words in finding.message
    assert not result.schedules[0].static


def test_a_long_number_that_fits_is_fine() -> None:
    """300 digits is a lot but readable: checked as usual (SL201, not SL008)."""
    text = '{"strategy": "periodic", "config": {"interval": ' + "1" * 300 + "}}"
    assert [f.code for f in scan(text, name="x.json").check()] == ["SL201"]


def test_huge_files_are_judged_on_what_was_read(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the size limit: SL904 if the head is about schedules, else skipped."""
    monkeypatch.setattr("schedulelib.lint.sources.reading.MAX_BYTES", 100)
    (tmp_path / "log.json").write_text('{"x": "' + "a" * 500 + '"}')
    (tmp_path / "s.json").write_text(SCHEDULE + " " * 500)
    assert read_file(tmp_path / "log.json").skipped
    assert [f.code for f in read_file(tmp_path / "s.json").findings] == ["SL904"]


@given(st.binary(max_size=200), st.sampled_from(["json", "yaml", "terraform"]),
       st.sampled_from([b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf"]))
def test_any_bytes_after_schedule_keys_never_raise(data: bytes, kind: str, bom: bytes) -> None:
    """Bytes that pass the test (a schedule key first) never make a reader raise."""
    text = bom + b'{"reverseETLSchedule": ' + data
    result = scan(text, name="x", kind=kind)  # type: ignore[arg-type]
    for finding in result.check():
        assert finding.line >= 1 and finding.end_line >= finding.line


@pytest.mark.parametrize("kind", ["json", "yaml", "terraform"])
def test_a_lone_surrogate_in_text_is_a_finding(kind: str) -> None:
    """Text given to the API may hold a lone surrogate (no file can): SL901 at it."""
    [finding] = scan("reverseETLSchedule: \ud800\n", name="x", kind=kind).check()  # type: ignore[arg-type]
    assert (finding.code, finding.line, finding.column) == ("SL901", 1, 21)


def test_a_snapshot_may_be_larger_than_configuration(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A `pull` snapshot (its marker key near the start) is read up to its own, larger limit."""
    from schedulelib.workspace.snapshot import MARK

    monkeypatch.setattr("schedulelib.lint.sources.reading.MAX_BYTES", 200)
    monkeypatch.setattr("schedulelib.lint.sources.reading.SNAPSHOT_MAX_BYTES", 2000)
    schedule = {"strategy": "periodic", "config": {"interval": "5m"}}
    subscription = {"name": "s", "reverseETLSchedule": schedule, "syncs": [], "pad": "x" * 400}
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps({MARK: 1, "destinations": [{"subscriptions": [subscription]}]}))
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"subscriptions": [subscription]}))
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({MARK: 1, "reverseETLSchedule": schedule, "pad": "x" * 3000}))
    assert [f.code for f in read_file(snapshot).check()] == ["SL203"]
    assert [f.message for f in read_file(plain).check()] == [
        "the file is larger than 0 MiB; not read"]
    [too_big] = read_file(huge).check()
    assert too_big.code == "SL904"
