"""JSON text -> value, strictly: positions for syntax errors, no NaN, no duplicate keys.

The C ``json`` module does the parsing; its hooks only notice a duplicated key or a
non-finite number.  Only then, or when a finding needs a line and column, does the slower
position-aware reader below walk the text.
"""

from __future__ import annotations

import json
import math
import re
import sys
from functools import cache

from schedulelib.core.diagnostics import Diagnostic, diagnostic, pointer

_NON_FINITE = {"NaN", "Infinity", "-Infinity"}


class _Flags:
    """What the hooks of json.loads noticed."""

    # Plain classes, not dataclasses, for this module's private state: a dataclass costs
    # a few tenths of a millisecond to define on every start (docs/decisions.md D55).
    __slots__ = ("duplicate", "non_finite", "too_long")

    def __init__(self) -> None:
        self.duplicate = self.non_finite = self.too_long = False


# Digits enough for an integer Python will not convert, or a float that overflows to infinity:
# only then are numbers looked at one by one.
_LONG_NUMBER = re.compile(r"[0-9]{300}|[eE]\+?0*[0-9]{3}")


def _digits_limit() -> int:
    get = getattr(sys, "get_int_max_str_digits", None)
    return (get() if get is not None else 0) or sys.maxsize


def decode(text: str | bytes) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 bytes (a BOM tolerated) -> text, or a finding naming the bad byte."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, [diagnostic(
                "SL001", "", f"the text is not UTF-8: byte 0x{text[exc.start]:02x} at offset "
                f"{exc.start} cannot be decoded", "save the file as UTF-8")]
    return text.removeprefix("\ufeff"), []


def parse_json(text: str | bytes) -> tuple[object, list[Diagnostic]]:
    """The parsed value (None if it did not parse) and every problem found.

    SL001 syntax error (its message names the line and column), SL002 NaN / Infinity, SL003
    duplicate key.
    """
    decoded, problems = decode(text)
    if decoded is None:
        return None, problems
    value, problems, offset = read_json(decoded)
    if offset is not None and problems and problems[0].code == "SL001":
        # Here the message is the only place the position can go.
        line, column = _position(decoded, offset)
        first = problems[0]
        problems[0] = Diagnostic(first.code, first.severity, first.path,
                                 f"invalid JSON at line {line}, column {column}: "
                                 f"{first.message.removeprefix('invalid JSON: ')}", first.hint)
    return value, problems


