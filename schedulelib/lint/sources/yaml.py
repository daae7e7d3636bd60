"""Schedules in YAML files (every document of a stream).

libyaml (PyYAML's C parser) builds the node graph, with the place of every node.  The values
of schedules are then built here, not by PyYAML's constructor (docs/decisions.md D24):

* a plain scalar is read as YAML 1.2's core schema reads it; where YAML 1.1 (PyYAML, and the
  many tools built on it) reads it differently (``08``, ``010``, ``1:30``, ``yes``), warning
  SL005 names both readings;
* aliases are expanded against a budget (SL007), so a few hundred bytes cannot expand to
  gigabytes;
* a number too long for Python's ``int`` is a finding (SL008), not an exception.

Only schedules are built; the rest of the document is walked once, for the keys that hold
schedules and for duplicate keys, so a scan costs time linear in the file.
"""

from __future__ import annotations

import gc
import math
import re
import sys
from typing import TYPE_CHECKING, Any

from schedulelib.core.diagnostics import Diagnostic, diagnostic, pointer
from schedulelib.lint.sources.json import model_of, subject_of
from schedulelib.lint.sources.model import (
    WRAPPER_KEY,
    Finding,
    Found,
    Lines,
    Scan,
    Span,
    Subject,
    nearest,
)

if TYPE_CHECKING:
    import yaml

#: The most values aliases may expand one schedule to (a real schedule holds fewer than 50).
SCHEDULE_BUDGET = 10_000
#: The most values built for all the schedules of a file: this, plus 10 per character.
FILE_BUDGET = 200_000

_TAG = "tag:yaml.org,2002:"

# YAML 1.2.2's core schema (section 10.3.2), for plain scalars.
_CORE_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_CORE_BOOL = {"true": True, "True": True, "TRUE": True,
              "false": False, "False": False, "FALSE": False}
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CORE_SPECIAL = {sign + dot: value
                 for dot, value in ((".inf", math.inf), (".Inf", math.inf), (".INF", math.inf))
                 for sign in ("", "+")}
_CORE_SPECIAL |= {"-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
                  ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}


class _TooLong(ValueError):
    """A decimal integer longer than Python converts (``sys.get_int_max_str_digits()``)."""


class _TooLarge(ValueError):
    """A number written out (not ``.inf``) beyond a 64-bit float: it would read as infinity."""


def _digits_limit() -> int:
    get = getattr(sys, "get_int_max_str_digits", None)
    limit = get() if get is not None else 0
    return limit or sys.maxsize


def core_value(text: str) -> object:
    """A plain scalar as YAML 1.2's core schema reads it (:class:`_TooLong` for a decimal
    integer Python will not convert)."""
    if text in _CORE_NULL:
        return None
    if text in _CORE_BOOL:
        return _CORE_BOOL[text]
    if _CORE_INT.fullmatch(text):
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        if len(text) > _digits_limit():
            raise _TooLong(text)
        return int(text)
    if text in _CORE_SPECIAL:
        return _CORE_SPECIAL[text]
    if _CORE_FLOAT.fullmatch(text):
        return _finite(float(text), text)
    return text


def _finite(value: float, text: str) -> float:
    """``value``, unless ``text`` (a number written out) overflowed to infinity."""
    if math.isinf(value):
        raise _TooLarge(text)
    return value


def tagged_number(text: str, tag: str) -> int | float:
    """The value of ``!!int`` / ``!!float`` ``text`` by YAML 1.2 rules, as ruamel.yaml (D24's
    oracle) reads them: no octal from a leading zero (``!!int 010`` is 10, PyYAML's 8) and no
    sexagesimal ``1:30``; ``_`` separators, ``0b``, ``0o`` and ``0x`` as ruamel takes them.
    ValueError for a text the tag does not fit; :class:`_TooLong` / :class:`_TooLarge` for a
    number beyond what Python holds."""
    value = text.replace("_", "")
    if ":" in value:
        raise ValueError(f"{text!r} is sexagesimal, a YAML 1.1 form YAML 1.2 does not have")
    if tag == "float":
        lower = value.lower()
        sign = -1.0 if lower.startswith("-") else 1.0
        bare = lower[1:] if lower[:1] in "+-" else lower
        # ruamel reads the rest with float(), which also takes the words inf, infinity and
        # nan in any case: an infinity so written is no overflow of digits (SL008).
        if bare in (".inf", "inf", "infinity"):
            return sign * math.inf
        if bare in (".nan", "nan"):
            return math.nan
        return _finite(float(value), text)
    sign_int = -1 if value.startswith("-") else 1
    bare = value[1:] if value[:1] in "+-" else value
    if bare == "0":
        return 0
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if bare.startswith(prefix):
            return sign_int * int(bare[2:], base)
    if len(bare) > _digits_limit():
        raise _TooLong(text)
    return sign_int * int(bare)


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"the {type(value).__name__} {value}"


