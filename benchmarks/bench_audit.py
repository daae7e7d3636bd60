"""Audit and pull at workspace scale: 500 subscriptions, 14 days of history, ~700,000 syncs.

Issue 11 asks that such a snapshot audits in at most 5 s with memory under 500 MB, and that
``pull`` of that workspace from the local test server is bounded by the server, parsing at
least 50 MB/s.  Each figure is printed beside a peer measured in the same run:

- reading the snapshot beside a bare ``json.loads`` of the same bytes (the C parser alone);
- auditing beside expanding the expected runs alone (the engine's share of the audit);
- pull's parsing beside the whole pull (the rest is the server and the socket).

Memory is the peak resident size of a child process that reads and audits the file.
Run: python benchmarks/bench_audit.py [--subscriptions N] [--skip-pull]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNTIL = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)  # New York fell back on 2026-11-01
DAYS = 14
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney"]


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def workspace(n: int, seed: int = 11) -> tuple[list[dict[str, Any]], dict[str, list[Any]]]:
    """``n`` subscriptions every 15 minutes (so ~1,344 syncs each over 14 days), with small
    start delays, a few missed runs, manual extras and failures.  API shapes, newest first."""
    from schedulelib import load

    rng = random.Random(seed)
    since = UNTIL - timedelta(days=DAYS)
    subs: list[dict[str, Any]] = []
    syncs: dict[str, list[Any]] = {}
    for i in range(n):
        zone = ZONES[i % len(ZONES)]
        sched = {"strategy": "CRON", "config": {"spec": "*/15 * * * *", "timezone": zone}}
        sid = f"sub{i:04d}"
        subs.append({"id": sid, "name": f"Mapping {i}", "actionId": "a", "actionSlug": "upsert",
                     "destinationId": f"d{i // 50}", "enabled": True, "settings": {},
                     "trigger": "", "modelId": f"m{i % 40}", "reverseETLSchedule": sched})
        out = []
        for k, run in enumerate(load(sched).runs(since, UNTIL)):
            if rng.random() < 0.003:
                continue  # missed
            start = run.astimezone(UTC) + timedelta(seconds=rng.uniform(0, 40))
            status = "FAIL" if rng.random() < 0.01 else "SUCCESS"
            out.append({"syncId": f"{sid}-{k}", "modelId": f"m{i % 40}", "sourceId": "src",
                        "syncStatus": status, "duration": "2m0s", "startedAt": _iso(start),
                        "finishedAt": _iso(start + timedelta(minutes=2)),
                        "errorCode": "E_WAREHOUSE" if status == "FAIL" else None})
        syncs[sid] = out[::-1]
    return subs, syncs


def snapshot_doc(subs: list[dict[str, Any]], syncs: dict[str, list[Any]]) -> dict[str, Any]:
    keep = ("syncId", "syncStatus", "startedAt", "finishedAt", "duration", "errorCode")
    dests: dict[str, list[Any]] = {}
    for s in subs:
        entry = {k: s[k] for k in ("id", "name", "enabled", "modelId", "destinationId",
                                   "reverseETLSchedule")}
        entry["syncs"] = [{**{k: y.get(k) for k in keep}, "error": None}
                          for y in reversed(syncs[s["id"]])]
        dests.setdefault(s["destinationId"], []).append(entry)
    return {"schedulelibSnapshot": 1, "pulledAt": _iso(UNTIL), "apiUrl": "https://bench",
            "history": {"since": _iso(UNTIL - timedelta(days=DAYS)), "until": _iso(UNTIL)},
            "models": [{"id": f"m{i}", "name": f"Model {i}", "enabled": True, "sourceId": "src"}
                       for i in range(40)],
            "destinations": [{"id": d, "name": d, "enabled": True, "subscriptions": s}
                             for d, s in dests.items()]}


_CHILD = """
import json, sys, time

def peak_mb():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forked parent.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

from schedulelib.workspace.snapshot import read_snapshot
from schedulelib.workspace.audit import audit
t0, c0 = time.perf_counter(), time.process_time()
snap = read_snapshot(sys.argv[1])
t1, c1 = time.perf_counter(), time.process_time()
report = audit(snap)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"read": t1 - t0, "audit": t2 - t1, "read_cpu": c1 - c0, "audit_cpu": c2 - c1,
                  "rss_mb": peak_mb(),
                  "syncs": sum(len(s.syncs) for s in snap.subscriptions()),
                  "subs": len(report.subscriptions)}))
