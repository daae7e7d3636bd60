"""Reading files and dispatching their text to the reader of their kind."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from schedulelib.core.diagnostics import diagnostic
from schedulelib.lint.sources.model import Finding, Kind, Lines, Scan

#: Files larger than this are not read (SL904): schedule configuration is small.
MAX_BYTES = 16 * 1024 * 1024
#: ... except a workspace snapshot written by ``schedulelib pull`` (its sync history makes it
#: large: 14 days of 500 subscriptions every 15 minutes is about 130 MB), recognised by its
#: marker key (``snapshot.MARK``) near the start of the file.
SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024
_SNAPSHOT_MARK = b'"schedulelibSnapshot"'
SUFFIXES: dict[str, Kind] = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".tf": "terraform"}
# Directories a search never enters: version control, Terraform's provider cache, dependencies.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".terraform", "node_modules", "__pycache__",
                       ".venv", ".tox"})


# -- reading files ------------------------------------------------------------------------------


def kind_of(name: str, text: str | bytes | None = None) -> Kind | None:
    """The kind of a file from its suffix; for other names, a guess from the text."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix == ".tfvars":  # named on the command line: Terraform variables, never YAML
        return "terraform"
    if text is None:
        return None
    head = text[:4096].decode("utf-8", "replace") if isinstance(text, bytes) else text[:4096]
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return "json"
    if re.search(r'^\s*(resource|variable|terraform|provider|locals|module|data)\b', head,
                 re.MULTILINE):
        return "terraform"
    return "yaml"


def iter_files(directory: str | Path, errors: list[Scan] | None = None) -> Iterator[Path]:
    """JSON, YAML and Terraform files under ``directory``, sorted, skipping hidden and
    dependency directories (symbolic links to directories are not followed).

    A directory that cannot be listed is never skipped in silence: when ``errors`` is given,
    an unreadable :class:`Scan` (SL901) is added to it for that directory.
    """

    def failed(exc: OSError) -> None:
        if errors is not None:
            where = exc.filename if exc.filename is not None else directory
            errors.append(_unreadable(str(where), f"cannot be searched: {_why(exc)}",
                                      "directory"))

    for root, dirs, files in os.walk(directory, onerror=failed):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in SUFFIXES:
                yield Path(root, name)


def is_dir(path: str | Path) -> bool:
    """``Path.is_dir`` that never raises (a path under a directory that cannot be searched,
    a symbolic link loop: not a directory; reading it then says why)."""
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


_NOT_REGULAR = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device")]


