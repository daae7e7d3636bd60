"""Calendar speed: a month view of 50 schedules, whole process, against the 1-second budget.

Issue 5 asks that ``schedulelib calendar --month`` of 50 schedules (some ``*/15``) render in at
most 1 second, whole process (interpreter start and imports included).  The figure is the
median of several runs, printed beside a bare ``python -c pass`` so the share of the
interpreter's own start is visible.  Run: python benchmarks/bench_calendar.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 1.0
ZONES = ["America/New_York", "Europe/Berlin", "America/Chicago", "Asia/Kolkata", "UTC"]


def schedules() -> list[dict[str, object]]:
    """50 subscriptions: 10 every 15 minutes, 20 hourly or daily crons, 10 specific_days,
    10 periodic; zones with and without DST."""
    out: list[dict[str, object]] = []
    for i in range(50):
        zone = ZONES[i % len(ZONES)]
        if i < 10:
            config: dict[str, object] = {"spec": "*/15 * * * *", "timezone": zone}
            strategy = "cron"
        elif i < 30:
            config = {"spec": f"{i % 60} {'*' if i % 2 else i % 24} * * *", "timezone": zone}
            strategy = "cron"
        elif i < 40:
            config = {"days": [1, 2, 3, 4, 5], "hours": [i % 24, (i + 6) % 24],
                      "timezone": zone}
            strategy = "specific_days"
        else:
            config = {"interval": f"{15 + 5 * (i - 40)}m"}
            strategy = "periodic"
        out.append({"name": f"subscription {i:02d}",
                    "reverseETLSchedule": {"strategy": strategy, "config": config}})
    return out


def command() -> list[str]:
    """The command line; the ``schedulelib`` group once it registers ``calendar``."""
    code = ("import sys\n"
            "try:\n"
            "    from schedulelib.cli import main\n"
            "    assert 'calendar' in main.commands\n"
            "    main(['calendar', *sys.argv[1:]])\n"
            "except (ImportError, AssertionError, AttributeError):\n"
            "    from schedulelib.cli_calendar import calendar_command\n"
            "    calendar_command(sys.argv[1:])\n")
    return [sys.executable, "-c", code]


def timed(args: list[str], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "subscriptions.json"
        path.write_text(json.dumps({"subscriptions": schedules()}), "utf-8")
        args = [*command(), str(path), "--month", "--start", "2026-03-01",
                "--tz", "Europe/Berlin"]
        out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout
        print(out.splitlines()[0])
        bare = timed([sys.executable, "-c", "pass"])
        month = timed(args)
    print(f"  python -c pass                  {bare:6.3f} s")
    print(f"  calendar --month, 50 schedules  {month:6.3f} s   ({month / BUDGET:.0%} of the "
          f"{BUDGET:.0f} s budget)")
    return 0 if month <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
