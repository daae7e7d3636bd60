"""``schedulelib spread``: new start minutes for the schedules SL701 groups, so that no two
schedules of one source start in the same minute, and the edits that write them.

Only the minute changes: a cron keeps its minute pattern moved by a constant, within the hour
(``0 */3 * * *`` to ``7 */3 * * *``, ``*/20`` to ``5-59/20``); a specific_days schedule runs
at the top of the hour only, so it is proposed as the equivalent cron with the new minute.
Which schedules move and by how much is :func:`schedulelib.core.collide.plan_spread` (greedy in
file order: the first stays, each later one moves only if it meets one placed before it, by
the fewest minutes); every proposal is checked by expansion to give the old runs moved by its
shift, and a shift that would not (a zone whose change falls inside the hour) is not used.

The edits are those of ``--fix``: the span of the value only, each checked to read back as
the value it replaces and, once made, the file scanned again and each moved schedule read back
as the schedule proposed; otherwise the file is left as it is (``refused``).  Nothing here
prints or writes; the command writes with :func:`schedulelib.lint.fix.write_fixed`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from schedulelib.core.collide import Starts
from schedulelib.lint import together
from schedulelib.lint.fix import Edit, FileFix
from schedulelib.lint.sources import Found, Kind, Scan, Span

__all__ = ["Change", "GroupResult", "Spread", "minute_field", "shifted_spec", "spread"]


@dataclass(frozen=True, slots=True)
class Change:
    """One schedule moved: where, what it was and becomes, by how many minutes."""

    file: str
    line: int
    column: int
    name: str
    old: str
    new: str
    shift: int
    #: A specific_days schedule proposed as the equivalent cron.
    to_cron: bool = False
    #: Why the file cannot be edited here ("" when it can): the value is not written
    #: literally where it is read (a Terraform variable, a config written as a JSON string).
    unwritable: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "name": self.name, "old": self.old, "new": self.new, "shift": self.shift,
                "toCron": self.to_cron, "written": not self.unwritable,
                "unwritable": self.unwritable or None}


@dataclass(frozen=True, slots=True)
class GroupResult:
    """One source (or model): how many schedules, how many move, what is left."""

    kind: str
    key: str
    schedules: int
    moved: int
    #: Minutes of the year in which two or more still start after the moves (0: solved).
    shared_left: int
    #: Peak concurrency before and after (None without durations).
    peak_before: int | None = None
    peak_after: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "key": self.key, "schedules": self.schedules,
                "moved": self.moved, "solved": self.shared_left == 0,
                "sharedStartsLeft": self.shared_left, "peakBefore": self.peak_before,
                "peakAfter": self.peak_after}


@dataclass
class Spread:
    """Every proposal of a run, and each file's text before and after."""

    changes: list[Change] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)
    files: list[FileFix] = field(default_factory=list)
    #: Each edited file's edits (offsets into its scanned text), by file name: only files
    #: whose edits passed the read-back (those of ``files`` not refused).
    edits: dict[str, tuple[Edit, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"changes": [c.to_dict() for c in self.changes],
                "groups": [g.to_dict() for g in self.groups],
                "refused": {f.file: f.refused for f in self.files if f.refused}}


# -- the minute field -----------------------------------------------------------------------------


def minute_field(minutes: Sequence[int]) -> str:
    """A minute field for exactly these minutes: one number, a stepped range for three or more
    evenly spaced (``5-59/20``), else a list."""
    values = sorted(set(minutes))
    if len(values) == 1:
        return str(values[0])
    step = values[1] - values[0]
    if len(values) >= 3 and all(b - a == step for a, b in pairwise(values)):
        end = 59 if values[-1] + step > 59 else values[-1]
        return f"{values[0]}-{end}/{step}"
    return ",".join(map(str, values))


_FIRST_FIELD = re.compile(r"^(\s*)(\S+)")


def shifted_spec(spec: str, minutes: int, shift: int) -> str:
    """``spec`` with its minute field (whose minutes are the 60-bit set ``minutes``) moved by
    ``shift`` minutes; the other fields as written."""
    moved = [m + shift for m in range(60) if minutes >> m & 1]
    return _FIRST_FIELD.sub(lambda m: m.group(1) + minute_field(moved), spec, count=1)


# -- proposing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    member: together.Member
    shift: int
    spec: str  # the new cron spec
    timezone: str


def spread(scans: Sequence[Scan], *, as_of: datetime | None = None, dst: str = "go",
           durations: Mapping[str, int] | None = None) -> Spread:
    """The moves that part the schedules of each source, and the files with them made.

    ``durations``: minutes each subscription's runs last (by subscription id, from a
    snapshot's p95), to keep one source's runs from overlapping where the hour has room.
    """
    from schedulelib.core.collide import WINDOW, clashes, peak, plan_spread
    from schedulelib.core.schedule import dst_policy

    policy = dst_policy(dst)
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)  # a date given alone is a UTC date
    start = as_of if as_of is not None else datetime.now(UTC)
    end = start + WINDOW
    owners: list[tuple[Scan, Found]] = []
    records: list[together.Record] = []
    for scan in scans:
        for found in scan.schedules:
            owners.append((scan, found))
        records.extend(together.records(scan))
    result = Spread()
    plans: list[_Plan] = []
    # Starts are taken an hour beyond each end of the window: a start set moved by up to 59
    # minutes is then exact all through the window, where every count is made (``inside``).
    margin = timedelta(hours=1)
    for g in together.group(records, together.models_of(scans), as_of=as_of):
        starts = [_starts(m, start - margin, end + margin, policy) for m in g.members]
        bits = [s.bits if s is not None else 0 for s in starts]
        origin = next((s.origin for s in starts if s is not None), 0)
        low = math.floor((start.timestamp() - origin) / 60) + 1
        top = math.floor((end.timestamp() - origin) / 60)
        inside = ((1 << (top + 1)) - 1) & ~((1 << low) - 1)
        # The folds onto the week spare the whole comparison of pairs that never meet (a
        # fold of the wider starts holds the fold of the starts inside the window).
        weeks = [s.week if s is not None else 0 for s in starts]
        if not clashes([b & inside for b in bits], origin, weeks):
            continue
        spans = None
        if durations is not None:
            spans = [durations.get(m.record.subject.id or "", 0)
                     if m.record.subject is not None else 0 for m in g.members]
        options = [_shifts(m) for m in g.members]
        moves = plan_spread(bits, options, spans, inside)
        # A shift is used only if the new schedule's runs are the old ones moved by it.
        for _ in range(8):
            bad = [mv for mv in moves if mv.shift and not _constant(
                g.members[mv.index], mv.shift, start, end, policy)]
            if not bad:
                break
            for mv in bad:
                options[mv.index] = [s for s in options[mv.index] if s != mv.shift]
            moves = plan_spread(bits, options, spans, inside)
        else:  # no shift proven after all these tries: nothing moves
            moves = [replace(mv, shift=0) for mv in moves]
        moved_bits = [b << mv.shift if mv.shift >= 0 else b >> -mv.shift
                      for b, mv in zip(bits, moves, strict=True)]
        seen = twice = 0  # the minutes in which two or more still start
        for b in moved_bits:
            twice |= seen & b
            seen |= b
        left = (twice & inside).bit_count()
        result.groups.append(GroupResult(
            g.kind, g.key, len(g.members), sum(1 for mv in moves if mv.shift), left,
            peak([b & inside for b in bits], spans) if spans is not None else None,
            peak([b & inside for b in moved_bits], spans) if spans is not None else None))
        for mv in moves:
            if mv.shift:
                m = g.members[mv.index]
                plans.append(_Plan(m, mv.shift, _new_spec(m, mv.shift), m.schedule.timezone))
    plans.sort(key=lambda p: p.member.index)
    _edit(result, plans, owners, scans)
    return result


