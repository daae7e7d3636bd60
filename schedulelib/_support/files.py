"""Open a file only if it is a regular one, without ever blocking on a FIFO."""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

_WHAT = [(stat.S_ISDIR, "is a directory"), (stat.S_ISFIFO, "is a named pipe (FIFO)"),
         (stat.S_ISSOCK, "is a socket"), (stat.S_ISCHR, "is a character device"),
         (stat.S_ISBLK, "is a block device")]


class NotRegularFile(OSError):
    """The path names a directory, a FIFO, a device or a socket; ``str()`` says which."""


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for binary reading if it is a regular file.

    Raises :class:`NotRegularFile` for any other kind of file and ``OSError`` as ``open``
    does.  Opened without blocking, so a FIFO with no writer cannot hang the caller (and
    ``/dev/zero`` is never read without end).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
        getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        for test, what in _WHAT:
            if test(mode):
                raise NotRegularFile(what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")
