"""``schedulelib drift``: a generated workspace (files and snapshot built together, each
subscription with a known verdict), the matcher on its own, and the Git sync layout of the
shared corpus."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from schedulelib.cli.main import main
from schedulelib.workspace.drift import CODES, VERDICTS, FileRecord, compare, summary
from schedulelib.workspace.snapshot import parse_snapshot

AS_OF = "2026-12-07"
WHEN = datetime(2026, 12, 7, tzinfo=UTC)


def _cron(spec: str, zone: str = "UTC") -> dict[str, Any]:
    return {"strategy": "cron", "config": {"spec": spec, "timezone": zone}}


def _periodic(interval: str) -> dict[str, Any]:
    return {"strategy": "periodic", "config": {"interval": interval}}


# (files, workspace) pairs that run alike, written differently; and pairs that do not.
EQUIVALENT = [
    (_periodic("60m"), _periodic("1h")),
    (_periodic("90m"), _periodic("1h30m")),
    (_cron("0 0 29-31 2 *"), _cron("0 0 29 2 *")),
    (_cron("0 */1 * * *"), _cron("0 * * * *")),
    (_cron("30 8 * * 1-5", "US/Eastern"), _cron("30 8 * * 1-5", "America/New_York")),
    (_cron("0 0 * * *", "Etc/GMT-1"), _cron("0 23 * * *", "UTC")),
    ({"strategy": "specific_days", "config": {"days": [1, 3], "hours": [9],
                                              "timezone": "Europe/Berlin"}},
     _cron("0 9 * * 1,3", "Europe/Berlin")),
    ({"strategy": "CRON", "config": {"spec": "0 9 * * mon", "timezone": "UTC"}},
     _cron("0 9 * * 1")),
]
CHANGED = [
    (_cron("0 9 * * 1-5", "America/New_York"), _cron("0 14 * * 1-5")),
    (_periodic("1h"), _periodic("2h")),
    (_cron("15 * * * *"), _cron("45 * * * *")),
    ({"strategy": "manual"}, _periodic("6h")),
    ({"strategy": "dbt_cloud", "config": {"jobId": "1", "accountId": "2"}},
     {"strategy": "dbt_cloud", "config": {"jobId": "3", "accountId": "2"}}),
]
SAME = [_cron("0 6 * * *", "Europe/Paris"), _periodic("12h"), {"strategy": "manual"}]
INVALID = _cron("*/5 * * * *")  # SL407: not a schedule Segment takes


@dataclass
class Case:
    """One subscription of the generated workspace and the verdict it must get."""

    verdict: str
    file_entries: list[dict[str, Any]]
    workspace_entries: list[dict[str, Any]]
    label: str


def _entry(sub_id: str | None, name: str, schedule: object, *, model: str = "m1",
           destination: str = "d1", enabled: bool = True) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "reverseETLModelId": model,
                             "destinationId": destination, "enabled": enabled,
                             "reverseETLSchedule": schedule}
    if sub_id is not None:
        entry["id"] = sub_id
    return entry


def generate(seed: int, count: int) -> list[Case]:
    """``count`` subscriptions, each with a scenario drawn at random (seeded)."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for n in range(count):
        sid, name = f"sub{seed}x{n}", f"Sync {seed}-{n}"
        dest, model = f"d{rng.randrange(3)}", f"m{rng.randrange(3)}"
        kind = rng.choice(["same", "same-disabled", "equivalent", "changed", "enabled",
                           "only-files", "only-workspace", "rename", "by-name",
                           "by-name-changed", "ambiguous", "unknown", "twice",
                           "no-name"])
        same = rng.choice(SAME)
        if kind == "same":
            file = workspace = _entry(sid, name, same, model=model, destination=dest)
            cases.append(Case("same", [file], [workspace], kind))
        elif kind == "same-disabled":
            file = _entry(sid, name, same, model=model, destination=dest, enabled=False)
            cases.append(Case("same", [file], [file], kind))
        elif kind == "equivalent":
            ours, theirs = rng.choice(EQUIVALENT)
            cases.append(Case("equivalent", [_entry(sid, name, ours, model=model,
                                                    destination=dest)],
                              [_entry(sid, name, theirs, model=model, destination=dest)], kind))
        elif kind == "changed":
            ours, theirs = rng.choice(CHANGED)
            cases.append(Case("changed", [_entry(sid, name, ours, model=model,
                                                 destination=dest)],
                              [_entry(sid, name, theirs, model=model, destination=dest)], kind))
        elif kind == "enabled":
            flip = rng.choice([True, False])
            cases.append(Case("enabled-differs",
                              [_entry(sid, name, same, model=model, destination=dest,
                                      enabled=flip)],
                              [_entry(sid, name, same, model=model, destination=dest,
                                      enabled=not flip)], kind))
        elif kind == "only-files":
            cases.append(Case("only-in-files", [_entry(sid, name, same)], [], kind))
        elif kind == "only-workspace":
            cases.append(Case("only-in-workspace", [], [_entry(sid, name, same)], kind))
        elif kind == "rename":
            # Renamed in the app: the id still pairs them.
            cases.append(Case("same", [_entry(sid, name, same, model=model, destination=dest)],
                              [_entry(sid, name + " (renamed)", same, model=model,
                                      destination=dest)], kind))
        elif kind in ("by-name", "by-name-changed"):
            ours, theirs = (same, same) if kind == "by-name" else rng.choice(CHANGED)
            cases.append(Case("same" if kind == "by-name" else "changed",
                              [_entry(None, name, ours, model=model, destination=dest)],
                              [_entry(sid, name, theirs, model=model, destination=dest)], kind))
        elif kind == "ambiguous":
            # Two subscriptions of one name, destination and model; the file gives no id.
            # Neither is claimed, so both are also only in the workspace.
            cases.append(Case("ambiguous", [_entry(None, name, same, model=model,
                                                   destination=dest)],
                              [_entry(sid, name, same, model=model, destination=dest),
                               _entry(sid + "b", name, same, model=model, destination=dest)],
                              kind))
        elif kind == "twice":
            # One id claimed by two schedules in the files.
            cases.append(Case("ambiguous", [_entry(sid, name, same), _entry(sid, name, same)],
                              [_entry(sid, name, same)], kind))
        elif kind == "no-name":
            entry = _entry(None, name, same)
            del entry["name"]
            cases.append(Case("only-in-files", [entry], [], kind))
        else:
            cases.append(Case("unknown", [_entry(sid, name, same, model=model,
                                                 destination=dest)],
                              [_entry(sid, name, INVALID, model=model, destination=dest)],
                              kind))
    return cases


