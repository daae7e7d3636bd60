"""Finding every schedule inside JSON, YAML and Terraform files, with line and column.

A *source* is one file's text.  :func:`scan` finds the schedules in it (each a plain JSON-like
document with a way back from a JSON Pointer inside it to a line and column of the file) and the
problems of the file itself (syntax, encoding, duplicate keys).  :meth:`Scan.check` validates
every schedule with :func:`schedulelib.check` and places each diagnostic in the file.

Where schedules are looked for:

* JSON and YAML: any object under a ``reverseETLSchedule`` key at any depth (the Public API's
  ``DestinationSubscription``), and a file that is itself a bare schedule (a top-level
  ``strategy`` key).  ``reverseETLSchedule: null`` is a subscription without a schedule.
* Terraform: ``reverse_etl_schedule`` of ``segment_destination_subscription`` resources
  (``null``: no schedule), and the deprecated ``schedule_strategy`` / ``schedule_config`` of
  ``segment_reverse_etl_model`` (``schedule_strategy = ""``: no schedule).  The HCL is read by a
  small reader of its own (below): python-hcl2's parse tree drops the positions of values, and
  building its grammar costs more than checking a whole directory.

Pointers of Terraform schedules follow Terraform's JSON syntax
(``/resource/segment_destination_subscription/<name>/reverse_etl_schedule/config/interval``).
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import Diagnostic, diagnostic, pointer

Kind = Literal["json", "yaml", "terraform"]

WRAPPER_KEY = "reverseETLSchedule"
#: Files larger than this are not read (SL904): schedule configuration is small.
MAX_BYTES = 16 * 1024 * 1024
SUFFIXES: dict[str, Kind] = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".tf": "terraform"}
# Directories a search never enters: version control, Terraform's provider cache, dependencies.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".terraform", "node_modules", "__pycache__",
                       ".venv", ".tox"})

__all__ = [
    "MAX_BYTES",
    "Finding",
    "Found",
    "Kind",
    "Scan",
    "iter_files",
    "kind_of",
    "read_file",
    "scan",
    "too_large",
]


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnostic placed in a file: ``diagnostic.path`` is a JSON Pointer into the file.

    ``line`` and ``column`` are 1-based; both are 0 when the problem has no position (a file
    that could not be read at all).
    """

    file: str
    line: int
    column: int
    diagnostic: Diagnostic

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def severity(self) -> str:
        return self.diagnostic.severity

    @property
    def pointer(self) -> str:
        return self.diagnostic.path

    @property
    def message(self) -> str:
        return self.diagnostic.message

    @property
    def hint(self) -> str:
        return self.diagnostic.hint

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "severity": self.severity, "file": self.file,
                "line": self.line, "column": self.column, "pointer": self.pointer,
                "message": self.message, "hint": self.hint}


Locate = Callable[[str], tuple[int, int]]


@dataclass(frozen=True)
class Found:
    """One schedule in a file.

    ``doc`` is the schedule document (what :func:`schedulelib.check` takes), ``pointer`` where it
    sits in the file, ``name`` a label for reports (the subscription's name when it has one).
    ``problems`` are findings the reader made inside the document (an HCL duplicate key), with
    pointers relative to ``doc``; ``static`` is False when Terraform only knows a part of it at
    apply time (then it is not validated).
    """

    doc: object
    pointer: str
    name: str
    locator: Locate
    problems: tuple[Diagnostic, ...] = ()
    static: bool = True
    #: Terraform's model-level attributes: the document's "strategy" / "config" are written
    #: as ``schedule_strategy`` / ``schedule_config``.
    renames: tuple[tuple[str, str], ...] = ()

    def locate(self, relative: str) -> tuple[int, int]:
        """1-based (line, column) of the value at ``relative`` (a pointer into ``doc``)."""
        return self.locator(relative)

    def file_pointer(self, relative: str) -> str:
        for old, new in self.renames:
            if relative == "/" + old or relative.startswith("/" + old + "/"):
                relative = "/" + new + relative[len(old) + 1:]
                break
        return self.pointer + relative


@dataclass
class Scan:
    """What one source holds: its schedules, and the problems of the file itself."""

    file: str
    kind: Kind | None
    schedules: list[Found] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: True when the file could not be read at all (missing, a directory, no permission).
    unreadable: bool = False

    def check(self, checker: Callable[[object], list[Diagnostic]] | None = None) -> list[Finding]:
        """The file's own findings, then every schedule's, each with its line and column."""
        if checker is None:
            from .schedule import check

            checker = check
        out = list(self.findings)
        for found in self.schedules:
            problems = list(found.problems)
            if found.static and isinstance(found.doc, str | bytes | bytearray):
                # check() reads a string as JSON text; a string here is the value itself.
                prefix = pointer(WRAPPER_KEY)
                problems += [Diagnostic(d.code, d.severity, d.path.removeprefix(prefix),
                                        d.message, d.hint)
                             for d in checker({WRAPPER_KEY: found.doc})]
            elif found.static:
                problems += checker(found.doc)
            for d in problems:
                line, column = found.locate(d.path)
                out.append(Finding(self.file, line, column, Diagnostic(
                    d.code, d.severity, found.file_pointer(d.path), d.message, d.hint)))
        return out


