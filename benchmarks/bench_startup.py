"""Start-up of ``schedulelib validate`` on one small JSON file, as ratios against its floors.

The whole process is timed: ``schedulelib validate examples/subscriptions.json`` beside
``python -c pass`` and ``python -c "import click"`` (the command is a click program, so
importing click is the floor it cannot go under).  The three take turns, run after run, so a
machine busy with other work slows them alike; each figure is the median of 11 runs, after one
warm-up run each.  The goal (issue 16) is at most 1.5x ``import click``.  CPU time (user +
system, of the child) is printed beside the wall time: waiting for a busy core does not count
in it.

Byte code is written to a temporary cache first (the machine may set PYTHONDONTWRITEBYTECODE,
which would make every start compile from source, unlike an installed package).  All three
commands use this interpreter, so whatever its ``site`` start-up costs is paid by each.

    python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import command_env

GOAL = 1.5
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "subscriptions.json"


def interleaved(cmds: list[list[str]], env: dict[str, str],
                runs: int) -> tuple[list[float], list[float]]:
    """The median wall time and the median CPU time (user + system) of each command, the
    commands taking turns ``runs`` times.  CPU time is the steadier of the two on a machine
    that other work keeps busy: waiting for a core is not counted."""
    for cmd in cmds:  # warm-up: fills the byte-code cache and the page cache
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
    wall: list[list[float]] = [[] for _ in cmds]
    cpu: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            start = time.perf_counter()
            child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            _pid, status, usage = os.wait4(child.pid, 0)
            wall[i].append(time.perf_counter() - start)
            cpu[i].append(usage.ru_utime + usage.ru_stime)
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode not in (0, 1):  # 1: findings; anything else is a failure
                sys.exit(f"{' '.join(cmd)} exited with {child.returncode}")
    return ([statistics.median(t) for t in wall], [statistics.median(t) for t in cpu])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs of each command (11)")
    args = parser.parse_args()
    # The command installed beside this interpreter, even when its folder is not on PATH.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                          os.environ.get("PATH", "")])
    with tempfile.TemporaryDirectory() as tmp:
        exe, env = command_env(Path(tmp))
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import click'", [sys.executable, "-c", "import click"]),
            ("schedulelib validate subscriptions.json", [exe, "validate", str(EXAMPLE)]),
        ]
        walls, cpus = interleaved([cmd for _, cmd in rows], env, args.runs)
    print(f"whole process, median of {args.runs} (taking turns)      wall        cpu")
    for (name, _), seconds, used in zip(rows, walls, cpus, strict=True):
        print(f"  {name:<40} {seconds * 1000:7.1f} ms {used * 1000:7.1f} ms")
    for what, (bare, click, ours) in (("wall", walls), ("cpu", cpus)):
        print(f"  {what:<4} validate / python -c pass: {ours / bare:5.2f}x   validate / import "
              f"click: {ours / click:5.2f}x   (goal <= {GOAL}x: "
              f"{'met' if ours <= GOAL * click else 'MISSED'})")


if __name__ == "__main__":
    main()
