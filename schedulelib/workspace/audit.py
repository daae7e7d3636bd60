"""Sync history against the schedule: did each subscription run when it should have?

:func:`audit` lines up, for each subscription of a
:class:`~schedulelib.workspace.snapshot.Snapshot`, the runs its schedule names (the exact
engine, ``Schedule.runs(after, until, dst=...)``) with the ``startedAt``
of the syncs Segment recorded, over the snapshot's history window.

The matching (docs/audit.md has the same text with pictures):

1. ``E`` are the expected runs, sorted; ``O`` the observed starts, sorted.  Expected run ``e[i]``
   owns the observed starts in its *window* ``[e[i] - early, e[i+1] - early)``; the last
   window is open-ended.  ``early`` (default 1 minute) absorbs a scheduler that fires a little
   before the minute.
2. The first start in a window is *the* run for ``e[i]``: its delay is ``start - e[i]``.  It is
   **on time** when the delay is at most ``tolerance`` (default 5 minutes), **late** otherwise.
   Every other start in the window is **extra** (a manual sync, or one nobody can explain);
   so is a start before the first window.
3. An expected run with no start is **missed**, unless it is explained: **disabled** (the
   model, the subscription or the destination is disabled in the snapshot), **pending** (it
   was due less than ``tolerance`` before the snapshot was pulled), or **skipped: previous
   still running** (a sync that started earlier had not finished at ``e[i]``).  A late run
   whose previous sync was still running at ``e[i]`` is also counted as **delayed: previous
   still running**.
4. Expected runs in the day before the history window are computed too: a run due just
   before the window keeps the first start of its window when that start is on time for it
   (neither counted nor extra); any other start there is extra.

Both lists are sorted once (n log n) and walked once; everything else is linear.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from schedulelib.core.diagnostics import ScheduleError
from schedulelib.core.policy import POLICIES, dst_policy
from schedulelib.workspace.snapshot import (
    Snapshot,
    Subscription,
    Sync,
    nearest_rank,
    subscription_names,
)

__all__ = [
    "AuditReport",
    "DstCheck",
    "Match",
    "SourceAudit",
    "SubscriptionAudit",
    "Verdict",
    "audit",
    "audit_subscription",
    "match_runs",
    "source_audit",
]

Verdict = Literal["invalid", "missed", "failing", "overlap", "late", "extra", "disabled",
                  "manual", "no-history", "ok"]
#: Worst first: the order of the text report and of ``verdict``.
VERDICTS: tuple[Verdict, ...] = ("invalid", "missed", "failing", "overlap", "late", "extra",
                                 "disabled", "manual", "no-history", "ok")
DEFAULT_TOLERANCE = timedelta(minutes=5)
DEFAULT_EARLY = timedelta(minutes=1)
DEFAULT_MAX_FAILURE_RATE = 0.05
#: How far before the history window expected runs are computed (step 4 above).
LOOKBACK = timedelta(days=1)
#: The longest window audited (its most recent part): keeps the work per subscription bounded
#: whatever a snapshot's ``history`` claims (a */15 schedule has ~8,800 runs in 92 days).
MAX_WINDOW = timedelta(days=92)
#: Either side of a UTC-offset change, the span where the DST policies are compared.
DST_SPAN = timedelta(days=1)


# -- the matching, on plain numbers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """The result of :func:`match_runs`: indexes into the two sorted inputs.

    ``pairs[i]`` is the index of the observed start matched to expected run ``i``, or -1.
    ``extra`` are the indexes of observed starts matched to no expected run.
    """

    pairs: tuple[int, ...]
    extra: tuple[int, ...]


def match_runs(expected: Sequence[float], observed: Sequence[float], *, early: float) -> Match:
    """Match sorted expected instants to sorted observed starts (seconds), as in step 1-2.

    One pass over both lists: O(len(expected) + len(observed)).
    """
    pairs = [-1] * len(expected)
    extra: list[int] = []
    n = len(expected)
    i = -1  # the window the current observed start falls in (-1: before the first)
    for j, o in enumerate(observed):
        while i + 1 < n and expected[i + 1] - early <= o:
            i += 1
        if i >= 0 and pairs[i] < 0:
            pairs[i] = j
        else:
            extra.append(j)
    return Match(tuple(pairs), tuple(extra))


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DstCheck:
    """Which DST policy the observed history matches at one UTC-offset change.

    ``differing`` are the instants (UTC) where the policies disagree about a run; ``observed``
    those of them where a sync started (within the matching tolerance).  ``matches`` are the
    policies that predict exactly ``observed``.  ``verdict`` is ``"indistinguishable"`` when
    the policies agree on every run near the change, ``"no data"`` when no sync started near
    it, otherwise the matching policies joined by ``", "``, or ``"none"``.
    """

    transition: datetime
    zone: str
    offset_before: timedelta
    offset_after: timedelta
    differing: tuple[datetime, ...]
    observed: tuple[datetime, ...]
    matches: tuple[str, ...]
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {"transition": _iso(self.transition), "zone": self.zone,
                "offsetBefore": _seconds(self.offset_before),
                "offsetAfter": _seconds(self.offset_after),
                "differing": [_iso(t) for t in self.differing],
                "observed": [_iso(t) for t in self.observed],
                "matches": list(self.matches), "verdict": self.verdict}


@dataclass(frozen=True, slots=True)
class SubscriptionAudit:
    """One subscription over the history window.  Times are aware UTC datetimes."""

    name: str  # the report name (snapshot.subscription_names)
    id: str
    destination: str
    model: str
    schedule: str  # one line: strategy and config, or why it could not be read
    verdict: Verdict
    verdicts: tuple[Verdict, ...]  # every verdict that applies, worst first
    disabled_by: tuple[str, ...]  # "model", "subscription", "destination"
    expected: int
    on_time: int
    late: int
    missed: int
    skipped_overlap: int
    delayed_overlap: int
    disabled: int
    pending: int
    extra: int
    delay_p50: timedelta | None
    delay_p95: timedelta | None
    delay_max: timedelta | None
    syncs: int
    failures: int
    partials: int
    in_progress: int
    failure_rate: float
    partial_rate: float
    last_error_code: str | None
    missed_at: tuple[datetime, ...] = ()
    skipped_at: tuple[datetime, ...] = ()
    late_at: tuple[tuple[datetime, timedelta], ...] = ()
    extra_at: tuple[tuple[datetime, str], ...] = ()  # (startedAt, syncId)
    dst: tuple[DstCheck, ...] = ()
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "id": self.id, "destination": self.destination,
            "model": self.model, "schedule": self.schedule, "verdict": self.verdict,
            "verdicts": list(self.verdicts), "disabledBy": list(self.disabled_by),
            "expected": self.expected, "onTime": self.on_time, "late": self.late,
            "missed": self.missed, "skippedPreviousRunning": self.skipped_overlap,
            "delayedPreviousRunning": self.delayed_overlap, "disabled": self.disabled,
            "pending": self.pending, "extra": self.extra,
            "startDelaySeconds": {"p50": _seconds(self.delay_p50),
                                  "p95": _seconds(self.delay_p95),
                                  "max": _seconds(self.delay_max)},
            "syncs": self.syncs, "failures": self.failures, "partialSuccesses": self.partials,
            "inProgress": self.in_progress, "failureRate": round(self.failure_rate, 6),
            "partialRate": round(self.partial_rate, 6), "lastErrorCode": self.last_error_code,
            "missedAt": [_iso(t) for t in self.missed_at],
            "skippedAt": [_iso(t) for t in self.skipped_at],
            "lateAt": [{"expected": _iso(t), "delaySeconds": _seconds(d)}
                       for t, d in self.late_at],
            "extraAt": [{"startedAt": _iso(t), "syncId": s} for t, s in self.extra_at],
            "dst": [c.to_dict() for c in self.dst],
            "problems": list(self.problems),
        }


@dataclass(frozen=True, slots=True)
class SourceAudit:
    """Did syncs of one source (warehouse) that ran together fare worse?  (SL701's evidence.)

    Over the history window, for the syncs of every subscription whose model reads
    ``source``: ``same_minute`` started in the same UTC minute as another sync of the source,
    ``overlapping`` ran while another was running (a sync still in progress runs until the
    snapshot was pulled; one with no end known is an instant).  ``together`` are the syncs
    that did either; the rates are failures (``FAIL``) and partial successes
    (``PARTIAL_SUCCESS``) among the finished ones of each part, None where a part has none.
    """

    source: str
    subscriptions: int
    syncs: int
    same_minute: int
    overlapping: int
    together: int
    together_failure_rate: float | None
    together_partial_rate: float | None
    rest_failure_rate: float | None
    rest_partial_rate: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "subscriptions": self.subscriptions,
                "syncs": self.syncs, "sameMinute": self.same_minute,
                "overlapping": self.overlapping, "together": self.together,
                "togetherFailureRate": self.together_failure_rate,
                "togetherPartialRate": self.together_partial_rate,
                "restFailureRate": self.rest_failure_rate,
                "restPartialRate": self.rest_partial_rate}


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Every subscription of a snapshot, worst first; each source's syncs run together."""

    since: datetime | None
    until: datetime
    dst: str
    tolerance: timedelta
    early: timedelta
    max_failure_rate: float
    subscriptions: tuple[SubscriptionAudit, ...] = field(default=())
    sources: tuple[SourceAudit, ...] = field(default=())

    @property
    def failed(self) -> bool:
        """True when any subscription missed a run or fails more often than allowed."""
        return any(s.missed or s.failure_rate > self.max_failure_rate
                   for s in self.subscriptions)

    def to_dict(self) -> dict[str, Any]:
        return {"since": None if self.since is None else _iso(self.since),
                "until": _iso(self.until), "dst": self.dst,
                "toleranceSeconds": _seconds(self.tolerance),
                "earlySeconds": _seconds(self.early),
                "maxFailureRate": self.max_failure_rate, "failed": self.failed,
                "subscriptions": [s.to_dict() for s in self.subscriptions],
                "sources": [s.to_dict() for s in self.sources]}


# -- the audit ----------------------------------------------------------------------------------


def audit(snapshot: Snapshot, *, dst: str = "go", tolerance: timedelta = DEFAULT_TOLERANCE,
          early: timedelta = DEFAULT_EARLY,
          max_failure_rate: float = DEFAULT_MAX_FAILURE_RATE) -> AuditReport:
    """Audit every subscription of ``snapshot`` under DST policy ``dst`` (docs/decisions.md D5).

    Raises :class:`~schedulelib.core.diagnostics.ScheduleError` for a bad argument; a
    subscription whose schedule cannot be read is reported (verdict ``invalid``), never raised.
    """
    policy = dst_policy(dst)
    _check_span(tolerance, "tolerance")
    _check_span(early, "early")
    if isinstance(max_failure_rate, bool) or not isinstance(max_failure_rate, int | float) \
            or not 0.0 <= max_failure_rate <= 1.0:
        raise ScheduleError(f"max_failure_rate must be between 0 and 1, got "
                            f"{max_failure_rate!r}")
    models = {m.id: m for m in snapshot.models}
    history = snapshot.history
    if history is not None and history[1] - history[0] > MAX_WINDOW:
        history = (history[1] - MAX_WINDOW, history[1])
    results = []
    # The destination a subscription is listed under is its destination (dict lookups only:
    # the work stays linear however many destinations a snapshot holds).
    parents = [d for d in snapshot.destinations for _ in d.subscriptions]
    for name, sub, dest in zip(subscription_names(snapshot), snapshot.subscriptions(), parents,
                               strict=True):
        model = models.get(sub.model_id)
        disabled_by = tuple(what for what, on in (
            ("model", model.enabled if model is not None else True),
            ("subscription", sub.enabled),
            ("destination", dest.enabled)) if not on)
        results.append(audit_subscription(
            sub, history, name=name, destination=dest.name,
            model=model.name if model is not None else sub.model_id, disabled_by=disabled_by,
            dst=policy, tolerance=tolerance, early=early, max_failure_rate=max_failure_rate))
    results.sort(key=_badness)
    since = history[0] if history else None
    until = history[1] if history else snapshot.pulled_at
    return AuditReport(since, until, policy, tolerance, early, float(max_failure_rate),
                       tuple(results), source_audit(snapshot, history))


def source_audit(snapshot: Snapshot, history: tuple[datetime, datetime] | None = None,
                 ) -> tuple[SourceAudit, ...]:
    """:class:`SourceAudit` of each source with syncs (a model whose source the snapshot does
    not give stands for it: ``model <id>``), in order of the source's first model; syncs
    started in ``history`` only, when given.  Sorting once per source, then linear."""
    models = {m.id: m for m in snapshot.models}
    lo = history[0].timestamp() if history else -math.inf
    hi = history[1].timestamp() if history else math.inf
    pulled = snapshot.pulled_at.timestamp()
    groups: dict[str, tuple[set[str], list[Sync]]] = {}
    for sub in snapshot.subscriptions():
        model = models.get(sub.model_id)
        key = model.source_id if model is not None and model.source_id else \
            f"model {sub.model_id}"
        subs, syncs = groups.setdefault(key, (set(), []))
        subs.add(sub.id)
        syncs.extend(s for s in sub.syncs if lo <= s.started < hi)
    return tuple(_source(key, len(subs), syncs, pulled)
                 for key, (subs, syncs) in groups.items() if syncs)


def _source(key: str, subscriptions: int, syncs: list[Sync], pulled: float) -> SourceAudit:
    n = len(syncs)
    order = sorted(range(n), key=lambda i: syncs[i].started)
    minute = [math.floor(syncs[i].started / 60) for i in order]
    same = [False] * n
    for k in range(1, n):
        if minute[k] == minute[k - 1]:
            same[order[k]] = same[order[k - 1]] = True
    # Two syncs overlap when one starts while the other runs (in [start, end)).  One sweep
    # in start order, the longer first on a tie: a sync that starts before the latest end
    # seen so far overlaps the sync holding that end (both are marked).
    ends = [_end(s, pulled) for s in syncs]
    overlap = [False] * n
    far, holder = -math.inf, -1
    for i in sorted(range(n), key=lambda i: (syncs[i].started, -ends[i])):
        if syncs[i].started < far:
            overlap[i] = overlap[holder] = True
        if ends[i] > far:
            far, holder = ends[i], i
    together = [a or b for a, b in zip(same, overlap, strict=True)]
    with_ = [s for s, t in zip(syncs, together, strict=True) if t]
    rest = [s for s, t in zip(syncs, together, strict=True) if not t]
    tf, tp = _rates(with_)
    rf, rp = _rates(rest)
    return SourceAudit(key, subscriptions, n, sum(same), sum(overlap), len(with_), tf, tp,
                       rf, rp)


def _rates(syncs: list[Sync]) -> tuple[float | None, float | None]:
    done = [s for s in syncs if s.status != "IN_PROGRESS"]
    if not done:
        return None, None
    return (sum(1 for s in done if s.status == "FAIL") / len(done),
            sum(1 for s in done if s.status == "PARTIAL_SUCCESS") / len(done))


def _check_span(value: object, name: str) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0) or value > timedelta(days=7):
        raise ScheduleError(f"{name} must be a timedelta between 0 and 7 days, got {value!r}")


