"""Shared start minutes (core/collide.py) against the expansion of runs by the engines, and
SL701 / SL702 over generated repositories against a brute-force judge."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedulelib import ScheduleError, parse_cron
from schedulelib.core.collide import WINDOW, clashes, start_bits, starts_of
from schedulelib.core.schedule import load
from schedulelib.core.tzcalc import get_zone
from schedulelib.lint.engine import Options, Source, lint

from .test_runs_engines import specs, starts


def _expanded(spec: str, zone: str, after: float, until: float, policy: str) -> int:
    """The brute force: every run the engine gives, one bit each."""
    from schedulelib.core.runs import iter_cron_runs

    origin = int(after // 60 * 60)
    bits = 0
    expr = parse_cron(spec)
    tz = get_zone(zone).tz
    for run in iter_cron_runs(expr, zone, datetime.fromtimestamp(after, tz),
                              datetime.fromtimestamp(until, tz), dst=policy):
        bits |= 1 << int((run.timestamp() - origin) // 60)
    return bits


# -- the bit sets are the runs -------------------------------------------------------------------


@given(specs(), starts(), st.integers(1, 20 * 86400), st.sampled_from(["go", "debian",
                                                                         "croniter"]))
@settings(suppress_health_check=[HealthCheck.too_slow])
# New York spring forward (a skipped 02:30) and fall back (a repeated 01:00).
@example("30 2 * * *", ("America/New_York", 1772900000), 5 * 86400, "go")
@example("0 1 * * *", ("America/New_York", 1793400000), 5 * 86400, "debian")
# Sao Paulo's midnight gap (2018-11-04), robfig's hour loop after it.
@example("0 0 * * *", ("America/Sao_Paulo", 1541200000), 5 * 86400, "go")
# Lord Howe's 30-minute change: robfig runs at 02:30 too.
@example("*/15 1 * * *", ("Australia/Lord_Howe", 1791000000), 6 * 86400, "go")
# Chatham: robfig steps back in time at the fall back.
@example("45 2 * * *", ("Pacific/Chatham", 1775300000), 6 * 86400, "go")
# A start with seconds, a window ending mid-day.
@example("*/20 * * * *", ("UTC", 1767225630), 86400 + 1234, "croniter")
def test_start_bits_are_the_runs(spec: str, start: tuple[str, int], length: int,
                                 policy: str) -> None:
    """Bit for bit what the engine's runs give, near transitions and anywhere."""
    zone, at = start
    try:
        expr = parse_cron(spec)
    except ScheduleError:
        return
    after, until = at + 0.5 * (at % 3), at + length
    bits = _expanded(spec, zone, after, until, policy)
    assert start_bits(expr, zone, after, until, policy) == bits  # type: ignore[arg-type]
    # The week fold holds every start (it may hold more: it is a filter, never a verdict).
    origin = int(after // 60)
    starts = starts_of(parse_cron_schedule(spec, zone), datetime.fromtimestamp(after, UTC),
                       datetime.fromtimestamp(until, UTC), dst=policy)  # type: ignore[arg-type]
    assert starts is not None and starts.bits == bits
    while bits:
        low = bits & -bits
        k = low.bit_length() - 1
        assert starts.week >> ((origin + k) % 10080) & 1
        bits ^= low


def parse_cron_schedule(spec: str, zone: str) -> object:
    from schedulelib.core.schedule import Cron

    return Cron(parse_cron(spec), zone)


YEAR_SPECS = ["0 * * * *", "*/15 * * * *", "30 2 * * *", "0 0 * * *", "30 1-3 * * *",
              "0 0 1 * *", "15 3 * 3,10 0", "0 0 29 2 *", "45 23 * * 6", "*/30 0-3 * * *"]


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe",
                                  "America/Santiago", "America/Havana", "Pacific/Chatham",
                                  "Asia/Kolkata", "Africa/Cairo"])
@pytest.mark.parametrize("policy", ["go", "debian", "croniter"])
def test_a_whole_year(zone: str, policy: str) -> None:
    """The window SL701 uses (365 days) in zones with midnight and half-hour changes."""
    after = datetime(2026, 12, 7, 10, 30, 15, tzinfo=UTC).timestamp()
    until = after + WINDOW.total_seconds()
    for spec in YEAR_SPECS:
        assert start_bits(parse_cron(spec), zone, after, until, policy) == _expanded(
            spec, zone, after, until, policy), spec


