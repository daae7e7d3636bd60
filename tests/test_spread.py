"""``schedulelib spread``: proposals applied remove every solvable collision and keep each
schedule's runs as its old runs moved by a constant (checked by expansion); the command's
output, --diff, --write, --format json, --snapshot."""

from __future__ import annotations

import json
import stat
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from schedulelib.cli.main import cli
from schedulelib.core.collide import WINDOW, busy, peak, plan_spread, shifts_within_hour
from schedulelib.core.schedule import load
from schedulelib.lint.engine import Options, Source, lint
from schedulelib.lint.spread import minute_field, shifted_spec, spread
from schedulelib.workspace.snapshot import write_snapshot
from tests.conftest import read_all

from .test_collide import AS_OF, SOURCES, _write, repositories


@pytest.mark.parametrize(("spec", "minutes", "shift", "want"), [
    ("0 */3 * * *", 1, 7, "7 */3 * * *"),
    ("*/20 * * * *", 1 | 1 << 20 | 1 << 40, 5, "5-59/20 * * * *"),
    ("0,30 9 * * 1", 1 | 1 << 30, 4, "4,34 9 * * 1"),
    ("  15 1-3 * * *", 1 << 15, -3, "  12 1-3 * * *"),
    ("0-45/15 * * * *", 1 | 1 << 15 | 1 << 30 | 1 << 45, 2, "2-59/15 * * * *"),
], ids=["single", "step", "pair", "earlier-spaces-kept", "range-step"])
def test_shifted_spec(spec: str, minutes: int, shift: int, want: str) -> None:
    """The minute field moved, the other fields as written (the issue's own examples)."""
    assert shifted_spec(spec, minutes, shift) == want


def test_minute_field_reads_back() -> None:
    """Every field written names exactly the minutes it was made from."""
    from schedulelib import parse_cron

    for values in ([0], [5, 25, 45], [1, 2], [3, 17, 40], [10, 20, 30, 40, 50]):
        expr = parse_cron(f"{minute_field(values)} * * * *")
        assert [m for m in range(60) if expr.minutes >> m & 1] == values


def test_shifts_stay_in_the_hour() -> None:
    """Never across the hour: 0..59 only, smallest first, later before earlier."""
    assert shifts_within_hour(1 << 58)[:4] == [0, 1, -1, -2]
    assert all(0 <= 58 + s <= 59 for s in shifts_within_hour(1 << 58))
    assert shifts_within_hour((1 << 60) - 1) == [0]


def test_plan_spread_unsolvable_does_its_best() -> None:
    """61 hourly schedules cannot all have a minute: the fewest shared starts are left."""
    hourly = sum(1 << (60 * h) for h in range(48))
    moves = plan_spread([hourly] * 61, [shifts_within_hour(1)] * 61)
    assert moves[0].shift == 0
    assert sorted(m.shift for m in moves[:60]) == list(range(60))
    assert moves[60].shared > 0
    # A second pass over the result moves nothing (idempotent).
    again = plan_spread([hourly << m.shift for m in moves],
                        [shifts_within_hour(1 << m.shift) for m in moves])
    assert [m.shift for m in again] == [0] * 61


def test_busy_and_peak() -> None:
    """Runs of 10 minutes starting 5 minutes apart overlap; 10 apart do not."""
    a, b, c = 1, 1 << 5, 1 << 10
    assert busy(a, 10) == (1 << 10) - 1
    assert peak([a, b], [10, 10]) == 2
    assert peak([a, c], [10, 10]) == 1
    moves = plan_spread([a, a], [[0], shifts_within_hour(1)], [10, 10])
    assert moves[1].shift == 10 and not moves[1].overlaps


def _runs(doc: object) -> list[int]:
    schedule = load(doc)
    return [int(r.timestamp()) for r in schedule.runs(AS_OF, AS_OF + WINDOW)]


