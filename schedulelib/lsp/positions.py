"""Places in a document: schedulelib's 1-based line and character column, LSP's 0-based line
and column in code units of the negotiated encoding (UTF-16 unless the client offers another).

Lines end as schedulelib's readers and the LSP specification both say: LF, CRLF or a lone CR.
A character outside the Basic Multilingual Plane is one column for schedulelib and two UTF-16
code units (four UTF-8 bytes) for an editor: without this conversion every finding after an
emoji on its line would be off by one.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["Document", "units"]

_BREAK = re.compile("\r\n?|\n")


def units(text: str, encoding: str = "utf-16") -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    # UTF-16: one unit per character, two for each one above U+FFFF.
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class Document:
    """One text with its line starts, for conversions both ways."""

    __slots__ = ("_starts", "encoding", "text")

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text, self.encoding = text, encoding
        self._starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    @property
    def lines(self) -> int:
        return len(self._starts)

    def _line_text(self, line: int) -> str:
        """Line ``line`` (0-based) without its line break."""
        start = self._starts[line]
        end = self._starts[line + 1] if line + 1 < len(self._starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def position(self, line: int, column: int) -> tuple[int, int]:
        """LSP (line, character) of schedulelib's 1-based (line, column).

        A place past the end of its line or of the text is clamped to it, as the LSP
        specification asks clients to do; (0, 0) stays the start of the document."""
        if line <= 0:
            return 0, 0
        if line > len(self._starts):
            last = len(self._starts) - 1
            return last, units(self._line_text(last), self.encoding)
        text = self._line_text(line - 1)
        return line - 1, units(text[:max(column - 1, 0)], self.encoding)

    def offset_position(self, offset: int) -> tuple[int, int]:
        """LSP (line, character) of a character offset into the text."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self._starts, offset) - 1
        return line, units(self.text[self._starts[line]:offset], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The character offset of an LSP position (clamped to its line and to the text)."""
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.text)
        text = self._line_text(line)
        start = self._starts[line]
        if self.encoding == "utf-32" or text.isascii():
            return start + min(max(character, 0), len(text))
        count = 0
        for i, c in enumerate(text):
            width = units(c, self.encoding)
            if count + width > character:
                return start + i
            count += width
        return start + len(text)
