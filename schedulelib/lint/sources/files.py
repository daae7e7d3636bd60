"""Reading files and dispatching their text to the reader of their kind."""

from __future__ import annotations

import os
import re
from pathlib import Path

from schedulelib.core.diagnostics import diagnostic
from schedulelib.lint.sources.model import Finding, Kind, Lines, Scan
from schedulelib.lint.sources.reading import (
    BINARY_HEAD,
    MAX_BYTES,
    decode,
    foreign_encoding,
    limit_of,
    read_bytes,
    too_large,
    unreadable,
    wide_text,
)
from schedulelib.lint.sources.tree import SKIP_DIRS, SUFFIXES, iter_files, walk

__all__ = ["MAX_BYTES", "SKIP_DIRS", "SUFFIXES", "is_dir", "iter_files", "kind_of", "read_file",
           "relevance", "scan", "too_large", "walk"]

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


def is_dir(path: str | Path) -> bool:
    """``Path.is_dir`` that never raises (a path under a directory that cannot be searched,
    a symbolic link loop: not a directory; reading it then says why)."""
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


def read_file(path: str | Path, *, kind: Kind | None = None, name: str | None = None,
              named: bool = True) -> Scan:
    """Read and scan one file; a file that cannot be read is a finding, never an exception.

    Only regular files are read.  ``named``: the file was named by the user; otherwise it was
    found by a directory search, and then a special file (a FIFO, a device, a socket) or a
    symbolic link to nothing is skipped with a note, not an error.
    """
    label = name if name is not None else str(path)
    data = read_bytes(path, label, named=named)
    if isinstance(data, Scan):
        return data
    limit = limit_of(data)
    if len(data) > limit:
        # Judged on what was read: a huge file that does not look like schedule configuration
        # there is skipped, like any other unrelated file.
        if not relevance(data):
            return Scan(label, kind, skipped=True)
        return too_large(label, kind, limit)
    if named and b"\0" in data[:BINARY_HEAD] and not wide_text(data):
        # Named, yet binary (a NUL near the start, as git and grep judge): skipping it would
        # say "no problems" about a file the user asked about.
        at = data.index(b"\0")
        return unreadable(label, f"holds a NUL byte at offset {at}: it is not JSON, YAML or "
                           "Terraform text", hint="name a text file")
    return scan(data, name=label, kind=kind or kind_of(label, data), named=named)


# -- scanning text ------------------------------------------------------------------------------


def relevance(text: str | bytes) -> int:
    """How surely ``text`` is about Segment schedules, from its bytes alone (decision D23):
    2 when it names a key that holds a schedule (``reverseETLSchedule``,
    ``reverse_etl_schedule``, ``schedule_strategy``) or a Reverse ETL model
    (``segment_reverse_etl_model``), 1 when it has a ``strategy`` key where a bare schedule
    has it, 0 otherwise (then it is none of schedulelib's business)."""
    foreign = foreign_encoding(text) if isinstance(text, bytes) else None
    if foreign is not None and isinstance(text, bytes):
        # UTF-16 or UTF-32 (YAML and JSON allow them, schedulelib reads UTF-8 only): judged on
        # its text, so a schedule file saved so gets "not UTF-8" instead of passing unseen.
        text = text.decode(foreign[0], "replace")
    if isinstance(text, str):
        if ("chedule" in text or "etl_model" in text) and any(
                word in text for word in _STRONG_TEXT):
            return 2
        return 1 if _weak(text, _TEXT) else 0
    # "chedule" is in each of the three schedule words, "etl_model" in the fourth: two searches
    # rule them all out in a file that is not about schedules, which most files are.
    if (b"chedule" in text or b"etl_model" in text) and any(word in text for word in _STRONG):
        return 2
    return 1 if _weak(text, _BYTES) else 0


# A Reverse ETL model names no schedule key when written without the deprecated schedule
# attributes, yet its source_id says who shares a warehouse (SL701, D64).
_STRONG = (b"reverseETLSchedule", b"reverse_etl_schedule", b"schedule_strategy",
           b"segment_reverse_etl_model")