def expected_counts(cases: list[Case]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for case in cases:
        if case.label == "ambiguous":
            counts["ambiguous"] += 1
            counts["only-in-workspace"] += 2
        elif case.label == "twice":
            counts["ambiguous"] += 2
        else:
            counts[case.verdict] += 1
    return counts


def snapshot_doc(cases: list[Case]) -> dict[str, Any]:
    destinations: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        for entry in case.workspace_entries:
            destinations.setdefault(entry["destinationId"], []).append({
                "id": entry["id"], "name": entry["name"], "enabled": entry["enabled"],
                "modelId": entry["reverseETLModelId"], "destinationId": entry["destinationId"],
                "reverseETLSchedule": entry["reverseETLSchedule"], "syncs": []})
    return {"schedulelibSnapshot": 1, "pulledAt": "2026-12-07T00:00:00Z",
            "apiUrl": "https://api.example.test", "history": None,
            "models": [{"id": f"m{i}", "name": f"M{i}", "enabled": True, "sourceId": "w"}
                       for i in range(3)],
            "destinations": [{"id": d, "name": d, "enabled": True, "subscriptions": subs}
                             for d, subs in destinations.items()]}


def write_workspace(root: Path, cases: list[Case], files: int = 3) -> Path:
    """The files' side split over ``files`` JSON files (Public API shape), and the snapshot."""
    entries = [e for case in cases for e in case.file_entries]
    root.mkdir(parents=True, exist_ok=True)
    for k in range(files):
        part = entries[k::files]
        (root / f"subs{k}.json").write_text(json.dumps(
            {"data": {"destinationSubscriptions": part}}, indent=1), "utf-8")
    snap = root.parent / f"{root.name}-snapshot.json"
    snap.write_text(json.dumps(snapshot_doc(cases), indent=1), "utf-8")
    return snap


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["drift", *args])
    return result.exit_code, result.stdout, result.stderr


def _counts_of(line: str) -> Counter[str]:
    return Counter({v: int(n) for n, v in re.findall(r"(\d+) ([a-z-]+)", line)})