def _badness(s: SubscriptionAudit) -> tuple[int, int, float, int, int, float, str]:
    delay = s.delay_p95.total_seconds() if s.delay_p95 is not None else 0.0
    return (VERDICTS.index(s.verdict), -s.missed, -s.failure_rate,
            -(s.skipped_overlap + s.delayed_overlap), -s.late, -delay, s.name)


def audit_subscription(sub: Subscription, history: tuple[datetime, datetime] | None, *,
                       name: str = "", destination: str = "", model: str = "",
                       disabled_by: tuple[str, ...] = (), dst: str = "go",
                       tolerance: timedelta = DEFAULT_TOLERANCE, early: timedelta = DEFAULT_EARLY,
                       max_failure_rate: float = DEFAULT_MAX_FAILURE_RATE) -> SubscriptionAudit:
    """Audit one subscription over ``history`` (``(since, until)``; None: no history pulled).

    The window should be at most :data:`MAX_WINDOW` long (``audit`` clips it).
    """
    from schedulelib.core.explain import describe
    from schedulelib.core.schedule import Periodic, load

    policy = dst_policy(dst)
    syncs = sub.syncs
    if history is not None:
        lo, hi = history[0].timestamp(), history[1].timestamp()
        syncs = tuple(s for s in syncs if lo <= s.started <= hi)
    health = _health(syncs)
    base: dict[str, Any] = {
        "name": name or sub.name or sub.id, "id": sub.id, "destination": destination,
        "model": model, "disabled_by": disabled_by, "syncs": len(syncs), **health,
    }
    try:
        schedule = load(sub.schedule)
    except ScheduleError as exc:
        problems = tuple(f"{d.path or '/'}: {d.message}" for d in exc.diagnostics
                         if d.severity == "error") or (str(exc),)
        return _finish(base, "cannot be read", _empty_counts(), (), problems,
                       max_failure_rate)
    text = f"{schedule.strategy}: {describe(schedule)}"
    if history is None:
        return _finish(base, text, _empty_counts(), ("no-history",), (), max_failure_rate)
    if not schedule.time_driven:
        return _finish(base, text, _empty_counts(), ("manual",), (), max_failure_rate)
    since, until = history
    starts = [s.started for s in syncs]
    after = since - LOOKBACK
    if isinstance(schedule, Periodic):
        # docs/decisions.md D43: a periodic schedule is anchored at its first observed sync.
        interval = schedule.interval.to_timedelta()
        anchor = (syncs[0].started_at if syncs else since) - interval
        runs: Iterable[datetime] = schedule.runs(after, until, dst=policy, anchor=anchor)
    else:
        runs = schedule.runs(after, until, dst=policy)
    expected = [r.timestamp() for r in runs]
    counts = _classify(expected, starts, syncs, since.timestamp(), until.timestamp(),
                       tolerance.total_seconds(), early.total_seconds(), bool(disabled_by))
    checks: tuple[DstCheck, ...] = ()
    zone = getattr(schedule, "timezone", None)
    if isinstance(zone, str):
        checks = _dst_checks(schedule, zone, since, until, starts, tolerance.total_seconds(),
                             early.total_seconds())
    return _finish(base, text, counts, (), (), max_failure_rate, checks)