def _rest_of_line(text: str, at: int) -> str:
    """The plain value written from ``at`` to the end of its line (a comment left out)."""
    end = len(text)
    for stop in ("\n", "\r"):
        found = text.find(stop, at)
        if found >= 0:
            end = min(end, found)
    line = text[at:end]
    comment = re.search(r"\s#", line)
    return (line[: comment.start()] if comment else line).rstrip()


def scan_yaml(text: str, result: Scan) -> None:
    import yaml

    lines = Lines(text)
    loader = _loader_class(yaml)(text)
    budget = [FILE_BUDGET + 10 * len(text)]
    # The node graph is many small objects that stay alive until the end of the scan: Python's
    # cyclic collector, run again and again as it grows, made a scan of 20,000 schedules take
    # 6x the time of 5,000.  Nodes form no cycles (a recursive alias is freed at the next
    # collection), so the collector is paused while they exist, and restored as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                _Document(loader, lines, result, index, budget).read(node)
            index += 1
    except yaml.MarkedYAMLError as exc:
        result.schedules.clear()
        result.findings.append(_syntax_error(exc, lines, result.file))
    except yaml.YAMLError as exc:
        result.schedules.clear()
        result.findings.append(Finding.at(result.file, lines.point(0), diagnostic(
            "SL001", "", f"invalid YAML: {exc}", "correct the YAML")))
    finally:
        loader.dispose()
        if collecting:
            gc.enable()


