"""same_runs and first_difference against brute force: the real engines' runs over two years,
and the planner's own per-year date tables over the whole 400-year cycle."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from schedulelib import (
    Cron,
    DbtCloud,
    Manual,
    Periodic,
    ScheduleError,
    SpecificDays,
    first_difference,
    parse_cron,
    parse_duration,
    same_runs,
)
from schedulelib.core.runs import plan_for
from schedulelib.core.runs.plan import year_matches
from schedulelib.core.same import MAX_STEPS, wall_set, zone_data
from schedulelib.core.tzcalc import get_zone
from schedulelib.core.zones import _index, _links, canonical
from tests.test_runs_engines import specs

POLICIES = ("go", "debian", "croniter")
ZONES = ["America/New_York", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe",
         "UTC", "Asia/Kolkata", "Europe/London", "America/Santiago", "Africa/Casablanca",
         "US/Eastern", "Etc/UTC", "Europe/Paris", "Etc/GMT-1", "Etc/GMT+5"]
TWO_YEARS = timedelta(days=731)


def cron(spec: str, zone: str = "UTC") -> Cron:
    return Cron(parse_cron(spec), zone)


def brute(a: Cron | SpecificDays, b: Cron | SpecificDays, after: datetime,
          policy: str) -> tuple[list[float], list[float]]:
    until = after + TWO_YEARS
    ra = [r.timestamp() for r in a.runs(after, until, dst=policy)]  # type: ignore[arg-type]
    rb = [r.timestamp() for r in b.runs(after, until, dst=policy)]  # type: ignore[arg-type]
    return ra, rb


def first_of_symmetric_difference(ra: list[float], rb: list[float]) -> float | None:
    only = set(ra) ^ set(rb)
    return min(only) if only else None


def check_against_brute_force(a: Cron, b: Cron, after: datetime, policy: str) -> bool:
    """The shared assertions of every generated pair; returns same_runs' verdict."""
    try:
        ra, rb = brute(a, b, after, policy)
    except ScheduleError:
        # The policy's engine refuses the spec (cronsim: a day of month no listed month
        # has): same_runs cannot say either, and says so rather than guess.
        with pytest.raises(ScheduleError):
            same_runs(a, b, dst=policy)  # type: ignore[arg-type]
        return False
    same = same_runs(a, b, dst=policy)  # type: ignore[arg-type]
    if same:
        assert ra == rb
    expected = first_of_symmetric_difference(ra, rb)
    try:
        found = first_difference(a, b, after, dst=policy)  # type: ignore[arg-type]
    except ScheduleError as exc:
        # Allowed only after MAX_STEPS runs alike (stretches it skips are alike by proof):
        # so never before a difference that comes sooner.
        assert "ran alike for" in str(exc) and not same
        assert expected is None or sum(1 for x in ra if x < expected) >= MAX_STEPS
        return same
    if expected is not None:
        assert found is not None and found.timestamp() == expected
    elif found is not None:
        assert not same
        assert found.timestamp() > (after + TWO_YEARS).timestamp()
    return same


# -- spellings of one schedule -------------------------------------------------------------------


_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec"]


def _values(bits: int, low: int, high: int) -> list[int]:
    return [v for v in range(low, high + 1) if bits >> v & 1]


@st.composite
def sparse_specs(draw: st.DrawFn) -> str:
    """A generated spec with at most four minutes an hour: two years of brute force stay
    cheap (Segment's 15-minute floor allows four)."""
    spec = draw(specs())
    fields = spec.split()
    try:
        minutes = parse_cron(spec).minutes
    except ScheduleError:
        assume(False)  # a spec robfig refuses has no runs to compare
        raise
    if minutes.bit_count() > 4:
        fields[0] = str((minutes & -minutes).bit_length() - 1)
    return " ".join(fields)


@st.composite
def respelt(draw: st.DrawFn) -> tuple[str, str]:
    """A spec and another text for the same robfig fields (the wall-clock set is equal)."""
    spec = draw(sparse_specs())
    expr = parse_cron(spec)
    fields = list(expr.fields)
    # Minutes and hours as plain lists, in a shuffled order, some repeated.
    for index, (bits, low, high) in enumerate(((expr.minutes, 0, 59), (expr.hours, 0, 23))):
        if draw(st.booleans()):
            values = _values(bits, low, high)
            values = draw(st.permutations(values)) + draw(
                st.lists(st.sampled_from(values), max_size=2))
            fields[index] = ",".join(map(str, values))
    if draw(st.booleans()) and expr.months != (1 << 13) - 2:
        fields[3] = ",".join(_MONTH_NAMES[m - 1] for m in _values(expr.months, 1, 12))
    # Days that no chosen month has: 30 and 31 for February only, 31 for 30-day months.
    months = set(_values(expr.months, 1, 12))
    if not expr.dom_star and months and draw(st.booleans()):
        if months <= {2}:
            fields[2] += ",30,31"
        elif months <= {2, 4, 6, 9, 11}:
            fields[2] += ",31"
    if not expr.dow_star and draw(st.booleans()):
        fields[4] = ",".join(map(str, _values(expr.weekdays, 0, 6)))
    return spec, " ".join(fields)


