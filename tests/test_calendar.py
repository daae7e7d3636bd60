"""Calendar previews: the window, clock changes, bucketing, pile-ups and the terminal views.

Zones pinned here, with their transitions (tzdata 2026f):

* Europe/Berlin: 2026-03-29 01:00Z, 02:00 CET -> 03:00 CEST (02:00-02:59 does not exist);
  2026-10-25 01:00Z, 03:00 CEST -> 02:00 CET (02:00-02:59 happens twice).
* America/New_York: 2026-03-08 07:00Z (02:00 EST -> 03:00 EDT); 2026-11-01 06:00Z (back).
* Australia/Lord_Howe: 2026-10-04 15:30Z, 02:00 -> 02:30 (+10:30 -> +11): a 30-minute gap.
* America/Sao_Paulo: 2018-11-04 03:00Z, midnight -> 01:00 (the day starts at 01:00).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib.core.cron import parse_cron
from schedulelib.core.duration import parse_duration
from schedulelib.core.schedule import Cron, DbtCloud, Manual, Periodic, SpecificDays
from schedulelib.core.zones import load
from schedulelib.preview.grid import WIDTH, render_text
from schedulelib.preview.load import pileups
from schedulelib.preview.model import (
    PERIODIC_ANCHOR,
    Calendar,
    DstNote,
    Track,
    assemble,
    build,
    clock_changes,
    day_spans,
    describe,
    schedule_runs,
    window,
)

BERLIN = load("Europe/Berlin")
NEW_YORK = load("America/New_York")


def cron(spec: str, zone: str = "Europe/Berlin") -> Cron:
    return Cron(parse_cron(spec), zone)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -- the window ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "start", "zone", "first", "last", "begin_utc", "end_utc"),
    [
        ("week", date(2026, 3, 24), "Europe/Berlin", date(2026, 3, 24), date(2026, 3, 30),
         utc(2026, 3, 23, 23), utc(2026, 3, 30, 22)),
        # The month holding the start, whatever its day.
        ("month", date(2026, 10, 17), "Europe/Berlin", date(2026, 10, 1), date(2026, 10, 31),
         utc(2026, 9, 30, 22), utc(2026, 10, 31, 23)),
        ("month", date(2028, 2, 3), "UTC", date(2028, 2, 1), date(2028, 2, 29),
         utc(2028, 2, 1), utc(2028, 3, 1)),
        # A day whose midnight does not exist starts at the transition (01:00 -02).
        ("week", date(2018, 11, 4), "America/Sao_Paulo", date(2018, 11, 4), date(2018, 11, 10),
         utc(2018, 11, 4, 3), utc(2018, 11, 11, 2)),
        # A date-time starts the picture at that instant; a naive one is read in the zone.
        ("week", datetime(2026, 3, 24, 9, 30), "Europe/Berlin", date(2026, 3, 24),
         date(2026, 3, 30), utc(2026, 3, 24, 8, 30), utc(2026, 3, 30, 22)),
        ("week", utc(2026, 3, 24, 9, 30), "America/New_York", date(2026, 3, 24),
         date(2026, 3, 30), utc(2026, 3, 24, 9, 30), utc(2026, 3, 31, 4)),
    ],
    ids=["week", "month-mid", "month-leap", "missing-midnight", "naive-datetime", "aware"],
)
def test_window(view: str, start: date, zone: str, first: date, last: date,
                begin_utc: datetime, end_utc: datetime) -> None:
    """The window covers the days asked for, from the right instant to the right instant."""
    win = window(view, start, load(zone), zone)  # type: ignore[arg-type]
    assert (win.days[0], win.days[-1]) == (first, last)
    assert (win.start, win.end) == (begin_utc, end_utc)


def test_window_rejects_an_unknown_view() -> None:
    """A view other than week or month is a ValueError naming it."""
    with pytest.raises(ValueError, match="'year'"):
        window("year", date(2026, 1, 1), BERLIN)  # type: ignore[arg-type]


# -- clock changes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "at", "delta", "missing", "text"),
    [
        ("Europe/Berlin", date(2026, 3, 24), utc(2026, 3, 29, 1), 60, {(5, 2)},
         "clocks go forward 1h at 02:00 CET to 03:00 CEST"),
        ("Europe/Berlin", date(2026, 10, 20), utc(2026, 10, 25, 1), -60, set(),
         "clocks go back 1h at 03:00 CEST to 02:00 CET"),
        ("America/New_York", date(2026, 3, 8), utc(2026, 3, 8, 7), 60, {(0, 2)},
         "clocks go forward 1h at 02:00 EST to 03:00 EDT"),
        # Half an hour forward: 02:00-02:29 is missing, so no whole hour is.
        ("Australia/Lord_Howe", date(2026, 10, 1), utc(2026, 10, 3, 15, 30), 30, set(),
         "clocks go forward 30 min at 02:00 +1030 to 02:30 +11"),
    ],
    ids=["berlin-spring", "berlin-autumn", "new-york-spring", "lord-howe-half-hour"],
)
def test_clock_changes(zone: str, start: date, at: datetime, delta: int,
                       missing: set[tuple[int, int]], text: str) -> None:
    """Each offset change is found to the second, described, and its missing hours drawn."""
    win = window("week", start, load(zone), zone)
    (change,) = clock_changes(win)
    assert change.at == at
    assert change.delta == timedelta(minutes=delta)
    assert change.describe().startswith(text)
    assert assemble(win, []).missing == missing


def test_no_clock_change_in_utc() -> None:
    """UTC never changes offset."""
    assert clock_changes(window("month", date(2026, 3, 1), UTC, "UTC")) == ()


# -- bucketing ----------------------------------------------------------------------------------


def test_runs_in_the_repeated_hour_share_one_cell() -> None:
    """On the autumn change, 02:30 CEST and 02:30 CET both count in the 02:00 cell."""
    win = window("week", date(2026, 10, 25), BERLIN, "Europe/Berlin")
    track = Track("t", "test", (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)))
    cal = assemble(win, [track])
    assert cal.counts == {(0, 2): 2}
    assert cal.marked_days == {0}


def test_assemble_counts_every_run_once() -> None:
    """Counts per cell add up to the runs given, each in its local day and hour."""
    win = window("week", date(2026, 3, 23), NEW_YORK, "America/New_York")
    runs = (utc(2026, 3, 23, 4), utc(2026, 3, 23, 13, 59), utc(2026, 3, 30, 3, 59))
    cal = assemble(win, [Track("a", "x", runs), Track("b", "y", runs[:1])])
    assert cal.counts == {(0, 0): 2, (0, 9): 1, (6, 23): 1}
    assert cal.total == 4
    assert cal.day_total(0) == 3


@pytest.mark.parametrize(
    ("schedule", "zone", "start", "view"),
    [
        (cron("30 2 * * *"), "Europe/Berlin", date(2026, 3, 26), "week"),
        (cron("30 2 * * *"), "Europe/Berlin", date(2026, 10, 1), "month"),
        (cron("*/15 * * * *", "America/New_York"), "Europe/Berlin", date(2026, 3, 1), "month"),
        (cron("0 0 * * *", "America/Sao_Paulo"), "America/Sao_Paulo", date(2018, 11, 1),
         "week"),
        (SpecificDays((1, 5), (8, 17), "America/Chicago"), "UTC", date(2026, 11, 1), "week"),
        (Periodic(parse_duration("90m"), "90m"), "Asia/Kolkata", date(2026, 3, 29), "week"),
    ],
    ids=["berlin-gap", "berlin-fold-month", "ny-in-berlin", "sao-paulo", "specific", "periodic"],
)
@pytest.mark.parametrize("dst", ["go", "debian", "croniter"])
def test_build_matches_runs(schedule: Cron | SpecificDays | Periodic, zone: str, start: date,
                            view: str, dst: str) -> None:
    """The calendar holds exactly runs() in the window, each in the cell of its wall hour."""
    win = window(view, start, load(zone), zone)  # type: ignore[arg-type]
    cal = build([("s", schedule)], win, dst=dst)
    after = win.start - timedelta(microseconds=1)
    if isinstance(schedule, Periodic):
        # The periodic engine itself, anchored where the calendar anchors periodic runs.
        expected = list(schedule.runs(after, win.end, anchor=PERIODIC_ANCHOR))
    else:
        expected = list(schedule.runs(after, win.end, dst=dst))
    expected = [r for r in expected if r < win.end]
    assert list(cal.tracks[0].runs) == expected
    assert sum(cal.counts.values()) == len(expected)
    for run, (day, hour) in zip(cal.tracks[0].runs, cal.cells[0], strict=True):
        local = run.astimezone(win.zone)
        assert (win.days[day], hour) == (local.date(), local.hour)


@given(
    minute=st.sampled_from(["0", "30", "*/15", "5,35", "59"]),
    hour=st.sampled_from(["*", "2", "1-3", "*/6", "0,23"]),
    weekday=st.sampled_from(["*", "1-5", "0", "6"]),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
    start=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
)
@example(minute="30", hour="2", weekday="*", zone="Europe/Berlin", start=date(2026, 3, 26))
@example(minute="30", hour="1-3", weekday="*", zone="America/New_York",
         start=date(2026, 10, 29))
def test_week_counts_equal_runs(minute: str, hour: str, weekday: str, zone: str,
                                start: date) -> None:
    """For any cron and week, the grid's cells add up to the runs in the window."""
    schedule = cron(f"{minute} {hour} * * {weekday}", zone)
    win = window("week", start, load(zone), zone)
    cal = build([("s", schedule)], win)
    runs = schedule_runs(schedule, win)
    assert cal.total == len(runs) == sum(cal.counts.values())
    assert all(win.start <= r < win.end for r in runs)
    assert not set(cal.counts) & cal.missing


