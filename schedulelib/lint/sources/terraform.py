"""Schedules in Terraform files: ``reverse_etl_schedule`` of
``segment_destination_subscription`` resources (``null``: no schedule), and the deprecated
``schedule_strategy`` / ``schedule_config`` of ``segment_reverse_etl_model``
(``schedule_strategy = ""``: no schedule).

Values are followed through the names of the module (:mod:`.tfmodule`): ``var.x`` (a
``.tfvars`` value, else the default), ``local.x``, ``each.key`` / ``each.value`` of a
``for_each`` over a literal map or set.  A finding about a value reached by name points at the
literal where it is written, in whichever file, and says through which name and for which
resource.  What stays unknown (a resource's attribute, a variable without a value, a function)
is SL903; when only some fields of a ``config`` are unknown, the others are still checked.

Pointers follow Terraform's JSON syntax
(``/resource/segment_destination_subscription/<name>/reverse_etl_schedule/config/interval``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

from schedulelib.core.diagnostics import Diagnostic, diagnostic, pointer
from schedulelib.lint.sources.hcl import Encoded, HclReader, HclSyntaxError, Node, Resource, Unknown
from schedulelib.lint.sources.model import Finding, Found, Scan, Span, Subject, nearest
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

    for res in resources:
        for diag, start, end in res.problems:
            base = pointer("resource", res.type, res.label)
            result.findings.append(Finding.at(result.file, _span(src, src, start, end),
                                              _rebase(diag, base)))
        before = len(result.schedules)
        base = f"{res.type}.{res.label}"
        ev = _Eval(src, module, None)
        _resource(res, ev, base, result)
        if not ev.uses_each or "for_each" not in res.values:
            continue
        # The schedule depends on each.key / each.value: one per element, when they are known.
        items = _collection(ev, res.values["for_each"])
        if items is None:
            continue
        del result.schedules[before:]
        for key, value in items:
            label = f"{base}[{json.dumps(key.value, ensure_ascii=False)}]"
            _resource(res, _Eval(src, module, (key, value)), label, result)


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


class _Eval:
    """Turns Nodes into a schedule document: plain values, :class:`Encoded`, :class:`Unknown`;
    where each part is written (``offsets``) and through which name it was reached
    (``notes``)."""

    def __init__(self, own: Src, module: object, each: tuple[Node, Node] | None) -> None:
        self.own = own
        self._module = module
        self.each = each
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
        except _TooBig:
            for key in [k for k in self.offsets if k == where or k.startswith(where + "/")]:
                del self.offsets[key]
            return self.unknown(node, where, "this value refers to names too many times over "
                                "to be followed")

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
                if isinstance(value, bool) or value is None or not isinstance(
                        value, str | int | float):
                    self._scratch()
                    return self.unknown(node, where, "")
                parts.append(value if isinstance(value, str) else json.dumps(value))
            self._scratch()
            return "".join(parts)
        if kind == "ref":
            assert isinstance(node.value, tuple)
            root, steps = node.value
            target, why = self.follow(root, steps)
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
        return self.unknown(node, where, "")

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
                return None, f"{label} is only known for each instance of a for_each"
            if first not in ("key", "value"):
                return None, f"{label} is not an attribute of each (each.key, each.value)"
            target = self.each[0] if first == "key" else self.each[1]
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
            if target.kind == "obj" and isinstance(target.value, dict) \
                    and str(step) in target.value:
                target = target.value[str(step)]
            elif target.kind == "tup" and isinstance(target.value, list) \
                    and isinstance(step, int) and 0 <= step < len(target.value):
                target = target.value[step]
            else:
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


def _collection(ev: _Eval, node: Node) -> list[tuple[Node, Node]] | None:
    """(each.key, each.value) of a for_each over a literal map or set, else None."""
    for _ in range(64):
        if node.kind != "ref":
            break
        assert isinstance(node.value, tuple)
        target, _why = ev.follow(*node.value)
        if target is None:
            return None
        node = target
    if node.kind == "obj" and isinstance(node.value, dict) and len(node.value) <= INSTANCES:
        return [(Node("lit", k, v.start, v.end, v.src), v) for k, v in node.value.items()]
    if node.kind == "tup" and isinstance(node.value, list) and len(node.value) <= INSTANCES \
            and all(v.kind == "lit" and isinstance(v.value, str) for v in node.value):
        return [(v, v) for v in node.value]
    return None


# -- the two resources ----------------------------------------------------------------------------


def _label(res: Resource, ev: _Eval, label: str) -> str:
    node = res.values.get("name")
    name: object = None
    if node is not None and node.kind == "lit":  # the usual case: no names to follow
        name = node.value
    elif node is not None:
        name = _Eval(ev.own, ev._module, ev.each).top(node, "")
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
        for d in found:
            ev.problems.append(Diagnostic(d.code, d.severity, "/config" + d.path,
                                          f"{name} is a string that is not valid JSON: "
                                          f"{d.message}" if d.code == "SL001" else d.message,
                                          d.hint))
        return value
    return raw


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


def _unknowns(value: object, where: str = "") -> Iterator[tuple[str, Unknown]]:
    stack: list[tuple[str, object]] = [(where, value)]
    while stack:
        at, item = stack.pop()
        if isinstance(item, Unknown):
            yield at, item
        elif isinstance(item, Encoded):
            stack.append((at, item.value))
        elif isinstance(item, dict):
            stack.extend((at + _step(str(k)), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((f"{at}/{i}", v) for i, v in reversed(list(enumerate(item))))


def _add(result: Scan, ev: _Eval, doc: object, base: str, name: str, address: str,
         renames: tuple[tuple[str, str], ...], subject: Subject | None = None) -> None:
    problems = list(ev.problems)
    unknown = list(_unknowns(doc))
    stand_in: list[str] = []
    whole = not isinstance(doc, dict) or not isinstance(doc.get("config"), dict)
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


def _own_ids(res: Resource, src: Src, *, instance: bool) -> tuple[str | None, str | None]:
    """(destination id, own id) of a resource from its import block, its name, or its file's
    name, in that order (Segment's Git sync layout); nothing for one instance of a for_each."""
    if instance:
        return None, None
    address = f"{res.type}.{res.label}"
    subscription = res.type == "segment_destination_subscription"
    for block in src.reader.imports if src.reader is not None else ():
        to, written = block.get("to"), block.get("id")
        if to is None or written is None or written.kind != "lit" \
                or not isinstance(written.value, str):
            continue
        target = to.value if to.kind == "lit" else " ".join(
            src.text[to.start:to.end].split())
        if target != address:
            continue
        if not subscription:
            return None, written.value or None
        parts = written.value.split(":")
        if len(parts) == 2 and all(parts):
            return parts[0], parts[1]
    label = res.label.removeprefix("id-") if res.label.startswith("id-") else None
    stem = os.path.basename(src.name)
    stem = stem[: -len(".tf.json")] if stem.lower().endswith(".tf.json") else \
        os.path.splitext(stem)[0]
    folder = os.path.basename(os.path.dirname(src.name))
    for candidate in (label, stem if folder == _FOLDERS[res.type] else None):
        if candidate is None:
            continue
        if subscription and (m := _SUBSCRIPTION_NAME.fullmatch(candidate)) is not None:
            return m.group(1), m.group(2)
        if not subscription and _MODEL_NAME.fullmatch(candidate):
            return None, candidate
    return None, None
