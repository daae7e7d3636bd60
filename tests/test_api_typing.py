"""The public API as a user's type checker sees it: mypy --strict on small user scripts."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

import schedulelib

from .conftest import ROOT

GOOD = '''
from datetime import UTC, datetime

import schedulelib
from schedulelib import Analysis, DstEvent, DstPolicy

policy: DstPolicy = "debian"
schedule = schedulelib.load({"strategy": "cron",
                             "config": {"spec": "30 2 * * *", "timezone": "Europe/Berlin"}})
result: Analysis = schedulelib.analyze(schedule, datetime(2026, 3, 1, tzinfo=UTC),
                                       datetime(2026, 4, 1, tzinfo=UTC), dst=policy)
events: list[DstEvent] = list(result.events)
runs: list[datetime] = schedule.next_runs(datetime(2026, 1, 1, tzinfo=UTC), 3, dst="go")
found: list[schedulelib.Diagnostic] = schedulelib.check({"strategy": "manual"})
print(result.runs, len(events), runs, found, schedulelib.parse_cron("0 9 * * *").min_gap)
scanned: schedulelib.ScannedFile = schedulelib.scan_text('{"strategy": "manual"}', name="x.json")
places: list[tuple[str, int, int]] = [(s.pointer, s.line, s.end_column) for s in scanned.schedules]
codes: list[str] = [f.code for f in scanned.findings]
print(places, codes, [f.file for f in schedulelib.scan_paths(["."])])
'''

BAD = '''
from datetime import UTC, datetime

import schedulelib

schedule = schedulelib.load({"strategy": "manual"})
schedulelib.analyze(schedule, datetime(2026, 1, 1, tzinfo=UTC),
                    datetime(2026, 2, 1, tzinfo=UTC), dst="gmt")
schedulelib.analyse(schedule)
schedulelib.scan_text("strategy: manual", kind="toml")
'''


def _site_packages(venv: Path) -> Path:
    purelib = sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
    return Path(purelib)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """mypy --strict over both scripts, with schedulelib installed (by path) in a new venv."""
    tmp = tmp_path_factory.mktemp("typing")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = _site_packages(venv)
    site.mkdir(parents=True, exist_ok=True)
    # Installed the way a compat-mode editable install is: a .pth path entry, which type
    # checkers follow (the default editable install uses an import hook, which they cannot).
    (site / "schedulelib-checkout.pth").write_text(str(ROOT) + "\n", encoding="utf-8")
    (tmp / "good.py").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    (tmp / "bad.py").write_text(textwrap.dedent(BAD), encoding="utf-8")
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--python-executable", str(python), "good.py", "bad.py"],
        cwd=tmp, capture_output=True, text=True, check=False)
    return result.stdout + result.stderr


def test_the_public_api_type_checks(mypy_output: str) -> None:
    """A script using check, load, analyze, Analysis, DstEvent, DstPolicy and the scanning
    API passes mypy."""
    assert "good.py" not in mypy_output, mypy_output


def test_type_checker_catches_misuse(mypy_output: str) -> None:
    """A wrong dst policy or kind and a misspelt function are errors, not silently
    'object'."""
    wrong_dst = 'error: Argument "dst" to "analyze" has incompatible type "Literal[\'gmt\']"'
    assert wrong_dst in mypy_output
    assert 'error: Module has no attribute "analyse"' in mypy_output
    assert 'error: Argument "kind" to "scan_text" has incompatible type' in mypy_output
    assert mypy_output.count("bad.py:") == 3


def test_lazy_names_are_real_at_run_time() -> None:
    """The analysis types load on first use and are listed by dir()."""
    from schedulelib.core.analysis import Analysis, DstEvent, RealGap

    assert (schedulelib.Analysis, schedulelib.DstEvent, schedulelib.RealGap) == (
        Analysis, DstEvent, RealGap)
    assert {"Analysis", "analyze", "DstPolicy"} <= set(dir(schedulelib))
    assert sorted(schedulelib.__all__) == schedulelib.__all__
    with pytest.raises(AttributeError):
        schedulelib.analyse  # type: ignore[attr-defined]  # noqa: B018
