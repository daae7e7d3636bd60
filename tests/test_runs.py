"""Run expansion: the API, the DST table of the reference notes, and robfig's Go vectors."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import schedulelib
from schedulelib import ScheduleError, parse_cron
from schedulelib.core.dstwarn import short_real_gaps
from schedulelib.core.runs import (
    iter_cron_runs,
    iter_periodic_runs,
    iter_slow,
    next_cron_runs,
    plan_for,
)
from schedulelib.core.tzcalc import get_zone

from .conftest import DATA

NY = ZoneInfo("America/New_York")


def _utc(runs: list[datetime]) -> list[str]:
    return [r.astimezone(UTC).strftime("%m-%dT%H:%M") for r in runs]


# -- arguments ----------------------------------------------------------------------------------


def test_naive_after_is_an_error_that_says_so() -> None:
    """A naive datetime is refused with a message naming the argument."""
    with pytest.raises(ScheduleError, match="after must be timezone-aware"):
        iter_cron_runs(parse_cron("0 * * * *"), "UTC", datetime(2026, 1, 1))


def test_naive_until_is_an_error() -> None:
    """``until`` must be aware too."""
    with pytest.raises(ScheduleError, match="until must be timezone-aware"):
        iter_cron_runs(parse_cron("0 * * * *"), "UTC", datetime(2026, 1, 1, tzinfo=UTC),
                       datetime(2026, 1, 2))


def test_unknown_policy_lists_the_choices() -> None:
    """``dst`` takes one of three names."""
    with pytest.raises(ScheduleError, match="'go', 'debian', 'croniter', got 'vixie'"):
        iter_cron_runs(parse_cron("0 * * * *"), "UTC", datetime(2026, 1, 1, tzinfo=UTC),
                       dst="vixie")


@pytest.mark.parametrize("doc", [{"strategy": "manual"}, {"strategy": "dbt_cloud", "config": {
    "jobId": "1", "accountId": "2"}}], ids=["manual", "dbt_cloud"])
def test_strategies_without_a_clock_have_no_runs(doc: dict[str, Any]) -> None:
    """manual and dbt_cloud are not time-driven."""
    schedule = schedulelib.load(doc)
    assert list(schedule.runs(datetime(2026, 1, 1, tzinfo=UTC))) == []
    with pytest.raises(ScheduleError):
        schedule.runs(datetime(2026, 1, 1))


def test_runs_are_lazy_strictly_after_and_until_inclusive() -> None:
    """Strictly after ``after``, at or before ``until``, aware, in the zone."""
    expr = parse_cron("0 * * * *")
    after = datetime(2026, 1, 1, 5, tzinfo=NY)
    runs = list(iter_cron_runs(expr, "America/New_York", after, after + timedelta(hours=3)))
    assert [r.hour for r in runs] == [6, 7, 8]
    assert all(r.tzinfo is not None and r.utcoffset() == timedelta(hours=-5) for r in runs)


def test_after_in_another_zone_means_the_same_instant() -> None:
    """``after`` may be in any zone; runs come in the schedule's zone."""
    expr = parse_cron("30 9 * * *")
    a = next_cron_runs(expr, "Europe/Berlin", datetime(2026, 6, 1, 7, 0, tzinfo=UTC), 2)
    b = next_cron_runs(expr, "Europe/Berlin", datetime(2026, 6, 1, 9, 0,
                                                       tzinfo=ZoneInfo("Europe/Berlin")), 2)
    assert a == b and str(a[0].tzinfo) == "Europe/Berlin"


def test_periodic_counts_from_the_anchor_in_absolute_time() -> None:
    """anchor + k * interval, k >= 1, strictly after ``after``; DST does not move it."""
    anchor = datetime(2026, 3, 8, 0, 0, tzinfo=NY)
    runs = list(itertools.islice(iter_periodic_runs(
        90 * 60 * 10**9, datetime(2026, 3, 8, 1, 30, tzinfo=NY), anchor=anchor), 3))
    assert [r.isoformat() for r in runs] == [
        # 00:00 EST + 90 min = 01:30 EST, not after 01:30; + 3h of real time = 04:00 EDT
        "2026-03-08T04:00:00-04:00", "2026-03-08T05:30:00-04:00", "2026-03-08T07:00:00-04:00"]
    default = next(iter_periodic_runs(3600 * 10**9, anchor))
    assert default == anchor + timedelta(hours=1)


