"""--fix writes only where it may, and never reports a file it could not write as fixed."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedulelib.cli.main import cli
from schedulelib.lint.fix import NotWritableError, fix_file, remove_leftovers, write_fixed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _doc(*intervals: str) -> str:
    return json.dumps({"subscriptions": [
        {"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": i}}}
        for i in intervals]}, indent=1) + "\n"


def _summary_and_findings(out: str) -> tuple[dict[str, object], list[tuple[object, ...]]]:
    data = json.loads(out)
    return data["summary"], [(f["file"], f["line"], f["column"], f["code"], f["message"])
                             for f in data["findings"]]


def _refuse_replace(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    real_replace = os.replace

    def refuse(source: str, target: str) -> None:
        if str(target).endswith(suffix):
            raise PermissionError(13, "Permission denied")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", refuse)


# -- a write that fails: the report is the file as it stands ------------------------------------

# Fixable (1d, 2d), not fixable (5m, 1w), clean (1h): every mix is reported as plain validate
# reports the untouched file.
INTERVALS = st.lists(st.sampled_from(["1d", "2d", "1d12h", "5m", "1w", "1h", "24h", "x"]),
                     min_size=1, max_size=4)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(INTERVALS)
@example(["1d"])  # the case: all fixable, the fixed text is clean
@example(["1d", "5m"])
def test_a_failed_write_reports_the_file_as_plain_validate_does(
        tmp_path_factory: pytest.TempPathFactory, intervals: list[str]) -> None:
    """When the rename fails, the JSON report equals a plain validate of the unchanged files
    (the oracle) and says the run is incomplete, with exit 2."""
    folder = tmp_path_factory.mktemp("t")
    (folder / "a.json").write_text(_doc(*intervals))
    (folder / "b.json").write_text(_doc("2d", "5m"))
    before = (folder / "a.json").read_text()
    expected_status, plain, _ = run("validate", "--format", "json", str(folder))
    with pytest.MonkeyPatch.context() as mp:
        _refuse_replace(mp, "a.json")
        status, out, err = run("validate", "--fix", "--format", "json", str(folder))
    assert (folder / "a.json").read_text() == before
    summary, findings = _summary_and_findings(out)
    _, oracle = _summary_and_findings(plain)
    fixed_b = run("validate", "--format", "json", str(folder / "b.json"))[1]
    on_disk = [f for f in oracle if str(f[0]).endswith("a.json")] + _summary_and_findings(
        fixed_b)[1]
    assert findings == on_disk
    changed = "1d" in intervals or "2d" in intervals or "1d12h" in intervals
    if changed:
        assert status == 2 and summary["complete"] is False
        assert "a.json: not fixed: Permission denied" in err
    else:  # nothing to write in a.json: the run is as plain validate's, b.json fixed
        assert "a.json" not in err and summary["complete"] is True
        assert status == (1 if on_disk else 0) and expected_status in (0, 1)


def test_a_failed_write_never_says_no_problems(tree: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    """The issue's case in text: the file keeps its error, and the report shows it."""
    _refuse_replace(monkeypatch, "a.json")
    status, out, err = run("validate", "--fix", str(tree / "a.json"))
    assert status == 2
    assert "no problems" not in out
    assert "SL202" in out and "a.json: not fixed" in err


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a.json").write_text(_doc("1d"))
    return tmp_path


# -- read-only files ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555], ids=["0444", "0400", "0555"])
def test_a_read_only_file_is_left_alone_with_exit_2(tree: Path, mode: int) -> None:
    """docs/cli.md: a file that cannot be written is left alone, reported, exit 2; even though
    the directory would let os.replace swap it."""
    path = tree / "a.json"
    before = path.read_bytes()
    path.chmod(mode)
    try:
        status, out, err = run("validate", "--fix", "--format", "json", str(tree))
        assert status == 2
        assert path.read_bytes() == before
        assert stat.S_IMODE(path.stat().st_mode) == mode
        assert f"not fixed: the file is read-only (mode {mode:04o})" in err
        summary, findings = _summary_and_findings(out)
        assert summary["complete"] is False and [f[3] for f in findings] == ["SL202"]
    finally:
        path.chmod(0o644)


def test_write_fixed_refuses_a_read_only_file(tree: Path) -> None:
    path = tree / "a.json"
    result = fix_file(path, write=False)
    path.chmod(0o444)
    try:
        with pytest.raises(NotWritableError, match="read-only"):
            write_fixed(result)
    finally:
        path.chmod(0o644)
    write_fixed(result)
    assert '"24h"' in path.read_text()


# -- symbolic links -----------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "tree").mkdir()
    (tmp_path / "outside").mkdir()
    victim = tmp_path / "outside" / "victim.json"
    victim.write_text(_doc("1d"))
    (tmp_path / "tree" / "link.json").symlink_to("../outside/victim.json")
    (tmp_path / "tree" / "own.json").write_text(_doc("2d"))
    (tmp_path / "tree" / "inner.json").symlink_to("own.json")
    return tmp_path / "tree", victim


