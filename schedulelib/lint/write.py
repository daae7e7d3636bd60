"""Writing a repaired file safely (``validate --fix``): whole or not at all, and only over the
text the repairs were planned on.

A new file is written beside the old one and renamed over it, so a reader sees the old file or
the new one, never a part; the mode, the owner (where the user may keep it) and the byte order
mark are kept.  What to change is :mod:`.fix`'s business; this module only writes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from schedulelib._support.atomic import TEMPORARY_SUFFIX, remove_leftovers, replace_whole
from schedulelib._support.files import open_regular

if TYPE_CHECKING:
    from schedulelib.lint.fix import FileFix
    from schedulelib.lint.scanning import StrPath

__all__ = ["TEMPORARY_SUFFIX", "FileChangedError", "NotWritableError", "remove_leftovers",
           "write_fixed"]


class FileChangedError(OSError):
    """The file changed on disk after it was read: the fix was not written."""


class NotWritableError(PermissionError):
    """The file may be read but is not ours to rewrite (read-only, or a symbolic link out of
    the tree named): the fix was not written."""


def write_fixed(result: FileFix, path: StrPath | None = None, *,
                within: StrPath | None = None) -> None:
    """Replace the file ``result`` was read from (or ``path``) with ``result.after``.

    Written whole or not at all (:func:`~schedulelib._support.atomic.replace_whole`: the mode
    is kept, and the owner when the user may set it); a symbolic link is followed (the link
    stays, its target changes) when its target is inside ``within`` (a directory that was
    named; None: anywhere).  If the file no longer holds ``result.before``,
    :class:`FileChangedError` is raised and nothing is written; if it is read-only (no write
    permission bit, or not writable by this user) or a link out of ``within``,
    :class:`NotWritableError`.
    """
    import stat

    from schedulelib.lint.sources import MAX_BYTES

    if result.after is None or not result.changed:
        return
    real = os.path.realpath(os.fspath(path if path is not None else result.file))
    if within is not None:
        root = os.path.realpath(os.fspath(within))
        if not real.startswith(os.path.join(root, "")):
            # A directory search never follows a folder link out of the tree; a file link is
            # read (its schedules are checked) but writing through it would change a file the
            # user did not name.
            raise NotWritableError(
                f"it is a symbolic link to {real}, outside {os.fspath(within)}; name the "
                "target to fix it")
    # Only a regular file, opened without blocking: a FIFO put there since cannot hang us.
    with open_regular(real) as handle:
        info = os.fstat(handle.fileno())
        data = handle.read(MAX_BYTES + 1)
    if not stat.S_IMODE(info.st_mode) & 0o222 or not os.access(real, os.W_OK):
        # os.replace needs only the directory's permission, so it would replace a 0444 file;
        # read-only is the user saying no (ruff, black and prettier refuse too).  The mode bits
        # are checked as well as access() because root may write anything.
        raise NotWritableError(f"the file is read-only (mode {stat.S_IMODE(info.st_mode):04o}); "
                               "make it writable to fix it")
    try:
        current = data.decode("utf-8")
    except UnicodeDecodeError:
        current = None
    if current is None or current.removeprefix("\ufeff") != result.before:
        raise FileChangedError(f"{real}: the file changed after it was read; run again")
    # A byte order mark is not part of the text the readers see: put it back.
    payload = ("\ufeff" + result.after if current.startswith("\ufeff") else result.after)
    replace_whole(real, lambda out: out.write(payload.encode("utf-8")), like=info)
