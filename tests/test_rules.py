"""The rule registry: every code documented in docs/rules.md and triggered by a test here."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from schedulelib import check
from schedulelib.core.rules import RULES
from schedulelib.lint.ruledocs import rule_text, rules_markdown

from .conftest import ROOT

AS_OF = datetime(2026, 1, 15, tzinfo=UTC)


def _cron(spec: str, zone: str = "UTC") -> object:
    return {"strategy": "cron", "config": {"spec": spec, "timezone": zone}}


def _days(days: object, hours: object = (9,)) -> object:
    return {"strategy": "specific_days",
            "config": {"days": days, "hours": hours, "timezone": "UTC"}}


def _codes(doc: object) -> set[str]:
    return {d.code for d in check(doc, as_of=AS_OF)}


def _file_codes(name: str, content: bytes | None) -> set[str]:
    """Codes the command line reports for one file (None: a path that does not exist)."""
    import json
    import tempfile
    from pathlib import Path

    from click.testing import CliRunner

    from schedulelib.cli.main import main

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if content is not None:
            path.write_bytes(content)
        result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    return {f["code"] for f in json.loads(result.stdout)["findings"]}


def _internal_error() -> set[str]:
    """Codes reported when checking a file raises inside schedulelib."""
    from unittest import mock

    with mock.patch("schedulelib.core.schedule.check", side_effect=RuntimeError("boom")):
        return _file_codes("a.json", b'{"strategy": "manual"}')


def _scan_codes(text: str, name: str) -> set[str]:
    """Codes the sources report for a text (named "-": judged whatever it holds)."""
    from schedulelib.lint.sources import scan

    return {f.code for f in scan(text, name=name, everything=name == "-").check()}


def _snapshot_codes(content: bytes) -> set[str]:
    """Codes read_snapshot raises for one snapshot text."""
    from schedulelib.workspace.snapshot import SnapshotError, parse_snapshot

    try:
        parse_snapshot(content)
    except SnapshotError as exc:
        return {d.code for d in exc.diagnostics}
    return set()


def _run_codes(*files: tuple[str, str]) -> set[str]:
    """Codes a whole validate run gives for these (name, text) files together."""
    from schedulelib.lint.engine import Options, Source, lint

    report = lint([Source(name, data=text.encode()) for name, text in files],
                  Options(isolated=True, as_of=datetime(2026, 1, 1, tzinfo=UTC)))
    return {f.code for f in report.findings}


def _drift_codes(files: list[dict[str, object]], workspace: list[dict[str, object]]) -> set[str]:
    """Codes ``schedulelib drift`` reports for subscriptions in a file against a snapshot."""
    import tempfile
    from pathlib import Path

    from click.testing import CliRunner

    from schedulelib.cli.main import main

    subs = [{"id": w["id"], "name": w["name"], "enabled": w.get("enabled", True),
             "modelId": "m1", "destinationId": "d1",
             "reverseETLSchedule": w["reverseETLSchedule"], "syncs": []} for w in workspace]
    snapshot = {"schedulelibSnapshot": 1, "pulledAt": "2026-01-01T00:00:00Z", "apiUrl": "x",
                "history": None, "models": [], "destinations": [
                    {"id": "d1", "name": "D", "enabled": True, "subscriptions": subs}]}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "subs.json").write_text(json.dumps({"data": {"destinationSubscriptions": [
            {"reverseETLModelId": "m1", "destinationId": "d1", **f} for f in files]}}))
        (Path(tmp) / "snap.json").write_text(json.dumps(snapshot))
        result = CliRunner().invoke(main, ["drift", str(Path(tmp) / "subs.json"), "--snapshot",
                                           str(Path(tmp) / "snap.json"), "--format", "json",
                                           "--isolated", "--as-of", "2026-01-01"])
    return {f["code"] for f in json.loads(result.stdout)["findings"]}


def _sub(sid: str | None, schedule: object, name: str = "A",
         enabled: bool = True) -> dict[str, object]:
    out: dict[str, object] = {"name": name, "enabled": enabled, "reverseETLSchedule": schedule}
    if sid is not None:
        out["id"] = sid
    return out


_1H = {"strategy": "periodic", "config": {"interval": "1h"}}


def _mapping(model: str, schedule: str) -> str:
    return json.dumps({"modelId": model, "reverseETLSchedule": json.loads(schedule)})


_HOURLY = '{"strategy": "cron", "config": {"spec": "0 * * * *", "timezone": "UTC"}}'
_DBT = '{"strategy": "dbt_cloud", "config": {"jobId": "1", "accountId": "2"}}'


# One way to trigger each code; test_every_code_is_triggered checks the table is complete.
TRIGGERS: dict[str, Callable[[], set[str]]] = {
    "SL001": lambda: _codes('{"strategy": "manual",}'),
    "SL002": lambda: _codes('{"strategy": "periodic", "config": {"interval": NaN}}'),
    "SL003": lambda: _codes('{"strategy": "manual", "strategy": "cron"}'),
    "SL004": lambda: _codes([1]),
    "SL005": lambda: _scan_codes("strategy: periodic\nconfig: {interval: 1:30}\n", "x.yaml"),
    "SL006": lambda: _scan_codes("strategy: cron\nconfig: {spec: */15 * * * *}\n", "x.yaml"),
    "SL007": lambda: _scan_codes("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                                 "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                 "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                                 "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                 "reverseETLSchedule: *d\n", "x.yaml"),
    "SL008": lambda: _scan_codes('{"strategy": "periodic", "config": {"interval": '
                                 + "9" * 5000 + "}}", "x.json"),
    "SL101": lambda: _codes({}),
    "SL102": lambda: _codes({"strategy": "weekly"}),
    "SL103": lambda: _codes({"strategy": "manual", "schedule": "x"}),
    "SL104": lambda: _codes({"strategy": "cron", "config": []}),
    "SL105": lambda: _codes({"strategy": "periodic", "config": {}}),
    "SL106": lambda: _codes({"strategy": "manual", "config": {"interval": "1h"}}),
    "SL201": lambda: _codes({"strategy": "periodic", "config": {"interval": 60}}),
    "SL202": lambda: _codes({"strategy": "periodic", "config": {"interval": "1d"}}),
    "SL203": lambda: _codes({"strategy": "periodic", "config": {"interval": "10m"}}),
    "SL204": lambda: _codes({"strategy": "periodic", "config": {"interval": "168h"}}),
    "SL301": lambda: _codes(_days("1-5")),
    "SL302": lambda: _codes(_days([])),
    "SL303": lambda: _codes(_days(["mon"])),
    "SL304": lambda: _codes(_days([7])),
    "SL305": lambda: _codes(_days([1.0])),
    "SL306": lambda: _codes(_days([2, 2])),
    "SL401": lambda: _codes(_cron(["0", "*"])),  # type: ignore[arg-type]
    "SL402": lambda: _codes(_cron("0 0 9 * * *")),
    "SL403": lambda: _codes(_cron("61 * * * *")),
    "SL404": lambda: _codes(_cron("@daily")),
    "SL405": lambda: _codes(_cron("0 0 * * 7")),
    "SL406": lambda: _codes(_cron("0 0 ? * 1")),
    "SL407": lambda: _codes(_cron("*/5 * * * *")),
    "SL408": lambda: _codes(_cron("0 0 31 11 *")),
    "SL409": lambda: _codes(_cron("0,50 1 * * *", "America/New_York")),
    "SL410": lambda: _codes(_cron("0 9 * * +5")),
    "SL501": lambda: _codes(_cron("0 * * * *", None)),  # type: ignore[arg-type]
    "SL502": lambda: _codes(_cron("0 * * * *", "")),
    "SL503": lambda: _codes(_cron("0 * * * *", "Europe/Atlantis")),
    "SL504": lambda: _codes(_cron("0 * * * *", "Asia/Calcutta")),
    "SL505": lambda: _codes(_cron("0 * * * *", "../../etc/shadow")),
    "SL601": lambda: _codes({"strategy": "dbt_cloud", "config": {"jobId": "", "accountId": "1"}}),
    "SL701": lambda: _run_codes(("a.json", _mapping("m1", _HOURLY)),
                                ("b.json", _mapping("m1", _HOURLY))),
    "SL702": lambda: _run_codes(*[(f"{n}.json", _mapping("m1", _DBT)) for n in range(6)]),
    "SL801": lambda: _drift_codes([_sub("s1", _1H)], [_sub("s1", {
        "strategy": "periodic", "config": {"interval": "2h"}})]),
    "SL802": lambda: _drift_codes([_sub("s1", _1H)], []),
    "SL803": lambda: _drift_codes([], [_sub("s1", _1H)]),
    "SL804": lambda: _drift_codes([_sub("s1", _1H)], [_sub("s1", _1H, enabled=False)]),
    "SL805": lambda: _drift_codes([_sub("s1", _1H)], [_sub("s1", {
        "strategy": "periodic", "config": {"interval": "60m"}})]),
    "SL806": lambda: _drift_codes([_sub("s1", _1H)], [_sub("s1", {"strategy": "hourly"})]),
    "SL807": lambda: _drift_codes([_sub(None, _1H)], [_sub("s1", _1H), _sub("s2", _1H)]),
    "SL901": lambda: _file_codes("bad.json", b'{"strategy": "\xff"}'),
    "SL902": lambda: _scan_codes("", "-"),
    "SL903": lambda: _file_codes("main.tf", b'resource "segment_destination_subscription" "s" {\n'
                                 b'  reverse_etl_schedule = var.schedule\n}\n'),
    "SL904": lambda: _file_codes("huge.json", b'{"reverseETLSchedule": null}'
                                 + b" " * (16 * 1024 * 1024)),
    "SL905": lambda: _file_codes("other.json", b'{"name": "x", "note": "reverseETLSchedule"}'),
    "SL910": lambda: _file_codes("main.tf", b'resource "segment_destination_subscription" "s" {\n'
                                 b'  reverse_etl_schedule {\n    strategy = "MANUAL"\n  }\n}\n'),
    "SL911": lambda: _file_codes("plan.json", b'{"format_version": "2.0", "resource_changes": '
                                 b'[{"type": "segment_destination_subscription", "change": '
                                 b'{"after": {"reverse_etl_schedule": null}}}]}'),
    "SL920": lambda: _file_codes("a.yaml", b"strategy: manual  # schedulelib: ignore[SL407]\n"),
    "SL921": lambda: _file_codes("a.yaml", b"strategy: manual  # schedulelib: ignore\n"),
    "SL922": _internal_error,
    "SL940": lambda: _snapshot_codes(b'{"schedulelibSnapshot": 99}'),
    "SL941": lambda: _snapshot_codes(
        b'{"schedulelibSnapshot": 1, "pulledAt": "2026-01-01T00:00:00Z", "history": '
        b'{"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}}'),
}


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_code_is_triggered(code: str) -> None:
    """Each registered code has a trigger, and the trigger produces it."""
    assert code in TRIGGERS, f"{code} has no trigger in this table"
    assert code in TRIGGERS[code]()


def test_no_trigger_for_an_unknown_code() -> None:
    """The table names only registered codes."""
    assert set(TRIGGERS) <= set(RULES)


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    """docs/rules.md is up to date (regenerate with python tools/gen_docs.py)."""
    assert (ROOT / "docs" / "rules.md").read_text("utf-8") == rules_markdown()


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_code_is_documented(code: str) -> None:
    """Each code has What / Why / Example / Fix, all filled in."""
    rule = RULES[code]
    assert all((rule.what, rule.why, rule.example, rule.fix))
    assert rule_text(rule) in (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert rule.code == code and code[:2] == "SL" and len(code) == 5
