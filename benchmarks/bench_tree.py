"""``schedulelib validate TREE`` on a repository of 10,000 files, against the read floor.

The tree: 10,000 files in folders of 50, two levels deep, about 17 MB of text.  One file in a
hundred is a Segment schedule file in JSON (ten subscriptions each); the rest are what every
repository holds: package.json, GitHub workflow YAML (with a ``strategy:`` matrix), Kubernetes
YAML (with a deployment ``strategy:``) and Terraform of other providers.

The floor is a Python process that walks the same tree with ``os.walk`` and reads every byte
of every file: what no checker of these files can do without.  Both run as whole processes,
taking turns (so a busy machine slows them alike); the ratio of their medians is printed.
Budget (issue 16): at most 3x.

    python benchmarks/bench_tree.py [--files N] [--repeat N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import command_env
from bench_cli import SCHEDULES

BUDGET = 3.0

FLOOR = """\
import os, sys
total = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        with open(os.path.join(root, name), "rb") as f:
            total += len(f.read())
print(total)
"""


SERIAL = """\
import sys
from schedulelib.lint import engine
from schedulelib.cli.main import main
engine.PARALLEL_FILES = 10 ** 12
sys.argv[0] = "schedulelib"
main()
"""
# ... and with a worker per other core whatever the load average says (validate forks them
# only for cores that look idle; on a machine other jobs keep busy, this shows what they cost).
FORCED = SERIAL.replace("engine.PARALLEL_FILES = 10 ** 12",
                        "import os\nengine._spare_cores = lambda: (os.cpu_count() or 2) - 1")


def package_json(i: int) -> str:
    return json.dumps({
        "name": f"@acme/web-{i}", "version": f"1.{i % 40}.0", "private": True,
        "description": "A service of the acme monorepo, built and released by the pipeline",
        "scripts": {"build": "tsc -p .", "test": "vitest run", "lint": "eslint .",
                    "start": "node dist/index.js", "clean": "rm -rf dist"},
        "dependencies": {f"dependency-{j}": f"^{j}.{i % 7}.0" for j in range(18)},
        "devDependencies": {f"dev-tool-{j}": f"~{j}.1.{i % 5}" for j in range(12)},
        "engines": {"node": ">=20"}}, indent=2)


def workflow(i: int) -> str:
    return (f"name: ci-{i}\non:\n  push:\n    branches: [main]\n  pull_request:\n"
            "jobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      fail-fast: false\n"
            "      matrix:\n        python: ['3.11', '3.12', '3.13']\n        os: [ubuntu, macos]\n"
            "    steps:\n      - uses: actions/checkout@v4\n"
            + "".join(f"      - name: step {j} of the pipeline\n        run: make target-{j} "
                      f"ARGS='--verbose --jobs 4'\n" for j in range(18)))


def kubernetes(i: int) -> str:
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i}\n  labels:\n"
            f"    app: svc-{i}\nspec:\n  replicas: 3\n  strategy:\n    type: RollingUpdate\n"
            "    rollingUpdate:\n      maxSurge: 1\n  template:\n    spec:\n      containers:\n"
            + "".join(f"        - name: container-{j}\n          image: registry.local/c{j}:1.{j}\n"
                      f"          env:\n            - {{name: SETTING_{j}, value: 'on'}}\n"
                      f"          resources: {{limits: {{cpu: 500m, memory: 256Mi}}}}\n"
                      for j in range(9)))


def terraform(i: int) -> str:
    return "".join(
        f'resource "aws_s3_bucket" "logs_{i}_{j}" {{\n  bucket = "acme-logs-{i}-{j}"\n'
        f'  tags = {{\n    team = "platform"\n    env  = "prod"\n  }}\n}}\n\n'
        f'resource "aws_s3_bucket_versioning" "logs_{i}_{j}" {{\n'
        f"  bucket = aws_s3_bucket.logs_{i}_{j}.id\n  versioning_configuration {{\n"
        f'    status = "Enabled"\n  }}\n}}\n\n' for j in range(7))


def schedules(i: int) -> str:
    items = [{"name": f"sync-{i}-{j}", "reverseETLSchedule": json.loads(
        json.dumps(SCHEDULES[j % len(SCHEDULES)]).replace("{m}", str(15 + j)))}
        for j in range(10)]
    return json.dumps({"subscriptions": items}, indent=2)


KINDS = [("package", ".json", package_json), ("ci", ".yml", workflow),
         ("deployment", ".yaml", kubernetes), ("main", ".tf", terraform)]


def make_tree(root: Path, count: int) -> int:
    """``count`` files under ``root``; returns their total size in bytes."""
    total = 0
    for i in range(count):
        folder = root / f"team{i // 500:02d}" / f"svc{i // 50:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 100 == 0:
            path, text = folder / f"subscriptions{i}.json", schedules(i)
        else:
            stem, suffix, make = KINDS[i % len(KINDS)]
            path, text = folder / f"{stem}{i}{suffix}", make(i)
        path.write_text(text, "utf-8")
        total += len(text.encode())
    return total


def side_by_side(cmds: list[list[str]], env: dict[str, str], repeat: int
                 ) -> list[tuple[float, float]]:
    """(median wall time, median CPU time) of each command, run in turn ``repeat`` times after
    a warm-up each.  CPU time (user + system, of the process and the workers it waited for) is
    the steadier figure on a machine other jobs keep busy; wall time is what a user waits."""
    times: list[list[tuple[float, float]]] = [[] for _ in cmds]
    for round_ in range(repeat + 1):  # round 0 warms the caches up
        for i, cmd in enumerate(cmds):
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(proc.pid, 0)
            proc.returncode = 0  # reaped above
            if round_:
                times[i].append((time.perf_counter() - start,
                                 usage.ru_utime + usage.ru_stime))
    return [(statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
            for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the tree here and leave it")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-tree-"))
    try:
        exe, env = command_env(scratch)
        tree = args.keep or scratch / "tree"
        if not (tree / "team00").is_dir():
            size = make_tree(tree, args.files)
        else:
            size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        print(f"tree: {args.files} files, {size / 1e6:.1f} MB, {os.cpu_count()} cores")
        validate = [exe, "validate", "--isolated", "--as-of", "2026-01-01", str(tree)]
        check = subprocess.run(validate, env=env, capture_output=True, text=True, check=False)
        print("validate says:", check.stdout.strip().splitlines()[-1])
        floor = [sys.executable, "-c", FLOOR, str(tree)]
        # The same command in one process (no pool), to show what the workers bring.
        serial = [sys.executable, "-c", SERIAL, *validate[1:]]
        forced = [sys.executable, "-c", FORCED, *validate[1:]]
        try:
            load = f"load average {os.getloadavg()[0]:.1f}"
        except (AttributeError, OSError):
            load = "load average unknown"
        rows = side_by_side([validate, serial, forced, floor], env, args.repeat)
        (ours, ours_cpu), _, _, (read, read_cpu) = rows
        print(f"medians of {args.repeat}, interleaved ({load})  wall            CPU")
        for label, (wall, cpu) in zip(["validate TREE", "validate TREE, one process",
                                       "validate TREE, workers forced",
                                       "os.walk + read (the floor)"], rows, strict=True):
            print(f"  {label:<28} {wall * 1000:7.1f} ms {wall / read:5.2f}x "
                  f"{cpu * 1000:7.1f} ms {cpu / read_cpu:5.2f}x")
        ratio = ours / read
        print(f"  ratio {ratio:.2f}x (CPU {ours_cpu / read_cpu:.2f}x)   budget {BUDGET:.0f}x: "
              f"{'met' if ratio <= BUDGET else 'NOT met'}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
