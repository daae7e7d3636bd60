"""Busy spans (durations), periodic anchoring and the calendar's range of days.

The sweep in ``calendar.busy_load`` is checked against a brute-force oracle that asks the
engines for the runs itself and counts, minute by minute, the runs busy at that minute.  Every
run, duration and zone offset used here is a whole number of minutes, so the count is constant
within each minute and sampling every minute is exact.

Zones pinned here (tzdata 2026f): Europe/Berlin 2026-03-29 01:00Z forward 1h and 2026-10-25
01:00Z back 1h; Australia/Lord_Howe 2026-10-04 15:30Z forward 30 min (+10:30 -> +11);
Asia/Kathmandu +05:45 all year.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib._support.text import printable
from schedulelib.core.cron import parse_cron
from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.duration import parse_duration
from schedulelib.core.runs import iter_periodic_runs
from schedulelib.core.schedule import Cron, Periodic, Schedule
from schedulelib.core.zones import load
from schedulelib.preview.grid import WIDTH, render_text
from schedulelib.preview.load import hour_segments, run_overlaps
from schedulelib.preview.model import (
    FIRST_DAY,
    LAST_DAY,
    MAX_DURATION,
    PERIODIC_ANCHOR,
    Calendar,
    CalendarRangeError,
    Window,
    build,
    periodic_runs,
    window,
)

ZONES = ["Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
MINUTE = timedelta(minutes=1)


def engine_runs(schedule: Schedule, after: datetime, until: datetime) -> list[datetime]:
    """Runs in (after, until) straight from the engine, periodic ones anchored at the epoch."""
    if isinstance(schedule, Periodic):
        it = schedule.runs(after, until, anchor=PERIODIC_ANCHOR)
    else:
        it = schedule.runs(after, until)
    return [r.astimezone(UTC) for r in it if r < until]


def oracle(entries: list[tuple[str, Schedule]], durations: dict[str, timedelta],
           win: Window) -> tuple[dict[tuple[int, int], int], int, int, list[set[tuple[int, int]]]]:
    """(cells, peak, minutes at the peak, busy cells per schedule), minute by minute."""
    end = win.end.astimezone(UTC)
    spans: list[tuple[list[datetime], list[datetime]]] = []
    for name, schedule in entries:
        length = durations.get(name)
        if not length:
            spans.append(([], []))
            continue
        runs = engine_runs(schedule, win.start - length, end)
        spans.append((runs, sorted(min(r + length, end) for r in runs)))
    cells: dict[tuple[int, int], int] = {}
    busy: list[set[tuple[int, int]]] = [set() for _ in entries]
    levels: list[int] = []
    moment = win.start.astimezone(UTC)
    while moment < end:
        local = moment.astimezone(win.zone)
        cell = ((local.date() - win.days[0]).days, local.hour)
        level = 0
        for index, (starts, ends) in enumerate(spans):
            mine = bisect_right(starts, moment) - bisect_right(ends, moment)
            level += mine
            if mine:
                busy[index].add(cell)
        cells[cell] = max(cells.get(cell, 0), level)
        levels.append(level)
        moment += MINUTE
    peak = max(levels)
    return cells, peak, sum(1 for v in levels if v == peak) if peak else 0, busy


SCHEDULES: dict[str, Schedule] = {
    "hourly": Cron(parse_cron("0 * * * *"), "Europe/Berlin"),
    "office": Cron(parse_cron("*/15 9-17 * * 1-5"), "Australia/Lord_Howe"),
    "nightly": Cron(parse_cron("30 2 * * *"), "Europe/Berlin"),
    "twice": Cron(parse_cron("0 0,12 * * *"), "Asia/Kathmandu"),
    "every25m": Periodic(parse_duration("25m"), "25m"),
    "every90m": Periodic(parse_duration("90m"), "90m"),
}


@given(
    chosen=st.lists(st.sampled_from(sorted(SCHEDULES)), min_size=1, max_size=4, unique=True),
    minutes=st.lists(st.integers(0, 26 * 60), min_size=4, max_size=4),
    zone=st.sampled_from(ZONES),
    start=st.sampled_from([date(2026, 3, 26), date(2026, 10, 1), date(2026, 10, 22),
                           date(2026, 6, 10)]),
)
@example(chosen=["nightly", "hourly"], minutes=[120, 90, 0, 0], zone="Europe/Berlin",
         start=date(2026, 10, 22))
@example(chosen=["every25m", "office"], minutes=[60, 45, 0, 0], zone="Australia/Lord_Howe",
         start=date(2026, 10, 1))
@settings(deadline=None, max_examples=25)
def test_load_matches_a_minute_by_minute_count(chosen: list[str], minutes: list[int],
                                               zone: str, start: date) -> None:
    """Per-hour peaks, the window's peak, time at it and busy cells equal a brute-force count."""
    entries = [(name, SCHEDULES[name]) for name in chosen]
    durations = {name: timedelta(minutes=m) for name, m in zip(chosen, minutes, strict=False)}
    win = window("week", start, load(zone), zone)
    cal = build(entries, win, durations=durations)
    cells, peak, at_peak, busy = oracle(entries, durations, win)
    if not any(durations.values()):
        assert cal.load is None
        return
    assert cal.load is not None
    assert cal.load.cells == cells
    assert cal.load.peak == peak
    assert cal.load.at_peak == at_peak * MINUTE
    assert [set(b) for b in cal.load.busy] == busy


