"""Text bound for a terminal or a UTF-8 stream: what may be written raw, and when to colour.

Names and values come from files, and a file can hold anything: an ESC that would rewrite the
screen, or (through a JSON ``"\\ud800"`` or an undecodable byte of a file name) a lone surrogate,
which a ``str`` can hold but no UTF-8 stream can carry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import IO

#: One lone surrogate (U+D800..U+DFFF): never valid in UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")

#: Characters a terminal must not receive raw from a file: C0 and C1 controls (ESC starts
#: escape sequences that recolour, retitle or rewrite the screen), DEL, and lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with each control character and lone surrogate replaced by U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


def writable(out: str, *, json: bool) -> str:
    """``out`` writable as UTF-8: in JSON each lone surrogate becomes its ``\\uXXXX`` escape
    (JSON strings are the only place one can be, and the escape reads back as the same
    string); in plain text, U+FFFD."""
    if SURROGATE.search(out) is None:
        return out
    if not json:
        return SURROGATE.sub("\ufffd", out)
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def use_color(stream: IO[str] | IO[bytes], environ: Mapping[str, str] = os.environ) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    if environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
