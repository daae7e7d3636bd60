"""``schedulelib validate --fix`` against ``schedulelib validate`` over the same files.

1,000 files (JSON, YAML and Terraform in turn), each with one fixable finding: a day
interval, a link zone, a digit-string hour, a repeated day, a ``?``, a macro.  Each round
copies the untouched files twice (not timed), then times ``validate`` on one copy and
``validate --fix`` on the other, as whole processes.  The budget: --fix takes at most 2x the
time of validate.  Wall time and the children's CPU time are both shown (CPU time is steadier
on a busy machine).

Byte-compiled files go to a temporary cache first (as in bench_cli.py).  The files are made
under TMPDIR: creating a file is most of what --fix adds to validate when the disk is slow
(every fixed file is written as a new file, then renamed), so run it once on the disk the
configuration lives on and once on a RAM disk (TMPDIR=/dev/shm) to see both parts.

    python benchmarks/bench_fix.py [ROUNDS]
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import command_env

# One fixable finding each; the rest of each schedule is clean.
JSON_DOCS = [
    {"strategy": "periodic", "config": {"interval": "1d"}},
    {"strategy": "specific_days", "config": {"days": [1, 3], "hours": ["08", 17],
                                             "timezone": "America/Chicago"}},
    {"strategy": "cron", "config": {"spec": "@daily", "timezone": "UTC"}},
]
YAML_DOCS = [
    "strategy: cron\nconfig:\n  spec: '30 9 * * 1-5'\n  timezone: US/Eastern\n",
    "strategy: specific_days\nconfig:\n  days:\n    - 1\n    - 5\n    - 1\n  hours: [9]\n"
    "  timezone: Europe/Berlin\n",
]
TF_CONFIGS = [
    'spec = "0 6 ? * 1", timezone = "Europe/Paris"',
    'interval = "1d12h"',
]


def make_files(folder: Path, count: int) -> None:
    for i in range(count):
        name = f"s{i}"
        if i % 3 == 0:
            doc = JSON_DOCS[(i // 3) % len(JSON_DOCS)]
            text = json.dumps({"subscriptions": [{"name": name, "reverseETLSchedule": doc}]},
                              indent=2)
            (folder / f"f{i:04d}.json").write_text(text + "\n")
        elif i % 3 == 1:
            body = YAML_DOCS[(i // 3) % len(YAML_DOCS)].replace("\n", "\n    ")
            (folder / f"f{i:04d}.yaml").write_text(
                f"subscriptions:\n  - name: {name}\n    reverseETLSchedule:\n      "
                + body.replace("\n    ", "\n      ").rstrip() + "\n")
        else:
            config = TF_CONFIGS[(i // 3) % len(TF_CONFIGS)]
            strategy = "CRON" if "spec" in config else "PERIODIC"
            (folder / f"f{i:04d}.tf").write_text(
                f'resource "segment_destination_subscription" "{name}" {{\n'
                f'  name = "{name}"\n  reverse_etl_schedule = {{\n'
                f'    strategy = "{strategy}"\n    config   = jsonencode({{ {config} }})\n'
                "  }\n}\n")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the child, exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        exe, env = command_env(root)
        pristine = root / "pristine"
        pristine.mkdir()
        make_files(pristine, 1000)
        subprocess.run([exe, "validate", str(pristine)], env=env, stdout=subprocess.DEVNULL,
                       check=False)  # warm the byte-code cache
        rows: dict[str, list[tuple[float, float]]] = {"validate": [], "validate --fix": []}
        for n in range(rounds):
            plain, fixing = root / f"plain{n}", root / f"fix{n}"
            shutil.copytree(pristine, plain)
            shutil.copytree(pristine, fixing)
            wall, cpu, status = timed([exe, "validate", str(plain)], env)
            assert status == 1, "every file has a finding"
            rows["validate"].append((wall, cpu))
            wall, cpu, status = timed([exe, "validate", "--fix", str(fixing)], env)
            assert status == 0, "--fix leaves nothing to report"
            rows["validate --fix"].append((wall, cpu))
            after = subprocess.run([exe, "validate", str(fixing)], env=env, check=False,
                                   stdout=subprocess.DEVNULL)
            assert after.returncode == 0, "validate after --fix reports nothing"
            shutil.rmtree(plain)
            shutil.rmtree(fixing)
        print(f"1,000 files, one fixable finding each, in {tempfile.gettempdir()} "
              f"(median of {rounds})")
        base_wall = statistics.median(w for w, _ in rows["validate"])
        base_cpu = statistics.median(c for _, c in rows["validate"])
        for name, values in rows.items():
            wall = statistics.median(w for w, _ in values)
            cpu = statistics.median(c for _, c in values)
            print(f"  {name:<16} wall {wall:6.2f} s ({wall / base_wall:4.2f}x)   "
                  f"cpu {cpu:6.2f} s ({cpu / base_cpu:4.2f}x)")
        ratio = statistics.median(w for w, _ in rows["validate --fix"]) / base_wall
        print(f"  --fix / validate: {ratio:.2f}x wall (budget 2x)")


if __name__ == "__main__":
    main()