def _starts(member: together.Member, start: datetime, end: datetime,
            policy: str) -> Starts | None:
    """The member's starts; None where the policy's engine refuses its expression."""
    from schedulelib.core.collide import starts_of
    from schedulelib.core.diagnostics import ScheduleError
    from schedulelib.core.schedule import dst_policy

    try:
        return starts_of(member.schedule, start, end, dst=dst_policy(policy))
    except ScheduleError:
        return None


def _shifts(member: together.Member) -> list[int]:
    from schedulelib.core.collide import shifts_within_hour

    return shifts_within_hour(_minutes(member))


def _minutes(member: together.Member) -> int:
    from schedulelib.core.schedule import Cron

    schedule = member.schedule
    return schedule.expr.minutes if isinstance(schedule, Cron) else 1


def _new_spec(member: together.Member, shift: int) -> str:
    from schedulelib.core.schedule import Cron

    schedule = member.schedule
    if isinstance(schedule, Cron):
        return shifted_spec(schedule.spec, schedule.expr.minutes, shift)
    return shifted_spec(schedule.to_cron().spec, 1, shift)


def _constant(member: together.Member, shift: int, start: datetime, end: datetime,
              policy: str) -> bool:
    """Whether the schedule moved by ``shift`` runs exactly at its old runs plus ``shift``
    minutes over the window (by expansion: the start bits of both)."""
    from schedulelib.core.collide import start_bits
    from schedulelib.core.cron import parse_cron
    from schedulelib.core.schedule import Cron, dst_policy

    schedule = member.schedule
    old = schedule if isinstance(schedule, Cron) else schedule.to_cron()
    new = parse_cron(_new_spec(member, shift))
    lo, hi = start.timestamp(), end.timestamp()
    p = dst_policy(policy)
    return start_bits(new, old.timezone, lo, hi, p) == start_bits(
        old.expr, old.timezone, lo - 60 * shift, hi - 60 * shift, p)