def test_periodic_has_no_fixed_starts() -> None:
    """A periodic schedule's phase is not in its configuration: not judged."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    schedule = load({"strategy": "periodic", "config": {"interval": "1h"}})
    assert starts_of(schedule, now, now + WINDOW) is None


def test_clashes_counts_and_first() -> None:
    """Each schedule's shared starts: with any other, counted once, the first one."""
    bits = [0b1011, 0b0010, 0b1000, 0b0100]
    found = clashes(bits, 0)
    assert [(c.index, c.partners, c.count, c.first.timestamp()) for c in found] == [
        (0, (1, 2), 2, 60.0), (1, (0,), 1, 60.0), (2, (0,), 1, 180.0)]


# -- SL701 and SL702 over generated repositories ------------------------------------------------

YEAR_ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
              "America/Santiago", "Asia/Kolkata", "Europe/London", "America/Chicago"]
AS_OF = datetime(2026, 12, 7, tzinfo=UTC)


@st.composite
def segment_crons(draw: st.DrawFn) -> str:
    """Cron specs Segment accepts (15 minutes apart at least)."""
    minute = draw(st.sampled_from(["0", "15", "30", "45", "0,30", "*/15", "*/20", "5", "59"]))
    hour = draw(st.sampled_from(["*", "9", "14", "*/3", "1-3", "0", "2", "9,21", "*/6"]))
    dom = draw(st.sampled_from(["*", "*", "1", "1-7", "15"]))
    dow = draw(st.sampled_from(["*", "*", "1", "1-5", "0,6"]))
    return f"{minute} {hour} {dom} * {dow}"


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, object]:
    zone = draw(st.sampled_from(YEAR_ZONES))
    if draw(st.booleans()):
        return {"strategy": "cron", "config": {"spec": draw(segment_crons()), "timezone": zone}}
    days = sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3)))
    hours = sorted(draw(st.sets(st.sampled_from([0, 1, 2, 3, 9, 14, 23]), min_size=1,
                                max_size=2)))
    return {"strategy": "specific_days", "config": {"days": days, "hours": hours,
                                                    "timezone": zone}}


@st.composite
def repositories(draw: st.DrawFn) -> list[dict[str, object]]:
    """Subscriptions: a model, its source, a schedule, and how the file writes it."""
    n = draw(st.integers(2, 7))
    out = []
    for i in range(n):
        model = draw(st.integers(0, 3))
        out.append({"name": f"sub{i}", "model": f"m{model}",
                    "schedule": draw(schedules()),
                    "enabled": draw(st.sampled_from([True, True, True, False])),
                    "form": draw(st.sampled_from(["tf", "json"]))})
    # Models m0 and m1 share a source; m2 has its own; m3's source is nowhere in the files.
    # Terraform names a model by its address, JSON by its id (Git sync's id-<modelId>).
    return out


SOURCES = {"m0": "wh", "m1": "wh", "m2": "other", "m3": None}


def _write(repo: list[dict[str, object]], folder: Path) -> list[str]:
    files = []
    models = "\n".join(
        f'resource "segment_reverse_etl_model" "id-{m}" {{\n  name = "{m}"\n'
        f'  source_id = "{s}"\n  schedule_strategy = ""\n}}\n'
        for m, s in SOURCES.items() if s is not None)
    (folder / "models.tf").write_text(models, "utf-8")
    files.append(str(folder / "models.tf"))
    for sub in repo:
        schedule = sub["schedule"]
        assert isinstance(schedule, dict)
        if sub["form"] == "json":
            path = folder / f"{sub['name']}.json"
            path.write_text(json.dumps({"name": sub["name"], "modelId": sub["model"],
                                        "enabled": sub["enabled"],
                                        "reverseETLSchedule": schedule}), "utf-8")
        else:
            path = folder / f"{sub['name']}.tf"
            config = json.dumps(schedule["config"])
            path.write_text(
                f'resource "segment_destination_subscription" "{sub["name"]}" {{\n'
                f'  name     = "{sub["name"]}"\n'
                f'  model_id = segment_reverse_etl_model.id-{sub["model"]}.id\n'
                f'  enabled  = {str(sub["enabled"]).lower()}\n'
                f'  reverse_etl_schedule = {{\n'
                f'    strategy = "{str(schedule["strategy"]).upper()}"\n'
                f'    config   = {json.dumps(config)}\n  }}\n}}\n', "utf-8")
        files.append(str(path))
    return files


