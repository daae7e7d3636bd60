"""The sources of a run: the arguments walked, each file once, and a source read.

The one walk of ``validate``, ``--fix`` and :func:`schedulelib.scan_paths`: files as named,
folders searched (the ``include`` / ``exclude`` of each file's configuration applied), a
folder that cannot be searched reported.  Apart from the engine so that the scanning API
walks without importing what ``validate`` checks with (and ``--fix``, which imports it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from schedulelib.core.diagnostics import diagnostic
from schedulelib.lint import sources
from schedulelib.lint.config import Config, Finder
from schedulelib.lint.sources import Finding, Scan

__all__ = ["Configs", "Folders", "Source", "expand", "first", "read"]


class Source:
    """One thing to check: a file (``data`` None) or text read already (standard input).

    ``named``: named by the user, not found by a directory search (SL905 applies).
    """

    __slots__ = ("data", "name", "named", "path")

    def __init__(self, name: str, path: str | Path | None = None, data: bytes | None = None,
                 named: bool = True) -> None:
        self.name, self.path, self.data, self.named = name, path, data, named


class Folders(Protocol):
    """Where the walk finds the configuration of the files of a folder."""

    def for_folder(self, folder: str) -> Config: ...


class Configs:
    """The nearest configuration of each folder (``validate`` without ``--config`` or
    ``--isolated``): what :func:`schedulelib.scan_paths` walks with."""

    def __init__(self) -> None:
        self._finder = Finder()

    def for_folder(self, folder: str) -> Config:
        return self._finder.for_directory(os.path.abspath(folder))


def expand(arguments: Iterable[str], settings: Folders, *,
           stdin: Callable[[], Source] | None = None,
           on_empty: Callable[[str], None] | None = None) -> Iterator[Source | Scan]:
    """The sources named by ``arguments``: files as named, directories searched (``include`` /
    ``exclude`` of each file's configuration applied), each file once; ``-`` is ``stdin()``.
    ``on_empty(argument)`` is called for a directory holding no file to check.

    The one walk of the arguments: ``validate``, :func:`schedulelib.scan_paths` and
    ``--fix`` all take their files from here.
    """
    seen: set[str] = set()
    for argument in arguments:
        if argument == "-" and stdin is not None:
            yield stdin()
            continue
        if not sources.is_dir(argument):
            if first(argument, seen):
                yield Source(argument, Path(argument))
            continue
        if not os.access(argument, os.R_OK | os.X_OK):
            # os.walk skips what it cannot list without a word; a named one is an error.
            yield _unreadable_scan(argument, "the directory cannot be searched: "
                                   "permission denied", "check its permissions")
            continue
        empty = True
        unsearchable: list[Scan] = []
        # Names as Path(folder, name) writes them ("./a.json" is "a.json"), without making a
        # Path of each file.
        base = str(Path(argument))
        prefix = "" if base == "." else os.path.join(base, "")
        real = real_path(base)
        # The folders that could not be listed come back in ``unsearchable``.
        for _folder, sub, entries in sources.walk(base, unsearchable):
            here = prefix + os.path.join(sub, "") if sub else prefix
            real_here = os.path.join(real, sub, "")
            config = settings.for_folder(here or ".")
            choose = config.include or config.exclude
            for name, link in entries:
                path = here + name
                if choose and not config.walks_into(path):
                    continue
                # A file in a folder the walk entered (never through a link) is where its
                # path says; only a link needs asking where it leads.
                key = real_path(path) if link else real_here + name
                if key not in seen:
                    seen.add(key)
                    empty = False
                    # A FIFO or device found by a search is skipped by the reader, never opened.
                    yield Source(path, path, named=False)
        yield from unsearchable
        if empty and not unsearchable and on_empty is not None:
            on_empty(argument)


def first(path: str, seen: set[str]) -> bool:
    """False for a file already checked in this run (named twice, or inside a named dir)."""
    key = real_path(path)
    if key in seen:
        return False
    seen.add(key)
    return True


def real_path(path: str) -> str:
    """The real path of ``path``, or its absolute path where that cannot be told (a NUL in
    the name): the key by which one run knows a file it has seen."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.abspath(path)


def read(item: Source) -> Scan:
    """Read and scan one source."""
    if item.data is not None:
        if len(item.data) > sources.MAX_BYTES:
            return sources.too_large(item.name)
        return sources.scan(item.data, name=item.name, named=item.named)
    assert item.path is not None
    # Only regular files are read (a FIFO or a device is an error, or skipped in a search).
    return sources.read_file(item.path, named=item.named)


def _unreadable_scan(name: str, message: str, hint: str) -> Scan:
    return Scan(name, None, unreadable=True, findings=[Finding(name, 0, 0, diagnostic(
        "SL901", "", message, hint))])
