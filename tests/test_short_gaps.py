"""SL409: the pre-filter that skips transitions far from every run never hides a short gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from schedulelib import check, parse_cron
from schedulelib.core.dstwarn import _runs_near, short_real_gaps
from schedulelib.core.runs.gaps import gaps_at
from schedulelib.core.tzcalc import get_zone

ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Antarctica/Troll",
         "America/Sao_Paulo", "America/Havana", "Pacific/Chatham", "Africa/Casablanca"]
SPECS = st.builds(
    lambda m, h: f"{m} {h} * * *",
    st.sampled_from(["0", "0,50", "5,20,45", "*/15", "10-40/15", "59", "0,30", "14,29,44,59"]),
    st.sampled_from(["*", "0", "1", "2", "3", "0-3", "1,2", "22,23", "23", "*/2", "12"]),
)


@given(SPECS, st.sampled_from(ZONES))
@example("0,20,40 1 * * *", "America/New_York")
@example("0 0 * * *", "America/Sao_Paulo")
def test_skipped_transitions_have_no_short_gap(spec: str, zone: str) -> None:
    """Where the filter says no run is near a change, the full expansion finds no short gap."""
    expr = parse_cron(spec)
    assume(expr.min_gap >= timedelta(minutes=15))  # check() asks only for specs past the floor
    start = int(datetime(2017, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
    for transition in get_zone(zone).transitions(start, end):
        if not _runs_near(expr.minutes, expr.hours, transition):
            assert gaps_at(expr, zone, transition.at) == ()


def test_sl409_names_the_days_and_the_runs() -> None:
    """One warning per cause: both dates of the look-ahead, both runs with their zone
    abbreviations, and the real gap (issue 8: it used to come once per date)."""
    doc = {"strategy": "cron", "config": {"spec": "0,50 1 * * *",
                                          "timezone": "America/New_York"}}
    found = check(doc, as_of=datetime(2026, 6, 1, tzinfo=UTC))
    # Two years ahead: the changes of 2026-11-01 and 2027-11-07, the same cause.
    assert [d.code for d in found] == ["SL409"]
    assert found[0].message == (
        "on 2026-11-01 and 2027-11-07 the DST change in America/New_York puts runs at "
        "01:50 EDT and 01:00 EST only 10 minutes apart in real time")
    assert found[0].severity == "warning"


CAUSES = [
    # spec, zone, as_of, messages (one per cause)
    ("0,50 1 * * *", "America/New_York", datetime(2026, 12, 1, tzinfo=UTC),
     ["on 2027-11-07 and 2028-11-05 the DST change in America/New_York puts runs at 01:50 "
      "EDT and 01:00 EST only 10 minutes apart in real time"]),
    # Just after the second run of 2027-11-07: that date has passed.
    ("0,50 1 * * *", "America/New_York", datetime(2027, 11, 7, 6, 1, tzinfo=UTC),
     ["on 2028-11-05 and 2029-11-04 the DST change in America/New_York puts runs at 01:50 "
      "EDT and 01:00 EST only 10 minutes apart in real time"]),
    # Spring and autumn each bring their own pair of runs: two causes, two dates each.
    ("0,55 1,3 * * *", "America/New_York", datetime(2026, 1, 1, tzinfo=UTC),
     ["on 2026-03-08 and 2027-03-14 the DST change in America/New_York puts runs at 01:55 "
      "EST and 03:00 EDT only 5 minutes apart in real time",
      "on 2026-11-01 and 2027-11-07 the DST change in America/New_York puts runs at 01:55 "
      "EDT and 01:00 EST only 5 minutes apart in real time"]),
    # Near the end of the calendar the look-ahead stops with year 9999, without an error.
    ("0,50 1 * * *", "America/New_York", datetime(9999, 6, 1, tzinfo=UTC),
     ["on 9999-11-07 the DST change in America/New_York puts runs at 01:50 EDT and 01:00 "
      "EST only 10 minutes apart in real time"]),
]


@pytest.mark.parametrize(("spec", "zone", "as_of", "messages"), CAUSES,
                         ids=["two dates one cause", "a passed date drops out",
                              "two causes", "year 9999"])
def test_sl409_is_one_finding_per_cause(spec: str, zone: str, as_of: datetime,
                                        messages: list[str]) -> None:
    """Findings group the look-ahead's short gaps by wall times and gap, naming every date."""
    doc = {"strategy": "cron", "config": {"spec": spec, "timezone": zone}}
    found = [d.message for d in check(doc, as_of=as_of) if d.code == "SL409"]
    gaps = short_real_gaps(parse_cron(spec), zone, as_of)
    causes = {(g.first.strftime("%H:%M %Z"), g.second.strftime("%H:%M %Z"), g.gap)
              for g in gaps}
    assert len(found) == len(causes)
    assert all(g.day.isoformat() in " ".join(found) for g in gaps)
    assert found == messages


