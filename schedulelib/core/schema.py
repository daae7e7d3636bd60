r"""A JSON Schema (2020-12) for the schedule object, for editors and shape-only checkers.

The schema says what a shape checker can say: keys, types, ranges, the zone names.  What it
cannot express (Go's duration grammar in full, the 15-minute cron floor, DST) is left to
``check()``; the patterns below accept a superset of what ``check()`` accepts, and where they
judge (white space, the dbt Cloud ids) they judge exactly as ``check()`` does.

Editors read ``pattern`` as an ECMA-262 regular expression, Python's jsonschema with ``re``:
the two differ on ``\s`` (ECMA has U+FEFF, not U+0085 or U+001C-U+001F), ``\d``, ``\w`` and
``$`` (Python's also matches before a final line feed).  So the patterns use none of them:
white space is an explicit class of ``\uXXXX`` escapes, which both read alike, and the end is
``$(?!\n)``.
"""

from __future__ import annotations

from typing import Any

from schedulelib.core.cron import GO_SPACE
from schedulelib.core.schedule import CONFIG_KEYS, STRATEGIES

SCHEMA_ID = "https://schedulelib.invalid/schema/reverse-etl-schedule.json"

#: What Python's str.strip() removes (str.isspace): check() refuses a dbt id made of these only.
PYTHON_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004" \
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _escaped(chars: str) -> str:
    r"""``chars`` as ``\uXXXX`` escapes, read alike by ECMA-262 and Python's ``re``."""
    return "".join(f"\\u{ord(c):04x}" for c in chars)


# End of text in both dialects (Python's "$" alone also matches before a final "\n").
_END = r"$(?!\n)"
# A Go duration: "0", or one or more <number><unit> parts, with one optional leading sign.
_DURATION = rf"^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+){_END}"
_CRON_ITEM = r"(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?"
_CRON_FIELD = rf"{_CRON_ITEM}(,{_CRON_ITEM})*"
# robfig splits on Go's unicode.IsSpace (D16): U+0085 is a separator, U+FEFF is not.
_GO_SPACE = f"[{_escaped(GO_SPACE)}]"
_CRON = rf"^{_GO_SPACE}*{_CRON_FIELD}({_GO_SPACE}+{_CRON_FIELD}){{4}}{_GO_SPACE}*{_END}"
# A dbt Cloud id holds something other than white space (check()'s str.strip()).
_NOT_BLANK = f"[^{_escaped(PYTHON_SPACE)}]"


def _numbers(high: int, most: int, what: str) -> dict[str, Any]:
    return {
        "type": "array",
        "description": what,
        "minItems": 1,
        "maxItems": most,
        "items": {"type": "integer", "minimum": 0, "maximum": high},
    }


def schema() -> dict[str, Any]:
    """The JSON Schema of a ``reverseETLSchedule`` object, as a new dict each call."""
    from schedulelib.core.zones import available_zones

    zone = {
        "type": "string",
        "description": "An IANA time zone name, e.g. America/New_York.",
        "enum": sorted(available_zones() | {"UTC"}),
    }
    configs: dict[str, dict[str, Any]] = {
        "periodic": {
            "interval": {
                "type": "string",
                "pattern": _DURATION,
                "description": "A Go duration greater than 10m and shorter than 168h.",
                "examples": ["15m", "1h", "12h"],
            },
        },
        "specific_days": {
            "days": _numbers(6, 7, "Days of the week, 0 (Sunday) to 6 (Saturday)."),
            "hours": _numbers(23, 24, "Hours of the day, 0 to 23."),
            "timezone": zone,
        },
        "cron": {
            "spec": {
                "type": "string",
                "pattern": _CRON,
                "description": "A 5-field cron expression, runs at least 15 minutes apart.",
                "examples": ["0 9 * * 1-5", "*/15 * * * *"],
            },
            "timezone": zone,
        },
        "dbt_cloud": {
            "jobId": {"type": "string", "minLength": 1, "pattern": _NOT_BLANK},
            "accountId": {"type": "string", "minLength": 1, "pattern": _NOT_BLANK},
        },
    }
    branches: list[dict[str, Any]] = []
    for strategy, keys in CONFIG_KEYS.items():
        names = sorted(k for k, v in STRATEGIES.items() if v == strategy)
        if strategy == "manual":
            config: dict[str, Any] = {
                "anyOf": [{"type": "null"}, {"type": "object", "maxProperties": 0}],
            }
        else:
            config = {
                "type": "object",
                "properties": configs[strategy],
                "required": list(keys),
                "additionalProperties": False,
            }
        branch: dict[str, Any] = {
            "if": {"properties": {"strategy": {"enum": names}}, "required": ["strategy"]},
            "then": {"properties": {"config": config}},
        }
        if strategy != "manual":
            branch["then"]["required"] = ["config"]
        branches.append(branch)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Segment Reverse ETL sync schedule (reverseETLSchedule)",
        "type": "object",
        "properties": {
            "strategy": {
                "description": "How syncs are triggered.",
                "enum": sorted(STRATEGIES),
            },
            "config": {"type": ["object", "null"]},
        },
        "required": ["strategy"],
        "additionalProperties": False,
        "allOf": branches,
    }