@given(repositories())
@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.function_scoped_fixture])
def test_spread_applied_clears_collisions_and_moves_runs_by_a_constant(
        tmp_path: Path, repo: list[dict[str, object]]) -> None:
    """Generated Terraform and JSON: after --write, no SL701 in a solved group, each moved
    schedule's runs are its old runs plus its shift, and a second spread moves nothing."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    files = _write(repo, folder)
    before = {f: Path(f).read_text("utf-8") for f in files}
    result = spread(list(read_all(files)), as_of=AS_OF)
    for f in result.files:
        if f.changed:
            assert f.after is not None
            Path(f.file).write_text(f.after, "utf-8")
    assert all(not f.refused for f in result.files)
    # Runs moved by a constant, checked by expansion of the old and the new document.
    new_docs = {s.name: s.doc for scan in read_all(files) for s in scan.schedules}
    lo, hi = AS_OF.timestamp(), (AS_OF + WINDOW).timestamp()
    for sub in repo:
        name = str(sub["name"])
        shift = next((c.shift for c in result.changes if c.name == name), 0)
        want = [r + 60 * shift for r in _runs(sub["schedule"])]
        got = _runs(new_docs[name])
        # Compared inside the window: a run moved across either end leaves or enters it.
        assert [r for r in got if lo + 3600 < r < hi - 3600] == \
            [r for r in want if lo + 3600 < r < hi - 3600]
    assert all(not c.unwritable for c in result.changes)
    report = lint([Source(f, Path(f)) for f in files],
                  Options(isolated=True, as_of=AS_OF, select=("SL701",)))
    unsolved = {g.key for g in result.groups if g.shared_left}
    owner = {str(s["name"]): SOURCES[str(s["model"])] or str(s["model"]) for s in repo}
    assert {owner[Path(f.file).stem] for f in report.findings} <= unsolved
    # Idempotent: a second spread moves nothing.
    again = spread(list(read_all(files)), as_of=AS_OF)
    assert again.changes == []
    assert not any(f.changed for f in again.files)
    assert all(Path(f).read_text("utf-8") != before[f] or
               not any(c.file == f for c in result.changes) for f in files)


# -- the command ---------------------------------------------------------------------------------

TF = """\
resource "segment_reverse_etl_model" "id-m1" {{
  name              = "Users"
  source_id         = "wh1"
  schedule_strategy = ""
}}

resource "segment_destination_subscription" "id-d1_s1" {{
  name     = "Upsert Contact"
  model_id = "m1"
  reverse_etl_schedule = {{
    strategy = "CRON"
    config   = jsonencode({{ spec = "{a}", timezone = "UTC" }})
  }}
}}

