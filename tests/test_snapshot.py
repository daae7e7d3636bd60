"""The snapshot file: reading, writing atomically, durations, and hostile input."""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib.cli.main import main
from schedulelib.workspace.snapshot import (
    SnapshotError,
    observed_durations,
    parse_duration_text,
    parse_snapshot,
    read_snapshot,
    subscription_names,
    write_snapshot,
)

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _doc(subs: list[dict[str, Any]] | None = None, **top: Any) -> dict[str, Any]:
    return {"schedulelibSnapshot": 1, "pulledAt": "2026-11-25T16:00:00Z", "apiUrl": "https://a",
            "history": {"since": "2026-11-11T16:00:00Z", "until": "2026-11-25T16:00:00Z"},
            "models": [{"id": "m1", "name": "Accounts", "enabled": True, "sourceId": "s1"}],
            "destinations": [{"id": "d1", "name": "Salesforce", "enabled": True,
                              "subscriptions": subs if subs is not None else []}], **top}


def _sub(name: str, syncs: list[Any], sid: str = "sub") -> dict[str, Any]:
    return {"id": sid, "name": name, "enabled": True, "modelId": "m1", "destinationId": "d1",
            "reverseETLSchedule": {"strategy": "CRON",
                                   "config": {"spec": "0 * * * *", "timezone": "UTC"}},
            "syncs": syncs}


def _y(start: datetime, seconds: float | None = 60, duration: str | None = None,
       status: str = "SUCCESS") -> dict[str, Any]:
    return {"syncId": f"y{start.timestamp()}", "syncStatus": status,
            "startedAt": start.isoformat(),
            "finishedAt": None if seconds is None else
            (start + timedelta(seconds=seconds)).isoformat(),
            "duration": duration, "errorCode": None, "error": None}


def test_the_documented_example_reads() -> None:
    """The example in the agreed format document parses into typed values."""
    snap = parse_snapshot(json.dumps(_doc([_sub("Upsert Account", [
        {"syncId": "y1", "syncStatus": "SUCCESS", "startedAt": "2026-11-24T10:00:03Z",
         "finishedAt": "2026-11-24T10:04:10Z", "duration": "4m7s", "errorCode": None,
         "error": None}])])))
    (sub,) = snap.subscriptions()
    (sync,) = sub.syncs
    assert sync.started_at == datetime(2026, 11, 24, 10, 0, 3, tzinfo=UTC)
    assert sync.elapsed == timedelta(minutes=4, seconds=7)
    assert sub.where == "/destinations/0/subscriptions/0/reverseETLSchedule"
    assert snap.history == (datetime(2026, 11, 11, 16, tzinfo=UTC),
                            datetime(2026, 11, 25, 16, tzinfo=UTC))


def test_write_then_read_is_identity(tmp_path: Path) -> None:
    """write_snapshot and read_snapshot round-trip every field."""
    snap = parse_snapshot(json.dumps(_doc([_sub("A", [_y(T0), _y(T0 + timedelta(hours=1),
                                                                 None, "PT2M", "FAIL")])])))
    path = tmp_path / "s.json"
    write_snapshot(snap, path)
    assert read_snapshot(path) == snap
    assert json.loads(path.read_text())["schedulelibSnapshot"] == 1


def test_write_is_atomic(tmp_path: Path) -> None:
    """A write that fails midway leaves the old file and no temporary file."""
    path = tmp_path / "s.json"
    path.write_text("old")
    with pytest.raises(ValueError):
        write_snapshot({"schedulelibSnapshot": 1, "x": math.nan}, path)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["s.json"]


def test_syncs_are_ordered_by_start() -> None:
    """Pages may come in any order; the reader sorts each history by startedAt."""
    starts = [T0 + timedelta(hours=h) for h in (3, 1, 2)]
    snap = parse_snapshot(json.dumps(_doc([_sub("A", [_y(t) for t in starts])])))
    (sub,) = snap.subscriptions()
    assert [s.started_at for s in sub.syncs] == sorted(starts)


@pytest.mark.parametrize(("text", "seconds"), [
    ("4m7s", 247.0), ("1h0m0.5s", 3600.5), ("PT4M7S", 247.0), ("PT1H", 3600.0),
    ("P1DT2S", 86402.0), ("247", 247.0), ("247.25", 247.25), ("0s", 0.0),
    ("", None), ("P", None), ("PT", None), ("-5s", None), ("5 minutes", None),
    ("9" * 100, None), ("1h" * 40, None), ("٣s", None),
], ids=lambda v: repr(v)[:20])
def test_duration_text(text: str, seconds: float | None) -> None:
    """Go, ISO 8601 and plain-second durations are read; anything else is None."""
    got = parse_duration_text(text)
    assert (None if got is None else got.total_seconds()) == seconds


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=60),
       st.floats(0.0, 1.0))
