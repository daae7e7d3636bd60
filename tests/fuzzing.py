"""Hostile inputs for the fuzz suite (tests/test_fuzz.py) and the long run (tools/fuzz.py).

Every generator takes a ``random.Random`` and returns one input, so that hypothesis drives them
in CI (``st.randoms()``, with shrinking) and the long run drives them from a seed, millions of
times, without hypothesis's overhead.  The classes are issue 10's: huge numbers, Unicode digits
and white space, control characters, YAML aliases, deep nesting, date extremes, and the odd
corners of each grammar.  ``big`` bounds the costly classes (digits, nesting, alias fan-out),
so CI stays quick while the long run can go further.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

INT64 = 2**63 - 1
GO_SPACES = "\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
PYTHON_ONLY_SPACES = "\x1c\x1d\x1e\x1f"
ODD_CHARS = "\u200b\ufeff\u180e\u202e\u0301\ufffd\x00\x07\x1b\x7f"
UNICODE_DIGITS = "\u0663\u00b2\uff10\u0966\u09e9\u2467\U0001d7d9"
CONTROL = "".join(map(chr, range(0x20))) + "\x7f\x85"
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Tehran",
         "Pacific/Chatham", "America/Havana", "Pacific/Apia", "America/Nuuk", "Indian/Chagos",
         "US/Eastern", "Etc/GMT+12", "Pacific/Kiritimati", "Local", "", "europe/berlin",
         "../etc/passwd", "America/New_York\x00", "Europe/Berlin\u00a0"]
STRATEGIES = ["manual", "periodic", "specific_days", "cron", "dbt_cloud", "MANUAL", "PERIODIC",
              "SPECIFIC_DAYS", "CRON", "DBT_CLOUD", "Cron", "hourly", "", "cron\u00a0"]
UNITS = ["ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h", "d", "w", "H", "", "hh"]
NAMES = ["MON", "fri", "FR\u0130", "\u017fun", "jan", "DEC", "Mon", "sunday", "L", "W", "H"]


def big_digits(rng: random.Random, big: bool) -> str:
    """A run of digits at an edge: int64, Python's 4,300-digit limit, or far past it."""
    lengths = [1, 2, 18, 19, 20, 40] + ([4300, 4301, 6000] if big else [400])
    length = rng.choice(lengths)
    # A random 18-digit block, repeated: long runs cost no more than a short one to make.
    text = (str(rng.randrange(10**17, 10**18)) * (length // 18 + 1))[:length]
    if rng.random() < 0.2:
        text = "0" * rng.choice([1, 20, 5000 if big else 50]) + text
    return rng.choice([text, str(INT64), str(INT64 + 1), str(2**64)])


def odd_char(rng: random.Random) -> str:
    return rng.choice(rng.choice([GO_SPACES, PYTHON_ONLY_SPACES, ODD_CHARS, UNICODE_DIGITS,
                                  CONTROL, " \t", "*/,-?+.#@\"'\\{}[]$:&!|>%"]))


def hostile_text(rng: random.Random, big: bool = False, length: int = 12) -> str:
    pieces = []
    for _ in range(rng.randint(0, length)):
        kind = rng.random()
        if kind < 0.35:
            pieces.append(rng.choice("0123456789"))
        elif kind < 0.55:
            pieces.append(odd_char(rng))
        elif kind < 0.65:
            pieces.append(big_digits(rng, big))
        elif kind < 0.8:
            pieces.append(rng.choice(NAMES + UNITS + ["*", "/", "-", ",", "?", " "]))
        else:
            pieces.append(chr(rng.choice([rng.randint(0x20, 0x7E), rng.randint(0xA0, 0x2FFF),
                                          rng.randint(0x10000, 0x10FFFF)])))
    return "".join(pieces)


def cron_spec(rng: random.Random, big: bool = False) -> str:
    """A cron spec: mostly well-formed fields with hostile items, separators and counts."""
    if rng.random() < 0.1:
        return hostile_text(rng, big, 30)
    if rng.random() < 0.05:
        return rng.choice(["@hourly", "@every 1h", "CRON_TZ=UTC 0 * * * *", "TZ=UTC", "@",
                           ",," * rng.choice([10, 50_000 if big else 500]) + " * * * *"])
    fields = []
    bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)]
    for low, high in (bounds + bounds)[: rng.choice([5] * 10 + [4, 6, 7])]:
        items = []
        for _ in range(rng.choice([1, 1, 1, 2, 3, 20])):
            r = rng.random()
            a, b = sorted(rng.randint(low, high) for _ in range(2))
            if r < 0.3:
                item = rng.choice([str(a), "*", f"*/{rng.randint(1, 30)}", f"{a}-{b}",
                                   f"{a}-{b}/{rng.randint(1, 9)}", f"{a}/{rng.randint(1, 9)}"])
            elif r < 0.45:
                item = rng.choice(["?", "*-5", "?/2", "+5", "", "1-2-3", "*/0", "5/", "/5",
                                   "-5", "L", "15W", "1#2", "H", "H(0-29)/10", "7"])
            elif r < 0.6:
                item = rng.choice(["*/", f"{a}-", ""]) + big_digits(rng, big)
            elif r < 0.7:
                item = rng.choice(NAMES) + rng.choice(["", "-", "-fri", "/2"])
            else:
                item = str(a) + (odd_char(rng) if rng.random() < 0.3 else "")
            items.append(item)
        fields.append(",".join(items))
    seps = [rng.choice([" ", " ", " ", "\t", "  ", *GO_SPACES, *PYTHON_ONLY_SPACES, "\u200b"])
            for _ in fields]
    spec = "".join(sep + field for sep, field in zip(seps, fields, strict=True))
    return spec if rng.random() < 0.7 else spec[1:]


