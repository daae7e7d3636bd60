"""Every install snippet and CI recipe in README.md and docs/ works as written from this
repository: pip lines, pre-commit configurations, workflow files, commands, TOML settings."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from schedulelib.cli.main import cli
from schedulelib.cli.validate import validate
from schedulelib.lint.config import load_config

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GIT_URL = "https://github.com/<your-org>/schedulelib"
# The two ways to install: from a clone (the README's set-up commands), or from the Git URL.
PIP_FORMS = [
    re.compile(r"pip install -q -e (\.|'\.\[test\]'|'\.\[lsp\]')"),
    re.compile(r'pip install "schedulelib(\[lsp\])? @ git\+' + re.escape(GIT_URL)
               + r'@<ref>"'),
]


def _blocks(path: Path, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", path.read_text("utf-8"), flags=re.DOTALL)


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


@pytest.mark.parametrize("doc", DOCS, ids=_ids(DOCS))
def test_pip_lines_install_from_this_repository(doc: Path) -> None:
    """No `pip install schedulelib` from an index: a clone, or the Git URL with its
    placeholders explained in the same page."""
    text = doc.read_text("utf-8")
    for line in re.findall(r"^.*pip install.*$", text, flags=re.MULTILINE):
        assert any(form.search(line) for form in PIP_FORMS), line
    if "<your-org>" in text or "<ref>" in text:
        assert re.search(r"[Rr]eplace\s+`<your-org>`.*?`<ref>`", text, flags=re.DOTALL), (
            f"{doc.name} uses <your-org> / <ref> without saying what to put there")


def _tags() -> set[str]:
    done = subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=False)
    return set(done.stdout.split())


def _precommit_configs() -> list[tuple[str, dict[str, object]]]:
    out = []
    for doc in DOCS:
        for block in _blocks(doc, "yaml"):
            data = yaml.safe_load(block)
            if isinstance(data, dict) and "repos" in data:
                out.append((doc.name, data))
    return out


CONFIGS = _precommit_configs()


@pytest.mark.parametrize(("doc", "config"), CONFIGS,
                         ids=[f"{d}-{i}" for i, (d, _) in enumerate(CONFIGS)])
def test_precommit_configurations(doc: str, config: dict[str, object]) -> None:
    """Each repo is local or this repository; `rev:` names something that can exist (the
    explained <ref>, a commit sha or a real tag); hook ids and arguments are real."""
    hooks_file = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    ids = {h["id"] for h in hooks_file}
    repos = config["repos"]
    assert isinstance(repos, list)
    for repo in repos:
        if repo["repo"] == "local":
            for hook in repo["hooks"]:
                assert hook["language"] == "system"
                command = shlex.split(hook["entry"]) + list(hook.get("args", []))
                assert command[:2] == ["schedulelib", "validate"]
                validate.make_context("validate", [*command[2:], "x.json"])
                re.compile(hook["files"])
            continue
        assert repo["repo"] == GIT_URL
        rev = str(repo["rev"])
        assert rev == "<ref>" or re.fullmatch(r"[0-9a-f]{40}", rev) or rev in _tags(), rev
        for hook in repo["hooks"]:
            assert hook["id"] in ids
            validate.make_context("validate", [*hook.get("args", []), "x.json"])


def _commands() -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for line in doc.read_text("utf-8").splitlines():
            match = re.search(r"(?:^\$ |run: |- )schedulelib validate (.*)$", line.strip())
            if match:
                out.append((doc.name, match.group(1).split(" > ")[0]))
    return out


COMMANDS = _commands()


@pytest.mark.parametrize(("doc", "args"), COMMANDS,
                         ids=[f"{d}-{i}" for i, (d, _) in enumerate(COMMANDS)])
def test_every_documented_validate_command_parses(doc: str, args: str) -> None:
    """Each `schedulelib validate ...` shown in the docs has real options and values."""
    validate.make_context("validate", shlex.split(args))


def test_github_workflow_uploads_sarif_even_on_findings() -> None:
    """The code-scanning recipe: the permission, the SARIF step, an upload that always runs."""
    [workflow] = [yaml.safe_load(b) for b in _blocks(ROOT / "docs" / "ci.md", "yaml")
                  if "upload-sarif" in b]
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["validate"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert any("--format sarif" in r and "> schedulelib.sarif" in r for r in runs)
    [upload] = [s for s in steps if "upload-sarif" in s.get("uses", "")]
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] == "schedulelib.sarif"


def test_gitlab_job_reports_what_it_writes() -> None:
    """The GitLab recipe: the report file written is the one declared, kept on failure."""
    [job] = [yaml.safe_load(b)["schedules"] for b in _blocks(ROOT / "docs" / "ci.md", "yaml")
             if "codequality" in b]
    written = [line.split(" > ")[1] for line in job["script"] if "--format gitlab" in line]
    assert written == [job["artifacts"]["reports"]["codequality"]]
    assert job["artifacts"]["when"] == "always"


# Helix's languages.toml (docs/editors.md) configures an editor, not schedulelib.
TOMLS = [(doc.name, block) for doc in DOCS for block in _blocks(doc, "toml")
         if "[language-server." not in block]


@pytest.mark.parametrize(("doc", "block"), TOMLS,
                         ids=[f"{d}-{i}" for i, (d, _) in enumerate(TOMLS)])
def test_documented_settings_load(tmp_path: Path, doc: str, block: str) -> None:
    """Each TOML example is a configuration schedulelib accepts."""
    name = "pyproject.toml" if "[tool.schedulelib]" in block else ".schedulelib.toml"
    (tmp_path / name).write_text(block)
    assert load_config(tmp_path / name, required=True) is not None


def test_readme_shows_the_real_output_of_the_bad_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's `validate examples/bad.json` block is what the command prints today."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```console\n\$ schedulelib validate (examples/bad\.json)\n(.*?)```",
                      text, flags=re.DOTALL)
    assert block is not None
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["validate", block.group(1)])
    assert result.exit_code == 1
    assert result.stdout == block.group(2), "run the command and paste its output into README"


def test_top_level_help_cuts_no_sentence() -> None:
    """Each command's line in `--help` is whole: no '...' and no cut '(e.g.'."""
    out = CliRunner().invoke(cli, ["--help"]).stdout
    rows = out.split("Commands:\n", 1)[1]
    assert "..." not in rows and "(e.g." not in rows
    assert "Explain rule CODE" in rows
