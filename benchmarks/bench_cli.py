"""Whole-process timings of ``schedulelib validate``, side by side in one run, as ratios.

1. ``schedulelib validate one.json`` against ``python -c pass`` (and ``import click``, for
   scale): the budget is 4x ``python -c pass``.  The commands take turns, so a busy machine
   slows them alike.
2. 1,000 files of 10 schedules each: ``schedulelib validate DIR`` against
   ``check-jsonschema --schemafile <schedulelib schema>`` over the same files (each file holds
   ``{"schedules": [...]}``, and the schema is wrapped to match): the budget is 3 s and at least
   3x faster.

Byte-compiled files are written to a temporary cache first (this machine sets
PYTHONDONTWRITEBYTECODE, which would make every start compile from source, unlike an
installed package).

    python benchmarks/bench_cli.py
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import command_env


def wall(cmd: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall time of ``cmd`` over ``repeat`` runs, after one warm-up run."""
    return side_by_side([cmd], env, repeat)[0]


def side_by_side(cmds: list[list[str]], env: dict[str, str], repeat: int) -> list[float]:
    """Median wall time of each command, run in turn ``repeat`` times after a warm-up each."""
    times: list[list[float]] = [[] for _ in cmds]
    for cmd in cmds:
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            start = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


SCHEDULES = [
    {"strategy": "periodic", "config": {"interval": "{m}m"}},
    {"strategy": "specific_days", "config": {"days": [1, 3], "hours": [8, 20],
                                             "timezone": "America/Chicago"}},
    {"strategy": "cron", "config": {"spec": "{m} 2 * * *", "timezone": "Europe/Berlin"}},
    {"strategy": "manual"},
    {"strategy": "dbt_cloud", "config": {"jobId": "710963", "accountId": "259085"}},
]


def make_files(folder: Path, count: int, per_file: int) -> None:
    for i in range(count):
        items = []
        for j in range(per_file):
            text = json.dumps(SCHEDULES[j % len(SCHEDULES)]).replace("{m}", str(15 + (i + j) % 40))
            items.append({"name": f"s{i}-{j}", "reverseETLSchedule": json.loads(text)})
        (folder / f"f{i:04d}.json").write_text(json.dumps({"subscriptions": items}, indent=2))


def main() -> None:
    checker = shutil.which("check-jsonschema")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        exe, env = command_env(root)
        one = root / "one.json"
        one.write_text(json.dumps({"reverseETLSchedule": SCHEDULES[2]}).replace("{m}", "30"))

        print("1. one file, whole process (median of 41, taking turns)")
        names = ["python -c pass", "python -c 'import click'", "schedulelib validate one.json"]
        cmds = [[sys.executable, "-c", "pass"], [sys.executable, "-c", "import click"],
                [exe, "validate", str(one)]]
        rows = list(zip(names, side_by_side(cmds, env, 41), strict=True))
        base = rows[0][1]
        for name, seconds in rows:
            print(f"  {name:<32} {seconds * 1000:8.1f} ms  {seconds / base:5.2f}x python -c pass")
        print(f"  budget 4x: {'met' if rows[2][1] <= 4 * base else 'MISSED'}")

        print("2. 1,000 files x 10 schedules (median of 3)")
        folder = root / "many"
        folder.mkdir()
        make_files(folder, 1000, 10)
        ours = wall([exe, "validate", str(folder)], env, 3)
        print(f"  {'schedulelib validate DIR':<32} {ours:8.2f} s")
        if checker is None:
            print("  check-jsonschema is not installed: no comparison")
            return
        schema = json.loads(subprocess.run([exe, "schema"], env=env, capture_output=True,
                                           text=True, check=True).stdout)
        wrapper = {"$schema": schema.get("$schema", "https://json-schema.org/draft/2020-12/schema"),
                   "$defs": {"schedule": {k: v for k, v in schema.items() if k != "$schema"}},
                   "type": "object", "properties": {"subscriptions": {"type": "array", "items": {
                       "type": "object",
                       "properties": {"reverseETLSchedule": {"$ref": "#/$defs/schedule"}}}}}}
        schema_file = root / "schema.json"
        schema_file.write_text(json.dumps(wrapper))
        files = sorted(str(p) for p in folder.iterdir())
        theirs = wall([checker, "--schemafile", str(schema_file), *files], env, 3)
        print(f"  {'check-jsonschema --schemafile':<32} {theirs:8.2f} s")
        print(f"  schedulelib is {theirs / ours:.1f}x faster than check-jsonschema")


if __name__ == "__main__":
    main()