def test_sl409_is_deterministic_from_as_of() -> None:
    """The same as_of gives the same findings; a later as_of looks at later changes."""
    doc = {"strategy": "cron", "config": {"spec": "0,50 1 * * *",
                                          "timezone": "America/New_York"}}
    first = check(doc, as_of=datetime(2026, 6, 1, tzinfo=UTC))
    assert first == check(doc, as_of=datetime(2026, 6, 1, tzinfo=UTC))
    later = check(doc, as_of=datetime(2026, 11, 2, tzinfo=UTC))
    assert later and later[0].message != first[0].message


def test_never_running_specs_give_no_runs_like_robfig() -> None:
    """The Go vectors' specs that load() refuses (SL408) also give no runs in the engine."""
    import json

    from schedulelib.core.cron import _compile
    from schedulelib.core.runs import iter_cron_runs

    from .conftest import DATA

    rows = json.loads((DATA / "go" / "cron_runs.json").read_text("utf-8"))["rows"]
    never = [r for r in rows if r["spec"] in ("0 0 30 2 *", "0 0 31 4 *", "0 0 31 6,9,11 *",
                                              "0 0 31 2,4 *")]
    assert len(never) == 16
    for row in never:
        expr, problems = _compile(row["spec"])
        assert expr is not None and not problems and expr.never_runs
        after = datetime.fromtimestamp(row["start_unix"], UTC)
        assert row["runs"] == [] and row["exhausted"]
        assert list(iter_cron_runs(expr, row["zone"], after)) == []


def test_one_run_a_day_is_never_short_at_any_transition() -> None:
    """The filter's one-run-a-day rule holds at every transition of every zone, 1970-2037: the
    engine finds no short gap for a daily run at the very wall times the clock changes."""
    from schedulelib.core.zones import available_zones, canonical

    start = int(datetime(1970, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(2038, 1, 1, tzinfo=UTC).timestamp())
    checked = 0
    for key in sorted(k for k in available_zones() if canonical(k) == k):
        for transition in get_zone(key).transitions(start, end):
            shift = abs(transition.after - transition.before) // 60
            if not 15 <= shift <= 1440 - 15:
                continue  # the filter leaves these to the engine
            for offset in (transition.before, transition.after):
                wall = (transition.at + offset) // 60 % 1440
                expr = parse_cron(f"{wall % 60} {wall // 60} * * *")
                assert not _runs_near(expr.minutes, expr.hours, transition)
                assert gaps_at(expr, key, transition.at) == (), (key, transition, str(expr))
                checked += 1
    assert checked > 10_000


def test_spaced_runs_are_never_short_at_any_transition() -> None:
    """The filter's spacing rule holds at every transition of every zone, 1970-2037: runs the
    least allowed whole hours apart (15 minutes + the shift, rounded up), one of them at the
    very wall time the clock changes, give the engine no short gap."""
    from schedulelib.core.zones import available_zones, canonical

    start = int(datetime(1970, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(2038, 1, 1, tzinfo=UTC).timestamp())
    checked = 0
    for key in sorted(k for k in available_zones() if canonical(k) == k):
        for transition in get_zone(key).transitions(start, end):
            shift = abs(transition.after - transition.before) // 60
            if not (shift >= 15 and 15 + shift <= 720):
                continue  # no two runs a day are far enough apart for the rule
            apart = -(-(15 + shift) // 60)  # hours
            for offset in (transition.before, transition.after):
                wall = (transition.at + offset) // 60 % 1440
                minute, hour = wall % 60, wall // 60
                for other in ((hour + apart) % 24, (hour - apart) % 24):
                    expr = parse_cron(f"{minute} {hour},{other} * * *")
                    assert not _runs_near(expr.minutes, expr.hours, transition)
                    assert gaps_at(expr, key, transition.at) == (), (key, transition, str(expr))
                    checked += 1
    assert checked > 50_000


SPACED = st.builds(
    lambda m, h, d: f"{m} {h} {d}",
    st.integers(0, 59),
    st.sampled_from(["1,8", "0,2", "2,4", "1,3,5", "*/2", "1-23/2", "*/3", "0,12", "3", "*"]),
    st.sampled_from(["* * *", "* * 1-5", "31 * *", "29 2 *", "1,15 * *", "* 3,10 0"]),
)


@given(SPACED, st.sampled_from([*ZONES, "Asia/Tehran", "America/St_Johns", "Europe/Moscow"]),
       st.integers(1970, 2030))
@example("0 0,2 * * *", "America/Sao_Paulo", 2018)
@example("30 1,3 * * 1-5", "America/New_York", 2027)
def test_spacing_rule_hides_no_short_gap(spec: str, zone: str, year: int) -> None:
    """Where run times of day are 15 minutes + the shift apart, whatever the day fields, the
    engine finds no short gap at the transitions of a span of years."""
    from schedulelib.core.dstwarn import _spacing

    expr = parse_cron(spec)
    start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 8, 1, 1, tzinfo=UTC).timestamp())
    for transition in get_zone(zone).transitions(start, end):
        shift = abs(transition.after - transition.before) // 60
        if shift >= 15 and 15 + shift <= _spacing(expr.minutes, expr.hours):
            assert not _runs_near(expr.minutes, expr.hours, transition)
            assert gaps_at(expr, zone, transition.at) == (), (transition, spec)
