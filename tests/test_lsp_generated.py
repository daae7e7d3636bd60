"""Generated schedules, written as JSON, YAML and Terraform with odd names and line ends: the
server's diagnostics (through a real client over stdio) are validate's, range for range."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .lsp_client import ROOT, server
from .test_lsp import _units, corpus_specs, got

DATA = Path(__file__).resolve().parent / "data"
DURATIONS = [r.split("\t")[0] for r in
             (DATA / "corpus_durations.tsv").read_text("utf-8").splitlines()[1:] if r]
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "US/Eastern", "Asia/Kolkata",
         "Australia/Lord_Howe", "Nowhere/Land", "", "Local", "europe/berlin", "../etc/passwd"]
# No "$" or "%": in a Terraform string they start a template, which a schedule never uses.
NAMES = st.text(alphabet=st.sampled_from("ab \u00e9\U0001f600\U00010348\u202e\"\\\t"),
                max_size=8)
STRATEGY = st.sampled_from(["cron", "CRON", "periodic", "PERIODIC", "specific_days",
                            "SPECIFIC_DAYS", "manual", "dbt_cloud", "hourly"])
NUMBER = st.one_of(st.integers(-2, 26), st.sampled_from([8.0, 1.5, "08", "x", True, None]))


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, object]:
    strategy = draw(STRATEGY)
    kind = strategy.lower()
    zone = draw(st.sampled_from(ZONES))
    config: object
    if kind == "cron":
        config = {"spec": draw(st.sampled_from([*corpus_specs()[:120], "@daily",
                                                "0 9 ? * 1-5", "*/5 * * * *", "30 2 * * *"])),
                  "timezone": zone}
    elif kind == "periodic":
        config = {"interval": draw(st.one_of(st.sampled_from(DURATIONS),
                                             st.integers(0, 10**20).map(lambda n: f"{n}m")))}
    elif kind == "specific_days":
        config = {"days": draw(st.lists(NUMBER, max_size=4)),
                  "hours": draw(st.lists(NUMBER, max_size=4)), "timezone": zone}
    elif kind == "dbt_cloud":
        config = {"jobId": draw(st.sampled_from(["123", "", 7])), "accountId": "42"}
    else:
        config = draw(st.sampled_from([None, {}, {"x": 1}]))
    doc: dict[str, object] = {"strategy": strategy}
    if config is not None or draw(st.booleans()):
        doc["config"] = config
    return doc


def _hcl(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_hcl(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def render(folder: Path, items: list[tuple[str, dict[str, object]]], crlf: bool) -> list[Path]:
    subs = [{"name": name, "reverseETLSchedule": doc} for name, doc in items]
    out = []
    texts = {
        "gen.json": json.dumps({"subscriptions": subs}, indent=2, ensure_ascii=False) + "\n",
        "gen.yaml": yaml.safe_dump({"subscriptions": subs}, allow_unicode=True,
                                   sort_keys=False),
        "gen.tf": "".join(
            f'resource "segment_destination_subscription" "s{i}" {{\n'
            f"  name = {_hcl(name)}\n  reverse_etl_schedule = {{\n"
            f"    strategy = {_hcl(doc['strategy'])}\n"
            + (f"    config = jsonencode({_hcl(doc['config'])})\n" if "config" in doc else "")
            + "  }\n}\n" for i, (name, doc) in enumerate(items)),
    }
    for name, text in texts.items():
        path = folder / name
        path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
        out.append(path)
    return out


def validate_all(folder: Path) -> dict[str, list[dict[str, object]]]:
    done = subprocess.run([sys.executable, "-m", "schedulelib", "validate", "--format", "json",
                           str(folder)], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=120)
    found: dict[str, list[dict[str, object]]] = {}
    for f in json.loads(done.stdout)["findings"]:
        found.setdefault(Path(str(f["file"])).name, []).append(f)
    return found


def expected(path: Path, findings: list[dict[str, object]]) -> list[object]:
    import re

    lines = re.split(r"\r\n|\r|\n", path.read_bytes().decode("utf-8"))
    out = []
    for f in findings:
        line, col = int(str(f["line"])), int(str(f["column"]))
        end_line, end_col = int(str(f["end_line"])), int(str(f["end_column"]))
        where = (0, 0, 0, 0) if line == 0 else (
            line - 1, _units(lines[line - 1][:col - 1], "utf-16"),
            end_line - 1, _units(lines[end_line - 1][:end_col - 1], "utf-16"))
        out.append((str(f["code"]), str(f["severity"]), where))
    return out


BATCH = st.lists(st.tuples(NAMES, schedules()), min_size=1, max_size=10)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(BATCH, st.booleans())
@example([("\U0001f600\U0001f600", {"strategy": "cron", "config": {
    "spec": "*/5 * * * *", "timezone": "US/Eastern"}})], True)
@example([("x", {"strategy": "specific_days", "config": {
    "days": [1, 1, "08"], "hours": [8.0, 30], "timezone": "Nowhere/Land"}})], False)
def test_generated_files_get_validates_diagnostics(items: list[tuple[str, dict[str, object]]],
                                                   crlf: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = render(folder, items, crlf)
        oracle = validate_all(folder)

        async def main() -> list[object]:
            async with server(cwd=folder) as session:
                return [got(await session.open(p)) for p in files]

        results = asyncio.run(main())
        for path, have in zip(files, results, strict=True):
            assert have == expected(path, oracle.get(path.name, [])), path.name
