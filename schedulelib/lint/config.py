"""Configuration of ``schedulelib validate``: ``[tool.schedulelib]`` in ``pyproject.toml``, or a
``.schedulelib.toml``, found upward from each checked file (the nearest wins, as with ruff).

A file's settings come from the nearest directory, starting at the file's own, that holds a
``.schedulelib.toml`` or a ``pyproject.toml`` with a ``[tool.schedulelib]`` table (in one
directory ``.schedulelib.toml`` wins).  ``--config PATH`` names one file for every checked file,
``--isolated`` reads none.  Options on the command line override the file.

Every key and every rule code is checked: an unknown one is a :class:`ConfigError` that names
it (never silence).  ``tomllib`` is imported only when a configuration file exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DATE_RANGE",
    "KEYS",
    "Config",
    "ConfigError",
    "RuleSet",
    "find_config",
    "glob_match",
    "load_config",
    "parse_date",
]

#: The keys of ``[tool.schedulelib]`` (kebab-case, as ruff spells its own).
KEYS = ("select", "ignore", "extend-ignore", "per-file-ignores", "as-of", "dst", "strict",
        "include", "exclude")
#: Dates the command line and the configuration accept (decision D34): wide enough for any
#: real use, narrow enough that every look-ahead and run list stays inside Python's calendar.
DATE_RANGE = (datetime(1900, 1, 1), datetime(2999, 12, 31, 23, 59, 59))


class ConfigError(ValueError):
    """A configuration file, or an option, that cannot be used; the message names the culprit."""


# -- dates ---------------------------------------------------------------------------------------


def parse_date(text: str, option: str) -> datetime:
    """An ISO 8601 date or date-time within :data:`DATE_RANGE`, or a :class:`ConfigError`.

    A value without an offset is returned naive; the caller decides its zone.
    """
    shown = text if len(text) <= 40 else text[:37] + "..."
    try:
        value = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except (ValueError, OverflowError):
        raise ConfigError(f"{option} {shown!r} is not an ISO 8601 date or date-time; write "
                          "e.g. 2026-03-28 or 2026-03-28T09:00+01:00") from None
    low, high = DATE_RANGE
    try:
        naive = value.replace(tzinfo=None) - (value.utcoffset() or timedelta(0))
    except OverflowError:  # year 1 with a positive offset
        naive = low - timedelta(days=1)
    if not low <= naive <= high:
        raise ConfigError(f"{option} {shown!r} is out of range: dates from {low:%Y-%m-%d} to "
                          f"{high:%Y-%m-%d} are accepted")
    return value


# -- rule selection ------------------------------------------------------------------------------


def _known_prefix(code: str) -> bool:
    from schedulelib.core.rules import RULES

    return any(rule.startswith(code) for rule in RULES)


def check_codes(codes: Iterable[str], where: str) -> tuple[str, ...]:
    """``codes`` upper-cased; a :class:`ConfigError` naming any that is no code or prefix."""
    out = []
    for raw in codes:
        if not isinstance(raw, str):
            raise ConfigError(f"{where}: {_short(raw)} is not a rule code (a string such as "
                              "'SL409' or a prefix such as 'SL4')")
        code = raw.strip().upper()
        if not code or not _known_prefix(code):
            from difflib import get_close_matches

            from schedulelib.core.rules import RULES

            close = get_close_matches(code, list(RULES), n=1) if len(code) < 20 else []
            hint = f" (did you mean {close[0]}?)" if close else ""
            shown = raw if len(raw) <= 40 else raw[:37] + "..."
            raise ConfigError(f"{where}: unknown rule code {shown!r}{hint}; `schedulelib rule` "
                              "lists them, and a prefix such as 'SL4' selects a group")
        out.append(code)
    return tuple(out)


class RuleSet:
    """Which codes are reported: ruff's rule, the longest matching prefix decides.

    ``select = ["SL4"]`` with ``ignore = ["SL409"]`` drops SL409 alone; ``ignore = ["SL4"]``
    with ``select = ["SL409"]`` keeps it.  On a tie, ignore wins.
    """

    __slots__ = ("ignore", "select")

    def __init__(self, select: tuple[str, ...] = ("SL",), ignore: tuple[str, ...] = ()) -> None:
        self.select, self.ignore = select, ignore

    def enabled(self, code: str) -> bool:
        chosen = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen >= 0 and chosen > dropped


# -- globs ---------------------------------------------------------------------------------------


# Glob tokens.  A pattern is matched by simulating its automaton over every state at once,
# not by a backtracking regular expression: ``*a*a*a*a*a*a*b`` against a long name, or
# ``**/a**/a**/a/b`` against a deep path, would take exponential time in ``re``.
_LITERAL, _ONE, _STAR, _ANY, _OPTIONAL = range(5)


@lru_cache(maxsize=256)
def _glob_tokens(pattern: str) -> tuple[tuple[int, str | int], ...]:
    """``*`` within one path segment, ``**`` across segments, ``?`` one character; a pattern
    without ``/`` matches the name in any directory (as .gitignore and ruff read it).

    ``(_OPTIONAL, n)`` may be skipped to token ``n``; ``_STAR`` and ``_ANY`` repeat zero or
    more times."""
    pattern = pattern.strip().removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    pattern = pattern.rstrip("/")
    out: list[tuple[int, str | int]] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "*":
            # A run of stars is read whole: the last two with a following "/" are "**/",
            # the rest "**" (two or more) or "*" ("***/" is "*" then "**/", not "**" then "*/").
            n = len(pattern) - i - len(pattern[i:].lstrip("*"))
            slash = n >= 2 and pattern.startswith("/", i + n)
            rest = n - 2 if slash else n
            if rest:
                out.append((_ANY, "") if rest >= 2 else (_STAR, ""))
            if slash:  # no segment, or any run of whole segments
                out += [(_OPTIONAL, len(out) + 3), (_ANY, ""), (_LITERAL, "/")]
            i += n + 1 if slash else n
        elif pattern[i] == "?":
            out.append((_ONE, ""))
            i += 1
        else:
            out.append((_LITERAL, pattern[i]))
            i += 1
    # A pattern naming a directory also covers everything below it.
    out += [(_OPTIONAL, len(out) + 3), (_LITERAL, "/"), (_ANY, "")]
    return tuple(out)


def glob_match(pattern: str, relative: str) -> bool:
    """Whether the '/'-separated ``relative`` path matches ``pattern`` (see
    :func:`_glob_tokens`), in time proportional to the product of their lengths at most."""
    tokens = _glob_tokens(pattern)
    end = len(tokens)

    def closure(states: set[int]) -> set[int]:
        todo = list(states)
        while todo:
            i = todo.pop()
            if i >= end:
                continue
            kind, arg = tokens[i]
            for j in ((i + 1, arg) if kind == _OPTIONAL and isinstance(arg, int) else
                      (i + 1,) if kind in (_STAR, _ANY) else ()):
                if j not in states:
                    states.add(j)
                    todo.append(j)
        return states

    states = closure({0})
    for char in relative:
        following: set[int] = set()
        for i in states:
            if i >= end:
                continue
            kind, arg = tokens[i]
            if kind == _LITERAL:
                if char == arg:
                    following.add(i + 1)
            elif kind == _ONE:
                if char != "/":
                    following.add(i + 1)
            elif kind == _STAR:
                if char != "/":
                    following.add(i)
            elif kind == _ANY:
                following.add(i)
        if not following:
            return False
        states = closure(following)
    return end in states


# -- the configuration ---------------------------------------------------------------------------


class Config:
    """One configuration file's settings (all unset: :data:`DEFAULT`).

    A plain class (not a dataclass) to keep ``validate``'s start-up short.
    """

    __slots__ = ("as_of", "dst", "exclude", "extend_ignore", "ignore", "include", "path",
                 "per_file_ignores", "select", "strict")

    def __init__(self, path: Path | None = None, *, select: tuple[str, ...] | None = None,
                 ignore: tuple[str, ...] | None = None, extend_ignore: tuple[str, ...] = (),
                 per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
                 as_of: datetime | None = None, dst: str | None = None,
                 strict: bool | None = None, include: tuple[str, ...] = (),
                 exclude: tuple[str, ...] = ()) -> None:
        self.path = path
        self.select, self.ignore, self.extend_ignore = select, ignore, extend_ignore
        self.per_file_ignores = per_file_ignores
        self.as_of, self.dst, self.strict = as_of, dst, strict
        self.include, self.exclude = include, exclude

    @property
    def root(self) -> Path:
        """The directory the globs are relative to: the configuration file's own."""
        return self.path.parent if self.path is not None else Path.cwd()

    def relative(self, file: str | Path) -> str:
        """``file`` relative to :attr:`root`, '/'-separated (its name alone when outside)."""
        absolute = os.path.abspath(file)
        try:
            rel = os.path.relpath(absolute, os.path.abspath(self.root))
        except ValueError:  # another drive on Windows
            return os.path.basename(absolute)
        if rel.startswith(".."):
            return os.path.basename(absolute)
        return rel.replace(os.sep, "/")

    def file_ignores(self, file: str | Path) -> tuple[str, ...]:
        """The codes ``per-file-ignores`` turns off for ``file``."""
        if not self.per_file_ignores:
            return ()
        rel = self.relative(file)
        return tuple(code for pattern, codes in self.per_file_ignores
                     if glob_match(pattern, rel) for code in codes)

    def walks_into(self, file: str | Path) -> bool:
        """Whether a directory search checks ``file``: ``include`` (if any) and not ``exclude``."""
        if not self.include and not self.exclude:
            return True
        rel = self.relative(file)
        if self.include and not any(glob_match(p, rel) for p in self.include):
            return False
        return not any(glob_match(p, rel) for p in self.exclude)


