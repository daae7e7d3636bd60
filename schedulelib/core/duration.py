"""Go durations, bit for bit: ``time.ParseDuration`` and ``Duration.String``.

Go works on bytes and accumulates in uint64; the fraction goes through float64.  Every quirk
below is Go's (go1.19 and current master share this code), proven by the vectors in
``tests/data/go/`` that ``tools/govectors`` generates with Go itself.
"""

from __future__ import annotations

from datetime import timedelta
from functools import total_ordering

from schedulelib._support.records import Frozen, frozen_value
from schedulelib._support.text import surrogate
from schedulelib.core.diagnostics import DurationError, diagnostic

_U64 = (1 << 64) - 1
_MAX = 1 << 63  # uint64 accumulation allows exactly 2**63 before the sign is applied

# time.unitMap: byte-string keys, case-sensitive; both micro signs (U+00B5 and U+03BC).
_UNITS: dict[bytes, int] = {
    b"ns": 1,
    b"us": 1_000,
    "µs".encode(): 1_000,  # U+00B5 MICRO SIGN
    "μs".encode(): 1_000,  # U+03BC GREEK SMALL LETTER MU
    b"ms": 1_000_000,
    b"s": 1_000_000_000,
    b"m": 60_000_000_000,
    b"h": 3_600_000_000_000,
}

def _go_quote(s: bytes) -> str:
    """time.quote (Go 1.17+): escape every byte of a non-ASCII or control rune as \\xNN."""
    out = ['"']
    i, n = 0, len(s)
    while i < n:
        b = s[i]
        if b < 0x80:
            if b < 0x20:
                out.append(f"\\x{b:02x}")
            else:
                if b in (0x22, 0x5C):  # '"' and '\\'
                    out.append("\\")
                out.append(chr(b))
            i += 1
            continue
        width = _rune_width(s, i)
        out.extend(f"\\x{c:02x}" for c in s[i : i + width])
        i += width
    out.append('"')
    return "".join(out)


def _rune_width(s: bytes, i: int) -> int:
    """Bytes Go's range loop consumes at s[i] (1 for an invalid sequence, decoded as U+FFFD)."""
    for width in (2, 3, 4):
        try:
            s[i : i + width].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return width
    return 1


