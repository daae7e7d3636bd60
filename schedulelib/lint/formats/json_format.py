"""``--format json``: one JSON document, version 1 (schema: docs/findings.schema.json).

One document rather than JSON Lines (decision D36): a run is judged as a whole (the summary
and the version travel with the findings), an empty run is still a valid document, and a
truncated output is an error for any JSON reader instead of a quietly shorter list.  The
findings of even a large repository are small, so nothing is gained by streaming.

``version`` changes only when a field is removed or changes meaning; new fields may appear.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from schedulelib.lint.formats._common import Run, rule_url, span

if TYPE_CHECKING:
    from schedulelib.lint.sources import Finding

VERSION = 1


def finding(f: Finding) -> dict[str, object]:
    """One finding as the version-1 object: the end is exclusive (one past the value's last
    character); a finding without a position has 0 for all four line and column fields."""
    from schedulelib.core.rules import RULES

    line, column, end_line, end_column = span(f) if f.line > 0 else (0, 0, 0, 0)
    rule = RULES.get(f.code)
    return {"code": f.code, "rule": rule.name if rule else "", "severity": f.severity,
            "file": f.file, "line": line, "column": column, "end_line": end_line,
            "end_column": end_column, "pointer": f.pointer, "message": f.message,
            "hint": f.hint, "url": rule_url(f.code)}


def render(findings: Sequence[Finding], run: Run) -> str:
    from schedulelib._support.version import __version__

    errors = sum(1 for f in findings if f.severity == "error")
    return json.dumps({
        "version": VERSION,
        "tool": {"name": "schedulelib", "version": __version__},
        "summary": {"files": run.files, "skipped": run.skipped, "schedules": run.schedules,
                    "unchecked": run.unchecked, "skipped_files": list(run.skipped_files),
                    "errors": errors,
                    "warnings": len(findings) - errors, "complete": not run.trouble},
        "findings": [finding(f) for f in findings],
    }, indent=2, ensure_ascii=False) + "\n"
