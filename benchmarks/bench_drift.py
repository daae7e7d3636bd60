"""drift at scale: 5,000 subscriptions in files (Segment's Git sync layout) against a snapshot
of 5,000.

Issue 19 asks for at most 3 s.  Printed beside peers measured in the same run:

- ``schedulelib drift`` (read, match, judge, render) beside ``schedulelib validate`` of the
  same files (the reading and checking drift cannot do without) and reading the snapshot;
- the judging alone (matching and comparing plain records) beside its floor: comparing the
  two sides' schedule documents for equality, pair by pair.

Most pairs are the same, as in a workspace that is looked after; the rest are written
differently (equivalent), changed (with a first differing run), or on one side only.
Timings are the best of ``--repeat`` rounds (the machine may be shared).

Run: python benchmarks/bench_drift.py [--subscriptions N] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = datetime(2026, 12, 7, tzinfo=UTC)
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney",
         "America/Sao_Paulo", "Europe/London", "Asia/Tokyo"]
SPECS = ["0 * * * *", "15 * * * *", "0 9 * * 1-5", "30 2 * * *", "0 */6 * * *", "5 4 1 * *"]
BUDGET = 3.0


def _schedule(rng: random.Random) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.4:
        return {"strategy": "CRON", "config": {"spec": rng.choice(SPECS),
                                               "timezone": rng.choice(ZONES)}}
    if kind < 0.7:
        return {"strategy": "PERIODIC", "config": {"interval": rng.choice(["15m", "1h", "12h"])}}
    if kind < 0.9:
        return {"strategy": "SPECIFIC_DAYS", "config": {
            "days": sorted(rng.sample(range(7), 3)), "hours": [rng.randrange(24)],
            "timezone": rng.choice(ZONES)}}
    return {"strategy": "MANUAL", "config": None}


def _respell(schedule: dict[str, Any], rng: random.Random) -> tuple[dict[str, Any], str]:
    """The workspace's side: the same, written differently, changed, or (None) missing."""
    roll = rng.random()
    config = schedule["config"]
    if roll < 0.75:
        return schedule, "same"
    if roll < 0.85 and schedule["strategy"] == "PERIODIC":
        spelt = {"15m": "900s", "1h": "60m", "12h": "720m"}[config["interval"]]
        return {"strategy": "PERIODIC", "config": {"interval": spelt}}, "equivalent"
    if roll < 0.85 and schedule["strategy"] == "CRON" and config["spec"] == "0 * * * *":
        return {"strategy": "CRON", "config": dict(config, spec="0 */1 * * *")}, "equivalent"
    if schedule["strategy"] == "CRON":
        return {"strategy": "CRON", "config": dict(config, spec="45 3 * * *")}, "changed"
    return {"strategy": "PERIODIC", "config": {"interval": "2h"}}, "changed"


def _hcl(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        inner = "\n".join(f"    {k} = {_hcl(v)}" for k, v in value.items())
        return "{\n" + inner + "\n  }"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return json.dumps(value)


def workspace(folder: Path, n: int, seed: int = 19) -> Path:
    """``n`` subscription files and a snapshot of ``n`` subscriptions (2% on each side only)."""
    rng = random.Random(seed)
    subs_dir = folder / "repo" / "destination_subscriptions"
    subs_dir.mkdir(parents=True)
    destinations: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        dest, sid = f"dest{i % 50:02d}", f"sub{i:05d}"
        schedule = _schedule(rng)
        theirs, _verdict = _respell(schedule, rng)
        only = rng.random()
        if only >= 0.02:  # in the files
            config = schedule["config"]
            config_text = "null" if config is None else f"jsonencode({_hcl(config)})"
            (subs_dir / f"{dest}_{sid}.tf").write_text(
                f'resource "segment_destination_subscription" "id-{dest}_{sid}" {{\n'
                f'  destination_id = "{dest}"\n  enabled = true\n  model_id = "model{i % 40}"\n'
                f'  name = "Sync {i}"\n  reverse_etl_schedule = {{\n'
                f'    strategy = "{schedule["strategy"]}"\n    config = {config_text}\n  }}\n}}\n',
                "utf-8")
        if only < 0.02 or only >= 0.04:  # in the workspace
            destinations.setdefault(dest, []).append({
                "id": sid, "name": f"Sync {i}", "enabled": True, "modelId": f"model{i % 40}",
                "destinationId": dest, "reverseETLSchedule": theirs, "syncs": []})
    snap = folder / "snapshot.json"
    snap.write_text(json.dumps({
        "schedulelibSnapshot": 1, "pulledAt": "2026-12-07T00:00:00Z",
        "apiUrl": "https://api.example.test", "history": None, "models": [],
        "destinations": [{"id": d, "name": d, "enabled": True, "subscriptions": s}
                         for d, s in destinations.items()]}), "utf-8")
    return snap


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from schedulelib.cli.main import run
    from schedulelib.core.schedule import load
    from schedulelib.workspace.drift import FileRecord, compare
    from schedulelib.workspace.snapshot import read_snapshot

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        snap = workspace(folder, args.subscriptions)
        repo = str(folder / "repo")
        quiet = io.StringIO()

        def drift() -> None:
            with contextlib.redirect_stdout(quiet):
                run(["drift", repo, "--snapshot", str(snap), "--as-of", "2026-12-07",
                     "--isolated"])

        def validate() -> None:
            with contextlib.redirect_stdout(quiet):
                run(["validate", repo, "--isolated", "--as-of", "2026-12-07"])

        with contextlib.redirect_stdout(quiet):
            run(["drift", repo, "--snapshot", str(snap), "--as-of", "2026-12-07",
                 "--isolated"])
        quiet.truncate(0)
        drift()
        summary = [x for x in quiet.getvalue().splitlines() if x.startswith("drift: ")][-1]
        snapshot = read_snapshot(snap)
        subs = list(snapshot.subscriptions())
        records = [FileRecord(s.id, s.name, s.destination_id, s.model_id, s.enabled,
                              s.schedule) for s in subs]
        # The floor of judging: load both sides and compare the documents, pair by pair.
        def floor() -> None:
            for s in subs:
                a = load(s.schedule)
                b = load(s.schedule)
                _ = a.to_dict() == b.to_dict()

        t_drift = best(drift, args.repeat)
        t_validate = best(validate, args.repeat)
        t_snapshot = best(lambda: read_snapshot(snap), args.repeat)
        t_judge = best(lambda: compare(records, snapshot, as_of=AS_OF), args.repeat)
        t_floor = best(floor, args.repeat)

    n = args.subscriptions
    print(f"{n:,} subscriptions in files against a snapshot of about {n:,}")
    print(f"  {summary}")
    print(f"  drift (whole command)          {t_drift:7.3f} s   budget {BUDGET:.1f} s: "
          f"{'within' if t_drift <= BUDGET else 'OVER'}")
    print(f"  validate of the same files     {t_validate:7.3f} s   drift / validate = "
          f"{t_drift / t_validate:5.2f}")
    print(f"  reading the snapshot           {t_snapshot:7.3f} s")
    print(f"  judging (records given)        {t_judge:7.3f} s   judge / floor = "
          f"{t_judge / t_floor:5.2f}")
    print(f"  floor: load + compare docs     {t_floor:7.3f} s")


if __name__ == "__main__":
    main()
