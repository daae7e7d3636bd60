"""iCalendar export: read back with icalendar and with vobject (an independent parser), every
instant compared with runs().

Europe/Berlin, 2026-10-25 01:00Z: 03:00 CEST -> 02:00 CET, so "30 2 * * *" runs twice under
the go policy (00:30Z and 01:30Z) and the two events must stay two distinct instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import vobject

from schedulelib.calendar import PERIODIC_ANCHOR, Calendar, build, window
from schedulelib.cron import parse_cron
from schedulelib.duration import parse_duration
from schedulelib.ics import PRODID, run_uid, to_ics
from schedulelib.schedule import Cron, Manual, Periodic, Schedule, SpecificDays
from schedulelib.zones import load

STAMP = datetime(2026, 1, 1, 12, tzinfo=UTC)

ENTRIES: list[tuple[str, Schedule]] = [
    ("nightly", Cron(parse_cron("30 2 * * *"), "Europe/Berlin")),
    ("quarter", Cron(parse_cron("*/15 9-10 * * 1-5"), "America/New_York")),
    ("identify", SpecificDays((1, 3), (8, 17), "America/Chicago")),
    ("sync, with; commas", Periodic(parse_duration("5h30m"), "5h30m")),
    ("backfill", Manual()),
]


def _calendar(start: date = date(2026, 10, 22), view: str = "week") -> Calendar:
    return build(ENTRIES, window(view, start, load("Europe/Berlin"), "Europe/Berlin"))  # type: ignore[arg-type]


def _expected(cal: Calendar) -> list[tuple[str, datetime]]:
    """Every (schedule, instant) from runs() itself, not from the calendar."""
    win = cal.window
    out = []
    for name, schedule in ENTRIES:
        if isinstance(schedule, Periodic):
            runs = schedule.runs(win.start - timedelta(microseconds=1), win.end,
                                 anchor=PERIODIC_ANCHOR)
        else:
            runs = schedule.runs(win.start - timedelta(microseconds=1), win.end)
        out += [(name, r.astimezone(UTC)) for r in runs if r < win.end]
    return sorted(out)


def test_icalendar_reads_every_run() -> None:
    """icalendar finds one VEVENT per run with the exact instant, UTC, and a unique UID."""
    cal = _calendar()
    parsed = icalendar.Calendar.from_ical(to_ics(cal, stamp=STAMP))
    assert str(parsed["PRODID"]) == PRODID and str(parsed["VERSION"]) == "2.0"
    events = parsed.walk("VEVENT")
    got = sorted((str(e["SUMMARY"]).removeprefix("Sync: "), e.decoded("DTSTART"))
                 for e in events)
    assert got == _expected(cal)
    assert all(e.decoded("DTSTART").utcoffset() == timedelta(0) for e in events)
    assert all(e.decoded("DTSTAMP") == STAMP for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events) == cal.total
    assert all("DTEND" not in e and str(e["TRANSP"]) == "TRANSPARENT" for e in events)


def test_vobject_reads_every_run() -> None:
    """vobject, a parser that shares no code with icalendar, reads the same instants."""
    cal = _calendar()
    parsed = vobject.readOne(to_ics(cal, stamp=STAMP).decode("utf-8"))
    events = parsed.contents["vevent"]
    got = sorted((e.summary.value.removeprefix("Sync: "), e.dtstart.value.astimezone(UTC))
                 for e in events)
    assert got == _expected(cal)
    assert len({e.uid.value for e in events}) == cal.total


def test_repeated_wall_time_is_two_events() -> None:
    """02:30 on the autumn change runs twice (go): two events, an hour apart in UTC."""
    parsed = icalendar.Calendar.from_ical(to_ics(_calendar(), stamp=STAMP))
    nightly = sorted(e.decoded("DTSTART") for e in parsed.walk("VEVENT")
                     if str(e["SUMMARY"]) == "Sync: nightly")
    assert datetime(2026, 10, 25, 0, 30, tzinfo=UTC) in nightly
    assert datetime(2026, 10, 25, 1, 30, tzinfo=UTC) in nightly


def test_uids_are_stable_across_exports() -> None:
    """Exporting again, or an overlapping window, gives the same UID for the same run."""
    week = icalendar.Calendar.from_ical(to_ics(_calendar(), stamp=STAMP))
    again = icalendar.Calendar.from_ical(to_ics(_calendar(), stamp=STAMP + timedelta(days=9)))
    month = icalendar.Calendar.from_ical(to_ics(_calendar(date(2026, 10, 1), "month"),
                                                stamp=STAMP))

    def uids(c: icalendar.Calendar, name: str) -> dict[datetime, str]:
        return {e.decoded("DTSTART"): str(e["UID"]) for e in c.walk("VEVENT")
                if str(e["SUMMARY"]) == f"Sync: {name}"}

    assert uids(week, "nightly") == uids(again, "nightly")
    # Cron runs do not depend on the window; the month holds the week's runs with their UIDs.
    for name in ("nightly", "quarter", "identify"):
        assert uids(week, name).items() <= uids(month, name).items()


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (("nightly", Cron(parse_cron("30 2 * * *"), "Europe/Berlin")), True),
        (("nightly", Cron(parse_cron("30 2 * * *"), "Europe/Paris")), False),
        (("renamed", Cron(parse_cron("30 2 * * *"), "Europe/Berlin")), False),
    ],
    ids=["same-schedule", "other-zone", "other-name"],
)
def test_uid_depends_on_name_schedule_and_instant(other: tuple[str, Schedule],
                                                  same: bool) -> None:
    """A UID changes when the schedule or its name changes, never otherwise."""
    win = window("week", date(2026, 3, 2), UTC, "UTC")
    a = build([ENTRIES[0]], win).tracks[0]
    b = build([other], win).tracks[0]
    run = a.runs[0]
    assert (run_uid(a, run) == run_uid(b, run)) is same
    assert run_uid(a, run) != run_uid(a, run + timedelta(days=1))
    assert run_uid(a, run).endswith("@schedulelib")


def test_fraction_of_a_second_is_kept_in_the_description() -> None:
    """iCalendar has whole seconds: DTSTART rounds down, the description keeps the instant."""
    entries: list[tuple[str, Schedule]] = [("odd", Periodic(parse_duration("10m0.5s"),
                                                            "10m0.5s"))]
    cal = build(entries, window("week", date(2026, 3, 2), UTC, "UTC"))
    run = cal.tracks[0].runs[0]
    assert run.microsecond == 500_000  # 00:06:18.5, 2,951,557 intervals after the anchor
    first = icalendar.Calendar.from_ical(to_ics(cal, stamp=STAMP)).walk("VEVENT")[0]
    assert first.decoded("DTSTART") == run.replace(microsecond=0)
    assert f"{run:%Y-%m-%d %H:%M:%S}.500000 UTC" in str(first["DESCRIPTION"])


def test_an_empty_calendar_is_still_valid() -> None:
    """No time-driven schedule: a calendar with no events, which both readers accept."""
    cal = build([("backfill", Manual())], window("week", date(2026, 3, 2), UTC, "UTC"))
    data = to_ics(cal, stamp=STAMP)
    assert icalendar.Calendar.from_ical(data).walk("VEVENT") == []
    assert "vevent" not in vobject.readOne(data.decode("utf-8")).contents
