"""What a schedule does over a window: runs per day and week, real gaps, and DST events.

``analyze(schedule, start, end, dst=...)`` expands the runs strictly after ``start`` and at or
before ``end`` (as :meth:`runs` does) and reports, for every UTC-offset change of the zone in the
window, what it did to a run the expression names: **skipped** (the wall time does not exist and
nothing ran for it), **shifted** (something ran at another time instead, or robfig ran at a time
the expression does not name), **repeated** (the wall time happened twice and ran twice).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from schedulelib.core.cron import CronExpr
from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.policy import dst_policy
from schedulelib.core.runs import Plan, check_aware, plan_for
from schedulelib.core.tzcalc import DAY, Transition, get_zone

EventKind = Literal["skipped", "repeated", "shifted"]

__all__ = ["Analysis", "DstEvent", "RealGap", "analyze", "analyze_runs"]


@dataclass(frozen=True, slots=True)
class DstEvent:
    """One wall time the expression names that a UTC-offset change touched.

    ``wall`` is that wall time (naive, in the zone); ``instants`` are the runs made for it
    (none when skipped, two when repeated), aware in the zone; ``abbreviations`` are the zone
    abbreviations before and after the change; ``transition`` is the change's instant (UTC).
    """

    kind: EventKind
    wall: datetime
    instants: tuple[datetime, ...]
    abbreviations: tuple[str, str]
    transition: datetime
    detail: str

    @property
    def at(self) -> datetime:
        return self.instants[0] if self.instants else self.transition

    @property
    def utc(self) -> tuple[datetime, ...]:
        return tuple(i.astimezone(UTC) for i in self.instants)


@dataclass(frozen=True, slots=True)
class RealGap:
    """Two consecutive runs and the real (absolute) time between them."""

    first: datetime
    second: datetime
    length: timedelta


@dataclass(frozen=True, slots=True)
class Analysis:
    """The runs of one schedule in ``(start, end]``; iterating it gives the DST events."""

    zone: str
    policy: str
    start: datetime
    end: datetime
    runs: int
    per_day: tuple[tuple[date, int], ...]
    per_week: tuple[tuple[date, int], ...]  # keyed by the Monday of the ISO week
    shortest: RealGap | None
    longest: RealGap | None
    events: tuple[DstEvent, ...]

    def __iter__(self) -> Iterator[DstEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


def analyze(schedule: Any, start: datetime, end: datetime, *, dst: str = "go") -> Analysis:
    """Analyse a schedule object (anything with ``runs(after, until, dst=...)``).

    Cron and specific_days schedules (``.expr`` or ``.to_cron()``, and ``.timezone``) also get
    their DST events; periodic schedules run in absolute time and have none.
    """
    check_aware(start, "start")
    check_aware(end, "end")
    policy = dst_policy(dst)
    expr: CronExpr | None = None
    if hasattr(schedule, "to_cron"):
        expr = schedule.to_cron().expr
    elif isinstance(getattr(schedule, "expr", None), CronExpr):
        expr = schedule.expr
    zone = getattr(schedule, "timezone", None)
    runs = schedule.runs(start, end, dst=policy)
    if zone is None:
        key = getattr(start.tzinfo, "key", None)
        zone = key if isinstance(key, str) else "UTC"
    plan = plan_for(expr, policy) if expr is not None else None
    return analyze_runs(runs, zone, start, end, plan=plan, policy=policy)


def analyze_runs(runs: Iterable[datetime], zone: str, start: datetime, end: datetime, *,
                 plan: Plan | None = None, policy: str = "go") -> Analysis:
    """The same report over any runs in ``zone``; DST events need the engine's ``plan``."""
    check_aware(start, "start")
    check_aware(end, "end")
    if end < start:
        raise ScheduleError(f"end {end.isoformat()!r} is before start {start.isoformat()!r}")
    z = get_zone(zone)
    run_list = list(runs)
    per_day = Counter(r.date() for r in run_list)
    per_week = Counter(r.date() - timedelta(days=r.weekday()) for r in run_list)
    shortest: RealGap | None = None
    longest: RealGap | None = None
    for a, b in itertools.pairwise(run_list):
        gap = RealGap(a, b, timedelta(seconds=b.timestamp() - a.timestamp()))
        if shortest is None or gap.length < shortest.length:
            shortest = gap
        if longest is None or gap.length > longest.length:
            longest = gap
    events: list[DstEvent] = []
    if plan is not None:
        lo, hi = int(start.timestamp()), int(end.timestamp()) + 1
        for transition in z.transitions(lo - DAY, hi + DAY):
            events.extend(_events(plan, z.key, transition, run_list, start, end))
    return Analysis(zone, policy, start, end, len(run_list), tuple(sorted(per_day.items())),
                    tuple(sorted(per_week.items())), shortest, longest, tuple(events))