def test_load_names_and_first_peak() -> None:
    """The peak names who runs then, and when it first starts and ends."""
    entries: list[tuple[str, Schedule]] = [("nightly", SCHEDULES["nightly"]),
                                           ("hourly", SCHEDULES["hourly"])]
    win = window("week", date(2026, 6, 1), load("Europe/Berlin"), "Europe/Berlin")
    cal = build(entries, win, durations={"nightly": timedelta(hours=2),
                                         "hourly": timedelta(minutes=10)})
    assert cal.load is not None
    # 02:30 CEST nightly starts; hourly's 03:00 run joins it for ten minutes.
    assert (cal.load.peak, cal.load.names) == (2, ("nightly", "hourly"))  # in track order
    assert cal.load.at == datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
    assert cal.load.until == datetime(2026, 6, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("interval", "duration", "overlapping", "peak"),
    [
        ("15m", "40m", True, 3),
        ("15m", "15m", False, 1),  # ends exactly as the next starts: no overlap
        ("15m", "16m", True, 2),
        ("90m", "30m", False, 1),
    ],
    ids=["40m-every-15m", "end-meets-start", "one-minute-over", "short"],
)
def test_self_overlap(interval: str, duration: str, overlapping: bool, peak: int) -> None:
    """A run still busy at the next start of the same schedule is counted, brute-force checked."""
    length = parse_duration(duration).to_timedelta()
    schedule = Periodic(parse_duration(interval), interval)
    win = window("week", date(2026, 3, 2), UTC, "UTC")
    cal = build([("p", schedule)], win, durations={"p": length})
    assert cal.load is not None
    (self_,) = cal.load.selves
    everything = engine_runs(schedule, win.start - length, win.end)
    inside = [r for r in everything if r >= win.start]
    brute = [sum(1 for other in everything if other <= r < other + length) for r in inside]
    assert run_overlaps(cal.tracks[0]) == brute
    assert self_.overlaps == sum(1 for n in brute if n > 1)
    assert (self_.overlaps > 0) is overlapping
    assert self_.peak == peak == max(brute)


@pytest.mark.parametrize(
    "duration",
    [timedelta(microseconds=-1), MAX_DURATION + timedelta(microseconds=1)],
    ids=["negative", "over-a-week"],
)
def test_durations_out_of_range_are_refused(duration: timedelta) -> None:
    """A duration below zero or above a week is a ScheduleError naming the schedule."""
    win = window("week", date(2026, 3, 2), UTC, "UTC")
    with pytest.raises(ScheduleError, match="'p'"):
        build([("p", SCHEDULES["hourly"])], win, durations={"p": duration})