def duration(rng: random.Random, big: bool = False) -> str:
    """A Go duration: signs, fractions, units (real and not), overflow, odd characters."""
    if rng.random() < 0.1:
        return hostile_text(rng, big, 20)
    out = rng.choice(["", "", "", "-", "+", "--"])
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        number = rng.choice([str(rng.randint(0, 200)), big_digits(rng, big), "", "0",
                             rng.choice(UNICODE_DIGITS)])
        if rng.random() < 0.25:
            number += "." + rng.choice(["", "5", "000000000001", big_digits(rng, big)])
        out += number + rng.choice(UNITS)
        if rng.random() < 0.1:
            out += odd_char(rng)
    return out


def _number(rng: random.Random, big: bool) -> object:
    return rng.choice([
        rng.randint(-3, 30), rng.randint(-INT64 - 1, INT64), INT64 + 1,
        10 ** rng.choice([19, 300, 4301, 6000] if big else [19, 300, 400]),
        -(10 ** (6000 if big else 400)), rng.random() * 30, float(rng.randint(0, 24)),
        float("nan"), float("inf"), -0.0, 1e308, 5e-324, True, False,
    ])


def value(rng: random.Random, big: bool = False, depth: int = 0) -> object:
    """A JSON-like value; containers nest a few levels, now and then very deep."""
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice([None, _number(rng, big), hostile_text(rng, big), cron_spec(rng, big),
                           duration(rng, big), rng.choice(ZONES)])
    if r < 0.4:
        deep: object = rng.choice([[], {}, "x", 1])
        for _ in range(rng.choice([50, 1500, 30_000 if big else 3000])):
            deep = [deep] if rng.random() < 0.5 else {"config": deep}
        return deep
    if r < 0.7:
        return [value(rng, big, depth + 1) for _ in range(rng.choice([0, 1, 2, 3, 8]))]
    return {rng.choice(["strategy", "config", "spec", "days", "hours", "interval", "timezone",
                        "jobId", "accountId", "x", hostile_text(rng)]): value(rng, big, depth + 1)
            for _ in range(rng.choice([0, 1, 2, 4]))}


