"""The terminal views of a calendar: the week and month grids, the legend, the pile-ups and
the warehouse load, in at most :data:`WIDTH` columns, coloured only when asked.
"""

from __future__ import annotations

import calendar as _stdcal
import textwrap
from dataclasses import replace
from datetime import date, datetime, tzinfo

from schedulelib._support.text import printable
from schedulelib.preview.load import Cell, pileups
from schedulelib.preview.model import Calendar, Track, day_spans, heading, plural, span_text

WIDTH = 80  # every line of the terminal views fits in this many columns


def _printable_calendar(cal: Calendar) -> Calendar:
    """The calendar with every name made :func:`printable` (for the terminal only)."""
    def clean(track: Track) -> Track:
        return replace(track, name=printable(track.name))

    load = cal.load
    if load is not None:
        load = replace(load, names=tuple(printable(n) for n in load.names))
    return replace(cal, tracks=tuple(clean(t) for t in cal.tracks),
                   idle=tuple((printable(n), d) for n, d in cal.idle),
                   notes=tuple(replace(n, schedule=printable(n.schedule)) for n in cal.notes),
                   load=load)


# -- the terminal views -------------------------------------------------------------------------

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_MARK = "\x1b[35m"  # magenta: DST
# Heat, coolest first: the share of the busiest cell decides the shade.
_HEAT = ("\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[1;31m")