def test_manual_and_dbt_cloud_are_listed_not_drawn() -> None:
    """Schedules no clock drives have no runs; the legend names them."""
    win = window("week", date(2026, 3, 23), UTC, "UTC")
    cal = build([("m", Manual()), ("d", DbtCloud("7", "9"))], win)
    assert cal.tracks == ()
    assert cal.idle == (("m", "manual"), ("d", "dbt_cloud job 7"))
    assert "m: manual (no clock drives it)" in render_text(cal)


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (cron("30 2 * * *"), 'cron "30 2 * * *" in Europe/Berlin'),
        (SpecificDays((0, 1, 5), (8,), "America/Chicago"),
         "specific_days Sun,Mon,Fri at 08:00 in America/Chicago"),
        (Periodic(parse_duration("1h30m"), "90m"), "periodic every 90m"),
        (Manual(), "manual"),
    ],
    ids=["cron", "specific-days", "periodic-as-written", "manual"],
)
def test_describe(schedule: Cron | SpecificDays | Periodic | Manual, text: str) -> None:
    """Legends describe each schedule in one line, as written."""
    assert describe(schedule) == text


# -- pile-ups -----------------------------------------------------------------------------------


def _pile_calendar() -> Calendar:
    win = window("week", date(2026, 3, 23), UTC, "UTC")
    nine = [utc(2026, 3, 23 + d, 9) for d in range(5)]
    a = Track("orders", "x", tuple(nine))
    b = Track("users", "y", (*nine, utc(2026, 3, 28, 9, 30)))
    c = Track("events", "z", (utc(2026, 3, 28, 9, 15),))
    return assemble(win, [a, b, c])


