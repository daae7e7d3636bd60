"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

``::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=schedulelib (SL407)::message``
(``endColumn`` one past the value's last character, as in the other formats); escaping follows
actions/toolkit (core/src/command.ts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from schedulelib.lint.formats._common import Run, relative_path, span

if TYPE_CHECKING:
    from schedulelib.lint.sources import Finding


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding], run: Run) -> str:
    out = []
    for f in findings:
        # Annotations attach to paths from the repository root (the working directory in CI).
        props = [f"file={_property(relative_path(f.file))}"]
        if f.line > 0:
            line, column, end_line, end_column = span(f)
            props += [f"line={line}", f"col={column}", f"endLine={end_line}",
                      f"endColumn={end_column}"]
        props.append(f"title={_property(f'schedulelib ({f.code})')}")
        message = f.message + (f"\nhint: {f.hint}" if f.hint else "")
        out.append(f"::{f.severity} {','.join(props)}::{_data(message)}\n")
    return "".join(out)