class _Paint:
    def __init__(self, color: bool, peak: int) -> None:
        self.color = color
        self.peak = peak

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and code else text

    def heat(self, text: str, count: int) -> str:
        if not self.color:
            return text
        if count == 0:
            return self(text, _DIM)
        level = min(len(_HEAT) - 1, (count * len(_HEAT) - 1) // max(self.peak, 1))
        return self(text, _HEAT[level])


def _count(n: int) -> str:
    return "." if n == 0 else f"{n:,}"


def _week_grid(cal: Calendar, paint: _Paint, values: dict[Cell, int] | None = None) -> list[str]:
    # 6 columns of hour labels + 7 days x 10 columns = 76.  ``values``: what each cell shows
    # (default: the runs starting in it).
    counts = cal.counts if values is None else values
    marked = cal.marked_days
    head = "      "
    for index, day in enumerate(cal.window.days):
        label = f"{day:%a %d}" + ("*" if index in marked else " ")
        head += f"{label:>10}" if index not in marked else " " * (10 - len(label)) + paint(
            label, _MARK)
    lines = [paint(head, _BOLD) if not marked else head]
    for hour in range(24):
        row = f"{hour:02d}:00 "
        for index in range(len(cal.window.days)):
            if (index, hour) in cal.missing:
                row += paint(f"{'--':>9} ", _MARK)
                continue
            n = counts.get((index, hour), 0)
            row += paint.heat(f"{_count(n):>9}", n) + " "
        lines.append(row.rstrip())
    if values is None:
        totals = "total "
        for index in range(len(cal.window.days)):
            totals += f"{_count(cal.day_total(index)):>9} "
        lines.append(totals.rstrip())
    else:
        peaks = "peak  "
        for index in range(len(cal.window.days)):
            peaks += f"{_count(max(counts.get((index, h), 0) for h in range(24))):>9} "
        lines.append(peaks.rstrip())
    return lines


def _month_grid(cal: Calendar, paint: _Paint) -> list[str]:
    # 7 columns of 11: the day of the month, then its runs; Monday first (ISO 8601).
    days = cal.window.days
    marked = cal.marked_days
    totals = [cal.day_total(i) for i in range(len(days))]
    daily_peak = max(totals, default=0)
    lines = ["".join(f"{name:>11}" for name in _stdcal.day_abbr).rstrip()]
    lines[0] = paint(lines[0], _BOLD)
    lead = days[0].weekday()
    weeks = (lead + len(days) + 6) // 7
    heat = _Paint(paint.color, daily_peak)
    busiest: list[int] | None = None
    if cal.load is not None:
        cells = cal.load.cells
        busiest = [max(cells.get((i, h), 0) for h in range(24)) for i in range(len(days))]
    busy_heat = _Paint(paint.color, max(busiest or [0]))
    for week in range(weeks):
        top, bottom, busy = "", "", ""
        for column in range(7):
            index = week * 7 + column - lead
            if not 0 <= index < len(days):
                top += " " * 11
                bottom += " " * 11
                busy += " " * 11
                continue
            label = f"{days[index].day}" + ("*" if index in marked else " ")
            top += " " * (11 - len(label)) + (paint(label, _MARK) if index in marked else label)
            bottom += heat.heat(f"{_count(totals[index]):>10}", totals[index]) + " "
            if busiest is not None:
                most = busiest[index]
                busy += busy_heat.heat(f"{f'busy {most:,}' if most else '.':>10}", most) + " "
        rows = [top.rstrip(), bottom.rstrip()]
        if busiest is not None:
            rows.append(busy.rstrip())
        lines.extend([*rows, ""])
    return lines[:-1]


def _legend(cal: Calendar, paint: _Paint) -> list[str]:
    win = cal.window
    out: list[str] = []
    if win.view == "week":
        out.extend(textwrap.wrap("Each cell: the runs starting in that wall-clock hour ('.' none, "
                                 "'--' an hour that does not exist).", WIDTH))
    else:
        out.append("Each day: its number, then how many runs start on it ('.' none)" + (
            "," if cal.load is not None else "."))
        if cal.load is not None:
            out.append("then the most syncs busy at once on it ('busy N').")
    by_day: dict[date, list[str]] = {}
    for change in cal.changes:
        by_day.setdefault(change.day, []).append(change.describe())
    for note in cal.notes:
        by_day.setdefault(note.day, []).append(f"{note.schedule}: {note.kind}: "
                                               f"{note.describe(win.zone)}")
    for day in sorted(by_day):
        for text in by_day[day]:
            out.extend(_wrap(f"{paint('*', _MARK)} {day:%a %d %b}: {text}", "    ", paint))
    return out


def _wrap(text: str, indent: str, paint: _Paint) -> list[str]:
    """Wrap at :data:`WIDTH`, ignoring the width of colour codes (they only wrap the '*')."""
    plain = text.replace(f"{_MARK}*{_RESET}", "*")
    lines = textwrap.wrap(plain, WIDTH, subsequent_indent=indent, break_long_words=True,
                          break_on_hyphens=False)
    if paint.color and lines and lines[0].startswith("*"):
        lines[0] = paint("*", _MARK) + lines[0][1:]
    return lines


def _schedules(cal: Calendar) -> list[str]:
    out = ["Schedules:"]
    width = max((len(f"{t.runs.__len__():,}") for t in cal.tracks), default=1)
    for track in cal.tracks:
        busy = f", busy {span_text(track.duration)} a run" if track.duration else ""
        out.extend(textwrap.wrap(f"{len(track.runs):>{width},} {_runs_word(len(track.runs))}  "
                                 f"{track.name}: {track.description}{busy}", WIDTH,
                                 initial_indent="  ", subsequent_indent="      ",
                                 break_on_hyphens=False))
    for name, description in cal.idle:
        out.extend(textwrap.wrap(f"{'-':>{width}} runs  {name}: {description} (no clock "
                                 "drives it)", WIDTH, initial_indent="  ",
                                 subsequent_indent="      ", break_on_hyphens=False))
    return out


def _runs_word(n: int) -> str:
    return "run " if n == 1 else "runs"


def _pileup_lines(cal: Calendar, paint: _Paint, top: int) -> list[str]:
    pile = pileups(cal, top)
    if not pile.slots:
        return ["Pile-ups: no runs in this window."]
    reach = "reaches" if pile.peak_hours == 1 else "reach"
    out = _wrap_plain(
        f"{paint('Pile-ups', _BOLD)}: a peak of {plural(pile.peak, 'sync')} starting in one "
        f"hour ({plural(pile.peak_hours, 'hour')} {reach} it); up to "
        f"{plural(pile.widest, 'schedule')} share an hour; up to "
        f"{plural(pile.together, 'sync')} start at the same instant.", paint)
    out.append("Busiest hours:")
    for slot in pile.slots:
        names = ", ".join(f"{name} ({n})" for name, n in slot.schedules)
        text = (f"{slot.hour:02d}:00 on {day_spans(slot.days)}: {plural(slot.runs, 'run')} "
                f"from {plural(len(slot.schedules), 'schedule')}: {names}")
        out.extend(textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="      ",
                                 break_on_hyphens=False, break_long_words=True))
    return out


