"""The ``schedulelib`` command line: validate, next, explain, rule, schema (CliRunner)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedulelib import __version__
from schedulelib.cli.main import cli, main
from schedulelib.core.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "subscriptions.json")
NIGHTLY = json.dumps({"strategy": "cron",
                      "config": {"spec": "30 2 * * *", "timezone": "Europe/Berlin"}})
TOO_OFTEN = '{\n  "strategy": "cron",\n  "config": {"spec": "0,50 * * * *", "timezone": "UTC"}\n}\n'


def run(*args: str, stdin: str | bytes = "", env: dict[str, str] | None = None,
        ) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "good.json").write_text(NIGHTLY)
    (tmp_path / "bad.json").write_text(TOO_OFTEN)
    (tmp_path / "warn.json").write_text(json.dumps(
        {"strategy": "cron", "config": {"spec": "0 9 * * 1", "timezone": "US/Eastern"}}))
    return tmp_path


# -- validate: output and exit status -----------------------------------------------------------


def test_clean_file_exits_0() -> None:
    """The sample file is clean: exit 0 and a summary line."""
    code, out, _ = run("validate", EXAMPLE)
    assert (code, out) == (0, "checked 4 schedules in 1 file: no problems\n")


def test_finding_points_at_the_value(files: Path) -> None:
    """file:line:col: error CODE message, then the hint; the column is the spec string's."""
    code, out, _ = run("validate", str(files / "bad.json"))
    assert code == 1
    first, hint = out.splitlines()[:2]
    assert first.startswith(f"{files / 'bad.json'}:3:22: error SL407 cron expression")
    assert hint.startswith("  hint: ")


