"""Findings for people: one line each on the terminal, and the closing summary.

The machine formats of findings (JSON, GitHub annotations, SARIF, GitLab) are in
:mod:`schedulelib.lint.formats`, one module each; the ``next`` / ``explain`` reports are in
:mod:`schedulelib.preview.text`.  Every function returns a string; printing is the command
line's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from schedulelib._support.text import shown
from schedulelib.lint.sources import Finding

if TYPE_CHECKING:
    from schedulelib.lint.formats import Run

_STYLES = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "where": "\x1b[1m",
           "hint": "\x1b[2m", "code": "\x1b[36m"}
_RESET = "\x1b[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if color else text


def where(finding: Finding) -> str:
    """``file:line:col`` (or just ``file`` for a problem without a position); a control
    character in the name is escaped, so no name can forge a line of its own."""
    if finding.line:
        return f"{shown(finding.file)}:{finding.line}:{finding.column}"
    return shown(finding.file)


def text(findings: Sequence[Finding], *, color: bool = False) -> str:
    """One line per finding, ``file:line:col: error SL101 message``, then its hint indented."""
    lines = []
    for f in findings:
        lines.append(f"{_paint(where(f), 'where', color)}: {_paint(f.severity, f.severity, color)}"
                     f" {_paint(f.code, 'code', color)} {_one_line(f.message)}")
        if f.hint:
            lines.append(_paint(f"  hint: {_one_line(f.hint)}", "hint", color))
    return "".join(line + "\n" for line in lines)


def summary(findings: Sequence[Finding], files: int, schedules: int, skipped: int = 0,
            unchecked: int = 0) -> str:
    """The closing line of a text report (``files`` counts the files judged; ``skipped`` those
    that are not about schedules, or not regular files; ``unchecked`` the schedules found but
    not checked, which ``schedules`` never counts)."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    checked = (f"{_count(schedules, 'schedule')} in {_count(files, 'file')}")
    if skipped:
        checked += f" ({skipped} skipped)"
    if unchecked:
        # Never counted in "checked": a part only Terraform knows (SL903), or a config
        # string that is not JSON.
        checked += f"; {_count(unchecked, 'schedule')} could not be checked"
    if not findings:
        return f"checked {checked}: no problems\n"
    return f"checked {checked}: {_count(errors, 'error')}, {_count(warnings, 'warning')}\n"


def render(findings: Sequence[Finding], fmt: str, *, color: bool = False,
           run: Run | None = None) -> str:
    """The findings as text, or in a machine format of :mod:`schedulelib.lint.formats`."""
    if fmt == "text":
        return text(findings, color=color)
    from schedulelib.lint.formats import render as machine

    return machine(findings, fmt, run)


def _one_line(value: str) -> str:
    return shown(value)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
