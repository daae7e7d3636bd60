"""Writing a repaired file safely (``validate --fix``): whole or not at all, and only over the
text the repairs were planned on.

A new file is written beside the old one and renamed over it, so a reader sees the old file or
the new one, never a part; the mode, the owner (where the user may keep it) and the byte order
mark are kept.  What to change is :mod:`.fix`'s business; this module only writes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from schedulelib._support.atomic import replace_whole
from schedulelib._support.files import open_regular

if TYPE_CHECKING:
    from schedulelib.lint.fix import FileFix
    from schedulelib.lint.scanning import StrPath

__all__ = ["FileChangedError", "write_fixed"]


class FileChangedError(OSError):
    """The file changed on disk after it was read: the fix was not written."""


def write_fixed(result: FileFix, path: StrPath | None = None) -> None:
    """Replace the file ``result`` was read from (or ``path``) with ``result.after``.

    Written whole or not at all (:func:`~schedulelib._support.atomic.replace_whole`: the mode
    is kept, and the owner when the user may set it); a symbolic link is followed (the link
    stays, its target changes).  If the file no longer holds ``result.before``,
    :class:`FileChangedError` is raised and nothing is written.
    """
    from schedulelib.lint.sources import MAX_BYTES

    if result.after is None or not result.changed:
        return
    real = os.path.realpath(os.fspath(path if path is not None else result.file))
    # Only a regular file, opened without blocking: a FIFO put there since cannot hang us.
    with open_regular(real) as handle:
        info = os.fstat(handle.fileno())
        data = handle.read(MAX_BYTES + 1)
    try:
        current = data.decode("utf-8")
    except UnicodeDecodeError:
        current = None
    if current is None or current.removeprefix("\ufeff") != result.before:
        raise FileChangedError(f"{real}: the file changed after it was read; run again")
    # A byte order mark is not part of the text the readers see: put it back.
    payload = ("\ufeff" + result.after if current.startswith("\ufeff") else result.after)
    replace_whole(real, lambda out: out.write(payload.encode("utf-8")), like=info)
