"""Load analysis of a calendar: how many syncs are busy at once (from the schedules with a
duration), how each schedule overlaps itself, and the hours where starts pile up.

Works on the model's values (:mod:`.model`) without importing it at run time: the model calls
:func:`busy_load` while it assembles a calendar.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schedulelib.preview.model import Calendar, Track, Window

Cell = tuple[int, int]  # (index of the day in the window, hour 0-23)

#: Instants are counted in whole microseconds from here (:func:`micros`): the Unix epoch, also
#: the anchor of periodic runs (``model.PERIODIC_ANCHOR``, D40), so that both count alike.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Microseconds from :data:`EPOCH` (negative before it)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# -- busy spans ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SelfOverlap:
    """How one schedule with a duration overlaps itself: a run still busy at its next start."""

    track: int  # index into ``Calendar.tracks``
    overlaps: int  # runs in the window that start while an earlier run of it is still busy
    peak: int  # the most runs of this schedule busy at once
    first: datetime | None  # the first run that starts while an earlier one is busy


@dataclass(frozen=True, slots=True)
class Load:
    """The warehouse load: how many syncs run at once, from the tracks that have a duration.

    A run is busy in ``[start, start + duration)``: one that ends exactly when another starts
    does not overlap it.
    """

    peak: int  # the most syncs running at once in the window
    at: datetime | None  # the first instant the peak is reached (UTC)
    until: datetime | None  # when that first stretch at the peak ends (UTC)
    names: tuple[str, ...]  # the schedules running then, each once, busiest first
    at_peak: timedelta  # how long, in all, the window spends at the peak
    #: per wall hour of the display zone, the most syncs running at once in it
    cells: dict[Cell, int]
    #: per track, the wall hours in which it is busy (empty for tracks without a duration)
    busy: tuple[frozenset[Cell], ...]
    selves: tuple[SelfOverlap, ...]  # one per track with a duration


def hour_segments(win: Window) -> list[tuple[int, Cell]]:
    """The window cut where the wall hour changes: (start in microseconds, cell), ascending.

    Exact for any offset (30- and 45-minute zones, old local mean times with seconds): within
    one offset the next hour begins when the wall clock reaches it; where the offset changes
    before that, the change (found to the microsecond) starts the next segment.  The repeated
    hour of a fold is two segments with one cell.  A zone that changes its offset twice within
    one hour and back again would be missed; none has.
    """
    out: list[tuple[int, Cell]] = []
    first = win.days[0]
    zone = win.zone
    tick = timedelta(microseconds=1)
    moment = win.start.astimezone(UTC)
    end = win.end.astimezone(UTC)
    while moment < end:
        local = moment.astimezone(zone)
        out.append((micros(moment), ((local.date() - first).days, local.hour)))
        upcoming = moment + timedelta(hours=1) - timedelta(
            minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
        offset = local.utcoffset()
        probe = min(upcoming, end) - tick
        if probe > moment and probe.astimezone(zone).utcoffset() != offset:
            low, high = moment, probe  # the offset is ``offset`` at low, another at high
            while high - low > tick:
                middle = low + (high - low) // 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            upcoming = high
        moment = upcoming
    return out


def busy_load(win: Window, tracks: Sequence[Track]) -> Load | None:
    """The busy spans of the tracks that have a duration, or ``None`` when none has one.

    One sweep over the starts and ends (ends first at the same instant), merged with the wall
    hours of the window: linear in runs plus hours, whatever the durations.
    """
    timed = [(i, t) for i, t in enumerate(tracks) if t.duration]
    if not timed:
        return None
    end_us = micros(win.end)
    start_us = micros(win.start)
    events: list[tuple[int, int, int]] = []  # (microseconds, +1 start / -1 end, track)
    selves: list[SelfOverlap] = []
    for index, track in timed:
        assert track.duration is not None
        length = micros(EPOCH + track.duration)
        starts = [micros(r) for r in (*track.carried, *track.runs)]
        for at in starts:
            events.append((at, 1, index))
            events.append((min(at + length, end_us), -1, index))
        selves.append(_self_overlap(index, track))
    events.sort(key=lambda e: (e[0], e[1]))
    segments = hour_segments(win)
    cells: dict[Cell, int] = {}
    busy: list[set[Cell]] = [set() for _ in tracks]
    active: Counter[int] = Counter()
    level = 0
    position = 0

    def apply(at: int) -> None:
        # Every event at one instant, ends first (the sort put -1 before +1).
        nonlocal level, position
        while position < len(events) and events[position][0] == at:
            _, delta, i = events[position]
            level += delta
            active[i] += delta
            if not active[i]:
                del active[i]
            position += 1

    while position < len(events) and events[position][0] < start_us:
        apply(events[position][0])  # the runs carried in from before the window
    time_at: Counter[int] = Counter()  # microseconds spent at each level
    peak, peak_at, peak_until = 0, -1, -1
    peak_names: Counter[int] = Counter()
    seg = 0
    cell = segments[0][1]
    previous = start_us
    while True:
        at = min(events[position][0] if position < len(events) else end_us,
                 segments[seg][0] if seg < len(segments) else end_us)
        if at >= end_us:
            break
        time_at[level] += at - previous
        previous = at
        apply(at)
        if seg < len(segments) and segments[seg][0] == at:
            cell = segments[seg][1]
            seg += 1
        # [at, the next instant) is at ``level``, in ``cell``.
        cells[cell] = max(cells.get(cell, 0), level)
        for i in active:
            busy[i].add(cell)
        if level > peak:
            peak, peak_at, peak_until = level, at, -1
            peak_names = active.copy()
        elif peak_until < 0 <= peak_at and level < peak:
            peak_until = at
    time_at[level] += end_us - previous
    names = tuple(tracks[i].name for i, _ in sorted(peak_names.items(),
                                                      key=lambda kv: (-kv[1], kv[0])))
    first = None if peak_at < 0 else EPOCH + timedelta(microseconds=peak_at)
    until = None if first is None else (
        win.end.astimezone(UTC) if peak_until < 0
        else EPOCH + timedelta(microseconds=peak_until))
    return Load(peak, first, until, names, timedelta(microseconds=time_at[peak] if peak else 0),
                cells, tuple(frozenset(b) for b in busy), tuple(selves))


def run_overlaps(track: Track) -> list[int]:
    """For each run of ``track`` in the window, how many runs of it are busy when it starts
    (itself included: 1 is no overlap).  Two pointers: linear in the runs."""
    if not track.duration:
        return [1] * len(track.runs)
    length = micros(EPOCH + track.duration)
    starts = [micros(r) for r in (*track.carried, *track.runs)]
    out: list[int] = []
    oldest = 0  # the earliest run still busy at starts[k]
    for k, at in enumerate(starts):
        while starts[oldest] + length <= at:
            oldest += 1
        if k >= len(track.carried):
            out.append(k - oldest + 1)
    return out


def _self_overlap(index: int, track: Track) -> SelfOverlap:
    running = run_overlaps(track)
    overlapping = [k for k, n in enumerate(running) if n > 1]
    first = track.runs[overlapping[0]].astimezone(UTC) if overlapping else None
    return SelfOverlap(index, len(overlapping), max(running, default=0), first)


# -- pile-ups -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """Wall hours of the display zone with the same load: ``runs`` from the same schedules.

    A load that recurs (the same schedules at 02:00 every night) is one slot with many days.
    """

    hour: int
    days: tuple[date, ...]
    runs: int  # runs starting in the hour, on each of ``days``
    schedules: tuple[tuple[str, int], ...]  # (name, runs in the hour), busiest first


@dataclass(frozen=True, slots=True)
class PileUp:
    """The busiest hours, and the peaks of the whole window."""

    slots: tuple[Slot, ...]
    peak: int  # the most syncs starting in one wall hour
    peak_hours: int  # how many hours reach it
    widest: int  # the most distinct schedules starting in one wall hour
    together: int  # the most syncs starting at the same instant


def pileups(cal: Calendar, top: int = 5) -> PileUp:
    """The ``top`` busiest loads: most runs per hour, then most schedules, then earliest."""
    per: dict[Cell, Counter[int]] = {}
    for index, cells in enumerate(cal.cells):
        for cell in cells:
            per.setdefault(cell, Counter())[index] += 1
    if not per:
        return PileUp((), 0, 0, 0, 0)
    ranked = sorted(per, key=lambda c: (-cal.counts[c], -len(per[c]), c))
    groups: dict[tuple[int, int, tuple[tuple[int, int], ...]], list[int]] = {}
    for cell in ranked:
        shares = tuple(sorted(per[cell].items(), key=lambda kv: (-kv[1], kv[0])))
        key = (cell[1], cal.counts[cell], shares)
        if key not in groups and len(groups) == top:
            continue
        groups.setdefault(key, []).append(cell[0])
    slots = tuple(
        Slot(hour, tuple(cal.window.days[i] for i in sorted(days)), runs,
             tuple((cal.tracks[i].name, n) for i, n in shares))
        for (hour, runs, shares), days in groups.items())
    peak = cal.counts[ranked[0]]
    instants = Counter(run for track in cal.tracks for run in track.runs)
    return PileUp(slots, peak, sum(1 for c in ranked if cal.counts[c] == peak),
                  max(len(v) for v in per.values()), max(instants.values()))
