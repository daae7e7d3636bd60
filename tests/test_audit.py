"""audit(): expected runs from the exact engine lined up with observed starts."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import assume, example, given
from hypothesis import strategies as st

from schedulelib import load
from schedulelib.cli.main import main
from schedulelib.workspace.audit import (
    DEFAULT_EARLY,
    DEFAULT_TOLERANCE,
    LOOKBACK,
    POLICIES,
    audit,
    format_text,
    match_runs,
)
from schedulelib.workspace.snapshot import Snapshot, parse_snapshot, write_snapshot

UNTIL = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=14)
TOL = DEFAULT_TOLERANCE


def _cron(spec: str, zone: str = "UTC") -> dict[str, Any]:
    return {"strategy": "cron", "config": {"spec": spec, "timezone": zone}}


def _sync(i: int, start: datetime, *, seconds: float = 30, status: str = "SUCCESS",
          code: str | None = None) -> dict[str, Any]:
    end = start + timedelta(seconds=seconds)
    return {"syncId": f"y{i}", "syncStatus": status,
            "startedAt": start.isoformat().replace("+00:00", "Z"),
            "finishedAt": end.isoformat().replace("+00:00", "Z") if status != "IN_PROGRESS"
            else None,
            "duration": None, "errorCode": code, "error": None}


def _snapshot(subs: list[tuple[str, Any, list[dict[str, Any]]]], *, since: datetime = SINCE,
              until: datetime = UNTIL, model_enabled: bool = True,
              sub_enabled: bool = True) -> Snapshot:
    """A snapshot document with one destination and one model, parsed as the CLI reads it."""
    doc = {
        "schedulelibSnapshot": 1, "pulledAt": until.isoformat(), "apiUrl": "https://x",
        "history": {"since": since.isoformat(), "until": until.isoformat()},
        "models": [{"id": "m1", "name": "Accounts", "enabled": model_enabled,
                    "sourceId": "s"}],
        "destinations": [{"id": "d1", "name": "Dest", "enabled": True, "subscriptions": [
            {"id": f"sub{i}", "name": name, "enabled": sub_enabled, "modelId": "m1",
             "destinationId": "d1", "reverseETLSchedule": sched, "syncs": syncs}
            for i, (name, sched, syncs) in enumerate(subs)]}],
    }
    return parse_snapshot(json.dumps(doc))


def _expected(sched: Any, policy: str = "go", since: datetime = SINCE,
              until: datetime = UNTIL) -> list[datetime]:
    return [r.astimezone(UTC) for r in load(sched).runs(since, until, dst=policy)]


def _due(sched: Any) -> list[datetime]:
    """The runs of the default window that are due (not pending) when it is pulled."""
    return [r for r in _expected(sched) if r + TOL <= UNTIL]


# -- the matching on numbers --------------------------------------------------------------------


@pytest.mark.parametrize(("expected", "observed", "pairs", "extra"), [
    ([], [], (), ()),
    ([10.0], [], (-1,), ()),
    ([], [5.0], (), (0,)),
    ([10.0, 20.0], [10.5, 20.5], (0, 1), ()),
    ([10.0, 20.0], [9.5, 10.5, 20.5], (0, 2), (1,)),
    ([10.0, 20.0], [1.0, 25.0], (-1, 1), (0,)),
    ([10.0, 20.0, 30.0], [21.0], (-1, 0, -1), ()),
], ids=["empty", "missed", "extra-only", "paired", "second-in-window", "before-first",
        "middle"])
def test_match_runs_table(expected: list[float], observed: list[float],
                          pairs: tuple[int, ...], extra: tuple[int, ...]) -> None:
    """Each expected run takes the first start of its window; other starts are extra."""
    m = match_runs(expected, observed, early=1.0)
    assert (m.pairs, m.extra) == (pairs, extra)


# -- properties ---------------------------------------------------------------------------------

SPECS = st.sampled_from([
    ("0 * * * *", "UTC"), ("*/15 * * * *", "America/New_York"), ("30 2 * * *", "Europe/Berlin"),
    ("0 1 * * *", "America/New_York"), ("30 1-3 * * *", "America/New_York"),
    ("15 */3 * * 1-5", "Australia/Lord_Howe"), ("0 0 * * *", "America/Sao_Paulo"),
])
# Windows that hold a DST change of the zones above (spring and autumn).
WINDOW_ENDS = st.sampled_from([
    datetime(2026, 11, 5, tzinfo=UTC), datetime(2026, 3, 12, tzinfo=UTC),
    datetime(2026, 4, 2, tzinfo=UTC), datetime(2026, 10, 30, tzinfo=UTC),
    datetime(2026, 10, 10, tzinfo=UTC), datetime(2018, 11, 10, tzinfo=UTC),
])


@st.composite
def histories(draw: st.DrawFn) -> tuple[Any, str, datetime, datetime, list[datetime],
                                        list[float]]:
    """A schedule, a policy, a window and on-time delays (below the tolerance) for its runs."""
    spec, zone = draw(SPECS)
    policy = draw(st.sampled_from(POLICIES))
    until = draw(WINDOW_ENDS) + timedelta(minutes=draw(st.integers(0, 24 * 60)))
    since = until - timedelta(days=draw(st.integers(3, 8)))
    sched = _cron(spec, zone)
    runs = [r for r in _expected(sched, policy, since, until) if r + TOL <= until]
    assume(len(runs) >= 2)
    gap = min(b - a for a, b in itertools.pairwise(runs)).total_seconds()
    limit = min(TOL.total_seconds(), gap / 2)
    delays = draw(st.lists(st.floats(0, limit), min_size=len(runs), max_size=len(runs)))
    return sched, policy, since, until, runs, delays


def _audit_history(sched: Any, policy: str, since: datetime, until: datetime,
                   starts: list[datetime]) -> Any:
    snap = _snapshot([("s", sched, [_sync(i, t) for i, t in enumerate(starts)])],
                     since=since, until=until)
    (result,) = audit(snap, dst=policy).subscriptions
    return result


@given(histories())
@example((_cron("30 2 * * *", "America/New_York"), "go", datetime(2026, 3, 2, tzinfo=UTC),
          datetime(2026, 3, 12, tzinfo=UTC), [], [])).via("spring forward in New York")
def test_delays_below_tolerance_are_all_on_time(h: Any) -> None:
    """A history made from the schedule with delays below the tolerance is all on time."""
    sched, policy, since, until, runs, delays = h
    if not runs:
        runs = [r for r in _expected(sched, policy, since, until) if r + TOL <= until]
        delays = [0.0] * len(runs)
    starts = [r + timedelta(seconds=d) for r, d in zip(runs, delays, strict=True)]
    r = _audit_history(sched, policy, since, until, starts)
    assert (r.on_time, r.late, r.missed, r.extra, r.skipped_overlap) == (len(runs), 0, 0, 0, 0)
    assert r.verdict == "ok"


@given(histories(), st.data())
def test_removing_a_run_makes_exactly_that_run_missed(h: Any, data: st.DataObject) -> None:
    """Dropping one sync from an on-time history makes that one expected run missed."""
    sched, policy, since, until, runs, delays = h
    k = data.draw(st.integers(0, len(runs) - 1))
    starts = [r + timedelta(seconds=d) for r, d in zip(runs, delays, strict=True)]
    del starts[k]
    r = _audit_history(sched, policy, since, until, starts)
    assert r.missed_at == (runs[k],)
    assert (r.on_time, r.extra) == (len(runs) - 1, 0)


@given(histories(), st.data())
def test_inserting_a_start_makes_exactly_one_extra(h: Any, data: st.DataObject) -> None:
    """One more sync anywhere in the window (past the first tolerance) is exactly one extra."""
    sched, policy, since, until, runs, delays = h
    starts = [r + timedelta(seconds=d) for r, d in zip(runs, delays, strict=True)]
    span = (until - since - TOL - DEFAULT_EARLY).total_seconds()
    extra = since + TOL + DEFAULT_EARLY + timedelta(seconds=data.draw(st.floats(0, span)))
    r = _audit_history(sched, policy, since, until, sorted([*starts, extra]))
    assert r.extra == 1
    assert r.missed == 0


@given(histories())
def test_the_generating_policy_always_matches_at_dst_changes(h: Any) -> None:
    """At every DST change, the policy the history came from is among those it matches."""
    sched, policy, since, until, runs, delays = h
    starts = [r + timedelta(seconds=d) for r, d in zip(runs, delays, strict=True)]
    r = _audit_history(sched, policy, since, until, starts)
    for check in r.dst:
        if check.verdict not in ("indistinguishable", "no data"):
            assert policy in check.matches


# -- DST evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "zone", "until", "policy", "verdict"), [
    # New York springs forward 2026-03-08 02:00 EST -> 03:00 EDT: go skips 02:30.
    ("30 2 * * *", "America/New_York", datetime(2026, 3, 12, tzinfo=UTC), "go", "go"),
    ("30 2 * * *", "America/New_York", datetime(2026, 3, 12, tzinfo=UTC), "debian",
     "debian, croniter"),
    # New York falls back 2026-11-01 02:00 EDT -> 01:00 EST: Debian runs 01:00 once.
    ("0 1 * * *", "America/New_York", datetime(2026, 11, 5, tzinfo=UTC), "go",
     "go, croniter"),
    ("0 1 * * *", "America/New_York", datetime(2026, 11, 5, tzinfo=UTC), "debian", "debian"),
    # Hourly at minute 30 runs in real hours for every engine.
    ("30 * * * *", "America/New_York", datetime(2026, 11, 5, tzinfo=UTC), "go",
     "indistinguishable"),
], ids=["ny-spring-go", "ny-spring-debian", "ny-fall-go", "ny-fall-debian", "hourly"])
def test_dst_policy_evidence(spec: str, zone: str, until: datetime, policy: str,
                             verdict: str) -> None:
    """The history made by one engine is attributed to the engines that agree with it."""
    since = until - timedelta(days=7)
    sched = _cron(spec, zone)
    starts = [t + timedelta(seconds=3) for t in _expected(sched, policy, since, until)]
    r = _audit_history(sched, "go", since, until, starts)
    (check,) = r.dst
    assert check.verdict == verdict


def test_dst_none_when_no_engine_explains_it() -> None:
    """One of the two repeated runs of a fall-back night fits no engine (each runs 0 or 2)."""
    until = datetime(2026, 11, 5, tzinfo=UTC)
    since = until - timedelta(days=7)
    sched = _cron("0,30 1 * * *", "America/New_York")
    starts = [t for t in _expected(sched, "go", since, until)
              if t != datetime(2026, 11, 1, 6, 30, tzinfo=UTC)]
    r = _audit_history(sched, "go", since, until, starts)
    assert r.dst[0].verdict == "none"


# -- explanations for missing runs --------------------------------------------------------------


@pytest.mark.parametrize("which", ["model", "subscription"], ids=["model", "subscription"])
def test_disabled_explains_missing_runs(which: str) -> None:
    """A disabled model or subscription turns missing runs into 'disabled', not 'missed'."""
    sched = _cron("0 */6 * * *")
    snap = _snapshot([("s", sched, [])], model_enabled=which != "model",
                     sub_enabled=which != "subscription")
    report = audit(snap)
    (r,) = report.subscriptions
    assert (r.missed, r.disabled, r.verdict, r.disabled_by) == (0, r.expected, "disabled",
                                                                (which,))
    assert not report.failed


def test_overlap_skips_and_delays_are_told_apart_from_misses() -> None:
    """A sync still running at the next run explains a skip, or a late start after it ends."""
    base = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    sched = _cron("0 * * * *")
    starts = [t for t in _expected(sched) if t < base or t > base + timedelta(hours=3)]
    syncs = [_sync(i, t) for i, t in enumerate(starts)]
    syncs += [_sync(900, base, seconds=90 * 60),                     # 10:00-11:30, 11:00 skipped
              _sync(901, base + timedelta(hours=2)),                 # 12:00 on time
              _sync(902, base + timedelta(hours=2, minutes=5), seconds=80 * 60),  # extra, long
              _sync(903, base + timedelta(hours=3, minutes=26))]     # 13:00 late, after it
    (r,) = audit(_snapshot([("s", sched, syncs)])).subscriptions
    assert (r.missed, r.skipped_overlap, r.late, r.delayed_overlap, r.extra) == (0, 1, 1, 1, 1)
    assert r.skipped_at == (base + timedelta(hours=1),)
    assert r.verdict == "overlap"


def test_runs_due_at_the_end_are_pending() -> None:
    """A run due less than the tolerance before the pull is not missed yet."""
    sched = _cron("0 * * * *")
    until = UNTIL + timedelta(minutes=2)
    starts = [t + timedelta(seconds=5) for t in _expected(sched, until=until) if t < UNTIL]
    (r,) = audit(_snapshot([("s", sched, [_sync(i, t) for i, t in enumerate(starts)])],
                           until=until)).subscriptions
    assert (r.pending, r.missed) == (1, 0)


def test_late_start_is_measured() -> None:
    """Delays beyond the tolerance are late; p50, p95 and max come from every matched run."""
    sched = _cron("0 */2 * * *")
    runs = _due(sched)
    delays = [10.0] * len(runs)
    delays[5] = 600.0
    starts = [t + timedelta(seconds=d) for t, d in zip(runs, delays, strict=True)]
    (r,) = audit(_snapshot([("s", sched, [_sync(i, t) for i, t in enumerate(starts)])]))\
        .subscriptions
    assert (r.late, r.on_time) == (1, len(runs) - 1)
    assert r.delay_max == timedelta(minutes=10) and r.delay_p50 == timedelta(seconds=10)
    assert r.late_at == ((runs[5], timedelta(minutes=10)),)


def test_periodic_is_anchored_at_the_first_sync() -> None:
    """A periodic schedule's runs count from its first observed sync (decision D43)."""
    first = SINCE + timedelta(minutes=17, seconds=3)
    starts = [first + k * timedelta(hours=3) for k in range(14 * 8)
              if first + k * timedelta(hours=3) + TOL <= UNTIL]
    sched = {"strategy": "periodic", "config": {"interval": "3h"}}
    (r,) = audit(_snapshot([("s", sched, [_sync(i, t) for i, t in enumerate(starts)])]))\
        .subscriptions
    assert (r.on_time, r.missed, r.extra) == (len(starts), 0, 0)


