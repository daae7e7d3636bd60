"""Zone arithmetic for run expansion: transitions, offsets, and Go's ``time.Date``.

Everything here works on Unix seconds (``int``) and reads the bundled ``tzdata`` package, the
same zone rules :func:`schedulelib.core.zones.load` gives to ``zoneinfo``.  Offsets always come from
``zoneinfo`` (which also evaluates the POSIX footer past the last explicit transition); the
TZif file is read only to learn *where* the explicit transitions are.
"""

from __future__ import annotations

import struct
from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta
from functools import cache, cached_property, lru_cache
from typing import NamedTuple

from schedulelib.core.diagnostics import ScheduleError

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
DAY = 86400
_MIN_YEAR, _MAX_YEAR = 1, 9999
# The instants datetime can hold in UTC: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
_MIN_TS = (1 - EPOCH_ORDINAL) * DAY
_MAX_TS = (date(9999, 12, 31).toordinal() - EPOCH_ORDINAL + 1) * DAY - 1
# Footer years are scanned at this step; POSIX rules put months between two transitions
# (tests/test_runs_transitions.py compares the scan with one at an hour's step, every zone).
_SCAN_STEP = 2 * 86400
# changes_between() looks transitions up in blocks of this many seconds (about 4 years).
_BLOCK = 1 << 27


class Transition(NamedTuple):
    """An instant where the zone's UTC offset changes from ``before`` to ``after`` seconds."""

    at: int
    before: int
    after: int


