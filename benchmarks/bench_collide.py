"""SL701 at scale: 1,000 subscriptions on 20 sources, cron and specific_days mixed, 30 zones.

Issue 18 asks that such a repository be judged in at most 2 s.  Printed beside peers measured
in the same run:

- judging (grouping, the start bits of every schedule, every pair of each source) beside
  reading and checking the same files one by one (what validate did before SL701);
- the start bits beside the floor they replace: expanding a year of runs per schedule with
  ``Schedule.runs`` (measured on a sample, scaled to all; every schedule computed, equal ones
  too, where judging computes each distinct schedule once).

Timings are the best of ``--repeat`` rounds (the machine may be shared).

Run: python benchmarks/bench_collide.py [--subscriptions N] [--sample N]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = datetime(2026, 12, 7, tzinfo=UTC)
ZONES = [
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "America/Santiago", "America/Havana", "America/St_Johns",
    "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Helsinki", "Europe/Moscow",
    "Africa/Cairo", "Africa/Casablanca", "Asia/Tehran", "Asia/Kolkata", "Asia/Kathmandu",
    "Asia/Shanghai", "Asia/Tokyo", "Asia/Gaza", "Australia/Sydney", "Australia/Adelaide",
    "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Apia",
    "America/Nuuk", "Asia/Beirut",
]
SPECS = ["0 * * * *", "15 * * * *", "30 */2 * * *", "0 9 * * *", "0 9 * * 1-5", "*/15 * * * *",
         "0,30 * * * *", "45 2 * * *", "0 0 * * *", "30 1-3 * * *", "0 */6 * * *",
         "5 4 1 * *", "0 12 * * 0,6", "*/20 8-18 * * 1-5", "0 3 * * 0"]


def repository(folder: Path, n: int, seed: int = 18) -> None:
    """``n`` subscriptions as Terraform files (Git sync's layout), 40 models on 20 sources."""
    rng = random.Random(seed)
    models = folder / "reverse_etl_models"
    subs = folder / "destination_subscriptions"
    models.mkdir()
    subs.mkdir()
    for m in range(40):
        (models / f"model{m:02d}.tf").write_text(
            f'resource "segment_reverse_etl_model" "id-model{m:02d}" {{\n'
            f'  name = "Model {m}"\n  enabled = true\n  source_id = "source{m % 20:02d}"\n'
            f'  schedule_strategy = ""\n  schedule_config = "{{}}"\n}}\n', "utf-8")
    for i in range(n):
        zone = ZONES[i % len(ZONES)]
        if rng.random() < 0.3:
            days = sorted(rng.sample(range(7), rng.randint(1, 5)))
            hours = sorted(rng.sample(range(24), rng.randint(1, 3)))
            schedule = ("SPECIFIC_DAYS", {"days": days, "hours": hours, "timezone": zone})
        else:
            schedule = ("CRON", {"spec": rng.choice(SPECS), "timezone": zone})
        name = f"dest{i % 50:02d}_sub{i:04d}"
        (subs / f"{name}.tf").write_text(
            f'resource "segment_destination_subscription" "id-{name}" {{\n'
            f'  destination_id = "dest{i % 50:02d}"\n  enabled = true\n'
            f'  model_id = "model{rng.randrange(40):02d}"\n  name = "Mapping {i}"\n'
            f'  reverse_etl_schedule = {{\n    config = {json.dumps(json.dumps(schedule[1]))}\n'
            f'    strategy = "{schedule[0]}"\n  }}\n}}\n', "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from schedulelib.core.collide import WINDOW, starts_of
    from schedulelib.lint import together
    from schedulelib.lint.sources import Scan
    from schedulelib.lint.walk import Configs, expand
    from schedulelib.lint.walk import read as read_source

    def read_all(paths: list[str]) -> list[Scan]:
        """Every file under ``paths``, read as validate walks them."""
        return [item if isinstance(item, Scan) else read_source(item)
                for item in expand(paths, Configs())]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        repository(folder, args.subscriptions)
        read = math.inf
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            scans = list(read_all([str(folder)]))
            for scan in scans:
                scan.check()
            read = min(read, time.perf_counter() - t0)
        records = [r for scan in scans for r in together.records(scan)]
        models = together.models_of(scans)
        judged = math.inf
        for _ in range(args.repeat):  # best of N: the machine is shared
            t0 = time.perf_counter()
            found = together.judge(records, models, as_of=AS_OF)
            judged = min(judged, time.perf_counter() - t0)
        groups = together.group(records, models, as_of=AS_OF)
        members = [m for g in groups for m in g.members]
        bits = math.inf
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for m in members:
                starts_of(m.schedule, AS_OF, AS_OF + WINDOW)
            bits = min(bits, time.perf_counter() - t0)
        sample = members[: args.sample]
        t0 = time.perf_counter()
        for m in sample:
            for _run in m.schedule.runs(AS_OF, AS_OF + WINDOW):
                pass
        expand = (time.perf_counter() - t0) * len(members) / max(1, len(sample))
    print(f"{len(records)} schedules, {len(groups)} sources, {len(ZONES)} zones; "
          f"{len(found)} SL701 findings")
    print(f"  judge (SL701 + SL702)           {judged:7.3f} s   budget 2 s "
          f"({'within' if judged <= 2 else 'OVER'})")
    print(f"  read + check the files          {read:7.3f} s   judge/read = {judged / read:.2f}")
    print(f"  start bits of every schedule    {bits:7.3f} s")
    print(f"  a year of runs per schedule     {expand:7.3f} s   (from {len(sample)}, scaled) "
          f"bits are {expand / bits:.1f}x faster")


if __name__ == "__main__":
    main()
