"""Open a file only if it is a regular one, without ever blocking on a FIFO.

The one way schedulelib opens a file it reads (configuration files, Terraform files, snapshots,
settings): every reader goes through :func:`open_regular` or :func:`read_regular`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import BinaryIO

_WHAT = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
         (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device")]
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
    getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path names a directory, a FIFO, a device or a socket; ``str()`` says which ("is a
    named pipe (FIFO)"), ``what`` names it ("a named pipe (FIFO)")."""

    def __init__(self, what: str) -> None:
        super().__init__(f"is {what}")
        self.what = what


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for binary reading if it is a regular file.

    Raises :class:`NotRegularFile` for any other kind of file, ``OSError`` as ``open`` does,
    and ``ValueError`` for a name holding a NUL.  Opened without blocking, so a FIFO with no
    writer cannot hang the caller (and ``/dev/zero`` is never read without end).
    """
    return os.fdopen(_open(path)[0], "rb")


def read_regular(path: str | os.PathLike[str], limit: int, *,
                 extend: Callable[[bytes], int] | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit + 1`` of them: more than
    ``limit`` tells the caller the file is too large without reading all of it.

    ``extend(first)``, called with the first ``limit + 1`` bytes of a file that holds more,
    may give a larger limit for this file (a snapshot, recognised by its first bytes).
    Raises as :func:`open_regular`.
    """
    fd, size = _open(path)
    try:
        data = _read(fd, limit + 1, size)
        if extend is not None and len(data) > limit:
            larger = extend(data)
            if larger > limit:
                data += _read(fd, larger - limit, size - len(data))
        return data
    finally:
        os.close(fd)


def _open(path: str | os.PathLike[str]) -> tuple[int, int]:
    """A descriptor of the regular file ``path`` and its size."""
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(next((what for test, what in _WHAT if test(st.st_mode)),
                                      "not a regular file"))
        # O_NONBLOCK is left set: POSIX gives it no effect on a regular file, and clearing it
        # would cost two system calls per file in a search of thousands.
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def _read(fd: int, most: int, size: int) -> bytes:
    """Up to ``most`` bytes from ``fd``, asking first for what the file holds (``size``) and
    one byte more: ``read(most)`` would set aside ``most`` bytes of memory for every file."""
    ask = max(1, min(most, size + 1))
    data = os.read(fd, ask)
    if len(data) < ask:
        # Fewer bytes than asked: the end of the file (POSIX: a read of a regular file stops
        # short only there), and the one system call a small file costs.
        return data
    parts, total = [data], len(data)
    while total < most:  # the file grew since fstat: go on in larger pieces
        piece = os.read(fd, min(max(ask, 1 << 20), most - total))
        if not piece:
            break
        parts.append(piece)
        total += len(piece)
    return b"".join(parts)