@st.composite
def alias_pairs(draw: st.DrawFn) -> tuple[str, str]:
    alias = draw(st.sampled_from(sorted(_links())))
    return alias, canonical(alias)


def _runs_at_all(spec: str) -> bool:
    try:
        return not parse_cron(spec).never_runs
    except ScheduleError:
        return False


AFTER = datetime(2026, 3, 1, tzinfo=UTC)


@example(pair=("0 0 29-31 2 *", "0 0 29 2 *"), zones=("America/New_York", "US/Eastern"),
         policy="go")
@example(pair=("0 */1 * * *", "0 * * * *"), zones=("UTC", "Etc/UTC"), policy="go")
@example(pair=("30 2 * 3,4,5 0", "30 2 * mar-may sun"), zones=("Europe/Berlin",) * 2,
         policy="debian")
@example(pair=("0 * 30/1 1-2 *", "0 * 30/1 1-2 *"), zones=("Africa/Accra", "Africa/Abidjan"),
         policy="debian")  # cronsim refuses the spec: so does same_runs
@example(pair=("*/30 * * * *", "0,30 0-23 * * *"), zones=("America/New_York",) * 2,
         policy="debian")
@given(pair=respelt(), zones=st.one_of(alias_pairs(), st.sampled_from(ZONES).map(
    lambda z: (z, z))), policy=st.sampled_from(POLICIES))
def test_respelt_pairs(pair: tuple[str, str], zones: tuple[str, str], policy: str) -> None:
    """Pairs built equal by a different text: robfig always sees the same runs; every
    verdict, under every policy, matches two years of the real engines."""
    first, second = pair
    if not (_runs_at_all(first) and _runs_at_all(second)):
        return
    a, b = cron(first, zones[0]), cron(second, zones[1])
    same = check_against_brute_force(a, b, AFTER, policy)
    if policy == "go":
        assert same


# -- any two schedules ---------------------------------------------------------------------------