# -- reading files ------------------------------------------------------------------------------


def kind_of(name: str, text: str | bytes | None = None) -> Kind | None:
    """The kind of a file from its suffix; for other names, a guess from the text."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if text is None:
        return None
    head = text[:4096].decode("utf-8", "replace") if isinstance(text, bytes) else text[:4096]
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return "json"
    if re.search(r'^\s*(resource|variable|terraform|provider|locals|module|data)\b', head,
                 re.MULTILINE):
        return "terraform"
    return "yaml"


def iter_files(directory: Path) -> Iterator[Path]:
    """JSON, YAML and Terraform files under ``directory``, sorted, skipping hidden and
    dependency directories."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in SUFFIXES:
                yield Path(root, name)


def read_file(path: str | Path, *, kind: Kind | None = None, name: str | None = None,
              named: bool = True) -> Scan:
    """Read and scan one file; a file that cannot be read is a finding, never an exception.

    ``named``: the file was named by the user (not found by a directory search), so a file
    without any schedule gets the SL905 warning.
    """
    label = name if name is not None else str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        return _unreadable(label, "is a directory")
    except FileNotFoundError:
        return _unreadable(label, "does not exist")
    except PermissionError:
        return _unreadable(label, "cannot be read: permission denied")
    except OSError as exc:
        return _unreadable(label, f"cannot be read: {exc.strerror or exc}")
    if len(data) > MAX_BYTES:
        return too_large(label, kind)
    return scan(data, name=label, kind=kind or kind_of(label, data), named=named)


def too_large(label: str, kind: Kind | None = None) -> Scan:
    """The scan of a file over :data:`MAX_BYTES`: one SL904 finding, nothing read."""
    return Scan(label, kind, findings=[Finding(label, 0, 0, diagnostic(
        "SL904", "", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; not read",
        "point schedulelib at the configuration files themselves"))])


def _unreadable(label: str, why: str) -> Scan:
    return Scan(label, None, unreadable=True, findings=[Finding(label, 0, 0, diagnostic(
        "SL901", "", f"the file {why}", "check the path and its permissions"))])


# -- scanning text ------------------------------------------------------------------------------


def scan(text: str | bytes, *, name: str, kind: Kind | None = None, named: bool = True) -> Scan:
    """Every schedule in ``text`` (a file called ``name``), and the file's own problems."""
    if kind is None:
        kind = kind_of(name, text) or "json"
    result = Scan(name, kind)
    decoded = _decode(text, result)
    if decoded is None:
        return result
    if not decoded.strip():
        result.findings.append(Finding(name, 1, 1, diagnostic(
            "SL902", "", "the file is empty" if not decoded else "the file holds only white space",
            "write the configuration, or remove the file")))
        return result
    try:
        if kind == "json":
            _scan_json(decoded, result)
        elif kind == "yaml":
            _scan_yaml(decoded, result)
        else:
            _scan_terraform(decoded, result)
    except RecursionError:
        result.schedules.clear()
        result.findings.append(Finding(name, 1, 1, diagnostic(
            "SL001", "", "the document is nested too deeply to read",
            "schedule configuration is never this deep: is this the right file?")))
        return result
    if named and not result.schedules and not any(
            f.severity == "error" for f in result.findings):
        result.findings.append(Finding(name, 1, 1, diagnostic(
            "SL905", "", f"no schedule found in this {_KIND_NAMES[kind]} file",
            _NO_SCHEDULE_HINTS[kind])))
    return result


_KIND_NAMES = {"json": "JSON", "yaml": "YAML", "terraform": "Terraform"}
_NO_SCHEDULE_HINTS = {
    "json": "schedules are objects under a 'reverseETLSchedule' key, or a file with a top-level "
            "'strategy'",
    "yaml": "schedules are mappings under a 'reverseETLSchedule' key, or a file with a top-level "
            "'strategy'",
    "terraform": "schedules are the reverse_etl_schedule of segment_destination_subscription "
                 "resources (or schedule_strategy of segment_reverse_etl_model)",
}