# -- health -------------------------------------------------------------------------------------


def test_failure_rate_and_last_error_code() -> None:
    """FAIL and PARTIAL_SUCCESS are counted; the newest code is reported; exit 1 above the rate."""
    sched = _cron("0 */4 * * *")
    runs = _due(sched)
    syncs = [_sync(i, t + timedelta(seconds=2)) for i, t in enumerate(runs)]
    syncs[3] = _sync(3, runs[3], status="FAIL", code="E_OLD")
    syncs[9] = _sync(9, runs[9], status="FAIL", code="E_NEW")
    syncs[10] = _sync(10, runs[10], status="PARTIAL_SUCCESS", code="E_PART")
    snap = _snapshot([("s", sched, syncs)])
    (r,) = audit(snap, max_failure_rate=0.5).subscriptions
    assert (r.failures, r.partials, r.last_error_code) == (2, 1, "E_PART")
    assert r.failure_rate == pytest.approx(2 / len(runs))
    assert not audit(snap, max_failure_rate=0.5).failed
    assert audit(snap, max_failure_rate=0.01).failed


@pytest.mark.parametrize(("sched", "verdict"), [
    ({"strategy": "manual"}, "manual"),
    ({"strategy": "dbt_cloud", "config": {"jobId": "1", "accountId": "2"}}, "manual"),
    (_cron("*/5 * * * *"), "invalid"),
    (None, "invalid"),
    ({"strategy": "periodic", "config": {"interval": "1d"}}, "invalid"),
], ids=["manual", "dbt", "too-often", "null", "bad-interval"])
def test_schedules_no_clock_drives_or_that_cannot_be_read(sched: Any, verdict: str) -> None:
    """Manual syncs are never extra; unreadable schedules are reported, not raised."""
    syncs = [_sync(0, SINCE + timedelta(hours=5))]
    (r,) = audit(_snapshot([("s", sched, syncs)])).subscriptions
    assert (r.verdict, r.extra, r.missed) == (verdict, 0, 0)
    assert bool(r.problems) == (verdict == "invalid")


