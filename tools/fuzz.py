#!/usr/bin/env python3
"""The long fuzz run: a million hostile inputs through every entry point, with figures.

The generators are the CI suite's (tests/fuzzing.py) with the costly classes turned up
(``big``: digits past Python's 4,300-digit limit, nesting 30,000 deep, 9x9 YAML alias bombs).
Input ``i`` of a target is made from ``random.Random(seed * 1_000_003 + i)`` alone, so any
reported input is replayed with ``--replay TARGET:INDEX``.

Targets: check() on documents and on JSON text, load(), parse_duration(), parse_cron(),
next_runs() (all DST policies, calendar-edge instants), and the command line's file reader
(the same ``scan(...).check()`` that ``validate`` runs per file) on JSON, YAML and Terraform.
An exception outside the documented ones, or an input over ``--timeout`` seconds, is counted
and its first example printed.  At the end: inputs tried, exceptions, slowest input per
target, peak memory (maximum resident set size).

    python tools/fuzz.py                       # 1,000,000 inputs (hours: see README/report)
    python tools/fuzz.py --count 20000         # a quick proof
    python tools/fuzz.py --replay parse_cron:1234
"""

from __future__ import annotations

import argparse
import contextlib
import random
import resource
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schedulelib import (  # noqa: E402
    CronSyntaxError,
    DurationError,
    ScheduleError,
    check,
    load,
    parse_cron,
    parse_duration,
)
from tests import fuzzing  # noqa: E402

AS_OF = datetime(2026, 1, 15, tzinfo=UTC)


class Timeout(Exception):
    """An input ran past --timeout."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Timeout


def _scan(name: str, data: bytes) -> None:
    from schedulelib.lint import sources

    scan = getattr(sources, "scan", None)
    if scan is None:  # the readers moved: go through the command line itself
        import tempfile

        from schedulelib.cli.main import run

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            status = run(["validate", "--format", "json", str(path)])
        if status not in (0, 1, 2):
            raise AssertionError(f"exit status {status}")
        return
    scan(data, name=name).check()


def _valid_schedule(rng: random.Random, big: bool) -> object:
    for _ in range(20):
        try:
            return load(fuzzing.document(rng, big), as_of=AS_OF)
        except ScheduleError:
            continue
    return None


def _next_runs(made: tuple[object, datetime, int, str]) -> None:
    schedule, after, count, dst = made
    if schedule is None:
        return
    with contextlib.suppress(ScheduleError):
        schedule.next_runs(after, count, dst=dst)  # type: ignore[attr-defined]


def _expect(run: Callable[[object], object], *allowed: type[Exception]) -> Callable[[object],
                                                                                     None]:
    def call(made: object) -> None:
        with contextlib.suppress(*allowed):
            run(made)
    return call


def _both(run: Callable[[object], object]) -> Callable[[object], None]:
    """Text and its UTF-8 bytes (the parsers take both)."""
    def call(made: object) -> None:
        assert isinstance(made, str)
        run(made)
        run(made.encode("utf-8", "surrogatepass"))
    return call


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# target -> (make an input from the random source, run it).  Only the run is timed.
Make = Callable[[random.Random, bool], object]
TARGETS: dict[str, tuple[Make, Callable[[object], object]]] = {
    "check_document": (fuzzing.document, lambda d: check(d, as_of=AS_OF)),
    "check_json_text": (fuzzing.json_text, lambda d: check(d, as_of=AS_OF)),
    "load": (fuzzing.document, _expect(lambda d: load(d, as_of=AS_OF), ScheduleError)),
    "parse_duration": (fuzzing.duration,
                       _both(_expect(parse_duration, DurationError))),  # type: ignore[arg-type]
    "parse_cron": (fuzzing.cron_spec,
                   _expect(parse_cron, CronSyntaxError)),  # type: ignore[arg-type]
    "next_runs": (lambda rng, big: (_valid_schedule(rng, big), fuzzing.instant(rng),
                                    rng.choice([1, 3, 10]),
                                    rng.choice(["go", "debian", "croniter"])),
                  _next_runs),  # type: ignore[dict-item]
    "validate_json": (lambda rng, big: _utf8(fuzzing.json_text(rng, big)),
                      lambda data: _scan("s.json", data)),  # type: ignore[arg-type]
    "validate_yaml": (lambda rng, big: _utf8(fuzzing.yaml_text(rng, big)),
                      lambda data: _scan("s.yaml", data)),  # type: ignore[arg-type]
    "validate_terraform": (lambda rng, big: _utf8(fuzzing.terraform_text(rng, big)),
                           lambda data: _scan("s.tf", data)),  # type: ignore[arg-type]
}


def _one(target: str, seed: int, index: int, big: bool, timeout: float) -> tuple[float, str]:
    """Run one input; return (seconds the run took, '' or a description of the failure)."""
    rng = random.Random(seed * 1_000_003 + index)
    make, run = TARGETS[target]
    made = make(rng, big)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        run(made)
        problem = ""
    except Timeout:
        problem = f"Timeout: over {timeout:g} s"
    except RecursionError:
        problem = "RecursionError"
    except Exception as exc:  # the point of the run: anything undocumented is a finding
        problem = f"{type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start, problem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="inputs in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--small", action="store_true", help="the CI sizes (big off)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated")
    parser.add_argument("--replay", metavar="TARGET:INDEX", help="run one input and show it")
    args = parser.parse_args()
    big = not args.small
    signal.signal(signal.SIGALRM, _alarm)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    if args.replay:
        target, _, index = args.replay.partition(":")
        seconds, problem = _one(target, args.seed, int(index), big, args.timeout)
        print(f"{target}:{index}: {seconds * 1e3:.1f} ms {problem or 'ok'}")
        return 1 if problem else 0
    targets = args.targets.split(",")
    tried: Counter[str] = Counter()
    failures: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], int] = {}
    slowest: dict[str, tuple[float, int]] = {}
    started = time.perf_counter()
    for i in range(args.count):
        target = targets[i % len(targets)]
        index = i // len(targets)
        seconds, problem = _one(target, args.seed, index, big, args.timeout)
        tried[target] += 1
        if seconds > slowest.get(target, (0.0, 0))[0]:
            slowest[target] = (seconds, index)
        if problem:
            key = (target, problem.split(":")[0] + ":" + problem.split(":", 1)[-1][:60])
            failures[key] += 1
            first.setdefault(key, index)
        if (i + 1) % 10_000 == 0:
            rate = (i + 1) / (time.perf_counter() - started)
            print(f"  {i + 1:,} inputs, {sum(failures.values())} exceptions, {rate:,.0f}/s",
                  file=sys.stderr)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"inputs tried: {sum(tried.values()):,} in {elapsed:,.0f} s "
          f"({sum(tried.values()) / elapsed:,.0f}/s), seed {args.seed}, "
          f"{'big' if big else 'small'} sizes")
    for target in targets:
        seconds, index = slowest.get(target, (0.0, 0))
        print(f"  {target:<20} {tried[target]:>9,} inputs, slowest {seconds * 1e3:9.1f} ms "
              f"(--replay {target}:{index})")
    print(f"exceptions: {sum(failures.values())}")
    for (target, problem), count in failures.most_common():
        print(f"  {count:>7,} x {target}: {problem} (first: --replay {target}:"
              f"{first[(target, problem)]})")
    print(f"peak memory (max RSS): {peak / 1024:,.0f} MiB")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
