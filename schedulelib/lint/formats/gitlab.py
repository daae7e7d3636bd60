"""``--format gitlab``: a GitLab Code Quality report (``artifacts: reports: codequality``).

A JSON array of the fields GitLab documents for the report: ``description``, ``check_name``,
``fingerprint`` (unique per finding, or GitLab keeps only one of each), ``severity`` (one of
info, minor, major, critical, blocker) and ``location.path`` (from the repository root) with
``location.lines.begin``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from schedulelib.lint.formats._common import Run, fingerprints, relative_path, span

if TYPE_CHECKING:
    from schedulelib.lint.sources import Finding

#: An error stops the sync from being saved; a warning is a risk worth a look.
SEVERITY = {"error": "major", "warning": "minor"}


def render(findings: Sequence[Finding], run: Run) -> str:
    issues = []
    for f, fingerprint in zip(findings, fingerprints(findings), strict=True):
        description = f"{f.code} {f.message}" + (f" (hint: {f.hint})" if f.hint else "")
        issues.append({
            "description": description,
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": SEVERITY.get(f.severity, "minor"),
            "location": {"path": relative_path(f.file), "lines": {"begin": span(f)[0]}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
