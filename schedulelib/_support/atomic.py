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


def _create_beside(real: str, mode: int) -> tuple[int, str]:
    """A new file in the directory of ``real``.  O_EXCL and O_NOFOLLOW: never write through
    anything already at the name (a symbolic link planted there included)."""
    folder, base = os.path.split(real)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | \
        getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        name = os.path.join(folder, f".{base}.{os.getpid()}.{os.urandom(4).hex()}.schedulelib.tmp")
        try:
            return os.open(name, flags, mode), name
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: cannot create a file beside {base}")