@pytest.mark.parametrize(("args", "expected"), [
    (["good.json"], 0),
    (["bad.json"], 1),
    (["warn.json"], 0),
    (["warn.json", "--strict"], 1),
    (["bad.json", "missing.json"], 2),
    (["."], 1),
], ids=["clean", "error", "warning", "strict-warning", "missing-wins", "directory"])
def test_exit_status(files: Path, args: list[str], expected: int,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    """0 nothing to report, 1 findings (warnings only with --strict), 2 an unreadable file."""
    monkeypatch.chdir(files)
    assert run("validate", *args)[0] == expected


def test_other_files_are_checked_after_one_fails(files: Path) -> None:
    """A file that does not parse does not stop the others."""
    (files / "broken.yaml").write_text("reverseETLSchedule: [1,\n")
    code, out, _ = run("validate", str(files / "broken.yaml"), str(files / "bad.json"))
    assert code == 1 and "SL001" in out and "SL407" in out


@pytest.mark.parametrize(("content", "words"), [
    (b'{"strategy": "\xff"}', "SL901 the file is not UTF-8 text: byte 0xff at offset 14"),
    (b'{\n  "reverseETLSchedule": {\n    {\n',
     ":3:5: error SL001 invalid JSON: Expecting property name"),
], ids=["undecodable", "docs-double-brace"])
def test_bad_files_get_one_clear_line(tmp_path: Path, content: bytes, words: str) -> None:
    """Undecodable and malformed files: one line each, never a traceback."""
    path = tmp_path / "x.json"
    path.write_bytes(content)
    code, out, _ = run("validate", str(path))
    assert code == 1 and words in out and "Traceback" not in out


def test_missing_path_and_directory_named_as_file(tmp_path: Path) -> None:
    """A missing path is one line and exit 2; a directory named x.json is searched, not read."""
    code, out, _ = run("validate", str(tmp_path / "nope.json"))
    assert code == 2 and out.startswith(f"{tmp_path / 'nope.json'}: error SL901 the file does "
                                        "not exist")
    (tmp_path / "dir.json").mkdir()
    assert run("validate", str(tmp_path / "dir.json"))[0] == 0


def test_huge_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over the size limit is SL904, not read."""
    monkeypatch.setattr("schedulelib.lint.sources.reading.MAX_BYTES", 20)
    path = tmp_path / "big.json"
    path.write_text(NIGHTLY)
    code, out, _ = run("validate", str(path))
    assert code == 1 and "SL904" in out


def test_never_writes_to_inputs(files: Path) -> None:
    """Validating leaves every input byte for byte as it was."""
    before = {p: p.read_bytes() for p in files.iterdir()}
    run("validate", str(files))
    assert {p: p.read_bytes() for p in files.iterdir()} == before


def test_stdin_and_its_name() -> None:
    """'-' reads standard input; --stdin-filename names it and picks the kind."""
    code, out, _ = run("validate", "-", stdin=TOO_OFTEN)
    assert code == 1 and out.startswith("<stdin>:3:22: error SL407")
    code, out, _ = run("validate", "-", "--stdin-filename", "a.yaml",
                       stdin="strategy: cron\nconfig: {spec: '*/5 * * * *', timezone: UTC}\n")
    assert code == 1 and out.startswith("a.yaml:2:16: error SL407")


# -- validate: formats --------------------------------------------------------------------------


def test_json_format(files: Path) -> None:
    """Version 1: the findings under "findings", each with its documented fields."""
    code, out, _ = run("validate", "--format", "json", str(files / "bad.json"))
    data = json.loads(out)
    [item] = data["findings"]
    assert code == 1 and data["version"] == 1
    assert item == {"code": "SL407", "rule": "cron-too-frequent", "severity": "error",
                    "file": str(files / "bad.json"), "line": 3, "column": 22, "end_line": 3,
                    "end_column": 36, "pointer": "/config/spec", "message": item["message"],
                    "hint": item["hint"], "url": item["url"]}
    assert item["url"].endswith("/docs/rules.md#sl407-cron-too-frequent-error")


def test_github_format_escapes(tmp_path: Path) -> None:
    """Workflow commands: properties escape ':' and ','; the hint follows on a new line (%0A)."""
    path = tmp_path / "a,b.json"
    path.write_text(TOO_OFTEN)
    code, out, _ = run("validate", "--format", "github", str(path))
    assert code == 1
    assert out.startswith(f"::error file={str(path).replace(',', '%2C')},line=3,col=22,"
                          "endLine=3,endColumn=")
    assert ",title=schedulelib (SL407)::cron expression" in out
    assert "%0Ahint: " in out and out.count("\n") == 1


def test_colour_only_on_a_terminal_and_never_with_no_color(files: Path) -> None:
    """CliRunner is not a terminal: no escape codes; NO_COLOR wins even on one."""
    _, out, _ = run("validate", str(files / "bad.json"))
    assert "\x1b[" not in out
    from schedulelib._support.text import use_color

    class Tty:
        def isatty(self) -> bool:
            return True

    assert use_color(Tty(), {}) is True  # type: ignore[arg-type]
    assert use_color(Tty(), {"NO_COLOR": "1"}) is False  # type: ignore[arg-type]


# -- next, explain ------------------------------------------------------------------------------


def test_next_marks_dst_changes() -> None:
    """Runs in the schedule's zone, --tz and UTC; a skipped wall time is listed."""
    code, out, _ = run("next", NIGHTLY, "-n", "3", "--after", "2026-03-27T00:00Z",
                       "--tz", "Asia/Tokyo")
    lines = out.splitlines()
    assert code == 0
    assert lines[1].split() == ["1", "Fri", "2026-03-27", "02:30", "CET", "Fri", "2026-03-27",
                                "10:30", "JST", "2026-03-27", "01:30", "UTC"]
    assert "skipped: 02:30 does not exist on 2026-03-29" in lines[3]
    code, out, _ = run("next", NIGHTLY, "-n", "3", "--after", "2026-03-27", "--dst", "debian",
                       "--format", "json")
    runs = json.loads(out)[0]["runs"]
    assert runs[2]["local"] == "2026-03-29T03:00:00+02:00"
    assert runs[2]["dst"]["kind"] == "shifted"


@pytest.mark.parametrize(("args", "words"), [
    (["next", "/no/such/file.json"], "does not exist"),
    (["next", "."], "is a directory"),
    (["next", NIGHTLY, "--tz", "Mars/Olympus"], "--tz"),
    (["next", NIGHTLY, "--after", "yesterday"], "not an ISO 8601"),
    (["rule", "SL999"], "no rule 'SL999'"),
    (["rule", "x" * 100_000], "(100,000 characters)"),
], ids=["missing", "directory", "bad-zone", "bad-time", "unknown-rule", "huge-rule"])
def test_usage_errors_exit_2(args: list[str], words: str) -> None:
    """Arguments the command cannot use: one line on stderr, exit 2."""
    code, _, err = run(*args)
    assert code == 2 and words in err and "Traceback" not in err


def test_next_with_a_bad_schedule_reports_it() -> None:
    """A SCHEDULE with errors is reported like validate does, exit 1."""
    code, _, err = run("next", TOO_OFTEN)
    assert code == 1 and "SL407" in err


def test_explain() -> None:
    """Plain English, the cron equivalent, the exact gap, and DST per policy."""
    code, out, _ = run("explain", EXAMPLE, "--as-of", "2026-01-01T00:00Z")
    assert code == 0
    assert "At 08:00 on Monday to Friday, America/Chicago time." in out
    assert "As cron: '0 8 * * 1,2,3,4,5'" in out
    assert "Shortest gap between runs: 15 min" in out
    assert "2026-03-29 02:30 shifted: 02:30 does not exist; the run came at 03:00 CEST" in out
    data = json.loads(run("explain", NIGHTLY, "--as-of", "2026-01-01", "--format", "json")[1])
    assert [e["kind"] for e in data[0]["dst"]["go"]] == ["skipped", "repeated"]
    assert data[0]["min_gap_minutes"] == 1440


# -- rule, schema, version, python -m -----------------------------------------------------------


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_prints_every_code(code: str) -> None:
    """What / Why / Example / Fix for every registered code, by code or by name."""
    status, out, _ = run("rule", code.lower())
    assert status == 0
    for part in ("What", "Why", "Example", "Fix", RULES[code].what):
        assert part in out
    assert run("rule", RULES[code].name)[1] == out


def test_rule_list_and_schema() -> None:
    """`rule` alone lists every code; `schema` prints the lead's JSON Schema."""
    assert len(run("rule")[1].splitlines()) == len(RULES)
    from schedulelib import schema

    assert json.loads(run("schema")[1]) == schema()


def test_version_and_main() -> None:
    """--version names the package and the zone data; main() returns the status."""
    assert run("--version")[1].startswith(f"schedulelib {__version__} (IANA time zone data ")
    assert main(["rule", "SL101"]) == 0
    assert main(["validate", "--format", "xml"]) == 2


def test_python_dash_m(files: Path) -> None:
    """`python -m schedulelib` is the same command, exit status included."""
    done = subprocess.run([sys.executable, "-m", "schedulelib", "validate",
                           str(files / "bad.json")], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "SL407" in done.stdout and done.stderr == ""


def test_calendar_is_a_subcommand() -> None:
    """The calendar command is loaded on first use."""
    code, out, _ = run("calendar", NIGHTLY, "--start", "2026-03-23")
    assert code == 0 and "1 schedule" in out


# -- never a traceback --------------------------------------------------------------------------

CONTENTS = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5)
                 | st.sampled_from(["cron", "periodic", "1h", "*/5 * * * *", "UTC"]),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.sampled_from(["strategy", "config", "spec", "interval",
                                                    "days", "hours", "timezone",
                                                    "reverseETLSchedule", "x"]),
                                   inner, max_size=4),
                 max_leaves=12).map(json.dumps),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CONTENTS, st.sampled_from(["a.json", "a.yaml", "a.tf", "a.txt"]))
def test_arbitrary_files_never_crash(tmp_path: Path, content: str | bytes, name: str) -> None:
    """Any file content: exit 0, 1 or 2, never a traceback."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2)
