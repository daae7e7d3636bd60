"""Machine formats of ``validate``: SARIF 2.1.0 (against the official schema, and what GitHub
code scanning takes), JSON version 1 (against docs/findings.schema.json), GitLab Code Quality,
GitHub annotations."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from click.testing import CliRunner

from schedulelib import __version__
from schedulelib.cli.main import cli
from schedulelib.core.rules import RULES

from .conftest import ROOT

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json")
                          .read_text("utf-8"))
FINDINGS_SCHEMA = json.loads((ROOT / "docs" / "findings.schema.json").read_text("utf-8"))

FILES = {
    # An error, a warning, and two findings with the same code and pointer in one file.
    "config/bad.json": '{\n  "strategy": "cron",\n  "config": {"spec": "0,50 * * * *", '
                       '"timezone": "US/Eastern"}\n}\n',
    "config/two.yaml": "- reverseETLSchedule: {strategy: periodic, config: {interval: 5m}}\n"
                       "- reverseETLSchedule: {strategy: periodic, config: {interval: 5m}}\n",
    "config/main.tf": 'resource "segment_destination_subscription" "s" {\n'
                      '  reverse_etl_schedule = {\n    strategy = "PERIODIC"\n'
                      '    config = jsonencode({ interval = "1d" })\n  }\n}\n',
    "config/broken.json": '{"reverseETLSchedule": {',
    "config/ok.json": '{"strategy": "manual"}\n',
    "config/Zürich office/s.json": '{"strategy": "periodic", "config": {"interval": "5m"}}\n',
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the files above, as the working directory."""
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", "--as-of", "2026-01-01", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


# -- SARIF -----------------------------------------------------------------------------------------


def test_sarif_is_valid_against_the_official_schema(repo: Path) -> None:
    """The SARIF 2.1.0 JSON Schema (OASIS, errata 01) accepts the output."""
    status, out = validate("--format", "sarif", "config", "missing.json")
    assert status == 2
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(out))


def test_sarif_has_what_code_scanning_needs(repo: Path) -> None:
    """One run; the driver names itself, its version and every rule with a help URI and a
    level; each result names a known rule, a relative path and a region from line 1."""
    _, out = validate("--format", "sarif", "config")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("schedulelib", __version__)
    rules = driver["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["helpUri"].startswith("https://")
        assert rule["helpUri"].endswith(f"docs/rules.md#{rule['id'].lower()}-{rule['name']}-"
                                        f"{RULES[rule['id']].severity}")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
    assert {r["ruleId"] for r in run["results"]} == {"SL407", "SL504", "SL203", "SL202",
                                                     "SL001"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == RULES[result["ruleId"]].severity
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and artifact["uri"].startswith("config/")
        # A URI reference: spaces and non-ASCII letters percent-encoded, '/' kept.
        assert re.fullmatch(r"[A-Za-z0-9/._~%-]+", artifact["uri"])
        assert (repo / unquote(artifact["uri"])).is_file()
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) > (region["startLine"],
                                                           region["startColumn"])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"


def test_sarif_anchors_exist_in_the_rule_reference() -> None:
    """Each help URI's anchor is a heading of docs/rules.md (GitHub's anchor rule)."""
    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
               for h in re.findall(r"^## (.+)$", text, flags=re.MULTILINE)}
    from schedulelib.lint.formats._common import rule_url

    for code in RULES:
        assert rule_url(code).split("#", 1)[1] in anchors


def test_sarif_fingerprints_are_stable_and_unique(repo: Path) -> None:
    """Two runs give the same partialFingerprints; two equal findings get different ones; an
    edit above a finding does not change its fingerprint."""
    def prints() -> list[str]:
        results = json.loads(validate("--format", "sarif", "config")[1])["runs"][0]["results"]
        return [r["partialFingerprints"]["schedulelib/v1"] for r in results]

    first = prints()
    assert prints() == first and len(set(first)) == len(first)
    bad = repo / "config" / "bad.json"
    bad.write_text("\n\n" + bad.read_text())
    assert prints() == first


