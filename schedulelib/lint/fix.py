"""``schedulelib validate --fix``: repairs that keep a schedule's meaning, made in place.

A repair is planned for a finding only when what the user meant is beyond doubt (the table
:data:`SCOPE`; decisions D37-D39), and it is an :class:`Edit` of exactly the offending value's
span (:meth:`Found.span`), written in the value's own style: a quoted string
stays quoted with the same quotes, a YAML block scalar keeps its header and indentation.  Every
other character of the file, line endings included, is left as it was.

Each planned edit is checked twice before it is used: the text it replaces must read back (in
the file's own syntax) as the value the finding is about -- so a value that is not written
literally where it is reported (inside a JSON string in Terraform, behind a YAML anchor) is
never touched -- and the text it writes must read back as the new value.  Then the whole fixed
file is scanned and checked again, as validate would: the edits are kept only if every finding
they were made for is gone, nothing appears that was not there before, and each value written
is read there as the value meant; otherwise the file is left unchanged (:attr:`FileFix.refused`
says why).

Nothing here prints or writes but :func:`fix_file`, through :func:`~.write.write_fixed`
(:mod:`.write`: replacing a file safely).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import TypeAlias

from schedulelib.core.diagnostics import Diagnostic
from schedulelib.lint.scanning import Checker, StrPath, _checker, schedule_findings
from schedulelib.lint.sources import Finding, Found, Kind, Scan
from schedulelib.lint.write import (
    TEMPORARY_SUFFIX,
    FileChangedError,
    NotWritableError,
    remove_leftovers,
    write_fixed,
)

__all__ = ["SCOPE", "TEMPORARY_SUFFIX", "Edit", "FileChangedError", "FileFix", "Fix",
           "NotWritableError", "fix_file", "fix_scan", "fix_text", "remove_leftovers",
           "write_fixed"]

#: What ``--fix`` repairs, per code (docs/rules.md and ``schedulelib rule`` show it).
SCOPE: dict[str, str] = {
    "SL202": 'a whole number of days, alone or before the rest of a Go duration, becomes '
             'hours: "1d" is "24h", "1d12h" is "36h", "2d30m" is "48h30m"; only when the '
             "result is an interval Segment accepts, so weeks (\"1w\", \"7d\": 168h) are never "
             "rewritten",
    "SL303": 'a day or hour written as a string of digits ("08") becomes that number (8), '
             "when it is a valid day (0-6) or hour (0-23)",
    "SL305": "a day or hour written with a zero fraction (8.0) becomes the integer (8)",
    "SL306": "a day or hour listed again is removed; the first one and the order are kept",
    "SL404": "a macro of fixed times becomes its 5-field form: @yearly and @annually "
             "'0 0 1 1 *', @monthly '0 0 1 * *', @weekly '0 0 * * 0', @daily and @midnight "
             "'0 0 * * *', @hourly '0 * * * *' (@every and @reboot are not fixed)",
    "SL406": "'?' in the day-of-month or day-of-week field becomes '*' (robfig/cron reads them "
             "alike)",
    "SL504": "a zone name that is a backward-compatible link becomes the zone it links to "
             "(US/Eastern: America/New_York)",
}

Wanted: TypeAlias = Callable[[Finding], bool]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets into the decoded file) with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """The repair of one finding: what it does, in words, and its edits."""

    finding: Finding
    description: str
    edits: tuple[Edit, ...]
    #: Items of ``days`` / ``hours`` it deletes: (file pointer of the array, index).
    removed: tuple[tuple[str, int], ...] = ()
    #: The values it writes: (file pointer before any deletion, the value the file then holds
    #: there), checked on the fixed file.
    writes: tuple[tuple[str, object], ...] = ()

    @property
    def code(self) -> str:
        return self.finding.code


@dataclass(frozen=True)
class FileFix:
    """One file before and after its fixes, and what ``validate`` reports on the result."""

    file: str
    kind: Kind | None
    #: The decoded text before and after (None: the file could not be decoded).
    before: str | None = field(repr=False)
    after: str | None = field(repr=False)
    #: The fixes made, in file order (empty when nothing was fixed).
    fixes: tuple[Fix, ...]
    #: The findings on ``after``, exactly as ``validate`` would report them.
    findings: tuple[Finding, ...]
    schedules: int = 0
    #: Why planned fixes were not made ("" when they were, or when there were none).
    refused: str = ""

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self, label: str | None = None) -> str:
        """A unified diff from ``before`` to ``after`` ("" when nothing changed)."""
        if not self.changed or self.before is None or self.after is None:
            return ""
        import difflib

        name = label if label is not None else self.file
        lines = difflib.unified_diff(self.before.splitlines(keepends=True),
                                     self.after.splitlines(keepends=True), name, name)
        out = []
        for line in lines:
            if line.endswith("\n"):
                out.append(line)
            else:  # the last line of a file without a final line break, as git shows it
                out.append(line + "\n\\ No newline at end of file\n")
        return "".join(out)


# -- the public entry points ---------------------------------------------------------------------


def fix_text(text: str | bytes, *, name: str = "<text>", kind: Kind | None = None,
             as_of: datetime | None = None, codes: frozenset[str] | None = None) -> FileFix:
    """``text`` with every fixable finding repaired (only those of ``codes``, when given).

    ``name`` and ``kind`` are as for :func:`schedulelib.scan_text`.  ``after`` is the fixed
    text (without a byte order mark, as :attr:`schedulelib.ScannedFile.text`).
    """
    from schedulelib.lint.sources import scan

    return fix_scan(scan(text, name=name, kind=kind), checker=_checker(as_of),
                    wanted=_codes(codes))


def fix_file(path: StrPath, *, as_of: datetime | None = None,
             codes: frozenset[str] | None = None, write: bool = True) -> FileFix:
    """Repair the file at ``path`` in place (atomically; nothing is written unless something
    changed, or when ``write`` is False).  Raises :class:`OSError` only if writing fails."""
    from schedulelib.lint.sources import read_file

    result = fix_scan(read_file(os.fspath(path)), checker=_checker(as_of),
                      wanted=_codes(codes))
    if write and result.changed:
        write_fixed(result, path)
    return result


def fix_scan(scan: Scan, *, checker: Checker | None = None,
             wanted: Wanted | None = None) -> FileFix:
    """Check ``scan`` and repair what can be repaired (the findings ``wanted`` accepts)."""
    checker = checker or _checker(None)
    findings: list[Finding] = list(scan.findings)
    planned: list[Fix] = []
    text = scan.text
    for found in scan.schedules:
        pairs = schedule_findings(scan, found, checker)
        findings += [f for _, f in pairs]
        if text is not None and scan.kind is not None and found.static \
                and isinstance(found.doc, dict):
            planned += _Planner(text, scan.kind, found).plan(pairs)
    if wanted is not None:
        planned = [f for f in planned if wanted(f.finding)]
    unchanged = FileFix(scan.file, scan.kind, text, text, (), tuple(findings),
                        len(scan.schedules))
    if not planned or text is None or scan.kind is None:
        return unchanged
    fixes, edits = _compatible(planned)
    after = _apply(text, edits)
    from schedulelib.lint.scanning import place, schedule_diagnostics
    from schedulelib.lint.sources import scan as scan_text

    # The fixed text is read and checked again, as validate would; the findings are placed
    # (which costs a walk of the text) only when some are left.
    rescan = scan_text(after, name=scan.file, kind=scan.kind)
    left = [(found, d) for found in rescan.schedules
            for d in schedule_diagnostics(found, checker)]
    keys = [(f.code, f.pointer) for f in rescan.findings]
    keys += [(d.code, found.file_pointer(d.path)) for found, d in left]
    problem = _surprise(findings, fixes, keys) or _misread(fixes, rescan.schedules)
    if problem:
        return FileFix(scan.file, scan.kind, text, text, (), tuple(findings),
                       len(scan.schedules), problem)
    fixes.sort(key=lambda f: (f.finding.line, f.finding.column))
    remaining = [*rescan.findings, *(place(scan.file, found, d) for found, d in left)]
    return FileFix(scan.file, scan.kind, text, after, tuple(fixes), tuple(remaining),
                   len(rescan.schedules))


def _codes(codes: frozenset[str] | None) -> Wanted | None:
    if codes is None:
        return None
    return lambda finding: finding.code in codes


# -- planning -----------------------------------------------------------------------------------

_MISSING = object()
_ARRAY_CODES = frozenset({"SL303", "SL305", "SL306"})
_ARRAYS = {"days": ("day", 6), "hours": ("hour", 23)}


class _Planner:
    """The fixes of one schedule, each checked against the text it replaces."""

    def __init__(self, text: str, kind: Kind, found: Found) -> None:
        self.text, self.kind, self.found = text, kind, found

    def plan(self, pairs: list[tuple[Diagnostic, Finding]]) -> list[Fix]:
        out: list[Fix] = []
        arrays: dict[str, dict[Finding, Fix]] = {}
        for diagnostic, finding in pairs:
            code, where = diagnostic.code, diagnostic.path
            if code in _ARRAY_CODES:
                array, _, index = where.rpartition("/")
                if array.rpartition("/")[2] not in _ARRAYS or not index.isdigit():
                    continue
                if array not in arrays:
                    arrays[array] = self._array(array, pairs)
                fix = arrays[array].get(finding)
                if fix is not None:
                    out.append(fix)
                continue
            handler = _STRING_FIXES.get(code)
            if handler is None:
                continue
            value = _value_at(self.found.doc, where)
            if not isinstance(value, str):
                continue
            new = handler(value)
            if new is None:
                continue
            edit = self._replace(where, value, new)
            if edit is not None:
                out.append(Fix(finding, f"{_noun(where)} {_quote(value)} -> {_quote(new)}",
                               (edit,), (), ((self.found.file_pointer(where), new),)))
        return out

    # -- one value --

    def _literal(self, where: str, value: object) -> tuple[int, int] | None:
        """The offsets of ``where`` when the text there reads back as ``value`` exactly."""
        span = self.found.span(where)
        if span.file is not None:
            return None  # written in another file (a Terraform variable's default)
        if self.kind == "yaml" and _YAML_PROPERTIES.search(self.text, max(0, span.start - 256),
                                                           span.start):
            return None
        whole = self.found.span("")
        if self.kind == "yaml" and not whole.start <= span.start <= span.end <= whole.end:
            return None  # brought in by a merge key (<<: *base): other schedules may share it
        if _same(_decode(self.kind, self.text[span.start: span.end]), value):
            return span.start, span.end
        return None

    def _replace(self, where: str, old: object, new: str | int) -> Edit | None:
        place = self._literal(where, old)
        if place is None:
            return None
        written = _encode(self.kind, self.text[place[0]: place[1]], new)
        if written is None or not _same(_decode(self.kind, written), new):
            return None
        return Edit(place[0], place[1], written)

    # -- days and hours, planned as a whole --

    def _array(self, array: str, pairs: list[tuple[Diagnostic, Finding]]
               ) -> dict[Finding, Fix]:
        """Fixes of the items of one ``days`` / ``hours`` array, by the finding each repairs.

        An item that is a digit string or a whole float becomes an integer (the fix of its
        SL303 / SL305), and of the items that then name one value all but one are deleted
        (each deletion the fix of that item's own finding; an item without one only repeats
        a value, and goes with the finding of the item kept).  The first is kept, unless
        another cannot be deleted (not written literally, or not alone between separators):
        then that one is kept, so that no repeat is left behind."""
        items = _value_at(self.found.doc, array)
        if not isinstance(items, list):
            return {}
        noun, high = _ARRAYS[array.rpartition("/")[2]]
        at: dict[int, dict[str, Finding]] = {}
        for diagnostic, finding in pairs:
            head, _, last = diagnostic.path.rpartition("/")
            if head == array and last.isdigit() and diagnostic.code in _ARRAY_CODES:
                at.setdefault(int(last), {}).setdefault(diagnostic.code, finding)
        first_finding = next((f for i in sorted(at) for f in at[i].values()), None)
        # First pass: what each item will be, and how it could be rewritten or deleted.
        places: list[tuple[int, int] | None] = []
        changes: dict[int, Edit] = {}
        cuts: dict[int, Edit] = {}
        groups: dict[int, list[int]] = {}
        previous_end: int | None = None
        for index, item in enumerate(items):
            place = self._literal(f"{array}/{index}", item)
            places.append(place)
            whole = _whole(item, high)
            mine = at.get(index, {})
            if whole is not None and type(item) is not int:
                # Past the cap on findings per value an item has no finding of its own: the
                # array's first one answers for it, so every item gets the same repair.
                converting = mine.get("SL303") or mine.get("SL305") or first_finding
                edit = (self._replace(f"{array}/{index}", item, whole)
                        if converting is not None else None)
                if edit is None:
                    whole = None  # it stays as written: not a day or hour yet
                else:
                    changes[index] = edit
            if whole is not None:
                groups.setdefault(whole, []).append(index)
                if place is not None and previous_end is not None:
                    cut = _delete_item(self.text, previous_end, place)
                    if cut is not None:
                        cuts[index] = cut
            previous_end = place[1] if place is not None else None
        # Second pass: one item kept per value, the others deleted.
        edits: dict[Finding, list[Edit]] = {}
        words: dict[Finding, list[str]] = {}
        removed: dict[Finding, list[int]] = {}
        writes: dict[Finding, list[tuple[str, object]]] = {}
        for whole, indices in groups.items():
            # Integers that cannot be deleted stay whatever is done: keep the first of them.
            stuck = [i for i in indices if i not in cuts and i not in changes]
            keeper = stuck[0] if stuck else indices[0]
            kept = at.get(keeper, {})
            for index in indices:
                mine = at.get(index, {})
                converting = (mine.get("SL303") or mine.get("SL305")
                              or (first_finding if index in changes else None))
                place = places[index]
                if index != keeper and index not in cuts:
                    continue  # a repeat that cannot go: left as written (not rewritten)
                if index == keeper:
                    if index in changes and converting is not None and place is not None:
                        edit = changes[index]
                        edits.setdefault(converting, []).append(edit)
                        words.setdefault(converting, []).append(
                            f"{noun} {self.text[place[0]: place[1]]} -> {whole}")
                        writes.setdefault(converting, []).append(
                            (self.found.file_pointer(f"{array}/{index}"), whole))
                    continue
                # A repeat past the cap on findings per value has none of its own: the array's
                # first finding answers for it, so no repeat is left behind.
                who = (mine.get("SL306") or converting or kept.get("SL306")
                       or kept.get("SL303") or kept.get("SL305") or first_finding)
                if who is None or place is None:
                    continue
                edits.setdefault(who, []).append(cuts[index])
                words.setdefault(who, []).append(
                    f"{noun} {self.text[place[0]: place[1]]} removed (repeated)")
                removed.setdefault(who, []).append(index)
        file_array = self.found.file_pointer(array)
        return {finding: Fix(finding, "; ".join(words[finding]), tuple(edits[finding]),
                             tuple((file_array, i) for i in sorted(removed.get(finding, ()))),
                             tuple(writes.get(finding, ())))
                for finding in edits}


# An anchor (&name) or a tag (!!str) written just before a YAML value, whether or not the
# reader counts it in the value's span: an anchored value is shared with the aliases that name
# it, and a tag decides how the value is read, so neither is ever rewritten.
_YAML_PROPERTIES = re.compile(r"(?:^|[\s\[{,:?-])[&!][^\s\[\]{},]*\s*\Z")


def _whole(item: object, high: int) -> int | None:
    """The day or hour ``item`` names without doubt, or None: an int, a float with no
    fraction, or a string of ASCII digits, within 0..high."""
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        number = item
    elif isinstance(item, float):
        if not item.is_integer():  # NaN and infinities too
            return None
        number = int(item)
    elif isinstance(item, str) and (digits := re.fullmatch("0*([0-9]{1,2})", item)):
        number = int(digits.group(1))  # any number of leading zeros: the text stays short
    else:
        return None
    return number if 0 <= number <= high else None


# A flow list's separator: a comma between blanks.  A YAML block item: "- " alone before it
# on its line, and nothing but a comment after it.
_COMMA = re.compile(r"[ \t\r\n]*,[ \t\r\n]*")
_DASH = re.compile(r"[ \t]*-[ \t]+")
_LINE_REST = re.compile(r"[ \t]*(?:#[^\r\n]*)?(\r\n|\n|\r)?")


def _delete_item(text: str, previous_end: int | None, place: tuple[int, int]) -> Edit | None:
    """Delete an item that is not the first of its list, with the separator before it."""
    start, end = place
    if previous_end is not None and _COMMA.fullmatch(text, previous_end, start):
        return Edit(previous_end, end, "")
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    rest = _LINE_REST.match(text, end)
    if _DASH.fullmatch(text, line_start, start) and rest is not None and \
            previous_end is not None and previous_end <= line_start:
        if rest.group(1) is not None:
            return Edit(line_start, rest.end(), "")
        # The last line of a file without a final line break: take the break before it.
        cut = line_start - 1
        if cut > 0 and text[cut - 1: cut + 1] == "\r\n":
            cut -= 1
        return Edit(max(cut, previous_end), rest.end(), "")
    return None


# -- the string fixes ---------------------------------------------------------------------------


def _days_to_hours(value: str) -> str | None:
    """SL202: ``Nd`` (and ``Nd`` + a Go duration) in hours, when Segment accepts the result."""
    from schedulelib.core.diagnostics import DurationError
    from schedulelib.core.duration import parse_duration
    from schedulelib.core.schedule import PERIODIC_MAX_NS, PERIODIC_MIN_NS

    match = re.fullmatch(r"([0-9]{1,6})d([0-9][0-9.]*[a-zµμ]+.*)?", value, re.DOTALL)
    if match is None:
        return None
    hours = int(match.group(1)) * 24
    rest = match.group(2) or ""
    try:
        rest_ns = parse_duration(rest).nanoseconds if rest else 0
    except DurationError:
        return None
    merged = re.match(r"([0-9]{1,6})h(?![a-z])", rest)
    if merged is not None:
        new = f"{hours + int(merged.group(1))}h{rest[merged.end():]}"
    else:
        new = f"{hours}h{rest}"
    try:
        total = parse_duration(new).nanoseconds
    except DurationError:
        return None
    if total != hours * 3_600_000_000_000 + rest_ns:
        return None
    return new if PERIODIC_MIN_NS < total < PERIODIC_MAX_NS else None


def _canonical_zone(value: str) -> str | None:
    """SL504: the zone a link points to."""
    from schedulelib.core.zones import canonical, zone_problems

    new = canonical(value)
    return new if new != value and not zone_problems(new) else None


def _macro(value: str) -> str | None:
    """SL404: the 5-field form of a macro of fixed times, when the 15-minute floor passes."""
    from schedulelib.core.cron import _MACROS, parse_cron
    from schedulelib.core.diagnostics import CronSyntaxError
    from schedulelib.core.schedule import CRON_FLOOR

    new = _MACROS.get(value.strip().lower())
    if new is None:
        return None
    try:
        return new if parse_cron(new).min_gap >= CRON_FLOOR else None
    except CronSyntaxError:
        return None


def _question_mark(value: str) -> str | None:
    """SL406: ``?`` as ``*``, when both read as the same times (robfig/cron: D4)."""
    from schedulelib.core.cron import CronExpr, parse_cron
    from schedulelib.core.diagnostics import CronSyntaxError

    new = value.replace("?", "*")
    try:
        old_expr, new_expr = parse_cron(value), parse_cron(new)
    except CronSyntaxError:
        return None

    def meaning(e: CronExpr) -> tuple[object, ...]:
        return (e.minutes, e.hours, e.days, e.months, e.weekdays, e.dom_star, e.dow_star)

    return new if new != value and meaning(old_expr) == meaning(new_expr) else None


_STRING_FIXES: dict[str, Callable[[str], str | None]] = {
    "SL202": _days_to_hours,
    "SL404": _macro,
    "SL406": _question_mark,
    "SL504": _canonical_zone,
}


# -- literals in each syntax --------------------------------------------------------------------


def _decode(kind: Kind, literal: str) -> object:
    """The value a literal denotes on its own, or ``_MISSING`` when it is not one."""
    if not literal:
        return _MISSING
    if kind == "json":
        import json

        try:
            return json.loads(literal)
        except (ValueError, RecursionError):
            return _MISSING
    if kind == "yaml":
        if literal[0] in "&*!":  # an anchor, an alias or a tag: see _YAML_PROPERTIES
            return _MISSING
        quick = _yaml_scalar(literal)
        if quick is not _MISSING:
            return quick
        import yaml

        try:
            return yaml.load(literal, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
            return _MISSING
    from schedulelib.lint.sources.hcl import HclSyntaxError, _number, _string

    try:
        if literal[0] == '"':
            end, value = _string(literal, 0)
            return value if end == len(literal) and value is not None else _MISSING
    except HclSyntaxError:
        return _MISSING
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", literal):
        return _number(literal)
    return _MISSING


# Plain YAML scalars every YAML reader (1.1 and 1.2) reads alike: a decimal integer without a
# leading zero, and a word of letters, digits, '_', '/', '+' and '-' that is not one of YAML
# 1.1's booleans or a null.
_YAML_INT = re.compile(r"0|[1-9][0-9]{0,17}")
_YAML_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_/+\-]*")
_YAML_RESERVED = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n"})


def _yaml_scalar(literal: str) -> object:
    """A YAML scalar read without a YAML parser, when that is certain (else ``_MISSING``):
    the fixes read many small literals, and a parser per literal costs more than the file."""
    if "\n" in literal or "\r" in literal:
        return _MISSING
    if len(literal) >= 2 and literal[0] == literal[-1] == '"' and \
            not any(c in literal[1:-1] for c in '"\\'):
        return literal[1:-1]
    if len(literal) >= 2 and literal[0] == literal[-1] == "'" and \
            "'" not in literal[1:-1].replace("''", ""):
        return literal[1:-1].replace("''", "'")
    if _YAML_INT.fullmatch(literal):
        return int(literal)
    if _YAML_WORD.fullmatch(literal) and literal.lower() not in _YAML_RESERVED:
        return literal
    return _MISSING


def _encode(kind: Kind, old: str, new: str | int) -> str | None:
    """``new`` written as a literal in the style of ``old`` (None: no such way)."""
    if isinstance(new, int):
        return str(new)
    import json

    first = old[0]
    if kind == "json" or (kind == "yaml" and first == '"'):
        return json.dumps(new)
    if kind == "terraform":
        if first != '"':
            return None
        body = (new.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${")
                .replace("%{", "%%{"))
        return f'"{body}"' if "\n" not in new else None
    if first == "'":
        return "'" + new.replace("'", "''") + "'"
    if first in "|>":
        # A block scalar: keep its header line and the indentation of its first line.
        head = re.match(r"[|>][^\r\n]*(?:\r\n|\n|\r)([ \t]*)", old)
        return None if head is None or "\n" in new else head.group() + new
    return new


def _same(a: object, b: object) -> bool:
    """Equal and of the same type (8 is not 8.0, True is not 1)."""
    return a is not _MISSING and type(a) is type(b) and a == b


def _value_at(doc: object, where: str) -> object:
    node = doc
    for part in where.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return _MISSING
    return node


def _noun(where: str) -> str:
    return where.rpartition("/")[2] or "value"


def _quote(value: str) -> str:
    import json

    return json.dumps(value if len(value) <= 60 else value[:57] + "...", ensure_ascii=False)


# -- applying -----------------------------------------------------------------------------------


def _compatible(planned: list[Fix]) -> tuple[list[Fix], list[Edit]]:
    """The fixes whose edits do not overlap (the same edit twice is one edit: two findings of
    one value), and their edits in text order."""
    owners: dict[Edit, list[int]] = {}
    for number, fix in enumerate(planned):
        for edit in fix.edits:
            owners.setdefault(edit, []).append(number)
    dropped: set[int] = set()
    last: Edit | None = None
    for edit in sorted(owners, key=lambda e: (e.start, e.end)):
        if last is not None and edit.start < last.end:
            dropped.update(owners[edit])
            continue
        last = edit
    fixes = [fix for number, fix in enumerate(planned) if number not in dropped]
    edits = sorted({e for fix in fixes for e in fix.edits}, key=lambda e: (e.start, e.end))
    for before, after in pairwise(edits):
        if after.start < before.end:  # an edit shared with a dropped fix: make none
            return [], []
    return fixes, edits


def _apply(text: str, edits: list[Edit]) -> str:
    out: list[str] = []
    at = 0
    for edit in edits:
        out.append(text[at: edit.start])
        out.append(edit.text)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def _surprise(before: list[Finding], fixes: list[Fix], after: list[tuple[str, str]]) -> str:
    """Why the fixed text is not what the fixes promise ("" when it is): a fixed finding
    still there, or a finding that was not there before."""
    if not fixes:
        return "no fix could be made without touching another"
    old = Counter((f.code, f.pointer) for f in before)
    fixed = {(f.finding.code, f.finding.pointer) for f in fixes}
    gone: dict[str, set[int]] = {}
    for fix in fixes:
        for array, index in fix.removed:
            gone.setdefault(array, set()).add(index)
    # New index -> old index, for the items before the last one deleted (after it, every
    # index is shifted by the number deleted).
    kept = {array: ([i for i in range(max(indices) + 1) if i not in indices], len(indices))
            for array, indices in gone.items()}
    new = Counter((code, _old_pointer(where, kept)) for code, where in after)
    for key, count in new.items():
        if key in fixed:
            return f"{key[0]} at {key[1] or '/'} is still reported after the fix"
        if count > old[key]:
            return f"the fix would bring {key[0]} at {key[1] or '/'}"
    return ""


def _misread(fixes: list[Fix], schedules: list[Found]) -> str:
    """Why the fixed file does not hold the values the fixes wrote ("" when it does), each
    read back as the scanner reads it."""
    from bisect import bisect_left

    gone: dict[str, list[int]] = {}
    for fix in fixes:
        for array, index in fix.removed:
            gone.setdefault(array, []).append(index)
    for indices in gone.values():
        indices.sort()
    # Each schedule by its pointer (the first one of a pointer, as a scan in order finds):
    # a file with 20 000 fixes must not scan 20 000 schedules for each.
    by_pointer: dict[str, int] = {}
    for i, found in enumerate(schedules):
        by_pointer.setdefault(found.pointer, i)
    for fix in fixes:
        for where, value in fix.writes:
            array, _, last = where.rpartition("/")
            if array in gone and last.isdigit():  # items before it may have been deleted
                where = f"{array}/{int(last) - bisect_left(gone[array], int(last))}"
            if not _same(_read_back(schedules, by_pointer, where), value):
                return f"the fixed file does not read {where} as {value!r}"
    return ""


def _read_back(schedules: list[Found], by_pointer: dict[str, int], where: str) -> object:
    """The value at file pointer ``where`` in the schedule that holds it (the first one in
    ``schedules`` whose pointer is ``where`` or a prefix of it ending before a ``/``)."""
    candidates = [by_pointer.get(where)]
    at = where.find("/")
    while at >= 0:
        candidates.append(by_pointer.get(where[:at]))
        at = where.find("/", at + 1)
    holders = [i for i in candidates if i is not None]
    if holders:
        found = schedules[min(holders)]
        relative = where[len(found.pointer):]
        for old, new in found.renames:  # Terraform's schedule_config is the document's config
            if relative == "/" + new or relative.startswith("/" + new + "/"):
                relative = "/" + old + relative[len(new) + 1:]
                break
        return _value_at(found.doc, relative)
    return _MISSING


def _old_pointer(where: str, kept: dict[str, tuple[list[int], int]]) -> str:
    """A pointer into the fixed file as a pointer into the file before items were deleted."""
    for array, (indices, shift) in kept.items():
        if where.startswith(array + "/"):
            index, _, rest = where[len(array) + 1:].partition("/")
            if index.isdigit():
                new = int(index)
                old = indices[new] if new < len(indices) else new + shift
                return f"{array}/{old}" + (f"/{rest}" if rest else "")
    return where
