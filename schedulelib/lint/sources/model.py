"""The records every reader produces: a :class:`Scan` of one file, the :class:`Found` schedules
in it, the :class:`Finding` diagnostics placed at a line and column, and the :class:`Span` of
each value as written."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Literal

from schedulelib._support.records import Frozen, frozen_value
from schedulelib.core.diagnostics import WRAPPER_KEY, Diagnostic, pointer

__all__ = ["WRAPPER_KEY", "Checker", "Finding", "Found", "Kind", "Lines", "Locate", "Scan",
           "Span", "Subject", "nearest"]

Kind = Literal["json", "yaml", "terraform"]


# -- records ------------------------------------------------------------------------------------


@frozen_value(slots=True)
class Finding(Frozen):
    """One diagnostic placed in a file: ``diagnostic.path`` is a JSON Pointer into the file.

    ``line`` and ``column`` are 1-based and mark the start of the offending value;
    ``end_line`` and ``end_column`` its end, exclusive (SARIF's ``endColumn``): a string's span
    includes its quotes.  A syntax error covers the one character the reader stopped at.  All
    four are 0 when the problem has no position (a file that could not be read at all).
    """

    file: str
    line: int
    column: int
    diagnostic: Diagnostic
    end_line: int = 0
    end_column: int = 0

    def __init__(self, file: str, line: int, column: int, diagnostic: Diagnostic,
                 end_line: int = 0, end_column: int = 0) -> None:
        put = object.__setattr__
        put(self, "file", file)
        put(self, "line", line)
        put(self, "column", column)
        put(self, "diagnostic", diagnostic)
        put(self, "end_line", end_line)
        put(self, "end_column", end_column)

    @classmethod
    def at(cls, file: str, span: Span, diagnostic: Diagnostic) -> Finding:
        return cls(span.file or file, span.line, span.column, diagnostic, span.end_line,
                   span.end_column)

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def severity(self) -> str:
        return self.diagnostic.severity

    @property
    def pointer(self) -> str:
        return self.diagnostic.path

    @property
    def message(self) -> str:
        return self.diagnostic.message

    @property
    def hint(self) -> str:
        return self.diagnostic.hint

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "severity": self.severity, "file": self.file,
                "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "pointer": self.pointer,
                "message": self.message, "hint": self.hint}


@frozen_value(slots=True)
class Span(Frozen):
    """Where a value is written.

    ``start`` / ``end`` are character offsets into the decoded file text (:attr:`Scan.text`):
    ``text[start:end]`` is exactly the value as written (a string with its quotes, an object
    with its braces), so replacing that slice replaces the value and nothing else.  ``line`` /
    ``column`` and ``end_line`` / ``end_column`` are the same two places, 1-based, the end
    exclusive.

    ``file`` is None for a value written in the scanned file itself; otherwise the file that
    writes it (a Terraform variable's default in ``variables.tf``, a value in a ``.tfvars``
    file): then the offsets are into that file's text, not :attr:`Scan.text`.
    """

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    file: str | None = None

    def __init__(self, start: int, end: int, line: int, column: int, end_line: int,
                 end_column: int, file: str | None = None) -> None:
        put = object.__setattr__
        put(self, "start", start)
        put(self, "end", end)
        put(self, "line", line)
        put(self, "column", column)
        put(self, "end_line", end_line)
        put(self, "end_column", end_column)
        put(self, "file", file)


@frozen_value(slots=True)
class Subject(Frozen):
    """What a schedule belongs to, as far as the files say: the relation subscription -> model
    -> source (warehouse) and the ids that match it with a workspace.

    Every field is None where the file does not say.  ``model`` and ``source`` are ids where the
    file writes them literally, otherwise a stable reference key (``segment_reverse_etl_model.x``)
    that names the same thing across the files of one run.

    The same record describes a model found in the files (:attr:`Scan.models`, ``kind``
    "model"): then ``id`` is the model's id where known, ``model`` the key subscriptions use to
    name it (its Terraform address ``segment_reverse_etl_model.x``, or its id), ``source`` its
    source.
    """

    #: "subscription" (a mapping's ``reverseETLSchedule``) or "model" (a model's own schedule).
    kind: Literal["subscription", "model"] = "subscription"
    id: str | None = None
    name: str | None = None
    model: str | None = None
    source: str | None = None
    destination: str | None = None
    #: False when the subscription (or model) says ``enabled = false``: it runs nothing.
    enabled: bool | None = None

    def __init__(self, kind: Literal["subscription", "model"] = "subscription",
                 id: str | None = None, name: str | None = None, model: str | None = None,
                 source: str | None = None, destination: str | None = None,
                 enabled: bool | None = None) -> None:
        put = object.__setattr__
        put(self, "kind", kind)
        put(self, "id", id)
        put(self, "name", name)
        put(self, "model", model)
        put(self, "source", source)
        put(self, "destination", destination)
        put(self, "enabled", enabled)


#: A schedule document -> its problems (:func:`schedulelib.check`, perhaps with an ``as_of``).
Checker = Callable[[object], list[Diagnostic]]
#: A pointer relative to a schedule -> the span of the value there (or of its nearest ancestor).
Locate = Callable[[str], Span]


class Found:
    """One schedule in a file.

    ``doc`` is the schedule document (what :func:`schedulelib.check` takes), ``pointer`` where it
    sits in the file, ``name`` a label for reports (the subscription's name when it has one).
    ``problems`` are findings the reader made inside the document (an HCL duplicate key), with
    pointers relative to ``doc``; ``static`` is False when Terraform only knows a part of it at
    apply time (then it is not validated).
    """

    # A plain class, as the other records of this module (Span, Subject: NamedTuples; Scan):
    # a dataclass costs every start of `validate` about half a millisecond (decision D55).
    __slots__ = ("doc", "locator", "name", "pointer", "problems", "renames", "static",
                 "subject", "unknown", "via")

    def __init__(self, doc: object, pointer: str, name: str, locator: Locate,
                 problems: tuple[Diagnostic, ...] = (), static: bool = True,
                 renames: tuple[tuple[str, str], ...] = (), unknown: tuple[str, ...] = (),
                 via: Callable[[str], str] | None = None, subject: Subject | None = None
                 ) -> None:
        self.doc, self.pointer, self.name, self.locator = doc, pointer, name, locator
        self.problems, self.static = problems, static
        #: Terraform's model-level attributes: the document's "strategy" / "config" are
        #: written as ``schedule_strategy`` / ``schedule_config``.
        self.renames = renames
        #: Pointers (into ``doc``) of the values only known when Terraform runs, in a
        #: schedule that is checked all the same: they hold a stand-in, and nothing is said
        #: about them.
        self.unknown = unknown
        #: A pointer -> how the value there was reached ("var.interval, for
        #: segment_destination_subscription.s"), added to findings; "" for a value written
        #: in place.
        self.via = via
        #: What the schedule belongs to (ids, model, source), where the file says.
        self.subject = subject

    def __repr__(self) -> str:
        return (f"Found(pointer={self.pointer!r}, name={self.name!r}, doc={self.doc!r}, "
                f"static={self.static!r}, subject={self.subject!r})")

    def with_subject(self, subject: Subject | None) -> Found:
        """The same schedule, said to belong to ``subject``."""
        return Found(self.doc, self.pointer, self.name, self.locator, self.problems,
                     self.static, self.renames, self.unknown, self.via, subject)

    def locate(self, relative: str) -> tuple[int, int]:
        """1-based (line, column) of the value at ``relative`` (a pointer into ``doc``)."""
        span = self.locator(relative)
        return span.line, span.column

    def span(self, relative: str) -> Span:
        """The :class:`Span` of the value at ``relative`` (a pointer into ``doc``); a pointer
        to a member that is not there gives the span of its nearest ancestor."""
        return self.locator(relative)

    def diagnostics(self, checker: Checker) -> list[Diagnostic]:
        """The problems of this schedule, their paths relative to it (not yet placed): the
        reader's own, then ``checker``'s, without those about a stand-in for a value only
        known when Terraform runs (``unknown``: nothing is said about it).

        The one place a schedule is judged: validate, --fix and the scanning API all use it.
        """
        problems = list(self.problems)
        if not self.static:
            return problems
        if isinstance(self.doc, str | bytes | bytearray):
            # check() reads a string as JSON text; a string here is the value itself.
            prefix = pointer(WRAPPER_KEY)
            problems += [Diagnostic(d.code, d.severity, d.path.removeprefix(prefix), d.message,
                                    d.hint) for d in checker({WRAPPER_KEY: self.doc})]
        else:
            problems += [d for d in checker(self.doc) if not _under(d.path, self.unknown)]
        return problems

    def place(self, file: str, d: Diagnostic) -> Finding:
        """One of :meth:`diagnostics` as a finding in ``file``: its span, its pointer made
        absolute, and how the value was reached (through a variable, a local) noted."""
        note = self.via(d.path) if self.via is not None else ""
        return Finding.at(file, self.span(d.path), Diagnostic(
            d.code, d.severity, self.file_pointer(d.path),
            f"{d.message} ({note})" if note else d.message, d.hint))

    def file_pointer(self, relative: str) -> str:
        for old, new in self.renames:
            if relative == "/" + old or relative.startswith("/" + old + "/"):
                relative = "/" + new + relative[len(old) + 1:]
                break
        return self.pointer + relative


class Scan:
    """What one source holds: its schedules, and the problems of the file itself."""

    __slots__ = ("file", "findings", "kind", "models", "note", "schedules", "skipped", "text",
                 "unreadable", "unscheduled")

    def __init__(self, file: str, kind: Kind | None, schedules: list[Found] | None = None,
                 findings: list[Finding] | None = None, unreadable: bool = False,
                 text: str | None = None, skipped: bool = False, unscheduled: int = 0,
                 note: str = "", models: list[Subject] | None = None) -> None:
        self.file, self.kind = file, kind
        self.schedules: list[Found] = schedules if schedules is not None else []
        self.findings: list[Finding] = findings if findings is not None else []
        #: True when the file could not be read at all (missing, a directory, no permission).
        self.unreadable = unreadable
        #: The decoded text the offsets of every :class:`Span` refer to (None: nothing
        #: decoded).
        self.text = text
        #: True when the file was not judged: not about Segment schedules, or (inside a
        #: searched directory) not a regular file.  A skipped scan has no findings.
        self.skipped = skipped
        #: Subscriptions that say they have no schedule (``reverseETLSchedule: null``,
        #: ``schedule_strategy = ""``): the file is about schedules, though it holds none.
        self.unscheduled = unscheduled
        #: Why a file found by a directory search was skipped, for a note ("" for files that
        #: are simply not about schedules, which are skipped in silence).
        self.note = note
        #: Every Reverse ETL model the file describes, scheduled or not (:class:`Subject`
        #: records of kind "model"): a subscription and its model are often in different
        #: files.
        self.models: list[Subject] = models if models is not None else []

    def __repr__(self) -> str:
        return (f"Scan(file={self.file!r}, kind={self.kind!r}, schedules={self.schedules!r}, "
                f"findings={self.findings!r}, skipped={self.skipped!r})")

    def check(self, checker: Checker | None = None) -> list[Finding]:
        """The file's own findings, then every schedule's, each with its line and column."""
        if checker is None:
            from schedulelib.core.schedule import check

            checker = check
        out = list(self.findings)
        for found in self.schedules:
            out += [found.place(self.file, d) for d in found.diagnostics(checker)]
        return out


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r + "/") for r in roots)


class Lines:
    """Character offset -> 1-based (line, column), built on first use.

    Lines end with LF, CRLF or a lone CR, as in SARIF and editors (a file saved with classic
    Mac line ends is not one long line); columns count characters.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._bisect: Callable[[list[int], int], int]

    def at(self, offset: int) -> tuple[int, int]:
        if self._starts is None and offset < 256 and not any(
                c in self.text[:offset] for c in "\r\n"):
            return 1, max(offset, 0) + 1  # on the first line (the whole-file span): no table
        if self._starts is None:
            from bisect import bisect_right  # loaded with the first table a run builds

            self._bisect = bisect_right
            self._starts = [0] + [m.end() for m in re.finditer("\r\n?|\n", self.text)]
        line = self._bisect(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, *self.at(start), *self.at(end))

    def point(self, offset: int) -> Span:
        """The span of the one character at ``offset`` (empty at a line end or the end)."""
        offset = max(0, min(offset, len(self.text)))
        end = offset + 1 if offset < len(self.text) and self.text[offset] not in "\r\n" \
            else offset
        return self.span(offset, end)


def nearest(table: Mapping[str, object], where: str) -> str:
    """``where`` or its nearest ancestor that ``table`` knows (a missing key: its object)."""
    while where not in table and where:
        where = where.rsplit("/", 1)[0]
    return where