def _syntax_error(exc: yaml.MarkedYAMLError, lines: Lines, file: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    at = mark.index if mark is not None else 0
    problem = exc.problem or ""
    if exc.context == "while scanning an alias" and exc.context_mark is not None:
        at = exc.context_mark.index
        written = _rest_of_line(lines.text, at)
        return Finding.at(file, lines.span(at, at + len(written)), diagnostic(
            "SL006", "", f"{written!r} starts with '*', which YAML reads as an alias (a "
            "reference to an anchor), not as text", f"quote the value: \"{written}\""))
    if problem.startswith("found undefined alias"):
        written = _rest_of_line(lines.text, at)
        return Finding.at(file, lines.span(at, at + len(written)), diagnostic(
            "SL006", "", f"{written!r} starts with '*', which YAML reads as an alias of an "
            "anchor that is not defined", f"quote the value if it is text: \"{written}\""))
    what = problem or exc.context or "cannot be read"
    context = f" ({exc.context})" if exc.context and exc.problem else ""
    return Finding.at(file, lines.point(at), diagnostic(
        "SL001", "", f"invalid YAML: {what}{context}", "correct the YAML at that position"))


# An anchor (&name) or a tag (!tag, !!str, !<...>) before a value, and the space after it.
_PROPERTY = re.compile(r"[&!][^\s,\[\]{}]*\s+")


def _start(node: yaml.Node, text: str) -> tuple[int, bool]:
    """Where a node's value starts, after its anchor and tag (PyYAML's start mark is before
    them), and whether it has a tag written out."""
    at, end, tagged = node.start_mark.index, node.end_mark.index, False
    while (found := _PROPERTY.match(text, at, end)) is not None:
        tagged = tagged or text[at] == "!"
        at = found.end()
    if text.startswith("!", at, end):  # a tag with nothing after it: an empty value
        tagged = True
    return at, tagged


def _end(node: yaml.Node, text: str) -> int:
    """Where a node's text ends.  PyYAML's end mark of a block collection or block scalar is
    the start of what follows (blank lines and comments included): a block collection ends with
    its last item, a block scalar with its last non-blank character."""
    import yaml

    outer, last = node.end_mark.index, node
    while isinstance(last, yaml.CollectionNode) and not last.flow_style and last.value:
        item = last.value[-1]
        last = item[1] if isinstance(item, tuple) else item
    end = last.end_mark.index
    if (isinstance(last, yaml.CollectionNode) and not last.flow_style) or (
            isinstance(last, yaml.ScalarNode) and last.style in ("|", ">")):
        while end > last.start_mark.index and text[end - 1] in " \t\r\n":
            end -= 1
    if last is not node and (end > outer or _TRAILER.fullmatch(text, end, outer) is None):
        # The last item is an alias of a node written elsewhere: stop before the trailing
        # white space only.
        end = outer
        while end > node.start_mark.index and text[end - 1] in " \t\r\n":
            end -= 1
    return end


_TRAILER = re.compile(r"(?:\s|#[^\n]*)*")


def _key_text(node: yaml.Node) -> str:
    import yaml

    return str(node.value) if isinstance(node, yaml.ScalarNode) else f"<{type(node).__name__}>"


# A path from a document's root, built as the walk goes down and turned into a JSON Pointer
# only when needed (a pointer per node would cost more than the reading itself).
_Path = tuple["_Path", str | int] | None


def _pointer(path: _Path) -> str:
    parts: list[str | int] = []
    while path is not None:
        path, part = path
        parts.append(part)
    return pointer(*reversed(parts))


class _OverBudget(Exception):
    """Aliases expand a schedule past its budget, or nest it too deeply."""


def _loader_class(yaml: Any) -> type:
    """libyaml's loader (PyYAML's when libyaml is missing) that leaves plain scalars untyped.

    PyYAML's resolver, called for every plain scalar of the file, cost more than all the rest
    of a scan; here plain scalars get the tag ``!plain`` (except the merge key ``<<``), so a
    tag written out is told apart from an inferred one, and only the values of schedules are
    typed, by :func:`core_value` (YAML 1.2) and, to compare, PyYAML's own resolver (1.1).
    """
    if _LOADER:
        return _LOADER[0]
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode:
                if implicit[0]:
                    return _TAG + "merge" if value == "<<" else _PLAIN
                return _TAG + "str"
            return _TAG + ("seq" if kind is yaml.SequenceNode else "map")

        def yaml11_tag(self, value: str) -> str:
            tag: str = base.resolve(self, yaml.ScalarNode, value, (True, False))
            return tag

    _LOADER.append(Loader)
    return Loader


_LOADER: list[type] = []


_PLAIN = "!plain"
_MAX_DEPTH = 100


class _Document:
    """One document of the stream: finds its schedules and builds their values."""

    def __init__(self, loader: Any, lines: Lines, result: Scan, index: int,
                 budget: list[int]) -> None:
        self.loader, self.lines, self.result, self.index = loader, lines, result, index
        self.budget = budget

    def read(self, root: yaml.Node) -> None:
        import yaml

        mapping, sequence, scalar = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode
        found: list[tuple[_Path, yaml.Node, str | None]] = []
        subjects: dict[int, Subject] = {}  # id(schedule node) -> what holds it
        if isinstance(root, mapping) and any(
                _key_text(k) == "strategy" for k, _ in root.value) and not any(
                _key_text(k) == WRAPPER_KEY for k, _ in root.value):
            found.append((None, root, None))
        # (path, node, inside a schedule already): a schedule inside a schedule is checked
        # as a part of the outer one, not on its own.
        stack: list[tuple[_Path, yaml.Node, bool]] = [(None, root, bool(found))]
        seen: set[int] = set()
        while stack:
            path, node, inside = stack.pop()
            if id(node) in seen:  # an alias: walk the anchored node once
                continue
            seen.add(id(node))
            if isinstance(node, mapping):
                first: dict[str, yaml.Node] = {}
                label = None
                wrapped = len(found)
                facts: dict[str, object] = {}
                for key, value in node.value:
                    name = str(key.value) if isinstance(key, scalar) else _key_text(key)
                    if name in first and name != "<<":
                        self.duplicate(path, name, key, value, first[name])
                        continue
                    first[name] = key
                    if name == "name" and isinstance(value, scalar):
                        label = str(value.value)
                    if name in _FACTS and isinstance(value, scalar):
                        facts[name] = _fact(value)
                    here = (path, name)
                    if name == WRAPPER_KEY and not inside:
                        if not _is_null(value):
                            found.append((here, value, None))
                        else:
                            self.result.unscheduled += 1
                        stack.append((here, value, True))
                        continue
                    if not isinstance(value, scalar):
                        stack.append((here, value, inside))
                if label is not None and len(found) > wrapped:
                    found[wrapped] = (found[wrapped][0], found[wrapped][1], label)
                if len(found) > wrapped:
                    subjects[id(found[wrapped][1])] = subject_of(facts)
                elif not inside:
                    model = model_of(facts)
                    if model is not None:
                        self.result.models.append(model)
            elif isinstance(node, sequence):
                for i, item in enumerate(node.value):
                    if not isinstance(item, scalar):
                        stack.append(((path, i), item, inside))
        found.sort(key=lambda f: f[1].start_mark.index)
        for path, node, label in found:
            schedule = self.schedule(_pointer(path), node, label)
            if id(node) in subjects and path is not None:
                schedule = schedule.with_subject(subjects[id(node)])
            self.result.schedules.append(schedule)

    def duplicate(self, path: _Path, name: str, key: yaml.Node, value: yaml.Node,
                  first: yaml.Node) -> None:
        span = self.lines.span(key.start_mark.index, _end(value, self.lines.text))
        self.result.findings.append(Finding.at(self.result.file, span, diagnostic(
            "SL003", _pointer((path, name)), f"key {name!r} appears twice in one mapping "
            f"(first on line {first.start_mark.line + 1})",
            "remove one of the two; YAML readers keep different ones")))

    # -- building one schedule --

    def schedule(self, where: str, node: yaml.Node, label: str | None) -> Found:
        prefix = f"document {self.index + 1}: " if self.index else ""
        name = label or f"{prefix}{self.result.file}#{where or '/'}"
        lines = self.lines
        marks: dict[str, yaml.Node] = {}

        def locate(rel: str) -> Span:
            if not marks:  # built on the first finding only: most schedules have none
                _mark(node, marks)
            at = marks[nearest(marks, rel)]
            end = _end(at, lines.text)
            return lines.span(min(_start(at, lines.text)[0], end), end)

        left = min(SCHEDULE_BUDGET, self.budget[0])
        builder = _Builder(self.loader, left)
        try:
            doc = builder.build(node, None, 0)
        except _OverBudget as exc:
            problem = diagnostic("SL007", "", f"{exc}; this schedule is not read",
                                 "write the schedule out, or with fewer aliases")
            return Found(None, where, name, locate, (problem,), static=False)
        finally:
            self.budget[0] -= left - builder.left
        return Found(doc, where, name, locate, tuple(builder.problems), static=builder.static)


#: The keys beside a schedule (or of a model) that say what it belongs to (Public API names).
_FACTS = frozenset({"id", "name", "modelId", "reverseETLModelId", "destinationId", "sourceId",
                    "enabled"})


def _fact(node: yaml.ScalarNode) -> object:
    """A scalar beside a schedule: text, or a boolean written plainly (YAML 1.2 core)."""
    text = str(node.value)
    if node.tag == _PLAIN and text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    return text


def _is_null(node: yaml.Node) -> bool:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        return False
    if node.tag == _PLAIN:
        return node.value in _CORE_NULL
    return bool(node.tag == _TAG + "null")


def _mark(root: yaml.Node, marks: dict[str, yaml.Node]) -> None:
    """The node at each pointer inside a schedule (the first place, when aliases repeat)."""
    import yaml

    stack: list[tuple[str, yaml.Node]] = [("", root)]
    seen: set[int] = set()
    while stack:
        where, node = stack.pop()
        marks.setdefault(where, node)
        if id(node) in seen:  # an alias: its inside is marked where it was first reached
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for name, value in _members(node):
                stack.append((where + pointer(name), value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((where + pointer(i), item))


def _members(node: yaml.MappingNode) -> list[tuple[str, yaml.Node]]:
    """(key, value node) of a mapping as it is built: keys written here, then those a merge
    key (``<<: *base``) brings in that are not written here, earlier merges first; so a
    finding on a merged value points at the value as written in the anchored mapping."""
    import yaml

    own: list[tuple[str, yaml.Node]] = []
    merges: list[yaml.Node] = []
    for key, value in node.value:
        if key.tag == _TAG + "merge":
            merges.append(value)
        else:
            own.append((_key_text(key), value))
    names = {name for name, _ in own}
    for merged in merges:
        for source in merged.value if isinstance(merged, yaml.SequenceNode) else [merged]:
            if isinstance(source, yaml.MappingNode):
                for key, value in source.value:
                    name = _key_text(key)
                    if name not in names and key.tag != _TAG + "merge":
                        names.add(name)
                        own.append((name, value))
    return own


class _Builder:
    """Builds a schedule's value from its nodes, within a budget of values."""

    def __init__(self, loader: Any, left: int) -> None:
        self.loader, self.left = loader, left
        self.problems: list[Diagnostic] = []
        self.static = True

    def build(self, node: yaml.Node, path: _Path, depth: int) -> object:
        import yaml

        self.left -= 1
        if self.left < 0:
            raise _OverBudget(f"this schedule holds more than {SCHEDULE_BUDGET:,} values once "
                              "its aliases are expanded (or the file's schedules too many)")
        if depth > _MAX_DEPTH:
            raise _OverBudget(f"this schedule is nested more than {_MAX_DEPTH} levels deep "
                              "(an alias inside itself?)")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                return self.unknown_tag(node, path)
            return [self.build(item, (path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _TAG + "map":
            return self.unknown_tag(node, path)
        out: dict[str, object] = {}
        merges: list[yaml.Node] = []
        for key, value in node.value:
            if key.tag == _TAG + "merge":
                merges.append(value)
                continue
            name = _key_text(key)
            out[name] = self.build(value, (path, name), depth + 1)  # the last of duplicates
        # Merge keys (<<: *defaults): keys written here win, then earlier merged mappings.
        for merged in merges:
            sources = merged.value if isinstance(merged, yaml.SequenceNode) else [merged]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self.problems.append(diagnostic(
                        "SL001", _pointer(path), "'<<' merges mappings only",
                        "merge a mapping (an alias of one) or a list of them"))
                    self.static = False
                    continue
                for key, value in source.value:
                    name = _key_text(key)
                    if name not in out:
                        out[name] = self.build(value, (path, name), depth + 1)
        return out

    def unknown_tag(self, node: yaml.Node, path: _Path) -> object:
        self.problems.append(diagnostic(
            "SL001", _pointer(path), f"the tag {node.tag} is not a YAML type schedulelib can "
            "read", "remove the tag"))
        self.static = False
        return None

    def scalar(self, node: yaml.ScalarNode, path: _Path) -> object:
        text = node.value
        try:
            if node.tag == _PLAIN:
                return self.plain(node, path)
            if node.tag == _TAG + "str":
                return text
            return self.tagged(node, path)
        except _TooLong:
            self.problems.append(diagnostic(
                "SL008", _pointer(path), f"the number {text[:20]}... has {len(text):,} digits, "
                "more than any schedule value (or Python's int) holds",
                "write the intended value"))
            self.static = False
            return None
        except _TooLarge:
            # As the JSON reader says it: infinity is no value anyone wrote.
            self.problems.append(diagnostic(
                "SL008", _pointer(path), f"the number {text[:20]}... is too large for a 64-bit "
                "float", "write the value intended; this schedule is not checked"))
            self.static = False
            return None

    def plain(self, node: yaml.ScalarNode, path: _Path) -> object:
        text = node.value
        if text and text[0] not in _TYPED_FIRST:
            return text  # text in YAML 1.1 and 1.2 alike: the common case, made quick
        v12 = core_value(text)
        v11 = _yaml11(node, self.loader.yaml11_tag(text))
        if not _same(v12, v11):
            if isinstance(v12, str):
                fix = f"quote it (\"{text}\") if you mean the text"
            elif isinstance(v12, bool) or v12 is None:
                fix = f"write {str(v12).lower() if v12 is not None else 'null'}"
            else:
                fix = f"write {v12!r} so that both read the same"
            self.problems.append(diagnostic(
                "SL005", _pointer(path), f"{text} is {_describe(v12)} in YAML 1.2 (read here) "
                f"but {_describe(v11)} in YAML 1.1 (PyYAML and the tools built on it)", fix))
        return v12

    def differs(self, node: yaml.ScalarNode, path: _Path, v12: object) -> None:
        """SL005 when PyYAML (YAML 1.1) reads the tagged number otherwise (!!int 010: 8)."""
        try:
            v11 = _construct(node, node.tag)
        except (*_CONSTRUCT_ERRORS, _yaml_error()):
            return
        if not _same(v12, v11):
            self.problems.append(diagnostic(
                "SL005", _pointer(path), f"{node.tag.replace(_TAG, '!!')} {node.value} is "
                f"{_describe(v12)} in YAML 1.2 (read here) but {_describe(v11)} in YAML 1.1 "
                "(PyYAML and the tools built on it)",
                f"write {v12!r} so that both read the same"))

    def tagged(self, node: yaml.ScalarNode, path: _Path) -> object:
        """A scalar with an explicit tag (``!!str 08``, ``!!int "8"``)."""
        if node.tag not in _KNOWN_SCALARS:
            return self.unknown_tag(node, path)
        if node.tag == _TAG + "int" and len(node.value) > _digits_limit():
            raise _TooLong(node.value)
        try:
            if node.tag in (_TAG + "int", _TAG + "float"):
                # PyYAML's constructors follow YAML 1.1 (010 is octal 8); D24 promises 1.2.
                value = tagged_number(node.value, node.tag.rsplit(":", 1)[-1])
                self.differs(node, path, value)
                return value
            return _construct(node, node.tag)
        except (_TooLong, _TooLarge):
            raise
        except (*_CONSTRUCT_ERRORS, _yaml_error()) as exc:
            self.problems.append(diagnostic(
                "SL001", _pointer(path), f"{node.value!r} is not a valid "
                f"{node.tag.rsplit(':', 1)[-1]}: {exc}", "correct the value or remove the tag"))
            self.static = False
            return None


# The first characters of every plain scalar that YAML 1.1 or 1.2 reads as something other
# than text (numbers, booleans, null, dates, the merge key); empty is null in both.
_TYPED_FIRST = frozenset("0123456789+-.~<=nNtTfFyYoO")
# What PyYAML's scalar constructors raise for a value their tag does not fit ("" as !!int).
_CONSTRUCT_ERRORS = (ValueError, TypeError, IndexError, KeyError, OverflowError)
_KNOWN_SCALARS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null"))


def _yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError


def _yaml11(node: yaml.ScalarNode, tag: str) -> object:
    """A plain scalar as PyYAML (YAML 1.1) reads it, given the tag its resolver infers."""
    if tag == _TAG + "str":
        return node.value
    if tag == _TAG + "int" and len(node.value) > _digits_limit():
        raise _TooLong(node.value)
    try:
        return _construct(node, tag)
    except (*_CONSTRUCT_ERRORS, _yaml_error()):
        return node.value  # e.g. a timestamp naming no date, which PyYAML itself refuses


_CONSTRUCTOR: list[Any] = []


def _construct(node: yaml.ScalarNode, tag: str) -> object:
    """PyYAML's own value of a scalar for a core tag.  Its per-tag method is called directly:
    ``construct_object`` would keep every node it saw."""
    if not _CONSTRUCTOR:
        from yaml.constructor import SafeConstructor

        _CONSTRUCTOR.append(SafeConstructor())
    made = _CONSTRUCTOR[0]
    if tag == _TAG + "merge" or tag not in made.yaml_constructors:
        return node.value
    return made.yaml_constructors[tag](made, node)