_STRONG_TEXT = tuple(word.decode() for word in _STRONG)
# A quoted "strategy" key (JSON, at any depth: whether it is at the top is known only once
# parsed), or an unquoted one at the start of a line or in a flow mapping (YAML's top level;
# the indented `strategy:` of GitHub workflows and Kubernetes deployments does not match).
# A byte order mark may stand before the first line's key.  As a regular expression (which
# tests keep as the oracle of :func:`_weak`):
WEAK_PATTERN = (r"""["']strategy["'][ \t\r\n]*:|^(?:BOM)?strategy[ \t]*:"""
                r"""|[{,][ \t\r\n]*strategy[ \t]*:""")


class _Alphabet:
    """The small expressions :func:`_weak` matches around each place of the word, for ``str``
    or for ``bytes``, compiled on first use (a run of JSON files alone never needs them)."""

    def __init__(self, bom: str | bytes) -> None:
        self.bom = bom
        self.word: str | bytes = "strategy" if isinstance(bom, str) else b"strategy"
        self.newline: str | bytes = "\n" if isinstance(bom, str) else b"\n"
        self._compiled: tuple[re.Pattern[str] | re.Pattern[bytes], ...] | None = None

    def patterns(self) -> tuple[re.Pattern[str] | re.Pattern[bytes], ...]:
        """(quoted key, unquoted key, flow mapping before, the whole pattern)."""
        if self._compiled is None:
            parts = (r"""["']strategy["'][ \t\r\n]*:""", r"strategy[ \t]*:",
                     r"[{,][ \t\r\n]*\Z")
            whole = WEAK_PATTERN.replace("BOM", "\ufeff")
            if isinstance(self.bom, str):
                self._compiled = (*(re.compile(p) for p in parts),
                                  re.compile(whole, re.MULTILINE))
            else:
                whole = WEAK_PATTERN.replace("BOM", r"\xef\xbb\xbf")
                self._compiled = (*(re.compile(p.encode()) for p in parts),
                                  re.compile(whole.encode(), re.MULTILINE))
        return self._compiled


_TEXT = _Alphabet("\ufeff")
_BYTES = _Alphabet(b"\xef\xbb\xbf")
#: How many places of the word :func:`_weak` looks at one by one before it hands the rest of
#: the text to the whole regular expression.
WORDS_BY_HAND = 64


def _weak(text: str | bytes, a: _Alphabet) -> bool:
    """Whether ``text`` has a ``strategy`` key as :data:`WEAK_PATTERN` describes it.

    Each place the word stands is looked at around it, where a search with the whole pattern
    tried every character of the file: several times faster on files that say ``strategy``
    only in a workflow's matrix or a deployment.  Linear: the white space matched after one
    place ends before the next place, and the text searched before a place starts after the
    last one.
    """
    i = text.find(a.word)  # type: ignore[arg-type]
    if i < 0:
        return False
    quoted, key, flow, whole = a.patterns()
    bom, newline = a.bom, a.newline
    seen = end = 0
    while i >= 0:
        seen += 1
        if seen > WORDS_BY_HAND:
            # A file saying "strategy" thousands of times (hostile, or generated): the rest
            # goes to the whole expression, which does in C what this loop does in Python.
            # From the end of the last place looked at: no context of a later place lies
            # before it.
            return whole.search(text, end) is not None  # type: ignore[arg-type]
        if i and quoted.match(text, i - 1):  # type: ignore[arg-type]
            return True
        if key.match(text, i):  # type: ignore[arg-type]
            # ^(?:BOM)?strategy (^: the start of the text, or just after a line feed)
            start = i - len(bom) if i >= len(bom) and text[i - len(bom):i] == bom else i
            if start == 0 or text[start - 1:start] == newline or \
                    text[i - 1:i] == newline:
                return True
            if flow.search(text, end, i):  # type: ignore[arg-type]
                return True
        end = i + 8
        i = text.find(a.word, end)  # type: ignore[arg-type]
    return False


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
    decoded = decode(text, result)
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
            # Terraform's JSON syntax (CDKTF)
            from schedulelib.lint.sources.terraform import scan_tfjson

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