def test_without_durations_the_views_are_unchanged() -> None:
    """No duration: no load, and the text has no busy section."""
    win = window("week", date(2026, 3, 2), UTC, "UTC")
    cal = build([("p", SCHEDULES["hourly"])], win, durations={"p": timedelta(0)})
    assert cal.load is None
    assert "Warehouse load" not in render_text(cal)


@pytest.mark.parametrize("view", ["week", "month"])
def test_busy_views_fit_80_columns(view: str) -> None:
    """With durations, the busy grid and lines still fit 80 columns and name the overlaps."""
    win = window(view, date(2026, 10, 1), load("Europe/Berlin"), "Europe/Berlin")  # type: ignore[arg-type]
    entries = [(f"a long subscription name number {i} for the warehouse", s)
               for i, s in enumerate(SCHEDULES.values())]
    cal = build(entries, win, durations={name: timedelta(minutes=40) for name, _ in entries})
    text = render_text(cal)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert "Warehouse load: at most" in text
    assert "Overlapping itself" in text
    if view == "week":
        assert "Running at once" in text


# -- the wall hours of a window -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Berlin", date(2026, 3, 26)),
        ("Europe/Berlin", date(2026, 10, 22)),
        ("Australia/Lord_Howe", date(2026, 10, 1)),
        ("Asia/Kathmandu", date(2026, 1, 1)),
        ("Europe/Amsterdam", date(1900, 1, 1)),  # local mean time, +00:19:32
        ("America/Sao_Paulo", date(2018, 11, 1)),
        ("Europe/Berlin", datetime(2026, 3, 28, 9, 17, 3, 123457, tzinfo=UTC)),
    ],
    ids=["berlin-gap", "berlin-fold", "lord-howe-30min", "kathmandu-45min", "amsterdam-lmt",
         "sao-paulo-midnight", "odd-start-instant"],
)
def test_hour_segments_cut_where_the_wall_hour_changes(zone: str,
                                                       start: date | datetime) -> None:
    """Each segment's first and last microsecond are in its cell; neighbours differ in cell
    unless the offset changed between them."""
    win = window("week", start, load(zone), zone)
    segments = hour_segments(win)
    end = win.end.astimezone(UTC)
    tick = timedelta(microseconds=1)

    def cell(moment: datetime) -> tuple[int, int]:
        local = moment.astimezone(win.zone)
        return ((local.date() - win.days[0]).days, local.hour)

    instants = [PERIODIC_ANCHOR + timedelta(microseconds=us) for us, _ in segments]
    assert instants[0] == win.start
    for k, (moment, (_, seg_cell)) in enumerate(zip(instants, segments, strict=True)):
        nxt = instants[k + 1] if k + 1 < len(instants) else end
        assert moment < nxt
        assert cell(moment) == seg_cell == cell(nxt - tick)
        if k + 1 < len(instants) and segments[k + 1][1] == seg_cell:
            # The same cell again: only an offset change, at exactly that microsecond, cuts.
            assert (nxt - tick).astimezone(win.zone).utcoffset() != nxt.astimezone(
                win.zone).utcoffset()


# -- periodic runs ------------------------------------------------------------------------------


@given(
    interval=st.integers(10 * 60 * 10**9 + 1, 168 * 3600 * 10**9 - 1),
    start=st.datetimes(datetime(1971, 1, 1), datetime(2100, 1, 1)),
)
@example(interval=15 * 60 * 10**9, start=datetime(2026, 3, 2))
@example(interval=600_500_000_000, start=datetime(2026, 3, 2))
@settings(deadline=None)
def test_periodic_runs_match_the_engine(interval: int, start: datetime) -> None:
    """periodic_runs equals the periodic engine anchored at the epoch, over any later window."""
    begin = start.replace(tzinfo=UTC)
    end = begin + timedelta(days=3)
    got = list(periodic_runs(interval, begin, end))
    expected = [r for r in iter_periodic_runs(interval, begin - timedelta(microseconds=1), end,
                                              anchor=PERIODIC_ANCHOR) if r < end]
    assert got == expected


