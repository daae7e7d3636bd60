"""Which ``pyproject.toml`` files are parsed: one that names schedulelib only inside string
values (a dependency, the project's name) is skipped without tomllib, and no file whose TOML
has a ``[tool.schedulelib]`` table is ever skipped (checked against tomllib itself)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.lint.config import load_config, may_configure

# Ways people write the table (or something tomllib reads as it), and lines that only name it.
TABLES = [
    '[tool.schedulelib]\nselect = ["SL4"]\n',
    '[ tool . "schedulelib" ]\nstrict = true\n',
    "[tool.'schedulelib']\nstrict = true\n",
    '[tool]\nschedulelib = {strict = true}\n',
    '[tool]\n"schedulelib" = {strict = true}\n',
    'tool.schedulelib.strict = true\n',
    '"tool"."schedulelib".strict = true\n',
    'tool = {schedulelib = {strict = true}, other = "schedulelib"}\n',
    'tool = {other = "x", schedulelib = {strict = true}}\n',
    '[tool."\\u0073chedulelib"]\nstrict = true\n',
    '[tool."sched\\u0075lelib"]\nstrict = true\n',
    '[[tool.schedulelib]]\nstrict = true\n',
    '[tool.schedulelib.per-file-ignores]\n"a.json" = ["SL4"]\n',
    '[tool] # tools\n  "schedulelib".strict = true\n',
    "[ 'tool' ]\n\tschedulelib = {}\n",
]
VALUES = [
    'name = "schedulelib"\n',
    'dependencies = ["schedulelib>=0.1", \'schedulelib[lsp]\']\n',
    'description = "checks with schedulelib = exact"\n',
    "x = 'schedulelib' # schedulelib\n",
    'keywords = ["cron", "schedulelib", "schedulelib"]\n',
    '[project.scripts]\nrun = "schedulelib.cli.main:main"\n',
    '[project.scripts]\nschedulelib = "schedulelib.cli.main:main"\n',
    '[tool.setuptools.package-data]\nschedulelib = ["py.typed"]\n',
    '# configure schedulelib below\n',
    '[schedulelib]\nstrict = true\n',
]
PIECES = ["schedulelib", "tool", "[tool]\n", "[[tool]]\n", '[ "tool" ]\n', "[project.scripts]\n",
          "tool.", "\t", "=", '"', "'", "{", "}", "[", "]", ".", " ", "\n", "#", "\\",
          "u0073", "chedulelib", "x", ",", '"""', "1", "true"]


@given(st.lists(st.sampled_from(TABLES + VALUES + PIECES), max_size=12).map("".join))
@settings(max_examples=3000)
@example("tool.schedulelib={}")
@example("[tool]\nschedulelib.select = []")
@example('a = """\nschedulelib\n"""\n[tool.schedulelib]\n')
@example('x = ["a",\n  {schedulelib = 1},\n]\n')
@example('[tool]\nx = """\n[project.scripts]\n"""\nschedulelib = {strict = true}\n')
@example('[tool]\nx = [\n[1]\n]\nschedulelib = {strict = true}\n')
@example('[tool] # the header\n  "schedulelib".strict = true\n')
def test_a_skipped_file_never_has_the_table(text: str) -> None:
    """Sound: whatever tomllib reads as [tool.schedulelib] is never skipped."""
    raw = text.encode("utf-8", "surrogatepass")
    if may_configure(raw):
        return
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # not TOML: someone else's broken file, skipped as before (D76)
    tool = data.get("tool")
    assert not (isinstance(tool, dict) and "schedulelib" in tool), text


@pytest.mark.parametrize("table", TABLES)
def test_every_spelling_of_the_table_is_read(table: str) -> None:
    assert may_configure(("\n".join(VALUES) + table).encode())


def test_values_that_name_schedulelib_are_skipped() -> None:
    """The common case the prefilter exists for: a project that depends on schedulelib."""
    assert not may_configure("".join(VALUES).encode())
    here = Path(__file__).resolve().parents[1] / "pyproject.toml"
    raw = here.read_bytes()
    assert b"schedulelib" in raw and not may_configure(raw)
    assert load_config(here) is None  # and the whole door agrees


def test_configuration_after_a_dependency_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\ndependencies = ["schedulelib"]\n[tool.schedulelib]\nstrict = true\n')
    config = load_config(tmp_path / "pyproject.toml")
    assert config is not None and config.strict is True


@pytest.mark.parametrize(("text", "read"), [
    (b'x = "' + b"schedulelib" * 90_000 + b'"', False),  # one long line of values
    (b"schedulelib = 1\n" * 90_000, False),              # keys of the root table
    (b"[tool]\n" + b"schedulelib = 1\n" * 90_000, True),  # ... of [tool]
    (b'x = "{' + b"schedulelib" * 90_000, True),          # a brace before them
])
def test_linear_on_a_megabyte(text: bytes, read: bool) -> None:
    """Each byte is looked at a bounded number of times (this would take minutes otherwise)."""
    assert may_configure(text) is read