@pytest.mark.parametrize(("kw", "words"), [
    ({"dst": "cronie"}, "dst"),
    ({"tolerance": timedelta(seconds=-1)}, "tolerance"),
    ({"max_failure_rate": 1.5}, "max_failure_rate"),
    ({"max_failure_rate": True}, "max_failure_rate"),
], ids=["policy", "tolerance", "rate", "bool-rate"])
def test_bad_arguments_raise_value_errors(kw: dict[str, Any], words: str) -> None:
    """Bad arguments raise ScheduleError (a ValueError) naming the argument."""
    with pytest.raises(ValueError, match=words):
        audit(_snapshot([]), **kw)


# -- output -------------------------------------------------------------------------------------


def _mixed(tmp_path: Path) -> Path:
    sched = _cron("0 */3 * * *")
    runs = _expected(sched)
    good = [_sync(i, t) for i, t in enumerate(runs)]
    bad = [_sync(i, t) for i, t in enumerate(runs) if i % 10]
    snap = _snapshot([("Good", sched, good), ("Bad", sched, bad),
                      ("Manual", {"strategy": "manual"}, [])])
    path = tmp_path / "snap.json"
    write_snapshot(snap, path)
    return path


def test_text_is_worst_first(tmp_path: Path) -> None:
    """One block per subscription, the one with missed runs first; exit 1."""
    result = CliRunner().invoke(main, ["audit", str(_mixed(tmp_path))])
    assert result.exit_code == 1
    heads = [line.split("  ")[0] for line in result.stdout.split("\n\n")[1:]]
    assert heads == ["Bad", "Manual", "Good"]
    assert "missed" in result.stdout.split("\n\n")[1]


