"""SL409: runs closer than 15 real minutes on a DST change day, looked for ahead of ``as_of``.

``check()`` calls this for every valid cron schedule, so it stays light: the run engine
(``runs.gaps``) is imported only when some run time lies near one of the zone's coming
transitions.  The engine never imports this module.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Final, NamedTuple

from schedulelib.core.cron import CronExpr
from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.floor import bits
from schedulelib.core.tzcalc import Transition, get_zone

LOOK_AHEAD: Final = timedelta(days=2 * 365)


class ShortGap(NamedTuple):
    """Two consecutive runs (go policy) less than 15 real minutes apart around a DST change.

    ``day`` is the local date of ``first``; ``gap`` is the real (absolute) time between them.
    """

    day: date
    first: datetime
    second: datetime
    gap: timedelta

    def describe(self) -> str:
        minutes = self.gap.total_seconds() / 60
        amount = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        return (f"on {self.day.isoformat()} the DST change in {self.first.tzinfo} puts runs "
                f"at {_clock(self.first)} and {_clock(self.second)} only {amount} apart in "
                "real time")


class ShortGapCause(NamedTuple):
    """One cause of SL409: the same two wall times (with their zone abbreviations) the same
    real time apart, on every date in ``gaps`` (one per DST change, in order)."""

    first: str  # "01:50 EDT"
    second: str  # "01:00 EST"
    gap: timedelta
    gaps: tuple[ShortGap, ...]

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(g.day for g in self.gaps)

    def describe(self) -> str:
        minutes = self.gap.total_seconds() / 60
        amount = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        days = [d.isoformat() for d in self.days]
        when = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
        return (f"on {when} the DST change in {self.gaps[0].first.tzinfo} puts runs at "
                f"{self.first} and {self.second} only {amount} apart in real time")


def _clock(dt: datetime) -> str:
    return f"{dt:%H:%M} {dt.tzname()}"


def short_gap_causes(expr: CronExpr, zone_key: str,
                     as_of: datetime | None) -> list[ShortGapCause]:
    """:func:`short_real_gaps` grouped by cause (the same wall times and gap), in order of
    first date: one SL409 per cause names every date."""
    groups: dict[tuple[str, str, timedelta], list[ShortGap]] = {}
    for gap in short_real_gaps(expr, zone_key, as_of):
        groups.setdefault((_clock(gap.first), _clock(gap.second), gap.gap), []).append(gap)
    return [ShortGapCause(first, second, length, tuple(gaps))
            for (first, second, length), gaps in groups.items()]


def short_real_gaps(expr: CronExpr, zone_key: str, as_of: datetime | None) -> list[ShortGap]:
    """DST change days in the two years after ``as_of`` on which two consecutive runs of
    ``expr`` in ``zone_key`` (go policy) are less than 15 real minutes apart.

    Deterministic from ``as_of`` (default: now).  For warning SL409.
    """
    if as_of is None:
        as_of = datetime.now(UTC)
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise ScheduleError(f"as_of must be an aware datetime, got naive {as_of!r}")
    zone = get_zone(zone_key)
    # Clamped to the instants datetime can hold: the look-ahead ends with year 9999.
    start = max(math.floor(as_of.timestamp()), zone.first_instant)
    out: list[ShortGap] = []
    for transition in zone.transitions(start, start + int(LOOK_AHEAD.total_seconds())):
        if not _runs_near(expr.minutes, expr.hours, transition):
            continue
        from schedulelib.core.runs.gaps import (
            gaps_at,  # the engine, only now that a run is near a change
        )

        for first, second in gaps_at(expr, zone_key, transition.at):
            a, b = zone.local(first), zone.local(second)
            if b > as_of:
                out.append(ShortGap(a.date(), a, b, timedelta(seconds=second - first)))
    return out


def _runs_near(minutes: int, hours: int, transition: Transition) -> bool:
    """Whether some run time of day lies near the transition's wall times.

    Runs less than 15 real minutes apart must straddle the transition (on one side of it the
    offset is fixed and the wall-clock floor holds), so each lies within 15 real minutes of
    it: within 15 minutes plus the size of the change of its wall time before or after.
    Engine quirks only ever move a run to a wall time next to the change, inside that window.
    """
    shift = abs(transition.after - transition.before) // 60
    one_a_day = minutes & (minutes - 1) == 0 and hours & (hours - 1) == 0
    if shift >= 15 and 15 + shift <= (1440 if one_a_day else _spacing(minutes, hours)):
        # Run times of day at least 15 minutes + the shift apart (around the clock): runs on
        # either side of a change are that apart in wall time, so at least 15 real minutes;
        # when the clock goes back, at most one run time falls in the repeated hour(s) and it
        # comes again after the shift itself.  One run a day (spacing 24 h) is the case of a
        # shift of 15 minutes to 23:45.  No engine step needed (tests/test_short_gaps.py).
        return False
    reach = 15 + shift
    wall_before = (transition.at + transition.before) // 60 % 1440
    wall_after = (transition.at + transition.after) // 60 % 1440
    for t in _times_of_day(minutes, hours):
        for wall in (wall_before, wall_after):
            distance = abs(t - wall)
            if min(distance, 1440 - distance) <= reach:
                return True
    return False


# At most 1,440 minutes an entry (about 50 KB for '* *'): 64 entries bound it to a few MB.
@lru_cache(maxsize=64)
def _times_of_day(minutes: int, hours: int) -> tuple[int, ...]:
    return tuple(h * 60 + m for h in range(24) if hours >> h & 1
                 for m in range(60) if minutes >> m & 1)


@lru_cache(maxsize=256)
def _spacing(minutes: int, hours: int) -> int:
    """The least distance in minutes between two run times of day, around the clock (1440
    for one run a day); 0 for three or more minutes an hour, some two under 30 minutes apart,
    too close for any shift (so dense specs never expand their times here)."""
    if minutes.bit_count() > 2:
        return 0
    # From the set bits, not _times_of_day: a cold check() of a sparse spec stays cheap.
    times = sorted(h * 60 + m for h in bits(hours) for m in bits(minutes))
    if len(times) < 2:
        return 1440
    return min([b - a for a, b in pairwise(times)] + [times[0] + 1440 - times[-1]])
