"""Machine formats of ``schedulelib validate``: one module each, imported when asked for.

``text`` (the terminal) lives in :mod:`schedulelib.render` with the other human outputs.
Every formatter takes the findings and a :class:`Run` (what was checked) and returns a string.
"""

from __future__ import annotations

import importlib

from ._common import Run

__all__ = ["FORMATS", "Run", "render"]

#: ``--format`` choices, and the module that writes each machine format.
FORMATS = ("text", "json", "github", "sarif", "gitlab")
_MODULES = {"json": "json_format", "github": "github", "sarif": "sarif", "gitlab": "gitlab"}


def render(findings: object, fmt: str, run: Run | None = None) -> str:
    """The findings in machine format ``fmt`` (any of :data:`FORMATS` but text)."""
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    out: str = module.render(findings, run or Run())
    return out