def _decode(text: str | bytes, result: Scan) -> str | None:
    if isinstance(text, str):
        return text.removeprefix("\ufeff")
    try:
        return text.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = text[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        result.findings.append(Finding(result.file, line, column, diagnostic(
            "SL901", "", f"the file is not UTF-8 text: byte 0x{text[exc.start]:02x} at offset "
            f"{exc.start} (line {line}, column {column}) cannot be decoded",
            "save the file as UTF-8")))
        return None


class _Lines:
    """Character offset -> 1-based (line, column), built on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def at(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _nearest(table: Mapping[str, object], where: str) -> str:
    """``where`` or its nearest ancestor that ``table`` knows (a missing key: its object)."""
    while where not in table and where:
        where = where.rsplit("/", 1)[0]
    return where


def _find_in_value(root: object) -> Iterator[tuple[tuple[str | int, ...], object, str | None]]:
    """(path, schedule, name) for every schedule in a parsed JSON / YAML value."""
    if isinstance(root, dict) and "strategy" in root and WRAPPER_KEY not in root:
        yield (), root, None
        return
    stack: list[tuple[tuple[str | int, ...], object]] = [((), root)]
    out: list[tuple[tuple[str | int, ...], object, str | None]] = []
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == WRAPPER_KEY:
                    if value is not None:
                        label = node.get("name")
                        out.append(((*path, key), value, label if isinstance(label, str) else None))
                    continue
                if isinstance(value, dict | list):
                    stack.append(((*path, str(key)), value))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append(((*path, index), value))
    out.sort(key=lambda item: [str(p).zfill(12) if isinstance(p, int) else p for p in item[0]])
    yield from out


# -- JSON ---------------------------------------------------------------------------------------

_AT_LINE = re.compile(r"at line (\d+), column (\d+)")


def _scan_json(text: str, result: Scan) -> None:
    from ._jsontext import JsonLocator, parse_json

    value, problems = parse_json(text)
    locator: JsonLocator | None = None

    def locate(where: str) -> tuple[int, int]:
        nonlocal locator
        if locator is None:
            locator = JsonLocator(text)
        return locator.locate(where)

    for problem in problems:
        if problem.code == "SL001":
            match = _AT_LINE.search(problem.message)
            line, column = (int(match[1]), int(match[2])) if match else (1, 1)
        else:
            line, column = locate(problem.path)
        result.findings.append(Finding(result.file, line, column, problem))
    if any(p.code == "SL001" for p in problems):
        return
    for path, doc, label in _find_in_value(value):
        base = pointer(*path)
        result.schedules.append(Found(
            doc, base, label or f"{result.file}#{base or '/'}",
            lambda rel, base=base: locate(base + rel)))  # type: ignore[misc]


# -- YAML ---------------------------------------------------------------------------------------


def _scan_yaml(text: str, result: Scan) -> None:
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            _yaml_document(loader, node, index, result)
            index += 1
    except yaml.MarkedYAMLError as exc:
        result.schedules.clear()
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "cannot be read"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        result.findings.append(Finding(result.file, line, column, diagnostic(
            "SL001", "", f"invalid YAML at line {line}, column {column}: {what}{context}",
            "correct the YAML at that position")))
    except yaml.YAMLError as exc:
        result.schedules.clear()
        result.findings.append(Finding(result.file, 1, 1, diagnostic(
            "SL001", "", f"invalid YAML: {exc}", "correct the YAML")))
    finally:
        loader.dispose()


def _yaml_document(loader: object, root: object, index: int, result: Scan) -> None:
    import yaml

    assert isinstance(root, yaml.Node)
    marks: dict[str, tuple[int, int]] = {}
    found: list[tuple[str, yaml.Node, str | None]] = []
    seen: set[int] = set()

    def mark(where: str, node: yaml.Node) -> None:
        marks.setdefault(where, (node.start_mark.line + 1, node.start_mark.column + 1))

    def key_text(node: yaml.Node) -> str:
        return str(node.value) if isinstance(node, yaml.ScalarNode) else f"<{type(node).__name__}>"

    stack: list[tuple[str, yaml.Node]] = [("", root)]
    if isinstance(root, yaml.MappingNode) and any(
            key_text(k) == "strategy" for k, _ in root.value) and not any(
            key_text(k) == WRAPPER_KEY for k, _ in root.value):
        found.append(("", root, None))
    while stack:
        where, node = stack.pop()
        mark(where, node)
        if id(node) in seen:  # an alias: walk the anchored node once
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, yaml.Node] = {}
            label = None
            for key, value in node.value:
                name = key_text(key)
                if name == "name" and isinstance(value, yaml.ScalarNode):
                    label = str(value.value)
            for key, value in node.value:
                name = key_text(key)
                here = where + pointer(name)
                if name in first and name != "<<":
                    mark(here, value)
                    result.findings.append(Finding(
                        result.file, key.start_mark.line + 1, key.start_mark.column + 1,
                        diagnostic("SL003", here, f"key {name!r} appears twice in one mapping "
                                   f"(first on line {first[name].start_mark.line + 1})",
                                   "remove one of the two; YAML readers keep different ones")))
                    continue
                first[name] = key
                if name == WRAPPER_KEY:
                    if not (isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")):
                        found.append((here, value, label))
                    mark(here, value)
                    stack.append((here, value))
                    continue
                stack.append((here, value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((where + pointer(i), item))
    prefix = f"document {index + 1}: " if index else ""
    for where, node, label in sorted(found, key=lambda f: (f[1].start_mark.line,
                                                            f[1].start_mark.column)):
        if where and any(where.startswith(w + "/") for w, _, _ in found if w and w != where):
            continue  # inside another schedule: that one is checked as a whole
        doc = loader.construct_object(node, deep=True)  # type: ignore[attr-defined]
        result.schedules.append(Found(
            doc, where, label or f"{prefix}{result.file}#{where or '/'}",
            lambda rel, where=where: marks[_nearest(marks, where + rel)]))  # type: ignore[misc]


# -- Terraform (HCL) ----------------------------------------------------------------------------


class HclSyntaxError(ValueError):
    """Malformed HCL: ``offset`` is where the reader stopped."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class _Tok:
    """One HCL token (a plain class: dataclasses cost start-up time JSON-only runs would pay).

    ``kind`` is ident, number, string, heredoc, punct, nl or eof; ``value`` of a string is its
    text, or None for a template with ``${...}`` / ``%{...}``.
    """

    __slots__ = ("end", "kind", "start", "text", "value")

    def __init__(self, kind: str, text: str, start: int, end: int, value: object = None) -> None:
        self.kind, self.text, self.start, self.end, self.value = kind, text, start, end, value


_HCL_PATTERN = r"""
    (?P<nl>\n)
  | (?P<ws>[ \t\r\f]+)
  | (?P<comment>(?:\#|//)[^\n]*)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[{}\[\]()=:,.?!+\-*/%<>])
"""
_HEREDOC_PATTERN = r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_OPEN = {"(": ")", "[": "]", "{": "}"}


def _tokens(text: str) -> list[_Tok]:
    # Compiled here, not at import: a JSON-only run never needs them (re caches them).
    hcl = re.compile(_HCL_PATTERN, re.VERBOSE)
    heredoc_start = re.compile(_HEREDOC_PATTERN)
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            end, value = _string(text, i)
            out.append(_Tok("string", text[i:end], i, end, value))
            i = end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise HclSyntaxError("the comment opened here is never closed with '*/'", i)
            if "\n" in text[i:end]:
                out.append(_Tok("nl", "\n", i, end + 2))
            i = end + 2
            continue
        if text.startswith("<<", i):
            heredoc = heredoc_start.match(text, i)
            if heredoc is None:
                raise HclSyntaxError("'<<' must start a heredoc such as <<EOT followed by a "
                                     "new line", i)
            end, value = _heredoc(text, heredoc)
            out.append(_Tok("heredoc", text[i:end], i, end, value))
            i = end
            continue
        m = hcl.match(text, i)
        if m is None:
            raise HclSyntaxError(f"unexpected character {c!r}", i)
        kind = m.lastgroup
        assert kind is not None
        if kind == "nl":
            out.append(_Tok("nl", "\n", i, i + 1))
        elif kind in ("number", "ident"):
            out.append(_Tok(kind, m.group(), i, m.end()))
        elif kind == "op":
            out.append(_Tok("punct", m.group(), i, m.end()))
        i = m.end()
    out.append(_Tok("eof", "", n, n))
    return out


def _string(text: str, start: int) -> tuple[int, str | None]:
    """End offset and value of the quoted string at ``start`` (None: a template)."""
    parts: list[str] = []
    template = False
    i, n = start + 1, len(text)
    while True:
        if i >= n or text[i] == "\n":
            raise HclSyntaxError("the string opened here is not closed on its line", start)
        c = text[i]
        if c == '"':
            return i + 1, None if template else "".join(parts)
        if c == "\\":
            e = text[i + 1: i + 2]
            if e in _ESCAPES:
                parts.append(_ESCAPES[e])
                i += 2
            elif e in ("u", "U"):
                size = 4 if e == "u" else 8
                digits = text[i + 2: i + 2 + size]
                if len(digits) != size or not all(d in "0123456789abcdefABCDEF" for d in digits):
                    raise HclSyntaxError(f"invalid escape \\{e}{digits}: expected {size} hex "
                                         "digits", i)
                code = int(digits, 16)
                if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    raise HclSyntaxError(f"invalid escape \\{e}{digits}: not a character", i)
                parts.append(chr(code))
                i += 2 + size
            else:
                raise HclSyntaxError(f"invalid escape sequence \\{e}", i)
        elif text.startswith(("$${", "%%{"), i):
            parts.append(text[i + 1: i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            template = True
            i = _skip_interpolation(text, i + 2)
        else:
            parts.append(c)
            i += 1


def _skip_interpolation(text: str, i: int) -> int:
    """The offset after the ``}`` closing an interpolation whose body starts at ``i``."""
    start, depth, n = i - 2, 1, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i = _string(text, i)[0]
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise HclSyntaxError("the interpolation opened here is never closed with '}'", start)


def _heredoc(text: str, m: re.Match[str]) -> tuple[int, str | None]:
    strip, marker = m.group(1) == "-", m.group(2)
    i = m.end()
    lines: list[str] = []
    while i <= len(text):
        nl = text.find("\n", i)
        line = text[i: nl if nl >= 0 else len(text)]
        if line.strip() == marker:
            end = i + len(line)
            break
        lines.append(line)
        if nl < 0:
            raise HclSyntaxError(f"the heredoc opened here is never closed by a line {marker}",
                                 m.start())
        i = nl + 1
    else:
        raise HclSyntaxError(f"the heredoc opened here is never closed by a line {marker}",
                             m.start())
    body = "\n".join(lines) + ("\n" if lines else "")
    if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
        return end, None
    if strip:
        indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
        cut = min(indents, default=0)
        body = "\n".join(x[cut:] for x in lines) + ("\n" if lines else "")
    return end, body.replace("$${", "${").replace("%%{", "%{")


class _Unknown:
    """A value only known when Terraform runs (a reference, a function call, a template)."""

    __slots__ = ("offset", "text")

    def __init__(self, offset: int, text: str) -> None:
        self.offset, self.text = offset, text


class _Encoded:
    """The argument of ``jsonencode(...)``: a JSON string holding this value."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


# Resource type -> the attributes read from its body.
_WANTED = {
    "segment_destination_subscription": ("reverse_etl_schedule", "name"),
    "segment_reverse_etl_model": ("schedule_strategy", "schedule_config", "name"),
}


class _Resource:
    """A wanted resource: its type and name, the values of the wanted attributes, where each
    value (and each part of it, ``/attr/...``) starts, and duplicate keys found inside."""

    def __init__(self, type_: str, label: str) -> None:
        self.type, self.label = type_, label
        self.values: dict[str, object] = {}
        self.offsets: dict[str, int] = {}
        self.problems: list[Diagnostic] = []


class _HclReader:
    """Reads an HCL body: blocks and attributes, with the values of the wanted attributes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.p = 0
        self.resources: list[_Resource] = []
        self.duplicates: list[tuple[str, int, int]] = []  # (name, offset, first offset)

    # -- tokens --

    def peek(self, ahead: int = 0) -> _Tok:
        return self.toks[min(self.p + ahead, len(self.toks) - 1)]

    def take(self) -> _Tok:
        tok = self.toks[self.p]
        if tok.kind != "eof":
            self.p += 1
        return tok

    def skip_newlines(self) -> _Tok:
        while self.peek().kind == "nl":
            self.p += 1
        return self.peek()

    def fail(self, message: str, tok: _Tok) -> HclSyntaxError:
        return HclSyntaxError(message, tok.start)

    # -- structure --

    def body(self, closer: _Tok | None, resource: _Resource | None, depth: int) -> None:
        seen: dict[str, int] = {}
        while True:
            tok = self.skip_newlines()
            if tok.kind == "eof":
                if closer is not None:
                    raise self.fail("the block opened here is never closed with '}'", closer)
                return
            if tok.text == "}" and tok.kind == "punct":
                if closer is None:
                    raise self.fail("'}' closes nothing here", tok)
                self.take()
                return
            if tok.kind != "ident":
                raise self.fail(f"expected an attribute name or a block type, found "
                                f"{_show(tok)}", tok)
            self.take()
            after = self.peek()
            if after.kind == "punct" and after.text == "=":
                self.take()
                if tok.text in seen:
                    raise self.fail(f"the attribute {tok.text!r} is defined twice in one block "
                                    f"(first on line {_line_of(self.text, seen[tok.text])})",
                                    tok)
                seen[tok.text] = tok.start
                self.attribute(tok, resource if depth == 1 else None)
                continue
            labels: list[str] = []
            while self.peek().kind in ("string", "ident"):
                label = self.take()
                labels.append(label.value if isinstance(label.value, str) else label.text)
            opener = self.peek()
            if not (opener.kind == "punct" and opener.text == "{"):
                raise self.fail(f"expected '=' or '{{' after {tok.text!r}, found "
                                f"{_show(opener)}", opener)
            self.take()
            inner = None
            if depth == 0 and tok.text == "resource" and len(labels) == 2 \
                    and labels[0] in _WANTED:
                inner = _Resource(labels[0], labels[1])
                self.resources.append(inner)
            self.body(opener, inner, depth + 1)
            end = self.peek()
            if end.kind not in ("nl", "eof") and not (end.kind == "punct" and end.text == "}"):
                raise self.fail(f"expected a new line after the block's '}}', found "
                                f"{_show(end)}", end)

    def attribute(self, name: _Tok, resource: _Resource | None) -> None:
        first = self.peek()
        if first.kind in ("nl", "eof"):
            raise self.fail(f"expected a value after '{name.text} ='", first)
        if resource is not None and name.text in _WANTED[resource.type]:
            value = self.value("/" + name.text, resource, ("nl", "eof", "}"))
            resource.values[name.text] = value
        else:
            self.skip(("nl", "eof", "}"))
        end = self.peek()
        if end.kind not in ("nl", "eof") and not (end.kind == "punct" and end.text == "}"):
            raise self.fail(f"expected a new line after the value of {name.text!r}, found "
                            f"{_show(end)}", end)

    def skip(self, stops: tuple[str, ...]) -> None:
        """Consume one expression up to a stop token at bracket depth 0 (not consumed)."""
        stack: list[_Tok] = []
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                if stack:
                    raise self.fail(f"{stack[-1].text!r} opened here is never closed", stack[-1])
                return
            if not stack and (tok.kind in stops or (tok.kind == "punct" and tok.text in stops)):
                return
            if tok.kind == "punct" and tok.text in _OPEN:
                stack.append(tok)
            elif tok.kind == "punct" and tok.text in (")", "]", "}"):
                if not stack:
                    raise self.fail(f"{tok.text!r} closes nothing here", tok)
                opener = stack.pop()
                if _OPEN[opener.text] != tok.text:
                    raise self.fail(f"expected {_OPEN[opener.text]!r} to close {opener.text!r} "
                                    f"(line {_line_of(self.text, opener.start)}), found "
                                    f"{tok.text!r}", tok)
            self.take()

    # -- values --

    def value(self, where: str, res: _Resource, stops: tuple[str, ...]) -> object:
        tok = self.peek()
        res.offsets.setdefault(where, tok.start)
        value = self.primary(where, res)
        after = self.peek()
        if after.kind in stops or (after.kind == "punct" and after.text in stops):
            return value
        # An operator, an index, a conditional...: an expression Terraform evaluates.
        self.skip(stops)
        return _Unknown(tok.start, self.text[tok.start: self.peek().start].strip())

    def primary(self, where: str, res: _Resource) -> object:
        tok = self.peek()
        if tok.kind in ("string", "heredoc"):
            self.take()
            return tok.value if isinstance(tok.value, str) else _Unknown(tok.start, tok.text)
        if tok.kind == "number":
            self.take()
            return _number(tok.text)
        if tok.kind == "punct" and tok.text == "-" and self.peek(1).kind == "number":
            self.take()
            number = self.take()
            return _number("-" + number.text)
        if tok.kind == "punct" and tok.text == "{":
            return self.hcl_object(where, res)
        if tok.kind == "punct" and tok.text == "[":
            return self.hcl_tuple(where, res)
        if tok.kind == "ident":
            literal = {"true": True, "false": False, "null": None}
            after = self.peek(1)
            if tok.text in literal and not (after.kind == "punct" and after.text in ".[("):
                self.take()
                return literal[tok.text]
            if tok.text == "jsonencode" and after.kind == "punct" and after.text == "(":
                self.take()
                self.take()
                self.skip_newlines()
                inner = self.value(where, res, (")", ",", "nl"))
                closing = self.skip_newlines()
                if not (closing.kind == "punct" and closing.text == ")"):
                    if closing.kind == "punct" and closing.text == ",":
                        raise self.fail("jsonencode takes exactly one argument", closing)
                    raise self.fail(f"expected ')' to close jsonencode(, found {_show(closing)}",
                                    closing)
                self.take()
                res.offsets[where] = tok.start
                return _Encoded(inner)
            # A reference (var.x, local.y, a resource attribute) or another function call.
            start = tok.start
            self.take()
            while True:
                nxt = self.peek()
                if nxt.kind == "punct" and nxt.text == ".":
                    self.take()
                    if self.peek().kind in ("ident", "number") or self.peek().text == "*":
                        self.take()
                elif nxt.kind == "punct" and nxt.text in ("(", "["):
                    self.skip_group()
                else:
                    break
            return _Unknown(start, self.text[start: self.peek().start].strip())
        if tok.kind == "punct" and tok.text == "(":
            start = tok.start
            self.skip_group()
            return _Unknown(start, self.text[start: self.peek().start])
        raise self.fail(f"expected a value, found {_show(tok)}", tok)

    def skip_group(self) -> None:
        """Consume a bracketed group starting at the current token."""
        opener = self.take()
        stack = [opener]
        while stack:
            tok = self.take()
            if tok.kind == "eof":
                raise self.fail(f"{stack[-1].text!r} opened here is never closed", stack[-1])
            if tok.kind == "punct" and tok.text in _OPEN:
                stack.append(tok)
            elif tok.kind == "punct" and tok.text in (")", "]", "}"):
                top = stack.pop()
                if _OPEN[top.text] != tok.text:
                    raise self.fail(f"expected {_OPEN[top.text]!r} to close {top.text!r} "
                                    f"(line {_line_of(self.text, top.start)}), found "
                                    f"{tok.text!r}", tok)

    def hcl_object(self, where: str, res: _Resource) -> object:
        at = self.p
        opener = self.take()
        out: dict[str, object] = {}
        first: dict[str, int] = {}
        while True:
            tok = self.skip_newlines()
            if tok.kind == "punct" and tok.text == "}":
                self.take()
                return out
            if tok.kind == "eof":
                raise self.fail("the object opened here is never closed with '}'", opener)
            if tok.kind == "ident" and tok.text == "for" and self.peek(1).kind == "ident":
                self.p = at
                self.skip_group()
                return _Unknown(opener.start, self.text[opener.start: self.peek().start])
            if tok.kind == "ident" or (tok.kind == "string" and isinstance(tok.value, str)):
                key = tok.text if tok.kind == "ident" else str(tok.value)
                self.take()
            elif tok.kind in ("string", "number") or (tok.kind == "punct" and tok.text == "("):
                # A key Terraform computes: the object is known only at apply time.
                self.p = at
                self.skip_group()
                return _Unknown(opener.start, self.text[opener.start: self.peek().start])
            else:
                raise self.fail(f"expected a key in the object, found {_show(tok)}", tok)
            sep = self.peek()
            if not (sep.kind == "punct" and sep.text in ("=", ":")):
                raise self.fail(f"expected '=' or ':' after the key {key!r}, found "
                                f"{_show(sep)}", sep)
            self.take()
            if self.peek().kind in ("nl", "eof"):
                raise self.fail(f"expected a value after {key!r} {sep.text}", self.peek())
            here = where + pointer(key)
            item = self.value(here, res, ("nl", ",", "}"))
            if key in first:
                res.problems.append(diagnostic(
                    "SL003", here, f"key {key!r} appears twice in one object (first on line "
                    f"{_line_of(self.text, first[key])})", "remove one of the two"))
                res.offsets[here] = tok.start
            else:
                first[key] = tok.start
                out[key] = item
            end = self.peek()
            if end.kind == "punct" and end.text == ",":
                self.take()
            elif not (end.kind == "nl" or (end.kind == "punct" and end.text == "}")):
                raise self.fail(f"expected ',', a new line or '}}' after the value of {key!r}, "
                                f"found {_show(end)}", end)

    def hcl_tuple(self, where: str, res: _Resource) -> object:
        at = self.p
        opener = self.take()
        out: list[object] = []
        while True:
            tok = self.skip_newlines()
            if tok.kind == "punct" and tok.text == "]":
                self.take()
                return out
            if tok.kind == "eof":
                raise self.fail("the list opened here is never closed with ']'", opener)
            if tok.kind == "ident" and tok.text == "for" and not out:
                self.p = at
                self.skip_group()
                return _Unknown(opener.start, self.text[opener.start: self.peek().start])
            out.append(self.value(where + pointer(len(out)), res, ("nl", ",", "]")))
            end = self.skip_newlines()
            if end.kind == "punct" and end.text == ",":
                self.take()
            elif not (end.kind == "punct" and end.text == "]"):
                raise self.fail(f"expected ',' or ']' in the list, found {_show(end)}", end)


def _number(text: str) -> int | float:
    # Terraform numbers are exact decimals and jsonencode writes whole ones without a
    # fraction (jsonencode({h = 1.0}) is {"h":1}), so a whole number becomes an int.
    from decimal import Decimal

    exact = Decimal(text)
    if exact == exact.to_integral_value() and abs(exact) < 10**30:
        return int(exact)
    return float(exact)


def _show(tok: _Tok) -> str:
    if tok.kind == "eof":
        return "the end of the file"
    if tok.kind == "nl":
        return "a new line"
    text = tok.text if len(tok.text) <= 30 else tok.text[:27] + "..."
    return repr(text)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _scan_terraform(text: str, result: Scan) -> None:
    lines = _Lines(text)
    try:
        reader = _HclReader(text)
        reader.body(None, None, 0)
    except HclSyntaxError as exc:
        line, column = lines.at(exc.offset)
        result.findings.append(Finding(result.file, line, column, diagnostic(
            "SL001", "", f"invalid HCL at line {line}, column {column}: {exc}",
            "correct the Terraform syntax at that position")))
        return
    for res in reader.resources:
        if res.type == "segment_destination_subscription":
            _subscription(res, result, lines)
        else:
            _model(res, result, lines)


def _label(res: _Resource) -> str:
    name = res.values.get("name")
    return name if isinstance(name, str) else f"{res.type}.{res.label}"


def _subscription(res: _Resource, result: Scan, lines: _Lines) -> None:
    if "reverse_etl_schedule" not in res.values:
        return
    raw = res.values["reverse_etl_schedule"]
    if raw is None:
        return  # a subscription without a schedule
    base = pointer("resource", res.type, res.label)
    offsets = {k.removeprefix("/reverse_etl_schedule"): v for k, v in res.offsets.items()
               if k == "/reverse_etl_schedule" or k.startswith("/reverse_etl_schedule/")}
    problems = [Diagnostic(d.code, d.severity, d.path.removeprefix("/reverse_etl_schedule"),
                           d.message, d.hint)
                for d in res.problems if d.path.startswith("/reverse_etl_schedule")]
    doc = raw
    if isinstance(raw, dict) and "config" in raw:
        doc = dict(raw)
        doc["config"] = _config(raw["config"], offsets.get("/config", 0), "config", problems)
    _add(result, lines, doc, base + "/reverse_etl_schedule", _label(res), offsets, problems, ())


def _model(res: _Resource, result: Scan, lines: _Lines) -> None:
    strategy = res.values.get("schedule_strategy")
    if "schedule_strategy" not in res.values or strategy is None or strategy == "":
        return  # "" is how Segment's export writes "no schedule"
    offsets = {"": res.offsets.get("/schedule_strategy", 0)}
    for key, new in (("schedule_strategy", "strategy"), ("schedule_config", "config")):
        for k, v in res.offsets.items():
            if k == "/" + key or k.startswith("/" + key + "/"):
                offsets["/" + new + k[len(key) + 1:]] = v
    problems = [Diagnostic(d.code, d.severity, d.path.replace("/schedule_config", "/config", 1),
                           d.message, d.hint) for d in res.problems]
    doc: dict[str, object] = {"strategy": strategy}
    if "schedule_config" in res.values:
        doc["config"] = _config(res.values["schedule_config"], offsets.get("/config", 0),
                                "schedule_config", problems)
    _add(result, lines, doc, pointer("resource", res.type, res.label), _label(res), offsets,
         problems, (("strategy", "schedule_strategy"), ("config", "schedule_config")))


def _config(raw: object, offset: int, name: str, problems: list[Diagnostic]) -> object:
    """``config`` is a JSON string in Terraform: jsonencode(...) or a string literal."""
    if isinstance(raw, _Encoded):
        return _plain(raw.value)
    if isinstance(raw, str):
        from ._jsontext import parse_json

        value, found = parse_json(raw)
        for d in found:
            problems.append(Diagnostic(d.code, d.severity, "/config" + d.path,
                                       f"{name} is a string that is not valid JSON: {d.message}"
                                       if d.code == "SL001" else d.message, d.hint))
        return value
    return raw


def _plain(value: object) -> object:
    """A value inside jsonencode(...), as the JSON text Terraform would send."""
    if isinstance(value, _Encoded):
        return json.dumps(_plain(value.value), separators=(",", ":"))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _unknowns(value: object, where: str = "") -> Iterator[tuple[str, _Unknown]]:
    if isinstance(value, _Unknown):
        yield where, value
    elif isinstance(value, _Encoded):
        yield from _unknowns(value.value, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _unknowns(v, where + pointer(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unknowns(v, where + pointer(i))


def _add(result: Scan, lines: _Lines, doc: object, base: str, label: str,
         offsets: dict[str, int], problems: list[Diagnostic],
         renames: tuple[tuple[str, str], ...]) -> None:
    unknown = list(_unknowns(doc))
    for where, item in unknown:
        text = item.text if len(item.text) <= 40 else item.text[:37] + "..."
        problems.append(diagnostic(
            "SL903", where, f"{text} is only known when Terraform runs; this schedule is not "
            "checked", "write the schedule literally, or check the values where they are "
            "defined"))
        offsets.setdefault(where, item.offset)
    result.schedules.append(Found(
        doc, base, label, lambda rel: lines.at(offsets[_nearest(offsets, rel)]),
        tuple(problems), static=not unknown and not any(p.code == "SL001" for p in problems),
        renames=renames))


def read_all(paths: Iterable[str]) -> Iterator[Scan]:
    """Scan each path: files as named, directories searched; ``-`` is not handled here."""
    for argument in paths:
        path = Path(argument)
        if path.is_dir():
            for file in iter_files(path):
                yield read_file(file, named=False)
        else:
            yield read_file(path)
