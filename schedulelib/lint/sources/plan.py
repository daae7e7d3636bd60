"""Schedules in a Terraform plan or state as ``terraform show -json`` writes it.

The format is Terraform's documented "JSON Output Format" (format_version 1.x): a plan has
``planned_values`` (a values representation: ``root_module`` with ``resources`` and
``child_modules``, each resource with its ``address``, ``type`` and ``values``) and
``resource_changes`` (each with ``address``, ``type`` and ``change`` holding ``actions``,
``after`` and ``after_unknown``, where ``after_unknown`` mirrors ``after`` with ``true`` at
each value known only after apply); a state has ``values`` in the same representation.

Every resource instance is checked once, with its address as the schedule's name: from
``resource_changes[].change.after`` (not when it is being deleted: ``after`` is null), then
from ``planned_values`` / ``values`` for the addresses not seen there.  Findings point at the
value in the JSON file (a ``config`` is a JSON string there: findings inside it point at the
value inside the string).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from schedulelib.core.diagnostics import Diagnostic, diagnostic, pointer
from schedulelib.lint.sources.model import Found, Lines, Scan, Span, Subject

SUBSCRIPTION, MODEL = "segment_destination_subscription", "segment_reverse_etl_model"


def is_plan(value: object) -> bool:
    """True for the JSON of ``terraform show -json`` (a plan or a state)."""
    return isinstance(value, dict) and "format_version" in value and (
        "planned_values" in value or "resource_changes" in value
        or ("values" in value and "terraform_version" in value))


def scan_plan(value: dict[str, object], result: Scan, lines: Lines,
              span: Callable[[str], Span]) -> None:
    from schedulelib.lint.sources.model import Finding

    version = value.get("format_version")
    if not (isinstance(version, str) and version.split(".")[0] in ("0", "1")):
        result.findings.append(Finding.at(result.file, span("/format_version"), diagnostic(
            "SL911", "/format_version", f"format_version {str(version)[:20]!r} is not a "
            "version of Terraform's JSON output format this reads (1.x)",
            "write the plan with a Terraform whose 'terraform show -json' gives format 1.x")))
        return
    span = _inside_strings(value, lines, span)
    seen: set[str] = set()
    changes = value.get("resource_changes")
    for i, change in enumerate(changes if isinstance(changes, list) else []):
        if not isinstance(change, dict) or change.get("mode", "managed") != "managed" \
                or change.get("type") not in (SUBSCRIPTION, MODEL):
            continue
        body = change.get("change")
        if not isinstance(body, dict) or not isinstance(body.get("after"), dict):
            continue  # deleted, or not what the format says
        address = str(change.get("address", f"{change.get('type')}.{change.get('name')}"))
        seen.add(address)
        base = pointer("resource_changes", i, "change", "after")
        unknown = body.get("after_unknown")
        _resource(str(change["type"]), body["after"], unknown if isinstance(unknown, dict)
                  else {}, base, address, result, span)
    for key in ("planned_values", "values"):
        values = value.get(key)
        if not isinstance(values, dict):
            continue
        for where, res in _module_resources(values.get("root_module"),
                                            pointer(key, "root_module")):
            address = str(res.get("address", ""))
            if address in seen or res.get("type") not in (SUBSCRIPTION, MODEL) \
                    or res.get("mode", "managed") != "managed":
                continue
            seen.add(address)
            attrs = res.get("values")
            if isinstance(attrs, dict):
                _resource(str(res["type"]), attrs, {}, where + "/values", address, result,
                          span)


def _inside_strings(value: object, lines: Lines,
                    span: Callable[[str], Span]) -> Callable[[str], Span]:
    """``span``, except that a pointer into a JSON string holding JSON (a ``config``) gives
    the span of the value inside the string, not of the whole string (issue 17)."""
    from schedulelib.core.jsontext import JsonLocator, parse_json
    from schedulelib.lint.sources.hcl import string_offsets

    def locate(where: str) -> Span:
        node = value
        steps = [s.replace("~1", "/").replace("~0", "~") for s in where.split("/")[1:]]
        for i, step in enumerate(steps):
            if isinstance(node, str):
                outer = "".join("/" + s.replace("~", "~0").replace("/", "~1")
                                for s in steps[:i])
                whole = span(outer)
                offsets = string_offsets(lines.text, whole.start, whole.end, template=False)
                problems = parse_json(node)[1]
                if offsets is None or len(offsets) != len(node) + 1 or any(
                        p.code == "SL001" for p in problems):
                    return whole
                start, end = JsonLocator(node).range(where[len(outer):])
                return lines.span(offsets[start], offsets[end])
            if isinstance(node, dict) and step in node:
                node = node[step]
            elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
                node = node[int(step)]
            else:
                break
        return span(where)

    return locate


def _module_resources(module: object, where: str) -> Iterator[tuple[str, dict[str, object]]]:
    """(pointer, resource) of a module and its child modules, without recursion."""
    stack = [(where, module)]
    while stack:
        at, mod = stack.pop()
        if not isinstance(mod, dict):
            continue
        resources = mod.get("resources")
        for i, res in enumerate(resources if isinstance(resources, list) else []):
            if isinstance(res, dict):
                yield at + pointer("resources", i), res
        children = mod.get("child_modules")
        if isinstance(children, list):
            stack.extend((at + pointer("child_modules", i), c)
                         for i, c in reversed(list(enumerate(children))))


def _subject(type_: str, after: dict[str, object], address: str) -> Subject:
    """What a resource instance is, from its values (``id`` is the object's id in Segment)."""

    def text(key: str) -> str | None:
        value = after.get(key)
        return value if isinstance(value, str) and value else None

    enabled = after.get("enabled")
    flag = enabled if isinstance(enabled, bool) else None
    if type_ == SUBSCRIPTION:
        return Subject("subscription", text("id"), text("name"), text("model_id"), None,
                       text("destination_id"), flag)
    # A model named by address elsewhere in the plan has its id here once applied.
    return Subject("model", text("id"), text("name"), text("id") or address,
                   text("source_id"), None, flag)


def _resource(type_: str, after: dict[str, object], unknown: dict[str, object], base: str,
              address: str, result: Scan, span: Callable[[str], Span]) -> None:
    subject = _subject(type_, after, address)
    if type_ == MODEL:
        result.models.append(subject)
    before = len(result.schedules)
    _schedules(type_, after, unknown, base, address, result, span)
    for i in range(before, len(result.schedules)):
        result.schedules[i] = result.schedules[i].with_subject(subject)


def _schedules(type_: str, after: dict[str, object], unknown: dict[str, object], base: str,
               address: str, result: Scan, span: Callable[[str], Span]) -> None:
    if type_ == SUBSCRIPTION:
        if unknown.get("reverse_etl_schedule") is True:
            _add(result, None, base + "/reverse_etl_schedule", address, span, [_later(
                "", "reverse_etl_schedule")], {})
            return
        schedule = after.get("reverse_etl_schedule")
        if not isinstance(schedule, dict):
            if schedule is not None:
                _add(result, schedule, base + "/reverse_etl_schedule", address, span, [], {})
            else:
                result.unscheduled += 1
            return
        inner = unknown.get("reverse_etl_schedule")
        inner = inner if isinstance(inner, dict) else {}
        problems = [_later("/" + k, k) for k in ("strategy", "config") if inner.get(k) is True]
        doc = dict(schedule)
        if "config" in doc and not problems:
            doc["config"] = _config(doc["config"], "config", problems)
        _add(result, doc, base + "/reverse_etl_schedule", address, span, problems, {})
        return
    if unknown.get("schedule_strategy") is True:
        _add(result, None, base, address, span, [_later("/strategy", "schedule_strategy")],
             _RENAMES)
        return
    strategy = after.get("schedule_strategy")
    if strategy is None or strategy == "":
        result.unscheduled += 1
        return  # no schedule
    problems = []
    if unknown.get("schedule_config") is True:
        problems.append(_later("/config", "schedule_config"))
    model: dict[str, object] = {"strategy": strategy}
    if "schedule_config" in after:
        model["config"] = _config(after["schedule_config"], "schedule_config", problems)
    _add(result, model, base, address, span, problems, _RENAMES)


_RENAMES = {"strategy": "schedule_strategy", "config": "schedule_config"}


def _later(where: str, name: str) -> Diagnostic:
    return diagnostic("SL903", where, f"{name} is only known after apply in this plan; this "
                      "schedule is not checked", "check the configuration it comes from")


def _config(raw: object, name: str, problems: list[Diagnostic]) -> object:
    """A config in a plan is the JSON string the provider sends."""
    if not isinstance(raw, str):
        return raw
    from schedulelib.core.jsontext import parse_json

    value, found = parse_json(raw)
    for d in found:
        problems.append(Diagnostic(d.code, d.severity, "/config" + d.path,
                                   f"{name} is a string that is not valid JSON: {d.message}"
                                   if d.code == "SL001" else d.message, d.hint))
    return value


def _add(result: Scan, doc: object, base: str, address: str, span: Callable[[str], Span],
         problems: list[Diagnostic], renames: dict[str, str]) -> None:
    def locate(rel: str) -> Span:
        for old, new in renames.items():
            if rel == "/" + old or rel.startswith("/" + old + "/"):
                rel = "/" + new + rel[len(old) + 1:]
                break
        if not rel and renames:
            rel = "/schedule_strategy"
        return span(base + rel)

    blocked = any(p.code in ("SL903", "SL001") for p in problems)
    result.schedules.append(Found(doc, base, address, locate, tuple(problems),
                                  static=not blocked,
                                  renames=tuple(renames.items()),
                                  via=lambda _rel: address))
