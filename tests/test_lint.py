"""``validate`` in a repository: configuration files, selection, inline ignores, --as-of, and
one file's failure never costing the others' report."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedulelib.cli.main import cli
from schedulelib.lint.sources import iter_files

# One finding each: SL407 (error), SL409 (a date-dependent warning), SL504 (a warning).
TOO_OFTEN = '{"strategy": "cron", "config": {"spec": "*/5 * * * *", "timezone": "UTC"}}\n'
DST = ('strategy: cron\nconfig:\n  spec: "0,50 1 * * *"\n  timezone: America/New_York\n')
ALIAS = '{"strategy": "cron", "config": {"spec": "0 9 * * *", "timezone": "US/Eastern"}}\n'
GOOD = '{"strategy": "periodic", "config": {"interval": "1h"}}\n'


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """The command's exit status, standard output and standard error."""
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def codes(*args: str, cwd: Path | None = None) -> list[tuple[str, str]]:
    """(file name, code) of every finding, from --format json."""
    status, out, err = run("validate", "--format", "json", *args, cwd=cwd)
    assert status in (0, 1, 2), err
    return [(Path(f["file"]).name, f["code"]) for f in json.loads(out)["findings"]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository: a bad file at the top, a DST warning and an alias warning below."""
    (tmp_path / "bad.json").write_text(TOO_OFTEN)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "dst.yaml").write_text(DST)
    (tmp_path / "sub" / "alias.json").write_text(ALIAS)
    return tmp_path


# -- selection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ([], {"SL407", "SL409", "SL504"}),
    (["--select", "SL4"], {"SL407", "SL409"}),
    (["--select", "SL4", "--ignore", "SL409"], {"SL407"}),
    (["--ignore", "SL4", "--select", "SL409"], {"SL409"}),
    (["--ignore", "SL407,SL504"], {"SL409"}),
    (["--extend-ignore", "SL5", "--extend-ignore", "sl407"], {"SL409"}),
], ids=["all", "prefix", "prefix-minus-code", "code-beats-prefix", "comma-list", "extend"])
def test_select_and_ignore(repo: Path, args: list[str], expected: set[str]) -> None:
    """Codes or prefixes; the longest matching prefix decides, as in ruff."""
    found = {code for _, code in codes("--as-of", "2026-01-01", *args, str(repo))}
    assert found == expected


@pytest.mark.parametrize("args", [
    ["--select", "SL4O9"], ["--ignore", "XY1"], ["--extend-ignore", ""],
], ids=["letter-o", "unknown", "empty-ignored"])
def test_unknown_code_on_the_command_line(repo: Path, args: list[str]) -> None:
    """An unknown code is a usage error naming it (an empty value selects nothing new)."""
    status, _, err = run("validate", *args, str(repo))
    if args[1]:
        assert status == 2 and repr(args[1]) in err
    else:
        assert status == 1


# -- configuration files ---------------------------------------------------------------------------


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": "[tool.schedulelib]\nignore = ['SL407']\n"},
     {("dst.yaml", "SL409"), ("alias.json", "SL504")}),
    ({"pyproject.toml": "[tool.schedulelib]\nignore = ['SL407']\n",
      "sub/.schedulelib.toml": "select = ['SL5']\n"},
     {("alias.json", "SL504")}),
    ({"sub/pyproject.toml": "[project]\nname = 'x'\n",
      ".schedulelib.toml": "extend-ignore = ['SL5']\n"},
     {("bad.json", "SL407"), ("dst.yaml", "SL409")}),
    ({".schedulelib.toml": "per-file-ignores = {'sub/*.yaml' = ['SL409'], 'bad.*' = ['SL4']}\n"},
     {("alias.json", "SL504")}),
    ({".schedulelib.toml": "per-file-ignores = {'*.json' = ['SL407', 'SL504']}\n"},
     {("dst.yaml", "SL409")}),
    ({".schedulelib.toml": "exclude = ['sub']\n"}, {("bad.json", "SL407")}),
    ({".schedulelib.toml": "include = ['sub/**/*.yaml']\n"}, {("dst.yaml", "SL409")}),
], ids=["pyproject", "nearest-wins", "pyproject-without-table-skipped", "per-file-globs",
        "basename-glob", "exclude-dir", "include"])
def test_configuration_found_upward(repo: Path, files: dict[str, str],
                                    expected: set[tuple[str, str]]) -> None:
    """The nearest pyproject.toml [tool.schedulelib] or .schedulelib.toml applies to a file."""
    for name, text in files.items():
        (repo / name).write_text(text)
    assert set(codes("--as-of", "2026-01-01", str(repo))) == expected


def test_config_option_and_isolated(repo: Path) -> None:
    """--config names the one file to read; --isolated reads none; both together: usage."""
    (repo / ".schedulelib.toml").write_text("ignore = ['SL4', 'SL5']\n")
    other = repo / "other.toml"
    other.write_text("select = ['SL504']\n")
    assert codes(str(repo)) == []
    assert codes("--config", str(other), str(repo)) == [("alias.json", "SL504")]
    assert {c for _, c in codes("--isolated", str(repo))} == {"SL407", "SL409", "SL504"}
    status, _, err = run("validate", "--isolated", "--config", str(other), str(repo))
    assert status == 2 and "--config and --isolated" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("found", [False, True], ids=["named", "found"])
def test_a_fifo_as_configuration_does_not_hang(repo: Path, found: bool) -> None:
    """A FIFO given to --config is a usage error; one found as .schedulelib.toml is not read."""
    fifo = repo / (".schedulelib.toml" if found else "fifo.toml")
    os.mkfifo(fifo)
    if found:
        assert {c for _, c in codes(str(repo))} == {"SL407", "SL409", "SL504"}
    else:
        status, _, err = run("validate", "--config", str(fifo), str(repo))
        assert status == 2 and "named pipe" in err


@pytest.mark.parametrize(("text", "words"), [
    ("selectt = ['SL4']\n", "unknown key 'selectt' (did you mean 'select'?)"),
    ("ignore = ['SL499']\n", "unknown rule code 'SL499'"),
    ("ignore = 'SL407'\n", "ignore must be a list of strings"),
    ("per-file-ignores = {'*.json' = ['SLX']}\n", "unknown rule code 'SLX'"),
    ("as-of = 1999\n", "as-of must be a date"),
    ("as-of = 0001-01-01\n", "out of range"),
    ("dst = 'posix'\n", "dst must be one of 'go', 'debian', 'croniter', got 'posix'"),
    ("strict = 'yes'\n", "strict must be true or false"),
    ("select = [\n", "not valid TOML"),
], ids=["unknown-key", "unknown-code", "not-a-list", "per-file-code", "as-of-number",
        "as-of-range", "dst", "strict", "bad-toml"])
@pytest.mark.parametrize("named", [False, True], ids=["directory", "file"])
def test_bad_configuration_is_an_error_naming_it(repo: Path, text: str, words: str,
                                                 named: bool) -> None:
    """An unknown key, code or value stops the run with exit 2 and names the culprit."""
    (repo / ".schedulelib.toml").write_text(text)
    status, out, err = run("validate", "--format", "json",
                           str(repo / "bad.json") if named else str(repo))
    assert status == 2 and words in err and ".schedulelib.toml" in err and out == ""


def test_pyproject_table_is_checked_too(repo: Path) -> None:
    """[tool.schedulelib] in pyproject.toml is held to the same keys."""
    (repo / "pyproject.toml").write_text("[tool.schedulelib]\nignore_codes = []\n")
    status, _, err = run("validate", str(repo))
    assert status == 2 and "pyproject.toml [tool.schedulelib]: unknown key 'ignore_codes'" in err


@pytest.mark.parametrize(("config", "args", "expected"), [
    ("", [], 0),
    ("strict = true\n", [], 1),
    ("strict = true\n", ["--no-strict"], 0),
    ("", ["--strict"], 1),
], ids=["default", "config-strict", "no-strict-overrides", "flag"])
def test_strict_from_config(tmp_path: Path, config: str, args: list[str], expected: int) -> None:
    """Warnings fail when `strict = true` or --strict; --no-strict overrides the file."""
    (tmp_path / "alias.json").write_text(ALIAS)
    (tmp_path / ".schedulelib.toml").write_text(config)
    assert run("validate", *args, str(tmp_path / "alias.json"))[0] == expected


# -- the date --------------------------------------------------------------------------------------


def test_as_of_pins_the_date_dependent_findings(tmp_path: Path) -> None:
    """SL409 names the DST changes after --as-of (or `as-of`), not after today."""
    path = tmp_path / "dst.yaml"
    path.write_text(DST)
    early = run("validate", "--as-of", "2026-01-01", str(path))[1]
    late = run("validate", "--as-of", "2026-12-01", str(path))[1]
    assert "SL409" in early and "SL409" in late
    assert "2026-11-01" in early and "2026-11-01" not in late
    (tmp_path / ".schedulelib.toml").write_text("as-of = 2026-01-01\n")
    assert run("validate", str(path))[1] == early
    assert run("validate", "--as-of", "2026-12-01", str(path))[1] == late


@pytest.mark.parametrize("argv", [
    ["validate", "--as-of", "0001-01-01", "x.json"],
    ["validate", "--as-of", "9999-12-31", "x.json"],
    ["validate", "--as-of", "9999-12-31T23:59:59-23:59", "x.json"],
    ["validate", "--as-of", "0001-01-01T00:00+23:00", "x.json"],
    ["validate", "--as-of", "2026-13-01", "x.json"],
    ["validate", "--as-of", "x" * 100_000, "x.json"],
    ["next", GOOD, "--after", "0001-01-01"],
    ["next", GOOD, "--after", "9999-12-31T23:59"],
    ["next", GOOD, "--after", "\u0662\u0660\u0662\u0666-01-01"],
    ["explain", GOOD, "--as-of", "9999-12-31"],
    ["explain", GOOD, "--as-of", "0001-01-01"],
    ["explain", GOOD, "--as-of", "tomorrow"],
], ids=["validate-year-1", "validate-9999", "validate-9999-offset", "validate-year-1-offset",
        "validate-month-13", "validate-huge", "next-year-1", "next-9999", "next-arabic-digits",
        "explain-9999", "explain-year-1", "explain-garbage"])
def test_dates_out_of_range_are_usage_errors(argv: list[str]) -> None:
    """Every command that takes a date: one line, exit 2, never a traceback."""
    status, _, err = run(*argv)
    assert status == 2 and err.startswith("Error: ") and "Traceback" not in err
    assert len(err) < 400


# -- inline ignores --------------------------------------------------------------------------------

YAML_IGNORES = """\
subscriptions:
  - reverseETLSchedule:
      strategy: cron
      config:
        # schedulelib: ignore[SL407]
        spec: "*/5 * * * *"
        timezone: UTC
  - reverseETLSchedule:
      strategy: cron
      config: {spec: "*/5 * * * *", timezone: US/Eastern}  # schedulelib: ignore[SL407, SL504]
  - reverseETLSchedule:
      strategy: periodic
      config:
        interval: "1h"  # schedulelib: ignore[SL203] stale
        other: "# schedulelib: ignore[SL103] (inside a string: not a comment)"
"""

TF_IGNORES = """\
resource "segment_destination_subscription" "a" {
  reverse_etl_schedule = {
    strategy = "CRON"
    # schedulelib: ignore[SL407]
    config = jsonencode({ spec = "*/5 * * * *", timezone = "UTC" })
  }
}
resource "segment_destination_subscription" "b" {
  reverse_etl_schedule = {
    strategy = "PERIODIC"
    config = jsonencode({ interval = "5m" }) // schedulelib: ignore[SL203]
  }
}
"""


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("a.yaml", YAML_IGNORES, [(14, "SL920"), (15, "SL103")]),
    ("main.tf", TF_IGNORES, []),
], ids=["yaml", "terraform"])
def test_inline_ignores(tmp_path: Path, name: str, text: str,
                        expected: list[tuple[int, str]]) -> None:
    """Same line or the line above; several codes; a stale code is SL920; '#' in a string is
    text."""
    path = tmp_path / name
    path.write_text(text)
    status, out, _ = run("validate", "--format", "json", str(path))
    found = [(f["line"], f["code"]) for f in json.loads(out)["findings"]]
    assert found == expected
    assert status == (1 if any(c != "SL920" for _, c in expected) else 0)


@pytest.mark.parametrize(("comment", "words"), [
    ("# schedulelib: ignore", "a bare 'schedulelib: ignore' is refused"),
    ("# schedulelib: ignore[]", "names no code"),
    ("# schedulelib: ignore[SL4O7]", "unknown rule code 'SL4O7'"),
], ids=["bare", "empty", "unknown"])
def test_unusable_ignore_comments(tmp_path: Path, comment: str, words: str) -> None:
    """SL921 (an error) for an ignore that names no real code; the finding stays."""
    path = tmp_path / "a.yaml"
    path.write_text(f"strategy: periodic\nconfig: {{interval: 5m}}  {comment}\n")
    status, out, _ = run("validate", str(path))
    assert status == 1 and "SL921" in out and words in out and "SL203" in out


def test_json_cannot_hold_comments_use_per_file_ignores(tmp_path: Path) -> None:
    """A JSON file's findings are silenced only through the configuration."""
    (tmp_path / "bad.json").write_text(TOO_OFTEN)
    (tmp_path / ".schedulelib.toml").write_text("per-file-ignores = {'bad.json' = ['SL407']}\n")
    assert run("validate", str(tmp_path / "bad.json"))[:2] == (
        0, "checked 1 schedule in 1 file: no problems\n")


def test_ignore_of_a_code_not_selected_is_not_stale(tmp_path: Path) -> None:
    """--select SL9 leaves SL407 out of the run, not the comment silencing it out of use."""
    path = tmp_path / "a.yaml"
    path.write_text("strategy: cron\nconfig: {spec: '*/5 * * * *', timezone: UTC}"
                    "  # schedulelib: ignore[SL407]\n")
    assert codes("--select", "SL9", str(path)) == []
    assert codes(str(path)) == []


# -- one file's failure ----------------------------------------------------------------------------


def _boom(*args: object, **kwargs: object) -> object:
    raise RuntimeError("simulated failure")


@pytest.mark.parametrize("target", [
    "schedulelib.lint.sources.read_file",
    "schedulelib.core.schedule.check",
    "schedulelib.lint.suppress.directives",
], ids=["reading", "checking", "suppressions"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "github"])
def test_internal_error_is_a_finding_for_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   target: str, fmt: str) -> None:
    """SL922 for the failing file, exit 2, the other file still reported, the format whole."""
    (tmp_path / "a.yaml").write_text("strategy: periodic  # schedulelib: ignore[SL203]\n"
                                     "config: {interval: 5m}\n")
    (tmp_path / "b.json").write_text(TOO_OFTEN)
    calls = {"n": 0}
    module, name = target.rsplit(".", 1)
    real = getattr(sys.modules[module], name)

    def first_fails(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("simulated failure")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, first_fails)
    status, out, _ = run("validate", "--format", fmt, str(tmp_path / "a.yaml"),
                         str(tmp_path / "b.json"))
    assert status == 2
    assert "SL922" in out and "SL407" in out and "simulated failure" in out
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(out)
    if fmt == "json":
        assert json.loads(out)["summary"]["complete"] is False