def _wrap_plain(text: str, paint: _Paint) -> list[str]:
    plain = text.replace(f"{_BOLD}", "").replace(_RESET, "")
    lines = textwrap.wrap(plain, WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    if paint.color and lines:
        word = lines[0].split(":", 1)
        lines[0] = paint(word[0], _BOLD) + (":" + word[1] if len(word) > 1 else "")
    return lines


def _when(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


def _between(start: datetime, end: datetime, zone: tzinfo) -> str:
    a, b = start.astimezone(zone), end.astimezone(zone)
    if a.date() == b.date():
        return f"on {a:%a %d %b} from {a:%H:%M %Z} to {b:%H:%M %Z}"
    return f"from {_when(a, zone)} to {_when(b, zone)}"


def _load_lines(cal: Calendar, paint: _Paint) -> list[str]:
    """The busy spans: the week's grid of syncs running at once, the peak, self-overlaps."""
    load = cal.load
    assert load is not None
    zone = cal.window.zone
    out: list[str] = []
    if cal.window.view == "week":
        out.extend(textwrap.wrap("Running at once: the most syncs busy at any moment of each "
                                 "wall-clock hour (from the schedules with a duration).", WIDTH))
        out.append("")
        out.extend(_week_grid(cal, _Paint(paint.color, max(load.cells.values(), default=0)),
                              load.cells))
        out.append("")
    if load.peak and load.at is not None and load.until is not None:
        names = ", ".join(load.names)
        text = (f"{paint('Warehouse load', _BOLD)}: at most {plural(load.peak, 'sync')} "
                f"running at once, first {_between(load.at, load.until, zone)} "
                f"({span_text(load.at_peak)} in all at that "
                f"level): {names}.")
    else:
        text = f"{paint('Warehouse load', _BOLD)}: no sync is running in this window."
    out.extend(_wrap_plain(text, paint))
    overlapping = [o for o in load.selves if o.overlaps]
    if not overlapping:
        out.append("No schedule overlaps itself: each run ends before its next one starts.")
        return out
    out.append("Overlapping itself (a run still busy when the next one starts):")
    for o in overlapping:
        track = cal.tracks[o.track]
        assert track.duration is not None and o.first is not None
        text = (f"{track.name}: {o.overlaps:,} of {plural(len(track.runs), 'run')} start "
                f"while an earlier one is busy ({span_text(track.duration)} a run); up to "
                f"{o.peak} at once; first {_when(o.first, zone)}.")
        out.extend(textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="      ",
                                 break_on_hyphens=False, break_long_words=True))
    return out


def render_text(cal: Calendar, *, color: bool = False, top: int = 5) -> str:
    """The terminal view: heading, grid, DST legend, schedules, pile-ups when several, and
    the busy spans when any schedule has a duration.

    Without ``color`` the text is plain and stable (tests compare it); every line fits in
    :data:`WIDTH` columns.  Names are shown :func:`printable`: a name from a file never sends
    a control character to the terminal.
    """
    cal = _printable_calendar(cal)
    paint = _Paint(color, max(cal.counts.values(), default=0))
    lines = _wrap_plain(heading(cal), _Paint(False, 0))
    lines = [paint(line, _BOLD) for line in lines]
    lines.append("")
    lines.extend(_week_grid(cal, paint) if cal.window.view == "week" else _month_grid(cal, paint))
    lines.append("")
    lines.extend(_legend(cal, paint))
    lines.append("")
    lines.extend(_schedules(cal))
    if len(cal.tracks) > 1:
        lines.append("")
        lines.extend(_pileup_lines(cal, paint, top))
    if cal.load is not None:
        lines.append("")
        lines.extend(_load_lines(cal, paint))
    return "\n".join(lines) + "\n"
