"""Which files a directory holds for schedulelib: JSON, YAML and Terraform, found by one walk.

Below every reader (the Terraform module reader looks for the module blocks that call a module
here too), and above none of them, so no reader's import leads back to itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from schedulelib.lint.sources.model import Kind, Scan
from schedulelib.lint.sources.reading import cannot_search

__all__ = ["SKIP_DIRS", "SUFFIXES", "iter_files", "walk"]

SUFFIXES: dict[str, Kind] = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".tf": "terraform"}
# Directories a search never enters: version control, Terraform's provider cache, dependencies.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".terraform", "node_modules", "__pycache__",
                       ".venv", ".tox"})


def iter_files(directory: str | Path, errors: list[Scan] | None = None) -> Iterator[Path]:
    """JSON, YAML and Terraform files under ``directory``, sorted, skipping hidden and
    dependency directories (symbolic links to directories are not followed).

    A directory that cannot be listed is never skipped in silence: when ``errors`` is given,
    an unreadable :class:`Scan` (SL901) is added to it for that directory.
    """
    for folder, _sub, entries in walk(str(directory), errors):
        for name, _link in entries:
            yield Path(folder, name)


def walk(directory: str, errors: list[Scan] | None = None
         ) -> Iterator[tuple[str, str, list[tuple[str, bool]]]]:
    """``(folder, sub, entries)`` for each folder under ``directory``, as ``os.walk`` visits
    them (top down, folders sorted by name), skipping hidden and dependency folders and not
    following symbolic links to folders: ``folder`` is the path to it, ``sub`` the same path
    relative to ``directory`` ("" for the top) and ``entries`` its JSON, YAML and Terraform
    files, sorted, each a ``(name, is a symbolic link)`` pair.

    Built on ``os.scandir`` alone: the kind of each entry comes with the listing, so a search
    makes no system call per file (``os.walk`` and ``Path`` cost one or more).
    """
    stack = [(directory, "")]
    while stack:
        folder, sub = stack.pop()
        try:
            with os.scandir(folder) as listing:
                found = list(listing)
        except OSError as exc:
            if errors is not None:
                where = exc.filename if exc.filename is not None else folder
                errors.append(cannot_search(str(where), exc))
            continue
        entries: list[tuple[str, bool]] = []
        folders: list[str] = []
        for entry in found:
            name = entry.name
            try:
                is_folder = entry.is_dir()
            except OSError:  # as os.walk: an entry whose kind cannot be told is a file
                is_folder = False
            if is_folder:
                if name not in SKIP_DIRS and not name.startswith(".") and \
                        not entry.is_symlink():
                    folders.append(name)
            elif os.path.splitext(name)[1].lower() in SUFFIXES:
                entries.append((name, entry.is_symlink()))
        entries.sort()
        folders.sort(reverse=True)  # popped from the end: visited in name order
        stack += [(os.path.join(folder, name), os.path.join(sub, name) if sub else name)
                  for name in folders]
        yield folder, sub, entries