@given(
    interval=st.integers(10 * 60 * 10**9 + 1, 168 * 3600 * 10**9 - 1),
    start=st.datetimes(datetime(2, 1, 1), datetime(1969, 12, 1)),
)
@settings(deadline=None)
def test_periodic_runs_before_the_anchor(interval: int, start: datetime) -> None:
    """Before 1970 too: each run is a whole number of intervals from the anchor, none missed."""
    begin = start.replace(tzinfo=UTC)
    end = begin + timedelta(days=3)
    got = list(periodic_runs(interval, begin, end))
    nanos = [((r - PERIODIC_ANCHOR) // timedelta(microseconds=1)) * 1000 for r in got]
    ks = [-(-n // interval) for n in nanos]  # each floored run rounds up to its own k
    assert all(begin <= r < end for r in got)
    assert ks == list(range(ks[0], ks[0] + len(ks))) if ks else True
    assert all(n <= k * interval < n + 1000 for n, k in zip(nanos, ks, strict=True))


# -- the range of days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "start"),
    [
        ("week", date(1, 1, 1)),
        ("week", date(9999, 12, 31)),
        ("week", LAST_DAY - timedelta(days=5)),
        ("month", date(1, 12, 31)),
        ("month", date(9998, 1, 1)),
        ("week", datetime(1, 1, 2, tzinfo=UTC)),
        ("week", datetime(9999, 12, 31, 23, tzinfo=UTC)),
    ],
    ids=["year-1", "9999-12-31", "week-past-last", "month-year-1", "month-9998",
         "instant-year-1", "instant-9999"],
)
def test_days_out_of_range_are_a_range_error(view: str, start: date | datetime) -> None:
    """A window outside FIRST_DAY..LAST_DAY is a CalendarRangeError, never an OverflowError."""
    with pytest.raises(CalendarRangeError, match=re.escape(f"{FIRST_DAY} to {LAST_DAY}")):
        window(view, start, load("Pacific/Kiritimati"), "Pacific/Kiritimati")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("view", "start"),
    [("week", FIRST_DAY), ("month", FIRST_DAY), ("week", LAST_DAY - timedelta(days=6)),
     ("month", LAST_DAY)],
    ids=["first-week", "first-month", "last-week", "last-month"],
)
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_ends_draw_or_refuse_cleanly(view: str, start: date, zone: str) -> None:
    """At the ends, every kind of schedule draws or is a CalendarRangeError; nothing else."""
    win = window(view, start, load(zone), zone)  # type: ignore[arg-type]
    for name, schedule in SCHEDULES.items():
        try:
            cal: Calendar = build([(name, schedule)], win,
                                  durations={name: MAX_DURATION})
        except CalendarRangeError:
            continue
        assert all(win.start <= r < win.end for r in cal.tracks[0].runs)


# -- names in the terminal ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["\x1b]0;pwned\x07", "\x1b[2J", "bell\x07", "nul\x00", "c1\x9b31m", "\ud800", "tab\t"],
    ids=["osc-title", "clear-screen", "bell", "nul", "c1-csi", "surrogate", "tab"],
)
def test_terminal_never_gets_a_control_character(name: str) -> None:
    """A name's control characters reach the terminal as U+FFFD, and the text encodes."""
    win = window("week", date(2026, 3, 2), UTC, "UTC")
    cal = build([(name, SCHEDULES["nightly"]), ("other", SCHEDULES["hourly"])], win,
                durations={name: timedelta(hours=2)})
    text = render_text(cal)
    text.encode("utf-8")
    assert printable(name) in text
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)
