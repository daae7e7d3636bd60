"""Schedules in Terraform files: ``reverse_etl_schedule`` of
``segment_destination_subscription`` resources (``null``: no schedule), and the deprecated
``schedule_strategy`` / ``schedule_config`` of ``segment_reverse_etl_model``
(``schedule_strategy = ""``: no schedule).

Values are followed through the names of the module (:mod:`.tfmodule`): ``var.x`` (the
argument of the ``module`` block calling the module, else a ``.tfvars`` value, else the
default), ``local.x``, ``each.key`` / ``each.value`` of a ``for_each`` whose value is known; the
expressions whose inputs are all known are evaluated (:mod:`.tfeval`, decision D56).  A
finding about a value reached by name points at the literal where it is written, in whichever
file, and says through which name and for which resource.  What stays unknown (a resource's
attribute, a variable without a value, a function not evaluated) is SL903 with the reason;
when only some fields of a ``config`` are unknown, the others are still checked.

Pointers follow Terraform's JSON syntax
(``/resource/segment_destination_subscription/<name>/reverse_etl_schedule/config/interval``).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator

from schedulelib.core.diagnostics import Diagnostic, diagnostic, pointer
from schedulelib.lint.sources import tfeval
from schedulelib.lint.sources.hcl import (
    Encoded,
    HclReader,
    HclSyntaxError,
    ModuleCall,
    Node,
    Resource,
    Unknown,
    string_offsets,
)
from schedulelib.lint.sources.model import Finding, Found, Scan, Span, Subject, nearest
from schedulelib.lint.sources.tfjson import tfjson_module
from schedulelib.lint.sources.tfmodule import Module, Session, Src, current

#: Stand-ins for config fields only Terraform knows: valid and neutral, so that the other
#: fields are checked and nothing is said about these (D28).
STAND_INS: dict[str, object] = {
    "spec": "0 * * * *", "timezone": "UTC", "interval": "1h", "days": [1], "hours": [1],
    "accountId": "0", "jobId": "0",
}
#: How many values one schedule may expand to through names before it is given up as unknown
#: (names can refer to names many times over: a billion laughs in HCL).
BUDGET = 100_000
_PLACES = ("", "/strategy", "/config")
#: A for_each over more elements than this is not followed (each instance is checked on its
#: own, so the cost is the instances times the schedule's size).
INSTANCES = 1000


def scan_terraform(text: str, result: Scan) -> None:
    sess = current()
    src = sess.reader_for(result.file, text)
    if src is None or src.reader is None:
        src = Src(result.file, text)
        tfvars = result.file.lower().endswith(".tfvars")
        try:
            src.reader = HclReader(text, src, tfvars=tfvars).read()
        except HclSyntaxError as exc:
            result.findings.append(Finding.at(result.file, src.lines.point(exc.offset),
                                              diagnostic("SL001", "", f"invalid HCL: {exc}",
                                                         "correct the Terraform syntax at "
                                                         "that position")))
            return
        if tfvars:
            return
        sess.remember(src)
    scan_resources(src, src.reader.resources, result, sess)


def scan_tfjson(text: str, result: Scan) -> None:
    """The schedules of a .tf.json file (Terraform's JSON syntax, what CDKTF writes)."""
    from schedulelib.core.jsontext import JsonLocator, read_json

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
        src.reader = tfjson_module(src, JsonLocator(text), value)
        sess.remember(src)
    scan_resources(src, src.reader.resources, result, sess)


def scan_resources(src: Src, resources: list[Resource], result: Scan, sess: Session) -> None:
    """Every schedule of ``resources`` (read from ``src``) into ``result``."""
    # The module is the directory the file is (or, for text given with a file's name, would
    # be) in; text with no Terraform file name (standard input) is a module of its own.
    named = result.file.lower().endswith((".tf", ".tf.json"))
    directory = os.path.dirname(result.file) if named else None
    if directory is not None and not os.path.isdir(directory or "."):
        directory = None
    cache: list[Module] = []

    def module() -> Module:
        if not cache:
            if directory is None:
                alone = Module()
                alone.values.update(sess.var_values())
                cache.append(alone)
            else:
                cache.append(sess.module(directory))
        return cache[0]

    # A module that module blocks of the scanned tree call is deployed once per call, with
    # the variables each call sets (D57); a module nobody calls is a root module.
    calls: list[Call | None] = [None]
    outer = ""
    if directory is not None and resources:
        found = sess.callers(directory)
        if len(found) > INSTANCES:
            # Each call is checked on its own: past this many, the variables are not known.
            outer = (f"is set by each of the {len(found):,} module blocks calling this module, "
                     f"more than the {INSTANCES:,} checked one by one")
        elif found:
            calls = [Call(call, here, sess) for call, here in found]
    for res in resources:
        for diag, start, end in res.problems:
            base = pointer("resource", res.type, res.label)
            result.findings.append(Finding.at(result.file, _span(src, src, start, end),
                                              _rebase(diag, base)))
        for call in calls:
            _instances(res, src, module, call, result, outer)


class Call:
    """A module block calling the module being scanned, and where it is written."""

    def __init__(self, call: ModuleCall, directory: str, sess: Session) -> None:
        self.call, self.directory, self.sess = call, directory, sess
        self.nested = bool(sess.callers(directory))  # the caller is itself called

    def argument(self, name: str, ev: _Eval) -> tuple[Node | None, str]:
        """The value the call gives variable ``name`` (None: why it cannot be known)."""
        node = self.call.args[name]
        src = node.src
        assert isinstance(src, Src)
        at = f"module.{self.call.label} ({os.path.basename(src.name)} line " \
             f"{src.lines.at(self.call.start)[0]})"
        caller = _Eval(src, self.sess.module(self.directory), None)
        caller.budget = ev.budget
        if self.nested:
            caller.outer = (f"is a variable of {os.path.basename(self.directory) or '.'}, "
                            f"the module that writes module.{self.call.label}, which is itself "
                            "called by module blocks: values through two levels of modules "
                            "are not followed")
        try:
            value = caller.val(node, {})
        except _Unk as exc:
            return None, f"var.{name} is set by {at} to {ev.short(node)}, and {exc.why}"
        except tfeval.Refused as exc:
            return None, (f"var.{name} is set by {at} to {ev.short(node)}, which Terraform "
                          f"would refuse: {exc}")
        except (tfeval.TooLarge, _TooBig, RecursionError):
            return None, f"var.{name} is set by {at} to a value too large to follow"
        finally:
            ev.budget = min(ev.budget, caller.budget)
        return _literal(value, node), ""


def _instances(res: Resource, src: Src, module: object, call: Call | None,
               result: Scan, outer: str = "") -> None:
    """The schedules of one resource: one, or one per instance of its for_each
    (``outer``: why the module's variables cannot be known, if they cannot)."""
    before = len(result.schedules)
    base = f"{res.type}.{res.label}"
    if call is not None:
        base = f"module.{call.call.label}.{base}"

    def evaluator(each: tuple[Node, Node] | None = None, why: str = "") -> _Eval:
        ev = _Eval(src, module, each, why, call=call)
        ev.outer = outer
        return ev

    ev = evaluator()
    _resource(res, ev, base, result)
    if not ev.uses_each:
        return
    # The schedule depends on each.key / each.value: one per element, when they are known.
    if "for_each" in res.values:
        items, why = _collection(evaluator(), res.values["for_each"])
    else:
        items, why = None, ("{label} is only known for each instance of a for_each, and "
                            "this resource has none: Terraform refuses it")
    del result.schedules[before:]
    if items is None:
        _resource(res, evaluator(None, why), base, result)
        return
    for key, value in items:
        label = f"{base}[{json.dumps(key.value, ensure_ascii=False)}]"
        _resource(res, evaluator((key, value)), label, result)


def _resource(res: Resource, ev: _Eval, label: str, result: Scan) -> None:
    subject = _subject(res, ev, label)
    if res.type == "segment_destination_subscription":
        _subscription(res, ev, label, result, subject)
    else:
        result.models.append(subject)
        _model(res, ev, label, result, subject)


def _rebase(d: Diagnostic, base: str) -> Diagnostic:
    return Diagnostic(d.code, d.severity, base + d.path, d.message, d.hint)


def _span(own: Src, src: object, start: int, end: int) -> Span:
    assert isinstance(src, Src)
    return Span(start, end, *src.lines.at(start), *src.lines.at(end),
                None if src is own else src.name)


# -- following names ------------------------------------------------------------------------------


class _TooBig(Exception):
    """The schedule expands past :data:`BUDGET` values."""


class _Unk(Exception):
    """A value only Terraform knows, when it runs; ``why`` says which and why."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


#: Node kinds whose value is computed (see HclReader.expr).
COMPUTED = frozenset({"op", "cond", "get", "splat", "for", "call", "sym"})


def _literal(value: object, at: Node) -> Node:
    """A computed value as Nodes, every part placed at the expression ``at``."""
    if isinstance(value, dict):
        return Node("obj", {k: _literal(v, at) for k, v in value.items()}, at.start, at.end,
                    at.src)
    if isinstance(value, list):
        return Node("tup", [_literal(v, at) for v in value], at.start, at.end, at.src)
    return Node("lit", value, at.start, at.end, at.src)


def _pick(coll: Node, key: object) -> Node:
    """The element ``key`` of an object or tuple Node, as Terraform's index would."""
    if coll.kind == "obj":
        assert isinstance(coll.value, dict)
        name = tfeval.to_string(key)
        if name not in coll.value:
            raise tfeval.Refused(f"the object has no element {name!r}")
        found: Node = coll.value[name]
        return found
    assert isinstance(coll.value, list)
    index = tfeval.to_number(key)
    if not isinstance(index, int) or not 0 <= index < len(coll.value):
        raise tfeval.Refused(f"the index {index!r} is out of range (0 to "
                             f"{len(coll.value) - 1})")
    element: Node = coll.value[index]
    return element


def _index(coll: object, key: object) -> object:
    """``coll[key]`` on values."""
    if isinstance(coll, dict):
        name = tfeval.to_string(key)
        if name not in coll:
            raise tfeval.Refused(f"the object has no element {name!r}")
        return coll[name]
    if isinstance(coll, list):
        index = tfeval.to_number(key)
        if not isinstance(index, int) or not 0 <= index < len(coll):
            raise tfeval.Refused(f"the index {index!r} is out of range")
        return coll[index]
    raise tfeval.Refused(f"a {tfeval.type_name(coll)} has no elements to index")


class _Eval:
    """Turns Nodes into a schedule document: plain values, :class:`Encoded`, :class:`Unknown`;
    where each part is written (``offsets``) and through which name it was reached
    (``notes``)."""

    def __init__(self, own: Src, module: object, each: tuple[Node, Node] | None,
                 each_why: str = "", *, call: Call | None = None) -> None:
        self.own = own
        #: The module block this module is evaluated for (None: a root module).
        self.call = call
        #: Set when variables cannot be followed at all (why: a caller of a caller).
        self.outer = ""
        self._module = module
        self.each = each
        #: Why each.key / each.value cannot be known here ("" : not known yet, one value per
        #: instance of the for_each).
        self.each_why = each_why
        self.uses_each = False
        self.offsets: dict[str, Node] = {}  # the Node written at each place
        self.notes: dict[str, str] = {}
        self.problems: list[Diagnostic] = []
        self.budget = BUDGET
        self._following: list[tuple[str, str]] = []

    def module(self) -> Module:
        m = self._module() if callable(self._module) else self._module
        assert isinstance(m, Module)
        return m

    def top(self, node: Node, where: str) -> object:
        """The document of an attribute's value: one Unknown if it expands past the budget."""
        try:
            return self.doc(node, where)
        except (_TooBig, RecursionError) as exc:
            for key in [k for k in self.offsets if k == where or k.startswith(where + "/")]:
                del self.offsets[key]
            return self.unknown(node, where, "this value refers to names too many times over "
                                "to be followed" if isinstance(exc, _TooBig) else
                                "this value is nested too deeply to be followed")

    def doc(self, node: Node, where: str, note: str = "") -> object:
        self.budget -= 1
        if self.budget < 0:
            raise _TooBig
        if where not in self.offsets:
            self.offsets[where] = node
        if note:
            self.notes.setdefault(where, note)
        kind = node.kind
        if kind == "lit":
            return node.value
        if kind == "obj":
            assert isinstance(node.value, dict)
            out = {k: self.doc(v, where + _step(k), note) for k, v in node.value.items()}
            reader = getattr(node.src, "reader", None)
            for key, dup, first in (reader.duplicates.get(node.start, ())
                                    if reader is not None else ()):
                here = where + pointer(key)
                self.problems.append(diagnostic(
                    "SL003", here, f"key {key!r} appears twice in one object (first on line "
                    f"{node.src.lines.at(first)[0]})", "remove one of the two"))  # type: ignore[attr-defined]
                self.offsets[here] = dup
            return out
        if kind == "tup":
            assert isinstance(node.value, list)
            return [self.doc(v, where + pointer(i), note) for i, v in enumerate(node.value)]
        if kind == "enc":
            assert isinstance(node.value, Node)
            return Encoded(self.doc(node.value, where, note))
        if kind == "tmpl":
            assert isinstance(node.value, list)
            parts: list[str] = []
            for part in node.value:
                if isinstance(part, str):
                    parts.append(part)
                    continue
                value = self.doc(part, where + "/\x00", note)  # a scratch place
                if isinstance(value, Unknown):
                    self._scratch()
                    return self.unknown(node, where, value.text)
                if value is None or not isinstance(value, str | int | float):
                    self._scratch()
                    return self.unknown(node, where, f"Terraform would refuse {self.text(part)} "
                                        f"in a template: a {tfeval.type_name(value)} is not "
                                        "text")
                try:
                    parts.append(tfeval.to_string(value))
                except tfeval.Refused as exc:
                    self._scratch()
                    return self.unknown(node, where, f"Terraform would refuse {exc}")
            self._scratch()
            return "".join(parts)
        if kind == "ref":
            assert isinstance(node.value, tuple)
            root, steps = node.value
            try:
                target, why = self.follow(root, steps)
            except tfeval.Refused as exc:
                return self.unknown(node, where, f"Terraform would refuse {exc}")
            if target is None:
                return self.unknown(node, where, why)
            self.offsets.pop(where, None)  # the value's place is where it is written
            self.notes.pop(where, None)
            name = _ref_name(root, steps)
            self._following.append((root, str(steps[0])))
            try:
                return self.doc(target, where, f"through {name}")
            finally:
                self._following.pop()
        if kind in COMPUTED:
            try:
                reduced = self.reduce(node)
            except _Unk as exc:
                return self.unknown(node, where, exc.why)
            except tfeval.Refused as exc:
                return self.unknown(node, where, f"Terraform would refuse "
                                    f"{self.short(node)}: {exc}")
            except tfeval.TooLarge as exc:
                return self.unknown(node, where, f"{self.short(node)} would make {exc}, "
                                    "more than schedulelib evaluates")
            if reduced is node:
                return self.unknown(node, where, "")
            self.offsets.pop(where, None)  # the value's place: where it is written, if it is
            if not note and (reduced.src is not node.src or not
                             node.start <= reduced.start < node.end):
                # Written elsewhere (a local's literal picked by lookup): say how it came.
                note = f"through {self.short(node)}"
            return self.doc(reduced, where, note)
        return self.unknown(node, where, node.value if isinstance(node.value, str) else "")

    # -- evaluation (tfeval: the functions and operators) --

    def short(self, node: Node) -> str:
        what = self.text(node)
        return what if len(what) <= 40 else what[:37] + "..."

    def reduce(self, node: Node) -> Node:
        """``node`` evaluated as far as to a Node that holds its value: the literal a
        conditional, an index, ``lookup`` or ``coalesce`` picks (findings then point at it),
        the object ``merge`` makes of its arguments' items, or a new literal placed at the
        expression for a computed value.  Raises _Unk, tfeval.Refused or tfeval.TooLarge."""
        self.budget -= 1
        if self.budget < 0:
            raise _TooBig
        kind = node.kind
        if kind == "ref":
            assert isinstance(node.value, tuple)
            target, why = self.follow(*node.value)
            if target is None:
                raise _Unk(why)
            self._following.append((node.value[0], str(node.value[1][0])))
            try:
                return self.reduce(target)
            finally:
                self._following.pop()
        if kind not in COMPUTED:
            return node
        value = node.value
        if kind == "cond":
            assert isinstance(value, list)
            test = tfeval.to_bool(self.val(value[0], {}))
            return self.reduce(value[1] if test else value[2])
        if kind == "get":
            assert isinstance(value, tuple)
            coll = self.reduce(value[0])
            if coll.kind in ("obj", "tup"):
                return self.reduce(_pick(coll, self.val(value[1], {})))
        if kind == "call":
            assert isinstance(value, tuple)
            name, args, expand = value
            if not expand:
                picked = self._pass(node, name, args)
                if picked is not None:
                    return picked
        return _literal(self.val(node, {}), node)

    def _pass(self, node: Node, name: str, args: list[Node]) -> Node | None:
        """The Node a pass-through function gives (None: compute the value instead)."""
        if name == "lookup" and len(args) in (2, 3):
            table = self.reduce(args[0])
            if table.kind == "obj":
                assert isinstance(table.value, dict)
                key = tfeval.to_string(self.val(args[1], {}))
                if key in table.value:
                    return self.reduce(table.value[key])
                if len(args) == 3:
                    return self.reduce(args[2])
                raise tfeval.Refused(f"lookup: the map has no key {key!r}")
        elif name == "merge":
            parts = [self.reduce(a) for a in args]
            if all(p.kind == "obj" or (p.kind == "lit" and p.value is None) for p in parts):
                merged: dict[str, Node] = {}
                for part in parts:
                    if isinstance(part.value, dict):
                        merged.update(part.value)
                if len(merged) > tfeval.MAX_ITEMS:
                    raise tfeval.TooLarge(f"a map of more than {tfeval.MAX_ITEMS:,} elements")
                return Node("obj", merged, node.start, node.end, node.src)
        elif name == "concat":
            parts = [self.reduce(a) for a in args]
            if all(p.kind == "tup" for p in parts):
                items = [x for p in parts for x in p.value]  # type: ignore[attr-defined]
                if len(items) > tfeval.MAX_ITEMS:
                    raise tfeval.TooLarge(f"a list of more than {tfeval.MAX_ITEMS:,} elements")
                return Node("tup", items, node.start, node.end, node.src)
        elif name == "coalesce" and args:
            for arg in args:
                if self.val(arg, {}) not in (None, ""):
                    return self.reduce(arg)
            raise tfeval.Refused("coalesce: every argument is null or an empty string")
        elif name == "try" and args:
            for arg in args:
                try:
                    self.val(arg, {})
                except tfeval.Refused:
                    continue  # what try() is for; an unknown value stays unknown
                return self.reduce(arg)
            raise tfeval.Refused("try: every argument fails")
        elif name in ("tolist", "tomap") and len(args) == 1:
            return self.reduce(args[0])
        elif name == "toset" and len(args) == 1:
            elements = self.reduce(args[0])
            if elements.kind == "tup" and isinstance(elements.value, list) and all(
                    v.kind == "lit" and isinstance(v.value, str) for v in elements.value):
                # The set of strings in Terraform's order, each element where it is written.
                first: dict[object, Node] = {}
                for v in elements.value:
                    first.setdefault(v.value, v)
                return Node("tup", [first[k] for k in sorted(first)],  # type: ignore[type-var]
                            node.start, node.end, node.src)
        return None

    def val(self, node: Node, scope: dict[str, object]) -> object:
        """The value of ``node``, every name followed (``scope``: a for expression's names)."""
        self.budget -= 1
        if self.budget < 0:
            raise _TooBig
        kind, value = node.kind, node.value
        if kind == "lit":
            return value
        if kind == "obj":
            assert isinstance(value, dict)
            return {k: self.val(v, scope) for k, v in value.items()}
        if kind == "tup":
            assert isinstance(value, list)
            return [self.val(v, scope) for v in value]
        if kind == "enc":
            assert isinstance(value, Node)
            return self._cost(tfeval.encode(self.val(value, scope)))
        if kind == "tmpl":
            assert isinstance(value, list)
            out: list[str] = []
            for part in value:
                if isinstance(part, str):
                    out.append(part)
                    continue
                item = self.val(part, scope)
                if item is None or isinstance(item, list | dict):
                    raise tfeval.Refused(f"a {tfeval.type_name(item)} in a template")
                out.append(tfeval.to_string(item))
            return self._cost(tfeval.checked("".join(out)))
        if kind == "ref":
            assert isinstance(value, tuple)
            target, why = self.follow(*value)
            if target is None:
                raise _Unk(why)
            self._following.append((value[0], str(value[1][0])))
            try:
                return self.val(target, {})
            finally:
                self._following.pop()
        if kind == "sym":
            assert isinstance(value, tuple)
            if value[0] in scope:
                item = scope[value[0]]
                for step in value[1]:
                    item = _index(item, step)
                return item
            raise _Unk(f"{self.short(node)} is only known when Terraform runs")
        if kind == "op":
            assert isinstance(value, tuple)
            op, operands = value
            if len(operands) == 1:
                return tfeval.unary(op, self.val(operands[0], scope))
            return self._cost(tfeval.binary(op, self.val(operands[0], scope),
                                            self.val(operands[1], scope)))
        if kind == "cond":
            assert isinstance(value, list)
            test = tfeval.to_bool(self.val(value[0], scope))
            return self.val(value[1] if test else value[2], scope)
        if kind == "get":
            assert isinstance(value, tuple)
            return _index(self.val(value[0], scope), self.val(value[1], scope))
        if kind == "splat":
            assert isinstance(value, tuple)
            coll = self.val(value[0], scope)
            items = [] if coll is None else coll if isinstance(coll, list) else [coll]
            steps = [self.val(step, scope) for step in value[1]]
            out_items = []
            for item in items:
                for step in steps:
                    item = _index(item, step)
                out_items.append(item)
            return out_items
        if kind == "for":
            return self._for(node, scope)
        if kind == "call":
            assert isinstance(value, tuple)
            return self._call(node, value[0], value[1], value[2], scope)
        raise _Unk(node.value if isinstance(node.value, str) else
                   f"{self.short(node)} is only known when Terraform runs")

    def _cost(self, value: object) -> object:
        """Charge what a value built costs (long strings, large lists) to the budget."""
        if isinstance(value, str):
            self.budget -= len(value) // 100
        elif isinstance(value, list | dict):
            self.budget -= len(value)
        if self.budget < 0:
            raise _TooBig
        return value

    def _call(self, node: Node, name: str, args: list[Node], expand: bool,
              scope: dict[str, object]) -> object:
        if name in ("try", "can"):
            for arg in args:
                try:
                    result = self.val(arg, scope)
                except tfeval.Refused:
                    if name == "can":
                        return False
                    continue
                return True if name == "can" else result
            if name == "can":
                raise tfeval.Refused("can takes one argument")
            raise tfeval.Refused("try: every argument fails")
        if name not in tfeval.FUNCTIONS:
            raise _Unk(f"{name}() is a function schedulelib does not evaluate "
                       f"({self.short(node)})")
        values = [self.val(a, scope) for a in args]
        if expand:
            last = values.pop() if values else None
            if not isinstance(last, list):
                raise tfeval.Refused("the argument before '...' must be a list")
            values.extend(last)
        return self._cost(tfeval.call(name, values))

    def _for(self, node: Node, scope: dict[str, object]) -> object:
        assert isinstance(node.value, tuple)
        names, coll_node, key_node, value_node, cond, group = node.value
        coll = self.val(coll_node, scope)
        pairs: list[tuple[object, object]]
        if isinstance(coll, dict):
            pairs = sorted(coll.items())  # Terraform goes through a map in key order
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        else:
            raise tfeval.Refused(f"a for expression over a {tfeval.type_name(coll)}")
        tuple_out: list[object] = []
        object_out: dict[str, object] = {}
        for key, item in pairs:
            inner = dict(scope)
            if len(names) == 2:
                inner[names[0]], inner[names[1]] = key, item
            else:
                inner[names[0]] = item
            if cond is not None and not tfeval.to_bool(self.val(cond, inner)):
                continue
            if key_node is None:
                tuple_out.append(self.val(value_node, inner))
                continue
            name = tfeval.to_string(self.val(key_node, inner))
            result = self.val(value_node, inner)
            if group:
                grouped = object_out.setdefault(name, [])
                assert isinstance(grouped, list)
                grouped.append(result)
            elif name in object_out:
                raise tfeval.Refused(f"the for expression makes the key {name!r} twice "
                                     "(group the values with '...')")
            else:
                object_out[name] = result
        return self._cost(tfeval.checked(tuple_out if key_node is None else object_out))

    def _scratch(self) -> None:
        for key in [k for k in self.offsets if "/\x00" in k]:
            del self.offsets[key]
        for key in [k for k in self.notes if "/\x00" in k]:
            del self.notes[key]

    def text(self, node: Node) -> str:
        text: str = node.src.text[node.start: node.end]  # type: ignore[attr-defined]
        return " ".join(text.split())

    def unknown(self, node: Node, where: str, why: str) -> Unknown:
        self.offsets[where] = node
        return Unknown(node, why)

    def follow(self, root: str, steps: list[str | int]) -> tuple[Node | None, str]:
        """The Node a reference names, or None and why not."""
        first = str(steps[0])
        label = f"{root}.{first}"
        if (root, first) in self._following:
            return None, f"{label} refers to itself"
        if len(self._following) > 64:
            # A chain this long is followed no further; it need not be a cycle.
            return None, f"{label} is reached through more than 64 references"
        target: Node | None
        if root == "each":
            if self.each is None:
                self.uses_each = True
                return None, self.each_why.replace("{label}", label) or (
                    f"{label} is only known for each instance of a for_each")
            if first not in ("key", "value"):
                return None, f"{label} is not an attribute of each (each.key, each.value)"
            target = self.each[0] if first == "key" else self.each[1]
        elif root == "var" and self.outer:
            return None, f"var.{first} {self.outer}"
        elif root == "var" and self.call is not None:
            if first in self.call.call.args:
                # Set by the module block: never the default (the value deployed).
                target, why = self.call.argument(first, self)
                if target is None:
                    return None, why
            else:
                declared, target = self.module().default(first, self.own.reader,
                                                         _key(self.own))
                if target is None:
                    return None, (f"var.{first} has no default and module."
                                  f"{self.call.call.label} does not set it (Terraform "
                                  "refuses the call)" if declared else
                                  f"var.{first} is not declared in this module")
        elif root == "var":
            declared, target = self.module().variable(first, self.own.reader, _key(self.own))
            if target is None:
                return None, (f"var.{first} has no default and no value from a .tfvars file"
                              if declared else f"var.{first} is not declared in this module")
        else:
            target = self.module().local(first, self.own.reader, _key(self.own))
            if target is None:
                return None, f"local.{first} is not defined in this module"
        for step in steps[1:]:
            while target.kind == "ref":
                assert isinstance(target.value, tuple)
                inner, why = self.follow(*target.value)
                if inner is None:
                    return None, why
                target = inner
            if target.kind in COMPUTED:
                try:
                    target = self.reduce(target)
                except _Unk as exc:
                    return None, exc.why
                except tfeval.Refused as exc:
                    return None, f"Terraform would refuse {self.short(target)}: {exc}"
                except tfeval.TooLarge as exc:
                    return None, f"{self.short(target)} would make {exc}"
            if target.kind == "obj" and isinstance(target.value, dict) \
                    and str(step) in target.value:
                target = target.value[str(step)]
            elif target.kind == "tup" and isinstance(target.value, list) \
                    and isinstance(step, int) and 0 <= step < len(target.value):
                target = target.value[step]
            else:
                if target.kind in ("obj", "tup"):
                    # A known collection without that element: Terraform stops (try() may
                    # catch it).
                    raise tfeval.Refused(f"{_ref_name(root, steps)}: {label} has no element "
                                         f"{step!r}")
                return None, f"{label} has no element {step!r} that can be read here"
        return target, ""


def _step(key: str) -> str:
    """``pointer(key)``, without its cost for the usual keys."""
    return "/" + key if "~" not in key and "/" not in key else pointer(key)


def _ref_name(root: str, steps: list[str | int]) -> str:
    out = root
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (
            f".{step}" if step.replace("-", "_").isidentifier() else f"[{json.dumps(step)}]")
    return out


def _key(src: Src) -> str:
    return os.path.normcase(os.path.abspath(src.name))


def _collection(ev: _Eval, node: Node) -> tuple[list[tuple[Node, Node]] | None, str]:
    """(each.key, each.value) of a for_each whose value is known, else None and why each.key
    and each.value cannot be known (``{label}`` stands for the name used)."""
    try:
        target = ev.reduce(node)
        if target.kind == "obj" and isinstance(target.value, dict):
            pairs = [(Node("lit", k, v.start, v.end, v.src), v)
                     for k, v in target.value.items()]
        elif target.kind == "tup" and isinstance(target.value, list) and all(
                v.kind == "lit" and isinstance(v.value, str) for v in target.value):
            pairs = [(v, v) for v in target.value]
        else:
            value = ev.val(target, {})
            if isinstance(value, dict):
                pairs = [(_literal(k, target), _literal(v, target)) for k, v in value.items()]
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                pairs = [(_literal(v, target), _literal(v, target))
                         for v in dict.fromkeys(value)]
            else:
                return None, ("{label} cannot be known: Terraform refuses a for_each over a "
                              f"{tfeval.type_name(value)} (it takes a map or a set of strings)")
    except _Unk as exc:
        return None, "{label} depends on the for_each, and " + exc.why
    except tfeval.Refused as exc:
        return None, f"{{label}} cannot be known: Terraform would refuse the for_each: {exc}"
    except (tfeval.TooLarge, _TooBig, RecursionError):
        return None, "{label} depends on a for_each too large to be evaluated here"
    if len(pairs) > INSTANCES:
        return None, (f"{{label}} is one of {len(pairs):,} instances of the for_each, more "
                      f"than the {INSTANCES:,} checked one by one")
    return pairs, ""


# -- the two resources ----------------------------------------------------------------------------


def _label(res: Resource, ev: _Eval, label: str) -> str:
    node = res.values.get("name")
    name: object = None
    if node is not None and node.kind == "lit":  # the usual case: no names to follow
        name = node.value
    elif node is not None:
        named = _Eval(ev.own, ev._module, ev.each, call=ev.call)
        named.outer = ev.outer
        name = named.top(node, "")
    if isinstance(name, str):
        return name if "[" not in label else f"{name} ({label})"
    return label


def _subscription(res: Resource, ev: _Eval, label: str, result: Scan,
                  subject: Subject | None = None) -> None:
    node = res.values.get("reverse_etl_schedule")
    if node is None:
        return
    doc = ev.top(node, "")
    if doc is None:
        result.unscheduled += 1
        return  # a subscription without a schedule
    if isinstance(doc, dict) and "config" in doc:
        doc = dict(doc)
        doc["config"] = _config(doc["config"], "config", ev)
    _add(result, ev, doc, pointer("resource", res.type, res.label, "reverse_etl_schedule"),
         _label(res, ev, label), label, (), subject)


def _model(res: Resource, ev: _Eval, label: str, result: Scan,
           subject: Subject | None = None) -> None:
    node = res.values.get("schedule_strategy")
    if node is None:
        return
    strategy = ev.top(node, "/strategy")
    if strategy is None or strategy == "":
        result.unscheduled += 1
        return  # "" is how Segment's export writes "no schedule"
    ev.offsets[""] = ev.offsets["/strategy"]
    doc: dict[str, object] = {"strategy": strategy}
    if "schedule_config" in res.values:
        doc["config"] = _config(ev.top(res.values["schedule_config"], "/config"),
                                "schedule_config", ev)
    _add(result, ev, doc, pointer("resource", res.type, res.label), _label(res, ev, label),
         label, (("strategy", "schedule_strategy"), ("config", "schedule_config")), subject)


def _config(raw: object, name: str, ev: _Eval) -> object:
    """``config`` is a JSON string in Terraform: jsonencode(...) or a string literal."""
    if isinstance(raw, Encoded):
        return _plain(raw.value)
    if isinstance(raw, str):
        from schedulelib.core.jsontext import parse_json

        value, found = parse_json(raw)
        _inside(raw, value, found, ev)
        for d in found:
            ev.problems.append(Diagnostic(d.code, d.severity, "/config" + d.path,
                                          f"{name} is a string that is not valid JSON: "
                                          f"{d.message}" if d.code == "SL001" else d.message,
                                          d.hint))
        return value
    return raw


#: The most values inside a JSON string given their own place (a config has a handful).
_INSIDE = 1000


def _inside(raw: str, value: object, found: list[Diagnostic], ev: _Eval) -> None:
    """Give each value inside a config written as a JSON string (a quoted string or a
    heredoc) its own place in the file, so that a finding points at the value, not at the
    string's start."""
    node = ev.offsets.get("/config")
    if node is None or node.kind != "lit" or node.value != raw:
        return
    text = getattr(node.src, "text", None)
    if not isinstance(text, str):
        return
    offsets = string_offsets(text, node.start, node.end)
    if offsets is None or len(offsets) != len(raw) + 1:
        return
    from schedulelib.core.jsontext import JsonLocator

    if any(d.code == "SL001" for d in found):
        return
    locator = JsonLocator(raw)
    pointers = [p for p, _v in _walk(value)][:_INSIDE]
    for where in pointers:
        if not where:
            continue
        start, end = locator.range(where)
        ev.offsets["/config" + where] = Node("lit", None, offsets[start], offsets[end],
                                             node.src)


def _walk(value: object) -> Iterator[tuple[str, object]]:
    stack: list[tuple[str, object]] = [("", value)]
    count = 0
    while stack and count <= _INSIDE:
        at, item = stack.pop()
        count += 1
        yield at, item
        if isinstance(item, dict):
            stack.extend((at + _step(str(k)), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{at}/{i}", v) for i, v in enumerate(item))


def _plain(value: object) -> object:
    """A value inside jsonencode(...), as the JSON text Terraform would send."""
    if isinstance(value, Encoded):
        inner = _plain(value.value)
        for _where, unknown in _unknowns(inner):
            return unknown  # the string holds something only Terraform knows
        return json.dumps(inner, separators=(",", ":"), ensure_ascii=False,
                          default=lambda _v: None)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


#: What can hold an Unknown, or be one (a plain value cannot: its place is not worked out).
_MAY_HOLD = (Unknown, Encoded, dict, list)


def _unknowns(value: object, where: str = "") -> Iterator[tuple[str, Unknown]]:
    stack: list[tuple[str, object]] = [(where, value)]
    while stack:
        at, item = stack.pop()
        if isinstance(item, Unknown):
            yield at, item
        elif isinstance(item, Encoded):
            stack.append((at, item.value))
        elif isinstance(item, dict):
            stack.extend((at + _step(str(k)), v) for k, v in reversed(item.items())
                         if isinstance(v, _MAY_HOLD))
        elif isinstance(item, list):
            stack.extend((f"{at}/{i}", v) for i, v in reversed(list(enumerate(item)))
                         if isinstance(v, _MAY_HOLD))


def _add(result: Scan, ev: _Eval, doc: object, base: str, name: str, address: str,
         renames: tuple[tuple[str, str], ...], subject: Subject | None = None) -> None:
    problems = list(ev.problems)
    unknown = list(_unknowns(doc))
    stand_in: list[str] = []
    # A config that is null, absent or not an object is judged like JSON's (SL105, SL104...):
    # only an unknown part makes the schedule unchecked, never the config's shape alone.
    whole = bool(unknown) and (not isinstance(doc, dict)
                               or not isinstance(doc.get("config"), dict))
    for where, _item in unknown:
        field = where.split("/")[2] if where.count("/") >= 2 and where.startswith("/config/") \
            else None
        if field not in STAND_INS or whole or where in _PLACES:
            whole = True
        else:
            stand_in.append("/config/" + field)
    for where, item in unknown:
        what = ev.text(item.node)
        what = what if len(what) <= 40 else what[:37] + "..."
        why = item.text or f"{what} is only known when Terraform runs"
        problems.append(diagnostic(
            "SL903", where, f"{why}; {'this schedule is' if whole else 'this value is'} not "
            "checked", "write the value literally, or check the values where they are defined "
            "(a plan: terraform show -json)"))
        ev.offsets.setdefault(where, item.node)
    if not whole and stand_in:
        assert isinstance(doc, dict) and isinstance(doc["config"], dict)
        config = dict(doc["config"])
        for where in stand_in:
            config[where.split("/")[2]] = STAND_INS[where.split("/")[2]]
        doc = dict(doc)
        doc["config"] = config
    offsets, notes, own = ev.offsets, ev.notes, ev.own

    def locate(rel: str) -> Span:
        node = offsets[nearest(offsets, rel)]
        src, start, end = node.src, node.start, node.end
        return _span(own, src, start, end)

    def via(rel: str) -> str:
        note = notes.get(nearest(offsets, rel), "")
        return f"{note}, for {address}" if note else ""

    result.schedules.append(Found(
        doc, base, name, locate, tuple(problems),
        static=not (whole and unknown) and not any(p.code == "SL001" for p in problems),
        renames=renames, unknown=tuple(dict.fromkeys(stand_in)), via=via, subject=subject))


# -- what a schedule belongs to ------------------------------------------------------------------

# Segment's Git sync export names each resource after the object it manages, and each file
# after it too: ``id-<destinationId>_<subscriptionId>`` in
# ``destination_subscriptions/<destinationId>_<subscriptionId>.tf``, ``id-<modelId>`` in
# ``reverse_etl_models/<modelId>.tf``; its ``import`` blocks say the same (``id =
# "<destinationId>:<subscriptionId>"``).  Ids are letters and digits.
_SUBSCRIPTION_NAME = re.compile(r"([0-9A-Za-z]+)_([0-9A-Za-z]+)")
_MODEL_NAME = re.compile(r"[0-9A-Za-z]+")
_FOLDERS = {"segment_destination_subscription": "destination_subscriptions",
            "segment_reverse_etl_model": "reverse_etl_models"}
#: ``segment_reverse_etl_model.x.id``, ``segment_source.y.id``: an object managed in the same
#: configuration, named by its address (the stable key of the relation); in Terraform's JSON
#: syntax the same inside ``"${...}"``.
_ADDRESS = re.compile(r'(?:"\$\{\s*)?(segment_[a-z_]+)\.([A-Za-z_][\w-]*)\.id(?:\s*\}")?')


def _subject(res: Resource, ev: _Eval, label: str) -> Subject:
    """What ``res`` (one instance of it: ``label``) is: ids, name, model or source, enabled."""
    ids = _own_ids(res, ev.own, instance="[" in label)
    enabled = _attribute(res, ev, "enabled")
    name = _attribute(res, ev, "name")
    flag = enabled if isinstance(enabled, bool) else None
    text = name if isinstance(name, str) else None
    if res.type == "segment_destination_subscription":
        model = _attribute(res, ev, "model_id")
        destination = _attribute(res, ev, "destination_id")
        return Subject("subscription", ids[1], text, model if isinstance(model, str) else None,
                       None, destination if isinstance(destination, str) and destination
                       else ids[0], flag)
    source = _attribute(res, ev, "source_id")
    return Subject("model", ids[1], text, ids[1] or label if "[" in label else
                   f"{res.type}.{res.label}", source if isinstance(source, str) else None,
                   None, flag)


def _attribute(res: Resource, ev: _Eval, name: str) -> object:
    """A plain attribute's value, followed through names; the address of an object this
    configuration manages (``segment_reverse_etl_model.x.id`` -> its key); None if unknown."""
    node = res.values.get(name)
    if node is None:
        return None
    value = node.value if node.kind == "lit" else \
        _Eval(ev.own, ev._module, ev.each).top(node, "")
    if isinstance(value, Unknown):
        written = ev.text(value.node)
        m = _ADDRESS.fullmatch(written)
        return f"{m.group(1)}.{m.group(2)}" if m is not None else None
    if isinstance(value, bool) or (isinstance(value, str) and value):
        return value
    return None


def _imports(src: Src) -> dict[str, str]:
    """Address -> id of every ``import`` block of the file with a literal id (built once per
    file: a file of many resources and many imports stays linear)."""
    reader = src.reader
    if reader is None:
        return {}
    if reader.import_ids is None:
        found: dict[str, str] = {}
        for block in reader.imports:
            to, written = block.get("to"), block.get("id")
            if to is None or written is None or written.kind != "lit" \
                    or not isinstance(written.value, str) or not written.value:
                continue
            target = to.value if to.kind == "lit" else " ".join(
                src.text[to.start:to.end].split())
            if isinstance(target, str):
                found.setdefault(target, written.value)
        reader.import_ids = found
    return reader.import_ids


@functools.lru_cache(maxsize=64)
def _stem_and_folder(name: str) -> tuple[str, str]:
    """A file's name without its extension, and its folder's name (asked once per resource:
    a file of many resources works them out once)."""
    stem = os.path.basename(name)
    stem = stem[: -len(".tf.json")] if stem.lower().endswith(".tf.json") else \
        os.path.splitext(stem)[0]
    return stem, os.path.basename(os.path.dirname(name))


def _own_ids(res: Resource, src: Src, *, instance: bool) -> tuple[str | None, str | None]:
    """(destination id, own id) of a resource from its import block, its name, or its file's
    name, in that order (Segment's Git sync layout); nothing for one instance of a for_each."""
    if instance:
        return None, None
    subscription = res.type == "segment_destination_subscription"
    imported = _imports(src).get(f"{res.type}.{res.label}")
    if imported is not None and not subscription:
        return None, imported
    if imported is not None:
        parts = imported.split(":")
        if len(parts) == 2 and all(parts):
            return parts[0], parts[1]
    label = res.label.removeprefix("id-") if res.label.startswith("id-") else None
    stem, folder = _stem_and_folder(src.name)
    for candidate in (label, stem if folder == _FOLDERS[res.type] else None):
        if candidate is None:
            continue
        if subscription and (m := _SUBSCRIPTION_NAME.fullmatch(candidate)) is not None:
            return m.group(1), m.group(2)
        if not subscription and _MODEL_NAME.fullmatch(candidate):
            return None, candidate
    return None, None
