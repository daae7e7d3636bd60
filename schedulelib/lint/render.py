"""Findings and run lists for people: the terminal, and the ``next`` / ``explain`` reports.

The machine formats of findings (JSON, GitHub annotations, SARIF, GitLab) are in
:mod:`schedulelib.lint.formats`, one module each.  Every function returns a string; printing is the
command line's job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import IO, TYPE_CHECKING

from schedulelib.lint.sources import Finding

if TYPE_CHECKING:
    from schedulelib.core.analysis import DstEvent
    from schedulelib.core.explain import Explanation, Upcoming
    from schedulelib.lint.formats import Run

FORMATS = ("text", "json", "github", "sarif", "gitlab")

_STYLES = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "where": "\x1b[1m",
           "hint": "\x1b[2m", "code": "\x1b[36m"}
_RESET = "\x1b[0m"


def use_color(stream: IO[str] | IO[bytes], environ: Mapping[str, str] = os.environ) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    if environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if color else text


def where(finding: Finding) -> str:
    """``file:line:col`` (or just ``file`` for a problem without a position)."""
    if finding.line:
        return f"{finding.file}:{finding.line}:{finding.column}"
    return finding.file


def text(findings: Sequence[Finding], *, color: bool = False) -> str:
    """One line per finding, ``file:line:col: error SL101 message``, then its hint indented."""
    lines = []
    for f in findings:
        lines.append(f"{_paint(where(f), 'where', color)}: {_paint(f.severity, f.severity, color)}"
                     f" {_paint(f.code, 'code', color)} {_one_line(f.message)}")
        if f.hint:
            lines.append(_paint(f"  hint: {_one_line(f.hint)}", "hint", color))
    return "".join(line + "\n" for line in lines)


def summary(findings: Sequence[Finding], files: int, schedules: int, skipped: int = 0,
            unchecked: int = 0) -> str:
    """The closing line of a text report (``files`` counts the files judged; ``skipped`` those
    that are not about schedules, or not regular files; ``unchecked`` the schedules found but
    not checked, which ``schedules`` never counts)."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    checked = (f"{_count(schedules, 'schedule')} in {_count(files, 'file')}")
    if skipped:
        checked += f" ({skipped} skipped)"
    if unchecked:
        # Never counted in "checked": a part only Terraform knows (SL903), or a config
        # string that is not JSON.
        checked += f"; {_count(unchecked, 'schedule')} could not be checked"
    if not findings:
        return f"checked {checked}: no problems\n"
    return f"checked {checked}: {_count(errors, 'error')}, {_count(warnings, 'warning')}\n"


def render(findings: Sequence[Finding], fmt: str, *, color: bool = False,
           run: Run | None = None) -> str:
    """The findings as text, or in a machine format of :mod:`schedulelib.lint.formats`."""
    if fmt == "text":
        return text(findings, color=color)
    from schedulelib.lint.formats import render as machine

    return machine(findings, fmt, run)


def _one_line(value: str) -> str:
    return value.replace("\r", "\\r").replace("\n", "\\n")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- next / explain -----------------------------------------------------------------------------


def _wall(dt: datetime) -> str:
    return f"{dt:%a %Y-%m-%d %H:%M} {dt.tzname() or ''}".rstrip()


def _label(up: Upcoming) -> str:
    s = up.schedule
    what = s.strategy
    if s.strategy == "cron":
        what = f"cron {getattr(s, 'spec', '')!r}"
    elif s.strategy == "periodic":
        what = f"periodic every {getattr(s, 'text', '') or getattr(s, 'interval', '')}"
    zone = getattr(s, "timezone", None)
    return (f"{up.name}: {what}{f' in {zone}' if zone else ''}, DST policy {up.policy}, after "
            f"{up.after.astimezone(UTC):%Y-%m-%d %H:%M} UTC")