def test_json_output_and_exit_codes(tmp_path: Path) -> None:
    """--format json carries the same verdicts; a clean snapshot exits 0."""
    path = _mixed(tmp_path)
    result = CliRunner().invoke(main, ["audit", "--format", "json", str(path)])
    doc = json.loads(result.stdout)
    assert result.exit_code == 1 and doc["failed"] is True
    assert [s["verdict"] for s in doc["subscriptions"]] == ["missed", "manual", "ok"]
    assert doc["subscriptions"][0]["missed"] == len(doc["subscriptions"][0]["missedAt"])


@pytest.mark.parametrize("fmt", ["text", "json"], ids=["text", "json"])
def test_hostile_names_reach_neither_terminal_nor_encoder(tmp_path: Path, fmt: str) -> None:
    """A name with an escape sequence and a lone surrogate prints safely in both formats."""
    path = _mixed(tmp_path)
    doc = json.loads(path.read_text("utf-8"))
    doc["destinations"][0]["subscriptions"][0]["name"] = "\x1b[2J\ud800Evil"
    path.write_text(json.dumps(doc), "utf-8")
    result = CliRunner().invoke(main, ["audit", "--format", fmt, str(path)])
    assert result.exit_code == 1, result.output
    if fmt == "json":
        names = [s["name"] for s in json.loads(result.stdout)["subscriptions"]]
        assert "\x1b[2J\ud800Evil" in names
    else:
        assert "\x1b" not in result.stdout and "\ufffd[2J\ufffdEvil" in result.stdout