DEFAULT = Config()


def _short(value: object) -> str:
    """``repr(value)``, cut to 60 characters: a message quotes the culprit, not a whole file."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings, not {_short(value)}")
    return tuple(value)


def may_configure(raw: bytes) -> bool:
    """Whether a ``pyproject.toml`` may hold a ``[tool.schedulelib]`` table.

    False only when no ``schedulelib`` in it can be that key: the word is a key of the table
    only where the text before it on its line spells the path to it (``[tool.``,
    ``tool.``, an inline table's brace, or nothing at all under a ``[tool]`` header), and
    never inside a value (``dependencies = ["schedulelib"]``), a comment, or a key of another
    table (``[project.scripts]`` ``schedulelib = ...``).  Escapes, which could spell the word
    otherwise, leave the question to the TOML parser.  Linear: each line is looked at once.
    """
    if b"\\u" in raw or b"\\U" in raw:
        return True  # "\u0073chedulelib" is the same key
    tool_header: bool | None = None
    at = raw.find(b"schedulelib")
    while at >= 0:
        start = raw.rfind(b"\n", 0, at) + 1
        end = raw.find(b"\n", at)
        line = raw[start:end if end >= 0 else len(raw)]
        if b"{" in line[:line.rfind(b"schedulelib")]:
            return True  # an inline table: its keys may be anything
        path = _key_path(line[:at - start])
        if path == "tool":
            return True
        if path == "":
            if tool_header is None:
                tool_header = any(_opens_tool(row) for row in raw.split(b"\n"))
            if tool_header:
                return True
        if end < 0:
            break
        at = raw.find(b"schedulelib", end)
    return False


def _key_path(prefix: bytes) -> str | None:
    """What the text before a word on its line makes of it: "" a key at the start of a line
    (in the table of the last header), "tool" a key under ``tool`` (``tool.``, ``[tool.``),
    None anything else (a value, a comment, another table's path)."""
    rest = prefix.lstrip(b" \t")
    header = rest.startswith(b"[")
    if header:
        rest = rest[2:] if rest.startswith(b"[[") else rest[1:]
        rest = rest.lstrip(b" \t")
    for name in (b"tool", b'"tool"', b"'tool'"):
        if rest.startswith(name):
            after = rest[len(name):].lstrip(b" \t")
            if after.startswith(b"."):
                rest = after[1:].lstrip(b" \t")
                return "tool" if rest in (b"", b'"', b"'") else None
    if rest in (b"", b'"', b"'"):
        return "" if not header else None  # [schedulelib] is another table
    return None


def _opens_tool(row: bytes) -> bool:
    """Whether a line is the header ``[tool]`` (or ``[[tool]]``), however spaced and quoted."""
    rest = row.lstrip(b" \t")
    if not rest.startswith(b"["):
        return False
    inner = rest.lstrip(b"[").split(b"]", 1)[0].strip(b" \t")
    return inner in (b"tool", b'"tool"', b"'tool'")


def load_config(path: Path, *, required: bool = False) -> Config | None:
    """The settings in ``path`` (a ``pyproject.toml`` or a ``.schedulelib.toml``).

    None for a ``pyproject.toml`` without ``[tool.schedulelib]`` unless ``required`` (then
    the defaults).  Raises :class:`ConfigError` for a file that cannot be read or used.
    """
    from schedulelib._support.files import NotRegularFile, open_regular

    try:
        # Only a regular file: a FIFO named .schedulelib.toml would otherwise hang the run.
        with open_regular(path) as handle:
            raw = handle.read(1024 * 1024 + 1)
    except NotRegularFile as exc:
        raise ConfigError(f"{path}: {exc}, not a configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the name
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    if len(raw) > 1024 * 1024:
        raise ConfigError(f"{path}: larger than 1 MiB; not a configuration file")
    if path.name == "pyproject.toml" and not required and not may_configure(raw):
        # Most pyproject.toml files are someone else's, or name schedulelib only as a
        # dependency: skip them without importing tomllib (docs/decisions.md D76).
        return None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    where = str(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("schedulelib") if isinstance(tool, dict) else None
        if table is None:
            return Config(path) if required else None
        where += " [tool.schedulelib]"
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    return _from_table(table, path, where)


def _from_table(table: Mapping[str, object], path: Path, where: str) -> Config:
    for key in table:
        if key not in KEYS:
            from difflib import get_close_matches

            close = get_close_matches(key.replace("_", "-"), KEYS, n=1) if len(key) < 40 else []
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            shown = key if len(key) <= 40 else key[:37] + "..."
            raise ConfigError(f"{where}: unknown key {shown!r}{hint}; known keys: "
                              f"{', '.join(KEYS)}")
    values: dict[str, object] = {}
    for key in ("select", "ignore", "extend-ignore"):
        if key in table:
            values[key.replace("-", "_")] = check_codes(_strings(table[key], f"{where} {key}"),
                                                        f"{where} {key}")
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where} per-file-ignores must be a table of glob = [codes]")
        values["per_file_ignores"] = tuple(
            (pattern, check_codes(_strings(codes, f"{where} per-file-ignores {_short(pattern)}"),
                                  f"{where} per-file-ignores {_short(pattern)}"))
            for pattern, codes in raw.items())
    if "as-of" in table:
        raw = table["as-of"]
        text = raw.isoformat() if hasattr(raw, "isoformat") else raw
        if not isinstance(text, str):
            raise ConfigError(f"{where} as-of must be a date such as 2026-01-01, not {_short(raw)}")
        values["as_of"] = parse_date(text, f"{where} as-of")
    if "dst" in table:
        from schedulelib.core.diagnostics import ScheduleError
        from schedulelib.core.policy import dst_policy

        try:
            values["dst"] = dst_policy(table["dst"])
        except ScheduleError as exc:  # the same words as every other door (D51)
            raise ConfigError(f"{where} {exc}") from None
    if "strict" in table:
        if not isinstance(table["strict"], bool):
            raise ConfigError(f"{where} strict must be true or false, not "
                              f"{_short(table['strict'])}")
        values["strict"] = table["strict"]
    for key in ("include", "exclude"):
        if key in table:
            values[key] = _strings(table[key], f"{where} {key}")
    return Config(path, **values)  # type: ignore[arg-type]


class Finder:
    """The nearest configuration of each directory, each file read at most once per run."""

    def __init__(self) -> None:
        self._dirs: dict[str, Config] = {}

    def for_file(self, file: str | Path) -> Config:
        start = os.path.dirname(os.path.abspath(file))
        return self.for_directory(start)

    def for_directory(self, directory: str) -> Config:
        visited: list[str] = []
        current = directory
        found = DEFAULT
        while True:
            if current in self._dirs:
                found = self._dirs[current]
                break
            visited.append(current)
            here = _config_in(current)
            if here is not None:
                found = here
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for d in visited:
            self._dirs[d] = found
        return found


def _config_in(directory: str) -> Config | None:
    for name in (".schedulelib.toml", "pyproject.toml"):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            config = load_config(Path(candidate))
            if config is not None:
                return config
    return None


def find_config(file: str | Path) -> Config:
    """The configuration that applies to ``file`` (:data:`DEFAULT` when there is none)."""
    return Finder().for_file(file)