def _empty_counts() -> dict[str, Any]:
    return {"expected": 0, "on_time": 0, "late": 0, "missed": 0, "skipped_overlap": 0,
            "delayed_overlap": 0, "disabled": 0, "pending": 0, "extra": 0, "delay_p50": None,
            "delay_p95": None, "delay_max": None}


def _finish(base: dict[str, Any], text: str, counts: dict[str, Any],
            fixed: tuple[Verdict, ...], problems: tuple[str, ...], max_failure_rate: float,
            checks: tuple[DstCheck, ...] = ()) -> SubscriptionAudit:
    found: set[Verdict] = set(fixed)
    if problems:
        found.add("invalid")
    if counts["missed"]:
        found.add("missed")
    if base["failure_rate"] > max_failure_rate:
        found.add("failing")
    if counts["skipped_overlap"] or counts["delayed_overlap"]:
        found.add("overlap")
    if counts["late"]:
        found.add("late")
    if counts["extra"]:
        found.add("extra")
    if counts["disabled"] or (base["disabled_by"] and not counts["expected"]):
        found.add("disabled")
    if not found:
        found.add("ok")
    verdicts = tuple(v for v in VERDICTS if v in found)
    return SubscriptionAudit(schedule=text, verdict=verdicts[0], verdicts=verdicts,
                             problems=problems, dst=checks, **base, **counts)


