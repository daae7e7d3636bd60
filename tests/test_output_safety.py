"""No file name, note or message can forge a line of output, or rewrite one on a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedulelib._support.text import shown
from schedulelib.cli.main import cli

BAD = '{"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "5m"}}}'
# What a terminal or a log reader may act on: every control character but the line feed that
# ends our own lines, the line separators, bidirectional controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


NAMES = st.text(st.characters(exclude_characters="/\x00", exclude_categories=("Cs",)),
                min_size=1, max_size=40).map(lambda s: s + ".json")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NAMES)
@example("x\n::error file=evil.json,line=1::pwned.json")  # the name
@example("ok\rchecked 0 schedules: no problems.json")  # a CR rewriting the line on a terminal
@example("\x1b[2J\x1b]0;title\x07.json")  # clear the screen, set the window title
@example("\u202egnp.json")  # right-to-left override
@example("a\u2028b\x85c.json")
def test_a_file_name_never_forges_a_line(tmp_path_factory: pytest.TempPathFactory,
                                         name: str) -> None:
    """Text output of a finding in a file of any name is three lines (finding, hint,
    summary), none starting with '::', with no control character but the line ends."""
    folder = tmp_path_factory.mktemp("n")
    try:
        (folder / name).write_text(BAD)
    except OSError:  # a name too long for this file system
        return
    status, out, err = run("validate", str(folder / name))
    assert status == 1
    lines = out.splitlines()
    assert len(out.split("\n")) == 4 and lines[0].startswith(shown(str(folder / name)) + ":1:")
    assert not UNSAFE.search(out + err)
    assert not any(line.startswith("::") for line in (out + err).split("\n"))


@pytest.mark.parametrize("args", [
    ("validate", "nowhere\n::error::forged.json"),
    ("validate", "--config", "cfg\r\n::error::forged.toml"),
    ("validate", "--fix", "dir\n::warning::x"),
    ("next", "nowhere\n::error::forged.json"),
], ids=["missing-file", "config", "fix-missing", "next"])
def test_messages_that_quote_a_path_are_escaped(tmp_path: Path, args: tuple[str, ...]) -> None:
    """Usage errors and file problems quote the name escaped."""
    _, out, err = run(*args)
    assert not any(line.startswith("::") for line in (out + err).split("\n"))
    assert not UNSAFE.search(out + err)


def test_notes_and_fixes_escape_the_name(tmp_path: Path) -> None:
    """The 'fixed' lines and the notes on standard error name the file escaped."""
    name = "a\n::error::x.json"
    (tmp_path / name).write_text('{"reverseETLSchedule": {"strategy": "periodic", '
                                 '"config": {"interval": "1d"}}}')
    status, out, err = run("validate", "--fix", str(tmp_path))
    assert status == 0, err
    assert "a\\n::error::x.json:1:72: fixed SL202" in out
    assert not any(line.startswith("::") for line in (out + err).split("\n"))


@pytest.mark.parametrize(("text", "expected"), [
    ("plain/path.json", "plain/path.json"),
    ("a\nb", "a\\nb"),
    ("a\rb\tc", "a\\rb\\tc"),
    ("\x1b[31m", "\\x1b[31m"),
    ("\x85\x9f\x7f", "\\x85\\x9f\\x7f"),
    ("\u2028\u202e\u2066", "\\u2028\\u202e\\u2066"),
    ("é日本\u00a0", "é日本\u00a0"),  # printable non-ASCII stays as it is
], ids=["plain", "lf", "cr-tab", "escape", "c1-del", "separators-bidi", "unicode"])
def test_shown(text: str, expected: str) -> None:
    assert shown(text) == expected


@pytest.mark.parametrize("command", ["next", "explain", "calendar"])
def test_schedule_names_never_forge_a_line(tmp_path: Path, command: str) -> None:
    """A schedule's name (a YAML string may hold any character) is escaped where shown."""
    path = tmp_path / "n.yaml"
    path.write_text('subscriptions:\n  - name: "ok\\n::error file=x::forged\\r\\u202e"\n'
                    "    reverseETLSchedule: {strategy: periodic, config: {interval: 1h}}\n")
    _, out, err = run(command, str(path))
    assert "forged" in out + err
    assert not any(line.startswith("::") for line in (out + err).split("\n"))
    assert not UNSAFE.search(out + err)