def test_specific_days_is_its_cron_expression() -> None:
    """specific_days runs as ``0 <hours> * * <days>`` in its zone."""
    doc = {"strategy": "specific_days", "config": {"days": [0, 6], "hours": [2, 14],
                                                   "timezone": "America/New_York"}}
    schedule = schedulelib.load(doc)
    after = datetime(2026, 3, 1, tzinfo=UTC)
    expr = parse_cron("0 2,14 * * 0,6")
    for policy in ("go", "debian", "croniter"):
        assert schedule.next_runs(after, 12, dst=policy) == next_cron_runs(
            expr, "America/New_York", after, 12, dst=policy)


def test_repeated_wall_times_have_the_right_fold() -> None:
    """Both runs of a repeated hour carry the fold that gives their real offset."""
    runs = next_cron_runs(parse_cron("30 1 * * *"), "America/New_York",
                          datetime(2026, 10, 31, 12, tzinfo=NY), 2)
    assert [r.utcoffset() for r in runs] == [timedelta(hours=-4), timedelta(hours=-5)]
    assert [r.fold for r in runs] == [0, 1]


# -- the DST table of the reference notes (dst-semantics.md), all three engines -------------

TABLE = [
    # spec, zone, after (local), n, go, croniter, debian  (UTC month-dayThour:minute)
    ("30 2 * * *", "America/New_York", (2026, 3, 7, 12), 1,
     ["03-09T06:30"], ["03-08T07:00"], ["03-08T07:00"]),
    ("30 1-3 * * *", "America/New_York", (2026, 3, 8, 0, 10), 3,
     ["03-08T06:30", "03-08T07:30", "03-09T05:30"],
     ["03-08T06:30", "03-08T07:00", "03-08T07:30"],
     ["03-08T06:30", "03-08T07:00", "03-08T07:30"]),
    ("*/20 2 * * *", "America/New_York", (2026, 3, 7, 12), 1,
     ["03-09T06:00"], ["03-08T07:00"], ["03-09T06:00"]),
    ("0 1 * * *", "America/New_York", (2026, 10, 31, 12), 2,
     ["11-01T05:00", "11-01T06:00"], ["11-01T05:00", "11-01T06:00"],
     ["11-01T05:00", "11-02T06:00"]),
    ("30 1-3 * * *", "America/New_York", (2026, 11, 1, 0, 10), 4,
     ["11-01T05:30", "11-01T06:30", "11-01T07:30", "11-01T08:30"],
     ["11-01T05:30", "11-01T06:30", "11-01T07:30", "11-01T08:30"],
     ["11-01T05:30", "11-01T07:30", "11-01T08:30", "11-02T06:30"]),
    ("30 2 * * *", "Europe/Berlin", (2026, 3, 28, 12), 1,
     ["03-30T00:30"], ["03-29T01:00"], ["03-29T01:00"]),
    ("30 2 * * *", "Europe/Berlin", (2026, 10, 24, 12), 2,
     ["10-25T00:30", "10-25T01:30"], ["10-25T00:30", "10-25T01:30"],
     ["10-25T00:30", "10-26T01:30"]),
    ("0 0 * * *", "America/Sao_Paulo", (2018, 11, 3, 12), 1,
     ["11-05T02:00"], ["11-04T03:00"], ["11-04T03:00"]),
    ("0 2 * * *", "Australia/Lord_Howe", (2026, 10, 3, 12), 1,
     ["10-04T15:00"], ["10-03T15:30"], ["10-03T15:30"]),
]


