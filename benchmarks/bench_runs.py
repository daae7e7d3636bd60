"""Run expansion speed: schedule.runs() against croniter 7 and cronsim 2.8, in one process.

Issue 3 asks, per run and with the same output: at least 150x croniter's ``get_next(datetime)``
and at least 100x cronsim for a year of ``*/15 * * * *`` in America/New_York, ten years of
``0 9 * * 1-5`` in Europe/Berlin and ten years of a specific_days schedule; ``next_runs(after,
10)`` on a freshly loaded schedule within 50 microseconds (median); memory flat while
iterating.  Each output is checked equal to the engine's before it is timed.
Run: python benchmarks/bench_runs.py
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from croniter import croniter
from cronsim import CronSim

import schedulelib

CASES = [
    # (name, schedule document, first year, years)
    ("*/15 * * * *, 1 year", {"strategy": "cron", "config": {
        "spec": "*/15 * * * *", "timezone": "America/New_York"}}, 2026, 1),
    ("0 9 * * 1-5, 10 years", {"strategy": "cron", "config": {
        "spec": "0 9 * * 1-5", "timezone": "Europe/Berlin"}}, 2026, 10),
    ("specific_days Mon/Wed/Fri 06,18h, 10 years", {"strategy": "specific_days", "config": {
        "days": [1, 3, 5], "hours": [6, 18], "timezone": "America/Los_Angeles"}}, 2026, 10),
]
TARGET = {"croniter": 150.0, "cronsim": 100.0}


def _croniter(spec: str, after: datetime, until: datetime) -> Iterator[datetime]:
    it = croniter(spec, after)
    while True:
        run = it.get_next(datetime)
        if run > until:
            return
        yield run


def _cronsim(spec: str, after: datetime, until: datetime) -> Iterator[datetime]:
    for run in CronSim(spec, after):
        if run > until:
            return
        yield run


def _best(fn: Callable[[], int], repeat: int) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        count = fn()
        times.append(time.perf_counter() - start)
    return min(times), count


def _count(it: Iterator[datetime]) -> int:
    n = 0
    for _ in it:
        n += 1
    return n


def main() -> int:
    failures = 0
    for name, doc, first, years in CASES:
        zone = str(doc["config"]["timezone"])
        schedule = schedulelib.load(doc)
        cron = schedule.to_cron() if isinstance(schedule, schedulelib.SpecificDays) else schedule
        assert isinstance(cron, schedulelib.Cron)
        tz = ZoneInfo(zone)
        after = datetime(first, 1, 1, tzinfo=tz)
        until = datetime(first + years, 1, 1, tzinfo=tz)
        ours = [r.timestamp() for r in schedule.runs(after, until)]
        for engine, policy, make in (("croniter", "croniter", _croniter),
                                     ("cronsim", "debian", _cronsim)):
            theirs = [r.timestamp() for r in make(cron.spec, after, until)]
            same = theirs == [r.timestamp() for r in schedule.runs(after, until, dst=policy)]
            assert same, f"{name}: dst={policy!r} differs from {engine}"
        assert ours == theirs, f"{name}: dst='go' differs from the engines here"
        print(f"{name} in {zone} ({len(ours):,} runs):")
        ours_s, n = _best(lambda s=schedule, a=after, u=until: _count(s.runs(a, u)), 7)
        rows = [("schedulelib runs()", ours_s / n)]
        for engine, make in (("croniter", _croniter), ("cronsim", _cronsim)):
            seconds, m = _best(
                lambda mk=make, c=cron.spec, a=after, u=until: _count(mk(c, a, u)), 3)
            rows.append((engine, seconds / m))
        for label, per_run in rows:
            print(f"  {label:<20} {per_run * 1e6:9.3f} us/run")
        for engine, per_run in rows[1:]:
            ratio = per_run / rows[0][1]
            ok = ratio >= TARGET[engine]
            failures += not ok
            print(f"  {'OK ' if ok else 'LOW'} {ratio:7.1f}x faster than {engine} "
                  f"(target {TARGET[engine]:.0f}x)")

    # next_runs(after, 10) on a freshly loaded schedule: median of single calls.
    print("next_runs(after, 10) on a freshly loaded schedule:")
    for _name, doc, first, _years in CASES:
        after = datetime(first, 3, 5, 12, 34, tzinfo=ZoneInfo(str(doc["config"]["timezone"])))
        schedulelib.load(doc).next_runs(after, 10)  # warm the per-(expr, zone) tables
        fresh = [schedulelib.load(doc) for _ in range(2000)]  # a new object for each call
        samples = []
        for schedule in fresh:
            start = time.perf_counter()
            schedule.next_runs(after, 10)
            samples.append(time.perf_counter() - start)
        median = statistics.median(samples) * 1e6
        ok = median <= 50
        failures += not ok
        print(f"  {'OK ' if ok else 'LOW'} {doc['config']}: median {median:.1f} us "
              "(target <= 50)")

    # Memory: iterate 1 and 10 years of */15 (35,040 and 350,640 runs) and compare peaks.
    print("memory while iterating */15 in America/New_York (tracemalloc peak):")
    schedule = schedulelib.load(CASES[0][1])
    tz = ZoneInfo("America/New_York")
    _count(schedule.runs(datetime(2025, 12, 1, tzinfo=tz), datetime(2026, 1, 1, tzinfo=tz)))
    peaks = []
    for years in (1, 10):
        gc.collect()
        tracemalloc.start()
        n = _count(schedule.runs(datetime(2026, 1, 1, tzinfo=tz),
                                 datetime(2026 + years, 1, 1, tzinfo=tz)))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        peaks.append(peak)
        print(f"  {years:>2} year(s), {n:>7,} runs: peak {peak / 1024:8.1f} KiB")
    flat = peaks[1] < peaks[0] * 2 + 64 * 1024
    failures += not flat
    print(f"  {'OK ' if flat else 'LOW'} ten times the runs, peak x{peaks[1] / peaks[0]:.2f}")
    print("all targets met" if not failures else f"{failures} target(s) missed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