@pytest.mark.parametrize("seed", range(6))
def test_generated_workspace_verdicts(tmp_path: Path, seed: int) -> None:
    """Every subscription of a generated workspace gets the verdict it was built with: the
    summary counts them, and each finding's code and subscription agree with its case."""
    cases = generate(seed, 60)
    snap = write_workspace(tmp_path / "repo", cases)
    code, out, _err = run(str(tmp_path / "repo"), "--snapshot", str(snap), "--as-of", AS_OF,
                          "--isolated")
    last = out.strip().splitlines()[-1]
    assert last.startswith("drift: ")
    assert _counts_of(last) == expected_counts(cases) | Counter({v: 0 for v in VERDICTS
                                                                 if v not in
                                                                 expected_counts(cases)})
    failing = {"changed", "only-in-files", "only-in-workspace", "ambiguous", "unknown"}
    assert code == (1 if any(c.verdict in failing for c in cases) else 0)
    # Each case with an id: its finding carries the verdict's code.
    _, json_out, summary_line = run(str(tmp_path / "repo"), "--snapshot", str(snap),
                                    "--as-of", AS_OF, "--isolated", "--format", "json")
    assert summary_line.startswith("drift: ")
    report = json.loads(json_out)
    by_id: dict[str, set[str]] = {}
    for finding in report["findings"]:
        for sid in re.findall(r"'(sub[0-9x]+b?)'", finding["message"]):
            by_id.setdefault(sid, set()).add(finding["code"])
    for case in cases:
        entries = case.workspace_entries or case.file_entries
        sid = entries[0].get("id")
        if sid is None or case.label in ("ambiguous",):
            continue
        if case.verdict == "same":
            assert sid not in by_id, (case.label, by_id.get(sid))
        else:
            assert by_id.get(sid) == {CODES[case.verdict]}, (case.label, by_id.get(sid))  # type: ignore[index]


def test_only_in_workspace_points_at_the_snapshot(tmp_path: Path) -> None:
    """A subscription no file names is reported at its schedule in the snapshot file."""
    cases = [Case("only-in-workspace", [], [_entry("s9", "Lonely", _periodic("1h"))], "x")]
    snap = write_workspace(tmp_path / "repo", cases, files=1)
    code, out, _ = run(str(tmp_path / "repo"), "--snapshot", str(snap), "--as-of", AS_OF,
                       "--isolated")
    assert code == 1
    line = next(x for x in out.splitlines() if "SL803" in x)
    where = line.split(": ")[0]
    file, row, col = where.rsplit(":", 2)
    assert file == str(snap)
    text = snap.read_text("utf-8").splitlines()[int(row) - 1]
    assert text[int(col) - 1:].startswith("{")
    assert "reverseETLSchedule" in text or "strategy" in text or \
        '"reverseETLSchedule"' in snap.read_text("utf-8")


def test_equivalent_alone_exits_0_and_strict_fails(tmp_path: Path) -> None:
    """equivalent is a note (a warning): exit 0, unless warnings fail."""
    cases = [Case("equivalent", [_entry("s1", "A", _periodic("60m"))],
                  [_entry("s1", "A", _periodic("1h"))], "x")]
    snap = write_workspace(tmp_path / "repo", cases, files=1)
    args = (str(tmp_path / "repo"), "--snapshot", str(snap), "--as-of", AS_OF, "--isolated")
    code, out, _ = run(*args)
    assert code == 0 and "SL805" in out and "1 equivalent" in out
    assert run(*args, "--strict")[0] == 1


def test_changed_says_both_and_the_first_run(tmp_path: Path) -> None:
    """New York 09:00 against UTC 14:00: both in plain English and the run in March."""
    cases = [Case("changed", [_entry("s1", "A", _cron("0 9 * * 1-5", "America/New_York"))],
                  [_entry("s1", "A", _cron("0 14 * * 1-5"))], "x")]
    snap = write_workspace(tmp_path / "repo", cases, files=1)
    code, out, _ = run(str(tmp_path / "repo"), "--snapshot", str(snap), "--as-of", AS_OF,
                       "--isolated")
    assert code == 1
    assert "At 09:00, Monday through Friday, America/New_York time" in out
    assert "At 14:00, Monday through Friday, UTC time" in out
    assert "first differing run 2027-03-15T09:00:00-04:00 (only in the files)" in out