resource "segment_destination_subscription" "id-d1_s2" {{
  name     = "Sync Orders"
  model_id = segment_reverse_etl_model.id-m1.id
  reverse_etl_schedule = {{
    strategy = "SPECIFIC_DAYS"
    config   = jsonencode({{ days = [1], hours = [9], timezone = "UTC" }})
  }}
}}
"""


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_text_diff_write_json(tmp_path: Path) -> None:
    """Text names each move; --diff writes nothing; --write edits; again: nothing to move."""
    main = tmp_path / "main.tf"
    main.write_text(TF.format(a="0 * * * *"), "utf-8")
    original = main.read_text("utf-8")
    code, out, _ = _invoke("spread", str(tmp_path), "--as-of", "2026-12-07")
    assert code == 1
    assert "'Sync Orders' specific_days days [1] hours [9] -> cron '1 9 * * 1' (+1 min; " \
        "specific_days starts at the top of the hour only" in out
    assert "source 'wh1': 2 schedules, 1 moved, every shared start cleared" in out
    code, out, _ = _invoke("spread", str(tmp_path), "--as-of", "2026-12-07", "--diff")
    assert code == 1 and '+    strategy = "CRON"' in out and main.read_text("utf-8") == original
    code, out, _ = _invoke("spread", str(tmp_path), "--as-of", "2026-12-07", "--write",
                           "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["written"] is True
    assert [(c["name"], c["old"], c["new"], c["shift"], c["toCron"]) for c in doc["changes"]] \
        == [("Sync Orders", "specific_days days [1] hours [9]", "1 9 * * 1", 1, True)]
    assert 'config   = jsonencode({ spec = "1 9 * * 1", timezone = "UTC" })' in \
        main.read_text("utf-8")
    code, out, _ = _invoke("spread", str(tmp_path), "--as-of", "2026-12-07")
    assert code == 0 and "nothing to move" in out
    code, out, _ = _invoke("validate", str(tmp_path), "--as-of", "2026-12-07")
    assert "SL701" not in out


def test_cli_never_writes_read_only(tmp_path: Path) -> None:
    """A read-only file is named and left as it is."""
    main = tmp_path / "main.tf"
    main.write_text(TF.format(a="0 9 * * *"), "utf-8")
    main.chmod(stat.S_IRUSR)
    try:
        code, _out, err = _invoke("spread", str(main), "--as-of", "2026-12-07", "--write")
        assert code == 1 and "read-only" in err
        assert main.read_text("utf-8") == TF.format(a="0 9 * * *")
    finally:
        main.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_cli_snapshot_durations_and_peaks(tmp_path: Path) -> None:
    """With a snapshot, runs are kept from overlapping and the peak is shown before/after."""
    doc = {"schedulelibSnapshot": 1, "pulledAt": "2026-12-01T00:00:00Z",
           "apiUrl": "http://127.0.0.1:1", "history": {"since": "2026-11-20T00:00:00Z",
                                                        "until": "2026-12-01T00:00:00Z"},
           "models": [{"id": "m1", "name": "M", "enabled": True, "sourceId": "wh"}],
           "destinations": [{"id": "d", "name": "D", "enabled": True, "subscriptions": []}]}
    subs = doc["destinations"][0]["subscriptions"]  # type: ignore[index]
    start = datetime(2026, 11, 25, 9, tzinfo=UTC)
    for i in range(3):
        syncs = [{"syncId": f"{i}-{k}", "syncStatus": "SUCCESS",
                  "startedAt": (start + timedelta(days=k)).isoformat().replace("+00:00", "Z"),
                  "finishedAt": (start + timedelta(days=k, minutes=12)).isoformat()
                  .replace("+00:00", "Z"), "duration": None, "errorCode": None,
                  "error": None} for k in range(3)]
        subs.append({"id": f"s{i}", "name": f"S{i}", "enabled": True, "modelId": "m1",
                     "destinationId": "d", "reverseETLSchedule": {
                         "strategy": "cron", "config": {"spec": "0 9 * * *",
                                                        "timezone": "UTC"}},
                     "syncs": syncs})
    snap = tmp_path / "snap.json"
    write_snapshot(doc, snap)
    code, out, _ = _invoke("spread", str(snap), "--snapshot", str(snap), "--as-of",
                           "2026-12-07", "--format", "json")
    result = json.loads(out)
    assert code == 1  # moves proposed
    assert [c["shift"] for c in result["changes"]] == [12, 24]
    assert (result["groups"][0]["peakBefore"], result["groups"][0]["peakAfter"]) == (3, 1)


@pytest.mark.parametrize("command", ["validate", "spread"])
def test_readme_shows_the_real_output_of_the_warehouse_example(
        command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's collision found and spread is what the commands print today."""
    import re

    from .conftest import ROOT

    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(rf"```console\n\$ schedulelib {command} (examples/warehouse\.tf) "
                      r"--as-of (\S+)\n(.*?)```", text, flags=re.DOTALL)
    assert block is not None
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, [command, block.group(1), "--as-of", block.group(2)])
    assert result.stdout == block.group(3), "run the command and paste its output into README"
    assert "SL701" in result.stdout or "moved" in result.stdout