def runs_text(reports: Sequence[Upcoming], tz: tzinfo | None = None) -> str:
    """The next runs, one line each: schedule zone, ``--tz`` zone, UTC, and any DST mark."""
    out: list[str] = []
    for up in reports:
        out.append(_label(up))
        zone_name = getattr(up.schedule, "timezone", None)
        if not up.schedule.time_driven:
            out.append("  no runs: nothing but a person (manual) or dbt Cloud (dbt_cloud) "
                       "starts this sync")
            continue
        rows: list[tuple[float, str]] = []
        for i, run in enumerate(up.runs, 1):
            local = run.at.astimezone(_zoneinfo(zone_name)) if zone_name else None
            cells = [f"{i:>4}"]
            if local is not None:
                cells.append(f"{_wall(local):<25}")
            if tz is not None:
                cells.append(f"{_wall(run.at.astimezone(tz)):<25}")
            cells.append(f"{run.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
            if run.event is not None:
                cells.append(f"  <- {run.event.kind}: {run.event.detail}")
            rows.append((run.at.timestamp(), "  ".join(cells).rstrip()))
        for event in up.skipped:
            rows.append((event.transition.timestamp(),
                         f"{'-':>4}  {event.wall:%a %Y-%m-%d %H:%M}  <- skipped: {event.detail}"))
        rows.sort(key=lambda row: row[0])
        out.extend(row for _, row in rows)
        if not up.runs:
            out.append("  no runs")
    return "".join(line + "\n" for line in out)


def runs_json(reports: Sequence[Upcoming], tz: tzinfo | None = None) -> str:
    """The next runs as JSON: one object per schedule, ISO 8601 times."""
    items = []
    for up in reports:
        zone_name = getattr(up.schedule, "timezone", None)
        runs = []
        for run in up.runs:
            row: dict[str, object] = {"utc": run.at.astimezone(UTC).isoformat()}
            if zone_name:
                row["local"] = run.at.astimezone(_zoneinfo(zone_name)).isoformat()
            if tz is not None:
                row["tz"] = run.at.astimezone(tz).isoformat()
            row["dst"] = _event(run.event) if run.event is not None else None
            runs.append(row)
        items.append({"name": up.name, "strategy": up.schedule.strategy, "timezone": zone_name,
                      "policy": up.policy, "after": up.after.isoformat(), "runs": runs,
                      "skipped": [_event(e) for e in up.skipped]})
    return json.dumps(items, indent=2, ensure_ascii=False)


def _event(event: DstEvent) -> dict[str, object]:
    return {"kind": event.kind, "wall": event.wall.isoformat(),
            "instants": [i.isoformat() for i in event.instants],
            "transition": event.transition.isoformat(),
            "abbreviations": list(event.abbreviations), "detail": event.detail}


def _gap(gap: timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{mins} min"] if mins or not parts else []
    return " ".join(parts)


def explain_text(items: Sequence[tuple[str, Explanation]], *, limit: int = 8) -> str:
    """What each schedule does, in English."""
    out: list[str] = []
    for name, ex in items:
        out.append(f"{name}: {ex.strategy}")
        out.append(f"  {ex.description}")
        if ex.cron is not None and ex.strategy != "cron":
            out.append(f"  As cron: {ex.cron!r} ({ex.cron_description})")
        if ex.min_gap is not None:
            closest = f": {ex.closest}" if ex.closest else ""
            out.append(f"  Shortest gap between runs: {_gap(ex.min_gap)}{closest}")
        if ex.dst:
            out.append(f"  DST from {ex.start:%Y-%m-%d} to {ex.end:%Y-%m-%d} in {ex.timezone}:")
            for policy, events in ex.dst:
                if not events:
                    out.append(f"    {policy:<8} no run is moved, skipped or repeated")
                    continue
                out.append(f"    {policy:<8} {len(events)} event{'s' if len(events) != 1 else ''}")
                out.extend(f"             {e.wall:%Y-%m-%d %H:%M} {e.kind}: {e.detail}"
                           for e in events[:limit])
                if len(events) > limit:
                    out.append(f"             ... and {len(events) - limit} more")
        elif ex.strategy in ("periodic",):
            out.append("  DST: none (periodic schedules run in absolute time)")
        out.append("")
    return "".join(line + "\n" for line in out)


def explain_json(items: Sequence[tuple[str, Explanation]]) -> str:
    """The explanations as JSON."""
    return json.dumps([{
        "name": name, "strategy": ex.strategy, "description": ex.description,
        "timezone": ex.timezone, "cron": ex.cron, "cron_description": ex.cron_description,
        "min_gap_minutes": ex.min_gap.total_seconds() / 60 if ex.min_gap is not None else None,
        "closest": ex.closest, "start": ex.start.isoformat(), "end": ex.end.isoformat(),
        "dst": {policy: [_event(e) for e in events] for policy, events in ex.dst},
    } for name, ex in items], indent=2, ensure_ascii=False)


def _zoneinfo(name: str) -> tzinfo:
    from schedulelib.core.zones import load

    return load(name)
