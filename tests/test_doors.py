"""One path through the checking: validate, --fix and the scanning API judge a file alike.

Each door used to have its own copy of a job (checking a scan's schedules, walking the
arguments, opening the Terraform session); these tests drive the same generated input through
every door and require the same answer.
"""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

import schedulelib
from schedulelib import scan_text
from schedulelib.lint import engine
from schedulelib.lint.fix import fix_scan
from schedulelib.lint.sources import Finding, scan

# -- checking a scan's schedules and placing the findings ---------------------------------------

#: Values for one field of a config: some valid, some not, some only known when Terraform runs.
FIELD_VALUES = {
    "interval": ['"1d"', '"5m"', '"90m"', '"1h"', "7"],
    "spec": ['"*/5 * * * *"', '"0 9 * * 1-5"', '"0 0 31 2 *"', '"61 * * * *"'],
    "timezone": ['"UTC"', '"US/Central"', '"Mars/Base"', '"America/Chicago"'],
    "days": ["[1, 9]", "[0]", "[]", '["mon"]'],
    "hours": ["[1]", "[25]", "[0, 23]"],
}
FIELDS = {"PERIODIC": ["interval"], "CRON": ["spec", "timezone"],
          "SPECIFIC_DAYS": ["days", "hours", "timezone"]}


@st.composite
def terraform_schedules(draw: st.DrawFn) -> str:
    """A subscription whose config fields are written in place, reached through a local or a
    variable with a default, or unknown until Terraform runs (an undeclared variable, a
    resource attribute)."""
    strategy = draw(st.sampled_from(sorted(FIELDS)))
    parts, extra = [], []
    for i, key in enumerate(FIELDS[strategy]):
        value = draw(st.sampled_from(FIELD_VALUES[key]))
        how = draw(st.sampled_from(["literal", "local", "variable", "unknown", "resource"]))
        if how == "literal":
            parts.append(f"{key} = {value}")
        elif how == "local":
            parts.append(f"{key} = local.v{i}")
            extra.append(f"locals {{\n  v{i} = {value}\n}}\n")
        elif how == "variable":
            parts.append(f"{key} = var.v{i}")
            extra.append(f'variable "v{i}" {{\n  default = {value}\n}}\n')
        elif how == "unknown":
            parts.append(f"{key} = var.nowhere{i}")
        else:
            parts.append(f"{key} = segment_source.s.id")
    if draw(st.booleans()):
        parts.append('extra = "kept"')
    text = ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
            f'    strategy = "{strategy}"\n    config   = jsonencode({{ {", ".join(parts)} }})\n'
            "  }\n}\n")
    return text + "".join(extra)


def by_validate(text: str, name: str) -> list[Finding]:
    report = engine.lint([engine.Source(name, data=text.encode())],
                         engine.Options(isolated=True))
    return report.findings


@settings(max_examples=150, deadline=None)
@given(terraform_schedules())
@example('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
         '    strategy = "CRON"\n    config   = jsonencode({ spec = local.v0, timezone = '
         'var.nowhere1 })\n  }\n}\nlocals {\n  v0 = "61 * * * *"\n}\n')
@example('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
         '    strategy = "PERIODIC"\n    config   = jsonencode({ interval = var.v0 })\n'
         '  }\n}\nvariable "v0" {\n  default = "90m"\n}\n')
def test_validate_fix_and_the_api_judge_a_terraform_schedule_alike(text: str) -> None:
    """Partly unknown configs and values reached through names: every door gives the same
    findings, notes and places, in the same order."""
    expected = scan(text, name="main.tf").check()
    assert by_validate(text, "main.tf") == expected
    assert list(scan_text(text, name="main.tf").findings) == expected
    nothing = fix_scan(scan(text, name="main.tf"), wanted=lambda _f: False)
    assert list(nothing.findings) == expected


# -- the readers' imports -----------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    """Every schedulelib module ``path`` imports, at its top or inside a function (the
    package's imports are all absolute)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("schedulelib.")}


def test_the_readers_import_each_other_without_a_cycle() -> None:
    """No chain of imports (made at the top of a module or inside a function) in
    lint/sources leads back to where it started."""
    root = Path(schedulelib.__file__).parent / "lint" / "sources"
    names = {f"schedulelib.lint.sources.{p.stem}": p for p in root.glob("*.py")
             if p.stem != "__init__"}
    graph = {name: sorted(_imports(path) & names.keys() - {name})
             for name, path in names.items()}
    assert graph["schedulelib.lint.sources.tfmodule"]  # the walk sees what is there
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        assert name not in trail, " -> ".join([*trail[trail.index(name):], name])
        if name in done:
            return
        for other in graph[name]:
            visit(other, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