def _to_bytes(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        return text
    if not isinstance(text, str):
        raise TypeError(f"a duration is text (str or bytes), got {type(text).__name__} "
                        f"{text!r:.60}")
    # A lone surrogate cannot reach Go: its JSON decoder turns one into U+FFFD.
    return (text if text.isascii() else surrogate().sub("\ufffd", text)).encode("utf-8")


def _invalid(orig: bytes) -> DurationError:
    return DurationError("time: invalid duration " + _go_quote(orig))


def _parse_ns(text: str | bytes) -> int:
    """time.ParseDuration; returns int64 nanoseconds or raises DurationError with Go's text."""
    orig = s = _to_bytes(text)
    neg = False
    if s and s[0] in b"-+":  # at most one sign, only at the very start
        neg = s[0] == 0x2D
        s = s[1:]
    if s == b"0":  # the only unit-less value: "0", "-0", "+0" ("00" and "0.0" are errors)
        return 0
    if not s:
        raise _invalid(orig)
    d = 0
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        if not (c == 0x2E or 0x30 <= c <= 0x39):
            raise _invalid(orig)
        # leadingInt: overflow beyond 2**63 is an error
        start = i
        v = 0
        while i < n and 0x30 <= s[i] <= 0x39:
            if v > _MAX // 10:
                raise _invalid(orig)
            v = v * 10 + (s[i] - 0x30)
            if v > _MAX:
                raise _invalid(orig)
            i += 1
        pre = i != start
        f = 0
        scale = 1.0
        post = False
        if i < n and s[i] == 0x2E:
            i += 1
            start = i
            # leadingFraction: never fails; digits past overflow are consumed and dropped
            overflow = False
            while i < n and 0x30 <= s[i] <= 0x39:
                c = s[i] - 0x30
                i += 1
                if overflow:
                    continue
                if f > (_MAX - 1) // 10:
                    overflow = True
                    continue
                y = f * 10 + c
                if y > _MAX:
                    overflow = True
                    continue
                f = y
                scale *= 10.0
            post = i != start
        if not pre and not post:  # ".s", "." and "-." have no digits
            raise _invalid(orig)
        # The unit runs to the next '.' or ASCII digit, whatever the bytes are ("h " in "1h 2m").
        start = i
        while i < n and not (s[i] == 0x2E or 0x30 <= s[i] <= 0x39):
            i += 1
        if i == start:
            raise DurationError("time: missing unit in duration " + _go_quote(orig))
        u = s[start:i]
        unit = _UNITS.get(u)
        if unit is None:
            raise DurationError(
                "time: unknown unit " + _go_quote(u) + " in duration " + _go_quote(orig)
            )
        if v > _MAX // unit:
            raise _invalid(orig)
        v *= unit
        if f > 0:
            # float64(f) * (float64(unit) / scale), truncated: Python floats are IEEE binary64
            v += int(float(f) * (float(unit) / scale))
            if v > _MAX:
                raise _invalid(orig)
        d = (d + v) & _U64  # Go does not check this add: two parts of 2**63 wrap to 0
        if d > _MAX:
            raise _invalid(orig)
    if neg:
        return -d  # 2**63 becomes MinInt64, as Go's -Duration(d) does
    if d > _MAX - 1:
        raise _invalid(orig)
    return d


def _frac(v: int, prec: int) -> tuple[str, int]:
    """fmtFrac: the low ``prec`` digits, trailing zeros dropped, with a leading '.' if any."""
    digits = f"{v % 10**prec:0{prec}d}".rstrip("0")
    return ("." + digits if digits else ""), v // 10**prec


def format_duration(ns: int) -> str:
    """Go's ``Duration.String`` for an int64 count of nanoseconds."""
    if not -(1 << 63) <= ns < (1 << 63):
        raise ValueError(f"duration {ns} ns is outside Go's int64 range")
    u = -ns if ns < 0 else ns
    if u < 1_000_000_000:
        if u == 0:
            return "0s"
        if u < 1_000:
            text = f"{u}ns"
        else:
            prec, unit = (3, "µs") if u < 1_000_000 else (6, "ms")
            frac, whole = _frac(u, prec)
            text = f"{whole}{frac}{unit}"
    else:
        frac, secs = _frac(u, 9)
        text = f"{secs % 60}{frac}s"
        mins = secs // 60
        if mins:
            text = f"{mins % 60}m{text}"
            if mins // 60:
                text = f"{mins // 60}h{text}"
    return "-" + text if ns < 0 else text


@total_ordering
@frozen_value(slots=True)
class Duration(Frozen):
    """A Go ``time.Duration``: an int64 count of nanoseconds."""

    nanoseconds: int

    def __init__(self, nanoseconds: int) -> None:
        object.__setattr__(self, "nanoseconds", nanoseconds)

    def __str__(self) -> str:
        return format_duration(self.nanoseconds)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self.nanoseconds < other.nanoseconds

    def to_timedelta(self) -> timedelta:
        """The duration as a timedelta (microsecond resolution, nanoseconds truncated)."""
        micros = abs(self.nanoseconds) // 1000
        return timedelta(microseconds=-micros if self.nanoseconds < 0 else micros)


def parse_duration(text: str | bytes) -> Duration:
    """Parse ``text`` exactly as Go's ``time.ParseDuration`` does.

    Raises :class:`DurationError` whose ``str()`` is Go's error text, byte for byte.
    """
    try:
        return Duration(_parse_ns(text))
    except DurationError as exc:
        message = str(exc)
        raise DurationError(message, [diagnostic("SL202", "", message)]) from None


MINUTE = 60_000_000_000
HOUR = 60 * MINUTE
