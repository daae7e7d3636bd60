"""Rules that judge schedules together, across the files of one run: SL701 (schedules of one
source that start in the same minute) and SL702 (more than five dbt Cloud mappings on one
model).

The files say who shares a warehouse: a subscription names its model (``model_id``,
``modelId``), a model its source (``source_id``, ``sourceId``); the readers put that in each
schedule's :class:`~.sources.Subject` and the models they meet in :attr:`Scan.models`.  This
module turns every schedule of a run into a :class:`Record` (what the rules need, nothing
else: a record can cross a process boundary), groups the records by source, and places the
findings.  The exact arithmetic of shared starts is :mod:`schedulelib.core.collide`.

Where the files do not say (a subscription without ``model_id``, a model named by a
reference that cannot be followed), the schedule is not grouped and nothing is said about it;
where a model's source is not in the files, its subscriptions are grouped by the model, since
one model reads one source.  A disabled subscription or model runs nothing and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from schedulelib.core.diagnostics import diagnostic
from schedulelib.lint.sources.model import Finding, Found, Scan, Span, Subject

if TYPE_CHECKING:
    from schedulelib.core.schedule import Cron, SpecificDays

__all__ = ["DBT_LIMIT", "Group", "Member", "Record", "group", "judge", "models_of", "records"]

#: "If there are 5 mappings with a dbt Cloud schedule for a model, you will not be able to
#: create additional mappings" (Segment's Reverse ETL docs).
DBT_LIMIT = 5


@dataclass(frozen=True, slots=True)
class Record:
    """One schedule of a run, as the rules judged together need it.

    ``judged`` is False when the document holds a value only Terraform knows (a stand-in
    replaces it for the single-schedule checks, which would be a false collision here) or
    could not be read.
    """

    doc: object
    subject: Subject | None
    name: str
    file: str
    span: Span
    pointer: str
    judged: bool = True

    @property
    def place(self) -> str:
        return f"{self.span.file or self.file}:{self.span.line}"


def records(scan: Scan) -> list[Record]:
    """The records of every schedule of ``scan``, in file order."""
    return [_record(scan.file, found) for found in scan.schedules]


def _record(file: str, found: Found) -> Record:
    doc = found.doc
    judged = found.static and not found.unknown and isinstance(doc, dict)
    return Record(doc, found.subject, found.name, file, found.span(""),
                  found.file_pointer(""), judged)


def models_of(scans: Iterable[Scan]) -> list[Subject]:
    """Every model the scans describe, in file order."""
    return [m for scan in scans for m in scan.models]


class _Index:
    """Models by each name the files give them: id, and Terraform address."""

    def __init__(self, models: Iterable[Subject]) -> None:
        self.by: dict[str, Subject] = {}
        for m in models:
            for key in (m.model, m.id):
                if key is not None:
                    self.by.setdefault(key, m)

    def model(self, key: str | None) -> Subject | None:
        return None if key is None else self.by.get(key) or self.by.get(canonical(key))


def canonical(key: str) -> str:
    """A model's key as its id where the address says it: Segment's Git sync names each model
    resource ``id-<modelId>``, so ``segment_reverse_etl_model.id-abc`` is model ``abc``."""
    m = _GIT_SYNC_MODEL.fullmatch(key)
    return m.group(1) if m is not None else key


_GIT_SYNC_MODEL = re.compile(r"segment_reverse_etl_model\.id-([0-9A-Za-z]+)")


@dataclass(frozen=True, slots=True)
class Member:
    """A schedule in a group: its index in the run's records, the record, the schedule."""

    index: int
    record: Record
    schedule: Cron | SpecificDays


@dataclass(frozen=True, slots=True)
class Group:
    """The judged schedules that read one source (``kind`` "source"), or one model whose
    source the files do not give (``kind`` "model")."""

    kind: str
    key: str
    members: tuple[Member, ...]


def _strategy(doc: object) -> str:
    if isinstance(doc, dict):
        value = doc.get("strategy")
        if isinstance(value, str):
            return value.lower()
    return ""


def _owner(record: Record, index: _Index) -> tuple[str, str] | None:
    """("source", id) or ("model", key) a running schedule belongs to; None when the files do
    not say, or it runs nothing (disabled, or its model is)."""
    subject = record.subject
    if subject is None or subject.enabled is False:
        return None
    model = index.model(subject.model)
    if model is not None and model.enabled is False:
        return None
    source = subject.source or (model.source if model is not None else None)
    if source is not None:
        return "source", source
    if model is not None:
        return "model", canonical(model.id or model.model or "")
    return None if subject.model is None else ("model", canonical(subject.model))


def group(recs: Sequence[Record], models: Iterable[Subject], *,
          as_of: datetime | None = None) -> list[Group]:
    """The groups of schedules that start at times their configuration fixes (cron,
    specific_days), in order of first appearance; only groups of two or more."""
    from schedulelib.core.diagnostics import ScheduleError
    from schedulelib.core.schedule import Cron, SpecificDays, load

    index = _Index(models)
    found: dict[tuple[str, str], list[Member]] = {}
    loaded: dict[str, object] = {}
    for i, record in enumerate(recs):
        if not record.judged or _strategy(record.doc) not in ("cron", "specific_days"):
            continue
        owner = _owner(record, index)
        if owner is None:
            continue
        # Repositories repeat schedules ("0 * * * *" in UTC on many mappings): each distinct
        # document is read once.
        key = _doc_key(record.doc)
        if key not in loaded:
            try:
                loaded[key] = load(record.doc, as_of=as_of)
            except (ScheduleError, ValueError):
                loaded[key] = None  # reported by the single-schedule rules
        schedule = loaded[key]
        if isinstance(schedule, Cron | SpecificDays):
            found.setdefault(owner, []).append(Member(i, record, schedule))
    return [Group(kind, key, tuple(members)) for (kind, key), members in found.items()
            if len(members) > 1]