def read_json(decoded: str) -> tuple[object, list[Diagnostic], int | None]:
    """:func:`parse_json` for decoded text, with the offset of a syntax error apart from its
    message (None when there is none), for callers that place findings themselves."""
    problems: list[Diagnostic] = []
    flags = _Flags()

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        out = dict(items)
        if len(out) != len(items):
            flags.duplicate = True
        return out

    def constant(name: str) -> float:
        flags.non_finite = True
        return float(name.replace("Infinity", "inf"))

    if not decoded.strip():
        return None, [diagnostic("SL001", "", "the document is empty",
                                 'write a schedule object, e.g. {"strategy": "manual"}')], None
    def integer(text: str) -> int | None:
        if len(text) > _digits_limit():
            flags.too_long = True
            return None  # reported as SL008; the schedule holding it is not checked
        return int(text)

    def number(text: str) -> float:
        value = float(text)
        if math.isinf(value):
            flags.too_long = True
        return value

    if _too_deep(decoded):
        return None, [diagnostic(
            "SL001", "", f"the JSON is nested more than {MAX_DEPTH} levels deep",
            "a schedule configuration is a few levels deep: check how this file was made")], None
    long_numbers = _LONG_NUMBER.search(decoded) is not None
    try:
        if long_numbers:
            value = json.loads(decoded, object_pairs_hook=pairs, parse_constant=constant,
                               parse_int=integer, parse_float=number)
        else:
            value = json.loads(decoded, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        return None, [diagnostic("SL001", "", f"invalid JSON: {exc.msg}",
                                 _syntax_hint(decoded, exc))], exc.pos
    except RecursionError:
        return None, [diagnostic("SL001", "", "the JSON is nested too deeply to read")], None
    if flags.duplicate or flags.non_finite or flags.too_long:
        problems = _Reader(decoded).problems()
    return value, problems, None


#: The deepest nesting read.  Python's own parser stops where the interpreter's recursion
#: limit is reached, which depends on how deep the caller already is (a file read by the
#: command line failed at a depth the library read); and placing a finding walks the text
#: recursively.  A fixed limit, far above any configuration, gives one answer everywhere.
MAX_DEPTH = 200


@cache
def _tokens() -> re.Pattern[str]:
    """A string (to its closing quote, or to the end of an invalid text) or a bracket;
    compiled on first use, as every pattern a clean file never needs (decision D55)."""
    return re.compile(r'"(?:[^"\\]|\\[\s\S]?)*(?:"|\Z)|[\[\]{}]')


def _too_deep(text: str) -> bool:
    """Whether ``text`` opens more than :data:`MAX_DEPTH` arrays and objects inside each
    other (strings skipped); linear, and free for a text with few brackets."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for match in _tokens().finditer(text):
        token = match[0]
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif token in "]}":
            depth = max(0, depth - 1)
    return False


#: At most this many findings of one code in one file: a generated file with 300,000
#: duplicate keys gets a hundred and a count, not 300,000 findings (and gigabytes of SARIF).
MAX_PER_CODE = 100


def _capped(found: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` with at most :data:`MAX_PER_CODE` of each code; the last kept says how many
    more there were."""
    counts: dict[str, int] = {}
    for d in found:
        counts[d.code] = counts.get(d.code, 0) + 1
    if all(n <= MAX_PER_CODE for n in counts.values()):
        return found
    kept: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for d in found:
        n = seen[d.code] = seen.get(d.code, 0) + 1
        if n < MAX_PER_CODE or (n == MAX_PER_CODE and counts[d.code] == MAX_PER_CODE):
            kept.append(d)
        elif n == MAX_PER_CODE:
            more = counts[d.code] - MAX_PER_CODE
            kept.append(Diagnostic(d.code, d.severity, d.path, f"{d.message} (and {more:,} more "
                                   f"{d.code} in this file, not listed)", d.hint))
    return kept


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _syntax_hint(text: str, exc: json.JSONDecodeError) -> str:
    if exc.msg.startswith("Expecting property name") and text[exc.pos: exc.pos + 1] == "{":
        return "an object cannot hold another object without a key: remove the extra brace"
    if exc.msg.startswith("Expecting property name") and text[exc.pos: exc.pos + 1] == "}":
        return "remove the trailing comma before '}'"
    if exc.msg == "Expecting value" and text[exc.pos: exc.pos + 1] == "]":
        return "remove the trailing comma before ']'"
    if exc.msg.startswith("Expecting property name") and text[exc.pos: exc.pos + 1] == "'":
        return "JSON strings and keys take double quotes"
    return "correct the JSON at that position"


# -- the position-aware reader ---------------------------------------------------------------


@cache
def _lexer() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Whitespace, a string, a number, a word: the reader's patterns, compiled when a finding
    first needs a place (a clean file never does)."""
    return (re.compile(r"[ \t\n\r]*"),
            re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"'),
            re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"),
            re.compile(r"true|false|null|NaN|Infinity|-Infinity"))


class _Reader:
    """Walks valid JSON text, recording where each value starts (only after json.loads
    accepted the text, so it never has to report a syntax error itself)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: dict[str, int] = {}
        #: Where each value ends (exclusive): ``text[starts[p]:ends[p]]`` is the value as written.
        self.ends: dict[str, int] = {}
        self.found: list[Diagnostic] = []
        self._lines: list[int] = []
        self._ws, self._string, self._number, self._word = _lexer()

    def problems(self) -> list[Diagnostic]:
        self.walk()
        return _capped(self.found)

    def walk(self) -> None:
        if not self.starts:
            self._value(self._ws.match(self.text, 0).end(), ())  # type: ignore[union-attr]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        if not self._lines:
            self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]
        from bisect import bisect_right

        line = bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    def _value(self, i: int, path: tuple[str | int, ...]) -> int:
        where = pointer(*path)
        self.starts[where] = i
        end = self._end_of_value(i, path)
        self.ends[where] = end
        return end

    def _end_of_value(self, i: int, path: tuple[str | int, ...]) -> int:
        c = self.text[i]
        if c == "{":
            return self._object(i, path)
        if c == "[":
            return self._array(i, path)
        if c == '"':
            return self._string.match(self.text, i).end()  # type: ignore[union-attr]
        word = self._word.match(self.text, i)
        if word is not None:
            if word.group() in _NON_FINITE:
                self.found.append(diagnostic(
                    "SL002", pointer(*path), f"{word.group()} is not a JSON number",
                    "write a finite number"))
            return word.end()
        end = self._number.match(self.text, i).end()  # type: ignore[union-attr]
        if end - i >= 300 or self.text.find("e", i, end) >= 0 or self.text.find("E", i, end) >= 0:
            self._long_number(self.text[i:end], path)
        return end

    def _long_number(self, text: str, path: tuple[str | int, ...]) -> None:
        if text.lstrip("-").isdigit():
            if len(text) <= _digits_limit():
                return
            what = f"has {len(text.lstrip('-')):,} digits, more than any reader holds"
        elif math.isinf(float(text)):
            what = "is too large for a 64-bit float"
        else:
            return
        self.found.append(diagnostic(
            "SL008", pointer(*path), f"the number {text[:20]}... {what}",
            "write the value intended; this schedule is not checked"))

    def _object(self, i: int, path: tuple[str | int, ...]) -> int:
        i = self._ws.match(self.text, i + 1).end()  # type: ignore[union-attr]
        seen: dict[str, int] = {}
        if self.text[i] == "}":
            return i + 1
        while True:
            end = self._string.match(self.text, i).end()  # type: ignore[union-attr]
            key = json.loads(self.text[i:end])
            if key in seen:
                line = self.position(seen[key])[0]
                self.found.append(diagnostic(
                    "SL003", pointer(*path, key), f"key {key!r} appears twice in one object "
                    f"(first on line {line})", "remove one of the two; JSON readers keep "
                    "different ones"))
            else:
                seen[key] = i
            i = self._ws.match(self.text, end).end()  # type: ignore[union-attr]
            i = self._ws.match(self.text, i + 1).end()  # type: ignore[union-attr]  # the ':'
            i = self._value(i, (*path, key))
            i = self._ws.match(self.text, i).end()  # type: ignore[union-attr]
            if self.text[i] == "}":
                return i + 1
            i = self._ws.match(self.text, i + 1).end()  # type: ignore[union-attr]  # the ','

    def _array(self, i: int, path: tuple[str | int, ...]) -> int:
        i = self._ws.match(self.text, i + 1).end()  # type: ignore[union-attr]
        if self.text[i] == "]":
            return i + 1
        index = 0
        while True:
            i = self._value(i, (*path, index))
            index += 1
            i = self._ws.match(self.text, i).end()  # type: ignore[union-attr]
            if self.text[i] == "]":
                return i + 1
            i = self._ws.match(self.text, i + 1).end()  # type: ignore[union-attr]


class JsonLocator:
    """Maps JSON Pointers into a JSON text to 1-based (line, column), lazily.

    A pointer to a missing member maps to its nearest existing ancestor.  The text must be
    JSON that :func:`parse_json` accepted (duplicates and NaN allowed).
    """

    def __init__(self, text: str) -> None:
        self._reader = _Reader(text)

    def locate(self, where: str) -> tuple[int, int]:
        return self._reader.position(self.range(where)[0])

    def range(self, where: str) -> tuple[int, int]:
        """Start and end (exclusive) offsets of the value at ``where``, quotes included."""
        self._reader.walk()
        starts = self._reader.starts
        while where not in starts and where:
            where = where.rsplit("/", 1)[0]
        if where not in starts:
            return 0, len(self._reader.text)
        return starts[where], self._reader.ends[where]
