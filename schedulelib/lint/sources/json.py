"""Schedules in JSON files: any object under ``reverseETLSchedule`` at any depth, or a file that
is itself a bare schedule (a top-level ``strategy`` key)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from schedulelib.core.diagnostics import pointer
from schedulelib.lint.sources.model import (
    WRAPPER_KEY,
    Finding,
    Found,
    Lines,
    Scan,
    Span,
    Subject,
)


def find_in_value(root: object, nulls: list[tuple[str | int, ...]] | None = None,
                  models: list[Subject] | None = None,
                  ) -> Iterator[tuple[tuple[str | int, ...], object, str | None]]:
    """(path, schedule, name) for every schedule in a parsed JSON / YAML value; the paths of
    ``reverseETLSchedule: null`` (no schedule) are added to ``nulls`` when it is given, and
    the models found (objects with an ``id`` and a ``sourceId``) to ``models``."""
    if isinstance(root, dict) and "strategy" in root and WRAPPER_KEY not in root:
        yield (), root, None
        return
    stack: list[tuple[tuple[str | int, ...], object]] = [((), root)]
    out: list[tuple[tuple[str | int, ...], object, str | None]] = []
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            if models is not None and WRAPPER_KEY not in node:
                model = model_of(node)
                if model is not None:
                    models.append(model)
            for key, value in node.items():
                if key == WRAPPER_KEY:
                    if value is not None:
                        label = node.get("name")
                        out.append(((*path, key), value, label if isinstance(label, str) else None))
                    elif nulls is not None:
                        nulls.append((*path, key))
                    continue
                if isinstance(value, dict | list):
                    stack.append(((*path, str(key)), value))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append(((*path, index), value))
    out.sort(key=lambda item: [str(p).zfill(12) if isinstance(p, int) else p for p in item[0]])
    yield from out


def _text(holder: Mapping[str, object], *keys: str) -> str | None:
    for key in keys:
        value = holder.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _flag(holder: Mapping[str, object]) -> bool | None:
    value = holder.get("enabled")
    return value if isinstance(value, bool) else None


def subject_of(holder: Mapping[str, object]) -> Subject:
    """What the object holding a ``reverseETLSchedule`` is, in the Public API's names (a
    destination subscription: ``id``, ``name``, ``modelId``, ``destinationId``, ``enabled``)."""
    return Subject("subscription", _text(holder, "id"), _text(holder, "name"),
                   _text(holder, "modelId", "reverseETLModelId"), _text(holder, "sourceId"),
                   _text(holder, "destinationId"), _flag(holder))


def model_of(node: Mapping[str, object]) -> Subject | None:
    """A Reverse ETL model in the Public API's names (``id``, ``sourceId``, ``name``,
    ``enabled``), as a pulled snapshot writes it too; None for any other object."""
    ident, source = _text(node, "id"), _text(node, "sourceId")
    if ident is None or source is None:
        return None
    return Subject("model", ident, _text(node, "name"), ident, source, None, _flag(node))


def holder_at(root: object, path: tuple[str | int, ...]) -> Mapping[str, object] | None:
    """The object that holds the value at ``path`` (None for the root itself)."""
    if not path:
        return None
    node = root
    for step in path[:-1]:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return None
    return node if isinstance(node, dict) else None


def scan_json(text: str, result: Scan) -> None:
    from schedulelib.core.jsontext import JsonLocator, read_json

    value, problems, error_at = read_json(text)
    lines = Lines(text)
    locator: JsonLocator | None = None

    def span(where: str) -> Span:
        nonlocal locator
        if locator is None:
            locator = JsonLocator(text)
        return lines.span(*locator.range(where))

    for problem in problems:
        where = lines.point(error_at or 0) if problem.code == "SL001" else span(problem.path)
        result.findings.append(Finding.at(result.file, where, problem))
    if any(p.code == "SL001" for p in problems):
        return
    if isinstance(value, dict) and "format_version" in value:
        # Perhaps terraform show -json (resources, not reverseETLSchedule keys): the plan
        # reader is loaded only for a document that names its format.
        from schedulelib.lint.sources.plan import is_plan, scan_plan

        if is_plan(value):
            scan_plan(value, result, lines, span)
            return
    # A schedule holding a number Python cannot hold (SL008) is not checked.
    unreadable: set[str] = set()
    for problem in problems:
        if problem.code == "SL008":
            part = problem.path
            while part and part not in unreadable:
                unreadable.add(part)
                part = part.rsplit("/", 1)[0]
            unreadable.add("")
    nulls: list[tuple[str | int, ...]] = []
    for path, doc, label in find_in_value(value, nulls, result.models):
        base = pointer(*path)
        static = base not in unreadable
        holder = holder_at(value, path)
        result.schedules.append(Found(
            doc, base, label or f"{result.file}#{base or '/'}",
            lambda rel, base=base: span(base + rel), static=static,  # type: ignore[misc]
            subject=None if holder is None else subject_of(holder)))
    result.unscheduled += len(nulls)
