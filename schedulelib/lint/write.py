"""Writing a repaired file safely (``validate --fix``): whole or not at all, and only over the
text the repairs were planned on.

A new file is written beside the old one and renamed over it, so a reader sees the old file or
the new one, never a part; the mode, the owner (where the user may keep it) and the byte order
mark are kept.  What to change is :mod:`.fix`'s business; this module only writes.
"""

from __future__ import annotations

import os
from contextlib import suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schedulelib.lint.fix import FileFix
    from schedulelib.lint.scanning import StrPath

__all__ = ["FileChangedError", "write_fixed"]


class FileChangedError(OSError):
    """The file changed on disk after it was read: the fix was not written."""


def write_fixed(result: FileFix, path: StrPath | None = None) -> None:
    """Replace the file ``result`` was read from (or ``path``) with ``result.after``.

    The new text goes to a file beside the old one that is then renamed over it, so a reader
    sees the old file or the new one, never a part.  The mode is kept, and the owner when the
    user may set it; a symbolic link is followed (the link stays, its target changes).  If the
    file no longer holds ``result.before``, :class:`FileChangedError` is raised and nothing is
    written.
    """
    import stat

    from schedulelib.lint.sources import MAX_BYTES

    if result.after is None or not result.changed:
        return
    real = os.path.realpath(os.fspath(path if path is not None else result.file))
    with open(real, "rb") as handle:
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
    fd, temporary = _create_beside(real)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload.encode("utf-8"))
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
            created = os.fstat(handle.fileno())
            if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (created.st_uid,
                                                                        created.st_gid):
                # Only root may give a file away; for anyone else the content is what matters.
                with suppress(OSError):
                    os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, real)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _create_beside(real: str) -> tuple[int, str]:
    """A new file, readable and writable by its owner only, in the directory of ``real``
    (as tempfile.mkstemp makes, without importing it: --fix runs in a pre-commit hook)."""
    folder, base = os.path.split(real)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | \
        getattr(os, "O_NOFOLLOW", 0)
    for attempt in range(100):
        name = os.path.join(folder, f".{base}.{os.getpid()}.{attempt}.schedulelib.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: cannot create a file beside {base}")
