"""The oracle of the Terraform differential test: python-hcl2's parse tree, evaluated here.

Written apart from schedulelib's own reader and evaluator (schedulelib.lint.sources.hcl,
.terraform, .tfeval) and sharing no code with them: the file is parsed by python-hcl2, and
each expression of its Lark tree is evaluated by the small interpreter below, which knows the
functions the generator writes, from Terraform's documentation.  A value that depends on
apply time is :data:`UNKNOWN`; an expression Terraform would refuse raises :class:`Refused`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import hcl2
from lark import Token, Tree


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class Refused(Exception):
    """Terraform would stop with an error on this expression."""


class Unknowable(Exception):
    """The value is only known at apply time."""


def parse(text: str) -> Tree:
    return hcl2.parses_to_tree(text)


def _trees(t: Tree) -> list[Tree]:
    return [c for c in t.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _name(t: Tree) -> str:
    assert t.data in ("identifier", "keyword"), t.data
    return str(t.children[0])


class Module:
    """The names of one module: variables' values (defaults or a module call's arguments)
    and locals, as expression trees with the Module they are evaluated in."""

    def __init__(self) -> None:
        self.variables: dict[str, tuple[Tree, Module] | None] = {}
        self.locals: dict[str, Tree] = {}


def blocks(tree: Tree) -> list[tuple[str, list[str], Tree]]:
    """(type, labels, body) of each top-level block."""
    (body,) = [c for c in tree.children if isinstance(c, Tree) and c.data == "body"]
    out = []
    for item in _trees(body):
        if item.data != "block":
            continue
        kids = _trees(item)
        kind = _name(kids[0])
        labels = [_label(k) for k in kids[1:] if k.data in ("string", "identifier")]
        inner = [k for k in kids if k.data == "body"]
        out.append((kind, labels, inner[0] if inner else Tree("body", [])))
    return out


def _label(t: Tree) -> str:
    if t.data == "identifier":
        return _name(t)
    return "".join(str(p.children[0]) for p in _trees(t))


def attributes(body: Tree) -> dict[str, Tree]:
    out = {}
    for item in _trees(body):
        if item.data == "attribute":
            kids = _trees(item)
            out[_name(kids[0])] = kids[1]
    return out


def nested(body: Tree) -> list[tuple[str, list[str], Tree]]:
    return blocks(Tree("start", [body]))


class Evaluator:
    def __init__(self, module: Module, scope: dict[str, Any] | None = None) -> None:
        self.module = module
        self.scope = scope or {}
        self.depth = 0

    def with_scope(self, **names: Any) -> Evaluator:
        out = Evaluator(self.module, {**self.scope, **names})
        out.depth = self.depth
        return out

    def value(self, t: Tree) -> Any:
        """The value, or UNKNOWN (a Refused propagates)."""
        try:
            return self.ev(t)
        except Unknowable:
            return UNKNOWN

    def ev(self, t: Tree) -> Any:
        self.depth += 1
        if self.depth > 200:
            raise Unknowable("too deep")
        try:
            return getattr(self, "_" + t.data)(t)
        finally:
            self.depth -= 1

    # -- terms --

    def _expr_term(self, t: Tree) -> Any:
        (inner,) = _trees(t)
        return self.ev(inner)

    def _int_lit(self, t: Tree) -> Any:
        return int(str(t.children[0]))

    def _float_lit(self, t: Tree) -> Any:
        value = float(str(t.children[0]))
        return int(value) if value.is_integer() else value

    def _literal_value(self, t: Tree) -> Any:
        return {"null": None, "true": True, "false": False}[str(t.children[0])]

    def _string(self, t: Tree) -> Any:
        out = []
        for part in _trees(t):
            for c in part.children:
                if isinstance(c, Token):
                    out.append(_unescape(str(c)))
                else:
                    (inner,) = _trees(c)
                    v = self.ev(inner)
                    out.append(_text(v))
        if len(out) == 1 and len(_trees(t)) == 1 and isinstance(_trees(t)[0].children[0],
                                                                 Tree):
            # "${x}" alone is x itself, whatever its type.
            (inner,) = _trees(_trees(t)[0].children[0])
            return self.ev(inner)
        return "".join(out)

    def _heredoc_template(self, t: Tree) -> Any:
        return _heredoc(str(t.children[0]), trim=False)

    def _heredoc_template_trim(self, t: Tree) -> Any:
        return _heredoc(str(t.children[0]), trim=True)

    def _tuple(self, t: Tree) -> Any:
        return [self.ev(x) for x in _trees(t)]

    def _object(self, t: Tree) -> Any:
        out = {}
        for elem in _trees(t):
            key_tree, value_tree = _trees(elem)
            (key_expr,) = _trees(key_tree)
            (key,) = _trees(key_expr)
            name = _name(key) if key.data == "identifier" else self.ev(key_expr)
            out[name] = self.ev(value_tree)
        return out

    def _identifier(self, t: Tree) -> Any:
        name = _name(t)
        if name in self.scope:
            return self.scope[name]
        raise Unknowable(name)  # var / local / each alone, a resource type...

    def _get_attr_expr_term(self, t: Tree) -> Any:
        base, attr = _trees(t)
        name = _name(_trees(attr)[0])
        path = _path(base)
        if path is not None and len(path) == 1:
            root = path[0]
            if root == "var":
                return self._var(name)
            if root == "local":
                if name not in self.module.locals:
                    raise Refused(f"local.{name} undeclared")
                return Evaluator(self.module).ev(self.module.locals[name])
            if root == "each":
                if "each" not in self.scope:
                    raise Unknowable("each")
                return self.scope["each"][name]
            if root not in self.scope:
                raise Unknowable(root)
        return _index(self.ev(base), name)

    def _var(self, name: str) -> Any:
        if name not in self.module.variables:
            raise Refused(f"var.{name} undeclared")
        given = self.module.variables[name]
        if given is None:
            raise Unknowable(f"var.{name} has no value")
        tree, module = given
        return Evaluator(module).ev(tree)

    def _index_expr_term(self, t: Tree) -> Any:
        base, index = _trees(t)
        (key,) = _trees(index)
        return _index(self.ev(base), self.ev(key))

    def _full_splat_expr_term(self, t: Tree) -> Any:
        base, splat = _trees(t)
        coll = self.ev(base)
        items = [] if coll is None else coll if isinstance(coll, list) else [coll]
        out = []
        for item in items:
            for step in _trees(splat):
                if step.data == "get_attr":
                    item = _index(item, _name(_trees(step)[0]))
                else:
                    item = _index(item, self.ev(_trees(step)[0]))
            out.append(item)
        return out

    _attr_splat_expr_term = _full_splat_expr_term

    def _conditional(self, t: Tree) -> Any:
        cond, yes, no = _trees(t)
        test = self.ev(cond)
        if not isinstance(test, bool):
            raise Refused("condition not a bool")
        return self.ev(yes if test else no)

    def _binary_op(self, t: Tree) -> Any:
        left, term = _trees(t)
        op_tree, right = _trees(term)
        op = str(op_tree.children[0])
        a, b = self.ev(left), self.ev(right)
        if op == "==":
            return _same(a, b)
        if op == "!=":
            return not _same(a, b)
        a, b = _num(a), _num(b)
        return {"+": a + b, "-": a - b, "*": a * b, "<": a < b, ">": a > b}[op]

    def _unary_op(self, t: Tree) -> Any:
        op = str(t.children[0])
        (inner,) = _trees(t)
        v = self.ev(inner)
        if op == "!":
            if not isinstance(v, bool):
                raise Refused("! of a non-bool")
            return not v
        return -_num(v)

    def _for_tuple_expr(self, t: Tree) -> Any:
        kids = _trees(t)
        intro, value = kids[0], kids[1]
        cond = kids[2] if len(kids) > 2 else None
        out = []
        for inner in self._for_scopes(intro):
            if cond is not None and not inner.ev(_trees(cond)[0]):
                continue
            out.append(inner.ev(value))
        return out

    def _for_object_expr(self, t: Tree) -> Any:
        kids = _trees(t)
        intro, key, value = kids[0], kids[1], kids[2]
        cond = kids[3] if len(kids) > 3 else None
        group = any(isinstance(c, Token) and str(c) == "..." for c in t.children)
        out: dict[str, Any] = {}
        for inner in self._for_scopes(intro):
            if cond is not None and not inner.ev(_trees(cond)[0]):
                continue
            k = _text(inner.ev(key))
            v = inner.ev(value)
            if group:
                out.setdefault(k, []).append(v)
            elif k in out:
                raise Refused("duplicate key")
            else:
                out[k] = v
        return out

    def _for_scopes(self, intro: Tree) -> list[Evaluator]:
        kids = _trees(intro)
        names = [_name(k) for k in kids if k.data == "identifier"]
        coll = self.ev(kids[-1])
        pairs = sorted(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
        out = []
        for k, v in pairs:
            scope = {names[0]: k, names[1]: v} if len(names) == 2 else {names[0]: v}
            out.append(self.with_scope(**scope))
        return out

    def _function_call(self, t: Tree) -> Any:
        kids = _trees(t)
        name = _name(kids[0])
        args = _trees(kids[1]) if len(kids) > 1 else []
        if name == "try":
            for arg in args:
                try:
                    return self.ev(arg)
                except Refused:
                    continue
            raise Refused("try: all failed")
        values = [self.ev(a) for a in args]
        fn = FUNCTIONS.get(name)
        if fn is None:
            raise Unknowable(name)
        return fn(*values)


def _path(t: Tree) -> list[str] | None:
    """``var`` / ``local`` / ``each`` / a for name, when ``t`` is a bare identifier."""
    inner = _trees(t)
    if t.data == "expr_term" and len(inner) == 1 and inner[0].data == "identifier":
        return [_name(inner[0])]
    return None


def _index(coll: Any, key: Any) -> Any:
    if isinstance(coll, dict):
        k = _text(key)
        if k not in coll:
            raise Refused(f"no key {k}")
        return coll[k]
    if isinstance(coll, list):
        i = _num(key)
        if not isinstance(i, int) or not 0 <= i < len(coll):
            raise Refused("index out of range")
        return coll[i]
    raise Refused("not a collection")


def _same(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or (
        type(a) in (int, float) and type(b) in (int, float) and a == b)


def _num(v: Any) -> Any:
    if isinstance(v, bool):
        raise Refused("bool as number")
    if isinstance(v, int | float):
        return v
    if isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v):
        return int(v)
    raise Refused(f"not a number: {v!r}")


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    raise Refused(f"not text: {v!r}")


def _unescape(raw: str) -> str:
    table = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    return re.sub(r'\\(u[0-9a-fA-F]{4}|.)',
                  lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u"
                  else table[m.group(1)], raw)


def _heredoc(raw: str, *, trim: bool) -> str:
    lines = raw.rstrip("\n").split("\n")
    body = lines[1:-1]  # between the <<MARKER line and the closing marker
    if trim:
        cut = min((len(x) - len(x.lstrip(" ")) for x in body if x.strip()), default=0)
        body = [x[cut:] for x in body]
    return "".join(x + "\n" for x in body)


def _format(spec: str, *args: Any) -> str:
    out, i = [], 0

    def verb(m: re.Match[str]) -> str:
        nonlocal i
        if m.group(0) == "%%":
            return "%"
        value = args[i]
        i += 1
        if m.group(1) == "d":
            return str(_num(value))
        return _text(value)

    out.append(re.sub(r"%([ds%])", verb, spec))
    return "".join(out)


def _lookup(m: Any, k: Any, *default: Any) -> Any:
    if k in m:
        return m[k]
    if default:
        return default[0]
    raise Refused("lookup: missing")


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if m is not None:
            out.update(m)
    return out


def _coalesce(*values: Any) -> Any:
    for v in values:
        if v is not None and v != "":
            return v
    raise Refused("coalesce: none")


def _toset(values: Any) -> Any:
    return sorted(set(values)) if all(isinstance(v, str) for v in values) else values


def _jsondecode(text: Any) -> Any:
    return json.loads(text)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lookup": _lookup,
    "merge": _merge,
    "format": _format,
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "tostring": _text,
    "tonumber": _num,
    "concat": lambda *ls: [x for lst in ls for x in lst],
    "coalesce": _coalesce,
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "jsondecode": _jsondecode,
    "toset": _toset,
    "tolist": lambda v: v,
    "tomap": lambda v: v,
    "join": lambda sep, items: sep.join(items),
}
