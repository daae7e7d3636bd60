"""One path through the checking: validate, --fix and the scanning API judge a file alike.

Each door used to have its own copy of a job (checking a scan's schedules, walking the
arguments, opening the Terraform session); these tests drive the same generated input through
every door and require the same answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


# -- walking the arguments ----------------------------------------------------------------------

BAD = '{"strategy": "periodic", "config": {"interval": "7m"}}'
#: A tree: (relative path, what it is); folders are made as needed.
TREE_ITEMS = st.sampled_from([
    "a.json", "b.yaml", "c.yml", "notes.txt", "sub/d.json", "sub/deeper/e.json", "sub/f.YAML",
    ".hidden/g.json", "node_modules/h.json", "vendor/i.json", "sub/vendor/j.json", "k.tf.json",
    "z/y/x.json", "Sub/A.json",
])
TREE = st.tuples(
    st.lists(TREE_ITEMS, min_size=1, max_size=8, unique=True),
    st.lists(st.sampled_from(["a.json", "sub/d.json", "sub", "sub/deeper/e.json", "missing.json",
                              ".", "./sub/", "sub//deeper", "./a.json", "ABSOLUTE"]),
             max_size=3),
    st.sampled_from(["", 'exclude = ["vendor"]', 'include = ["sub/**"]',
                     'exclude = ["*.yaml", "**/e.json"]']),
    st.booleans())


def old_expand(arguments: list[str], settings: engine.Settings) -> list[str]:
    """The walk as it was written before it was one: os.walk, a Path and a realpath for
    every file (the oracle of the one walk)."""
    import os

    from schedulelib.lint.sources import SKIP_DIRS, SUFFIXES

    seen: set[str] = set()
    out: list[str] = []
    for argument in arguments:
        if not os.path.isdir(argument):
            if os.path.realpath(argument) not in seen:
                seen.add(os.path.realpath(argument))
                out.append(str(Path(argument)))
            continue
        for root, dirs, names in os.walk(Path(argument)):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(names):
                if os.path.splitext(name)[1].lower() not in SUFFIXES:
                    continue
                item = Path(root, name)
                key = os.path.realpath(item)
                if settings.for_file(item).walks_into(item) and key not in seen:
                    seen.add(key)
                    out.append(str(item))
    return out


@settings(max_examples=60, deadline=None)
@given(TREE)
def test_validate_and_scan_paths_walk_the_same_files(tree: tuple[list[str], list[str], str,
                                                                 bool]) -> None:
    """validate and scan_paths check the same files in the same order (include/exclude
    applied, each file once, links followed to files but not to folders), the files the
    old walk found."""
    import os
    import tempfile

    from click.testing import CliRunner

    from schedulelib.cli.main import main

    items, named, config, links = tree
    items = list(dict.fromkeys(["a.json", *items]))  # one file with a finding, at least
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        for rel in items:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(BAD if not rel.endswith(".txt") else "x")
        if config:
            (root / ".schedulelib.toml").write_text(config + "\n")
        if links and (root / items[0]).is_file():
            (root / "link.json").symlink_to(root / items[0])
            (root / "linkdir").symlink_to(root, target_is_directory=True)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            arguments = [".", *(str(root) if a == "ABSOLUTE" else a for a in named)]
            expected = old_expand(arguments, engine.Settings(engine.Options()))
            scanned = list(schedulelib.scan_paths(arguments))
            result = CliRunner().invoke(main, ["validate", "--format", "json", *arguments])
        finally:
            os.chdir(cwd)
    reported = list(dict.fromkeys(f["file"] for f in json.loads(result.stdout)["findings"]))
    assert [s.file for s in scanned] == expected
    assert reported == [s.file for s in scanned if s.findings]
    assert reported


def test_both_doors_report_a_folder_that_cannot_be_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder the walk cannot list is SL901 naming it, through validate and scan_paths alike
    (scan_paths used to apply no include/exclude and have its own walk)."""
    import errno
    import os

    from click.testing import CliRunner

    from schedulelib.cli.main import main

    (tmp_path / "locked").mkdir()
    (tmp_path / "a.json").write_text(BAD)
    real = os.scandir

    def scandir(path: str = ".") -> object:
        if Path(path) == tmp_path / "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    scanned = list(schedulelib.scan_paths(tmp_path))
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(tmp_path)])
    reported = [(f["file"], f["code"], f["message"]) for f in json.loads(result.stdout)["findings"]]
    assert [(f.file, f.code, f.message) for s in scanned for f in s.findings] == reported
    assert reported[-1] == (str(tmp_path / "locked"), "SL901",
                            "the directory cannot be searched: permission denied")


# -- the Terraform session ----------------------------------------------------------------------


@pytest.mark.parametrize("with_var_file", [False, True], ids=["module-only", "var-file"])
def test_the_api_and_the_command_agree_on_a_terraform_module(tmp_path: Path,
                                                             with_var_file: bool) -> None:
    """lint.lint() opens the run's Terraform session as validate does: the values of a
    --var-file and of terraform.tfvars, and the problems of a broken .tfvars, alike."""
    from click.testing import CliRunner

    from schedulelib.cli.main import main

    module = tmp_path / "infra"
    module.mkdir()
    (module / "main.tf").write_text(
        'resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
        '    strategy = "PERIODIC"\n    config   = jsonencode({ interval = var.every })\n'
        '  }\n}\n')
    (module / "variables.tf").write_text('variable "every" {\n  default = "1h"\n}\n')
    (module / "terraform.tfvars").write_text('every = "7m"\n')
    other = tmp_path / "other"
    other.mkdir()
    (other / "main.tf").write_text((module / "main.tf").read_text())
    (other / "terraform.tfvars").write_text("every = \n")
    (tmp_path / "prod.tfvars").write_text('every = "9m"\n')
    var_files = [str(tmp_path / "prod.tfvars")] if with_var_file else []
    arguments = [str(module), str(other)]
    options = engine.Options(isolated=True, var_files=var_files)
    settings_ = engine.Settings(options)
    report = engine.lint(engine.expand(arguments, settings_), options, settings_)
    by_api = [(f.file, f.line, f.column, f.code, f.message) for f in report.findings]
    result = CliRunner().invoke(main, ["validate", "--isolated", "--format", "json",
                                       *(a for v in var_files for a in ("--var-file", v)),
                                       *arguments])
    by_command = [(f["file"], f["line"], f["column"], f["code"], f["message"])
                  for f in json.loads(result.stdout)["findings"]]
    assert by_api == by_command
    # What only a run's session knows: the value of terraform.tfvars (or of the var-file),
    # and the broken terraform.tfvars of the other module.
    value = "'9m'" if with_var_file else "'7m'"
    # (the var-file gives its value to both modules; the broken terraform.tfvars gives none)
    assert sum(value in message for *_, message in by_api) == (2 if with_var_file else 1)
    assert any(f == str(other / "terraform.tfvars") and code == "SL001"
               for f, _, _, code, _ in by_api)
