"""``periodic`` schedules: ``anchor + k * interval`` in absolute time; no DST policy applies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.runs.plan import check_aware
from schedulelib.core.tzcalc import DAY


def iter_periodic_runs(interval_ns: int, after: datetime, until: datetime | None = None, *,
                       anchor: datetime | None = None) -> Iterator[datetime]:
    """``anchor + k * interval`` for k >= 1, strictly after ``after`` (absolute time).

    ``anchor`` defaults to ``after``.  Results are in ``after``'s zone.
    """
    check_aware(after, "after")
    if until is not None:
        check_aware(until, "until")
    if anchor is not None:
        check_aware(anchor, "anchor")
    if isinstance(interval_ns, bool) or not isinstance(interval_ns, int) or interval_ns <= 0:
        raise ScheduleError(f"interval must be a positive number of nanoseconds, got "
                            f"{interval_ns!r}")
    return _periodic(interval_ns, after, until, after if anchor is None else anchor)


def _periodic(interval_ns: int, after: datetime, until: datetime | None,
              anchor: datetime) -> Iterator[datetime]:
    tz = after.tzinfo
    # Integer nanoseconds from the epoch, so no rounding accumulates; datetime keeps whole
    # microseconds, so each run is floored to one.
    start = _micros(anchor) * 1000
    floor = _micros(after) * 1000
    k = max(1, (floor - start) // interval_ns + 1)
    limit = None if until is None else _micros(until) * 1000
    while True:
        ns = start + k * interval_ns
        if limit is not None and ns > limit:
            return
        try:
            run = (_EPOCH + timedelta(microseconds=ns // 1000)).astimezone(tz)
        except OverflowError:  # past 9999-12-31, in UTC or in after's zone: the calendar ends
            return
        yield run
        k += 1


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(dt: datetime) -> int:
    delta = dt - _EPOCH
    return (delta.days * DAY + delta.seconds) * 1_000_000 + delta.microseconds
