"""Schedules in YAML files (every document of a stream), read with PyYAML's node graph so
that each value keeps its line and column."""

from __future__ import annotations

from ..errors import diagnostic, pointer
from .model import WRAPPER_KEY, Finding, Found, Scan, nearest


def scan_yaml(text: str, result: Scan) -> None:
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            _document(loader, node, index, result)
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


def _document(loader: object, root: object, index: int, result: Scan) -> None:
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
            lambda rel, where=where: marks[nearest(marks, where + rel)]))  # type: ignore[misc]