def _health(syncs: Sequence[Sync]) -> dict[str, Any]:
    failures = partials = running = 0
    last_code: str | None = None
    last_at: float | None = None
    for s in syncs:
        if s.status == "FAIL":
            failures += 1
        elif s.status == "PARTIAL_SUCCESS":
            partials += 1
        elif s.status == "IN_PROGRESS":
            running += 1
            continue
        else:
            continue
        if s.error_code and (last_at is None or s.started >= last_at):
            last_code, last_at = s.error_code, s.started
    done = len(syncs) - running
    return {"failures": failures, "partials": partials, "in_progress": running,
            "failure_rate": failures / done if done else 0.0,
            "partial_rate": partials / done if done else 0.0, "last_error_code": last_code}


def _classify(expected: list[float], starts: list[float], syncs: Sequence[Sync], since: float,
              until: float, tolerance: float, early: float, disabled: bool) -> dict[str, Any]:
    match = match_runs(expected, starts, early=early)
    # Syncs still running are taken to run until the snapshot was pulled.
    ends = [s.finished if s.finished is not None else _end(s, until) for s in syncs]
    first = _first_after(expected, since)  # runs before it only absorb early starts (step 4)
    delays: list[float] = []
    missed_at: list[datetime] = []
    skipped_at: list[datetime] = []
    late_at: list[tuple[datetime, timedelta]] = []
    on_time = late = missed = skipped = delayed = disabled_n = pending = 0
    busy_until = -math.inf  # the latest end of the syncs that started before this run
    k = 0
    for i in range(first, len(expected)):
        e = expected[i]
        while k < len(starts) and starts[k] < e - early:
            busy_until = max(busy_until, ends[k])
            k += 1
        previous_running = busy_until > e
        j = match.pairs[i]
        if j >= 0:
            delay = starts[j] - e
            delays.append(delay)
            if delay <= tolerance:
                on_time += 1
            else:
                late += 1
                late_at.append((_utc(e), timedelta(seconds=delay)))
                delayed += previous_running
        elif disabled:
            disabled_n += 1
        elif e + tolerance > until:
            pending += 1
        elif previous_running:
            skipped += 1
            skipped_at.append(_utc(e))
        else:
            missed += 1
            missed_at.append(_utc(e))
    # A run due before the window keeps its start only when that start is on time for it;
    # otherwise the start is one the window's own schedule does not explain (step 4).
    extra = sorted([*match.extra, *(j for i, j in enumerate(match.pairs[:first])
                                    if j >= 0 and starts[j] - expected[i] > tolerance)])
    delays.sort()
    return {
        "expected": len(expected) - first, "on_time": on_time, "late": late, "missed": missed,
        "skipped_overlap": skipped, "delayed_overlap": delayed, "disabled": disabled_n,
        "pending": pending, "extra": len(extra),
        "delay_p50": _td(nearest_rank(delays, 0.5)) if delays else None,
        "delay_p95": _td(nearest_rank(delays, 0.95)) if delays else None,
        "delay_max": _td(delays[-1]) if delays else None,
        "missed_at": tuple(missed_at), "skipped_at": tuple(skipped_at),
        "late_at": tuple(late_at),
        "extra_at": tuple((syncs[j].started_at, syncs[j].sync_id) for j in extra),
    }


