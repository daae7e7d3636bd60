"""A real repository run through the real ``pre-commit run --all-files``: only schedule files
are judged (issue 8 section 1; docs/decisions.md D23)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from .test_precommit import PRE_COMMIT, _git, _hook_repo, pytestmark  # noqa: F401

GOOD = """\
# Subscriptions of the warehouse model
subscriptions:
  - name: nightly
    reverseETLSchedule:
      strategy: cron
      config: {spec: "30 2 * * *", timezone: Europe/Berlin}
"""
BAD = {"name": "too often", "reverseETLSchedule": {"strategy": "periodic",
                                                  "config": {"interval": "5m"}}}
# Files every repository has, none about Segment schedules; each used to fail the hook.
UNRELATED = {
    "tsconfig.json": ('{\n  // comments are fine in tsconfig\n'
                      '  "compilerOptions": {"strict": true,},\n}\n'),
    "chart/templates/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  strategy:\n    type: {{ .Values.strategy | default \"RollingUpdate\" }}\n"
        "  replicas: {{ .Values.replicas }}\n"),
    "empty.yaml": "",
    "package.json": '{"name": "web", "version": "1.0.0", "version": "1.0.1"}\n',
    ".github/workflows/ci.yml": (
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n"
        "      matrix:\n        python: ['3.11', '3.12']\n    steps:\n"
        "      - uses: actions/checkout@v4\n"),
    "cloudformation.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Nightly:\n"
        "    Type: AWS::Events::Rule\n    Properties:\n"
        "      ScheduleExpression: cron(0 2 * * ? *)\n      Targets:\n"
        "        - Arn: !GetAtt Worker.Arn\n          Id: worker\n"),
}
FINDING = re.compile(r"^(\S+):\d+:\d+: (error|warning) (SL\d{3})", re.MULTILINE)


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_only_the_bad_schedule_fails_in_a_real_repository(tmp_path: Path, strict: bool) -> None:
    """pre-commit hands the hook every JSON and YAML file; only the bad schedule is reported."""
    source = _hook_repo(tmp_path)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, check=True,
                          capture_output=True, text=True).stdout.strip()
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    files = {**UNRELATED, "schedules/good.yaml": GOOD, "schedules/bad.json": json.dumps(BAD)}
    args = "\n        args: [--strict]" if strict else ""
    files[".pre-commit-config.yaml"] = (
        f"repos:\n  - repo: {source}\n    rev: {head}\n    hooks:\n"
        f"      - id: schedulelib-validate{args}\n")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path.parent / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    run = subprocess.run([str(PRE_COMMIT), "run", "--all-files"], cwd=repo, env=env,
                         capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    assert FINDING.findall(run.stdout) == [("schedules/bad.json", "error", "SL203")], run.stdout
    # pre-commit may split the files between several runs of the hook: add their summaries.
    skipped = sum(int(n) for n in re.findall(r"\((\d+) skipped\)", run.stdout))
    assert skipped == len(UNRELATED) + 1, run.stdout  # and .pre-commit-config.yaml