@st.composite
def starts(draw: st.DrawFn) -> datetime:
    year = draw(st.sampled_from([2011, 2018, 2024, 2026, 2027]))
    return datetime(year, 1, 1, tzinfo=UTC) + timedelta(seconds=draw(
        st.integers(0, 365 * 86400)))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A spec and a near neighbour: one field swapped for another generated one."""
    spec = draw(sparse_specs())
    other = draw(sparse_specs()).split()
    fields = spec.split()
    index = draw(st.integers(0, 4))
    fields[index] = other[index]
    return spec, " ".join(fields)


@example(pair=("0 9 * * 1-5", "0 14 * * 1-5"), zones=("America/New_York", "UTC"),
         after=AFTER, policy="go")
@example(pair=("0 0 29 2 1", "0 0 29 2 *"), zones=("UTC", "UTC"), after=AFTER, policy="go")
@example(pair=("0 0 * * *", "0 0 * * *"), zones=("Europe/Berlin", "Europe/Paris"),
         after=AFTER, policy="go")
@example(pair=("0 0 * * *", "0 23 * * *"), zones=("Etc/GMT-1", "UTC"), after=AFTER,
         policy="croniter")
@example(pair=("0 * * * *", "0 * * * *"), zones=("Europe/Berlin", "America/New_York"),
         after=datetime(2011, 1, 1, tzinfo=UTC), policy="go")
@given(pair=st.one_of(mutated(), respelt()), zones=st.tuples(st.sampled_from(ZONES),
       st.sampled_from(ZONES)), after=starts(), policy=st.sampled_from(POLICIES))
def test_pairs_against_two_years_of_runs(pair: tuple[str, str], zones: tuple[str, str],
                                         after: datetime, policy: str) -> None:
    """same_runs never says same when two years of runs differ, and first_difference is the
    first run in one list and not the other."""
    if not (_runs_at_all(pair[0]) and _runs_at_all(pair[1])):
        return
    check_against_brute_force(cron(pair[0], zones[0]), cron(pair[1], zones[1]), after, policy)


@st.composite
def one_season_apart(draw: st.DrawFn) -> tuple[Cron, Cron]:
    """A schedule in a DST zone and its standard-time translation to UTC: equal in winter,
    an hour apart in summer."""
    zone, standard = draw(st.sampled_from([("America/New_York", -5), ("Europe/Berlin", 1),
                                           ("Europe/London", 0), ("America/Chicago", -6)]))
    minute = draw(st.integers(0, 59))
    hour = draw(st.integers(6, 17))
    days = draw(st.sampled_from(["*", "1-5", "0,6", "3"]))
    return (cron(f"{minute} {hour} * * {days}", zone),
            cron(f"{minute} {hour - standard} * * {days}", "UTC"))


@example(pair=(cron("0 9 * * 1-5", "America/New_York"), cron("0 14 * * 1-5")),
         after=datetime(2026, 12, 1, tzinfo=UTC), policy="go")
@given(pair=one_season_apart(), after=starts(), policy=st.sampled_from(POLICIES))
def test_pairs_apart_in_one_dst_season(pair: tuple[Cron, Cron], after: datetime,
                                       policy: str) -> None:
    """Apart only while DST is on: not the same, and the first difference is a summer run."""
    a, b = pair
    assert not check_against_brute_force(a, b, after, policy)
    found = first_difference(a, b, after, dst=policy)  # type: ignore[arg-type]
    assert found is not None
    zone = ZoneInfo(a.timezone)
    assert found.astimezone(zone).dst() != timedelta(0) or \
        found.astimezone(zone).utcoffset() != datetime(found.year, 1, 15, tzinfo=zone).utcoffset()


# -- the whole cycle, where it is cheap ----------------------------------------------------------


@example(pair=("0 0 29-31 2 *", "0 0 29 2 *"), policy="go")
@example(pair=("0 0 29 2 1", "0 0 29 2 *"), policy="go")
@example(pair=("0 0 31 4,6 *", "0 0 31 5 *"), policy="go")
@example(pair=("0 0 1-7 * 1", "0 0 * * 1"), policy="debian")
@given(pair=st.one_of(mutated(), respelt()), policy=st.sampled_from(POLICIES))
def test_wall_sets_over_the_400_year_cycle(pair: tuple[str, str], policy: str) -> None:
    """In UTC, same_runs is exactly: the planner's date tables agree for all 400 years of the
    Gregorian cycle, and the times of day agree."""
    if not (_runs_at_all(pair[0]) and _runs_at_all(pair[1])):
        return
    try:
        pa, pb = (plan_for(parse_cron(s), policy) for s in pair)  # type: ignore[arg-type]
    except ScheduleError:  # croniter refuses '?' inside a field
        return
    dates_a = [list(year_matches(pa, y)) for y in range(2000, 2400)]
    dates_b = [list(year_matches(pb, y)) for y in range(2000, 2400)]
    empty_a, empty_b = not any(dates_a) or not pa.times, not any(dates_b) or not pb.times
    expected = (empty_a and empty_b) or (
        not empty_a and not empty_b and dates_a == dates_b and pa.times == pb.times)
    assert (wall_set(pa) == wall_set(pb)) == expected
    assert same_runs(cron(pair[0]), cron(pair[1]), dst=policy) == expected  # type: ignore


# -- the table of the issue ----------------------------------------------------------------------


CASES = [
    # (a, b, same under go)
    (cron("0 0 29-31 2 *"), cron("0 0 29 2 *"), True),
    (cron("0 */1 * * *"), cron("0 * * * *"), True),
    (cron("0 9 * * 1,2,3"), cron("0 9 * * mon-wed"), True),
    (cron("0 0 * * *", "UTC"), cron("0 0 * * *", "Etc/UTC"), True),
    (cron("0 0 * * *", "US/Eastern"), cron("0 0 * * *", "America/New_York"), True),
    (cron("0 0 * * *", "Etc/GMT-1"), cron("0 23 * * *", "UTC"), True),
    (cron("0 0 * * *", "Etc/GMT-1"), cron("0 0 * * *", "UTC"), False),
    (cron("0 9 * * 1-5", "America/New_York"), cron("0 14 * * 1-5", "UTC"), False),
    (cron("0 0 * * *", "Europe/Berlin"), cron("0 0 * * *", "Europe/Paris"), False),
    (SpecificDays((1, 3), (9, 17), "Europe/Berlin"), cron("0 9,17 * * 1,3", "Europe/Berlin"),
     True),
    (SpecificDays((1,), (9,), "Europe/Berlin"), cron("0 9 * * 2", "Europe/Berlin"), False),
    (Periodic(parse_duration("60m")), Periodic(parse_duration("1h")), True),
    (Periodic(parse_duration("90m")), Periodic(parse_duration("1h30m")), True),
    (Periodic(parse_duration("1h")), Periodic(parse_duration("2h")), False),
    (Periodic(parse_duration("1h")), cron("0 * * * *"), False),
    (Manual(), Manual(), True),
    (Manual(), DbtCloud("1", "2"), False),
    (DbtCloud("1", "2"), DbtCloud("1", "2"), True),
    (DbtCloud("1", "2"), DbtCloud("1", "3"), False),
    (Manual(), cron("0 0 * * *"), False),
]


@pytest.mark.parametrize(("a", "b", "same"), CASES, ids=[
    "feb-29-31", "step-1", "day-names", "utc-etc-utc", "alias", "fixed-shift",
    "fixed-not-shifted", "ny-vs-utc", "berlin-paris-history", "specific-days", "sd-other-day",
    "60m-1h", "90m", "1h-2h", "periodic-cron", "manual", "manual-dbt", "dbt-same", "dbt-other",
    "manual-cron"])
def test_cases(a: object, b: object, same: bool) -> None:
    """The examples of the issue, both ways round."""
    assert same_runs(a, b) is same  # type: ignore[arg-type]
    assert same_runs(b, a) is same  # type: ignore[arg-type]
    if isinstance(a, Periodic) != isinstance(b, Periodic):
        return  # a periodic against a clock: see the next test
    found = first_difference(a, b, AFTER)  # type: ignore[arg-type]
    if same:
        assert found is None


def test_periodic_against_a_clock_that_it_matches_is_not_proven() -> None:
    """Hourly from midnight and the top of every hour in UTC run alike for as long as anyone
    looks: first_difference says it found no difference, rather than claiming none comes."""
    with pytest.raises(ScheduleError, match="ran alike for"):
        first_difference(Periodic(parse_duration("1h")), cron("0 * * * *"), AFTER)
    found = first_difference(Periodic(parse_duration("1h")), cron("30 * * * *"), AFTER)
    assert found == AFTER + timedelta(minutes=30)


def test_first_difference_of_the_issue() -> None:
    """New York 09:00 against UTC 14:00 on weekdays part on the Monday after DST starts."""
    found = first_difference(cron("0 9 * * 1-5", "America/New_York"),
                             cron("0 14 * * 1-5", "UTC"), datetime(2026, 12, 7, tzinfo=UTC))
    assert found == datetime(2027, 3, 15, 9, 0, tzinfo=ZoneInfo("America/New_York"))


def test_history_only_differences_end_before_after() -> None:
    """Berlin and Paris differ before 1980 only: not the same, but no difference from now."""
    a, b = cron("0 0 * * *", "Europe/Berlin"), cron("0 0 * * *", "Europe/Paris")
    assert not same_runs(a, b)
    assert first_difference(a, b, AFTER) is None
    early = first_difference(a, b, datetime(1970, 1, 1, tzinfo=UTC))
    assert early is not None and early.year < 1981


def test_periodic_first_difference_is_the_shorter_interval() -> None:
    """Anchored at ``after``, the shorter interval's first run is the first difference."""
    found = first_difference(Periodic(parse_duration("90m")), Periodic(parse_duration("2h")),
                             AFTER)
    assert found == AFTER + timedelta(minutes=90)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_alias_has_its_targets_zone_data(policy: str) -> None:
    """An alias and its canonical zone are the same zone, so the same cron runs alike."""
    for alias in sorted(_links())[::7]:
        assert zone_data(alias) == zone_data(canonical(alias))
        assert same_runs(cron("0 3 * * *", alias), cron("0 3 * * *", canonical(alias)),
                         dst=policy)  # type: ignore[arg-type]


