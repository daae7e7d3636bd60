"""Replacing a file whole or not at all: a new file beside it, then a rename over it.

A reader sees the old file or the new one, never a part, and a failure leaves the old file as
it was.  ``--fix`` (lint/write.py) and ``calendar --ics/--html`` (cli/calendar.py) both write
this way.  No ``tempfile``: it costs start-up time in a pre-commit hook.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from contextlib import suppress
from typing import IO


def replace_whole(real: str, produce: Callable[[IO[bytes]], object], *,
                  like: os.stat_result | None = None, sync: bool = False) -> None:
    """Write the regular file ``real`` (a resolved path) with what ``produce`` writes.

    ``like`` is the file being replaced: its mode is kept, and its owner where the user may
    give files away (only root may).  A new file (``like`` None) gets 0666 less the umask, as
    any file the user creates.  Until it is whole, the new file is readable by its owner only
    when it replaces one (whose mode may be stricter than the umask).  ``sync``: flush it to
    the disk before the rename (one large export is worth it; a thousand small repairs in a
    pre-commit hook would pay a disk flush each, benchmarks/bench_fix.py).
    """
    fd, temporary = _create_beside(real, 0o600 if like is not None else 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            produce(out)
            if sync:
                out.flush()
                os.fsync(out.fileno())
            if like is not None:
                os.chmod(temporary, stat.S_IMODE(like.st_mode))
                created = os.fstat(out.fileno())
                if hasattr(os, "chown") and (like.st_uid, like.st_gid) != (created.st_uid,
                                                                            created.st_gid):
                    # Only root may give a file away; for anyone else the content is what matters.
                    with suppress(OSError):
                        os.chown(temporary, like.st_uid, like.st_gid)
        os.replace(temporary, real)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


#: The suffix of the files :func:`replace_whole` writes before renaming them into place:
#: ``.<name>.<pid>.<n>.schedulelib.tmp`` beside ``<name>``.
TEMPORARY_SUFFIX = "schedulelib.tmp"


def _create_beside(real: str, mode: int) -> tuple[int, str]:
    """A new file in the directory of ``real``.  O_EXCL and O_NOFOLLOW: never write through
    anything already at the name (a symbolic link planted there included)."""
    folder, base = os.path.split(real)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | \
        getattr(os, "O_NOFOLLOW", 0)
    for attempt in range(100):
        name = os.path.join(folder, f".{base}.{os.getpid()}.{attempt}.{TEMPORARY_SUFFIX}")
        try:
            return os.open(name, flags, mode), name
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: cannot create a file beside {base}")


def remove_leftovers(path: str, names: list[str] | None = None) -> int:
    """Remove the files :func:`replace_whole` left beside ``path`` when its process was killed
    (``kill -9`` between creating the new text and the rename: no ``finally`` runs then).

    Only our own names (``.<name>.<pid>.<n>.schedulelib.tmp``) are touched, only regular files
    of this user, and only when process ``<pid>`` is gone (a writer running beside us is left
    to finish).  ``names``: the directory's entries, when the caller listed it already (a run
    over many files of one directory lists it once).  Returns how many were removed; never
    raises.
    """
    import re

    folder, base = os.path.split(os.path.realpath(path))
    pattern = re.compile(rf"\.{re.escape(base)}\.(\d{{1,10}})\.\d{{1,3}}\."
                         rf"{re.escape(TEMPORARY_SUFFIX)}")
    removed = 0
    if names is None:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            return 0
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or _alive(int(match[1])):
            continue
        full = os.path.join(folder, name)
        try:
            info = os.lstat(full)
            if stat.S_ISREG(info.st_mode) and info.st_uid == getattr(os, "geteuid", lambda: 0)():
                os.unlink(full)
                removed += 1
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (assumed so where that cannot be told)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # it exists but is not ours to signal, or the number is not a pid
    return True
