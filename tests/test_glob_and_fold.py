"""Two readers found wrong by random property runs, tried harder: runs of stars in globs,
and CR LF inside a line to fold."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.lint.config import glob_match
from schedulelib.preview.ics import fold

from .test_lint import _glob_by_regex


@settings(max_examples=3000, deadline=None)
@given(st.text("a*/?", max_size=10), st.text("a/", max_size=8))
@example("***/*", "")
@example("****/a", "a")
@example("a***/*", "a")
@example("*****", "a/a")
def test_runs_of_stars_match_the_regular_expression_reading(pattern: str, path: str) -> None:
    """Star-heavy patterns (the class the random run found) agree with the regex oracle."""
    assert glob_match(pattern, path) is _glob_by_regex(pattern, path)


LINES = st.text(st.sampled_from(["\r", "\n", "x", " ", "é", "€", "😀", ":"]), max_size=400)


@settings(max_examples=1000, deadline=None)
@given(LINES)
@example("\r\n")
@example("x" * 74 + "\r\n")
@example("x" * 73 + "\r\n" + "é" * 40)
def test_fold_never_lets_a_line_end_early(line: str) -> None:
    """Every CRLF but the last is a fold (followed by a space), parts stay within 75 octets,
    and unfolding gives the line back."""
    folded = fold(line)
    body = folded[:-2]
    assert folded.endswith(b"\r\n")
    at = body.find(b"\r\n")
    while at >= 0:
        assert body[at + 2: at + 3] == b" "
        at = body.find(b"\r\n", at + 2)
    parts = body.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode("utf-8") == line
