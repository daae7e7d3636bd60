"""What every machine format shares: the rule URL, end positions, paths, fingerprints."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schedulelib.lint.sources import Finding

#: The rule reference (docs/rules.md) where the project is published (decision D35); every
#: machine format links each code to its section there.
RULES_URL = "https://github.com/schedulelib/schedulelib/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Run:
    """What a validate run covered, for the formats that report it."""

    files: int = 0
    schedules: int = 0
    #: Files left unread: not about schedules, or not regular files.
    skipped: int = 0
    #: A file could not be read or checking it failed: the run is not a full verdict.
    trouble: bool = False
    #: Schedules found but not checked (a value only known at apply time: SL903).
    unchecked: int = 0
    #: The names of the skipped files.
    skipped_files: tuple[str, ...] = ()


def rule_url(code: str) -> str:
    """The link to ``code``'s section of docs/rules.md (GitHub's heading anchors)."""
    from schedulelib.core.rules import RULES

    rule = RULES.get(code)
    if rule is None:
        return RULES_URL
    return f"{RULES_URL}#{rule.code.lower()}-{rule.name}-{rule.severity}"


def span(f: Finding) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column), 1-based, the end exclusive (one past the last
    character, as SARIF's ``endColumn``).  A finding whose reader gives no end covers one
    character; a finding without a position (a file that could not be read) is placed at 1:1."""
    if f.line <= 0:
        return 1, 1, 1, 2
    line, column = f.line, max(f.column, 1)
    end_line = getattr(f, "end_line", 0) or 0
    end_column = getattr(f, "end_column", 0) or 0
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    return line, column, end_line, end_column


def relative_path(name: str) -> str:
    """``name`` relative to the working directory with '/' separators, when it lies inside it
    (code scanning and GitLab want paths from the repository root); else as given."""
    if name.startswith("<"):  # <stdin>, <inline>
        return name
    try:
        rel = os.path.relpath(os.path.abspath(name))
    except ValueError:
        return name.replace(os.sep, "/")
    if rel.startswith(".."):
        return name.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def fingerprints(findings: Sequence[Finding]) -> Iterator[str]:
    """A fingerprint per finding, the same in every run over the same files: the code, the
    file and the JSON Pointer, plus a counter for repeats.  Lines are left out, so editing
    above a finding does not make it a new one; so is the message, which can name dates
    (SL409) that move with the calendar."""
    import hashlib

    seen: dict[str, int] = {}
    for f in findings:
        base = "\0".join((f.code, relative_path(f.file), f.pointer))
        count = seen.get(base, 0)
        seen[base] = count + 1
        # surrogatepass: a pointer with a lone surrogate (a JSON "\ud800" key) still hashes.
        yield hashlib.sha256(f"{base}\0{count}".encode("utf-8", "surrogatepass")
                             ).hexdigest()[:32]
