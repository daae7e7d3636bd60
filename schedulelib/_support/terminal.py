"""Text from outside (file names, server messages) made safe to show on one terminal line.

A file name may hold any character but ``/`` and NUL.  Printed as it is, a line break in it
starts a new line that a reader of the log takes for the tool's own (GitHub's runner obeys a
line that starts ``::error`` as a workflow command), a carriage return overwrites the line, and
an escape sequence or a bidirectional override changes what the terminal shows.  Each such
character is shown as a Python-style escape instead, as values in messages already are.
"""

from __future__ import annotations

import re

__all__ = ["shown"]

# C0 and C1 controls, DEL, the line and paragraph separators (a line break to many readers),
# the bidirectional embeddings, overrides and isolates (they reorder what is shown, CVE-2021-
# 42574), and lone surrogates (from undecodable bytes in a file name: not printable).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    c = match[0]
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` with every control character escaped (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(_escape, text)
