"""Drift: each subscription's schedule in the files against the same subscription in a snapshot.

The files' side arrives as plain :class:`FileRecord` values (the command line builds them from
the readers' ``Found.subject``): this wing reads no repository file itself.  Matching, in this
order (docs/decisions.md, D70):

1. by subscription id, wherever the files carry it;
2. otherwise by name, with the destination and the model where the files give them, and only
   when exactly one subscription fits and no other schedule in the files wants it.  Anything
   else is ``ambiguous``: two subscriptions are never paired on a guess.

Each pair gets one verdict (:data:`VERDICTS`); "same" needs a static schedule in the files
that loads, so a schedule Terraform only knows at apply time is ``unknown``, never ``same``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from schedulelib.core.diagnostics import ScheduleError, quote, shorten
from schedulelib.core.schedule import DstPolicy, Periodic, Schedule, load
from schedulelib.workspace.snapshot import Snapshot, Subscription

Verdict = Literal["same", "equivalent", "changed", "enabled-differs", "only-in-files",
                  "only-in-workspace", "ambiguous", "unknown"]
#: Every verdict, in the order of the summary line.
VERDICTS: tuple[Verdict, ...] = ("same", "equivalent", "changed", "enabled-differs",
                                 "only-in-files", "only-in-workspace", "ambiguous", "unknown")
#: The rule code of each verdict (``same`` is not a finding).
CODES: dict[Verdict, str] = {
    "changed": "SL801", "only-in-files": "SL802", "only-in-workspace": "SL803",
    "enabled-differs": "SL804", "equivalent": "SL805", "unknown": "SL806", "ambiguous": "SL807",
}


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One schedule found in the files, with what the files say it belongs to.

    ``model`` is the model's id (a Terraform reference the run could not resolve to an id is
    None: it cannot be compared with a workspace id).  ``static`` is False when Terraform
    knows the schedule only when it runs.
    """

    id: str | None
    name: str | None
    destination: str | None
    model: str | None
    enabled: bool | None
    doc: object
    static: bool = True
    label: str = ""


@dataclass(frozen=True, slots=True)
class Pairing:
    """One verdict: the file record (an index into the records given) and/or the subscription.

    ``by`` says how the two were matched ("id" or "name"); ``first`` is the first run one
    schedule makes and the other does not, from ``as_of`` (``changed`` only).
    """

    verdict: Verdict
    record: int | None
    subscription: Subscription | None
    by: Literal["id", "name"] | None
    message: str
    first: datetime | None = None


def compare(records: Iterable[FileRecord], snapshot: Snapshot, *, as_of: datetime,
            dst: DstPolicy = "go") -> list[Pairing]:
    """Match every record with the snapshot and judge each pair; then the subscriptions no
    record matched (``only-in-workspace``), in snapshot order.  Linear in both sides, but for
    the runs compared when a schedule changed."""
    items = list(records)
    subs = list(snapshot.subscriptions())
    by_id: dict[str, Subscription] = {}
    for sub in subs:
        by_id.setdefault(sub.id, sub)
    id_claims = Counter(r.id for r in items if r.id is not None)
    out: list[Pairing | None] = [None] * len(items)
    claimed: set[str] = set()
    for n, record in enumerate(items):
        if record.id is None:
            continue
        if id_claims[record.id] > 1:
            out[n] = Pairing("ambiguous", n, by_id.get(record.id), None,
                             f"{id_claims[record.id]} schedules in the files claim subscription "
                             f"{quote(record.id)}")
            claimed.add(record.id)
        elif record.id in by_id:
            claimed.add(record.id)
            out[n] = _judge(n, record, by_id[record.id], "id", as_of, dst)
        else:
            out[n] = Pairing("only-in-files", n, None, None,
                             f"subscription {quote(record.id)} is not in the workspace snapshot")
    # By name: the subscriptions no id claimed, keyed by name.
    by_name: dict[str, list[Subscription]] = defaultdict(list)
    for sub in subs:
        if sub.id not in claimed and sub.name:
            by_name[sub.name].append(sub)
    wanted: dict[int, list[Subscription]] = {}
    wants: Counter[str] = Counter()
    for n, record in enumerate(items):
        if out[n] is not None:
            continue
        if not record.name:
            out[n] = Pairing("only-in-files", n, None, None, "the files give this schedule "
                             "neither a subscription id nor a name to match it by")
            continue
        fits = [s for s in by_name.get(record.name, ())
                if (record.destination is None or s.destination_id == record.destination)
                and (record.model is None or s.model_id == record.model)]
        wanted[n] = fits
        for sub in fits:
            wants[sub.id] += 1
    for n, fits in wanted.items():
        record = items[n]
        named = quote(record.name or "") + _where(record)
        if not fits:
            out[n] = Pairing("only-in-files", n, None, None,
                             f"no subscription named {named} in the workspace snapshot")
        elif len(fits) > 1:
            ids = ", ".join(quote(s.id) for s in fits[:5])
            out[n] = Pairing("ambiguous", n, None, None,
                             f"{len(fits)} subscriptions named {named} fit ({ids}): give the id")
        elif wants[fits[0].id] > 1:
            out[n] = Pairing("ambiguous", n, None, None,
                             f"{wants[fits[0].id]} schedules in the files fit subscription "
                             f"{quote(fits[0].id)} by name ({named}): give the ids")
        else:
            out[n] = _judge(n, record, fits[0], "name", as_of, dst)
    matched = {p.subscription.id for p in out if p is not None and p.subscription is not None}
    result = [p for p in out if p is not None]
    result.extend(Pairing("only-in-workspace", None, sub, None,
                          f"subscription {quote(sub.id)} ({_name(sub)}) is in the workspace "
                          "but in none of the files")
                  for sub in subs if sub.id not in matched and sub.id not in claimed)
    return result