def test_debian_reads_the_text() -> None:
    """cronsim's "real time" mode ('*' first) skips a gap that its fixed-time mode runs in:
    the same set, written two ways, runs apart under debian and alike under go."""
    a, b = cron("*/30 2 * * *", "America/New_York"), cron("0,30 2 * * *", "America/New_York")
    assert same_runs(a, b, dst="go")
    assert not same_runs(a, b, dst="debian")
    assert first_difference(a, b, AFTER, dst="debian") == datetime(
        2026, 3, 8, 3, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: same_runs(Manual(), Manual(), dst="cronie"), "dst must be one of"),  # type: ignore
    (lambda: first_difference(Manual(), Manual(), datetime(2026, 1, 1)), "timezone-aware"),
    (lambda: same_runs("0 0 * * *", Manual()), "a must be a Schedule"),  # type: ignore
    (lambda: first_difference(Manual(), {"strategy": "manual"}, AFTER),  # type: ignore
     "b must be a Schedule"),
], ids=["bad-policy", "naive-after", "text-not-schedule", "dict-not-schedule"])
def test_bad_arguments(call: object, message: str) -> None:
    """Bad arguments are ScheduleErrors that say what was expected."""
    with pytest.raises(ScheduleError, match=message):
        call()  # type: ignore[operator]


def test_zone_data_for_every_zone_is_cheap_and_total() -> None:
    """Every zone key has zone data, and fixed-offset zones are found as such."""
    keys = sorted(_index().keys)
    for key in itertools.islice(keys, 0, None, 11):
        assert zone_data(key)
    assert get_zone("Etc/GMT-1").offset_at(0) == 3600
