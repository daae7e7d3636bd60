"""Bounded quotations of user input inside messages.

A finding quotes the value it is about, but a value may be 100 KB of commas or an integer of
ten thousand digits (which ``str()`` refuses past 4,300 digits): every quotation here costs at
most a few hundred characters, whatever the input.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

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
    digits = int(abs(number).bit_length() * math.log10(2)) + 1
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
            return put(json.dumps(item) if math.isfinite(item) else repr(item))
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
