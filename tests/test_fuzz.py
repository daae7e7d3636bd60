"""Fuzzing that stays: hostile inputs never raise outside the documented exceptions.

Generators live in tests/fuzzing.py (shared with the long run, tools/fuzz.py); hypothesis drives
them through ``st.randoms()``, so a failure shrinks and replays.  Sizes are bounded (``big`` is
off here), so the suite runs in seconds; the long run turns ``big`` on.

Documented exceptions: check() none; load() ScheduleError; parse_duration() DurationError;
parse_cron() CronSyntaxError; runs()/next_runs() ScheduleError (a bad argument).  The CLI exits
0, 1 or 2, and its ``--format json`` output is always JSON.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedulelib import (
    CronSyntaxError,
    Diagnostic,
    DurationError,
    ScheduleError,
    check,
    load,
    parse_cron,
    parse_duration,
)
from schedulelib.cli.main import main

from . import fuzzing

AS_OF = datetime(2026, 1, 15, tzinfo=UTC)
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))


def _check_contract(doc: object) -> None:
    found = check(doc, as_of=AS_OF)
    assert isinstance(found, list) and all(isinstance(d, Diagnostic) for d in found)
    # Findings stay small whatever the input: quotations are shortened.
    assert all(len(d.message) + len(d.hint) < 2000 for d in found)
    try:
        load(doc, as_of=AS_OF)
    except ScheduleError:
        assert any(d.severity == "error" for d in found) or not found
    else:
        assert not any(d.severity == "error" for d in found)


# -- the library --------------------------------------------------------------------------------


@FUZZ
@given(st.randoms(use_true_random=False))
def test_check_and_load_on_documents(rng: random.Random) -> None:
    """check() never raises and load() raises only ScheduleError, on hostile documents."""
    _check_contract(fuzzing.document(rng))


@FUZZ
@given(st.randoms(use_true_random=False))
def test_check_and_load_on_json_text(rng: random.Random) -> None:
    """The same for JSON text (str and bytes), with BOMs, duplicate keys and huge numbers."""
    text = fuzzing.json_text(rng)
    _check_contract(text)
    _check_contract(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.randoms(use_true_random=False))
@example(random.Random(0))
def test_parse_cron(rng: random.Random) -> None:
    """parse_cron() gives a CronExpr or a CronSyntaxError with at most 10 short findings."""
    spec = fuzzing.cron_spec(rng)
    try:
        expr = parse_cron(spec)
    except CronSyntaxError as exc:
        assert 1 <= len(exc.diagnostics) <= 10
        assert all(d.code.startswith("SL4") for d in exc.diagnostics)
    else:
        assert 0 < expr.minutes < 1 << 60 and 0 < expr.hours < 1 << 24
        assert expr.min_gap.total_seconds() >= 60


@FUZZ
@given(st.randoms(use_true_random=False))
def test_parse_duration(rng: random.Random) -> None:
    """parse_duration() gives an int64 Duration or a DurationError, from text and bytes."""
    text = fuzzing.duration(rng)
    for given_text in (text, text.encode("utf-8", "surrogatepass")):
        try:
            value = parse_duration(given_text)
        except DurationError as exc:
            assert str(exc).startswith("time: ")
        else:
            assert -(2**63) <= value.nanoseconds < 2**63


def _valid_schedule(rng: random.Random) -> object:
    for _ in range(50):
        doc = fuzzing.document(rng)
        try:
            return load(doc, as_of=AS_OF)
        except ScheduleError:
            continue
    return load({"strategy": "cron", "config": {"spec": "*/15 * * * *",
                                                "timezone": rng.choice(fuzzing.ZONES[:10])}})


def _runs(rng: random.Random, after: datetime) -> None:
    schedule = _valid_schedule(rng)
    dst = rng.choice(["go", "debian", "croniter"])
    try:
        runs = schedule.next_runs(after, rng.choice([1, 3, 10]), dst=dst)  # type: ignore[attr-defined]
    except ScheduleError:
        return
    assert all(a < b for a, b in itertools.pairwise(runs)) or dst == "go"
    assert all(r > after for r in runs)


@FUZZ
@given(st.randoms(use_true_random=False),
       st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.just(UTC)))
def test_runs_in_ordinary_years(rng: random.Random, after: datetime) -> None:
    """next_runs() of any valid schedule returns runs after ``after`` or a ScheduleError."""
    _runs(rng, after)


@FUZZ
@given(st.randoms(use_true_random=False))
def test_runs_at_the_ends_of_the_calendar(rng: random.Random) -> None:
    """next_runs() from year 1, 9998-9999, 1970 and 2038 edges stops cleanly."""
    _runs(rng, fuzzing.instant(rng))


# -- the command line on generated files --------------------------------------------------------


def _validate(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}")
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output
    json.loads(result.stdout)


def _encode(rng: random.Random, text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:  # a stray invalid byte
        at = rng.randrange(len(data) + 1)
        data = data[:at] + bytes([rng.choice([0x80, 0xFF, 0xC3])]) + data[at:]
    return data


# JSON; YAML with aliases, tags, YAML 1.1 numbers, deep flow nesting; Terraform with literal
# and computed configs, CR line ends, heredocs.
@pytest.mark.parametrize(("name", "make"), [
    ("s.json", fuzzing.json_text), ("s.yaml", fuzzing.yaml_text),
    ("s.tf", fuzzing.terraform_text),
], ids=["json", "yaml", "terraform"])
@FUZZ
@given(st.randoms(use_true_random=False))
def test_cli_validate_generated_files(tmp_path_factory: pytest.TempPathFactory, name: str,
                                      make: Callable[[random.Random], str],
                                      rng: random.Random) -> None:
    """validate on a generated file: exit 0/1/2, JSON output, never a traceback."""
    _validate(tmp_path_factory.mktemp("gen"), name, _encode(rng, make(rng)))


def test_cli_validate_json_with_two_boms(tmp_path: Path) -> None:
    """A JSON file starting with two BOMs gets SL001, not a crash."""
    _validate(tmp_path, "s.json", "\ufeff\ufeff{\"strategy\": \"cron\"}".encode())


HUGE_FILES = [
    ("s.json", '{"strategy": "specific_days", "config": {"days": [1' + "0" * 5000 + '], '
     '"hours": [1], "timezone": "UTC"}}'),
    ("s.yaml", "strategy: specific_days\nconfig:\n  days: [1" + "0" * 5000 + "]\n  hours: [1]\n"
     "  timezone: UTC\n"),
]


@pytest.mark.parametrize(("name", "text"), HUGE_FILES, ids=[h[0] for h in HUGE_FILES])
def test_cli_validate_number_past_the_digit_limit(tmp_path: Path, name: str, text: str) -> None:
    """A 5,001-digit number in a file gets a finding, not a crash."""
    _validate(tmp_path, name, text.encode())


def test_cli_validate_terraform_nested_jsonencode(tmp_path: Path) -> None:
    """A config of jsonencode({ interval = jsonencode(var.x) }) gets a finding, not a crash."""
    text = ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
            f'    strategy = "PERIODIC"\n    config = {fuzzing.NESTED_JSONENCODE}\n  }}\n}}\n')
    _validate(tmp_path, "s.tf", text.encode())