def _doc_key(doc: object) -> str:
    import json

    try:
        return json.dumps(doc, sort_keys=True, default=repr)
    except (TypeError, ValueError, RecursionError):
        return repr(id(doc))


def judge(recs: Sequence[Record], models: Iterable[Subject], *, as_of: datetime | None = None,
          dst: str = "go", codes: frozenset[str] = frozenset({"SL701", "SL702"}),
          ) -> list[tuple[int, Finding]]:
    """(record index, finding) of SL701 and SL702 over all the records of a run."""
    models = list(models)
    out: list[tuple[int, Finding]] = []
    if "SL701" in codes:
        out.extend(_same_start(recs, models, as_of, dst))
    if "SL702" in codes:
        out.extend(_dbt_limit(recs, models))
    out.sort(key=lambda pair: pair[0])
    return out


def _same_start(recs: Sequence[Record], models: list[Subject], as_of: datetime | None,
                dst: str) -> list[tuple[int, Finding]]:
    from schedulelib.core.collide import WINDOW, Starts, clashes, starts_of
    from schedulelib.core.schedule import dst_policy

    policy = dst_policy(dst)
    start = as_of if as_of is not None else datetime.now(UTC)
    end = start + WINDOW
    out: list[tuple[int, Finding]] = []
    memo: dict[object, Starts | None] = {}  # equal schedules have equal starts
    for g in group(recs, models, as_of=as_of):
        starts = []
        for m in g.members:
            if m.schedule not in memo:
                memo[m.schedule] = starts_of(m.schedule, start, end, dst=policy)
            starts.append(memo[m.schedule])
        bits = [s.bits if s is not None else 0 for s in starts]
        weeks = [s.week if s is not None else 0 for s in starts]
        origin = next((s.origin for s in starts if s is not None), 0)
        for clash in clashes(bits, origin, weeks):
            member = g.members[clash.index]
            out.append((member.index, _finding(member, [g.members[j] for j in clash.partners],
                                               clash.count, clash.first, g)))
    return out


def _finding(member: Member, partners: list[Member], count: int, first: datetime,
             g: Group) -> Finding:
    record = member.record
    head = partners[0].record
    more = f" and {len(partners) - 1} more" if len(partners) > 1 else ""
    starts = "start" if count == 1 else "starts"
    message = (f"collides with {_quote(head.name)} ({head.place}){more}: {count} shared "
               f"{starts} a year, first {first:%a %Y-%m-%d %H:%M} UTC"
               f"{_local(first, member.schedule.timezone)}")
    what = "source" if g.kind == "source" else "model (its source is not in the files read)"
    hint = (f"these schedules read one warehouse ({what} {g.key!r}), and extractions that "
            "start together fail; move one by a few minutes: 'schedulelib spread' proposes "
            "the fewest moves")
    return Finding.at(record.file, record.span, diagnostic("SL701", record.pointer, message,
                                                           hint))


def _local(instant: datetime, zone: str) -> str:
    """`` (04:00 America/New_York)``: the instant in the schedule's own zone (with its date
    when that differs); "" in UTC."""
    from schedulelib.core.tzcalc import get_zone

    if zone == "UTC":
        return ""
    local = instant.astimezone(get_zone(zone).tz)
    shown = f"{local:%H:%M}" if local.date() == instant.date() else f"{local:%a %Y-%m-%d %H:%M}"
    return f" ({shown} {zone})"


def _quote(name: str) -> str:
    shown = name if len(name) <= 60 else name[:57] + "..."
    return "'" + shown.replace("'", "\\'") + "'"


def _dbt_limit(recs: Sequence[Record], models: list[Subject]) -> list[tuple[int, Finding]]:
    index = _Index(models)
    seen: dict[str, list[int]] = {}
    for i, record in enumerate(recs):
        subject = record.subject
        if subject is None or subject.kind != "subscription" or subject.model is None \
                or _strategy(record.doc) != "dbt_cloud":
            continue
        model = index.model(subject.model)
        key = canonical(model.id or model.model or "" if model is not None else subject.model)
        seen.setdefault(key, []).append(i)
    out: list[tuple[int, Finding]] = []
    for key, indexes in seen.items():
        if len(indexes) <= DBT_LIMIT:
            continue
        first = [recs[i] for i in indexes[:DBT_LIMIT]]
        places = ", ".join(f"{_quote(r.name)} ({r.place})" for r in first[:2])
        for n, i in enumerate(indexes[DBT_LIMIT:], start=DBT_LIMIT + 1):
            record = recs[i]
            out.append((i, Finding.at(record.file, record.span, diagnostic(
                "SL702", record.pointer,
                f"the {_ordinal(n)} dbt Cloud mapping of model {key!r} ({len(indexes)} in "
                f"all): Segment allows {DBT_LIMIT}, the first being {places} and "
                f"{DBT_LIMIT - 2} more",
                "Segment refuses a sixth dbt Cloud mapping on one model: give this one "
                "another strategy, or trigger it from another model"))))
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