def _first_after(expected: list[float], since: float) -> int:
    from bisect import bisect_right

    return bisect_right(expected, since)


def _end(sync: Sync, until: float) -> float:
    if sync.finished is not None:
        return sync.finished
    if sync.status == "IN_PROGRESS":
        return until
    ended = sync.ended
    return ended if ended is not None else sync.started


# -- DST: which policy did Segment follow? ------------------------------------------------------


def _dst_checks(schedule: Any, zone_key: str, since: datetime, until: datetime,
                starts: list[float], tolerance: float, early: float) -> tuple[DstCheck, ...]:
    from bisect import bisect_left

    from schedulelib.core.tzcalc import get_zone

    zone = get_zone(zone_key)
    out = []
    for tr in zone.transitions(math.floor(since.timestamp()), math.ceil(until.timestamp())):
        at = datetime.fromtimestamp(tr.at, UTC)
        lo, hi = max(since, at - DST_SPAN), min(until, at + DST_SPAN)
        predicted = {p: {r.timestamp() for r in schedule.runs(lo, hi, dst=p)} for p in POLICIES}
        union = predicted["go"] | predicted["debian"] | predicted["croniter"]
        common = predicted["go"] & predicted["debian"] & predicted["croniter"]
        differing = sorted(union - common)

        def seen(x: float) -> bool:
            j = bisect_left(starts, x - early)
            return j < len(starts) and starts[j] <= x + tolerance

        matches: tuple[str, ...] = ()
        observed: list[float] = []
        if not differing:
            verdict = "indistinguishable"
        else:
            observed = [x for x in differing if seen(x)]
            around = bisect_left(starts, lo.timestamp()) < bisect_left(starts, hi.timestamp())
            matches = tuple(p for p in POLICIES
                            if all((x in predicted[p]) == seen(x) for x in differing))
            if not around:
                verdict, matches = "no data", ()
            else:
                verdict = ", ".join(matches) if matches else "none"
        out.append(DstCheck(at, zone_key, timedelta(seconds=tr.before),
                            timedelta(seconds=tr.after), tuple(_utc(x) for x in differing),
                            tuple(_utc(x) for x in observed), matches, verdict))
    return tuple(out)