def test_sarif_marks_a_run_that_failed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """executionSuccessful is false when a file could not be checked (exit 2)."""
    status, out = validate("--format", "sarif", "config/ok.json", "nothing-here.json")
    assert status == 2
    assert json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    status, out = validate("--format", "sarif", "config/ok.json")
    assert (status, json.loads(out)["runs"][0]["results"]) == (0, [])


# -- JSON version 1 --------------------------------------------------------------------------------


def test_json_matches_its_documented_schema(repo: Path) -> None:
    """docs/findings.schema.json (2020-12) accepts the output, for findings and for none."""
    validator = jsonschema.Draft202012Validator(
        FINDINGS_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    jsonschema.Draft202012Validator.check_schema(FINDINGS_SCHEMA)
    status, out = validate("--format", "json", "config", "missing.json")
    data = json.loads(out)
    validator.validate(data)
    assert status == 2 and data["summary"]["complete"] is False
    assert data["summary"]["files"] == 7
    codes = {f["code"] for f in data["findings"]}
    assert {"SL407", "SL504", "SL203", "SL202", "SL001", "SL901"} <= codes
    _, out = validate("--format", "json", "config/ok.json")
    validator.validate(json.loads(out))
    assert json.loads(out)["findings"] == []


def test_json_positions_and_urls(repo: Path) -> None:
    """Start and end positions (end never before start), the rule's URL, 0 for no position."""
    data = json.loads(validate("--format", "json", "config", "missing.json")[1])
    for f in data["findings"]:
        if f["code"] == "SL901":
            assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (0, 0, 0, 0)
            continue
        assert (f["end_line"], f["end_column"]) >= (f["line"], f["column"]) > (0, 0)
        assert f["url"].endswith(f"#{f['code'].lower()}-{f['rule']}-{f['severity']}")


# -- GitLab Code Quality ---------------------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality_fields(repo: Path) -> None:
    """Each issue has GitLab's documented fields; fingerprints are unique; paths relative."""
    _, out = validate("--format", "gitlab", "config")
    issues = json.loads(out)
    assert isinstance(issues, list) and len(issues) >= 5
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity",
                              "location"}
        assert isinstance(issue["description"], str) and issue["description"]
        assert issue["check_name"] in RULES
        assert issue["severity"] in GITLAB_SEVERITIES
        path = issue["location"]["path"]
        assert path.startswith("config/") and not os.path.isabs(path)
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert validate("--format", "gitlab", "config/ok.json")[1] == "[]\n"


# -- GitHub annotations ----------------------------------------------------------------------------


def test_github_annotations(repo: Path) -> None:
    """::error / ::warning with file, line, col, endLine, endColumn and the title."""
    _, out = validate("--format", "github", "config/bad.json")
    lines = out.splitlines()
    assert len(lines) == 2
    pattern = (r"::(error|warning) file=config/bad\.json,line=(\d+),col=(\d+),endLine=(\d+),"
               r"endColumn=(\d+),title=schedulelib \((SL\d{3})\)::.+")
    for line in lines:
        match = re.fullmatch(pattern, line)
        assert match is not None, line
        assert (int(match[4]), int(match[5])) >= (int(match[2]), int(match[3]))
        assert match[1] == RULES[match[6]].severity


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab", "github"],
                         ids=["json", "sarif", "gitlab", "github"])
def test_a_lone_surrogate_in_a_key_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              fmt: str) -> None:
    """A JSON key "\\ud800" in a finding's pointer is written (escaped in JSON), not a crash."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.json").write_text('{"strategy": "periodic", "config": {"interval": "1h", '
                                     '"\\ud800": 1}}')
    status, out = validate("--format", fmt, "s.json")
    assert status == 1
    if fmt == "github":
        assert "SL103" in out and out.encode("utf-8")
    elif fmt == "json":
        assert json.loads(out)["findings"][0]["pointer"] == "/config/\ud800"
    else:
        assert json.loads(out)
