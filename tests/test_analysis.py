"""analyze(): runs per day and week, real gaps, and the DST events that touch a run."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import schedulelib
from schedulelib import ScheduleError
from schedulelib.core.analysis import Analysis, analyze


def _cron(spec: str, zone: str) -> schedulelib.Cron:
    schedule = schedulelib.load({"strategy": "cron", "config": {"spec": spec, "timezone": zone}})
    assert isinstance(schedule, schedulelib.Cron)
    return schedule


def _kinds(result: Analysis) -> list[tuple[str, str, int]]:
    return [(e.kind, f"{e.wall:%m-%d %H:%M}", len(e.instants)) for e in result]


EVENTS = [
    # spec, zone, window (UTC dates), policy, events (kind, wall, runs made for it)
    ("30 1-3 * * *", "America/New_York", (2026, 3, 7), (2026, 3, 10), "go",
     [("skipped", "03-08 02:30", 0)]),
    ("30 1-3 * * *", "America/New_York", (2026, 3, 7), (2026, 3, 10), "debian",
     [("shifted", "03-08 02:30", 1)]),
    ("30 1-3 * * *", "America/New_York", (2026, 10, 31), (2026, 11, 3), "go",
     [("repeated", "11-01 01:30", 2)]),
    ("30 1-3 * * *", "America/New_York", (2026, 10, 31), (2026, 11, 3), "debian", []),
    ("0 0 * * *", "America/Sao_Paulo", (2018, 11, 1), (2018, 11, 6), "go",
     [("skipped", "11-04 00:00", 0)]),
    ("0 0 * * *", "America/Sao_Paulo", (2018, 11, 1), (2018, 11, 6), "croniter",
     [("shifted", "11-04 00:00", 1)]),
    ("*/15 1 * * *", "Australia/Lord_Howe", (2026, 10, 2), (2026, 10, 6), "go",
     [("shifted", "10-04 02:30", 1)]),  # robfig runs at 02:30, an hour the spec does not name
    ("45 2 * * *", "Asia/Kathmandu", (2026, 1, 1), (2026, 2, 1), "go", []),
]


@pytest.mark.parametrize(("spec", "zone", "start", "end", "policy", "events"), EVENTS,
                         ids=[f"{e[0]} {e[1]} {e[4]}" for e in EVENTS])
def test_dst_events(spec: str, zone: str, start: tuple[int, int, int],
                    end: tuple[int, int, int], policy: str,
                    events: list[tuple[str, str, int]]) -> None:
    """Each change that touches a run is reported once, by kind, with its runs."""
    result = analyze(_cron(spec, zone), datetime(*start, tzinfo=UTC),
                     datetime(*end, tzinfo=UTC), dst=policy)
    assert _kinds(result) == events


def test_event_carries_wall_utc_and_abbreviations() -> None:
    """A repeated 01:30 in New York: both instants, in UTC too, and EDT -> EST."""
    result = analyze(_cron("30 1 * * *", "America/New_York"), datetime(2026, 10, 31, tzinfo=UTC),
                     datetime(2026, 11, 2, tzinfo=UTC))
    (event,) = result.events
    assert event.abbreviations == ("EDT", "EST")
    assert [u.strftime("%H:%M") for u in event.utc] == ["05:30", "06:30"]
    assert event.transition == datetime(2026, 11, 1, 6, tzinfo=UTC)


def test_counts_and_gaps() -> None:
    """Per day, per ISO week, and the real gaps: 23 h and 25 h around the changes."""
    result = analyze(_cron("0 12 * * *", "Europe/Berlin"), datetime(2026, 3, 27, tzinfo=UTC),
                     datetime(2026, 4, 3, tzinfo=UTC))
    assert result.runs == 7
    assert all(n == 1 for _, n in result.per_day)
    assert result.per_week == ((date(2026, 3, 23), 3), (date(2026, 3, 30), 4))
    assert result.shortest is not None and result.shortest.length == timedelta(hours=23)
    assert result.longest is not None and result.longest.length == timedelta(hours=24)


def test_periodic_has_no_dst_events() -> None:
    """Periodic runs in absolute time: gaps are all the interval, no events."""
    schedule = schedulelib.load({"strategy": "periodic", "config": {"interval": "6h"}})
    result = analyze(schedule, datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC))
    assert result.events == () and result.runs == 12
    assert result.shortest is not None and result.shortest.length == timedelta(hours=6)


def test_naive_window_is_an_error() -> None:
    """start and end must be aware."""
    with pytest.raises(ScheduleError, match="start must be timezone-aware"):
        analyze(_cron("0 * * * *", "UTC"), datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC))
