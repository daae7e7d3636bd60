"""Completion inside a schedule: IANA zone names in a ``timezone`` value, strategy names in a
``strategy`` value.

Pure: it looks at the text of the line before the cursor (the value being typed), so it works
while the document is still half-written and no reader can parse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = ["Item", "complete", "strategy_case"]

# The key, then ':' (JSON, YAML) or '=' (HCL), then an opening quote or none (YAML plain
# scalars), then the part of the value typed so far.  "schedule_strategy" is a Terraform
# model's attribute.
_TIMEZONE = re.compile(r"""(?:"timezone"|'timezone'|\btimezone)\s*[:=]\s*["']?([^"'\s,}\]]*)$""")
_STRATEGY = re.compile(
    r"""(?:"(?:schedule_)?strategy"|'strategy'|\b(?:schedule_)?strategy)\s*[:=]\s*["']?"""
    r"""([A-Za-z_]*)$""")
_WRITTEN = re.compile(
    r"""strategy["']?\s*[:=]\s*["']?(manual|periodic|specific_days|cron|dbt_cloud|MANUAL|"""
    r"""PERIODIC|SPECIFIC_DAYS|CRON|DBT_CLOUD)\b""")
STRATEGIES = ("periodic", "specific_days", "cron", "manual", "dbt_cloud")


@dataclass(frozen=True, slots=True)
class Item:
    """One proposal: ``label`` replaces the ``typed`` characters before the cursor."""

    label: str
    detail: str
    sort: str
    typed: int
    kind: str  # "zone" or "strategy"


def strategy_case(text: str, terraform: bool) -> str:
    """"upper" or "lower": the spelling the document already uses for strategy names, else the
    one its kind is written in (Segment's docs write JSON and YAML in lower case; Terraform and
    the API in upper case)."""
    m = _WRITTEN.search(text[:1_000_000])
    if m is not None:
        return "upper" if m.group(1).isupper() else "lower"
    return "upper" if terraform else "lower"


def complete(before: str, text: str, *, terraform: bool) -> list[Item]:
    """Proposals for the cursor after ``before`` (its line up to the cursor) in ``text``."""
    before = before[-300:]  # a value is short; a 100 KB line is not searched
    m = _TIMEZONE.search(before)
    if m is not None:
        return _zones(len(m.group(1)))
    m = _STRATEGY.search(before)
    if m is not None:
        upper = strategy_case(text, terraform) == "upper"
        return [Item(s.upper() if upper else s, "Segment reverseETLSchedule strategy",
                     f"{i}", len(m.group(1)), "strategy") for i, s in enumerate(STRATEGIES)]
    return []


def _zones(typed: int) -> list[Item]:
    return [Item(label, detail, sort, typed, "zone") for label, detail, sort in _zone_table()]


@cache
def _zone_table() -> tuple[tuple[str, str, str], ...]:
    """Every zone schedulelib accepts: canonical names first ("0..."), then the aliases
    ("1..."), each marked with the zone it links to (and SL504 where that warns)."""
    from schedulelib.core.zones import available_zones, canonical, zone_problems

    rows = []
    for name in sorted(available_zones()):
        target = canonical(name)
        if target == name:
            rows.append((name, "IANA time zone", f"0{name}"))
        else:
            warns = any(p.code == "SL504" for p in zone_problems(name))
            rows.append((name, f"alias of {target}" + (" (SL504: use the canonical name)"
                                                        if warns else ""), f"1{name}"))
    return tuple(rows)