def document(rng: random.Random, big: bool = False) -> object:
    """A schedule document: mostly the right shape with hostile values, sometimes anything."""
    r = rng.random()
    if r < 0.1:
        return value(rng, big)
    strategy = rng.choice(STRATEGIES)
    key = strategy.lower()
    if key == "periodic":
        config: Any = {"interval": duration(rng, big) if rng.random() < 0.8 else value(rng, big)}
    elif key == "specific_days":
        config = {"days": [_number(rng, big) for _ in range(rng.choice([0, 1, 2, 8]))],
                  "hours": [_number(rng, big) for _ in range(rng.choice([1, 3, 25]))],
                  "timezone": rng.choice(ZONES)}
    elif key == "cron":
        config = {"spec": cron_spec(rng, big) if rng.random() < 0.9 else value(rng, big),
                  "timezone": rng.choice(ZONES)}
    elif key == "dbt_cloud":
        config = {"jobId": rng.choice([hostile_text(rng, big), _number(rng, big), "710963"]),
                  "accountId": "259085"}
    else:
        config = rng.choice([None, {}, value(rng, big)])
    doc: dict[str, object] = {"strategy": strategy, "config": config}
    if rng.random() < 0.1:
        doc[hostile_text(rng)] = value(rng, big)
    if rng.random() < 0.3:
        return {"reverseETLSchedule": doc, "name": hostile_text(rng)}
    return doc


def mutate(rng: random.Random, text: str) -> str:
    """A few character-level edits: insert, delete, duplicate a slice, or a BOM in front."""
    for _ in range(rng.choice([0, 0, 1, 3])):
        at = rng.randrange(len(text) + 1)
        r = rng.random()
        if r < 0.4:
            text = text[:at] + odd_char(rng) + text[at:]
        elif r < 0.7:
            text = text[:at] + text[at + rng.randint(1, 5):]
        elif r < 0.9:
            text = text[:at] + text[at: at + rng.randint(1, 40)] + text[at:]
        else:
            text = "\ufeff" * rng.choice([1, 2]) + text
    return text


def json_text(rng: random.Random, big: bool = False) -> str:
    doc = document(rng, big)
    try:
        text = json.dumps(doc, ensure_ascii=rng.random() < 0.3)
    except (ValueError, RecursionError):  # an int past the digit limit, or too deep
        text = ('{"reverseETLSchedule": {"strategy": "specific_days", "config": '
                '{"days": [' + big_digits(rng, big) + '], "hours": [1], "timezone": "UTC"}}}')
    if rng.random() < 0.1:
        text = text.replace("}", ', "strategy": "manual"}', 1)  # a duplicate key, maybe
    return mutate(rng, text)


def _yaml_scalar(rng: random.Random, text: str, big: bool) -> str:
    r = rng.random()
    if r < 0.3:
        return json.dumps(text, ensure_ascii=False)
    if r < 0.5:
        return "'" + text.replace("'", "''") + "'"
    if r < 0.8:
        return text.replace("\n", " ")  # plain: may not be YAML at all (*/15, : , #)
    return rng.choice(["08", "010", "1:30", "0x1F", ".inf", "~", "yes", "0o17", "1_000",
                       big_digits(rng, big), "!!binary aGVsbG8=", "!!python/object:os.system",
                       "[*x]", "{a: 1}", "|\n      block", "&a x"])