@pytest.mark.parametrize(("content", "code"), [
    (b"", "SL940"),
    (b'{"name": "x"}', "SL940"),
    (b'{"schedulelibSnapshot": 2}', "SL940"),
    (b"[" * 200_000, "SL940"),
    (b'{"schedulelibSnapshot": 1, "pulledAt": "2026-01-01T00:00:00Z", "destinations": [{'
     b'"id": "d", "subscriptions": [{"id": "s", "modelId": "m", "syncs": [{"syncId": "y",'
     b' "syncStatus": "SUCCESS", "startedAt": "yesterday"}]}]}]}', "SL941"),
], ids=["empty", "not-snapshot", "version", "deep", "bad-sync"])
def test_unreadable_snapshot_is_exit_2(tmp_path: Path, content: bytes, code: str) -> None:
    """A file that is not a snapshot ends with one line naming the code, exit 2."""
    path = tmp_path / "s.json"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["audit", str(path)])
    assert result.exit_code == 2
    assert code in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_text_format_mentions_each_kind_of_finding() -> None:
    """The text names missed runs, extras, failures and DST evidence in words."""
    until = datetime(2026, 11, 5, tzinfo=UTC)
    since = until - timedelta(days=7)
    sched = _cron("0 1 * * *", "America/New_York")
    runs = _expected(sched, "debian", since, until)
    syncs = [_sync(i, t) for i, t in enumerate(runs[1:])]
    syncs.append(_sync(99, runs[2] + timedelta(hours=5), status="FAIL", code="E1"))
    text = format_text(audit(_snapshot([("s", sched, syncs)], since=since, until=until)))
    for words in ("missed", "extra", "1 failed", "last error code E1",
                  "the history matches debian (not go, the policy audited)"):
        assert words in text