def test_pileups_group_recurring_hours() -> None:
    """The same load on several days is one slot listing the days; peaks are over the window."""
    pile = pileups(_pile_calendar())
    assert pile.peak == 2
    assert pile.peak_hours == 6
    assert pile.widest == 2
    assert pile.together == 2
    first, second = pile.slots[:2]
    assert first.hour == 9 and first.runs == 2
    assert first.schedules == (("orders", 1), ("users", 1))
    assert len(first.days) == 5
    assert second.schedules == (("users", 1), ("events", 1))  # ties: in the order given
    assert second.days == (date(2026, 3, 28),)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ([date(2026, 3, 24)], "Tue 24 Mar"),
        ([date(2026, 3, 24), date(2026, 3, 25)], "Tue 24, Wed 25 Mar"),
        ([date(2026, 3, d) for d in (24, 25, 26, 28)], "Tue 24 to Thu 26, Sat 28 Mar"),
        ([date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1)], "Mon 30 Mar to Wed 01 Apr"),
        ([], ""),
    ],
    ids=["one", "two", "span-and-one", "across-months", "none"],
)
def test_day_spans(days: list[date], text: str) -> None:
    """Consecutive days are joined; a month is named once, or on each day of another month."""
    assert day_spans(days) == text


# -- the terminal views -------------------------------------------------------------------------