def test_suppression_comment_silences_a_verdict(tmp_path: Path) -> None:
    """Comments and configuration apply as for validate: an inline ignore silences SL801."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "subs.yaml").write_text(
        "data:\n  destinationSubscriptions:\n    - id: s1\n      name: A\n"
        "      reverseETLModelId: m1\n      destinationId: d1\n      enabled: true\n"
        "      reverseETLSchedule:\n"
        "        strategy: periodic  # schedulelib: ignore[SL801]\n"
        "        config: {interval: 2h}\n", "utf-8")
    cases = [Case("changed", [], [_entry("s1", "A", _periodic("1h"))], "x")]
    snap = write_workspace(tmp_path / "other", cases, files=1)
    code, out, _ = run(str(repo), "--snapshot", str(snap), "--as-of", AS_OF, "--isolated")
    assert "SL801" not in out
    assert "1 changed" in out  # counted all the same
    assert code == 0


def test_not_static_terraform_is_unknown(tmp_path: Path) -> None:
    """A schedule Terraform knows only when it runs (SL903) is unknown, never same."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(
        'import {\n  to = segment_destination_subscription.s\n  id = "d1:s1"\n}\n'
        'resource "segment_destination_subscription" "s" {\n  destination_id = "d1"\n'
        '  model_id = "m1"\n  name = "A"\n  enabled = true\n'
        '  reverse_etl_schedule = var.schedule\n}\n', "utf-8")
    cases = [Case("unknown", [], [_entry("s1", "A", _periodic("1h"))], "x")]
    snap = write_workspace(tmp_path / "other", cases, files=1)
    code, out, _ = run(str(repo), "--snapshot", str(snap), "--as-of", AS_OF, "--isolated")
    assert code == 1
    assert "1 unknown" in out and "0 same" in out


def test_bad_snapshot_is_a_usage_error(tmp_path: Path) -> None:
    """A snapshot that cannot be read: exit 2 and one line naming it, no traceback."""
    bad = tmp_path / "snap.json"
    bad.write_text('{"schedulelibSnapshot": 99}', "utf-8")
    code, _out, err = run(str(tmp_path), "--snapshot", str(bad))
    assert code == 2 and "snap.json" in err and "Traceback" not in err
    code, _out, err = run(str(tmp_path), "--snapshot", str(tmp_path / "missing.json"))
    assert code == 2 and "Traceback" not in err


# -- the matcher alone --------------------------------------------------------------------------


def _snapshot(*subs: dict[str, Any]) -> Any:
    return parse_snapshot(json.dumps(snapshot_doc([Case("", [], list(subs), "")])))


def _record(sid: str | None, name: str | None, schedule: object, **kw: Any) -> FileRecord:
    return FileRecord(sid, name, kw.get("destination", "d1"), kw.get("model", "m1"),
                      kw.get("enabled", True), schedule, kw.get("static", True))


@pytest.mark.parametrize(("records", "subs", "verdicts"), [
    ([_record("s1", "A", _periodic("1h"))], [_entry("s1", "B", _periodic("1h"))], ["same"]),
    ([_record(None, "A", _periodic("1h"))], [_entry("s1", "A", _periodic("1h"))], ["same"]),
    ([_record(None, "A", _periodic("1h"), destination=None, model=None)],
     [_entry("s1", "A", _periodic("1h"), destination="d2")], ["same"]),
    ([_record(None, "A", _periodic("1h"))], [_entry("s1", "A", _periodic("1h"), model="m2")],
     ["only-in-files", "only-in-workspace"]),
    ([_record(None, "A", _periodic("1h")), _record(None, "A", _periodic("2h"))],
     [_entry("s1", "A", _periodic("1h"))], ["ambiguous", "ambiguous", "only-in-workspace"]),
    ([_record("s1", "A", _periodic("1h")), _record(None, "A", _periodic("1h"))],
     [_entry("s1", "A", _periodic("1h"))], ["same", "only-in-files"]),
    ([_record("s1", "A", _periodic("1h"), static=False)], [_entry("s1", "A", _periodic("1h"))],
     ["unknown"]),
    ([_record("s1", "A", _periodic("1h"))], [_entry("s1", "A", None)], ["unknown"]),
    ([_record("s1", "A", _periodic("5m"))], [_entry("s1", "A", _periodic("1h"))], ["unknown"]),
    ([_record("s1", "A", _periodic("1h"), enabled=False)], [_entry("s1", "A", _periodic("1h"))],
     ["enabled-differs"]),
    ([_record("s1", "A", _periodic("60m"), enabled=None)], [_entry("s1", "A", _periodic("1h"))],
     ["equivalent"]),
], ids=["id-beats-name", "by-name", "by-name-without-destination-or-model", "other-model",
        "two-want-one", "id-claims-first", "not-static", "no-schedule-in-workspace",
        "invalid-in-files", "enabled", "enabled-unsaid"])