def test_exit_2_wins_over_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal error exits 2 even with --strict and other errors present."""
    monkeypatch.setattr("schedulelib.lint.sources.read_file", _boom)
    (tmp_path / "a.json").write_text(GOOD)
    assert run("validate", "--strict", str(tmp_path / "a.json"))[0] == 2


# -- real cases ------------------------------------------------------------------------------------


def _two_boms(tmp: Path) -> list[str]:
    path = tmp / "boms.json"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + TOO_OFTEN.encode())
    return [str(path)]


def _symlink_loop(tmp: Path) -> list[str]:
    (tmp / "loop.json").symlink_to(tmp / "loop.json")
    return [str(tmp / "loop.json")]


def _symlink_loop_in_dir(tmp: Path) -> list[str]:
    folder = tmp / "d"
    folder.mkdir()
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    (folder / "up").symlink_to(folder)
    return [str(folder)]


def _fifo(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "pipe.json")
    return [str(tmp / "pipe.json")]


def _fifo_in_dir(tmp: Path) -> list[str]:
    folder = tmp / "d"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    return [str(folder)]


def _locked_dir(tmp: Path) -> list[str]:
    folder = tmp / "locked"
    folder.mkdir()
    (folder / "bad.json").write_text(TOO_OFTEN)
    folder.chmod(0)
    return [str(folder)]


def _locked_subdir(tmp: Path) -> list[str]:
    folder = tmp / "top"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "bad.json").write_text(TOO_OFTEN)
    (folder / "locked").chmod(0)
    return [str(folder)]


# The readers report folders os.walk cannot list through iter_files(directory, errors).
_READERS_REPORT_FOLDERS = "errors" in inspect.signature(iter_files).parameters


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file system features")
@pytest.mark.parametrize(("make", "statuses"), [
    (_two_boms, {1, 2}),
    (_symlink_loop, {2}),
    (_symlink_loop_in_dir, {1, 2}),
    (_fifo, {2}),
    (_fifo_in_dir, {1, 2}),
    (_locked_dir, {2}),
    pytest.param(_locked_subdir, {2}, marks=pytest.mark.xfail(
        not _READERS_REPORT_FOLDERS, strict=True,
        reason="the readers do not report unsearchable folders")),
], ids=["two-boms", "symlink-loop", "symlink-loop-in-dir", "fifo", "fifo-in-dir", "locked-dir",
        "locked-subdir"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_hostile_files_beside_a_bad_one(make: object, statuses: set[int], fmt: str) -> None:
    """Whatever the readers make of it: no hang, no traceback, the bad file still reported."""
    import subprocess
    import tempfile

    # Root searches any directory: run as nobody then, in a folder nobody may read.
    as_nobody = os.geteuid() == 0 and make in (_locked_dir, _locked_subdir)
    if as_nobody and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        tmp.chmod(0o755)
        (tmp / "bad.json").write_text(TOO_OFTEN)
        args = make(tmp)  # type: ignore[operator]
        prefix = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
                  if as_nobody else [])
        try:
            done = subprocess.run([*prefix, sys.executable, "-m", "schedulelib", "validate",
                                   "--format", fmt, *args, str(tmp / "bad.json")],
                                  capture_output=True, text=True, timeout=30, check=False,
                                  cwd=tmp)
        finally:
            for p in tmp.rglob("*"):
                if p.is_dir() and not p.is_symlink():
                    p.chmod(0o755)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in statuses, done.stdout + done.stderr
    assert "SL407" in done.stdout
    if fmt != "text":
        json.loads(done.stdout)


# -- hostile settings -----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300) | st.sampled_from([
    "select = ['" + "SL4" * 30_000 + "']", "as-of = 9999-12-31", "as-of = 0001-01-01T00:00:00Z",
    "per-file-ignores = {'[' = ['SL4']}", "include = ['" + "*" * 5_000 + "']",
    "a = " + "[" * 5_000 + "]" * 5_000, "[tool]\nschedulelib = 1",
]))
@example("\x00")
def test_any_configuration_text_is_a_verdict_or_a_named_error(tmp_path: Path, text: str) -> None:
    """Whatever the TOML holds: exit 0, 1 or 2 with 'Error:', never a traceback."""
    (tmp_path / "a.json").write_text(GOOD)
    (tmp_path / ".schedulelib.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and ".schedulelib.toml" in result.stderr


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=50), st.text(max_size=50))
@example("SL4,,SL5", "")
@example("ALL", "sl")
def test_any_code_option_is_a_verdict_or_a_usage_error(select: str, ignore: str) -> None:
    """--select / --ignore with any text: a run, or exit 2 naming the value."""
    result = CliRunner().invoke(cli, ["validate", "--select", select, "--ignore", ignore,
                                      "--format", "json", "-"], input=GOOD)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 2)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["version"] == 1


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("*.json", "a.json", True),
    ("*.json", "deep/down/a.json", True),
    ("sub/*.json", "sub/a.json", True),
    ("sub/*.json", "sub/x/a.json", False),
    ("sub/**/*.json", "sub/a.json", True),
    ("sub/**/*.json", "sub/x/y/a.json", True),
    ("sub", "sub/x/a.json", True),
    ("vendor/", "vendor/a.tf", True),
    ("./legacy/*.yaml", "legacy/a.yaml", True),
    ("a?.json", "ab.json", True),
    ("a?.json", "a/.json", False),
    ("[ab].json", "a.json", False),
    ("*.json", "a.yaml", False),
], ids=["name", "name-anywhere", "one-level", "not-deeper", "double-star-zero",
        "double-star-many", "directory", "directory-slash", "dot-slash", "question",
        "question-no-slash", "brackets-literal", "other-suffix"])
def test_globs(pattern: str, path: str, expected: bool) -> None:
    """'*' within a folder, '**' across, '?' one character, a bare name anywhere."""
    from schedulelib.lint.config import glob_match

    assert glob_match(pattern, path) is expected


def _glob_by_regex(pattern: str, path: str) -> bool:
    """The glob reading as a backtracking regular expression (the oracle on short input)."""
    import re

    pattern = pattern.strip().removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    pattern = pattern.rstrip("/")
    out = [re.escape(c) for c in pattern]
    regex = "".join(out).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*") \
        .replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.fullmatch(regex + "(?:/.*)?", path, re.DOTALL) is not None


@settings(max_examples=200, deadline=None)
@given(st.text("ab*?/.", max_size=12), st.text("ab/.", max_size=12))
@example("**/a/**", "a")
@example("a/**", "a/b")
@example("***/*", "")  # a run of stars before "/": "*" then "**/"
def test_globs_match_the_regular_expression_reading(pattern: str, path: str) -> None:
    """The glob automaton agrees with the regular expression a glob stands for."""
    from schedulelib.lint.config import glob_match

    assert glob_match(pattern, path) is _glob_by_regex(pattern, path)


@pytest.mark.parametrize(("pattern", "path"), [
    ("*a" * 30 + "*b", "a" * 5_000),
    ("**/a" * 30 + "/b", "/".join(["a"] * 2_000)),
    ("a**" * 30 + "b", "a" * 5_000),
], ids=["stars-in-a-name", "double-stars-in-a-path", "double-stars-in-a-name"])
def test_pathological_globs_do_not_backtrack(pattern: str, path: str) -> None:
    """Globs that send a backtracking matcher into exponential time are answered at once."""
    from schedulelib.lint.config import glob_match

    assert glob_match(pattern, path) is False


@pytest.mark.parametrize(("config", "args", "policy"), [
    ("", [], "go"),
    ("dst = 'debian'\n", [], "debian"),
    ("dst = 'debian'\n", ["--dst", "croniter"], "croniter"),
], ids=["default", "from-config", "option-wins"])
def test_next_takes_its_dst_policy_from_the_configuration(tmp_path: Path, config: str,
                                                          args: list[str], policy: str) -> None:
    """`dst` in the nearest configuration is the default of `next --dst`."""
    (tmp_path / ".schedulelib.toml").write_text(config)
    (tmp_path / "s.yaml").write_text(DST)
    status, out, _ = run("next", str(tmp_path / "s.yaml"), "-n", "1", "--after", "2026-01-01",
                         "--format", "json", *args)
    assert status == 0 and json.loads(out)[0]["policy"] == policy


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX named pipes")
def test_special_file_in_a_directory_is_skipped_with_a_note(tmp_path: Path) -> None:
    """A FIFO found by a search is never opened: a note, counted as skipped, exit 0."""
    (tmp_path / "good.json").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.yaml")
    status, out, err = run("validate", str(tmp_path))
    assert status == 0
    assert f"{tmp_path / 'pipe.yaml'}: skipped: a named pipe (FIFO), not a regular file" in err
    assert out == "checked 1 schedule in 1 file (1 skipped): no problems\n"
    data = json.loads(run("validate", "--format", "json", str(tmp_path))[1])
    assert (data["summary"]["files"], data["summary"]["skipped"]) == (1, 1)