WEEK = """\
Week of Mon 23 Mar 2026 to Sun 29 Mar 2026, Europe/Berlin: 2 schedules, 11 runs

         Mon 23    Tue 24    Wed 25    Thu 26    Fri 27    Sat 28    Sun 29*
00:00         .         .         .         .         .         .         .
01:00         .         .         .         .         .         .         .
02:00         1         1         1         1         1         1        --
03:00         .         .         .         .         .         .         .
04:00         .         .         .         .         .         .         .
05:00         .         .         .         .         .         .         .
06:00         .         .         .         .         .         .         .
07:00         .         .         .         .         .         .         .
08:00         .         .         .         .         .         .         .
09:00         .         .         .         .         .         .         .
10:00         .         .         .         .         .         .         .
11:00         .         .         .         .         .         .         .
12:00         .         .         .         .         .         .         .
13:00         .         .         .         .         .         .         .
14:00         .         .         .         .         .         .         .
15:00         1         1         1         1         1         .         .
16:00         .         .         .         .         .         .         .
17:00         .         .         .         .         .         .         .
18:00         .         .         .         .         .         .         .
19:00         .         .         .         .         .         .         .
20:00         .         .         .         .         .         .         .
21:00         .         .         .         .         .         .         .
22:00         .         .         .         .         .         .         .
23:00         .         .         .         .         .         .         .
total         2         2         2         2         2         1         .

Each cell: the runs starting in that wall-clock hour ('.' none, '--' an hour
that does not exist).
* Sun 29 Mar: clocks go forward 1h at 02:00 CET to 03:00 CEST; the hours between
    do not exist
* Sun 29 Mar: nightly: skipped: the 02:30 run does not happen (Europe/Berlin
    skips that time)

Schedules:
  6 runs  nightly: cron "30 2 * * *" in Europe/Berlin
  5 runs  identify: specific_days Mon,Tue,Wed,Thu,Fri at 08:00 in
      America/Chicago

Pile-ups: a peak of 1 sync starting in one hour (11 hours reach it); up to 1
  schedule share an hour; up to 1 sync start at the same instant.
Busiest hours:
  02:00 on Mon 23 to Sat 28 Mar: 1 run from 1 schedule: nightly (1)
  15:00 on Mon 23 to Fri 27 Mar: 1 run from 1 schedule: identify (1)
"""


def _week() -> Calendar:
    win = window("week", date(2026, 3, 23), BERLIN, "Europe/Berlin")
    nightly = tuple(utc(2026, 3, d, 1, 30) for d in range(23, 29))
    identify = tuple(utc(2026, 3, d, 14) for d in range(23, 28))
    note = DstNote("nightly", "skipped", date(2026, 3, 29), "02:30", "Europe/Berlin")
    return assemble(win, [Track("nightly", 'cron "30 2 * * *" in Europe/Berlin', nightly),
                          Track("identify", "specific_days Mon,Tue,Wed,Thu,Fri at 08:00 in "
                                "America/Chicago", identify)], notes=[note])


def test_week_view_text() -> None:
    """The plain week view, byte for byte: grid, DST legend, schedules, pile-ups."""
    assert render_text(_week()) == WEEK


MONTH_HEAD = """\
October 2026, Europe/Berlin: 1 schedule, 32 runs

        Mon        Tue        Wed        Thu        Fri        Sat        Sun
                                          1          2          3          4
                                          1          1          1          1

         5          6          7          8          9         10         11
"""


def test_month_view_text() -> None:
    """The month page: Monday first, the day's number then its runs; the DST day marked."""
    win = window("month", date(2026, 10, 9), BERLIN, "Europe/Berlin")
    cal = build([("nightly", cron("30 2 * * *"))], win)  # go: 02:30 runs twice on the 25th
    text = render_text(cal)
    assert text.startswith(MONTH_HEAD)
    assert "        19         20         21         22         23         24         25*\n" \
           "         1          1          1          1          1          1          2\n" in text
    assert "* Sun 25 Oct: clocks go back 1h at 03:00 CEST to 02:00 CET" in text
    assert "Pile-ups" not in text  # one schedule: nothing to pile up


@pytest.mark.parametrize("view", ["week", "month"])
@pytest.mark.parametrize("color", [False, True], ids=["plain", "color"])
def test_views_fit_80_columns(view: str, color: bool) -> None:
    """Every line fits in 80 columns (colour codes do not count), with long names too."""
    win = window(view, date(2026, 3, 1), BERLIN, "Europe/Berlin")  # type: ignore[arg-type]
    long = "segment_destination_subscription.a_really_long_subscription_name_for_a_warehouse"
    cal = build([(long, cron("*/15 * * * *")), ("b", cron("0 * * * *", "America/New_York")),
                 ("c", Periodic(parse_duration("45m"), "45m"))], win)
    text = render_text(cal, color=color)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert max(len(line) for line in plain.splitlines()) <= WIDTH
    assert ("\x1b[" in text) is color
    if color:
        assert plain == render_text(cal)