@pytest.mark.parametrize(("spec", "zone", "after", "n", "go", "croniter", "debian"), TABLE,
                         ids=[f"{t[0]} {t[1]} {t[2][:3]}" for t in TABLE])
def test_dst_table_rows(spec: str, zone: str, after: tuple[int, ...], n: int, go: list[str],
                        croniter: list[str], debian: list[str]) -> None:
    """Each policy reproduces its engine's row of the reference table."""
    start = datetime(*after, tzinfo=ZoneInfo(zone))  # type: ignore[misc]
    expr = parse_cron(spec)
    for policy, expected in (("go", go), ("croniter", croniter), ("debian", debian)):
        assert _utc(next_cron_runs(expr, zone, start, n, dst=policy)) == expected, policy


# -- robfig/cron v3: the Go vectors ---------------------------------------------------------


def _vector_rows() -> list[dict[str, Any]]:
    rows = json.loads((DATA / "go" / "cron_runs.json").read_text("utf-8"))["rows"]
    out = []
    for row in rows:
        if row["parse_error"]:
            continue
        try:
            parse_cron(row["spec"])
        except ScheduleError:  # outside the portable dialect (e.g. day of week 7)
            continue
        out.append(row)
    return out


VECTORS = _vector_rows()


def _expected(row: dict[str, Any]) -> tuple[list[int], bool]:
    """robfig's runs while they increase, and whether they end there (zero time or hang)."""
    runs = [r[0] for r in row["runs"]]
    for i in range(1, len(runs)):
        if runs[i] <= runs[i - 1]:
            # Next went back in time (Pacific/Chatham): compared up to there; see docs/dst.md.
            return runs[:i], False
    return runs, bool(row["exhausted"] or row["hung"])


def test_go_vectors_are_all_present() -> None:
    """The vector file holds the zones the issue names, and we read nearly all rows."""
    zones = {row["zone"] for row in VECTORS}
    assert len(zones) >= 20
    assert {"America/New_York", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe",
            "Pacific/Apia", "Africa/Casablanca", "Antarctica/Troll",
            "Asia/Kathmandu"} <= zones
    assert len(VECTORS) > 3500


@pytest.mark.parametrize("path", ["fast", "slow"])
def test_go_vectors_match_every_run(path: str) -> None:
    """Every robfig sequence is reproduced, run for run, and ends where robfig's ends."""
    mismatches = []
    for row in VECTORS:
        expected, ends = _expected(row)
        zone = row["zone"]
        after = datetime.fromtimestamp(row["start_unix"], ZoneInfo(zone))
        expr = parse_cron(row["spec"])
        want = len(expected) + 1
        if path == "fast":
            got = [int(r.timestamp()) for r in
                   itertools.islice(iter_cron_runs(expr, zone, after), want)]
        else:
            got = list(itertools.islice(
                iter_slow(plan_for(expr, "go"), get_zone(zone), row["start_unix"]), want))
        if got[:len(expected)] != expected or (ends and len(got) != len(expected)):
            mismatches.append((row["spec"], zone, row["start"]))
    assert mismatches == []


def test_apia_hang_ends_the_runs() -> None:
    """robfig never returns from Next at Apia's missing day: the runs end there."""
    runs = next_cron_runs(parse_cron("0 0 * * sun,sat"), "Pacific/Apia",
                          datetime(2011, 12, 20, tzinfo=UTC), 10)
    assert [r.date().isoformat() for r in runs] == ["2011-12-24", "2011-12-25"]


def test_leap_day_beyond_five_years_ends_the_go_runs() -> None:
    """robfig gives up after five years (2096 -> 2104); croniter and cronsim go on."""
    expr = parse_cron("0 0 29 2 *")
    after = datetime(2096, 3, 1, tzinfo=UTC)
    assert next_cron_runs(expr, "UTC", after, 1) == []
    assert next_cron_runs(expr, "UTC", after, 1, dst="croniter")[0].year == 2104
    assert next_cron_runs(expr, "UTC", after, 1, dst="debian")[0].year == 2104


