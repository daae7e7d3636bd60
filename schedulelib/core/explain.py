"""Schedules in plain English: what they do, their cron equivalent, their shortest gap, and
what DST will do to them over the coming year under each engine's policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from schedulelib.core.policy import POLICIES, dst_policy
from schedulelib.core.schedule import Cron, DbtCloud, Manual, Periodic, SpecificDays

if TYPE_CHECKING:
    from schedulelib.core.analysis import DstEvent
    from schedulelib.core.schedule import Schedule

#: How far ahead :func:`explain` looks for DST changes.
HORIZON = timedelta(days=365)

_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

__all__ = ["Explanation", "Run", "Upcoming", "describe", "describe_cron", "explain", "upcoming"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything ``schedulelib explain`` says about one schedule.

    ``cron`` is the equivalent cron expression (specific_days) or the expression itself (cron);
    ``min_gap`` the exact shortest wall-clock gap between consecutive runs, and ``closest`` the
    two runs that have it; ``dst`` maps each policy to the DST events between ``start`` and
    ``end`` (empty for schedules no zone moves).
    """

    strategy: str
    description: str
    timezone: str | None
    cron: str | None
    cron_description: str | None
    min_gap: timedelta | None
    closest: str | None
    start: datetime
    end: datetime
    dst: tuple[tuple[str, tuple[DstEvent, ...]], ...]


def describe_cron(spec: str) -> str:
    """cron-descriptor's English for a 5-field expression (24-hour clock, Sunday is 0)."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.use_24hour_time_format = True
    options.day_of_week_start_index_zero = True
    try:
        return str(ExpressionDescriptor(spec, options).get_description())
    except Exception as exc:  # a third-party describer must never stop the command
        return f"(no description: {exc})"


def _days(days: tuple[int, ...]) -> str:
    if days == tuple(range(7)):
        return "every day"
    if days == (1, 2, 3, 4, 5):
        return "Monday to Friday"
    if days == (0, 6):
        return "Saturday and Sunday"
    names = [_WEEKDAYS[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe(schedule: Schedule) -> str:
    """One sentence saying when the schedule's syncs run."""
    if isinstance(schedule, Manual):
        return "Never by itself: syncs run only when someone starts one (Segment's UI or API)."
    if isinstance(schedule, DbtCloud):
        return (f"When dbt Cloud job {schedule.job_id} (account {schedule.account_id}) "
                "finishes: the sync is triggered by dbt Cloud, not by a clock.")
    if isinstance(schedule, Periodic):
        written = schedule.text or str(schedule.interval)
        exact = f" ({schedule.interval})" if written != str(schedule.interval) else ""
        return (f"Every {written}{exact}, counted from the previous sync in absolute time: "
                "DST and time zones never move it.")
    if isinstance(schedule, SpecificDays):
        hours = ", ".join(f"{h:02d}:00" for h in schedule.hours)
        return f"At {hours} on {_days(schedule.days)}, {schedule.timezone} time."
    assert isinstance(schedule, Cron)
    return f"{describe_cron(schedule.spec)}, {schedule.timezone} time."


def explain(schedule: Schedule, *, as_of: datetime | None = None,
            horizon: timedelta = HORIZON) -> Explanation:
    """Explain ``schedule``; DST events are looked for in ``(as_of, as_of + horizon]``."""
    start = (as_of or datetime.now(UTC)).astimezone(UTC)
    end = start + horizon
    cron: Cron | None = None
    if isinstance(schedule, SpecificDays):
        cron = schedule.to_cron()
    elif isinstance(schedule, Cron):
        cron = schedule
    min_gap: timedelta | None = None
    closest: str | None = None
    dst: tuple[tuple[str, tuple[DstEvent, ...]], ...] = ()
    if isinstance(schedule, Periodic):
        min_gap = timedelta(microseconds=schedule.interval.nanoseconds // 1000)
    if cron is not None:
        from schedulelib.core.analysis import analyze

        min_gap = cron.expr.min_gap
        closest = cron.expr.closest_runs.describe()
        dst = tuple((policy, analyze(schedule, start, end, dst=policy).events)
                    for policy in POLICIES)
    return Explanation(
        strategy=schedule.strategy,
        description=describe(schedule),
        timezone=getattr(schedule, "timezone", None),
        cron=cron.spec if cron is not None else None,
        cron_description=describe_cron(cron.spec) if cron is not None else None,
        min_gap=min_gap,
        closest=closest,
        start=start,
        end=end,
        dst=dst,
    )


@dataclass(frozen=True, slots=True)
class Run:
    """One upcoming run; ``event`` is the DST change that moved or repeated it, if any."""

    at: datetime
    event: DstEvent | None = None


@dataclass(frozen=True, slots=True)
class Upcoming:
    """The next runs of a schedule, and the wall times a DST change skipped among them."""

    name: str
    schedule: Schedule
    after: datetime
    policy: str
    runs: tuple[Run, ...]
    skipped: tuple[DstEvent, ...]


def upcoming(name: str, schedule: Schedule, after: datetime, count: int, *,
             dst: str = "go") -> Upcoming:
    """The first ``count`` runs strictly after ``after``, each with the DST event behind it."""
    times = schedule.next_runs(after, count, dst=dst_policy(dst))
    events: tuple[DstEvent, ...] = ()
    if times and isinstance(schedule, Cron | SpecificDays):
        from schedulelib.core.analysis import analyze

        events = analyze(schedule, after, times[-1], dst=dst).events
    by_instant: dict[float, DstEvent] = {}
    for event in events:
        for instant in event.instants:
            by_instant[instant.timestamp()] = event
    runs = tuple(Run(t, by_instant.get(t.timestamp())) for t in times)
    skipped = tuple(e for e in events if e.kind == "skipped")
    return Upcoming(name, schedule, after, dst, runs, skipped)
