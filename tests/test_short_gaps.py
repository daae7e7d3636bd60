"""SL409: the pre-filter that skips transitions far from every run never hides a short gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import assume, example, given
from hypothesis import strategies as st

from schedulelib import check, parse_cron
from schedulelib._dstwarn import _runs_near
from schedulelib._tzcalc import get_zone
from schedulelib.runs.gaps import gaps_at

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


def test_sl409_names_the_day_and_the_runs() -> None:
    """The warning names the date and both runs with their zone abbreviations."""
    doc = {"strategy": "cron", "config": {"spec": "0,50 1 * * *",
                                          "timezone": "America/New_York"}}
    found = check(doc, as_of=datetime(2026, 6, 1, tzinfo=UTC))
    # Two years ahead: the changes of 2026-11-01 and 2027-11-07.
    assert [d.code for d in found] == ["SL409", "SL409"]
    assert "2026-11-01" in found[0].message and "2027-11-07" in found[1].message
    assert "01:50 EDT" in found[0].message and "01:00 EST" in found[0].message
    assert "10 minutes" in found[0].message and "EDT" in found[0].message
    assert "EST" in found[0].message and found[0].severity == "warning"


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

    from schedulelib.cron import _compile
    from schedulelib.runs import iter_cron_runs

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