def test_lookback_covers_a_day() -> None:
    """A sync in the first minutes of the window may belong to the run just before it."""
    sched = _cron("58 * * * *")
    runs = _expected(sched, since=SINCE - LOOKBACK)
    starts = [t + timedelta(minutes=3) for t in runs]
    (r,) = audit(_snapshot([("s", sched, [_sync(i, t) for i, t in enumerate(starts)
                                          if t >= SINCE])])).subscriptions
    assert (r.extra, r.missed) == (0, 0)


def test_a_century_of_history_is_clipped_to_the_last_92_days() -> None:
    """A tiny file claiming a huge window costs a bounded amount of work per subscription."""
    from schedulelib.workspace.audit import MAX_WINDOW

    since = UNTIL - timedelta(days=36500)
    report = audit(_snapshot([("s", _cron("*/15 * * * *"), [])], since=since))
    assert report.since == UNTIL - MAX_WINDOW
    (r,) = report.subscriptions
    assert (r.expected, r.missed + r.pending) == (92 * 96, 92 * 96)


# -- per source: syncs that ran together (SL701's evidence) --------------------------------------


def _two_sources(subs: list[tuple[str, str, list[dict[str, Any]]]]) -> Snapshot:
    """Subscriptions (name, model, syncs): models a1 and a2 read source A, b1 reads B, c1's
    source is not in the snapshot."""
    doc = {
        "schedulelibSnapshot": 1, "pulledAt": UNTIL.isoformat(), "apiUrl": "https://x",
        "history": {"since": SINCE.isoformat(), "until": UNTIL.isoformat()},
        "models": [{"id": "a1", "name": "A1", "enabled": True, "sourceId": "A"},
                   {"id": "a2", "name": "A2", "enabled": True, "sourceId": "A"},
                   {"id": "b1", "name": "B1", "enabled": True, "sourceId": "B"},
                   {"id": "c1", "name": "C1", "enabled": True, "sourceId": None}],
        "destinations": [{"id": "d1", "name": "Dest", "enabled": True, "subscriptions": [
            {"id": name, "name": name, "enabled": True, "modelId": model,
             "destinationId": "d1", "reverseETLSchedule": _cron("0 * * * *"), "syncs": syncs}
            for name, model, syncs in subs]}],
    }
    return parse_snapshot(json.dumps(doc))


T0 = SINCE + timedelta(days=1)


