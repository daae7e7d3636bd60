"""iCalendar export: read back with icalendar and with vobject (an independent parser), every
instant compared with runs().

Europe/Berlin, 2026-10-25 01:00Z: 03:00 CEST -> 02:00 CET, so "30 2 * * *" runs twice under
the go policy (00:30Z and 01:30Z) and the two events must stay two distinct instants.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import vobject
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.core.cron import parse_cron
from schedulelib.core.duration import parse_duration
from schedulelib.core.schedule import Cron, Manual, Periodic, Schedule, SpecificDays
from schedulelib.core.zones import load
from schedulelib.preview.ics import PRODID, escape_text, fold, run_uid, to_ics, write_ics
from schedulelib.preview.model import PERIODIC_ANCHOR, Calendar, build, window

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


# -- what names may hold ------------------------------------------------------------------------


def _safe(name: str) -> str:
    """The oracle for names: every Cc (C0, DEL, C1) but HTAB and every Cs (lone surrogate) is
    U+FFFD, from Unicode's own categories rather than the module's pattern."""
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cs") and c != "\t" else c
                   for c in name)


def _one(name: str, duration: timedelta | None = None) -> Calendar:
    entries: list[tuple[str, Schedule]] = [(name, Cron(parse_cron("0 9 * * *"), "UTC"))]
    durations = {name: duration} if duration else None
    return build(entries, window("week", date(2026, 3, 2), UTC, "UTC"), durations=durations)


def _physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_every_control_character_is_replaced(control: str) -> None:
    """Each C0 and C1 control and DEL in a name: U+FFFD in the file (HTAB stays), never raw."""
    name = f"a{control}b"
    data = to_ics(_one(name), stamp=STAMP)
    text = data.decode("utf-8")
    for line in _physical_lines(data):
        assert not any((0 <= b < 0x20 and b != 0x09) or b == 0x7F for b in line), line
    assert not any(0x80 <= ord(c) < 0xA0 for c in text)
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"Sync: {_safe(name)}"
    assert str(vobject.readOne(text).vevent.summary.value) == f"Sync: {_safe(name)}"


NAMES = st.text(st.characters(codec=None, exclude_categories=()), max_size=120)


@given(name=NAMES)
@example(name="\ud800 lone surrogate")
@example(name="semi;colon,comma\\back\nslash")
@example(name="\u2028line\u2029sep\u0085nel")
@example(name="\ufeff\u200b\u202e rtl \U0001f600" * 8)
@example(name="é" * 100)
@example(name="a" * 74 + "😀" * 10)
@settings(deadline=None)
def test_round_trip_through_both_parsers(name: str) -> None:
    """Any name, odd Unicode included: icalendar and vobject read back the cleaned name, the
    instants and the UIDs, from a file of folded lines each valid UTF-8 and at most 75 octets."""
    cal = _one(name)
    data = to_ics(cal, stamp=STAMP)
    for line in _physical_lines(data):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold never splits a UTF-8 sequence
    summary = f"Sync: {_safe(name)}"
    runs = [r.astimezone(UTC) for r in cal.tracks[0].runs]
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [summary] * len(runs)
    assert [e.decoded("DTSTART") for e in events] == runs
    assert [str(e["UID"]) for e in events] == [run_uid(cal.tracks[0], r) for r in runs]
    parsed = vobject.readOne(data.decode("utf-8")).contents["vevent"]
    assert [e.summary.value for e in parsed] == [summary] * len(runs)
    assert [e.dtstart.value for e in parsed] == runs


def test_names_differing_only_in_a_control_keep_distinct_uids() -> None:
    """Two names that clean to the same text keep their own UIDs (the UID hashes the name)."""
    a, b = _one("x\x00"), _one("x\x01")
    run = a.tracks[0].runs[0]
    assert run_uid(a.tracks[0], run) != run_uid(b.tracks[0], run)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("tab\there", "tab\there"),
        ("line\nbreak", "line\ufffdbreak"),
        ("\ud83d", "\ufffd"),
    ],
    ids=["plain", "specials", "tab-kept", "newline-replaced", "surrogate"],
)
def test_escape_text(text: str, escaped: str) -> None:
    """TEXT values escape backslash, semicolon and comma (RFC 5545 3.3.11); controls go."""
    assert escape_text(text) == escaped


@given(st.text(st.characters(codec="utf-8"), max_size=300))
@example("x" * 75)
@example("x" * 76)
@example("x" * 74 + "é")
@example("a\r\nb")  # a CR LF inside the line: folded between the two
def test_fold_unfolds_to_the_line(line: str) -> None:
    """Folding then unfolding (RFC 5545 3.1: drop CRLF and one space) gives the line back."""
    folded = fold(line)
    assert folded.endswith(b"\r\n")
    parts = folded[:-2].split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode("utf-8") == line


# -- durations, streaming, stable UIDs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "end"),
    [
        (None, None),
        (timedelta(minutes=30), timedelta(minutes=30)),
        (timedelta(hours=26), timedelta(hours=26)),
        (timedelta(milliseconds=400), None),  # rounds to DTSTART: RFC 5545 wants DTEND later
        (timedelta(seconds=90, milliseconds=500), timedelta(seconds=90)),
    ],
    ids=["none", "30m", "26h", "sub-second", "fraction"],
)
def test_dtend_from_the_duration(duration: timedelta | None, end: timedelta | None) -> None:
    """DTEND is DTSTART plus the duration (whole seconds), absent without one."""
    data = to_ics(_one("s", duration), stamp=STAMP)
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        if end is None:
            assert "DTEND" not in event
        else:
            assert event.decoded("DTEND") - event.decoded("DTSTART") == end
    for event in vobject.readOne(data.decode("utf-8")).contents["vevent"]:
        assert ("dtend" in event.contents) is (end is not None)


def test_write_ics_streams_the_same_bytes() -> None:
    """write_ics writes chunk by chunk exactly what to_ics returns."""
    out = io.BytesIO()
    write_ics(_calendar(), out, stamp=STAMP)
    assert out.getvalue() == to_ics(_calendar(), stamp=STAMP)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (date(2026, 10, 22), date(2026, 10, 25)),
        (date(2026, 10, 22), datetime(2026, 10, 23, 9, 17, tzinfo=UTC)),
        (date(2026, 10, 1), date(2026, 10, 29)),
    ],
    ids=["weeks-overlapping", "odd-start-instant", "month-and-week"],
)
def test_overlapping_exports_share_uids_periodic_too(first: date | datetime,
                                                     second: date | datetime) -> None:
    """Two overlapping exports give every shared run, periodic ones included, the same UID."""
    def events(start: date | datetime) -> dict[tuple[str, datetime], str]:
        view = "month" if start == date(2026, 10, 1) else "week"
        cal = build(ENTRIES, window(view, start, load("Europe/Berlin"),  # type: ignore[arg-type]
                                    "Europe/Berlin"))
        parsed = icalendar.Calendar.from_ical(to_ics(cal, stamp=STAMP)).walk("VEVENT")
        return {(str(e["SUMMARY"]), e.decoded("DTSTART")): str(e["UID"]) for e in parsed}

    a, b = events(first), events(second)
    shared = a.keys() & b.keys()
    assert any(summary == "Sync: sync, with; commas" for summary, _ in shared)
    assert {k: a[k] for k in shared} == {k: b[k] for k in shared}
    assert len(set(a.values())) == len(a)
