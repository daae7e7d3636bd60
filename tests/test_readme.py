"""README.md: its two set-up commands, and its library example, are real."""

from __future__ import annotations

import re
import subprocess

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def _commands() -> list[str]:
    return re.findall(r"^    (python3 -m venv .*)$", README, flags=re.MULTILINE)


def test_readme_gives_the_main_job_and_the_test_command() -> None:
    """Two commands: one validates the shipped sample file, one runs the tests."""
    main, tests = _commands()[:2]
    assert "schedulelib validate examples/" in main
    sample = main.rsplit(" ", 1)[1]
    assert (ROOT / sample).is_file()
    assert "pytest" in tests and "[test]" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """.ci/run extracts the README's test command with the same pattern it documents."""
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    extracted = subprocess.run(
        ["sed", "-n", r"s/^    \(python3 -m venv .venv .*pytest.*\)$/\1/p",
         str(ROOT / "README.md")],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert extracted[0] == _commands()[1]
    assert 'bash -c "$test_command"' in script
    assert "mypy --strict schedulelib" in script and "ruff check" in script


def test_library_example_runs() -> None:
    """The README's Python block runs as written."""
    block = re.search(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert block is not None
    namespace: dict[str, object] = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    assert str(namespace["schedule"].spec) == "30 2 * * *"  # type: ignore[attr-defined]