def yaml_text(rng: random.Random, big: bool = False) -> str:
    """A YAML file holding a schedule, with anchors and aliases, tags, odd scalars, nesting."""
    spec = _yaml_scalar(rng, cron_spec(rng, big), big)
    zone = _yaml_scalar(rng, rng.choice(ZONES), big)
    interval = _yaml_scalar(rng, duration(rng, big), big)
    lines = []
    if rng.random() < 0.3:
        # An alias bomb: each level lists the previous one `fan` times.
        fan, levels = rng.choice([(2, 3), (4, 4), (9, 9) if big else (5, 5)])
        lines.append("bomb0: &b0 [x]")
        for level in range(1, levels + 1):
            refs = ", ".join([f"*b{level - 1}"] * fan)
            lines.append(f"bomb{level}: &b{level} [{refs}]")
        interval = f"*b{levels}"
    if rng.random() < 0.15:
        interval = "[" * rng.choice([100, 5000 if big else 500]) + "1h"
    strategy = rng.choice(STRATEGIES)
    lines += ["name: " + _yaml_scalar(rng, hostile_text(rng), big),
              "reverseETLSchedule:" if rng.random() < 0.8 else "schedule:",
              f"  strategy: {strategy}",
              "  config:"]
    lines += rng.sample([f"    spec: {spec}", f"    timezone: {zone}",
                         f"    interval: {interval}", f"    days: [{rng.choice(['1', '08', '7'])}]",
                         f"    hours: [{big_digits(rng, big) if rng.random() < 0.3 else '9'}]"],
                        k=rng.randint(1, 5))
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.1:
        text = text + "---\n" + text
    if rng.random() < 0.1:
        text = text.replace("\n", rng.choice(["\r\n", "\r"]))
    return mutate(rng, text)


def _hcl_string(rng: random.Random, text: str) -> str:
    if rng.random() < 0.8:
        return json.dumps(text, ensure_ascii=False)
    return rng.choice(['"${var.x}"', "var.spec", "local.cfg", '"%{ if true }x%{ endif }"',
                       "<<EOT\n*/15 * * * *\nEOT", "jsonencode(var.x)"])


#: Once crashed the Terraform reader (issue 10 §3); a regression test of its own keeps it.
NESTED_JSONENCODE = "jsonencode({ interval = jsonencode(var.x) })"


def terraform_text(rng: random.Random, big: bool = False) -> str:
    """A Terraform file with a Segment subscription, literal or built from expressions."""
    strategy = rng.choice(STRATEGIES).upper()
    fields = {
        "spec": _hcl_string(rng, cron_spec(rng, big)),
        "timezone": _hcl_string(rng, rng.choice(ZONES)),
        "interval": _hcl_string(rng, duration(rng, big)),
        "days": f"[{rng.choice(['1', '7', big_digits(rng, big), '1.5'])}]",
        "hours": "[9]",
    }
    chosen = rng.sample(sorted(fields), k=rng.randint(1, 5))
    body = "\n".join(f"      {k} = {fields[k]}" for k in chosen)
    config = rng.choice([f"jsonencode({{\n{body}\n    }})", f"{{\n{body}\n    }}", "null",
                         NESTED_JSONENCODE])
    text = (f'resource "segment_destination_subscription" "s" {{\n'
            f'  name = {_hcl_string(rng, hostile_text(rng))}\n'
            f"  reverse_etl_schedule = {{\n"
            f'    strategy = "{strategy}"\n'
            f"    config = {config}\n"
            f"  }}\n}}\n")
    if rng.random() < 0.15:
        text = text.replace("\n", rng.choice(["\r\n", "\r"]))
    return mutate(rng, text)


def instant(rng: random.Random) -> datetime:
    """An aware instant, often at an edge of the calendar or of 32-bit time."""
    edges = [datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC),
             datetime(9999, 12, 31, 23, 59, tzinfo=UTC), datetime(9998, 12, 31, tzinfo=UTC),
             datetime(1970, 1, 1, tzinfo=UTC), datetime(2038, 1, 19, 3, 14, 7, tzinfo=UTC),
             datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
             datetime(2011, 12, 29, 10, tzinfo=UTC), datetime(2023, 10, 28, 23, tzinfo=UTC)]
    if rng.random() < 0.5:
        return rng.choice(edges)
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(-62_000_000_000,
                                                                           253_000_000_000))
