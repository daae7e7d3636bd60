"""The pre-commit hook, run by the real ``pre-commit try-repo`` on this checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The test extra installs pre-commit beside this interpreter, which need not be on PATH.
PRE_COMMIT = (shutil.which("pre-commit", path=str(Path(sys.executable).parent))
              or shutil.which("pre-commit"))

pytestmark = pytest.mark.skipif(
    (PRE_COMMIT is None or shutil.which("git") is None) and not os.environ.get("CI"),
    reason="pre-commit (or git) is not installed",
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _hook_repo(tmp_path: Path) -> Path:
    """This checkout's working tree (committed or not) as a one-commit repository: try-repo
    only sees tracked files."""
    source = tmp_path / "schedulelib-src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "schedulelib", source / "schedulelib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    _git(source, "init", "-q")
    _git(source, "add", ".")
    _git(source, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "x")
    return source


def test_hook_passes_good_and_fails_bad_files(tmp_path: Path,
                                              request: pytest.FixtureRequest) -> None:
    """try-repo installs the hook from a copy of this checkout (language: python), runs it."""
    source = _hook_repo(tmp_path)
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    good = {"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "1h"}}}
    bad = {"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "1d"}}}
    (repo / "good.json").write_text(json.dumps(good))
    (repo / "bad.json").write_text(json.dumps(bad))
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}

    def hook(*files: str, verbose: bool = False) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(source), "schedulelib-validate",
                               *(["--verbose"] if verbose else []), "--files", *files],
                              cwd=repo, env=env, capture_output=True, text=True, check=False,
                              timeout=600)

    passed = hook("good.json")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = hook("good.json", "bad.json")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.json:1:72: error SL202" in failed.stdout
    # A changed file that starts with an unchanged one of its warehouse: found through the
    # repository read as context, reported in the changed file alone.
    for name in ("changed", "unchanged"):
        (repo / f"{name}.json").write_text(json.dumps({
            "name": name, "modelId": "m1", "reverseETLSchedule": {
                "strategy": "cron", "config": {"spec": "0 9 * * *", "timezone": "UTC"}}}))
    together = hook("changed.json", verbose=True)  # a warning: shown, not failing
    assert together.returncode == 0, together.stdout + together.stderr
    assert "changed.json:1:" in together.stdout and "warning SL701" in together.stdout
    assert "collides with 'unchanged'" in together.stdout
    assert "unchanged.json:1:" not in together.stdout.replace("(unchanged.json:1)", "")
