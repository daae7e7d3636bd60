"""The expansion behind warning SL409: go-policy runs around one transition, closer than 15
real minutes.  ``_dstwarn`` (on the path of every ``check()``) imports this only when a run
time lies near a coming change."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import takewhile

from schedulelib.core.cron import CACHE_TEXT, CronExpr
from schedulelib.core.runs.planner import iter_slow, plan_for, runs_between
from schedulelib.core.tzcalc import DAY, get_zone

SHORT_GAP_SECONDS = 15 * 60


def gaps_at(expr: CronExpr, zone_key: str, at: int) -> tuple[tuple[int, int], ...]:
    """Pairs of consecutive runs (Unix seconds) within a day of instant ``at``, less than 15
    real minutes apart, under the go policy."""
    # Cached only for short texts (the expression keeps its text): the cache stays bounded
    # in bytes, as cron's own is.
    if len(expr.spec) <= CACHE_TEXT:
        return _cached_gaps(expr, zone_key, at)
    return _gaps(expr, zone_key, at)


@lru_cache(maxsize=4096)
def _cached_gaps(expr: CronExpr, zone_key: str, at: int) -> tuple[tuple[int, int], ...]:
    return _gaps(expr, zone_key, at)


def _gaps(expr: CronExpr, zone_key: str, at: int) -> tuple[tuple[int, int], ...]:
    zone = get_zone(zone_key)
    plan = plan_for(expr, "go")
    # A short gap straddles the change, so a day either side is enough.  For a few runs a day
    # the engine's own steps are cheaper than planning whole years; both give the same runs.
    runs: Iterable[int]
    if len(plan.times) <= 24:
        runs = takewhile(lambda t: t <= at + DAY, iter_slow(plan, zone, at - DAY))
    else:
        runs = (int(r.timestamp()) for r in runs_between(plan, zone, at - DAY, at + DAY))
    out = []
    previous: int | None = None
    for run in runs:
        if previous is not None and run - previous < SHORT_GAP_SECONDS:
            out.append((previous, run))
        previous = run
    return tuple(out)
