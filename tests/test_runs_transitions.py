"""robfig/cron v3 from just before every transition of every zone, 1970-2037 (Go vectors in
tests/data/go/cron_transitions.json.gz), through both paths; and properties of runs across
transitions that keep the offset (America/Nuuk 2023) or change it for good (Indian/Chagos 1996).
"""

from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib import parse_cron
from schedulelib.core.cron import CronExpr, _compile
from schedulelib.core.runs import iter_cron_runs, iter_slow, plan_for
from schedulelib.core.tzcalc import _SCAN_STEP, DAY, Zone, _explicit_transitions, get_zone
from schedulelib.core.zones import available_zones, canonical

from .conftest import DATA

END_2037 = int(datetime(2038, 1, 1, tzinfo=UTC).timestamp())


@cache
def _vectors() -> dict[str, Any]:
    with gzip.open(DATA / "go" / "cron_transitions.json.gz", "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@cache
def _expr(spec: str) -> CronExpr | None:
    # _compile, not parse_cron: specs that never run (31 April) are compiled too, and robfig
    # gives the zero time for them, as the engine gives no runs.
    expr, problems = _compile(spec)
    return None if problems else expr


def _cases() -> Iterator[tuple[str, str, int, list[int], bool]]:
    """(zone, spec, start, robfig's runs while they increase, whether robfig ends there)."""
    data = _vectors()
    zones, specs, transitions = data["zones"], data["specs"], data["transitions"]
    for ti, si, offset, _n, deltas, end in data["rows"]:
        zone_index, at = transitions[ti][0], transitions[ti][1]
        start = at + offset
        runs = list(itertools.accumulate(deltas, initial=start))[1:]
        expected, ends = runs, end in (1, 2)
        for i in range(1, len(runs)):
            if runs[i] <= runs[i - 1]:  # Next went back in time (see docs/dst.md)
                expected, ends = runs[:i], False
                break
        yield zones[zone_index], specs[si], start, expected, ends


def test_vectors_hold_every_transition_of_every_zone() -> None:
    """Every canonical zone, and exactly the changes Python's tzdata has in 1970-2037."""
    data = _vectors()
    assert data["zones"] == sorted({canonical(z) for z in available_zones()})
    assert data["meta"]["tzdata_iana_version"] == "2026f"
    by_zone: dict[str, set[int]] = {z: set() for z in data["zones"]}
    for zone_index, at, *_ in data["transitions"]:
        by_zone[data["zones"][zone_index]].add(at)
    for zone, go_instants in by_zone.items():
        z = get_zone(zone)
        ours = {t.at for t in z.transitions(0, END_2037)}
        listed = {t for t in _explicit_transitions(zone) if 0 <= t < END_2037}
        assert ours <= go_instants <= ours | listed, zone
    assert len(data["transitions"]) == 18270 and len(data["rows"]) == 127890


@pytest.mark.parametrize("path", ["fast", "slow"])
def test_every_transition_vector_matches(path: str) -> None:
    """All 127,890 robfig sequences (566,227 runs), run for run, and where they end."""
    mismatches = []
    matched = 0
    for zone_key, spec, start, expected, ends in _cases():
        expr = _expr(spec)
        assert expr is not None, spec
        zone = get_zone(zone_key)
        want = len(expected) + 1
        if path == "fast":
            after = datetime.fromtimestamp(start, zone.tz)
            got = [int(r.timestamp()) for r in
                   itertools.islice(iter_cron_runs(expr, zone_key, after), want)]
        else:
            got = list(itertools.islice(iter_slow(plan_for(expr, "go"), zone, start), want))
        if got[:len(expected)] != expected or (ends and len(got) != len(expected)):
            mismatches.append((zone_key, spec, start))
        else:
            matched += 1
    assert mismatches == []
    assert matched == 127890


def test_footer_scan_step_misses_no_change() -> None:
    """Past the TZif lists, scanning at _SCAN_STEP finds what an hourly scan finds."""
    assert _SCAN_STEP <= 2 * DAY
    start = int(datetime(2038, 1, 1, tzinfo=UTC).timestamp())
    for key in _vectors()["zones"]:
        zone = get_zone(key)
        found = [t.at for t in zone.transitions(start, start + 366 * DAY)]
        assert found == _hourly_changes(zone, start, start + 366 * DAY), key


def test_clean_dates_read_the_same_by_wall_clock_and_by_instant() -> None:
    """Next to the transitions where zoneinfo switches how it reads wall times (the last one a
    zone file lists, where its POSIX rule takes over, and those that keep the offset), every
    date the planner treats as clean reads each wall time as one instant, the instant's."""
    checked = 0
    for key in _vectors()["zones"]:
        zone = get_zone(key)
        listed = _explicit_transitions(key)
        points = [a for y in range(1970, 2038) for a in zone.silent_changes(y)] + listed[-1:]
        for at in points:
            middle = (at + zone.offset_at(at)) // DAY
            for day in range(middle - 3, middle + 4):
                local = datetime(1970, 1, 1) + timedelta(days=day)
                if local.date().toordinal() in zone.dirty_ordinals(local.year):
                    continue
                for quarter in range(96):
                    wall = local + timedelta(minutes=15 * quarter)
                    early = wall.replace(tzinfo=zone.tz, fold=0)
                    late = wall.replace(tzinfo=zone.tz, fold=1)
                    t = int(early.timestamp())
                    assert late.timestamp() == t and zone.local(t).replace(tzinfo=None) == wall
                    checked += 1
    assert checked > 100_000


def _hourly_changes(zone: Zone, start: int, end: int) -> list[int]:
    out = []
    previous = zone.offset_at(start)
    for t in range(start + 3600, end, 3600):
        offset = zone.offset_at(t)
        if offset != previous:
            lo, hi = t - 3600, t
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if zone.offset_at(mid) == previous else (lo, mid)
            out.append(hi)
            previous = offset
    return out


# -- properties: what the bugs broke ------------------------------------------------------------

# Explicit transitions that keep the offset (only the abbreviation or DST flag changes).
SILENT = sorted((key, at) for key in ("America/Nuuk", "America/Argentina/Buenos_Aires",
                                      "Europe/London", "Asia/Tokyo", "America/Sao_Paulo",
                                      "Europe/Moscow", "Africa/Casablanca")
                for at in get_zone(key).silent_changes(2023) + get_zone(key).silent_changes(1970)
                + tuple(a for y in range(1971, 2023) for a in get_zone(key).silent_changes(y)))
HOURLYISH = st.builds("{} {} * * *".format,
                      st.sampled_from(["0", "30", "0,30", "*/15", "5,35", "59"]),
                      st.sampled_from(["*", "*/2", "22-23,0-2", "23", "0"]))


def _brute_force(expr: CronExpr, zone: Zone, start: int, end: int) -> list[int]:
    """Every whole minute in (start, end] whose wall clock the expression names."""
    out = []
    for t in range((start // 60 + 1) * 60, end + 1, 60):
        local = zone.local(t)
        if (expr.minutes >> local.minute & 1 and expr.hours >> local.hour & 1
                and expr.days >> local.day & 1 and expr.months >> local.month & 1):
            out.append(t)
    return out


@given(spec=HOURLYISH, where=st.sampled_from(SILENT), before=st.integers(60, 6 * 3600))
@example(spec="0,30 * * * *", where=("America/Nuuk", 1698541200), before=7200)
def test_runs_across_an_offset_keeping_transition_are_every_wall_match(
        spec: str, where: tuple[str, int], before: int) -> None:
    """Where the offset does not change, go runs are the brute-force minute walk, and all
    three policies' runs strictly increase."""
    zone_key, at = where
    zone = get_zone(zone_key)
    expr = parse_cron(spec)
    start, end = at - before, at + 6 * 3600
    after = datetime.fromtimestamp(start, zone.tz)
    until = datetime.fromtimestamp(end, zone.tz)
    walk = _brute_force(expr, zone, start, end)
    for policy in ("go", "debian", "croniter"):
        runs = [int(r.timestamp()) for r in iter_cron_runs(expr, zone_key, after, until,
                                                           dst=policy)]
        assert runs == sorted(set(runs)), policy
        # croniter and cronsim read Nuuk's wall clock through zoneinfo, which misreads an
        # hour there: croniter drops a run, cronsim's fixed-time mode moves one (their own
        # results, which the differential tests hold those policies to).
        if policy == "go":
            assert runs == walk


# Offset changes that never come back (Kiritimati skips 31 December 1994; Monrovia and Guyana
# leave offsets of a fraction of a minute).
PERMANENT = [("Indian/Chagos", 820436400), ("Africa/Monrovia", 63593070),
             ("America/Guyana", 176096700), ("Pacific/Kiritimati", 788868000),
             ("Asia/Kolkata", -764145000), ("Europe/Moscow", 1414274400)]


@given(spec=st.builds("{} {} {} {} {}".format,
                      st.sampled_from(["0", "51", "*/30"]), st.sampled_from(["*", "0", "1-3"]),
                      st.sampled_from(["*", "1", "*/14,25-28/1,26", "31"]),
                      st.sampled_from(["*", "12", "1", "dec", "6,12"]),
                      st.sampled_from(["*", "4", "0,6"])),
       where=st.sampled_from(PERMANENT), before=st.integers(60, 40 * 86400),
       policy=st.sampled_from(["go", "debian", "croniter"]))
@example(spec="51 * */14,25-28/1,26 dec 4", where=("Indian/Chagos", 820436400),
         before=820436400 - 820339200, policy="go")
def test_planner_equals_engine_across_permanent_changes(spec: str, where: tuple[str, int],
                                                        before: int, policy: str) -> None:
    """Around offset changes that never come back, the planner gives the engine's runs."""
    zone_key, at = where
    zone = get_zone(zone_key)
    expr = _expr(spec)
    if expr is None:
        return
    start = at - before
    after = datetime.fromtimestamp(start, zone.tz)
    plan = plan_for(expr, policy)  # type: ignore[arg-type]
    fast = [int(r.timestamp()) for r in
            itertools.islice(iter_cron_runs(expr, zone_key, after, dst=policy), 40)]
    assert fast == list(itertools.islice(iter_slow(plan, zone, start), len(fast)))
    assert fast == sorted(set(fast))


def test_chagos_second_run_is_robfigs() -> None:
    """Issue 10: robfig's second run of the Chagos spec is 1996-11-30T19:51Z (one hour later
    than the plain wall time, as Go carries the moved midnight of 1 January)."""
    runs = list(itertools.islice(iter_cron_runs(
        parse_cron("51 * */14,25-28/1,26 dec 4"), "Indian/Chagos",
        datetime(1995, 12, 30, 16, tzinfo=UTC)), 2))
    assert [r.astimezone(UTC).isoformat() for r in runs] == [
        "1996-01-03T18:51:00+00:00", "1996-11-30T19:51:00+00:00"]


def test_nuuk_half_hourly_is_clean_under_go() -> None:
    """Issue 10: `0,30 * * * *` at Nuuk on 2023-10-29 keeps every half hour, in order."""
    after = datetime(2023, 10, 28, 23, tzinfo=UTC)
    runs = [r.astimezone(UTC) for r in itertools.islice(
        iter_cron_runs(parse_cron("0,30 * * * *"), "America/Nuuk", after), 8)]
    assert runs == [after + timedelta(minutes=30 * k) for k in range(1, 9)]