def read_file(path: str | Path, *, kind: Kind | None = None, name: str | None = None,
              named: bool = True) -> Scan:
    """Read and scan one file; a file that cannot be read is a finding, never an exception.

    Only regular files are read.  ``named``: the file was named by the user; otherwise it was
    found by a directory search, and then a special file (a FIFO, a device, a socket) or a
    symbolic link to nothing is skipped with a note, not an error.
    """
    label = name if name is not None else str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
        getattr(os, "O_BINARY", 0)
    try:
        # Opened without blocking, so that a FIFO with no writer cannot hang the run; only a
        # regular file is then read.
        fd = os.open(path, flags)
    except FileNotFoundError:
        if not named and os.path.islink(path):
            return _skipped(label, "a symbolic link to nothing")
        return _unreadable(label, "does not exist")
    except OSError as exc:
        if not named and exc.errno == errno.ELOOP:
            return _skipped(label, "a symbolic link loop")
        if exc.errno == errno.ELOOP:
            return _unreadable(label, "is a symbolic link loop")
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing by nobody
            return _special(label, "a socket or another special file", named)
        return _unreadable(label, f"cannot be read: {_why(exc)}")
    except ValueError as exc:  # a NUL in the name
        return _unreadable(label, f"cannot be read: {exc}")
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        return _unreadable(label, f"cannot be read: {_why(exc)}")
    for test, what in _NOT_REGULAR:
        if test(mode):
            os.close(fd)
            if what == "a directory":
                return _unreadable(label, "is a directory")
            return _special(label, what, named)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES and _SNAPSHOT_MARK in data[:4096]:
                data += handle.read(SNAPSHOT_MAX_BYTES - MAX_BYTES)
        except OSError as exc:
            return _unreadable(label, f"cannot be read: {_why(exc)}")
    limit = SNAPSHOT_MAX_BYTES if _SNAPSHOT_MARK in data[:4096] else MAX_BYTES
    if len(data) > limit:
        # Judged on what was read: a huge file that does not look like schedule configuration
        # there is skipped, like any other unrelated file.
        if not relevance(data):
            return Scan(label, kind, skipped=True)
        return too_large(label, kind, limit)
    return scan(data, name=label, kind=kind or kind_of(label, data), named=named)


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def _special(label: str, what: str, named: bool) -> Scan:
    if named:
        return _unreadable(label, f"is {what}, not a regular file",
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


def _unreadable(label: str, why: str, what: str = "file",
                hint: str = "check the path and its permissions") -> Scan:
    return Scan(label, None, unreadable=True, findings=[Finding(label, 0, 0, diagnostic(
        "SL901", "", f"the {what} {why}", hint))])


# -- scanning text ------------------------------------------------------------------------------


def relevance(text: str | bytes) -> int:
    """How surely ``text`` is about Segment schedules, from its bytes alone (decision D23):
    2 when it names a key that holds a schedule (``reverseETLSchedule``,
    ``reverse_etl_schedule``, ``schedule_strategy``) or a Reverse ETL model
    (``segment_reverse_etl_model``), 1 when it has a ``strategy`` key where a bare schedule
    has it, 0 otherwise (then it is none of schedulelib's business)."""
    if isinstance(text, bytes) and text.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 (YAML allows it, schedulelib reads UTF-8 only): judged on its text, so a
        # schedule file saved as UTF-16 gets "not UTF-8" instead of passing unseen.
        text = text.decode("utf-16", "replace")
    if isinstance(text, str):
        if any(word in text for word in _STRONG_TEXT):
            return 2
        return 1 if _WEAK_TEXT.search(text) else 0
    if any(word in text for word in _STRONG):
        return 2
    return 1 if _WEAK.search(text) else 0


# A Reverse ETL model names no schedule key when written without the deprecated schedule
# attributes, yet its source_id says who shares a warehouse (SL701, D64).
_STRONG = (b"reverseETLSchedule", b"reverse_etl_schedule", b"schedule_strategy",
           b"segment_reverse_etl_model")
_STRONG_TEXT = tuple(word.decode() for word in _STRONG)
# A quoted "strategy" key (JSON, at any depth: whether it is at the top is known only once
# parsed), or an unquoted one at the start of a line or in a flow mapping (YAML's top level;
# the indented `strategy:` of GitHub workflows and Kubernetes deployments does not match).
# A byte order mark may stand before the first line's key.
_WEAK_PATTERN = (r"""["']strategy["'][ \t\r\n]*:|^(?:BOM)?strategy[ \t]*:"""
                 r"""|[{,][ \t\r\n]*strategy[ \t]*:""")
_WEAK = re.compile(_WEAK_PATTERN.replace("BOM", r"\xef\xbb\xbf").encode(), re.MULTILINE)
_WEAK_TEXT = re.compile(_WEAK_PATTERN.replace("BOM", "\ufeff"), re.MULTILINE)


def scan(text: str | bytes, *, name: str, kind: Kind | None = None, named: bool = True,
         everything: bool = False) -> Scan:
    """Every schedule in ``text`` (a file called ``name``), and the file's own problems.

    Text that is not about Segment schedules (:func:`relevance`) is not read: the scan is
    ``skipped`` and has no findings, whatever its syntax.  ``everything`` reads it anyway.
    ``named``: the user named this file, so one that mentions schedule keys but holds no
    schedule gets warning SL905.
    """
    if kind is None:
        kind = kind_of(name, text) or "json"
    # A .tfvars file named on the command line is Terraform variables: read, never skipped.
    level = 2 if everything or name.lower().endswith(".tfvars") else relevance(text)
    if level == 0:
        return Scan(name, kind, skipped=True)
    result = Scan(name, kind)
    decoded = _decode(text, result)
    if decoded is None:
        return result
    result.text = decoded
    # A finding about the whole file covers its first character.
    whole = Lines(decoded).point(0)
    if not decoded.strip():
        result.findings.append(Finding.at(name, whole, diagnostic(
            "SL902", "", "the file is empty" if not decoded else "the file holds only white space",
            "write the configuration, or remove the file")))
        return result
    try:
        # Each reader is imported when first needed: a JSON-only run never loads the others.
        if kind == "json" and name.lower().endswith(".tf.json"):
            from schedulelib.lint.sources.tfjson import (
                scan_tfjson,  # Terraform's JSON syntax (CDKTF)
            )

            scan_tfjson(decoded, result)
        elif kind == "json":
            from schedulelib.lint.sources.json import scan_json

            scan_json(decoded, result)
        elif kind == "yaml":
            from schedulelib.lint.sources.yaml import scan_yaml

            scan_yaml(decoded, result)
        else:
            from schedulelib.lint.sources.terraform import scan_terraform

            scan_terraform(decoded, result)
    except RecursionError:
        result.schedules.clear()
        result.findings.append(Finding.at(name, whole, diagnostic(
            "SL001", "", "the document is nested too deeply to read",
            "schedule configuration is never this deep: is this the right file?")))
        return result
    if level == 1 and not result.schedules and not any(
            f.code in ("SL001", "SL006") for f in result.findings):
        # Only a "strategy" key, and no schedule after all (a Kubernetes deployment in JSON):
        # not about schedules.
        return Scan(name, kind, skipped=True)
    if named and not result.schedules and not result.unscheduled and not result.models \
            and not any(f.severity == "error" for f in result.findings):
        result.findings.append(Finding.at(name, whole, diagnostic(
            "SL905", "", f"no schedule found in this {_KIND_NAMES[kind]} file",
            _no_schedule_hint(name, kind))))
    return result


_KIND_NAMES = {"json": "JSON", "yaml": "YAML", "terraform": "Terraform"}
_NO_SCHEDULE_HINTS = {
    "json": "schedules are objects under a 'reverseETLSchedule' key, or a file with a top-level "
            "'strategy'",
    "yaml": "schedules are mappings under a 'reverseETLSchedule' key, or a file with a top-level "
            "'strategy'",
    "terraform": "schedules are the reverse_etl_schedule of segment_destination_subscription "
                 "resources (or schedule_strategy of segment_reverse_etl_model)",
}


def _no_schedule_hint(name: str, kind: Kind) -> str:
    lower = name.lower()
    if lower.endswith(".tfvars"):
        return ("a .tfvars file holds the values of variables: pass it with --var-file to check "
                "the schedules that use them")
    return _NO_SCHEDULE_HINTS["terraform" if lower.endswith(".tf.json") else kind]


def _decode(text: str | bytes, result: Scan) -> str | None:
    if isinstance(text, str):
        decoded = text.removeprefix("\ufeff")
        # Text given to the API may hold a lone surrogate, which no UTF-8 file can.
        surrogate = _SURROGATE.search(decoded)
        if surrogate is not None:
            line, column = Lines(decoded).at(surrogate.start())
            result.findings.append(Finding(result.file, line, column, diagnostic(
                "SL901", "", f"the text is not Unicode: U+{ord(surrogate[0]):04X} at offset "
                f"{surrogate.start()} is a lone surrogate", "remove it"), line, column + 1))
            return None
    else:
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


def read_all(paths: Iterable[str]) -> Iterator[Scan]:
    """Scan each path: files as named, directories searched (a directory that cannot be
    searched is an unreadable scan); ``-`` is not handled here."""
    for argument in paths:
        if is_dir(argument):
            errors: list[Scan] = []
            for file in iter_files(argument, errors):
                yield from errors
                errors.clear()
                yield read_file(file, named=False)
            yield from errors
        else:
            yield read_file(argument)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _undecodable(data: bytes, exc: UnicodeDecodeError, file: str) -> Finding:
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    return Finding(file, line, column, diagnostic(
        "SL901", "", f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset "
        f"{exc.start} cannot be decoded", "save the file as UTF-8"), line, column + 1)
