"""What a ``validate`` run imports: only the readers of the kinds of file it reads.

Each run is a fresh interpreter (a subprocess), so nothing a test imported before can hide an
import; the list of modules is taken after the command has run, lazy imports included.
Start-up time itself is measured in benchmarks/bench_startup.py, not here.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Run the command as the console script does, then write the names of the imported modules
# (a file of its own: the command's output goes to stdout).
_PROBE = """
import sys
from schedulelib.cli.main import run
status = run(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(repr([status, sorted(sys.modules)]))
"""

#: Never imported by a validate of JSON files: the other readers, the other wings, and the
#: dependencies only other commands use.
NOT_FOR_JSON = [
    "schedulelib.lint.sources.yaml",
    "schedulelib.lint.sources.terraform",
    "schedulelib.lint.sources.hcl",
    "schedulelib.lint.sources.tfjson",
    "schedulelib.lint.fix",
    "schedulelib.lint.formats",
    # The rules judged together: only when two schedules name their model or source.
    "schedulelib.lint.together",
    "schedulelib.core.collide",
    "schedulelib.lsp",
    "pygls",
    "schedulelib.preview",
    "schedulelib.workspace",
    "schedulelib.core.analysis",
    "schedulelib.core.schema",
    "schedulelib.lint.sources.plan",
    "schedulelib.core.explain",
    "yaml",
    "icalendar",
    "httpx",
    "cron_descriptor",
    "dateutil",
    "importlib.resources",
]


def imported_by(args: list[str], tmp_path: Path) -> tuple[int, set[str], str]:
    """The exit status, the modules imported and the output of ``schedulelib ARGS``."""
    listing = tmp_path / "modules.txt"
    done = subprocess.run([sys.executable, "-c", _PROBE, str(listing), *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          cwd=tmp_path)
    assert listing.exists(), done.stderr
    status, modules = ast.literal_eval(listing.read_text(encoding="utf-8"))
    return status, set(modules), done.stdout


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_a_json_file_loads_no_other_reader(tmp_path: Path) -> None:
    """validate of the JSON example imports no YAML or Terraform reader, and no other wing."""
    status, modules, out = imported_by(["validate", str(EXAMPLES / "subscriptions.json")],
                                       tmp_path)
    assert status == 0 and out.startswith("checked 4 schedules in 1 file"), out
    assert "schedulelib.lint.sources.json" in modules  # the probe sees lazy imports
    assert [name for name in NOT_FOR_JSON if loaded(modules, name)] == []


def test_unrelated_files_beside_json_load_no_reader_either(tmp_path: Path) -> None:
    """A workflow YAML and a .tf that are not about Segment schedules are skipped unread."""
    tree = tmp_path / "repo"
    (tree / ".github" / "workflows").mkdir(parents=True)
    (tree / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n"
        "      matrix:\n        python: ['3.11']\n", encoding="utf-8")
    (tree / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
                                  encoding="utf-8")
    (tree / "package.json").write_text(json.dumps({"name": "x", "version": "1.0.0"}),
                                       encoding="utf-8")
    (tree / "syncs.json").write_text(json.dumps({"subscriptions": [{"reverseETLSchedule": {
        "strategy": "cron", "config": {"spec": "0 * * * *", "timezone": "UTC"}}}]}),
        encoding="utf-8")
    status, modules, out = imported_by(["validate", str(tree)], tmp_path)
    assert status == 0 and out.startswith("checked 1 schedule in 1 file"), out
    assert [name for name in NOT_FOR_JSON if loaded(modules, name)] == []


@pytest.mark.parametrize(("name", "text", "reader"), [
    ("syncs.yaml", "reverseETLSchedule:\n  strategy: manual\n",
     "schedulelib.lint.sources.yaml"),
    ("main.tf", 'resource "segment_destination_subscription" "s" {\n'
     '  reverse_etl_schedule = {\n    strategy = "MANUAL"\n  }\n}\n',
     "schedulelib.lint.sources.hcl"),
], ids=["yaml", "terraform"])
def test_a_file_of_another_kind_loads_its_reader(tmp_path: Path, name: str, text: str,
                                                 reader: str) -> None:
    """The control: a schedule in YAML or Terraform does load that reader (and only then)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    status, modules, out = imported_by(["validate", str(path)], tmp_path)
    assert status == 0 and out.startswith("checked 1 schedule in 1 file"), out
    assert reader in modules


@pytest.mark.parametrize(("before", "during"), [
    ((700, 10, 10), (50_000, 10, 10)),  # CPython's default
    ((0, 10, 10), (0, 10, 10)),  # automatic collection off: it stays off
    ((100_000, 5, 5), (100_000, 5, 5)),  # already larger: left alone
], ids=["default", "off", "larger"])
def test_a_command_runs_with_a_larger_collector_threshold_and_restores_it(
        monkeypatch: pytest.MonkeyPatch, before: tuple[int, int, int],
        during: tuple[int, int, int]) -> None:
    """run() raises the young-generation threshold while the command runs, then restores it."""
    import gc

    from schedulelib.cli import main

    seen: list[tuple[int, int, int]] = []

    def command(argv: object) -> int:
        seen.append(gc.get_threshold())
        raise KeyboardInterrupt  # the threshold comes back even when the command fails

    monkeypatch.setattr(main, "_run", command)
    saved = gc.get_threshold()
    gc.set_threshold(*before)
    try:
        with pytest.raises(KeyboardInterrupt):
            main.run(["validate", "x.json"])
        assert (seen, gc.get_threshold()) == ([during], before)
    finally:
        gc.set_threshold(*saved)


@pytest.mark.parametrize(("pyproject", "parsed"), [
    ('[project]\nname = "app"\ndependencies = ["schedulelib>=0.1"]\n'
     '[project.scripts]\nschedulelib = "x:y"  # schedulelib\n', False),
    ('[project]\ndependencies = ["schedulelib>=0.1"]\n[tool.schedulelib]\nstrict = true\n', True),
], ids=["a-dependency", "the-table"])
def test_tomllib_only_for_a_configuration(tmp_path: Path, pyproject: str, parsed: bool) -> None:
    """A pyproject.toml that names schedulelib only as a dependency is not parsed (D76); one
    with [tool.schedulelib] is, and its settings apply (strict: the alias warning fails)."""
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "alias.json").write_text(json.dumps({"reverseETLSchedule": {
        "strategy": "cron", "config": {"spec": "0 9 * * *", "timezone": "US/Eastern"}}}),
        encoding="utf-8")
    status, modules, out = imported_by(["validate", str(tmp_path / "alias.json")], tmp_path)
    assert "SL504" in out and ("tomllib" in modules) is parsed and status == int(parsed)