def test_matching(records: list[FileRecord], subs: list[dict[str, Any]],
                  verdicts: list[str]) -> None:
    """Matching by id first, then by name (with destination and model where given), never on
    a guess; and the verdict of each pair."""
    pairings = compare(records, _snapshot(*subs), as_of=WHEN)
    assert [p.verdict for p in pairings] == verdicts
    by_name = [p for p in pairings if p.by == "name"]
    assert all("matched by name" in p.message for p in by_name)


def test_summary_counts_every_verdict() -> None:
    """The summary names every verdict, zeros included."""
    pairings = compare([_record("s1", "A", _periodic("1h"))],
                       _snapshot(_entry("s1", "A", _periodic("2h"))), as_of=WHEN)
    line = summary(pairings)
    assert _counts_of(line) == Counter({v: (1 if v == "changed" else 0) for v in VERDICTS})


# -- the Git sync layout of the shared corpus ---------------------------------------------------


def test_git_sync_export_matches_by_file_and_resource_names(tmp_path: Path) -> None:
    """Every real export file is matched by the ids in its name; a snapshot built from the
    files' own values is the same everywhere; changing one schedule in it is one change."""
    from tests.conftest import read_all

    from .test_subject import _corpus

    files = _corpus()
    for path, text in files:
        target = tmp_path / "repo" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    entries = []
    for scan in read_all([str(tmp_path / "repo")]):
        for found in scan.schedules:
            subject = found.subject
            if subject is None or subject.kind != "subscription":
                continue
            stem = Path(scan.file).name.removesuffix(".tf")
            assert subject.id == stem.split("_")[1]
            entries.append(_entry(subject.id, subject.name or "", found.doc,
                                  model=subject.model or "", enabled=bool(subject.enabled),
                                  destination=subject.destination or ""))
    assert len(entries) >= 12
    cases = [Case("same", [], entries, "")]
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps(snapshot_doc(cases)), "utf-8")
    code, out, _ = run(str(tmp_path / "repo"), "--snapshot", str(snap), "--as-of", AS_OF,
                       "--isolated")
    assert out.strip().splitlines()[-1].startswith(f"drift: {len(entries)} same, 0 equivalent, "
                                                   "0 changed")
    assert code == 0
    entries[0] = dict(entries[0], reverseETLSchedule=_cron("0 3 * * *"))
    snap.write_text(json.dumps(snapshot_doc([Case("", [], entries, "")])), "utf-8")
    code, out, _ = run(str(tmp_path / "repo"), "--snapshot", str(snap), "--as-of", AS_OF,
                       "--isolated")
    assert code == 1
    assert f"{len(entries) - 1} same" in out and "1 changed" in out
    assert f"'{entries[0]['id']}'" in next(x for x in out.splitlines() if "SL801" in x)


def test_hostile_values_are_findings_not_tracebacks(tmp_path: Path) -> None:
    """A 100 KB name, a 5,000-digit interval, an unknown zone, control characters in an id
    and a schedule nested 150 deep: each is a finding with a short message."""
    deep: object = _periodic("1h")
    for _ in range(150):
        deep = {"x": deep}
    big = "N" * 100_000
    cases = [
        Case("unknown", [_entry("s1", big, _periodic("9" * 5000 + "h"))],
             [_entry("s1", big, _periodic("1h"))], "x"),
        Case("unknown", [_entry("s2\u202e\x00", "B", _cron("0 0 * * *", "Europe/Atlantis"))],
             [_entry("s2\u202e\x00", "B", _periodic("1h"))], "x"),
        Case("unknown", [_entry("s3", "C", _periodic("1h"))], [_entry("s3", "C", deep)], "x"),
    ]
    snap = write_workspace(tmp_path / "repo", cases, files=1)
    code, out, err = run(str(tmp_path / "repo"), "--snapshot", str(snap), "--as-of", AS_OF,
                         "--isolated")
    assert code == 1 and "Traceback" not in out + err
    assert "3 unknown" in out.splitlines()[-1]
    assert max(len(line) for line in out.splitlines()) < 2000
    assert "\u202e" not in out and "\x00" not in out
