"""Validation speed: check() and parse_duration() against constructing a croniter.

Issue 2 asks: check() of a valid cron schedule costs no more than constructing
``croniter(spec, start)`` for the same spec; parse_duration at least 5x faster than that.
Run: python benchmarks/bench_core.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import per_call, report
from croniter import croniter

import schedulelib

START = datetime(2026, 1, 1, tzinfo=UTC)
AS_OF = START
CASES = [
    ("*/15 * * * *", "America/New_York"),
    ("0 9 * * 1-5", "Europe/Berlin"),
    ("15 */3 1 * *", "America/Los_Angeles"),
    ("30 2 * * 0,6", "Australia/Lord_Howe"),
]


def main() -> int:
    failures = 0
    for spec, zone in CASES:
        doc = {"strategy": "cron", "config": {"spec": spec, "timezone": zone}}
        assert schedulelib.check(doc, as_of=AS_OF) == [], spec
        print(f"cron {spec!r} in {zone}:")
        ratios = report([
            ("croniter(spec, start)", per_call(lambda s=spec: croniter(s, START))),
            ("schedulelib.check(doc)", per_call(lambda d=doc: schedulelib.check(d, as_of=AS_OF))),
        ], "croniter(spec, start)")
        ok = ratios["schedulelib.check(doc)"] >= 1.0
        failures += not ok
        print(f"  check() no slower than croniter construction: {'yes' if ok else 'NO'}")
    # The same comparison with the parse cache defeated: a new spec on every call.  Two sets:
    # one run a day (SL409's look-ahead settles these without the engine), and two runs a day,
    # which near a DST hour make the look-ahead step robfig's engine around the change.
    once = [f"{m} {h} * * {d}" for m in range(60) for h in range(24) for d in ("*", "1-5")]
    twice = [f"{m} {h},{(h + 7) % 24} * * {d}" for m in range(60) for h in range(24)
             for d in ("*", "1-5")]
    for label, specs in (("one run a day", once), ("two runs a day", twice)):
        docs = iter([{"strategy": "cron", "config": {"spec": s, "timezone": "Europe/Berlin"}}
                     for s in specs])
        fresh = iter(specs[::-1])
        print(f"cron, a different spec every call, {label} ({len(specs)} specs, no cache hits):")
        ratios = report([
            ("croniter(spec, start)", per_call(lambda f=fresh: croniter(next(f), START),
                                               number=400, repeat=5)),
            ("schedulelib.check(doc)", per_call(
                lambda d=docs: schedulelib.check(next(d), as_of=AS_OF), number=400, repeat=5)),
        ], "croniter(spec, start)")
        ok = ratios["schedulelib.check(doc)"] >= 1.0
        failures += not ok
        print(f"  check() no slower than croniter construction: {'yes' if ok else 'NO'}")
    print("durations:")
    base = per_call(lambda: croniter("*/15 * * * *", START))
    for text in ("15m", "1h30m", "167h59m59.999999999s"):
        ratios = report([
            ("croniter(spec, start)", base),
            (f"parse_duration({text!r})", per_call(lambda t=text: schedulelib.parse_duration(t),
                                                   number=20000)),
        ], "croniter(spec, start)")
        ok = ratios[f"parse_duration({text!r})"] >= 5.0
        failures += not ok
        print(f"  parse_duration at least 5x faster: {'yes' if ok else 'NO'}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