def test_a_link_out_of_the_tree_is_read_but_not_written(linked: tuple[Path, Path]) -> None:
    """The outside file keeps its text; the link is reported with why; the file inside (and a
    link to it) is fixed; the run says it is incomplete."""
    folder, victim = linked
    before = victim.read_text()
    status, out, err = run("validate", "--fix", "--format", "json", str(folder))
    assert victim.read_text() == before
    assert status == 2
    assert "link.json: not fixed: it is a symbolic link to" in err and "outside" in err
    assert '"48h"' in (folder / "own.json").read_text()
    assert (folder / "inner.json").is_symlink()
    summary, findings = _summary_and_findings(out)
    assert summary["complete"] is False
    assert [(Path(str(f[0])).name, f[3]) for f in findings] == [("link.json", "SL202")]


def test_a_link_named_itself_is_followed(linked: tuple[Path, Path]) -> None:
    """Naming the link names its target: it is fixed through, and stays a link."""
    folder, victim = linked
    status, _, _ = run("validate", "--fix", str(folder / "link.json"))
    assert status == 0
    assert '"24h"' in victim.read_text() and (folder / "link.json").is_symlink()


def test_write_fixed_within(linked: tuple[Path, Path]) -> None:
    folder, victim = linked
    result = fix_file(folder / "link.json", write=False)
    with pytest.raises(NotWritableError, match="symbolic link"):
        write_fixed(result, within=folder)
    write_fixed(result, within=victim.parent)
    assert '"24h"' in victim.read_text()


# -- kill -9 --------------------------------------------------------------------------------------

_HOLD = textwrap.dedent("""
    import os, sys, time
    from schedulelib.lint.fix import fix_file
    def hold(source, target):  # stop between writing the new text and the rename
        print("ready", flush=True)
        time.sleep(60)
    os.replace = hold
    fix_file(sys.argv[1])
""")


def test_a_kill_9_leaves_nothing_after_the_next_run(tree: Path) -> None:
    """A real SIGKILL between the temporary file and the rename leaves it behind; the next
    --fix removes it (and fixes the file), and a living process's file is never touched."""
    path = tree / "a.json"
    child = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        leftovers = [p.name for p in tree.iterdir() if p.name.endswith(".schedulelib.tmp")]
        assert leftovers == [f".a.json.{child.pid}.0.schedulelib.tmp"]
        # While the process lives its file is its own.
        assert remove_leftovers(path) == 0
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert any(p.name.endswith(".schedulelib.tmp") for p in tree.iterdir())
    status, _, _ = run("validate", "--fix", str(tree))
    assert status == 0
    assert sorted(p.name for p in tree.iterdir()) == ["a.json"]
    assert '"24h"' in path.read_text()


def test_leftovers_go_even_when_nothing_is_left_to_fix(tree: Path) -> None:
    """A clean file's leftover (the fix was killed after another run fixed it) goes too; files
    that only look alike stay."""
    path = tree / "a.json"
    path.write_text(_doc("1h"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ours = tree / f".a.json.{dead.pid}.3.schedulelib.tmp"
    ours.write_text("partial")
    others = [tree / ".a.json.x.0.schedulelib.tmp",
              tree / f".b.json.{dead.pid}.0.schedulelib.tmp",
              tree / f"a.json.{dead.pid}.0.schedulelib.tmp"]
    for other in others:
        other.write_text("not ours")
    assert run("validate", "--fix", str(tree))[0] == 0
    assert not ours.exists() and all(o.exists() for o in others)


def _tf(literal: str) -> str:
    return ('variable "interval" {}\n\n'
            'resource "segment_destination_subscription" "a" {\n  reverse_etl_schedule = {\n'
            f'    strategy = "PERIODIC"\n    config = jsonencode({{ interval = "{literal}" }})\n'
            "  }\n}\n\n"
            'resource "segment_destination_subscription" "b" {\n  reverse_etl_schedule = {\n'
            '    strategy = "PERIODIC"\n    config = jsonencode({ interval = var.interval })\n'
            "  }\n}\n")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["1d", "2d", "1d12h"]), st.sampled_from(["5m", "1h", "1d", "x"]))
@example("1d", "5m")  # a finding placed in the .tfvars file, known only with --var-file
def test_a_failed_write_of_terraform_is_checked_with_the_var_files(
        tmp_path_factory: pytest.TempPathFactory, literal: str, value: str) -> None:
    """The file as it stands is checked as the run checked it (--var-file included): the
    report equals plain validate's, in its order."""
    folder = tmp_path_factory.mktemp("tf")
    (folder / "main.tf").write_text(_tf(literal))
    (folder / "prod.tfvars").write_text(f'interval = "{value}"\n')
    files = ("--var-file", str(folder / "prod.tfvars"), str(folder / "main.tf"))
    _, plain, _ = run("validate", "--format", "json", *files)
    (folder / "main.tf").chmod(0o444)
    try:
        status, out, err = run("validate", "--fix", "--format", "json", *files)
    finally:
        (folder / "main.tf").chmod(0o644)
    assert status == 2 and "main.tf: not fixed: the file is read-only" in err
    assert _summary_and_findings(out)[1] == _summary_and_findings(plain)[1]
    assert _summary_and_findings(out)[0]["complete"] is False


def test_the_current_folder_named_keeps_links_in_and_named_files_outside_fixed(
        linked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate --fix . ../outside/victim.json`: the link found in '.' is not written
    through, the file named outside '.' is fixed."""
    folder, victim = linked
    monkeypatch.chdir(folder)
    status, _, err = run("validate", "--fix", ".", "../outside/victim.json")
    assert '"24h"' in victim.read_text()  # named: fixed (the link to it is the same file)
    assert '"48h"' in (folder / "own.json").read_text()
    assert status == 0, err