def test_chatham_runs_keep_increasing() -> None:
    """Where robfig's Next goes back in time, runs still strictly increase."""
    expr = parse_cron("30,45-59,59,45 3 29,29-30,*/5,1-31/6 * */2")
    after = datetime(2026, 4, 5, 1, 55, tzinfo=ZoneInfo("Pacific/Chatham"))
    runs = [r.timestamp() for r in next_cron_runs(expr, "Pacific/Chatham", after, 30)]
    assert runs == sorted(set(runs)) and len(runs) == 30


# -- engine-specific field readings -----------------------------------------------------------

READINGS = [
    # spec, policy, what the engine reads differently from robfig
    ("0 0 * * 1/2", "debian", "cronsim's day of week runs to 7: 1/2 takes in Sunday"),
    ("0 0 5-5/10 * *", "debian", "cronsim runs a one-value range with a step to the end"),
    ("5-5 0 * * *", "croniter", "croniter reads an equal range as the whole field"),
    ("0 0 */2 * 1", "debian", "'*/2' starts with '*': cronsim ANDs the day fields"),
]


@pytest.mark.parametrize(("spec", "policy", "why"), READINGS, ids=[r[2] for r in READINGS])
def test_engine_readings(spec: str, policy: str, why: str) -> None:
    """The plan differs from robfig's exactly where the engine reads the text differently."""
    expr = parse_cron(spec)
    assert plan_for(expr, policy) != plan_for(expr, "go")  # type: ignore[arg-type]


def test_question_mark_is_refused_by_debian() -> None:
    """Debian cron rejects '?'; the policy says so instead of guessing."""
    with pytest.raises(ScheduleError, match="reject '\\?'"):
        next_cron_runs(parse_cron("0 9 ? * 1"), "UTC", datetime(2026, 1, 1, tzinfo=UTC), 1,
                       dst="debian")


# -- SL409 --------------------------------------------------------------------------------------


def test_short_real_gaps_on_fall_back() -> None:
    """0,50 1 * * * in New York: 01:50 EDT and 01:00 EST are 10 real minutes apart."""
    gaps = short_real_gaps(parse_cron("0,50 1 * * *"), "America/New_York",
                           datetime(2026, 1, 1, tzinfo=UTC))
    assert [(g.day.isoformat(), g.gap) for g in gaps] == [
        ("2026-11-01", timedelta(minutes=10)), ("2027-11-07", timedelta(minutes=10))]
    assert "01:50 EDT and 01:00 EST" in gaps[0].describe()


@pytest.mark.parametrize("spec", ["*/15 * * * *", "0 9 * * *", "30 2 * * *"])
def test_no_short_gaps_for_common_specs(spec: str) -> None:
    """Specs whose runs never come closer than 15 real minutes get no warning."""
    assert short_real_gaps(parse_cron(spec), "America/New_York",
                           datetime(2026, 1, 1, tzinfo=UTC)) == []


def test_short_real_gaps_depend_only_on_as_of() -> None:
    """Deterministic: the same as_of gives the same answer; later as_of drops passed days."""
    expr = parse_cron("0,50 1 * * *")
    late = short_real_gaps(expr, "America/New_York", datetime(2026, 12, 1, tzinfo=UTC))
    assert [g.day.isoformat() for g in late] == ["2027-11-07", "2028-11-05"]


# -- the ends of the calendar -------------------------------------------------------------------

EDGE_AFTERS = [
    ("9998-01-01Z", datetime(9998, 1, 1, tzinfo=UTC)),
    ("9999-12-31Z", datetime(9999, 12, 31, tzinfo=UTC)),
    ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("9999-12-31T23:59-14:00",
     datetime(9999, 12, 31, 23, 59, tzinfo=timezone(-timedelta(hours=14)))),
    ("0001-01-01Z", datetime(1, 1, 1, tzinfo=UTC)),
    ("0001-01-01+14:00", datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))),
]
EDGE_SPECS = ["*/15 * * * *", "0 0 * * *", "0 0 1 1 *", "0 0 29 2 *", "59 23 31 12 *",
              "0 9 * * 1-5", "30 2 * * *"]
