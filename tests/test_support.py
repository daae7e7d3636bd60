"""The helpers every wing shares (schedulelib/_support): terminal text, colour, report names."""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import IO

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib._support.names import numbered
from schedulelib._support.text import printable, shown, surrogate, use_color, writable

# Any code point, lone surrogates included (a JSON "\ud800" puts one in a str).
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)


# -- printable and writable ---------------------------------------------------------------------


# The bidirectional embeddings, overrides and isolates (Unicode's Bidi_Control list, less the
# marks LRM, RLM and ALM, which reorder nothing by themselves).
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unsafe(ch: str) -> bool:
    # The independent statement of what a terminal must not get raw: C0/C1 controls and DEL
    # (Unicode category Cc), lone surrogates (Cs), the line and paragraph separators (Zl, Zp)
    # and the bidirectional controls.
    return unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"} or ch in BIDI


UNSAFE_OR_NOT = st.text(st.one_of(st.characters(codec=None, exclude_categories=()),
                                  st.sampled_from([*sorted(BIDI), "\u2028", "\u2029", "\x7f"])),
                        max_size=40)


@given(UNSAFE_OR_NOT)
@example("\x1b]0;title\x07red\x1b[31m")  # an escape sequence that retitles and recolours
@example("a\ud800b\udfff")
@example("\x85\x9f\xa0")  # C1 controls either side of the first printable Latin-1 character
def test_printable_replaces_exactly_the_unsafe_characters(text: str) -> None:
    out = printable(text)
    assert len(out) == len(text)
    for given_ch, out_ch in zip(text, out, strict=True):
        assert out_ch == ("\ufffd" if _unsafe(given_ch) else given_ch)
    out.encode("utf-8")  # never raises: no surrogate is left


@given(UNSAFE_OR_NOT)
@example("plain name.json")  # printable ASCII: returned as it is, no pattern compiled
@example("tab\there\r\n\x1b[2J\x7f")
@example("caf\u00e9 \u202eexe.json \u2028 \ud800")
def test_shown_escapes_exactly_the_unsafe_characters(text: str) -> None:
    """Each unsafe character becomes its escape (``\\n``, ``\\x1b``, ``\\u202e``); the others
    stay, whichever path (ASCII or not) the text takes."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    expected = "".join(
        (named.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"))
        if _unsafe(c) else c for c in text)
    assert shown(text) == expected


@given(ANY_TEXT)
@example("\ud800")
@example("\udfff\ud800")  # two lone halves in the wrong order are not a pair
def test_writable_json_reads_back_as_the_same_string(text: str) -> None:
    """In JSON each lone surrogate becomes an escape that json.loads turns back into it."""
    document = json.dumps({"name": text}, ensure_ascii=False)
    out = writable(document, json=True)
    out.encode("utf-8")
    assert json.loads(out) == {"name": text}


@given(ANY_TEXT)
def test_writable_text_replaces_only_surrogates(text: str) -> None:
    out = writable(text, json=False)
    assert out == "".join("\ufffd" if unicodedata.category(c) == "Cs" else c for c in text)
    assert (surrogate().search(text) is None) == (out is text)


def test_the_surrogate_pattern_is_the_only_one_in_the_package() -> None:
    """The lone-surrogate class is written once (beside wider classes that include it)."""
    from tests.conftest import ROOT

    alone = re.compile(r"""re\.compile\(\s*["']\[\\ud800-\\udfff\]["']""")
    holders = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "schedulelib").rglob("*.py")
                     if alone.search(p.read_text(encoding="utf-8")))
    assert holders == ["schedulelib/_support/text.py"]


# -- colour -------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        super().isatty()  # raises ValueError once closed, as a real stream does
        return True


def _closed() -> io.StringIO:
    stream = _Tty()
    stream.close()
    return stream


@pytest.mark.parametrize(("stream", "env", "color"), [
    (_Tty, {}, True),
    (io.StringIO, {}, False),
    (_Tty, {"NO_COLOR": "1"}, False),
    (_Tty, {"NO_COLOR": ""}, True),  # no-color.org: only a non-empty value counts
    (_closed, {}, False),  # isatty() on a closed stream raises ValueError
    (object, {}, False),  # no isatty at all
], ids=["terminal", "pipe", "no-color", "empty-no-color", "closed", "not-a-stream"])
def test_use_color(stream: type, env: dict[str, str], color: bool) -> None:
    assert use_color(stream(), env) is color


# -- numbering equal names ----------------------------------------------------------------------


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "A [1]", "", "é"]), st.booleans()),
                max_size=12))
@example([("A", True), ("A", False), ("A", True)])
@example([("A", True), ("A [1]", True), ("A", True)])
def test_numbered(rows: list[tuple[str, bool]]) -> None:
    """The n-th counted copy of a name that is counted more than once is ``name [n]``; every
    other entry keeps its name."""
    names = [n for n, _ in rows]
    counted = [c for _, c in rows]
    out = numbered(names, counted)
    assert len(out) == len(names)
    for i, (name, take) in enumerate(rows):
        copies = [j for j, (n, c) in enumerate(rows) if c and n == name]
        if take and len(copies) > 1:
            assert out[i] == f"{name} [{copies.index(i) + 1}]"
        else:
            assert out[i] == name
    assert numbered(names) == numbered(names, [True] * len(names))


def test_numbered_needs_one_flag_per_name() -> None:
    with pytest.raises(ValueError, match="2 names but 1 counted flags"):
        numbered(["a", "b"], [True])


# -- replacing a file whole ---------------------------------------------------------------------


def test_replace_whole_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    from schedulelib._support.atomic import replace_whole

    target = tmp_path / "f"
    target.write_bytes(b"old")
    target.chmod(0o640)
    replace_whole(str(target), lambda out: out.write(b"new"), like=target.stat())
    assert target.read_bytes() == b"new" and (target.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_replace_whole_gives_a_new_file_the_umask_mode(tmp_path: Path) -> None:
    from schedulelib._support.atomic import replace_whole

    old = os.umask(0o027)
    try:
        replace_whole(str(tmp_path / "new"), lambda out: out.write(b"x"))
    finally:
        os.umask(old)
    assert ((tmp_path / "new").stat().st_mode & 0o777) == 0o640


def test_replace_whole_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    from schedulelib._support.atomic import replace_whole

    target = tmp_path / "f"
    target.write_bytes(b"old")

    def half(out: IO[bytes]) -> None:
        out.write(b"ne")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        replace_whole(str(target), half, like=target.stat())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_replace_whole_never_writes_through_a_planted_link(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A symbolic link at the temporary name (another user guessing it) is not followed."""
    from schedulelib._support import atomic

    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    target = tmp_path / "f"
    names = iter(["aaaaaaaa", "bbbbbbbb"])
    monkeypatch.setattr(atomic.os, "urandom", lambda n: bytes.fromhex(next(names)))
    planted = tmp_path / f".f.{os.getpid()}.aaaaaaaa.schedulelib.tmp"
    planted.symlink_to(victim)
    atomic.replace_whole(str(target), lambda out: out.write(b"new"))
    assert victim.read_bytes() == b"keep" and target.read_bytes() == b"new"
    assert planted.is_symlink()
