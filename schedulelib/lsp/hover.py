"""What a hover over a schedule shows: the plain-English description, the next five runs in the
schedule's zone and in UTC, and what the next DST change does to it.

Pure: it works on a :class:`~schedulelib.lint.sources.Scan` of the document and a character
offset into its text, and returns Markdown (or None when the offset is on no schedule).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from schedulelib.lint.sources import WRAPPER_KEY, Found, Scan

__all__ = ["MEMBERS", "at", "markdown"]

#: The parts of a schedule a hover answers on (pointers relative to the schedule): the object
#: itself and each member, so that a Terraform model's separate ``schedule_strategy`` and
#: ``schedule_config`` attributes are covered too.
MEMBERS = ("", "/strategy", "/config", "/config/interval", "/config/spec", "/config/days",
           "/config/hours", "/config/timezone", "/config/jobId", "/config/accountId")
#: How many runs a hover lists.
RUNS = 5
#: How far ahead the DST note looks (as ``schedulelib explain`` does).
HORIZON = timedelta(days=365)


def at(scan: Scan, offset: int) -> tuple[Found, tuple[int, int]] | None:
    """The schedule written around ``offset`` (the innermost one), with the span there.

    A member's key (``"spec":``, ``schedule_strategy =``) answers as well as its value; among
    several places that contain ``offset``, the shortest wins."""
    text = scan.text or ""
    best: tuple[int, Found, tuple[int, int]] | None = None
    for found in scan.schedules:
        for member in MEMBERS:
            span = found.span(member)
            if span.file is not None:
                continue
            start = span.start
            if member:
                key = _KEY.search(text, max(0, start - 100), start)
                if key is not None:
                    start = key.start()
            if not start <= offset <= span.end:
                continue
            if best is None or span.end - start < best[0]:
                best = (span.end - start, found, (span.start, span.end))
    return (best[1], best[2]) if best is not None else None


#: The key written before a value: ``"spec": ``, ``timezone: ``, ``schedule_config   = ``.
_KEY = re.compile(r"""["']?[A-Za-z_][\w-]*["']?[ \t]*[:=][ \t]*\Z""")


def markdown(found: Found, *, dst: str = "go", as_of: datetime | None = None,
             now: datetime | None = None, markup: bool = True) -> str:
    """The hover text for one schedule; ``now`` starts the runs, ``as_of`` the DST look-ahead
    (both default to the current time).  ``markup=False`` gives plain text, for a client that
    does not render Markdown (eglot without markdown-mode asks for plaintext only)."""
    from schedulelib.core.diagnostics import ScheduleError
    from schedulelib.core.schedule import load

    now = now or datetime.now(UTC)
    as_of = as_of or now
    brand = "**schedulelib**" if markup else "schedulelib"
    title = f"{brand} · {found.name}" if found.name else brand
    if not found.static:
        return (f"{title}\n\nThis schedule is only known when Terraform runs (it uses a value "
                "Terraform computes), so it is not checked here.")
    doc = {WRAPPER_KEY: found.doc} if isinstance(found.doc, str | bytes | bytearray) \
        else found.doc
    try:
        schedule = load(doc, as_of=as_of)
    except ScheduleError as exc:
        first = next((d for d in exc.diagnostics if d.severity == "error"), None)
        why = f"{first.code}: {first.message}" if first is not None else str(exc)
        return f"{title}\n\nNot a valid schedule yet ({why}); no runs to show."
    except (RecursionError, ValueError) as exc:
        return f"{title}\n\nNot a valid schedule yet ({exc}); no runs to show."
    from schedulelib.core.explain import describe, upcoming

    lines = [title, "", describe(schedule)]
    if not schedule.time_driven:
        return "\n".join(lines)
    zone_name: str | None = getattr(schedule, "timezone", None)
    up = upcoming(found.name, schedule, now, RUNS, dst=dst)
    lines += ["", f"Next {len(up.runs)} runs ({dst} policy):", ""]
    if markup:
        lines.append("```text")
    # A fenced block rather than a table: every client shows it aligned, even those that
    # render Markdown as plain text.
    tz = None
    if zone_name:
        from schedulelib.core.zones import load as zone

        tz = zone(zone_name)
    for run in up.runs:
        cells = [_wall(run.at.astimezone(tz))] if tz is not None and zone_name != "UTC" else []
        cells.append(_utc(run.at))
        if run.event is not None:
            cells.append(f"({run.event.kind} by DST)")
        lines.append(("" if markup else "  ") + "   ".join(cells))
    if markup:
        lines.append("```")
    note = _dst_note(schedule, dst, as_of)
    if note:
        lines += ["", note]
    return "\n".join(lines)


def _dst_note(schedule: object, dst: str, as_of: datetime) -> str:
    """SL409's look-ahead when it finds a short gap, else the next DST event in a year."""
    from schedulelib.core.schedule import Cron, SpecificDays

    if not isinstance(schedule, Cron | SpecificDays):
        return ""
    cron = schedule.to_cron() if isinstance(schedule, SpecificDays) else schedule
    from schedulelib.core.dstwarn import short_gap_causes

    causes = short_gap_causes(cron.expr, cron.timezone, as_of)
    if causes:
        return f"DST (SL409): {causes[0].describe()}."
    from schedulelib.core.analysis import analyze

    events = analyze(schedule, as_of, as_of + HORIZON, dst=dst).events
    if not events:
        return f"DST: no change in {cron.timezone} moves a run in the coming year."
    event = events[0]
    return f"DST: next change {event.wall:%Y-%m-%d}, {event.kind}: {event.detail}."


def _wall(dt: datetime) -> str:
    return f"{dt:%a %Y-%m-%d %H:%M} {dt.tzname() or ''}".rstrip()


def _utc(dt: datetime) -> str:
    return f"{dt.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
