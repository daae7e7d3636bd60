"""``schedulelib calendar``: arguments, sources, errors and outputs (CliRunner)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from schedulelib.cli_calendar import calendar_command, parse_start, use_color

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
