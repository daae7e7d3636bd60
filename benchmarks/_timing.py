"""Shared timing helper for the benchmarks: best-of-N median per call, in one process."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def per_call(fn: Callable[[], object], *, number: int = 2000, repeat: int = 7) -> float:
    """Median seconds per call over ``repeat`` rounds of ``number`` calls."""
    fn()  # warm caches the same way for every contender
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def report(rows: list[tuple[str, float]], baseline: str) -> dict[str, float]:
    """Print each contender's time per call and its ratio to ``baseline``."""
    times = dict(rows)
    base = times[baseline]
    width = max(len(name) for name in times)
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds * 1e6:9.2f} us/call   {base / seconds:7.2f}x "
              f"vs {baseline}")
    return {name: base / seconds for name, seconds in rows}


def command_env(scratch: Path) -> tuple[str, dict[str, str]]:
    """The installed ``schedulelib`` command and an environment for timing it as users run it.

    Byte code is written (to a cache under ``scratch``) even where the machine turns that
    off, so that whole-process timings measure a warm start, not the compiler.
    """
    exe = shutil.which("schedulelib")
    if exe is None:
        sys.exit("install schedulelib first (pip install -e .)")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return exe, env