class Zone:
    """One IANA zone with cached per-year tables.  Use :func:`get_zone`; never mutate."""

    def __init__(self, key: str) -> None:
        self.key = key
        try:
            from schedulelib.core.zones import load

            self.tz = load(key)
        except (KeyError, ValueError, OSError) as exc:
            raise ScheduleError(f"unknown time zone {key!r}: not a key of the bundled tzdata "
                                "package") from exc
        self._explicit = _explicit_transitions(key)
        self._last_explicit = self._explicit[-1] if self._explicit else -(1 << 62)

    def __repr__(self) -> str:
        return f"Zone({self.key!r})"

    # -- offsets and wall clock --------------------------------------------------------------

    def offset_at(self, ts: int) -> int:
        """UTC offset in seconds at instant ``ts`` (Go's ``lookup``; Python's ``fromutc``)."""
        try:
            off = datetime.fromtimestamp(ts, self.tz).utcoffset()
        except (OverflowError, ValueError, OSError):
            # The local time is outside years 1-9999: no zone changes in the first or last
            # days of the calendar, so the offset two days inside holds.
            return self.offset_at(max(_MIN_TS + 2 * DAY, min(ts, _MAX_TS - 2 * DAY)))
        assert off is not None
        return int(off.total_seconds())

    @cached_property
    def first_instant(self) -> int:
        """Midnight starting 1 February of year 1 here (or in UTC, if later): from it on,
        every wall time an engine looks at (robfig goes back to the 1st of the month, the
        others to the day before) is an instant datetime can hold."""
        return max(_MIN_TS, _MIN_TS - self.offset_at(_MIN_TS + 2 * DAY)) + 31 * DAY

    @cached_property
    def last_instant(self) -> int:
        """The last instant whose wall clock here is in year 9999 (and in UTC too)."""
        return min(_MAX_TS, _MAX_TS - self.offset_at(_MAX_TS - 2 * DAY))

    def local(self, ts: float) -> datetime:
        """The aware local datetime of instant ``ts`` (``fold`` set for repeated wall times)."""
        return datetime.fromtimestamp(ts, self.tz)

    def go_date(self, year: int, month: int, day: int, hour: int, minute: int,
                second: int) -> int:
        """Go's ``time.Date(year, month, day, hour, min, sec, 0, loc)`` as Unix seconds.

        Fields overflow as in Go (month 13, day 0, hour 24...).  In a gap or an overlap Go
        takes the offset at the wall time read as UTC, then the offset at that guess
        (go-time-facts.md section 5): ``off1 = offset(L)``, ``result = L - offset(L - off1)``.
        """
        year += (month - 1) // 12
        month = (month - 1) % 12 + 1
        days = date(year, month, 1).toordinal() - EPOCH_ORDINAL + day - 1
        wall = days * DAY + hour * 3600 + minute * 60 + second
        off1 = self.offset_at(wall)
        return wall - self.offset_at(wall - off1)

    # -- transitions -------------------------------------------------------------------------

    def transitions(self, start: int, end: int) -> list[Transition]:
        """Every offset change with ``start <= at < end``, in order."""
        out: list[Transition] = []
        start, end = max(start, _MIN_TS), min(end, _MAX_TS + 1)
        if start >= end:
            return out
        first = datetime.fromtimestamp(start, UTC).year
        last = datetime.fromtimestamp(end - 1, UTC).year
        for year in range(first, last + 1):
            out.extend(t for t in self.year_transitions(year) if start <= t.at < end)
        return out

    @lru_cache(maxsize=512)  # noqa: B019 - zones live for the process (see get_zone)
    def year_transitions(self, year: int) -> tuple[Transition, ...]:
        """Offset changes whose instant falls in UTC calendar ``year`` (none outside 1-9999)."""
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return ()
        start, end = _year_span(year)
        out: list[Transition] = []
        candidates = self._explicit[bisect_left(self._explicit, start):
                                    bisect_left(self._explicit, end)]
        for at in candidates:
            before, after = self.offset_at(at - 1), self.offset_at(at)
            if before != after:
                out.append(Transition(at, before, after))
        if end > self._last_explicit:
            # Past the last explicit transition the POSIX footer rules: find its changes by
            # scanning zoneinfo and bisecting to the second.
            probe = max(start, self._last_explicit + 1)
            prev = self.offset_at(probe)
            while probe < end - 1:
                nxt = min(probe + _SCAN_STEP, end - 1)
                off = self.offset_at(nxt)
                if off != prev:
                    lo, hi = probe, nxt  # offset(lo) == prev, offset(hi) != prev
                    while hi - lo > 1:
                        mid = (lo + hi) // 2
                        if self.offset_at(mid) == prev:
                            lo = mid
                        else:
                            hi = mid
                    if hi < end:
                        out.append(Transition(hi, prev, self.offset_at(hi)))
                    prev = off
                probe = nxt
        return tuple(out)

    @lru_cache(maxsize=512)  # noqa: B019
    def silent_changes(self, year: int) -> tuple[int, ...]:
        """Explicit transitions in UTC ``year`` that keep the offset (only the abbreviation or
        the DST flag changes: America/Nuuk 2023-10-29).

        No engine sees them in absolute time, but ``zoneinfo`` reads wall times by its
        transition list: at Nuuk's, the last explicit one, it hands over to the POSIX rule,
        which reads 23:00-24:00 on 28 October as -01 (DST until midnight by the rule), so a
        wall time there is an instant an hour early.  Their dates are dirty too.
        """
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return ()
        start, end = _year_span(year)
        return tuple(at for at in self._explicit[bisect_left(self._explicit, start):
                                                 bisect_left(self._explicit, end)]
                     if self.offset_at(at - 1) == self.offset_at(at))

    @lru_cache(maxsize=512)  # noqa: B019
    def dirty_ordinals(self, year: int) -> frozenset[int]:
        """Local dates (proleptic ordinals) near a transition, for local calendar ``year``.

        A date is dirty when an offset change happens on it (by either offset's wall clock:
        Sao Paulo's midnight gap makes 4 November dirty, not the 3rd), or when the offset
        there is not a whole number of minutes (local mean time).  Every other date maps
        each wall time to one instant by a fixed offset, so runs there are plain wall-clock
        arithmetic.
        """
        dirty: set[int] = set()
        for utc_year in (year - 1, year, year + 1):
            for t in self.year_transitions(utc_year):
                # A transition's instant lies on the local date of its wall time under one
                # offset or the other; any other date keeps one offset all day.
                dirty.update((t.at + off) // DAY + EPOCH_ORDINAL for off in (t.before, t.after))
            for at in self.silent_changes(utc_year):
                dirty.add((at + self.offset_at(at)) // DAY + EPOCH_ORDINAL)
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        noon = (first - EPOCH_ORDINAL) * DAY + 43200
        if any(self.offset_at(noon + k * 30 * DAY) % 60 for k in range(13)):
            dirty.update(range(first, last + 1))
        return frozenset(o for o in dirty if first <= o <= last)

    def unique_wall(self, wall: int) -> bool:
        """True when wall-clock time ``wall`` (seconds, as if UTC) names exactly one instant."""
        offsets = {self.offset_at(wall - DAY), self.offset_at(wall + DAY)}
        offsets.update(self.offset_at(wall - off) for off in tuple(offsets))
        return sum(1 for off in offsets if self.offset_at(wall - off) == off) == 1

    def changes_between(self, lo: int, hi: int) -> bool:
        """True when the offset changes at some instant in ``(lo, hi]``."""
        block = lo // _BLOCK
        while True:
            starts = self._block_starts(block)
            i = bisect_right(starts, lo)
            if i < len(starts):
                return starts[i] <= hi
            block += 1
            if block * _BLOCK > hi:
                return False

    @lru_cache(maxsize=512)  # noqa: B019
    def _block_starts(self, block: int) -> tuple[int, ...]:
        """Transition instants in ``[block * _BLOCK, (block + 1) * _BLOCK)``."""
        lo, hi = block * _BLOCK, (block + 1) * _BLOCK
        first = max(_MIN_YEAR, datetime.fromtimestamp(max(lo, _MIN_TS), UTC).year)
        last = min(_MAX_YEAR, datetime.fromtimestamp(min(hi - 1, _MAX_TS), UTC).year)
        return tuple(t.at for year in range(first, last + 1)
                     for t in self.year_transitions(year) if lo <= t.at < hi)

    def abbreviation(self, ts: int) -> str:
        return self.local(ts).tzname() or ""


def _year_span(year: int) -> tuple[int, int]:
    """UTC ``year`` as Unix seconds ``[start, end)``."""
    start = (date(year, 1, 1).toordinal() - EPOCH_ORDINAL) * DAY
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return start, start + (366 if leap else 365) * DAY


@cache
def get_zone(key: str) -> Zone:
    """The shared :class:`Zone` for ``key`` (tables are cached on it)."""
    return Zone(key)


@cache
def _explicit_transitions(key: str) -> list[int]:
    """Transition instants listed in the zone's TZif file (version 2+ 64-bit block)."""
    from schedulelib.core.zones import tzdata_bytes

    try:
        data = tzdata_bytes("zoneinfo", *key.split("/"))
    except (OSError, ValueError):
        return []
    if data[:4] != b"TZif":
        return []
    isut, isstd, leap, timecnt, typecnt, charcnt = struct.unpack(">6l", data[20:44])
    if data[4:5] == b"\x00":
        return list(struct.unpack(f">{timecnt}l", data[44:44 + 4 * timecnt]))
    skip = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    timecnt = struct.unpack(">6l", data[skip + 20:skip + 44])[3]
    base = skip + 44
    return list(struct.unpack(f">{timecnt}q", data[base:base + 8 * timecnt]))


def to_ts(dt: datetime) -> float:
    """Unix seconds of an aware datetime (float, microseconds kept)."""
    return dt.timestamp()


def ordinal_of(ts: int, offset: int) -> int:
    return (ts + offset) // DAY + EPOCH_ORDINAL


ONE_DAY = timedelta(days=1)