def _brute(repo: list[dict[str, object]]) -> dict[str, tuple[set[str], int, datetime]]:
    """name -> (partners, shared starts, first) by expanding every run of the year."""
    runs: dict[str, set[int]] = {}
    for sub in repo:
        if not sub["enabled"] or load(sub["schedule"]) is None:
            continue
        schedule = load(sub["schedule"])
        runs[str(sub["name"])] = {int(r.timestamp()) // 60 for r in schedule.runs(
            AS_OF, AS_OF + WINDOW)}
    owner = {str(s["name"]): SOURCES[str(s["model"])] or s["model"] for s in repo}
    out = {}
    for name, mine in runs.items():
        partners = {other for other, theirs in runs.items()
                    if other != name and owner[other] == owner[name] and mine & theirs}
        if partners:
            shared = mine & set().union(*(runs[p] for p in partners))
            out[name] = (partners, len(shared),
                         datetime.fromtimestamp(min(shared) * 60, UTC))
    return out


_MESSAGE = re.compile(r"collides with '([^']+)' \([^)]*\)(?: and (\d+) more)?: (\d+) shared "
                      r"starts? a year, first \w+ (\S+ \S+) UTC")


@given(repositories())
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.function_scoped_fixture])
def test_sl701_agrees_with_brute_force(tmp_path: Path, repo: list[dict[str, object]]) -> None:
    """Mixed zones, DST, cron and specific_days, Terraform and JSON: the same verdict as
    expanding every run of the year."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    files = _write(repo, folder)
    report = lint([Source(f, Path(f)) for f in files],
                  Options(isolated=True, as_of=AS_OF, select=("SL701",)))
    got = {}
    for f in report.findings:
        m = _MESSAGE.match(f.message)
        assert m is not None, f.message
        name = Path(f.file).stem
        got[name] = (m.group(1), 1 + int(m.group(2) or 0), int(m.group(3)),
                     datetime.strptime(m.group(4), "%Y-%m-%d %H:%M").replace(tzinfo=UTC))
    want = _brute(repo)
    assert set(got) == set(want)
    for name, (partners, count, first) in want.items():
        head, many, shared, when = got[name]
        assert head in partners and many == len(partners)
        assert (shared, when) == (count, first)


def test_sl701_across_zones_meets_only_in_winter(tmp_path: Path) -> None:
    """09:00 in New York and 14:00 UTC meet only while New York is on EST."""
    for name, spec, zone in [("a", "0 9 * * 1", "America/New_York"), ("b", "0 14 * * 1", "UTC")]:
        (tmp_path / f"{name}.json").write_text(json.dumps({
            "name": name.upper(), "modelId": "m", "reverseETLSchedule": {
                "strategy": "cron", "config": {"spec": spec, "timezone": zone}}}), "utf-8")
    report = lint([Source(str(p), p) for p in sorted(tmp_path.iterdir())],
                  Options(isolated=True, as_of=AS_OF))
    # The oracle: Mondays 14:00 UTC of the year on which New York is 5 hours behind.
    mondays = [AS_OF + timedelta(days=d, hours=14) for d in range(365)]
    winter = sum(1 for m in mondays if m.weekday() == 0 and m.astimezone(
        ZoneInfo("America/New_York")).utcoffset() == timedelta(hours=-5))
    assert 10 < winter < 30
    assert [f.message for f in report.findings] == [
        f"collides with 'B' ({tmp_path / 'b.json'}:1): {winter} shared starts a year, first "
        "Mon 2026-12-07 14:00 UTC (09:00 America/New_York)",
        f"collides with 'A' ({tmp_path / 'a.json'}:1): {winter} shared starts a year, first "
        "Mon 2026-12-07 14:00 UTC"]


@pytest.mark.parametrize(("enabled", "model_enabled", "found"), [
    (True, True, True),
    (False, True, False),  # a disabled subscription runs nothing
    (True, False, False),  # nor does one of a disabled model
], ids=["enabled", "disabled-subscription", "disabled-model"])
def test_disabled_runs_nothing(tmp_path: Path, enabled: bool, model_enabled: bool,
                               found: bool) -> None:
    """Disabled subscriptions and models are left out."""
    doc = {"models": [{"id": "m", "sourceId": "s", "enabled": model_enabled}],
           "subscriptions": [
               {"name": "A", "modelId": "m", "enabled": enabled, "reverseETLSchedule": {
                   "strategy": "cron", "config": {"spec": "0 * * * *", "timezone": "UTC"}}},
               {"name": "B", "modelId": "m", "reverseETLSchedule": {
                   "strategy": "cron", "config": {"spec": "0 */2 * * *", "timezone": "UTC"}}}]}
    report = lint([Source("w.json", data=json.dumps(doc).encode())],
                  Options(isolated=True, as_of=AS_OF))
    assert bool(report.findings) is found


def test_unknown_relation_is_not_judged(tmp_path: Path) -> None:
    """Schedules whose model the files do not name are not grouped (nothing is said)."""
    doc = {"subscriptions": [{"name": n, "reverseETLSchedule": {
        "strategy": "cron", "config": {"spec": "0 * * * *", "timezone": "UTC"}}} for n in "AB"]}
    report = lint([Source("w.json", data=json.dumps(doc).encode())],
                  Options(isolated=True, as_of=AS_OF))
    assert report.findings == []


def test_sl701_suppressed_by_comment_select_and_config(tmp_path: Path) -> None:
    """An ignore comment silences SL701 on its line (no SL920 then); --ignore drops it."""
    tf = ('resource "segment_destination_subscription" "{n}" {{\n  name = "{n}"\n'
          '  model_id = "m"\n  reverse_etl_schedule = {{  # schedulelib: ignore[SL701]\n'
          '    strategy = "CRON"\n'
          '    config = jsonencode({{ spec = "0 * * * *", timezone = "UTC" }})\n  }}\n}}\n')
    (tmp_path / "a.tf").write_text(tf.format(n="a"), "utf-8")
    (tmp_path / "b.tf").write_text(tf.format(n="b").replace("  # schedulelib: ignore[SL701]",
                                                             ""), "utf-8")
    sources = [Source(str(p), p) for p in sorted(tmp_path.iterdir())]
    report = lint(sources, Options(isolated=True, as_of=AS_OF))
    assert [(Path(f.file).name, f.code) for f in report.findings] == [("b.tf", "SL701")]
    report = lint(sources, Options(isolated=True, as_of=AS_OF, ignore=("SL7",)))
    assert report.findings == []


def test_sl702_sixth_dbt_mapping(tmp_path: Path) -> None:
    """The sixth and later dbt Cloud mappings of one model, in file order."""
    subs = [{"name": f"S{i}", "modelId": "m" if i != 3 else "other",
             "reverseETLSchedule": {"strategy": "dbt_cloud",
                                    "config": {"jobId": "1", "accountId": "2"}}}
            for i in range(8)]
    report = lint([Source("w.json", data=json.dumps({"subscriptions": subs}).encode())],
                  Options(isolated=True, as_of=AS_OF))
    assert [(f.code, f.pointer) for f in report.findings] == [
        ("SL702", "/subscriptions/6/reverseETLSchedule"),
        ("SL702", "/subscriptions/7/reverseETLSchedule")]
    assert report.findings[0].message.startswith("the 6th dbt Cloud mapping of model 'm' (7 in "
                                                 "all)")


def test_context_files_are_read_not_reported(tmp_path: Path) -> None:
    """A changed file collides with an unchanged one: found, reported in the changed file."""
    for name in ("changed", "unchanged"):
        (tmp_path / f"{name}.json").write_text(json.dumps({
            "name": name, "modelId": "m", "reverseETLSchedule": {
                "strategy": "cron", "config": {"spec": "0 9 * * *", "timezone": "UTC"}}}), "utf-8")
    changed = tmp_path / "changed.json"
    context = [Source(str(p), p, named=False) for p in sorted(tmp_path.iterdir())]
    report = lint([Source(str(changed), changed)], Options(isolated=True, as_of=AS_OF),
                  context=context)
    assert [(f.file, f.code) for f in report.findings] == [(str(changed), "SL701")]
    assert "'unchanged'" in report.findings[0].message
    assert report.files == 1


def test_whole_run_window_starts_at_as_of() -> None:
    """The year is counted from --as-of: a daily 09:00 pair shares 365 starts."""
    schedule = load({"strategy": "cron", "config": {"spec": "0 9 * * *", "timezone": "UTC"}})
    s = starts_of(schedule, AS_OF, AS_OF + WINDOW)
    assert s is not None and s.count() == 365
    assert s.minute((s.bits & -s.bits).bit_length() - 1) == AS_OF + timedelta(hours=9)