def test_sources_count_same_minute_and_overlap_and_rates() -> None:
    """A hand-built history: what started together, what overlapped, how each part fared."""
    m = timedelta(minutes=1)
    subs = [
        # Source A: x and y start in one minute (y fails), z starts while x runs (partial),
        # w runs alone later (fails), an in-progress sync runs until the pull.
        ("x", "a1", [_sync(1, T0, seconds=600)]),
        ("y", "a2", [_sync(2, T0 + timedelta(seconds=20), seconds=30, status="FAIL")]),
        ("z", "a1", [_sync(3, T0 + 5 * m, seconds=60, status="PARTIAL_SUCCESS"),
                     _sync(4, T0 + 120 * m, seconds=60, status="FAIL"),
                     _sync(5, T0 + 180 * m, seconds=60)]),
        ("w", "a2", [_sync(6, UNTIL - 10 * m, status="IN_PROGRESS"),
                     _sync(7, UNTIL - 5 * m, seconds=10)]),
        # Source B alone: nothing together.
        ("v", "b1", [_sync(8, T0, seconds=600)]),
        # No source known: grouped by its model; a sync before the history is not counted.
        ("u", "c1", [_sync(9, T0), _sync(10, SINCE - timedelta(hours=1))]),
    ]
    report = audit(_two_sources(subs))
    by = {s.source: s for s in report.sources}
    a = by["A"]
    assert (a.subscriptions, a.syncs, a.same_minute, a.overlapping, a.together) == \
        (4, 7, 2, 5, 5)
    # Together: x ok, y FAIL, z#3 PARTIAL, w#6 in progress (not finished), w#7 ok.
    assert (a.together_failure_rate, a.together_partial_rate) == (1 / 4, 1 / 4)
    # The rest: z#4 FAIL, z#5 ok.
    assert (a.rest_failure_rate, a.rest_partial_rate) == (1 / 2, 0.0)
    b = by["B"]
    assert (b.syncs, b.same_minute, b.overlapping, b.together, b.together_failure_rate) == \
        (1, 0, 0, 0, None)
    assert by["model c1"].syncs == 1
    text = format_text(report)
    assert "source A: 7 syncs of 4 subscriptions; 2 started in the same minute as another, " \
        "5 overlapped another; those: 25.0% failed, 25.0% partial, the rest: 50.0% failed, " \
        "0.0% partial" in text
    assert report.to_dict()["sources"][0]["sameMinute"] == 2


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 600), st.integers(0, 400),
                          st.sampled_from(["SUCCESS", "FAIL", "PARTIAL_SUCCESS"])),
                max_size=30))
@example([(0, 1, 1, "SUCCESS"), (1, 1, 0, "SUCCESS")])  # an instant where another starts
@example([(0, 5, 0, "SUCCESS"), (1, 5, 0, "FAIL")])  # two instants: together, no overlap
def test_sources_agree_with_pairwise_comparison(
        rows: list[tuple[int, int, int, str]]) -> None:
    """The sweep against every pair of syncs compared (the oracle), on generated histories."""
    subs = [(f"s{k}", "a1" if k % 2 else "a2",
             [_sync(i, T0 + timedelta(seconds=start), seconds=length, status=status)
              for i, (who, start, length, status) in enumerate(rows) if who == k])
            for k in range(4)]
    report = audit(_two_sources(subs))
    syncs = [(T0.timestamp() + start, T0.timestamp() + start + length)
             for _who, start, length, _status in rows]
    same = sum(1 for i, (a, _) in enumerate(syncs) if any(
        j != i and int(a // 60) == int(b // 60) for j, (b, _e) in enumerate(syncs)))
    # One starts while the other runs: in [start, end).
    over = sum(1 for i, (a, e) in enumerate(syncs) if any(
        j != i and (b <= a < f or a <= b < e) for j, (b, f) in enumerate(syncs)))
    if not rows:
        assert report.sources == ()
        return
    (a,) = report.sources
    assert (a.syncs, a.same_minute, a.overlapping) == (len(rows), same, over)
