"""The DST policies: which cron engine's daylight-saving behaviour a run list follows.

One parser for every door (``check``/``load``/``next_runs`` and the engines, ``--dst`` of
``next``, ``calendar`` and ``audit``, ``dst =`` in the configuration), so that each says the
same thing about a bad value (docs/decisions.md D51).
"""

from __future__ import annotations

from typing import Final, Literal

from schedulelib.core.diagnostics import ScheduleError, preview

#: The DST policies of the run-time engines (docs/dst.md): robfig/cron v3 (Segment's), Debian
#: cron (cronsim), croniter.
DstPolicy = Literal["go", "debian", "croniter"]

#: Every policy, the default (Segment runs robfig/cron, in Go) first.
POLICIES: Final = ("go", "debian", "croniter")

_LIMIT = 60  # a message quotes the culprit, not a whole file


def dst_policy(value: object) -> DstPolicy:
    """``value`` if it names a DST policy; otherwise a :class:`ScheduleError` listing them."""
    if value == "go":
        return "go"
    if value == "debian":
        return "debian"
    if value == "croniter":
        return "croniter"
    if isinstance(value, str):
        shown = repr(value[:_LIMIT]) + ("..." if len(value) > _LIMIT else "")
    else:
        shown = preview(value, _LIMIT)
    raise ScheduleError(f"dst must be one of 'go', 'debian', 'croniter', got {shown}")
