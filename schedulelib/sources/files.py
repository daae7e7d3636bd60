"""Reading files and dispatching their text to the reader of their kind."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import diagnostic
from .model import Finding, Kind, Lines, Scan

#: Files larger than this are not read (SL904): schedule configuration is small.
MAX_BYTES = 16 * 1024 * 1024
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


def iter_files(directory: Path) -> Iterator[Path]:
    """JSON, YAML and Terraform files under ``directory``, sorted, skipping hidden and
    dependency directories."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in SUFFIXES:
                yield Path(root, name)


def read_file(path: str | Path, *, kind: Kind | None = None, name: str | None = None,
              named: bool = True) -> Scan:
    """Read and scan one file; a file that cannot be read is a finding, never an exception.

    ``named``: the file was named by the user (not found by a directory search), so a file
    without any schedule gets the SL905 warning.
    """
    label = name if name is not None else str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        return _unreadable(label, "is a directory")
    except FileNotFoundError:
        return _unreadable(label, "does not exist")
    except PermissionError:
        return _unreadable(label, "cannot be read: permission denied")
    except OSError as exc:
        return _unreadable(label, f"cannot be read: {exc.strerror or exc}")
    if len(data) > MAX_BYTES:
        return too_large(label, kind)
    return scan(data, name=label, kind=kind or kind_of(label, data), named=named)


def too_large(label: str, kind: Kind | None = None) -> Scan:
    """The scan of a file over :data:`MAX_BYTES`: one SL904 finding, nothing read."""
    return Scan(label, kind, findings=[Finding(label, 0, 0, diagnostic(
        "SL904", "", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; not read",
        "point schedulelib at the configuration files themselves"))])


def _unreadable(label: str, why: str) -> Scan:
    return Scan(label, None, unreadable=True, findings=[Finding(label, 0, 0, diagnostic(
        "SL901", "", f"the file {why}", "check the path and its permissions"))])


# -- scanning text ------------------------------------------------------------------------------


def scan(text: str | bytes, *, name: str, kind: Kind | None = None, named: bool = True) -> Scan:
    """Every schedule in ``text`` (a file called ``name``), and the file's own problems."""
    if kind is None:
        kind = kind_of(name, text) or "json"
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
        if kind == "json":
            from .json import scan_json

            scan_json(decoded, result)
        elif kind == "yaml":
            from .yaml import scan_yaml

            scan_yaml(decoded, result)
        else:
            from .terraform import scan_terraform

            scan_terraform(decoded, result)
    except RecursionError:
        result.schedules.clear()
        result.findings.append(Finding.at(name, whole, diagnostic(
            "SL001", "", "the document is nested too deeply to read",
            "schedule configuration is never this deep: is this the right file?")))
        return result
    if named and not result.schedules and not any(
            f.severity == "error" for f in result.findings):
        result.findings.append(Finding.at(name, whole, diagnostic(
            "SL905", "", f"no schedule found in this {_KIND_NAMES[kind]} file",
            _NO_SCHEDULE_HINTS[kind])))
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


def _decode(text: str | bytes, result: Scan) -> str | None:
    if isinstance(text, str):
        return text.removeprefix("\ufeff")
    try:
        return text.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = text[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        result.findings.append(Finding(result.file, line, column, diagnostic(
            "SL901", "", f"the file is not UTF-8 text: byte 0x{text[exc.start]:02x} at offset "
            f"{exc.start} cannot be decoded", "save the file as UTF-8"), line, column + 1))
        return None


def read_all(paths: Iterable[str]) -> Iterator[Scan]:
    """Scan each path: files as named, directories searched; ``-`` is not handled here."""
    for argument in paths:
        path = Path(argument)
        if path.is_dir():
            for file in iter_files(path):
                yield read_file(file, named=False)
        else:
            yield read_file(path)
