"""schedulelib's 1-based character columns to LSP positions and back (schedulelib/lsp/positions),
against an oracle that encodes each line prefix in the negotiated encoding."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib.lint.sources.model import Lines
from schedulelib.lsp.positions import Document, units

ENCODINGS = ("utf-16", "utf-8", "utf-32")
# Line breaks of every kind, astral characters (two UTF-16 units, four UTF-8 bytes), a lone
# surrogate as a client may send it, combining marks, and plain ASCII.
PIECES = st.sampled_from(["a", " ", "\t", "\n", "\r\n", "\r", "\u00e9", "\u20ac", "\U0001f600",
                          "\U00010348", "\u0301", "\ud800", '"', "x" * 10])
TEXTS = st.lists(PIECES, max_size=60).map("".join)


def oracle_units(text: str, encoding: str) -> int:
    if encoding == "utf-32":
        return len(text)
    codec = "utf-16-le" if encoding == "utf-16" else "utf-8"
    size = len(text.encode(codec, "surrogatepass"))
    return size // 2 if encoding == "utf-16" else size


def lines_of(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


@given(TEXTS, st.sampled_from(ENCODINGS))
@example("\U0001f600x\r\ny", "utf-16")
@example("a\rb\r\n\U00010348\u00e9z", "utf-8")
def test_every_offset_maps_to_the_oracle_position_and_back(text: str, encoding: str) -> None:
    """Each character offset: the readers' (line, column), the LSP position, and back."""
    document = Document(text, encoding)
    table = Lines(text)
    lines = lines_of(text)
    for offset in range(len(text) + 1):
        if offset < len(text) and text[offset] == "\n" and offset and text[offset - 1] == "\r":
            continue  # inside a CRLF: not a place an editor can point at
        line, column = table.at(offset)
        want = (line - 1, oracle_units(lines[line - 1][:column - 1], encoding))
        assert document.position(line, column) == want
        assert document.offset_position(offset) == want
        assert document.offset(*want) == offset


@given(TEXTS, st.sampled_from(ENCODINGS), st.integers(-3, 80), st.integers(-3, 300))
def test_positions_past_a_line_or_the_text_are_clamped(text: str, encoding: str, line: int,
                                                       character: int) -> None:
    """A position the text does not have is clamped, never an error (LSP asks for that)."""
    document = Document(text, encoding)
    offset = document.offset(line, character)
    assert 0 <= offset <= len(text)
    back_line, back_character = document.offset_position(offset)
    assert 0 <= back_line < len(lines_of(text))
    assert back_character <= oracle_units(lines_of(text)[back_line], encoding)


@given(st.text(), st.sampled_from(ENCODINGS))
def test_units_are_the_encoded_size(text: str, encoding: str) -> None:
    assert units(text, encoding) == oracle_units(text, encoding)