@pytest.mark.parametrize(("name", "text"), [
    ("s.yaml", "subscriptions:\n  - name: A\n    modelId: m\n    reverseETLSchedule:\n"
               "      strategy: cron\n      config:\n        spec: '0 9 * * 1'\n"
               "        timezone: UTC\n  - name: B\n    modelId: m\n"
               "    reverseETLSchedule:\n      strategy: specific_days\n      config:\n"
               "        days: [1]\n        hours: [9]\n        timezone: UTC\n"),
    ("s.json", json.dumps({"subscriptions": [
        {"name": "A", "modelId": "m", "reverseETLSchedule": {
            "strategy": "cron", "config": {"spec": "0 9 * * 1", "timezone": "UTC"}}},
        {"name": "B", "modelId": "m", "reverseETLSchedule": {
            "strategy": "SPECIFIC_DAYS", "config": {"days": [1], "hours": [9],
                                                    "timezone": "UTC"}}}]}, indent=2)),
], ids=["yaml", "json"])
def test_specific_days_becomes_cron_in_each_syntax(tmp_path: Path, name: str,
                                                   text: str) -> None:
    """The strategy keeps its case, the config is written in the file's own syntax, and the
    file reads back with B as the equivalent cron one minute later."""
    path = tmp_path / name
    path.write_text(text, "utf-8")
    result = spread(list(read_all([str(path)])), as_of=AS_OF)
    (fixed,) = result.files
    assert not fixed.refused and fixed.after is not None
    path.write_text(fixed.after, "utf-8")
    docs = {f.name: f.doc for scan in read_all([str(path)]) for f in scan.schedules}
    assert load(docs["B"]) == load({"strategy": "cron", "config": {"spec": "1 9 * * 1",
                                                                   "timezone": "UTC"}})
    assert str(docs["B"]["strategy"]) in ("cron", "CRON")  # type: ignore[index]
    assert (str(docs["B"]["strategy"]) == "CRON") == ("SPECIFIC_DAYS" in text)  # type: ignore[index]
    assert lint([Source(str(path), path)], Options(isolated=True, as_of=AS_OF)).findings == []


def test_unsolvable_source_through_spread(tmp_path: Path) -> None:
    """61 hourly mappings on one model: 60 minutes given out, the rest said, and a second
    spread proposes nothing more."""
    subs = [{"name": f"S{i:02d}", "modelId": "m", "reverseETLSchedule": {
        "strategy": "cron", "config": {"spec": "0 * * * *", "timezone": "UTC"}}}
        for i in range(61)]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"subscriptions": subs}, indent=1), "utf-8")
    result = spread(list(read_all([str(path)])), as_of=AS_OF)
    (group,) = result.groups
    assert group.schedules == 61 and group.moved in (59, 60)
    # Hourly all year: the minute shared twice is every hour of the year, but for the one
    # at either end of the window that the shared minute leaves outside.
    hours = len(_runs(subs[0]["reverseETLSchedule"]))
    assert hours - 1 <= group.shared_left <= hours
    (fixed,) = result.files
    assert fixed.after is not None
    path.write_text(fixed.after, "utf-8")
    again = spread(list(read_all([str(path)])), as_of=AS_OF)
    assert again.changes == [] and again.groups[0].shared_left == group.shared_left


@pytest.mark.parametrize("kind", ["missing", "fifo", "beside-a-good-file"])
def test_a_file_that_cannot_be_read_is_said_never_nothing_to_move(tmp_path: Path,
                                                                   kind: str) -> None:
    """spread on a path it cannot read names it (SL901) and exits 2, even when the other
    files were spread: "nothing to move" would be a silent pass."""
    import os

    bad = tmp_path / "nope.json"
    if kind == "fifo":
        os.mkfifo(bad)
    args = ["spread", str(bad)]
    if kind == "beside-a-good-file":
        args.insert(1, str(Path(__file__).parent.parent / "examples" / "warehouse.tf"))
    result = CliRunner().invoke(cli, [*args, "--as-of", "2027-01-04"])
    assert result.exit_code == 2
    assert f"{bad}: error SL901" in result.output