def _nominal(plan: Plan, first: datetime, last: datetime) -> list[datetime]:
    """Wall times in ``[first, last)`` (naive) that the expression names."""
    out = []
    day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < last:
        if plan.day_matches(day.toordinal()):
            for t in plan.times:
                wall = day + timedelta(minutes=t)
                if first <= wall < last:
                    out.append(wall)
        day += timedelta(days=1)
    return out


def _events(plan: Plan, zone_key: str, t: Transition, runs: list[datetime], start: datetime,
            end: datetime) -> list[DstEvent]:
    z = get_zone(zone_key)
    when = datetime.fromtimestamp(t.at, z.tz)
    before = z.local(t.at - 1).tzname() or ""
    after = when.tzname() or ""
    abbreviations = (before, after)
    transition = when.astimezone(UTC)
    low = datetime.fromtimestamp(t.at, UTC).replace(tzinfo=None) + timedelta(
        seconds=min(t.before, t.after))
    high = datetime.fromtimestamp(t.at, UTC).replace(tzinfo=None) + timedelta(
        seconds=max(t.before, t.after))
    # Runs near the change, and which of them fall on a wall time the expression names.
    near = [r for r in runs if abs(r.timestamp() - t.at) <= 2 * DAY]
    named = set(_nominal(plan, low - timedelta(days=2), high + timedelta(days=2)))
    out: list[DstEvent] = []
    inside = _nominal(plan, low, high)
    if t.after > t.before:  # a gap: walls in [low, high) do not exist
        odd = [r for r in near if r.replace(tzinfo=None, fold=0) not in named
               and r.timestamp() >= t.at]
        for i, wall in enumerate(inside):
            if not start.timestamp() < t.at <= end.timestamp():
                continue
            if i == 0 and odd:
                out.append(DstEvent("shifted", wall, (odd[0],), abbreviations, transition,
                                    f"{wall:%H:%M} does not exist; the run came at "
                                    f"{odd[0]:%H:%M %Z}"))
            else:
                out.append(DstEvent("skipped", wall, (), abbreviations, transition,
                                    f"{wall:%H:%M} does not exist on {wall:%Y-%m-%d}; no run"))
        for extra in odd[1:] if inside else odd:
            out.append(DstEvent("shifted", extra.replace(tzinfo=None, fold=0), (extra,),
                                abbreviations, transition,
                                f"a run at {extra:%H:%M %Z}, a time the expression does not "
                                "name (the engine's own handling of the change)"))
    else:  # an overlap: walls in [low, high) happen twice
        for wall in inside:
            both = tuple(r for r in near if r.replace(tzinfo=None, fold=0) == wall)
            if len(both) == 2:
                out.append(DstEvent("repeated", wall, both, abbreviations, transition,
                                    f"{wall:%H:%M} happens twice; it ran at {both[0]:%Z} and "
                                    f"{both[1]:%Z}"))
        odd = [r for r in near if r.replace(tzinfo=None, fold=0) not in named]
        for extra in odd:
            out.append(DstEvent("shifted", extra.replace(tzinfo=None, fold=0), (extra,),
                                abbreviations, transition,
                                f"a run at {extra:%H:%M %Z}, a time the expression does not "
                                "name (the engine's own handling of the change)"))
    return out
