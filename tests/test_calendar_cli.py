"""``schedulelib calendar``: arguments, sources, errors and outputs (CliRunner)."""

from __future__ import annotations

import io
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import IO

import click
import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib._support.text import use_color
from schedulelib.cli.calendar import (
    calendar_command,
    check_outputs,
    input_identities,
    parse_duration_flag,
    parse_start,
    resolve_durations,
    write_atomically,
)
from schedulelib.core.duration import parse_duration
from schedulelib.preview.model import MAX_DURATION

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "subscriptions.json")
NIGHTLY = json.dumps({"strategy": "cron",
                      "config": {"spec": "30 2 * * *", "timezone": "Europe/Berlin"}})
TOO_OFTEN = json.dumps({"strategy": "cron",
                        "config": {"spec": "*/5 * * * *", "timezone": "Europe/Berlin"}})


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(calendar_command, list(args), input=stdin, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# -- sources ------------------------------------------------------------------------------------


def test_a_file_every_schedule_inside() -> None:
    """Every schedule in a file is drawn; the manual one is listed; names come from the file."""
    code, out, _ = run(EXAMPLE, "--start", "2026-03-23", "--tz", "Europe/Berlin")
    assert code == 0
    assert out.startswith("Week of Mon 23 Mar 2026 to Sun 29 Mar 2026, Europe/Berlin: "
                          "4 schedules")
    for name in ("Upsert Contact", "Send Identify", "Nightly audiences", "Backfill"):
        assert name in out
    assert "Pile-ups" in out


@pytest.mark.parametrize("how", ["inline", "stdin"])
def test_inline_json_and_stdin(how: str) -> None:
    """Inline JSON and '-' give the same picture; the zone defaults to the schedule's."""
    args = [NIGHTLY] if how == "inline" else ["-"]
    code, out, _ = run(*args, "--start", "2026-03-23", stdin=NIGHTLY)
    assert code == 0
    assert ", Europe/Berlin: 1 schedule, 6 runs" in out.splitlines()[0]
    assert "Sun 29*" in out


def test_bad_schedules_are_reported_and_left_out() -> None:
    """A schedule with errors is reported on stderr like validate does, and not drawn."""
    code, out, err = run(TOO_OFTEN, NIGHTLY, "--start", "2026-03-23")
    assert code == 1
    assert "SL407" in err and "*/5 * * * *" in err
    assert "1 schedule, 6 runs" in out


TERRAFORM = """resource "segment_destination_subscription" "s" {
  reverse_etl_schedule = {
    config = jsonencode({
      interval = "1h"
    })
    strategy = "PERIODIC"
  }
}
"""


def test_yaml_and_terraform_files(tmp_path: Path) -> None:
    """YAML and Terraform files are read as validate reads them."""
    (tmp_path / "s.yaml").write_text("reverseETLSchedule:\n  strategy: cron\n  config:\n"
                                     "    spec: '30 2 * * *'\n    timezone: Europe/Berlin\n")
    (tmp_path / "main.tf").write_text(TERRAFORM)
    code, out, err = run(str(tmp_path / "s.yaml"), str(tmp_path / "main.tf"),
                         "--start", "2026-03-23", "--tz", "Europe/Berlin")
    assert (code, err) == (0, "")
    assert "2 schedules" in out.splitlines()[0] and "periodic every 1h" in out


def test_bad_schedule_in_a_file_is_reported_with_its_position(tmp_path: Path) -> None:
    """A bad schedule gets validate's file:line:col: error CODE message line."""
    bad = tmp_path / "bad.tf"
    bad.write_text(TERRAFORM.replace('"1h"', '"1d"'))
    code, _, err = run(str(bad), NIGHTLY, "--start", "2026-03-23")
    assert code == 1
    assert err.startswith(f'{bad}:4:18: error SL202 time: unknown unit "d" in duration "1d"')


# -- options ------------------------------------------------------------------------------------


def test_month_view() -> None:
    """--month draws the month holding --start."""
    code, out, _ = run(NIGHTLY, "--month", "--start", "2026-10-17")
    assert code == 0
    assert out.startswith("October 2026, Europe/Berlin: 1 schedule, 32 runs")


def test_tz_changes_the_grid_not_the_runs() -> None:
    """--tz redraws the same runs in another zone."""
    _, berlin, _ = run(NIGHTLY, "--start", "2026-03-23")
    _, tokyo, _ = run(NIGHTLY, "--start", "2026-03-23", "--tz", "Asia/Tokyo")
    assert "Asia/Tokyo: 1 schedule, 6 runs" in tokyo
    assert berlin != tokyo


def test_dst_policy() -> None:
    """--dst debian shifts the 02:30 run on the spring change instead of skipping it."""
    _, go, _ = run(NIGHTLY, "--start", "2026-03-23")
    _, debian, _ = run(NIGHTLY, "--start", "2026-03-23", "--dst", "debian")
    assert "1 schedule, 6 runs" in go
    assert "1 schedule, 7 runs" in debian


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-13-01"], "Error: --start '2026-13-01' is not an ISO 8601 date"),
        (["--start", "next tuesday"], "Error: --start 'next tuesday' is not an ISO 8601"),
        (["--tz", "Europe/berlin"], "did you mean 'Europe/Berlin'?"),
        (["--tz", "Mars/Olympus"], "Error: --tz: timezone 'Mars/Olympus' is not an IANA"),
        (["--ics", "-", "--html", "-"], "Error: --ics and --html cannot both write"),
        (["--ics", "no-such-dir/x.ics"], "Error: --ics 'no-such-dir/x.ics': cannot write"),
    ],
    ids=["bad-month", "not-iso", "zone-case", "zone-unknown", "two-stdouts", "unwritable"],
)
def test_bad_arguments_get_one_line(args: list[str], message: str) -> None:
    """Each bad argument is one line on stderr, exit code 2, quoting what was given."""
    code, out, err = run(NIGHTLY, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_missing_file() -> None:
    """A SCHEDULE that is neither a file, '-' nor JSON is a one-line error."""
    code, _, err = run("no/such/file.json")
    assert code == 2
    assert err == "Error: SCHEDULE 'no/such/file.json': the file does not exist\n"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-03-24", "2026-03-24"),
        ("20260324", "2026-03-24"),
        ("2026-03-24T09:30", "2026-03-24T09:30:00"),
        ("2026-03-24T09:30:00Z", "2026-03-24T09:30:00+00:00"),
        ("2026-03-24 09:30+05:30", "2026-03-24T09:30:00+05:30"),
    ],
    ids=["date", "basic-date", "naive-datetime", "utc", "offset"],
)
def test_parse_start(text: str, iso: str) -> None:
    """--start takes ISO 8601 dates and date-times."""
    assert parse_start(text).isoformat() == iso