# -- small helpers ------------------------------------------------------------------------------


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _td(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _seconds(td: timedelta | None) -> float | None:
    return None if td is None else td.total_seconds()


# -- text for people ----------------------------------------------------------------------------

_LIST = 5  # instants listed per line before "(+n more)"


def format_text(report: AuditReport) -> str:
    """The report for people: a heading, then one block per subscription, worst first."""
    span = ("no history (pulled without --history)" if report.since is None
            else f"{_short(report.since)} to {_short(report.until)}")
    n = len(report.subscriptions)
    lines = [f"audit of {n} subscription{'' if n == 1 else 's'}, {span}, DST policy "
             f"{report.dst}; on time = started within {_dur(report.tolerance)} of the "
             "scheduled time"]
    for src in report.sources:
        lines.append(_source_line(src))
    for s in report.subscriptions:
        lines.append("")
        lines.extend(_block(s, report))
    if not report.subscriptions:
        lines.append("(no Reverse ETL subscription with a schedule in the snapshot)")
    return "\n".join(lines) + "\n"


def _source_line(src: SourceAudit) -> str:
    """One line per source: how many of its syncs ran together, and how they fared."""
    where = src.source if src.source.startswith("model ") else f"source {src.source}"

    def rates(failure: float | None, partial: float | None) -> str:
        if failure is None or partial is None:
            return "none finished"
        return f"{failure:.1%} failed, {partial:.1%} partial"

    head = (f"{where}: {src.syncs} syncs of {src.subscriptions} subscription"
            f"{'' if src.subscriptions == 1 else 's'}; {src.same_minute} started in the same "
            f"minute as another, {src.overlapping} overlapped another")
    if not src.together:
        return head
    return (f"{head}; those: {rates(src.together_failure_rate, src.together_partial_rate)}, "
            f"the rest: {rates(src.rest_failure_rate, src.rest_partial_rate)}")


def _block(s: SubscriptionAudit, report: AuditReport) -> list[str]:
    where = ", ".join(x for x in (f"destination {s.destination}" if s.destination else "",
                                  f"model {s.model}" if s.model else "") if x)
    out = [f"{s.name}  [{s.verdict.upper()}]" + (f"  {where}" if where else "")]

    def row(label: str, text: str) -> None:
        out.append(f"  {label:<9} {text}")

    row("schedule", s.schedule)
    for problem in s.problems:
        row("problem", problem)
    if s.disabled_by:
        row("disabled", f"{' and '.join(s.disabled_by)} disabled in the snapshot: missing runs "
            "are explained, not missed")
    if s.expected:
        parts = [f"{s.on_time} on time"]
        for count, what in ((s.late, "late"), (s.missed, "missed"),
                            (s.skipped_overlap, "skipped (previous sync still running)"),
                            (s.disabled, "not run (disabled)"),
                            (s.pending, "not due yet when pulled")):
            if count:
                parts.append(f"{count} {what}")
        row("runs", f"{s.expected} expected: {', '.join(parts)}")
    elif "manual" in s.verdicts:
        row("runs", "no clock drives this schedule: every sync was triggered")
    if s.delay_p50 is not None:
        text = (f"delay p50 {_dur(s.delay_p50)}, p95 {_dur(s.delay_p95)}, "
                f"max {_dur(s.delay_max)}")
        if s.delayed_overlap:
            text += f"; {s.delayed_overlap} late because the previous sync was still running"
        row("start", text)
    if s.syncs or s.expected:
        text = f"{s.syncs}"
        if s.syncs:
            text += (f": {s.failures} failed ({s.failure_rate:.1%}), {s.partials} partial "
                     f"({s.partial_rate:.1%})")
            if s.in_progress:
                text += f", {s.in_progress} in progress"
            if s.last_error_code:
                text += f", last error code {s.last_error_code}"
        row("syncs", text)
    if s.missed_at:
        row("missed", _instants([_short(t) for t in s.missed_at]))
    if s.skipped_at:
        row("skipped", _instants([_short(t) for t in s.skipped_at]))
    if s.late_at:
        row("late", _instants([f"{_short(t)} (+{_dur(d)})" for t, d in s.late_at]))
    if s.extra_at:
        row("extra", _instants([f"{_short(t)} ({sid})" for t, sid in s.extra_at])
            + " (manual, or nothing in the schedule explains them)")
    for c in s.dst:
        text = f"{_short(c.transition)} {c.zone}: "
        if c.verdict == "indistinguishable":
            text += "every policy runs it the same way here"
        elif c.verdict == "no data":
            text += "no sync near the change to tell the policies apart"
        elif c.verdict == "none":
            text += "the history matches none of go, debian, croniter"
        else:
            text += f"the history matches {c.verdict}"
            if report.dst not in c.matches:
                text += f" (not {report.dst}, the policy audited)"
        row("DST", text)
    return out


def _instants(items: list[str]) -> str:
    more = len(items) - _LIST
    return ", ".join(items[:_LIST]) + (f" (+{more} more)" if more > 0 else "")


def _short(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ")


def _dur(td: timedelta | None) -> str:
    if td is None:
        return "-"
    from schedulelib.core.duration import format_duration

    return format_duration(round(td.total_seconds()) * 1_000_000_000)
