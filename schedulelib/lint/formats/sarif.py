"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; the tool's driver lists every rule (id, name, short and full description, help text,
help URI into docs/rules.md, default level), and each result names its rule by id and index,
with a region (start and end line and column, counted in Unicode code points) in a file given
relative to ``%SRCROOT%`` (the working directory) when it lies inside it.  Each result carries
``partialFingerprints`` that stay the same across runs over the same files, so code scanning
tracks an alert from one run to the next instead of opening a new one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from schedulelib.lint.formats._common import (
    RULES_URL,
    Run,
    fingerprints,
    relative_path,
    rule_url,
    span,
)

if TYPE_CHECKING:
    from schedulelib.core.rules import Rule
    from schedulelib.lint.sources import Finding

SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
          "sarif-schema-2.1.0.json")
FINGERPRINT = "schedulelib/v1"


def _rule(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.what},
        "fullDescription": {"text": f"{rule.what} {rule.why}"},
        "help": {"text": f"{rule.fix}\nExample: {rule.example}",
                 "markdown": f"{rule.fix}\n\nExample: `{rule.example}`"},
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"level": rule.severity},
        "properties": {"tags": ["schedulelib"]},
    }


def _location(f: Finding) -> dict[str, object]:
    name = relative_path(f.file)
    if name.startswith("<"):
        artifact: dict[str, object] = {"uri": quote(name.strip("<>"))}
    elif os.path.isabs(name):
        artifact = {"uri": Path(name).as_uri()}
    else:
        artifact = {"uri": quote(name), "uriBaseId": "%SRCROOT%"}
    physical: dict[str, object] = {"artifactLocation": artifact}
    line, column, end_line, end_column = span(f)
    physical["region"] = {"startLine": line, "startColumn": column, "endLine": end_line,
                          "endColumn": end_column}
    return {"physicalLocation": physical}


def render(findings: Sequence[Finding], run: Run) -> str:
    from schedulelib._support.version import __version__
    from schedulelib.core.rules import RULES

    index = {code: i for i, code in enumerate(RULES)}
    results = []
    for f, fingerprint in zip(findings, fingerprints(findings), strict=True):
        result: dict[str, object] = {
            "ruleId": f.code,
            "level": f.severity if f.severity in ("error", "warning") else "note",
            "message": {"text": f.message + (f"\nhint: {f.hint}" if f.hint else "")},
            "locations": [_location(f)],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.pointer:
            result["properties"] = {"pointer": f.pointer}
        results.append(result)
    root = Path.cwd().as_uri()
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "schedulelib",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": RULES_URL.removesuffix("/blob/main/docs/rules.md"),
                "rules": [_rule(r) for r in RULES.values()],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root if root.endswith("/")
                                                 else root + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not run.trouble}],
            "results": results,
        }],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