EDGE_ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Pago_Pago",
              "Australia/Lord_Howe"]


@pytest.mark.parametrize("policy", ["go", "debian", "croniter"])
@pytest.mark.parametrize(("name", "after"), EDGE_AFTERS, ids=[a[0] for a in EDGE_AFTERS])
def test_runs_stop_cleanly_at_the_ends_of_the_calendar(name: str, after: datetime,
                                                       policy: str) -> None:
    """From year 9998 on, or from year 1, runs never raise: they stop where datetime does,
    each in UTC and in its zone, strictly increasing."""
    for spec, zone in itertools.product(EDGE_SPECS, EDGE_ZONES):
        runs = next_cron_runs(parse_cron(spec), zone, after, 40, dst=policy)
        instants = [r.timestamp() for r in runs]
        assert instants == sorted(set(instants)) and all(t > after.timestamp() for t in instants)
        assert all(r.astimezone(UTC).year <= 9999 for r in runs)


def test_last_runs_of_year_9999() -> None:
    """Hourly in UTC from the last day of 9999: its 23 remaining hours, then the end."""
    runs = next_cron_runs(parse_cron("0 * * * *"), "UTC", datetime(9999, 12, 31, tzinfo=UTC), 30)
    assert [r.hour for r in runs] == list(range(1, 24))


@pytest.mark.parametrize("interval", [1, 900 * 10**9, 365 * 86400 * 10**9, 2**63 - 1],
                         ids=["1ns", "15m", "1y", "max int64"])
def test_periodic_runs_stop_at_the_end_of_the_calendar(interval: int) -> None:
    """Periodic runs from 9999-12-31 end where datetime ends, without an OverflowError."""
    for after in (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                  datetime(9999, 12, 31, 12, tzinfo=timezone(timedelta(hours=14)))):
        runs = list(itertools.islice(iter_periodic_runs(interval, after), 5))
        assert all(r >= after for r in runs)  # floored to the microsecond


@pytest.mark.parametrize("as_of", [datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
                                   datetime(9999, 1, 1, tzinfo=timezone(-timedelta(hours=14))),
                                   datetime(1, 1, 1, tzinfo=UTC)],
                         ids=["9999-12-31", "9999 at -14:00", "0001-01-01"])
def test_check_as_of_at_the_ends_never_raises(as_of: datetime) -> None:
    """The SL409 look-ahead stops with the calendar: check() gives its findings, no error."""
    for spec, zone in (("0,50 1 * * *", "America/New_York"), ("*/15 * * * *", "Europe/Berlin"),
                       ("0 2 * * *", "Australia/Lord_Howe")):
        doc = {"strategy": "cron", "config": {"spec": spec, "timezone": zone}}
        assert all(d.code == "SL409" for d in schedulelib.check(doc, as_of=as_of))


def test_long_expressions_stay_out_of_the_engine_caches() -> None:
    """An expression keeps its text, so a long one is planned and checked but never cached."""
    from schedulelib.core.cron import CACHE_TEXT, parse_cron
    from schedulelib.core.runs.gaps import _cached_gaps, gaps_at
    from schedulelib.core.runs.planner import _cached_plan, plan_for

    spec = "0," * CACHE_TEXT + "50 1 * * *"
    expr = parse_cron(spec)
    before = (_cached_plan.cache_info().currsize, _cached_gaps.cache_info().currsize)
    plan = plan_for(expr, "go")
    # 2026-11-01 06:00Z: New York falls back from 02:00 EDT to 01:00 EST.
    pairs = gaps_at(expr, "America/New_York", 1793512800)
    assert (_cached_plan.cache_info().currsize, _cached_gaps.cache_info().currsize) == before
    short = parse_cron("0,50 1 * * *")
    assert plan == plan_for(short, "go")
    # 01:50 EDT then 01:00 EST: ten real minutes apart, found for the long text as for the short.
    assert pairs and pairs == gaps_at(short, "America/New_York", 1793512800)