@example([5, 1, 3], 0.95)
@example([7], 0.0)
def test_observed_durations_is_a_nearest_rank_quantile(values: list[int], q: float) -> None:
    """The result is a sample with at least q of the samples at or below it, and is the least
    such sample."""
    syncs = [_y(T0 + timedelta(hours=i), v) for i, v in enumerate(values)]
    snap = parse_snapshot(json.dumps(_doc([_sub("A", syncs)])))
    got = observed_durations(snap, q)["A"].total_seconds()
    assert got in values
    assert sum(v <= got for v in values) >= q * len(values)
    assert sum(v < got for v in values) < max(q * len(values), 1)


def test_observed_durations_names_match_calendar_labels() -> None:
    """Duplicate names get ' [n]' suffixes in file order; syncs never finished are left out."""
    subs = [_sub("Same", [_y(T0, 60)], "a"), _sub("Same", [_y(T0, 120)], "b"),
            _sub("Running", [_y(T0, None, status="IN_PROGRESS")], "c")]
    snap = parse_snapshot(json.dumps(_doc(subs)))
    assert subscription_names(snap) == ["Same [1]", "Same [2]", "Running"]
    assert observed_durations(snap) == {"Same [1]": timedelta(minutes=1),
                                        "Same [2]": timedelta(minutes=2)}
    with pytest.raises(ValueError, match="q must"):
        observed_durations(snap, 1.5)


# -- hostile input ------------------------------------------------------------------------------

BAD_SYNC = [
    {"syncId": "y", "syncStatus": "SUCCESS", "startedAt": "2026-11-24T10:00:00"},  # no offset
    {"syncId": "y", "syncStatus": "SUCCESS", "startedAt": "2026-W48-2"},  # ISO week date
    {"syncId": "y", "syncStatus": "SUCCESS", "startedAt": "9" * 100_000},
    {"syncId": "y", "syncStatus": "SUCCESS", "startedAt": 1732442400},
    {"syncId": "y", "syncStatus": "SUCCESS", "startedAt": "2026-11-24T10:00:00Z",
     "finishedAt": "soon"},
    {"syncId": 1, "syncStatus": "SUCCESS", "startedAt": "2026-11-24T10:00:00Z"},
    {"syncId": "y", "syncStatus": "SUCCESS", "startedAt": "2026-11-24T10:00:00Z",
     "duration": 5},
    {"syncId": "y", "startedAt": "2026-11-24T10:00:00Z"},
    "not an object",
]


@pytest.mark.parametrize("sync", BAD_SYNC, ids=["naive", "week-date", "huge", "number",
                                                "bad-finish", "id-number", "duration-number",
                                                "no-status", "string"])
def test_bad_sync_entries_are_sl941_with_a_pointer(sync: Any) -> None:
    """Each unusable sync status is reported with its JSON pointer, never raised raw."""
    with pytest.raises(SnapshotError) as info:
        parse_snapshot(json.dumps(_doc([_sub("A", [sync])])))
    (d,) = info.value.diagnostics
    assert (d.code, d.path) == ("SL941", "/destinations/0/subscriptions/0/syncs/0")
    assert len(str(info.value)) < 300


@pytest.mark.parametrize(("text", "code"), [
    (b"", "SL940"), (b"\xff\xfe", "SL940"), (b"[]", "SL940"), (b'{"a": NaN}', "SL940"),
    (b'{"schedulelibSnapshot": true}', "SL940"), (b'{"schedulelibSnapshot": "1"}', "SL940"),
    (b'{"schedulelibSnapshot": 1e400}', "SL940"), (b"{" * 100_000, "SL940"),
    (b'{"schedulelibSnapshot": 1, "pulledAt": 5}', "SL941"),
    (b'{"schedulelibSnapshot": 1, "pulledAt": "2026-01-01T00:00:00Z", "models": {}}', "SL941"),
    (b'{"schedulelibSnapshot": 1, "pulledAt": "2026-01-01T00:00:00Z", "destinations": '
     b'[{"id": "d", "enabled": "yes"}]}', "SL941"),
    (b'{"schedulelibSnapshot": 1, "pulledAt": "9999-12-31T23:59:59-01:00"}', "SL941"),
    (b'{"schedulelibSnapshot": 1, "pulledAt": "0001-01-01T00:00:00+01:00"}', "SL941"),
    (b'{"schedulelibSnapshot": 1, "pulledAt": "2026-01-01T00:00:00Z", "history": '
     b'{"since": "2026-01-01T00:00:00Z", "until": "9999-12-31T23:59:59.999-23:59"}}', "SL941"),
], ids=["empty", "not-utf8", "array", "nan", "bool-version", "string-version", "inf-version",
        "deep", "pulled-at", "models-object", "enabled-string", "pulled-at-year-10000",
        "pulled-at-year-0", "until-year-10000"])