# -- writing -------------------------------------------------------------------------------------


def _edit(result: Spread, plans: list[_Plan], owners: list[tuple[Scan, Found]],
          scans: Sequence[Scan]) -> None:
    from schedulelib.core.schedule import Cron

    by_file: dict[int, list[tuple[_Plan, list[Edit], str]]] = {}
    for plan in plans:
        scan, found = owners[plan.member.index]
        record = plan.member.record
        schedule = plan.member.schedule
        old = schedule.spec if isinstance(schedule, Cron) else _describe(schedule)
        edits, why = _edits(scan, found, plan)
        result.changes.append(Change(record.file, record.span.line, record.span.column,
                                     record.name, old, plan.spec, plan.shift,
                                     not isinstance(schedule, Cron), why))
        if not why:
            by_file.setdefault(id(scan), []).append((plan, edits, ""))
    for scan in scans:
        planned = by_file.get(id(scan))
        if not planned or scan.text is None:
            continue
        done = _apply_checked(scan, planned)
        result.files.append(done)
        if done.changed:
            result.edits[scan.file] = tuple(sorted(
                (e for _p, es, _w in planned for e in es), key=lambda e: (e.start, e.end)))


def _describe(schedule: object) -> str:
    days = getattr(schedule, "days", ())
    hours = getattr(schedule, "hours", ())
    return f"specific_days days {list(days)} hours {list(hours)}"


def _edits(scan: Scan, found: Found, plan: _Plan) -> tuple[list[Edit], str]:
    """The edits that write ``plan`` in ``scan``'s text, or why there are none."""
    from schedulelib.core.schedule import Cron
    from schedulelib.lint.fix import _decode, _encode

    text, kind = scan.text, scan.kind
    if text is None or kind is None:
        return [], "the file's text is not at hand"
    if found.via is not None and any(found.via(w) for w in ("/strategy", "/config",
                                                              "/config/spec")):
        return [], "the schedule is reached through a variable or a plan; edit it where it " \
            "is written"

    def literal(where: str, value: object) -> tuple[int, int] | None:
        span = found.span(where)
        if span.file is not None or span.end <= span.start:
            return None
        if _decode(kind, text[span.start: span.end]) == value:
            return span.start, span.end
        return None

    doc = found.doc
    assert isinstance(doc, dict)
    if isinstance(plan.member.schedule, Cron):
        config = doc.get("config")
        old = config.get("spec") if isinstance(config, dict) else None
        place = literal("/config/spec", old)
        if place is None and isinstance(config, dict):
            # Terraform's config written as a JSON string: the string, with the new spec.
            whole = _json_string(text, found.span("/config"), config) \
                if kind == "terraform" else None
            if whole is None:
                return [], "the spec is not written literally where it is read"
            written = _encode(kind, text[whole[0]: whole[1]],
                              json.dumps({**config, "spec": plan.spec}))
            if written is None:
                return [], "the config cannot be written in this file's syntax"
            return [Edit(whole[0], whole[1], written)], ""
        if place is None:
            return [], "the spec is not written literally where it is read"
        new = _encode(kind, text[place[0]: place[1]], plan.spec)
        if new is None:
            return [], "the spec cannot be written in this file's syntax"
        return [Edit(place[0], place[1], new)], ""
    # specific_days -> cron: the strategy and the whole config.
    strategy = doc.get("strategy")
    place = literal("/strategy", strategy)
    if place is None or not isinstance(strategy, str):
        return [], "the strategy is not written literally where it is read"
    word = "CRON" if strategy.isupper() else "cron"
    written = _encode(kind, text[place[0]: place[1]], word)
    span = found.span("/config")
    config_text = text[span.start: span.end] if span.file is None else ""
    body = _config_text(kind, config_text, plan.spec, plan.timezone)
    if written is None or body is None or (span.start < place[1] and span.end > place[0]):
        return [], "the config is not written as an object or jsonencode() here"
    return [Edit(place[0], place[1], written), Edit(span.start, span.end, body)], ""


