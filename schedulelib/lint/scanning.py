"""Finding the schedules in files: the public API behind ``schedulelib validate``.

:func:`scan_file`, :func:`scan_text` and :func:`scan_paths` find every schedule in JSON, YAML
and Terraform text and check it, as the command line does, and hand back frozen records: a
:class:`ScannedFile` per file and a :class:`ScannedSchedule` per schedule, each schedule with
its kind, name, JSON Pointer, start and end, and its own findings.

The engine underneath is :mod:`schedulelib.lint.sources` (one reader per format, exact spans);
this module only checks what the readers found and freezes the result.  Nothing here prints,
and no input makes it raise: a file that cannot be read is a finding (SL901), like every other
problem.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias

from schedulelib.core.diagnostics import Diagnostic
from schedulelib.lint.sources import Finding, Found, Kind, Scan
from schedulelib.lint.sources.model import Checker as Checker  # fix.py takes it from here

__all__ = ["Finding", "Kind", "ScannedFile", "ScannedSchedule", "StrPath", "scan_file",
           "scan_paths", "scan_text"]

StrPath: TypeAlias = "str | os.PathLike[str]"


@dataclass(frozen=True, slots=True)
class ScannedSchedule:
    """One schedule in a file.

    ``pointer`` is the RFC 6901 pointer of the schedule in the file (Terraform files use
    Terraform's JSON syntax: ``/resource/<type>/<name>/reverse_etl_schedule``).  ``line``,
    ``column``, ``end_line`` and ``end_column`` are 1-based, the end exclusive, and ``start`` /
    ``end`` the same two places as character offsets into :attr:`ScannedFile.text`.
    ``document`` is the schedule as :func:`schedulelib.check` takes it, or None when
    ``static`` is False (Terraform knows a part of it only when it runs; SL903).
    """

    file: str
    kind: Kind
    name: str
    pointer: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    static: bool
    document: object = field(repr=False)
    findings: tuple[Finding, ...] = ()
    #: Pointers (into ``document``) of values only known when Terraform runs, which hold a
    #: stand-in: the rest of the schedule was checked, these values were not (SL903).
    unknown: tuple[str, ...] = ()

    @property
    def checked(self) -> bool:
        """True when the whole schedule was checked: ``static``, and no value unknown (a
        schedule that is not is never counted as checked by ``validate``)."""
        return self.static and not self.unknown

    @property
    def ok(self) -> bool:
        """True when no finding of this schedule is an error (warnings allowed)."""
        return not any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """One file: its schedules, and every finding in the order ``validate`` reports them
    (the file's own problems, such as syntax errors, first, then each schedule's)."""

    file: str
    kind: Kind | None
    schedules: tuple[ScannedSchedule, ...]
    findings: tuple[Finding, ...]
    #: False when the file could not be read at all (missing, a directory, no permission).
    readable: bool = True
    #: The decoded text that offsets refer to (None when nothing could be decoded).
    text: str | None = field(default=None, repr=False)
    #: True when the file was not read: it is not about Segment schedules, or (found by
    #: searching a directory) not a regular file; ``note`` says why when there is a reason.
    skipped: bool = False
    note: str = ""

    @property
    def ok(self) -> bool:
        """True when no finding in the file is an error (warnings allowed)."""
        return not any(f.severity == "error" for f in self.findings)


def scan_text(text: str | bytes, *, name: str = "<text>", kind: Kind | None = None,
              as_of: datetime | None = None) -> ScannedFile:
    """Every schedule in ``text`` (``str``, or ``bytes`` read as UTF-8), checked.

    ``name`` is reported as the file, and its suffix (.json, .yaml, .yml, .tf) picks the
    reader unless ``kind`` is given; without either the kind is guessed from the text.
    ``as_of`` (an aware datetime, default now) starts the DST look-ahead of SL409.
    """
    from schedulelib.lint.sources import MAX_BYTES, scan, too_large

    if not isinstance(text, str | bytes):
        raise TypeError(f"text must be str or bytes, got {type(text).__name__} {text!r:.60}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__} {name!r:.60}")
    _kind(kind)
    if len(text) > MAX_BYTES:
        return freeze(too_large(name, kind), as_of=as_of)
    return freeze(scan(text, name=name, kind=kind), as_of=as_of)


def scan_file(path: StrPath, *, kind: Kind | None = None, as_of: datetime | None = None
              ) -> ScannedFile:
    """Every schedule in the file at ``path``, checked; a file that cannot be read gives a
    :class:`ScannedFile` with ``readable`` False and an SL901 finding, never an exception."""
    from schedulelib.lint.sources import read_file

    _kind(kind)
    return freeze(read_file(os.fspath(path), kind=kind), as_of=as_of)


def _kind(kind: object) -> None:
    """A ``kind`` argument checked: an unknown one would be read as Terraform."""
    if kind is None or kind in ("json", "yaml", "terraform"):
        return
    if not isinstance(kind, str):
        raise TypeError(f"kind must be 'json', 'yaml', 'terraform' or None, got "
                        f"{type(kind).__name__} {kind!r:.60}")
    from schedulelib.core.diagnostics import ScheduleError

    raise ScheduleError(f"kind must be 'json', 'yaml', 'terraform' or None, got {kind!r:.60}")


def scan_paths(paths: Iterable[StrPath] | StrPath, *, as_of: datetime | None = None
               ) -> Iterator[ScannedFile]:
    """Each file named, and every JSON, YAML and Terraform file under each directory named
    (hidden and dependency directories skipped, and the ``include`` / ``exclude`` of the
    configuration that governs each file applied, as ``validate`` applies them), once each,
    in order.  ``paths`` may also be one path.

    A named file without any schedule gets warning SL905; a file found by searching a
    directory does not.  A configuration file that cannot be used raises
    :class:`~schedulelib.lint.config.ConfigError` (a ``ValueError``), as ``validate`` stops.
    """
    from schedulelib.core.schedule import aware_as_of
    from schedulelib.lint.walk import Configs, expand, read

    aware_as_of(as_of)
    if isinstance(paths, bytes | bytearray) or not isinstance(paths, str | os.PathLike | Iterable):
        raise TypeError(f"paths must be a path (str or os.PathLike) or an iterable of paths, "
                        f"got {type(paths).__name__} {paths!r:.60}")
    if isinstance(paths, (str, os.PathLike)):
        # One path, not its characters: scan_paths("config") would otherwise search "c",
        # "o", ... and scan_paths("/srv") the whole file system from "/".
        paths = [paths]
    for item in expand((os.fspath(p) for p in paths), Configs()):
        yield freeze(item if isinstance(item, Scan) else read(item), as_of=as_of)


# -- from the readers' records to the public ones ---------------------------------------------


def freeze(scan: Scan, *, as_of: datetime | None = None,
           checker: Checker | None = None) -> ScannedFile:
    """Check every schedule of ``scan`` and freeze the result."""
    if checker is None:
        checker = _checker(as_of)
    schedules = []
    findings = list(scan.findings)
    for found in scan.schedules:
        own = tuple(f for _, f in schedule_findings(scan, found, checker))
        findings += own
        span = found.span("")
        schedules.append(ScannedSchedule(
            scan.file, scan.kind or "json", found.name, found.pointer, span.line, span.column,
            span.end_line, span.end_column, span.start, span.end, found.static,
            found.doc if found.static else None, own, found.unknown))
    return ScannedFile(scan.file, scan.kind, tuple(schedules), tuple(findings),
                       not scan.unreadable, scan.text, scan.skipped, scan.note)


def schedule_findings(scan: Scan, found: Found, checker: Checker
                      ) -> list[tuple[Diagnostic, Finding]]:
    """Every finding of one schedule: the diagnostic as :meth:`Found.diagnostics` gives it (its
    path relative to the schedule) beside the same finding placed in the file.

    The same findings, in the same order, as :meth:`Scan.check` gives for this schedule.
    """
    return [(d, found.place(scan.file, d)) for d in found.diagnostics(checker)]


def schedule_diagnostics(found: Found, checker: Checker) -> list[Diagnostic]:
    """The problems of one schedule, their paths relative to it (not yet placed)."""
    return found.diagnostics(checker)


def place(file: str, found: Found, d: Diagnostic) -> Finding:
    """A schedule's diagnostic as a finding in the file (:meth:`Found.place`)."""
    return found.place(file, d)


def _checker(as_of: datetime | None) -> Checker:
    from schedulelib.core.schedule import aware_as_of, check

    if aware_as_of(as_of) is None:
        return check
    return lambda doc: check(doc, as_of=as_of)
