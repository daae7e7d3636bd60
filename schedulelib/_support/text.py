"""Text bound for a terminal or a UTF-8 stream: what may be written raw, and when to colour.

Names and values come from files, and a file can hold anything: an ESC that would rewrite the
screen, or (through a JSON ``"\\ud800"`` or an undecodable byte of a file name) a lone surrogate,
which a ``str`` can hold but no UTF-8 stream can carry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from typing import IO


@cache
def surrogate() -> re.Pattern[str]:
    """One lone surrogate (U+D800..U+DFFF): never valid in UTF-8.  Compiled on first use, as
    the pattern below: most runs write nothing that needs it (decision D55)."""
    return re.compile("[\ud800-\udfff]")


@cache
def _unprintable() -> re.Pattern[str]:
    """Characters a terminal must not receive raw from a file: C0 and C1 controls (ESC starts
    escape sequences that recolour, retitle or rewrite the screen; a line break in a file
    name starts a line a log reader takes for the tool's own, and GitHub's runner obeys one
    that starts ``::error``; a CR overwrites the line), DEL, the line and paragraph separators
    (a line break to many readers), the bidirectional embeddings, overrides and isolates
    (they reorder what is shown, CVE-2021-42574), and lone surrogates (no UTF-8 stream
    carries one)."""
    return re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _plain(text: str) -> bool:
    """Printable ASCII only (U+0020..U+007E): nothing above can be in it."""
    return text.isascii() and text.isprintable()


def printable(text: str) -> str:
    """``text`` with each such character replaced by U+FFFD (calendar pictures, D41)."""
    return text if _plain(text) else _unprintable().sub("\ufffd", text)


def _escape(match: re.Match[str]) -> str:
    c = match[0]
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` with each such character escaped (``\\n``, ``\\x1b``, ``\\u202e``), as values in
    messages already are: for file names, notes and server messages on one output line."""
    return text if _plain(text) else _unprintable().sub(_escape, text)


def writable(out: str, *, json: bool) -> str:
    """``out`` writable as UTF-8: in JSON each lone surrogate becomes its ``\\uXXXX`` escape
    (JSON strings are the only place one can be, and the escape reads back as the same
    string); in plain text, U+FFFD."""
    if out.isascii() or surrogate().search(out) is None:
        return out
    if not json:
        return surrogate().sub("\ufffd", out)
    return surrogate().sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def use_color(stream: IO[str] | IO[bytes], environ: Mapping[str, str] = os.environ) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    if environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
