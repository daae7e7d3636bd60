"""Terraform's JSON syntax (``*.tf.json``, what CDKTF writes): the same resources, variables
and locals as in ``.tf`` files, read into the same :class:`~.hcl.Node` trees.

In this syntax every string is a template: ``"${var.x}"`` is the reference ``var.x`` and
``"${jsonencode({interval = \\"1h\\"})}"`` the call, read with the HCL reader.  A value inside
such an expression is placed at the JSON string that holds it (its characters are escaped in
the file, so offsets inside it would not be the file's).  Block types (``resource``,
``variable``, ``locals``) may be an object or an array of objects; ``"//"`` keys are comments.
"""

from __future__ import annotations

from schedulelib.core.diagnostics import pointer
from schedulelib.lint.sources.hcl import (
    IMPORT_ATTRIBUTES,
    WANTED,
    HclReader,
    HclSyntaxError,
    Node,
    Resource,
    _skip_interpolation,
)
from schedulelib.lint.sources.model import Finding, Scan
from schedulelib.lint.sources.tfmodule import Src, current


def read_tfjson(src: Src) -> HclReader | None:
    """The definitions and resources of a .tf.json text (None: not valid JSON)."""
    from schedulelib.core.jsontext import JsonLocator, read_json

    value, problems, _at = read_json(src.text)
    if any(p.code == "SL001" for p in problems) or not isinstance(value, dict):
        return None
    return _Builder(src, JsonLocator(src.text)).module(value)


def scan_tfjson(text: str, result: Scan) -> None:
    from schedulelib.core.jsontext import JsonLocator, read_json
    from schedulelib.lint.sources.terraform import scan_resources

    sess = current()
    src = sess.reader_for(result.file, text)
    if src is None or src.reader is None:
        src = Src(result.file, text)
        value, problems, error_at = read_json(text)
        locator = JsonLocator(text) if problems and error_at is None else None
        for problem in problems:
            if problem.code == "SL001" or locator is None:
                where = src.lines.point(error_at or 0)
            else:
                where = src.lines.span(*locator.range(problem.path))
            result.findings.append(Finding.at(result.file, where, problem))
        if any(p.code == "SL001" for p in problems) or not isinstance(value, dict):
            return
        src.reader = _Builder(src, JsonLocator(text)).module(value)
        sess.remember(src)
    scan_resources(src, src.reader.resources, result, sess)


class _Builder:
    def __init__(self, src: Src, locator: object) -> None:
        self.src, self.locator = src, locator

    def range(self, where: str) -> tuple[int, int]:
        return self.locator.range(where)  # type: ignore[attr-defined,no-any-return]

    def module(self, root: dict[str, object]) -> HclReader:
        reader = HclReader.empty(self.src)
        for where, body in _blocks(root.get("resource"), "/resource"):
            for type_, named in body.items():
                if type_ not in WANTED or not isinstance(named, dict):
                    continue
                for label, attrs in named.items():
                    at = where + pointer(type_, label)
                    for place, item in _bodies(attrs, at):
                        res = Resource(type_, label, self.range(place)[0], self.src)
                        for name in WANTED[type_]:
                            if name in item:
                                res.values[name] = self.node(item[name], place + pointer(name))
                        reader.resources.append(res)
        for where, body in _blocks(root.get("variable"), "/variable"):
            for name, attrs in body.items():
                for place, item in _bodies(attrs, where + pointer(name)):
                    reader.variables.setdefault(name, None)
                    if "default" in item:
                        reader.variables[name] = self.node(item["default"],
                                                           place + "/default")
        for where, body in _blocks(root.get("import"), "/import"):
            block = {name: self.node(body[name], where + pointer(name))
                     for name in IMPORT_ATTRIBUTES if name in body}
            reader.imports.append(block)
        for where, body in _blocks(root.get("locals"), "/locals"):
            for name, local in body.items():
                if name != "//":
                    reader.locals[name] = self.node(local, where + pointer(name))
        return reader

    def node(self, value: object, where: str) -> Node:
        start, end = self.range(where)
        if isinstance(value, dict):
            return Node("obj", {k: self.node(v, where + pointer(k)) for k, v in value.items()
                                if k != "//"}, start, end, self.src)
        if isinstance(value, list):
            return Node("tup", [self.node(v, where + pointer(i)) for i, v in enumerate(value)],
                        start, end, self.src)
        if isinstance(value, str) and "${" in value.replace("$${", ""):
            return self.template(value, start, end)
        if isinstance(value, str):
            value = value.replace("$${", "${").replace("%%{", "%{")
        return Node("lit", value, start, end, self.src)

    def template(self, text: str, start: int, end: int) -> Node:
        """A string with interpolations (the JSON string's content is the template's source);
        every part is placed at the whole JSON string."""
        parts: list[object] = []
        piece: list[str] = []
        i, n = 0, len(text)
        try:
            while i < n:
                if text.startswith(("$${", "%%{"), i):
                    piece.append(text[i + 1: i + 3])
                    i += 3
                elif text.startswith("%{", i):
                    return Node("unk", None, start, end, self.src)
                elif text.startswith("${", i):
                    close = _skip_interpolation(text, i + 2, n)
                    if text[i + 2: i + 3] == "~" or text[close - 2: close - 1] == "~":
                        return Node("unk", None, start, end, self.src)
                    if piece:
                        parts.append("".join(piece))
                        piece = []
                    sub = HclReader(text, self.src, start=i + 2, stop=close - 1, inline=True)
                    sub.depth = 1
                    parts.append(_moved(sub.value(("eof",), ""), start, end, self.src))
                    i = close
                else:
                    piece.append(text[i])
                    i += 1
        except (HclSyntaxError, RecursionError):
            return Node("unk", None, start, end, self.src)
        if piece:
            parts.append("".join(piece))
        if len(parts) == 1 and isinstance(parts[0], Node):
            return parts[0]
        return Node("tmpl", parts, start, end, self.src)


def _moved(node: Node, start: int, end: int, src: object) -> Node:
    """``node`` with every part placed at ``start``-``end`` of ``src``."""
    value = node.value
    if node.kind == "obj" and isinstance(value, dict):
        value = {k: _moved(v, start, end, src) for k, v in value.items()}
    elif node.kind == "tup" and isinstance(value, list):
        value = [_moved(v, start, end, src) for v in value]
    elif node.kind == "tmpl" and isinstance(value, list):
        value = [_moved(v, start, end, src) if isinstance(v, Node) else v for v in value]
    elif node.kind == "enc" and isinstance(value, Node):
        value = _moved(value, start, end, src)
    return Node(node.kind, value, start, end, src)


def _blocks(value: object, where: str) -> list[tuple[str, dict[str, object]]]:
    """A block type's value: one object, or an array of them."""
    if isinstance(value, dict):
        return [(where, value)]
    if isinstance(value, list):
        return [(where + pointer(i), v) for i, v in enumerate(value) if isinstance(v, dict)]
    return []


def _bodies(value: object, where: str) -> list[tuple[str, dict[str, object]]]:
    return _blocks(value, where)
