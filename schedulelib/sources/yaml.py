"""Schedules in YAML files (every document of a stream), read with PyYAML's node graph so
that each value keeps where it is written."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import diagnostic, pointer
from .model import WRAPPER_KEY, Finding, Found, Lines, Scan, nearest

if TYPE_CHECKING:
    import yaml


def scan_yaml(text: str, result: Scan) -> None:
    import yaml

    lines = Lines(text)
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            _document(loader, node, index, result, lines)
            index += 1
    except yaml.MarkedYAMLError as exc:
        result.schedules.clear()
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "cannot be read"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        result.findings.append(Finding.at(result.file, lines.point(mark.index if mark else 0),
                                          diagnostic("SL001", "", f"invalid YAML: {what}{context}",
                                                     "correct the YAML at that position")))
    except yaml.YAMLError as exc:
        result.schedules.clear()
        result.findings.append(Finding.at(result.file, lines.point(0), diagnostic(
            "SL001", "", f"invalid YAML: {exc}", "correct the YAML")))
    finally:
        loader.dispose()


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


def _document(loader: object, root: object, index: int, result: Scan, lines: Lines) -> None:
    import yaml

    assert isinstance(root, yaml.Node)
    marks: dict[str, tuple[int, int]] = {}
    found: list[tuple[str, yaml.Node, str | None]] = []
    seen: set[int] = set()

    def mark(where: str, node: yaml.Node) -> None:
        if where not in marks:
            marks[where] = (node.start_mark.index, _end(node, lines.text))

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
                    span = lines.span(key.start_mark.index, _end(value, lines.text))
                    result.findings.append(Finding.at(
                        result.file, span,
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
            lambda rel, where=where: lines.span(  # type: ignore[misc]
                *marks[nearest(marks, where + rel)])))
