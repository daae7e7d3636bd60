"""Validating a large tree: the relevance test without a regular expression, the walk, and the
pool of worker processes, each against the slow and simple way it replaces."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.lint.sources import files, relevance

# -- which files are about schedules ------------------------------------------------------------

WEAK_TEXT = re.compile(files.WEAK_PATTERN.replace("BOM", "\ufeff"), re.MULTILINE)
WEAK_BYTES = re.compile(files.WEAK_PATTERN.replace("BOM", r"\xef\xbb\xbf").encode(), re.MULTILINE)
STRONG = ("reverseETLSchedule", "reverse_etl_schedule", "schedule_strategy")


def oracle(text: str | bytes) -> int:
    """decision D23 as it was written: substring search, then the regular expression."""
    if isinstance(text, bytes) and text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = text.decode("utf-16", "replace")
    if isinstance(text, str):
        return 2 if any(w in text for w in STRONG) else 1 if WEAK_TEXT.search(text) else 0
    if any(w.encode() in text for w in STRONG):
        return 2
    return 1 if WEAK_BYTES.search(text) else 0


#: Pieces that make up the places the patterns care about, and what stands between them.
PIECES = st.sampled_from(["strategy", "strateg", "y", "s", '"', "'", "{", ",", " ", "\t", "\r",
                          "\n", ":", "\ufeff", "x", "é", "-", "[", "schedule_strategy",
                          "reverseETLSchedule", "chedule"])
TEXTS = st.lists(PIECES, max_size=30).map("".join) | st.text(max_size=40)


@settings(max_examples=1500, deadline=None)
@given(TEXTS, st.booleans())
@example('"strategy"  \r\n :', False)
@example("\ufeffstrategy:", True)
@example("x\n\ufeffstrategy\t:", True)
@example("\ufeff\ufeffstrategy:", True)
@example("[\n,\n strategy :", False)
@example("{strategy\n:", False)
@example("{strategy:", True)
@example(", \tstrategy :", False)
@example("'strategy\":", True)
@example("strategystrategy:", False)
@example("a: 1\n  strategy: {}", True)
def test_relevance_gives_the_verdicts_of_the_regular_expression(text: str, encode: bool) -> None:
    """The word-by-word test and the regular expression it replaced agree, on text and on
    its UTF-8 bytes, also when it hands over to the expression after a few places."""
    given_ = text.encode("utf-8", "surrogatepass") if encode else text
    assert relevance(given_) == oracle(given_)
    by_hand = files.WORDS_BY_HAND
    try:
        for files.WORDS_BY_HAND in (0, 1, 2):
            assert relevance(given_) == oracle(given_)
    finally:
        files.WORDS_BY_HAND = by_hand


@pytest.mark.parametrize("text", [
    "strategy" * 500_000, "{" + " " * 2_000_000 + "strategy" + " " * 2_000_000,
    '"strategy" ' * 300_000, "\nstrategy\t" * 300_000, "," * 2_000_000 + "strategy:",
], ids=["words", "spaces", "quoted", "lines", "commas"])
def test_relevance_of_hostile_text_is_quick(text: str) -> None:
    """Millions of places, or of white space around one: the same verdict as the expression
    (a quadratic walk would not finish)."""
    for given_ in (text, text.encode()):
        assert relevance(given_) == oracle(given_)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60), st.lists(PIECES, max_size=12).map("".join))
def test_relevance_of_any_bytes(noise: bytes, pieces: str) -> None:
    """Bytes that are not UTF-8 (and UTF-16 byte order marks) get the same verdict too."""
    for data in (noise, noise + pieces.encode(), pieces.encode() + noise):
        assert relevance(data) == oracle(data)
