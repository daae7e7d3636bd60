"""Schedules in Terraform files: ``reverse_etl_schedule`` of
``segment_destination_subscription`` resources (``null``: no schedule), and the deprecated
``schedule_strategy`` / ``schedule_config`` of ``segment_reverse_etl_model``
(``schedule_strategy = ""``: no schedule).

Pointers follow Terraform's JSON syntax
(``/resource/segment_destination_subscription/<name>/reverse_etl_schedule/config/interval``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..errors import Diagnostic, diagnostic, pointer
from .hcl import Encoded, HclReader, HclSyntaxError, Resource, Unknown
from .model import Finding, Found, Lines, Scan, nearest


def scan_terraform(text: str, result: Scan) -> None:
    lines = Lines(text)
    try:
        reader = HclReader(text)
        reader.body(None, None, 0)
    except HclSyntaxError as exc:
        result.findings.append(Finding.at(result.file, lines.point(exc.offset), diagnostic(
            "SL001", "", f"invalid HCL: {exc}", "correct the Terraform syntax at that position")))
        return
    for res in reader.resources:
        if res.type == "segment_destination_subscription":
            _subscription(res, result, lines)
        else:
            _model(res, result, lines)


def _label(res: Resource) -> str:
    name = res.values.get("name")
    return name if isinstance(name, str) else f"{res.type}.{res.label}"


def _subscription(res: Resource, result: Scan, lines: Lines) -> None:
    if "reverse_etl_schedule" not in res.values:
        return
    raw = res.values["reverse_etl_schedule"]
    if raw is None:
        result.unscheduled += 1
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
        doc["config"] = _config(raw["config"], "config", problems)
    _add(result, lines, doc, base + "/reverse_etl_schedule", _label(res), offsets, problems, ())


def _model(res: Resource, result: Scan, lines: Lines) -> None:
    strategy = res.values.get("schedule_strategy")
    if "schedule_strategy" not in res.values:
        return
    if strategy is None or strategy == "":
        result.unscheduled += 1
        return  # "" is how Segment's export writes "no schedule"
    offsets = {"": res.offsets.get("/schedule_strategy", (0, 0))}
    for key, new in (("schedule_strategy", "strategy"), ("schedule_config", "config")):
        for k, v in res.offsets.items():
            if k == "/" + key or k.startswith("/" + key + "/"):
                offsets["/" + new + k[len(key) + 1:]] = v
    problems = [Diagnostic(d.code, d.severity, d.path.replace("/schedule_config", "/config", 1),
                           d.message, d.hint) for d in res.problems]
    doc: dict[str, object] = {"strategy": strategy}
    if "schedule_config" in res.values:
        doc["config"] = _config(res.values["schedule_config"], "schedule_config", problems)
    _add(result, lines, doc, pointer("resource", res.type, res.label), _label(res), offsets,
         problems, (("strategy", "schedule_strategy"), ("config", "schedule_config")))


def _config(raw: object, name: str, problems: list[Diagnostic]) -> object:
    """``config`` is a JSON string in Terraform: jsonencode(...) or a string literal."""
    if isinstance(raw, Encoded):
        return _plain(raw.value)
    if isinstance(raw, str):
        from .._jsontext import parse_json

        value, found = parse_json(raw)
        for d in found:
            problems.append(Diagnostic(d.code, d.severity, "/config" + d.path,
                                       f"{name} is a string that is not valid JSON: {d.message}"
                                       if d.code == "SL001" else d.message, d.hint))
        return value
    return raw


def _plain(value: object) -> object:
    """A value inside jsonencode(...), as the JSON text Terraform would send."""
    if isinstance(value, Encoded):
        return json.dumps(_plain(value.value), separators=(",", ":"))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _unknowns(value: object, where: str = "") -> Iterator[tuple[str, Unknown]]:
    if isinstance(value, Unknown):
        yield where, value
    elif isinstance(value, Encoded):
        yield from _unknowns(value.value, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _unknowns(v, where + pointer(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unknowns(v, where + pointer(i))


def _add(result: Scan, lines: Lines, doc: object, base: str, label: str,
         offsets: dict[str, tuple[int, int]], problems: list[Diagnostic],
         renames: tuple[tuple[str, str], ...]) -> None:
    unknown = list(_unknowns(doc))
    for where, item in unknown:
        text = item.text if len(item.text) <= 40 else item.text[:37] + "..."
        problems.append(diagnostic(
            "SL903", where, f"{text} is only known when Terraform runs; this schedule is not "
            "checked", "write the schedule literally, or check the values where they are "
            "defined"))
        offsets.setdefault(where, (item.offset, item.offset + len(item.text)))
    result.schedules.append(Found(
        doc, base, label, lambda rel: lines.span(*offsets[nearest(offsets, rel)]),
        tuple(problems), static=not unknown and not any(p.code == "SL001" for p in problems),
        renames=renames))