# -- outputs ------------------------------------------------------------------------------------


def test_plain_when_piped_and_stable() -> None:
    """Piped output has no colour codes and is the same every time."""
    first = run(EXAMPLE, "--start", "2026-03-23")[1]
    assert "\x1b[" not in first
    assert first == run(EXAMPLE, "--start", "2026-03-23")[1]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "env", "color"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # no-color.org: only a non-empty value counts
    ],
    ids=["terminal", "pipe", "no-color", "empty-no-color"],
)
def test_use_color(tty: bool, env: dict[str, str], color: bool) -> None:
    """Colour only on a terminal, never with NO_COLOR."""
    assert use_color(_Tty() if tty else io.StringIO(), env) is color


def test_ics_and_html_files(tmp_path: Path) -> None:
    """--ics and --html write their files and the terminal view is still printed."""
    ics, page = tmp_path / "runs.ics", tmp_path / "runs.html"
    code, out, _ = run(NIGHTLY, "--start", "2026-03-23", "--ics", str(ics), "--html", str(page))
    assert code == 0 and out.startswith("Week of")
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == 6
    assert page.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_ics_to_stdout() -> None:
    """--ics - writes the calendar to standard output instead of the terminal view."""
    result = CliRunner().invoke(calendar_command, [NIGHTLY, "--start", "2026-03-23", "--ics", "-"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")  # RFC 5545 line ends
    assert result.stdout_bytes.count(b"BEGIN:VEVENT") == 6


@pytest.mark.parametrize(("dst", "note"), [
    ("go", "* Sun 29 Mar: <inline>#/: skipped: the 02:30 run does not happen"),
    ("debian", "* Sun 29 Mar: <inline>#/: shifted: the 02:30 run (Europe/Berlin) moves to 03:00"),
    ("croniter", "* Sun 29 Mar: <inline>#/: shifted: the 02:30 run (Europe/Berlin) moves to 03:00"),
], ids=["go", "debian", "croniter"])
def test_dst_legend_says_what_happened_to_the_run(dst: str, note: str) -> None:
    """The legend names what the chosen engine does to 02:30 on Berlin's spring-forward day."""
    code, out, _ = run(NIGHTLY, "--start", "2026-03-23", "--dst", dst)
    assert code == 0
    assert note in out


# -- outputs never destroy inputs ---------------------------------------------------------------


def _input(tmp_path: Path) -> Path:
    path = tmp_path / "subs.json"
    path.write_text(Path(EXAMPLE).read_text("utf-8"), "utf-8")
    return path


@pytest.mark.parametrize("option", ["--ics", "--html"])
@pytest.mark.parametrize("how", ["same-name", "dot-slash", "symlink", "hard-link"])
def test_an_output_that_is_an_input_is_refused(tmp_path: Path, option: str, how: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The input named again, through ./, a symlink or a hard link: exit 2, input untouched."""
    source = _input(tmp_path)
    before = source.read_bytes()
    monkeypatch.chdir(tmp_path)
    target = {"same-name": "subs.json", "dot-slash": "./subs.json",
              "symlink": "link.json", "hard-link": "hard.json"}[how]
    if how == "symlink":
        (tmp_path / "link.json").symlink_to("subs.json")
    if how == "hard-link":
        (tmp_path / "hard.json").hardlink_to(source)
    code, out, err = run("subs.json", "--start", "2026-03-23", option, target)
    assert code == 2 and out == ""
    assert err == (f"Error: {option} '{target}' is the input 'subs.json': writing it would "
                   "destroy the schedules it holds; name another file\n")
    assert source.read_bytes() == before


def test_ics_and_html_on_one_file_is_refused(tmp_path: Path) -> None:
    """--ics and --html naming the same file: exit 2, nothing written."""
    target = tmp_path / "out"
    code, _, err = run(NIGHTLY, "--ics", str(target), "--html", str(target))
    assert code == 2 and "is the same file as --ics" in err
    assert not target.exists()


def test_stdin_redirected_from_the_output_is_refused(tmp_path: Path) -> None:
    """`calendar - --ics x.json < x.json`: standard input is the file, so it is refused."""
    source = _input(tmp_path)
    with source.open("rb") as handle:
        found = input_identities(["-"], stdin=handle)
    assert list(found.values()) == ["standard input"]
    with pytest.raises(click.ClickException, match="is the input 'standard input'"):
        check_outputs([("--ics", str(source))], found)


def test_outputs_replace_atomically_keeping_mode_and_links(tmp_path: Path) -> None:
    """An existing output keeps its mode; a symlinked one is replaced at its target, link kept;
    no temporary file is left beside them."""
    ics, real, link = tmp_path / "runs.ics", tmp_path / "real.html", tmp_path / "page.html"
    ics.write_bytes(b"old")
    ics.chmod(0o600)
    real.write_bytes(b"old")
    link.symlink_to(real.name)
    code, _, _ = run(NIGHTLY, "--start", "2026-03-23", "--ics", str(ics), "--html", str(link))
    assert code == 0
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR") and (ics.stat().st_mode & 0o777) == 0o600
    assert link.is_symlink() and real.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "real.html", "runs.ics"]


def test_a_new_output_gets_the_umask_mode(tmp_path: Path) -> None:
    """A new file is 0666 less the umask, as any file the user creates (not mkstemp's 0600)."""
    old = os.umask(0o027)
    try:
        write_atomically(str(tmp_path / "new.ics"), lambda out: out.write(b"x"))
    finally:
        os.umask(old)
    assert ((tmp_path / "new.ics").stat().st_mode & 0o777) == 0o640


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    """If producing the output fails half-way, the old file stays whole and no temporary stays."""
    target = tmp_path / "runs.ics"
    target.write_bytes(b"old")

    def half(out: IO[bytes]) -> None:
        out.write(b"BEGIN:VCALENDAR\r\n")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        write_atomically(str(target), half)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["runs.ics"]


@pytest.mark.parametrize(
    ("target", "code", "message"),
    [
        (os.devnull, 0, ""),
        (".", 2, "cannot write it (it is a directory)"),
    ],
    ids=["device", "directory"],
)
def test_special_targets(target: str, code: int, message: str) -> None:
    """A device is written into (never replaced by a rename); a directory is refused."""
    got, _, err = run(NIGHTLY, "--start", "2026-03-23", "--ics", target)
    assert got == code and message in err
    assert Path(os.devnull).is_char_device()


# -- --duration and --only ----------------------------------------------------------------------


def _ics_events(*args: str) -> list[icalendar.Event]:
    result = CliRunner().invoke(calendar_command, [EXAMPLE, "--start", "2026-03-23",
                                                   "--tz", "Europe/Berlin", "--ics", "-", *args])
    assert result.exit_code == 0, result.output
    events: list[icalendar.Event] = icalendar.Calendar.from_ical(result.stdout_bytes).walk(
        "VEVENT")
    return events


def _lengths(events: list[icalendar.Event]) -> dict[str, set[timedelta | None]]:
    out: dict[str, set[timedelta | None]] = {}
    for e in events:
        end = e.decoded("DTEND") - e.decoded("DTSTART") if "DTEND" in e else None
        out.setdefault(str(e["SUMMARY"]).removeprefix("Sync: "), set()).add(end)
    return out


def test_duration_gives_dtend_and_the_last_match_wins() -> None:
    """--duration by glob then by name: the later flag wins; unmatched schedules get no DTEND."""
    lengths = _lengths(_ics_events("--duration", "*=10m", "--duration", "Nightly*=2h",
                                   "--duration", "Send Identify=0s"))
    assert lengths == {"Upsert Contact": {timedelta(minutes=10)},
                       "Nightly audiences": {timedelta(hours=2)},
                       "Send Identify": {None}}


def test_only_shows_matching_schedules() -> None:
    """--only (repeatable, globs) keeps just the matching schedules."""
    assert set(_lengths(_ics_events("--only", "Nightly*", "--only", "Send Identify"))) == {
        "Nightly audiences", "Send Identify"}


def test_only_matching_nothing_is_an_error_and_unmatched_patterns_warn() -> None:
    """--only that keeps nothing: exit 2 listing the names; a pattern matching none: a warning."""
    code, _, err = run(EXAMPLE, "--only", "nope*")
    assert code == 2 and "--only matches no schedule; the schedules are: 'Upsert Contact'" in err
    code, _, err = run(EXAMPLE, "--start", "2026-03-23", "--only", "Nightly*",
                       "--duration", "Typo=5m")
    assert code == 0 and err == "Warning: --duration 'Typo' matches no schedule\n"


def test_busy_sections_in_the_terminal() -> None:
    """With a duration the terminal view gains the running-at-once grid and the load lines."""
    code, out, _ = run(EXAMPLE, "--start", "2026-03-23", "--tz", "Europe/Berlin",
                       "--duration", "Upsert*=40m", "--duration", "Nightly*=2h")
    assert code == 0
    assert "Running at once" in out
    assert "Warehouse load: at most 4 syncs running at once" in out
    assert "Upsert Contact: periodic every 15m, busy 40m0s a run" in out
    assert "Upsert Contact: 668 of 668 runs start while an earlier one is busy" in out


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("30m", "write NAME=DURATION"),
        ("=30m", "write NAME=DURATION"),
        ("x=30", 'time: missing unit in duration "30"'),
        ("x=1d", 'time: unknown unit "d" in duration "1d"'),
        ("x=-5m", "a duration is between 0s and 168h"),
        ("x=169h", "a duration is between 0s and 168h"),
        ("x=9999999999999999999h", "time: invalid duration"),
    ],
    ids=["no-name", "empty-name", "no-unit", "bad-unit", "negative", "over-a-week", "huge"],
)
def test_bad_duration_flags(flag: str, message: str) -> None:
    """A bad --duration is one line, exit 2, with Go's own message where Go refuses it."""
    code, out, err = run(NIGHTLY, "--duration", flag)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and repr(flag) in err


@pytest.mark.parametrize("option", ["--only", "--duration"])
def test_a_huge_glob_is_refused_quickly(option: str) -> None:
    """A glob past 1,000 characters (fnmatch is quadratic in unclosed '['): one line, exit 2."""
    pattern = "*" + "[a" * 30_000
    code, _, err = run(NIGHTLY, option, pattern + ("=5m" if option == "--duration" else ""))
    assert code == 2 and err == (f"Error: {option}: a pattern with * ? or [ is at most 1,000 "
                                 "characters, got 60,001\n")


def test_a_long_plain_name_matches_exactly(tmp_path: Path) -> None:
    """A plain NAME of any length is compared as it is, no glob involved."""
    name = "é" * 50_000
    doc = {"subscriptions": [{"name": name, "reverseETLSchedule": json.loads(NIGHTLY)},
                             {"name": "other", "reverseETLSchedule": json.loads(NIGHTLY)}]}
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc), "utf-8")
    code, out, _ = run(str(path), "--start", "2026-03-23", "--only", name)
    assert code == 0 and "1 schedule, 6 runs" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("flags", "observed", "expected"),
    [
        ([], {"a": timedelta(minutes=3)}, {"a": timedelta(minutes=3)}),
        ([("a", timedelta(minutes=9))], {"a": timedelta(minutes=3)},
         {"a": timedelta(minutes=9)}),
        ([("*", timedelta(minutes=1))], {"b": timedelta(minutes=3)},
         {"a": timedelta(minutes=1), "b [2]": timedelta(minutes=1)}),
        ([], {"b": timedelta(days=30)}, {"b [2]": MAX_DURATION}),
    ],
    ids=["observed", "flag-wins", "glob-wins", "observed-capped"],
)
def test_resolve_durations(flags: list[tuple[str, timedelta]], observed: dict[str, timedelta],
                           expected: dict[str, timedelta]) -> None:
    """Explicit --duration beats a snapshot's observed duration; names as shown or as given."""
    names = [("a", "a"), ("b [2]", "b")]
    assert resolve_durations(names, flags, observed) == expected


