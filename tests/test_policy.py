"""Parsing a DST policy: one parser (core/policy.py), the same words through every door (D51)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib import ScheduleError, analyze, load
from schedulelib.cli.main import main
from schedulelib.core.policy import POLICIES, dst_policy

AFTER = datetime(2026, 3, 1, tzinfo=UTC)
CRON = {"strategy": "CRON", "config": {"spec": "0 3 * * *", "timezone": "Europe/Berlin"}}
PERIODIC = {"strategy": "PERIODIC", "config": {"interval": "1h"}}


def _refusal(bad: object) -> str:
    """What the one parser says about ``bad``: the text every door must show."""
    with pytest.raises(ScheduleError) as caught:
        dst_policy(bad)
    return str(caught.value)


# -- the parser ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", POLICIES)
def test_every_policy_is_accepted_as_itself(name: str) -> None:
    assert dst_policy(name) == name


@given(st.one_of(st.text(max_size=30), st.integers(), st.none(), st.lists(st.text(max_size=3),
                                                                             max_size=3)))
@example("GO")  # names are case-sensitive, as in the configuration and on the command line
@example(" go")
@example("go\x00")
@example("x" * 100_000)  # a message quotes the culprit, not a whole file
@example("\ud800")
def test_anything_else_is_refused_naming_the_choices_and_the_value(bad: object) -> None:
    if bad in POLICIES:
        return
    message = _refusal(bad)
    assert message.startswith("dst must be one of 'go', 'debian', 'croniter', got ")
    assert len(message) < 200
    if isinstance(bad, str) and len(bad) <= 60:
        assert message.endswith(f"got {bad!r}")


def test_a_deep_value_is_refused_in_bounded_time() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert len(_refusal(deep)) < 200


# -- every door of the library ------------------------------------------------------------------

BAD = ["posix", "GO", "", "x" * 1000]

LIBRARY_DOORS: dict[str, Callable[[str], object]] = {
    "Cron.next_runs": lambda bad: load(CRON).next_runs(AFTER, 3, dst=bad),  # type: ignore[arg-type]
    "Cron.runs": lambda bad: next(load(CRON).runs(AFTER, dst=bad)),  # type: ignore[arg-type]
    "Periodic.runs": lambda bad: next(load(PERIODIC).runs(AFTER, dst=bad)),  # type: ignore[arg-type]
    "SpecificDays.runs": lambda bad: next(load({"strategy": "SPECIFIC_DAYS", "config": {
        "days": [1], "hours": [3], "timezone": "UTC"}}).runs(AFTER, dst=bad)),  # type: ignore[arg-type]
    "analyze": lambda bad: analyze(load(CRON), AFTER, AFTER + timedelta(days=1),
                                   dst=bad),  # type: ignore[arg-type]
    "engine": lambda bad: _engine(bad),
    "explain.upcoming": lambda bad: _upcoming(bad),
    "calendar.build": lambda bad: _calendar(bad),
    "workspace.audit": lambda bad: _audit(bad),
}


def _engine(bad: str) -> object:
    from schedulelib.core.cron import parse_cron
    from schedulelib.core.runs import iter_cron_runs

    return next(iter_cron_runs(parse_cron("0 3 * * *"), "UTC", AFTER, dst=bad))


def _upcoming(bad: str) -> object:
    from schedulelib.core.explain import upcoming

    return upcoming("x", load(CRON), AFTER, 3, dst=bad)


def _calendar(bad: str) -> object:
    from schedulelib.preview.model import build, window

    return build([("x", load(CRON))], window("week", AFTER.date(), UTC, "UTC"), dst=bad)


def _audit(bad: str) -> object:
    from schedulelib.workspace.audit import audit
    from schedulelib.workspace.snapshot import parse_snapshot

    return audit(parse_snapshot(json.dumps(_snapshot_doc())), dst=bad)


@pytest.mark.parametrize("bad", BAD, ids=["posix", "upper", "empty", "long"])
@pytest.mark.parametrize("door", LIBRARY_DOORS)
def test_library_doors_say_the_same(door: str, bad: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        LIBRARY_DOORS[door](bad)
    assert str(caught.value) == _refusal(bad)


# -- every door of the command line -------------------------------------------------------------


def _snapshot_doc() -> dict[str, Any]:
    until = AFTER + timedelta(days=2)
    return {
        "schedulelibSnapshot": 1, "pulledAt": until.isoformat(), "apiUrl": "https://x",
        "history": {"since": AFTER.isoformat(), "until": until.isoformat()},
        "models": [{"id": "m1", "name": "M", "enabled": True, "sourceId": "s"}],
        "destinations": [{"id": "d1", "name": "D", "enabled": True, "subscriptions": [
            {"id": "s1", "name": "S", "enabled": True, "modelId": "m1", "destinationId": "d1",
             "reverseETLSchedule": CRON, "syncs": []}]}],
    }


def _cli(args: list[str], cwd: Path) -> tuple[int, str]:
    import os

    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("bad", ["posix", "GO", "x" * 1000], ids=["posix", "upper", "long"])
@pytest.mark.parametrize("command", ["next", "calendar", "audit"])
def test_dst_option_says_the_same(tmp_path: Path, command: str, bad: str) -> None:
    """``--dst`` of next, calendar and audit: a usage error (exit 2) in the parser's words."""
    (tmp_path / "s.json").write_text(json.dumps(CRON))
    (tmp_path / "snap.json").write_text(json.dumps(_snapshot_doc()))
    target = "snap.json" if command == "audit" else "s.json"
    status, err = _cli([command, "--dst", bad, target], tmp_path)
    assert status == 2
    assert f"Invalid value for '--dst': {_refusal(bad)}" in " ".join(err.split())


@pytest.mark.parametrize("value", ["'posix'", "'GO'", "3", "['go']", "true"])
@pytest.mark.parametrize("command", ["validate", "next"])
def test_configured_dst_says_the_same(tmp_path: Path, command: str, value: str) -> None:
    """``dst =`` in .schedulelib.toml, read by validate and by next: exit 2, the same words."""
    import tomllib

    (tmp_path / ".schedulelib.toml").write_text(f"dst = {value}\n")
    (tmp_path / "s.json").write_text(json.dumps(CRON))
    bad = tomllib.loads(f"dst = {value}\n")["dst"]
    status, err = _cli([command, "s.json"], tmp_path)
    assert status == 2
    assert _refusal(bad) in " ".join(err.split())
    assert ".schedulelib.toml" in err


@pytest.mark.parametrize("name", POLICIES)
def test_every_policy_passes_every_cli_door(tmp_path: Path, name: str) -> None:
    (tmp_path / "s.json").write_text(json.dumps(CRON))
    (tmp_path / "snap.json").write_text(json.dumps(_snapshot_doc()))
    for args in (["next", "--dst", name, "s.json"], ["calendar", "--dst", name, "s.json"],
                 ["audit", "--dst", name, "snap.json"]):
        status, err = _cli(args, tmp_path)
        assert status in (0, 1) and "dst must be" not in err, (args, err)