def test_files_that_are_not_snapshots(text: bytes, code: str) -> None:
    """Every malformed file is one SnapshotError (a ValueError) with a registered code."""
    with pytest.raises(SnapshotError) as info:
        parse_snapshot(text)
    assert info.value.diagnostics[0].code == code


def test_one_broken_generator_does_not_flood_the_report() -> None:
    """A million bad entries are reported as at most a hundred findings."""
    bad = {"syncId": "y", "syncStatus": "S", "startedAt": "x"}
    with pytest.raises(SnapshotError) as info:
        parse_snapshot(json.dumps(_doc([_sub("A", [bad] * 5000)])))
    assert len(info.value.diagnostics) == 100


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo", "device"],
                         ids=["missing", "directory", "fifo", "device"])
def test_unreadable_paths(tmp_path: Path, kind: str) -> None:
    """A missing path, a directory, a FIFO or a device is SL940, not an OSError nor a hang."""
    path = tmp_path / "nope.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    elif kind == "device":
        path = Path(os.devnull)
    with pytest.raises(SnapshotError) as info:
        read_snapshot(path)
    assert info.value.diagnostics[0].code == "SL940"


def test_reading_a_small_snapshot_needs_little_memory(tmp_path: Path) -> None:
    """A small snapshot reads with 1 GiB of address space (the 2 GiB limit is not reserved)."""
    import subprocess
    import sys

    path = tmp_path / "s.json"
    path.write_text(json.dumps(_doc([_sub("A", [_y(T0)])])))
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
            "from schedulelib.workspace.snapshot import read_snapshot; read_snapshot(sys.argv[1])")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-500:]


def test_odd_unicode_names_survive(tmp_path: Path) -> None:
    """Names with emoji, right-to-left text and NUL round-trip through the file."""
    name = "Úpsert \u202e😀\x00 \ud7ff"
    snap = parse_snapshot(json.dumps(_doc([_sub(name, [_y(T0)])])))
    write_snapshot(snap, tmp_path / "s.json")
    assert next(read_snapshot(tmp_path / "s.json").subscriptions()).name == name


def test_explain_and_calendar_style_readers_see_the_schedules(tmp_path: Path) -> None:
    """explain reads a snapshot like any JSON file and names each subscription."""
    path = tmp_path / "s.json"
    write_snapshot(parse_snapshot(json.dumps(_doc([_sub("Upsert Account", [_y(T0)])]))), path)
    result = CliRunner().invoke(main, ["explain", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Upsert Account: cron")


def test_duration_keys_are_the_names_calendar_prints(tmp_path: Path) -> None:
    """observed_durations keys the subscriptions exactly as calendar labels the same file."""
    bad = _sub("Same", [_y(T0, 30)], "bad")
    bad["reverseETLSchedule"] = {"strategy": "CRON", "config": {"spec": "*/5 * * * *",
                                                                "timezone": "UTC"}}
    subs = [_sub("Same", [_y(T0, 60)], "a"), bad, _sub("Same", [_y(T0, 120)], "b"),
            _sub("", [_y(T0, 180)], "c"), _sub("Solo", [_y(T0, 240)], "d")]
    path = tmp_path / "s.json"
    write_snapshot(parse_snapshot(json.dumps(_doc(subs))), path)
    # The calendar command's own path: schedules read as validate reads them, then made unique.
    from schedulelib._support.names import numbered
    from schedulelib.cli._common import read_schedules

    good, _ = read_schedules(str(path))
    printed = set(numbered([name for name, _ in good]))
    keys = observed_durations(read_snapshot(path))
    assert printed == set(keys) - {"Same"}  # the unreadable one is left out of the calendar
    assert keys[f"{path}#/destinations/0/subscriptions/3/reverseETLSchedule"] == \
        timedelta(minutes=3)
    assert keys["Same [2]"] == timedelta(minutes=2)