def _name(sub: Subscription) -> str:
    return quote(sub.name) if sub.name else "unnamed"


def _where(record: FileRecord) -> str:
    parts = [f"destination {quote(record.destination)}" if record.destination else "",
             f"model {quote(record.model)}" if record.model else ""]
    text = " and ".join(p for p in parts if p)
    return f" for {text}" if text else ""


def _load(doc: object) -> tuple[Schedule | None, str]:
    """The schedule, or why not; one reading per distinct document (a workspace repeats a
    few schedules many times, and reading a cron includes its DST look-ahead)."""
    try:
        key = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return _load_now(doc)
    return _load_text(key) if len(key) <= 2000 else _load_now(doc)


@lru_cache(maxsize=4096)
def _load_text(key: str) -> tuple[Schedule | None, str]:
    return _load_now(json.loads(key))


def _load_now(doc: object) -> tuple[Schedule | None, str]:
    try:
        return load(doc), ""
    except ScheduleError as exc:
        return None, shorten(str(exc).splitlines()[0]) if str(exc) else "not a valid schedule"
    except RecursionError:
        return None, "it is nested too deeply to read"


def _judge(n: int, record: FileRecord, sub: Subscription, by: Literal["id", "name"],
           as_of: datetime, dst: DstPolicy) -> Pairing:
    name = quote(record.name or "")
    how = "" if by == "id" else f" (matched by name {name}, no id in the files)"
    if not record.static:
        return Pairing("unknown", n, sub, by, "the schedule in the files is known only when "
                       f"Terraform runs (SL903), so it cannot be compared{how}")
    if sub.schedule is None:
        return Pairing("unknown", n, sub, by, f"subscription {quote(sub.id)} has no schedule "
                       f"in the snapshot{how}")
    mine, why = _load(record.doc)
    if mine is None:
        return Pairing("unknown", n, sub, by, f"the schedule in the files cannot be read: "
                       f"{why}{how}")
    theirs, why = _load(sub.schedule)
    if theirs is None:
        return Pairing("unknown", n, sub, by, f"the workspace's schedule of {quote(sub.id)} cannot "
                       f"be read: {why}{how}")
    from schedulelib.core.same import first_difference, same_runs

    enabled = ""
    if record.enabled is not None and record.enabled != sub.enabled:
        enabled = (f"; the files say enabled = {str(record.enabled).lower()}, the workspace "
                   f"{str(sub.enabled).lower()}")
    if mine.to_dict() == theirs.to_dict():
        if enabled:
            return Pairing("enabled-differs", n, sub, by, f"subscription {quote(sub.id)}: the "
                           f"schedule is the same{enabled}{how}")
        return Pairing("same", n, sub, by, f"subscription {quote(sub.id)} is the same{how}")
    if same_runs(mine, theirs, dst=dst):
        verdict: Verdict = "enabled-differs" if enabled else "equivalent"
        return Pairing(verdict, n, sub, by, f"subscription {quote(sub.id)} is written differently "
                       f"and runs at the same times: files: {describe(mine)}; workspace: "
                       f"{describe(theirs)}{enabled}{how}")
    try:
        first = first_difference(mine, theirs, as_of, dst=dst)
        if first is None:
            when = f"; they run alike from {as_of:%Y-%m-%d} on"
        else:
            side = "files" if _runs_at(mine, first, as_of, dst) else "workspace"
            when = f"; first differing run {first.isoformat()} (only in the {side})"
    except ScheduleError:
        first, when = None, "; no differing run found in the runs compared"
    return Pairing("changed", n, sub, by, f"subscription {quote(sub.id)} changed: files: "
                   f"{describe(mine)}; workspace: {describe(theirs)}{when}{enabled}{how}",
                   first)


@lru_cache(maxsize=1024)
def describe(schedule: Schedule) -> str:
    """The plain-English description, as a clause (no closing full stop)."""
    from schedulelib.core.explain import describe as explained

    return explained(schedule).rstrip(".")


def _runs_at(schedule: Schedule, instant: datetime, as_of: datetime, dst: DstPolicy) -> bool:
    """Whether ``schedule`` runs at ``instant`` (a periodic one anchored at ``as_of``)."""
    if isinstance(schedule, Periodic):
        step = schedule.interval.nanoseconds // 1000
        elapsed = (instant - as_of) // timedelta(microseconds=1)
        return step > 0 and elapsed > 0 and elapsed % step == 0
    just_before = instant - timedelta(microseconds=1)
    return any(r.timestamp() == instant.timestamp()
               for r in schedule.runs(just_before, instant, dst=dst))


def summary(pairings: Iterable[Pairing]) -> str:
    """``drift: 3 same, 1 changed, ...`` (every verdict, zeros included)."""
    counts = Counter(p.verdict for p in pairings)
    return "drift: " + ", ".join(f"{counts[v]} {v}" for v in VERDICTS)