"""


def bench_audit(path: Path) -> None:
    from schedulelib import load
    from schedulelib.workspace.snapshot import read_snapshot

    size = path.stat().st_size
    data = path.read_bytes()
    t = time.perf_counter()
    json.loads(data)
    plain = time.perf_counter() - t
    del data
    child = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                           text=True, check=True, cwd=ROOT)
    fig = json.loads(child.stdout)
    snap = read_snapshot(path)
    since, until = snap.history  # type: ignore[misc]
    t = time.perf_counter()
    for sub in snap.subscriptions():
        for _ in load(sub.schedule).runs(since - timedelta(days=1), until):
            pass
    engine = time.perf_counter() - t
    print(f"snapshot: {fig['subs']} subscriptions, {fig['syncs']:,} syncs, "
          f"{size / 1e6:.0f} MB")
    print(f"  read_snapshot   {fig['read']:6.2f} s   ({size / 1e6 / fig['read']:.0f} MB/s; "
          f"{fig['read'] / plain:.2f}x a bare json.loads, {plain:.2f} s)")
    print(f"  audit           {fig['audit']:6.2f} s   ({fig['audit'] / engine:.2f}x expanding "
          f"the expected runs alone, {engine:.2f} s)")
    total = fig["read"] + fig["audit"]
    cpu = fig["read_cpu"] + fig["audit_cpu"]
    print(f"  read + audit    {total:6.2f} s   (budget 5 s: {'ok' if total <= 5 else 'OVER'}; "
          f"CPU time {cpu:.2f} s: read {fig['read_cpu']:.2f}, audit {fig['audit_cpu']:.2f}, "
          "the figure to trust on a busy machine)")
    print(f"  peak RSS        {fig['rss_mb']:6.0f} MB  (budget 500 MB: "
          f"{'ok' if fig['rss_mb'] < 500 else 'OVER'})")


def bench_pull(subs: list[dict[str, Any]], syncs: dict[str, list[Any]]) -> None:
    from schedulelib.workspace.pull import PullStats, Token, pull
    from tests.fakeapi import TOKEN, FakeApi, Workspace, serve

    ws = Workspace()
    ws.models = [{"id": f"m{i}", "name": f"Model {i}", "enabled": True, "sourceId": "src"}
                 for i in range(40)]
    ws.destinations = [{"id": d, "name": d, "enabled": True}
                       for d in sorted({s["destinationId"] for s in subs})]
    for s in subs:
        ws.subscriptions.setdefault(s["destinationId"], []).append(s)
        ws.syncs[(s["modelId"], s["id"])] = syncs[s["id"]]
    stats = PullStats()
    before = resource.getrusage(resource.RUSAGE_SELF)
    with serve(FakeApi(ws)) as api:
        t = time.perf_counter()
        snap = pull(Token(TOKEN), api_url=api.url, history=timedelta(days=DAYS), now=UNTIL,
                    stats=stats)
        wall = time.perf_counter() - t
    n = sum(len(s.syncs) for s in snap.subscriptions())
    print(f"pull from the local test server: {stats.requests:,} requests, "
          f"{stats.bytes / 1e6:.0f} MB, {n:,} syncs")
    print(f"  whole pull      {wall:6.2f} s   (client and server share one process: "
          f"{(resource.getrusage(resource.RUSAGE_SELF).ru_utime - before.ru_utime):.1f} s CPU)")
    print(f"  parsing         {stats.parse_seconds:6.2f} s   "
          f"({stats.bytes / 1e6 / stats.parse_seconds:.0f} MB/s, budget >= 50 MB/s: "
          f"{'ok' if stats.bytes / 1e6 / stats.parse_seconds >= 50 else 'UNDER'}; "
          f"{stats.parse_seconds / wall:.0%} of the pull)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=500)
    parser.add_argument("--skip-pull", action="store_true")
    args = parser.parse_args()
    from schedulelib.workspace.snapshot import write_snapshot

    subs, syncs = workspace(args.subscriptions)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snapshot.json"
        write_snapshot(snapshot_doc(subs, syncs), path)
        bench_audit(path)
    if not args.skip_pull:
        bench_pull(subs, syncs)


if __name__ == "__main__":
    main()
