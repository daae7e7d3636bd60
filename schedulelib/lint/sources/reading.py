"""One file's bytes and text, or the finding that says why there are none.

Below every reader (the Terraform module reads its sibling files and ``.tfvars`` here too), and
above none of them: this module imports no reader, so no reader's import leads back to itself.
Files are opened by :func:`schedulelib._support.files.read_regular` alone.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from schedulelib._support.files import NotRegularFile, read_regular
from schedulelib._support.text import surrogate
from schedulelib.core.diagnostics import diagnostic
from schedulelib.lint.sources.model import Finding, Kind, Lines, Scan

#: Files larger than this are not read (SL904): schedule configuration is small.
MAX_BYTES = 16 * 1024 * 1024
#: ... except a workspace snapshot written by ``schedulelib pull`` (its sync history makes it
#: large: 14 days of 500 subscriptions every 15 minutes is about 130 MB), recognised by its
#: marker key (``snapshot.MARK``) near the start of the file.
SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024
SNAPSHOT_MARK = b'"schedulelibSnapshot"'


def read_bytes(path: str | Path, label: str, *, named: bool = True) -> bytes | Scan:
    """The bytes of a regular file (more than :data:`MAX_BYTES` of them only for a snapshot,
    and then at most :data:`SNAPSHOT_MAX_BYTES` + 1), or the :class:`Scan` that says why it
    cannot be read.

    ``named``: the file was named by the user; otherwise it was found by a directory search,
    and then a special file (a FIFO, a device, a socket) or a symbolic link to nothing is
    skipped with a note, not an error.
    """
    try:
        # Opened without blocking, so that a FIFO with no writer cannot hang the run; only a
        # regular file is then read.
        return read_regular(path, MAX_BYTES, extend=limit_of)
    except FileNotFoundError:
        if not named and os.path.islink(path):
            return _skipped(label, "a symbolic link to nothing")
        return unreadable(label, "does not exist")
    except NotRegularFile as exc:
        if exc.what == "a directory":
            return unreadable(label, "is a directory")
        return _special(label, exc.what, named)
    except OSError as exc:
        if not named and exc.errno == errno.ELOOP:
            return _skipped(label, "a symbolic link loop")
        if exc.errno == errno.ELOOP:
            return unreadable(label, "is a symbolic link loop")
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing by nobody
            return _special(label, "a socket or another special file", named)
        return unreadable(label, f"cannot be read: {_why(exc)}")
    except ValueError as exc:  # a NUL in the name
        return unreadable(label, f"cannot be read: {exc}")


def limit_of(data: bytes) -> int:
    """The size over which a file starting with ``data`` is too large to read."""
    return SNAPSHOT_MAX_BYTES if data.find(SNAPSHOT_MARK, 0, 4096) >= 0 else MAX_BYTES


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def _special(label: str, what: str, named: bool) -> Scan:
    if named:
        return unreadable(label, f"is {what}, not a regular file",
                          hint="name the configuration file itself; only regular files are read")
    return _skipped(label, what)


def _skipped(label: str, what: str) -> Scan:
    return Scan(label, None, skipped=True, note=f"skipped: {what}, not a regular file")


def too_large(label: str, kind: Kind | None = None, limit: int = MAX_BYTES) -> Scan:
    """The scan of a file over :data:`MAX_BYTES` (a snapshot: :data:`SNAPSHOT_MAX_BYTES`): one
    SL904 finding, nothing read."""
    return Scan(label, kind, findings=[Finding(label, 0, 0, diagnostic(
        "SL904", "", f"the file is larger than {limit // (1024 * 1024)} MiB; not read",
        "point schedulelib at the configuration files themselves"))])


def unreadable(label: str, why: str, what: str = "file",
               hint: str = "check the path and its permissions") -> Scan:
    """The scan of a file (or a directory) that cannot be read: one SL901 finding."""
    return Scan(label, None, unreadable=True, findings=[Finding(label, 0, 0, diagnostic(
        "SL901", "", f"the {what} {why}", hint))])


def cannot_search(label: str, exc: OSError) -> Scan:
    """The scan of a directory that cannot be searched (SL901)."""
    return unreadable(label, f"cannot be searched: {_why(exc)}", "directory")


def decode(text: str | bytes, result: Scan) -> str | None:
    """``text`` as a string without its byte order mark; None, with an SL901 or SL001 finding
    added to ``result``, when it is not UTF-8 (or, given as a string, not Unicode)."""
    if isinstance(text, str):
        decoded = text.removeprefix("\ufeff")
        # Text given to the API may hold a lone surrogate, which no UTF-8 file can.
        lone = None if decoded.isascii() else surrogate().search(decoded)
        if lone is not None:
            line, column = Lines(decoded).at(lone.start())
            result.findings.append(Finding(result.file, line, column, diagnostic(
                "SL901", "", f"the text is not Unicode: U+{ord(lone[0]):04X} at offset "
                f"{lone.start()} is a lone surrogate", "remove it"), line, column + 1))
            return None
    else:
        foreign = foreign_encoding(text)
        if foreign is not None:
            result.findings.append(Finding(result.file, 1, 1, diagnostic(
                "SL901", "", f"the file is not UTF-8 text: it is {foreign[1]} (from its first "
                f"bytes, {text[:4].hex(' ')})", "save the file as UTF-8"), 1, 2))
            return None
        try:
            decoded = text.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            result.findings.append(_undecodable(text, exc, result.file))
            return None
    if decoded.startswith("\ufeff"):
        # One byte order mark is allowed; a second one is text no reader accepts.
        result.findings.append(Finding(result.file, 1, 1, diagnostic(
            "SL001", "", "the file starts with two byte order marks (U+FEFF)",
            "save the file as UTF-8 with at most one byte order mark"), 1, 2))
        return None
    return decoded


def foreign_encoding(data: bytes) -> tuple[str, str] | None:
    """(codec, name) of text in UTF-16 or UTF-32, told by its first bytes as YAML 1.2 (5.2)
    and RFC 4627 (3) tell them: a byte order mark, or where the NULs of an ASCII first
    character fall; None for anything else (UTF-8 among it: its text never holds a NUL)."""
    head = data[:4]
    if head.startswith(b"\x00\x00\xfe\xff") or (len(head) == 4 and head[:3] == b"\0\0\0"):
        return "utf-32-be", "UTF-32BE"
    if head.startswith(b"\xff\xfe\x00\x00") or (len(head) == 4 and head[0] and
                                                 head[1:] == b"\0\0\0"):
        return "utf-32-le", "UTF-32LE"
    if head.startswith(b"\xfe\xff") or (len(head) >= 2 and not head[0] and head[1]):
        return "utf-16-be", "UTF-16BE"
    if head.startswith(b"\xff\xfe") or (len(head) >= 2 and head[0] and not head[1]):
        return "utf-16-le", "UTF-16LE"
    return None


#: How far into a file a NUL marks it as binary (git looks at the first 8000 bytes).
BINARY_HEAD = 8000


def wide_text(data: bytes) -> bool:
    """UTF-16 or UTF-32 text (whose NUL bytes are parts of characters), not binary: its
    start decodes to printable characters and white space only."""
    foreign = foreign_encoding(data)
    if foreign is None:
        return False
    unit = 4 if "32" in foreign[0] else 2
    if len(data) % unit and len(data) <= BINARY_HEAD:
        return False  # no whole number of characters: not text in that encoding
    head = data[:BINARY_HEAD]
    head = head[:len(head) - len(head) % unit]
    try:
        text = head.decode(foreign[0])
    except UnicodeDecodeError:
        return False
    return text.removeprefix("\ufeff").translate(_WHITE).isprintable()


_WHITE = dict.fromkeys(map(ord, "\t\n\r"), None)


def _undecodable(data: bytes, exc: UnicodeDecodeError, file: str) -> Finding:
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    return Finding(file, line, column, diagnostic(
        "SL901", "", f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset "
        f"{exc.start} cannot be decoded", "save the file as UTF-8"), line, column + 1)
