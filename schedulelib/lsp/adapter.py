"""The one place the language server uses the lint engine, the fixer and the file readers.

Everything a document gets goes through the same public functions ``validate`` uses, on the
document's text as the editor holds it (unsaved changes included):

* :func:`diagnose`: ``engine.lint()`` on a :class:`~schedulelib.lint.engine.Source` carrying the
  text, with the settings of the nearest ``[tool.schedulelib]`` (read afresh each time, so an
  edited configuration applies at once), inline suppressions and the relevance rule, inside a
  fresh Terraform session so that the other files of a module are read as they are on disk now
  while the document's own text replaces its file's;
* :func:`fixes`: the same run with ``Options(fix=True)``, whose planned repairs are ``--fix``'s;
* :func:`scan` and :func:`config`: what hover needs (the schedules and the ``dst`` / ``as-of``
  settings).

Nothing here knows about LSP, and nothing else in the package imports the engine: when the
engine changes, this module is the only one to follow it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from schedulelib.lint import engine
from schedulelib.lint.config import ConfigError
from schedulelib.lint.formats.json_format import finding as json_finding
from schedulelib.lint.sources import Finding, Scan
from schedulelib.lint.sources.tfmodule import session

__all__ = ["Checked", "ConfigError", "Repair", "Settings", "config", "diagnose", "fixes",
           "internal", "scan"]


@dataclass(frozen=True, slots=True)
class Checked:
    """One finding as ``validate --format json`` reports it (``record``), and whether it is
    placed in the document itself (False: in another file, a variable's default in
    ``variables.tf``; ``anchor`` is then the 1-based (line, column) span in the document of
    the schedule it belongs to, or (1, 1, 1, 1) when that is not known)."""

    finding: Finding
    record: dict[str, object]
    here: bool
    anchor: tuple[int, int, int, int] = (1, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Repair:
    """One finding's ``--fix`` repair: character-offset edits into the document's text."""

    finding: Finding
    description: str
    edits: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True, slots=True)
class Settings:
    """What hover needs from the configuration."""

    dst: str
    as_of: datetime | None


def _source(name: str, text: str) -> engine.Source:
    return engine.Source(name, Path(name), data=text.encode("utf-8", "surrogatepass"))


def _lint(name: str, text: str, *, fix: bool) -> engine.Report:
    """``validate NAME`` on ``text``; raises ConfigError for a settings file it cannot use."""
    options = engine.Options(fix=fix)
    with session():
        return engine.lint([_source(name, text)], options, engine.Settings(options))


def diagnose(name: str, text: str) -> list[Checked]:
    """The findings ``validate --format json NAME`` reports when NAME holds ``text`` (none for a
    file that is not about schedules).  Raises ConfigError as validate does."""
    report = _lint(name, text, fix=False)
    here = os.path.abspath(name)
    out: list[Checked] = []
    located: Scan | None = None
    for f in report.findings:
        if f.line <= 0 or os.path.abspath(f.file) == here:
            out.append(Checked(f, json_finding(f), True))
            continue
        if located is None:
            located = scan(name, text)
        out.append(Checked(f, json_finding(f), False, _anchor(located, f.pointer)))
    return out


def internal(name: str, exc: BaseException) -> Checked:
    """SL922 for a document whose checking raised ``exc``, as ``validate`` reports it."""
    f = engine.internal_error(name, exc)
    return Checked(f, json_finding(f), True)


def _anchor(located: Scan, pointer: str) -> tuple[int, int, int, int]:
    """The span of the schedule whose pointer is the longest prefix of ``pointer``."""
    best = None
    for found in located.schedules:
        inside = pointer == found.pointer or pointer.startswith(found.pointer + "/") \
            or not found.pointer
        if inside and (best is None or len(found.pointer) > len(best.pointer)):
            best = found
    if best is None:
        return 1, 1, 1, 1
    span = best.span("")
    if span.file is not None:
        return 1, 1, 1, 1
    return span.line, span.column, span.end_line, span.end_column


def fixes(name: str, text: str) -> tuple[list[Repair], str]:
    """``--fix``'s repairs of ``text``, one per finding it fixes, and why none were made when
    the fixer refused them ("" otherwise).  Offsets are into ``text``."""
    report = _lint(name, text, fix=True)
    # The readers drop a byte order mark; the offsets of the fixer are after it.
    shift = 1 if text.startswith("\ufeff") else 0
    out: list[Repair] = []
    refused = ""
    for result in report.fixes:
        refused = refused or result.refused
        for fix in result.fixes:
            out.append(Repair(fix.finding, fix.description, tuple(
                (e.start + shift, e.end + shift, e.text) for e in fix.edits)))
    return out, refused


def scan(name: str, text: str) -> Scan:
    """The schedules of ``text`` read as the file ``name`` (nothing is checked)."""
    from schedulelib.lint.sources import scan as scan_text

    with session():
        return scan_text(text, name=name)


def config(name: str) -> Settings:
    """The ``dst`` and ``as-of`` settings for the file ``name``; raises ConfigError."""
    settings = engine.Settings(engine.Options())
    found = settings.for_file(name)
    return Settings(found.dst or "go", settings.as_of(found))
