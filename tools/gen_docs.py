"""Write docs/rules.md from the rule registry (run after changing schedulelib/core/rules.py)."""

from pathlib import Path

from schedulelib.lint.ruledocs import rules_markdown

target = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
target.write_text(rules_markdown(), encoding="utf-8")
print(f"wrote {target.name}")
