"""A :class:`~schedulelib.calendar.Calendar` as an RFC 5545 iCalendar file, one event per run.

Written with the ``icalendar`` library.  Choices, each for a calendar app's sake:

* ``DTSTART`` is the exact instant in UTC (``...Z``, RFC 5545 3.3.5 form 2): no VTIMEZONE to
  get wrong, and the two runs of a repeated wall time stay two distinct instants.  The app
  shows them in its own zone.
* No ``DTEND``: a run starts a sync whose length nobody knows.  RFC 5545 3.6.1 reads an event
  with a date-time ``DTSTART`` and no end as lasting no time.
* ``UID`` is a hash of the schedule's name, what the schedule is and the instant, so exporting
  again (another week, an overlapping month) gives the same UID for the same run and an app
  that imports both updates the event instead of showing it twice.  Change the schedule and
  its runs get new UIDs.
* ``TRANSP:TRANSPARENT``: a sync does not make anyone busy.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from .calendar import Calendar, Track

PRODID = "-//schedulelib//calendar preview//EN"
UID_DOMAIN = "schedulelib"


def run_uid(track: Track, run: datetime) -> str:
    """The stable UID of one run: the same schedule, name and instant give the same UID."""
    instant = run.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    text = "\n".join((track.name, track.key or track.description, instant))
    return f"{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}@{UID_DOMAIN}"


def exact(moment: datetime) -> str:
    """``2026-03-24 01:30:00 CET``, with the fraction of a second only when there is one.

    iCalendar date-times have whole seconds; the description keeps the exact instant of a
    periodic run whose interval has a fraction of a second (``DTSTART`` is rounded down).
    """
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return f"{moment:%Y-%m-%d %H:%M:%S}{fraction} {moment.tzname()}"


def to_ics(cal: Calendar, *, stamp: datetime | None = None) -> bytes:
    """The calendar as iCalendar bytes (CRLF line ends, folded at 75 octets).

    ``stamp`` is every event's ``DTSTAMP`` (when the file was made); default now.
    """
    import icalendar

    made = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    win = cal.window
    out = icalendar.Calendar()
    out.add("prodid", PRODID)
    out.add("version", "2.0")
    out.add("calscale", "GREGORIAN")
    title = (f"schedulelib: {win.view} of {win.days[0].isoformat()}" if win.view == "week"
             else f"schedulelib: {win.days[0]:%B %Y}")
    out.add("x-wr-calname", title)
    for track in cal.tracks:
        for run in track.runs:
            local = run.astimezone(win.zone)
            event = icalendar.Event()
            event.add("uid", run_uid(track, run))
            event.add("dtstamp", made)
            event.add("dtstart", run.astimezone(UTC).replace(microsecond=0))
            event.add("summary", f"Sync: {track.name}")
            event.add("description",
                      f"{track.description}\nRuns at {exact(local)} ({win.zone_name}), "
                      f"{exact(run.astimezone(UTC))}.")
            event.add("transp", "TRANSPARENT")
            out.add_component(event)
    data: bytes = out.to_ical()
    return data
