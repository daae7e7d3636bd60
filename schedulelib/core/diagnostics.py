"""Findings and the one exception root; the codes they carry are registered in ``rules``.

Every problem schedulelib can report exists as a :class:`Diagnostic` with a stable code.  Codes
never change meaning; a retired code is never reused.  ``docs/rules.md`` is generated from
:data:`~schedulelib.core.rules.RULES` (``tools/gen_docs.py``) and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from schedulelib._support.records import Frozen, frozen_value
from schedulelib.core.rules import RULES, Severity

#: The key under which a Segment subscription holds its schedule (``reverseETLSchedule``):
#: the one spelling the checks, the readers and the pointers they give share.
WRAPPER_KEY = "reverseETLSchedule"


@frozen_value(slots=True)
class Diagnostic(Frozen):
    """One finding: a stable code, a severity, where (RFC 6901 pointer) and what."""

    code: str
    severity: Severity
    path: str
    message: str
    hint: str = ""

    def __init__(self, code: str, severity: Severity, path: str, message: str,
                 hint: str = "") -> None:
        put = object.__setattr__
        put(self, "code", code)
        put(self, "severity", severity)
        put(self, "path", path)
        put(self, "message", message)
        put(self, "hint", hint)

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


class ScheduleError(ValueError):
    """The root of every error schedulelib raises; carries the findings behind it."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)

    @classmethod
    def from_diagnostics(cls, diagnostics: Iterable[Diagnostic]) -> ScheduleError:
        found = tuple(diagnostics)
        errors = [d for d in found if d.severity == "error"]
        first = errors[0] if errors else found[0]
        more = len(errors) - 1
        text = f"{first.path or '/'}: {first.message}"
        if more > 0:
            text += f" (and {more} more error{'s' if more > 1 else ''})"
        return cls(text, found)


class DurationError(ScheduleError):
    """A Go duration that ``time.ParseDuration`` rejects; ``str()`` is Go's exact error text."""


class CronSyntaxError(ScheduleError):
    """A cron expression outside the portable 5-field dialect."""


# -- bounded quotations of the input ------------------------------------------------------
#
# A finding quotes the value it is about, but a value may be 100 KB of commas or an integer of
# ten thousand digits (which str() refuses past 4,300 digits): every quotation here costs at
# most a few hundred characters, whatever the input.

#: Longest quotation of the input inside a message.
QUOTE_LIMIT = 60
# Digits below which str() of an int is cheap and always allowed.
_SMALL_DIGITS = 40


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``repr(text)``, shortened in the middle when long, so a message stays small."""
    if len(text) <= limit:
        return repr(text)
    keep = limit * 2 // 3
    return f"{text[:keep]!r}...{text[-((limit - keep) // 2):]!r} ({len(text):,} characters)"


def int_text(number: int) -> str:
    """``str(number)``, or ``<about N digits>`` when it is long."""
    if abs(number) < 10**_SMALL_DIGITS:
        return str(number)
    digits = int(abs(number).bit_length() * 0.30102999566398) + 1  # log10(2)
    return f"<{'minus ' if number < 0 else ''}about {digits:,} digits>"


def shorten(message: str, limit: int = 300) -> str:
    """A message cut in the middle when longer than ``limit`` (Go's errors quote the input)."""
    if len(message) <= limit:
        return message
    return f"{message[:limit - 60]}...{message[-40:]} ({len(message):,} characters)"


def preview(value: object, limit: int = QUOTE_LIMIT) -> str:
    """JSON-like text of ``value``, at most ``limit`` characters, without walking all of it.

    Containers are written until the budget runs out, so a huge or deeply nested value (a
    YAML alias bomb) costs no more than a small one.
    """
    import json  # only when a message needs a preview: validation of good input never does

    out: list[str] = []
    budget = [limit + 1]

    def put(text: str) -> bool:
        out.append(text[: budget[0]])
        budget[0] -= len(text)
        return budget[0] > 0

    def walk(item: object, depth: int) -> bool:
        if depth > 20:
            return put("...")
        if item is None or isinstance(item, bool):
            return put(json.dumps(item))
        if isinstance(item, int):
            return put(int_text(item))
        if isinstance(item, float):
            return put(json.dumps(item) if item - item == 0 else repr(item))  # inf, nan
        if isinstance(item, str):
            return put(json.dumps(item[: budget[0] + 2], ensure_ascii=False)
                       if len(item) > budget[0] else json.dumps(item, ensure_ascii=False))
        if isinstance(item, Mapping):
            if not put("{"):
                return False
            for i, (key, sub) in enumerate(item.items()):
                if (i and not put(", ")) or not walk(key, depth + 1):
                    return False
                if not put(": ") or not walk(sub, depth + 1):
                    return False
            return put("}")
        if isinstance(item, list | tuple):
            if not put("["):
                return False
            for i, sub in enumerate(item):
                if (i and not put(", ")) or not walk(sub, depth + 1):
                    return False
            return put("]")
        return put(f"<{type(item).__name__}>")

    walk(value, 0)
    text = "".join(out)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def diagnostic(code: str, path: str, message: str, hint: str = "") -> Diagnostic:
    """Make a finding for a registered code, with the code's own severity."""
    return Diagnostic(code, RULES[code].severity, path, message, hint)


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON Pointer from path parts (``~`` and ``/`` escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
