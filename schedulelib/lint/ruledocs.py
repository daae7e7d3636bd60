"""The rule reference as text: ``docs/rules.md`` and ``schedulelib rule CODE`` share it."""

from __future__ import annotations

from schedulelib.core.rules import RULES, Rule


def rule_text(rule: Rule) -> str:
    """One rule's What / Why / Example / Fix, as Markdown."""
    return (
        f"## {rule.code} {rule.name} ({rule.severity})\n\n"
        f"**What.** {rule.what}\n\n"
        f"**Why.** {rule.why}\n\n"
        f"**Example.**\n\n    {rule.example}\n\n"
        f"**Fix.** {rule.fix}\n"
        + (f"\n**Fixable.** `schedulelib validate --fix` repairs it: {fix_scope(rule)}.\n"
           if rule.fixable else "")
    )


def fix_scope(rule: Rule) -> str:
    """What ``--fix`` does for a fixable rule ("" for the others)."""
    from schedulelib.lint.fix import SCOPE

    return SCOPE.get(rule.code, "")


def rules_markdown() -> str:
    """The whole of docs/rules.md."""
    head = (
        "# Rule reference\n\n"
        "Every finding schedulelib reports has a stable code; a code never changes meaning.\n"
        "Codes group by hundreds: SL0xx the document, SL1xx the schedule object, SL2xx\n"
        "periodic, SL3xx specific_days, SL4xx cron, SL5xx timezone, SL6xx dbt_cloud, SL9xx\n"
        "files (command line). `schedulelib rule CODE` prints one section.\n\n"
        "Codes marked *fixable* are repaired in place by `schedulelib validate --fix` when\n"
        "the meaning of the value is beyond doubt (`--diff` shows the repairs first).\n\n"
        "This file is generated from `schedulelib/core/rules.py` by `python tools/gen_docs.py`;\n"
        "a test keeps the two in step.\n\n"
    )
    index = "| code | name | severity | fixable |\n|---|---|---|---|\n" + "".join(
        f"| [{r.code}](#{r.code.lower()}-{r.name}-{r.severity}) | {r.name} | {r.severity} "
        f"| {'yes' if r.fixable else ''} |\n"
        for r in RULES.values()
    )
    return head + index + "\n" + "\n".join(rule_text(r) for r in RULES.values())
