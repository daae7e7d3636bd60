"""Machine formats of ``schedulelib validate``: one module each, imported when asked for.

``text`` (the terminal) lives in :mod:`schedulelib.lint.render`.
Every formatter takes the findings and a :class:`Run` (what was checked) and returns a string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from schedulelib._support.text import writable
from schedulelib.lint.formats._common import Run

if TYPE_CHECKING:
    from schedulelib.lint.sources import Finding

__all__ = ["FORMATS", "Run", "render"]

#: ``--format`` choices, and the module that writes each machine format.
FORMATS = ("text", "json", "github", "sarif", "gitlab")


def render(findings: Sequence[Finding], fmt: str, run: Run | None = None) -> str:
    """The findings in machine format ``fmt`` (any of :data:`FORMATS` but text).

    Each format's module is imported only when it is asked for."""
    writer: Callable[[Sequence[Finding], Run], str]
    if fmt == "json":
        from schedulelib.lint.formats.json_format import render as writer
    elif fmt == "github":
        from schedulelib.lint.formats.github import render as writer
    elif fmt == "sarif":
        from schedulelib.lint.formats.sarif import render as writer
    elif fmt == "gitlab":
        from schedulelib.lint.formats.gitlab import render as writer
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return writable(writer(findings, run or Run()), json=fmt != "github")