def _json_string(text: str, span: Span, config: dict[str, object]) -> tuple[int, int] | None:
    """The offsets of a Terraform string literal that holds ``config`` as JSON text."""
    from schedulelib.lint.fix import _decode

    start, end = span.start, span.end
    if span.file is not None or not text.startswith('"', start):
        return None
    value = _decode("terraform", text[start:end])
    if not isinstance(value, str):
        return None
    try:
        return (start, end) if json.loads(value) == config else None
    except ValueError:
        return None


def _config_text(kind: Kind, old: str, spec: str, timezone: str) -> str | None:
    """A cron config in the syntax of the config it replaces (None: not one this writes)."""
    if kind == "json" and old.startswith("{"):
        return json.dumps({"spec": spec, "timezone": timezone})
    if kind == "yaml" and old and old[0] not in "&*!|>\"'":
        return f"{{spec: {json.dumps(spec)}, timezone: {json.dumps(timezone)}}}"
    if kind == "terraform":
        if old.startswith("jsonencode("):
            return f"jsonencode({{ spec = {json.dumps(spec)}, timezone = " \
                f"{json.dumps(timezone)} }})"
        if old.startswith('"'):
            from schedulelib.lint.fix import _encode

            return _encode(kind, old, json.dumps({"spec": spec, "timezone": timezone}))
    return None


def _apply_checked(scan: Scan, planned: list[tuple[_Plan, list[Edit], str]]) -> FileFix:
    """The file with every planned edit made, if each moved schedule reads back as proposed
    and nothing else changed; else unchanged, with the reason."""
    from schedulelib.core.schedule import load
    from schedulelib.lint.fix import _apply
    from schedulelib.lint.sources import scan as scan_text

    text = scan.text
    assert text is not None
    edits = sorted((e for _p, es, _w in planned for e in es), key=lambda e: (e.start, e.end))
    unchanged = FileFix(scan.file, scan.kind, text, text, (), (), len(scan.schedules))
    if any(b.start < a.end for a, b in pairwise(edits)):
        return _refused(unchanged, "two proposals overlap in the text")
    after = _apply(text, edits)
    rescan = scan_text(after, name=scan.file, kind=scan.kind)
    if len(rescan.schedules) != len(scan.schedules):
        return _refused(unchanged, "the edited file does not hold the same schedules")
    want = {p.member.record.pointer: {"strategy": "cron", "config": {
        "spec": p.spec, "timezone": p.timezone}} for p, _e, _w in planned}
    for old, new in zip(scan.schedules, rescan.schedules, strict=True):
        where = old.file_pointer("")
        try:
            if where in want:
                if load(new.doc) != load(want[where]):
                    return _refused(unchanged, f"{where} does not read back as proposed")
            elif new.doc != old.doc:
                return _refused(unchanged, f"{where} changed though it was not moved")
        except ValueError:
            return _refused(unchanged, f"{where} does not read back as a schedule")
    return FileFix(scan.file, scan.kind, text, after, (), (), len(scan.schedules))


def _refused(unchanged: FileFix, why: str) -> FileFix:
    return FileFix(unchanged.file, unchanged.kind, unchanged.before, unchanged.after, (), (),
                   unchanged.schedules, why)
