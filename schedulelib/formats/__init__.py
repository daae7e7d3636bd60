"""Machine formats of ``schedulelib validate``: one module each, imported when asked for.

``text`` (the terminal) lives in :mod:`schedulelib.render` with the other human outputs.
Every formatter takes the findings and a :class:`Run` (what was checked) and returns a string.
"""

from __future__ import annotations

import importlib
import re

from ._common import Run

__all__ = ["FORMATS", "Run", "render", "writable"]

#: ``--format`` choices, and the module that writes each machine format.
FORMATS = ("text", "json", "github", "sarif", "gitlab")
_MODULES = {"json": "json_format", "github": "github", "sarif": "sarif", "gitlab": "gitlab"}


def render(findings: object, fmt: str, run: Run | None = None) -> str:
    """The findings in machine format ``fmt`` (any of :data:`FORMATS` but text)."""
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    out: str = module.render(findings, run or Run())
    return writable(out, json=fmt != "github")


#: A lone surrogate (a JSON "\ud800" in a key or value, an undecodable byte of a file name)
#: can be held by a str but not written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def writable(out: str, *, json: bool) -> str:
    """``out`` writable as UTF-8: in JSON each lone surrogate becomes its ``\\uXXXX`` escape
    (JSON strings are the only place one can be, and the escape reads back as the same
    string); in plain text, U+FFFD."""
    if _SURROGATE.search(out) is None:
        return out
    if not json:
        return _SURROGATE.sub("\ufffd", out)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)