# -- dates at the ends --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--start", "9999-12-31"], ["--start", "0001-01-01"], ["--month", "--start", "9999-12-01"],
     ["--start", "0001-01-01T00:00Z"], ["--start", "9997-12-31"]],
    ids=["9999-12-31", "year-1", "month-9999", "instant-year-1", "week-past-9997"],
)
def test_dates_at_the_ends_are_usage_errors(args: list[str]) -> None:
    """Days the calendar cannot draw are one line, exit 2: never a traceback."""
    result = CliRunner().invoke(calendar_command, [NIGHTLY, *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --start ") and result.stderr.count("\n") == 1


UTC_DAILY = json.dumps({"strategy": "cron", "config": {"spec": "0 9 * * *", "timezone": "UTC"}})
LEAP_DAY = json.dumps({"strategy": "cron", "config": {"spec": "0 0 29 2 *", "timezone": "UTC"}})
PERIODIC = json.dumps({"strategy": "periodic", "config": {"interval": "7h"}})


@pytest.mark.parametrize("schedule", [UTC_DAILY, LEAP_DAY, PERIODIC, NIGHTLY],
                         ids=["daily", "leap-day", "periodic", "berlin"])
@pytest.mark.parametrize("args", [["--start", "0002-01-01"], ["--month", "--start", "0002-01-01"],
                                  ["--start", "9997-12-25"], ["--month", "--start", "9997-12-01"]],
                         ids=["first-week", "first-month", "last-week", "last-month"])
def test_the_first_and_last_days_draw_or_refuse(schedule: str, args: list[str]) -> None:
    """At the ends of the range the picture is drawn, or refused in one line: no traceback."""
    result = CliRunner().invoke(calendar_command, [schedule, *args, "--duration", "*=168h",
                                                   "--ics", os.devnull])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: --start ") and result.stderr.count("\n") == 1


@given(st.text(max_size=60))
@example("x=1h30m")
@example("a=b=5m")
@example("x=168h0m0.000001s")
@example("x=" + "9" * 5000 + "s")
def test_parse_duration_flag_never_raises_anything_else(text: str) -> None:
    """Any text: a (pattern, duration within 0..168h) pair, or a one-line usage error."""
    try:
        pattern, length = parse_duration_flag(text)
    except click.ClickException as exc:
        assert exc.exit_code == 2 and "\n" not in exc.message.replace(text, "")
        return
    name, _, value = text.rpartition("=")
    assert pattern == name and timedelta(0) <= length <= MAX_DURATION
    assert length == parse_duration(value).to_timedelta()  # the Go parser is the oracle


SNAPSHOT = str(ROOT / "examples" / "snapshot.json")


def test_a_snapshot_draws_its_observed_p95_durations() -> None:
    """`calendar SNAPSHOT` draws each subscription busy for its observed p95 sync duration."""
    from schedulelib.preview.model import span_text
    from schedulelib.workspace.snapshot import observed_durations, read_snapshot

    observed = observed_durations(read_snapshot(SNAPSHOT))
    assert observed, "the example snapshot has sync history"
    code, out, _ = run(SNAPSHOT, "--start", "2026-11-02")
    assert code == 0
    flat = " ".join(out.split())
    for name, length in observed.items():
        assert f"{name}: " in flat and f"busy {span_text(length)} a run" in flat


def test_duration_flag_wins_over_the_snapshot() -> None:
    """An explicit --duration replaces the duration a snapshot observed."""
    from schedulelib.workspace.snapshot import observed_durations, read_snapshot

    name = sorted(observed_durations(read_snapshot(SNAPSHOT)))[0]
    code, out, _ = run(SNAPSHOT, "--start", "2026-11-02", "--duration", f"{name}=47m")
    assert code == 0
    flat = " ".join(out.split())
    assert f"{name}: " in flat and "busy 47m0s a run" in flat


def test_a_damaged_snapshot_still_draws_its_start_marks(tmp_path: Path) -> None:
    """A snapshot whose history cannot be read is drawn without durations, with a warning."""
    text = Path(SNAPSHOT).read_text("utf-8").replace('"schedulelibSnapshot": 1',
                                                     '"schedulelibSnapshot": 99', 1)
    bad = tmp_path / "snap.json"
    bad.write_text(text, "utf-8")
    code, out, err = run(str(bad), "--start", "2026-11-02")
    assert code == 0 and "3 schedules" in out
    assert "busy" not in out and "no observed durations" in err
