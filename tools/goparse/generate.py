#!/usr/bin/env python3
"""Regenerate tests/data/go/cron_parse.json: robfig/cron v3's verdict on odd cron specs.

Needs Go (1.19 was used) and the Debian package golang-github-robfig-cron-dev (robfig/cron
v3.0.1 source); no network (GOPROXY=off).  Every input is made here from a fixed seed, so a
rerun with the same Go and robfig versions writes the same file.  See README.md.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, "tests", "data", "go", "cron_parse.json")
OUT_DURATIONS = os.path.join(REPO, "tests", "data", "go", "duration_space.json")
SEED = 20261125

# Go's unicode.IsSpace set beyond ASCII, Python-only white space, and look-alikes of neither.
GO_SPACES = ["\x85", "\xa0", "\u1680", *(chr(c) for c in range(0x2000, 0x200B)),
             "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
ASCII_SPACES = [" ", "\t", "\n", "\v", "\f", "\r"]
PY_ONLY_SPACES = ["\x1c", "\x1d", "\x1e", "\x1f"]
NOT_SPACES = ["\u180e", "\u200b", "\ufeff", "\x00", "\x7f", "\x1b", "\u00ad", "\u2060"]
SEPARATORS = ASCII_SPACES + GO_SPACES + PY_ONLY_SPACES + NOT_SPACES

INT64 = 2**63 - 1
NUMBERS = ["0", "5", "007", "00", "59", "60", "23", "24", "31", "32", "12", "13", "6", "7",
           str(INT64), str(INT64 + 1), str(2**64), str(2**64 + 5), "1" + "0" * 30,
           "0" * 25 + "5", "0" * 40, "0" * 19 + str(INT64), "9" * 19, "+5", "+0", "-0", "-5",
           "+", "++5", "+-5", "5+", " 5", "\u0663", "\u00b2", "\uff10", "5\u0301", "1_0", "0x5",
           "1e1", "5.0"]
NAMES = ["MON", "mon", "Mon", "mOn", "FRI", "FR\u0130", "fr\u0130", "fri", "fr\u0131",
         "\u017fun", "SUN", "\uff26\uff32\uff29",
         "JAN", "jan", "DEC", "dec", "deK", "DEC\u212a", "mon\u0307", "tues", "MO", "sunday",
         "\u0130", "\u212a"]
ITEMS = ["*", "?", "*/5", "?/2", "*-5", "?-5", "*-", "*-5/2", "*/+5", "+5-+10", "1-5",
         "5-1", "1-2-3", "*/2/3", "1-/2", "/5", "-5", "5/", "*/0", "*/00", "0/0", "5/60",
         "*/" + str(INT64), "*/" + str(INT64 + 1), "1-" + str(INT64 + 1), str(INT64 + 1) + "-1",
         "L", "5L", "15W", "1#2", "H", "H/5", "MON-FRI", "mon-fri/2", "JAN/3", "*/MON",
         "", ",", ",,", "1,,2", ",1", "1,", "1,*", "*,?"]


def robfig_dir_and_version() -> tuple[str, str]:
    d = os.environ.get("ROBFIG_CRON_DIR")
    ver = os.environ.get("ROBFIG_CRON_VERSION", "")
    if not d:
        files = subprocess.run(["dpkg", "-L", "golang-github-robfig-cron-dev"], check=True,
                               capture_output=True, text=True).stdout.split("\n")
        ver = ver or subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "golang-github-robfig-cron-dev"],
            check=True, capture_output=True, text=True).stdout
        mods = [f for f in files if f.endswith("/github.com/robfig/cron/go.mod")]
        if not mods:
            raise SystemExit("robfig/cron go.mod not found in the Debian package")
        d = os.path.dirname(mods[0])
    return d, ver


class Oracle:
    """main.go built in a temporary directory against the local robfig source."""

    def __init__(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="goparse-")
        rdir, self.robfig_version = robfig_dir_and_version()
        shutil.copy(os.path.join(HERE, "main.go"), self.tmp)
        with open(os.path.join(self.tmp, "go.mod"), "w") as f:
            f.write("module goparse\n\ngo 1.19\n\nrequire github.com/robfig/cron/v3 v3.0.1\n\n"
                    f"replace github.com/robfig/cron/v3 => {rdir}\n")
        env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GO111MODULE="on",
                   GOWORK="off")
        self.bin = os.path.join(self.tmp, "goparse")
        subprocess.run([os.environ.get("GO", "go"), "build", "-o", self.bin, "."], env=env,
                       cwd=self.tmp, check=True)
        self.env = dict(os.environ, TZ="UTC")

    def run(self, sub: str, rows: list[dict[str, str]] | None = None) -> list[dict[str, object]]:
        data = "".join(json.dumps(r) + "\n" for r in rows or []).encode()
        p = subprocess.run([self.bin, sub], env=self.env, input=data, capture_output=True,
                           check=True)
        return [json.loads(line) for line in p.stdout.decode().splitlines() if line]

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def corpus(rng: random.Random) -> list[tuple[str, str]]:
    """(spec, class) pairs: hand-made edge classes, then seeded random mixtures."""
    out: list[tuple[str, str]] = []
    base = ["0", "9", "*", "*", "*"]

    def put(fields: list[str], index: int, value: str) -> str:
        copy = list(fields)
        copy[index] = value
        return " ".join(copy)

    for sep in SEPARATORS:
        out.append((sep.join(base), "separator"))
        out.append(("0" + sep + "9 * * *", "separator"))
        out.append((sep + "0 9 * * *", "leading"))
        out.append(("0 9 * * *" + sep, "trailing"))
        out.append((sep + "0" + " 9 * * *", "leading"))
        out.append(("0 9 * * 1" + sep + "0", "inside-field"))
        out.append((sep, "only-space"))
    for index in range(5):
        for number in NUMBERS:
            out.append((put(base, index, number), "number"))
            out.append((put(base, index, "*/" + number), "step"))
            out.append((put(base, index, "1-" + number), "range-end"))
            out.append((put(base, index, number + "-1"), "range-start"))
        for item in ITEMS:
            out.append((put(base, index, item), "item"))
    for index in (3, 4):
        for name in NAMES:
            out.append((put(base, index, name), "name"))
            out.append((put(base, index, name + "-" + name), "name"))
    for whole in ["", " ", "@hourly", "@HOURLY", "@daily", "@midnight", "@weekly", "@monthly",
                  "@yearly", "@annually", "@reboot", "@every 1h", "@every 5m", "@every  1h",
                  "@every", "@every 1d", " @hourly", "@hourly ", "@hourly\u00a0", "@",
                  "TZ=UTC 0 9 * * *", "CRON_TZ=Europe/Berlin 0 9 * * *", "TZ=UTC",
                  "TZ=Nowhere/Land 0 9 * * *", "tz=UTC 0 9 * * *",
                  "0 9 * *", "0 9 * * * *", "0 0 9 * * * 2026", "* * * * *", "0 0 30 2 *",
                  "0 0 29 2 *", "0 0 31 4,6,9,11 *", "? ? ? ? ?", ", * * * *",
                  ",, , , , ,", "0 0 * * 7", "0 0 * * 0-7", "0 0 1-31 * 0-6"]:
        out.append((whole, "whole"))
    # Seeded random specs: mostly plausible fields with an odd piece now and then, joined
    # mostly by spaces, so that both verdicts are common.
    good = [["0", "15", "*/15", "0-30/15", "1,31", "5/20", "*"], ["9", "*/6", "8-18/2", "*"],
            ["1", "15", "1-7", "*", "?", "*/2", "29", "31"], ["*", "JAN-MAR", "2", "*/3", "dec"],
            ["*", "MON-FRI", "0", "1-5", "?", "sun,sat", "0-6/2"]]
    odd = NUMBERS + NAMES + ITEMS
    for _ in range(3000):
        count = rng.choice([5] * 12 + [4, 6])
        fields = []
        for i in range(count):
            parts = [rng.choice(odd) if rng.random() < 0.12 else rng.choice(good[i % 5])
                     for _ in range(rng.choice([1, 1, 1, 2, 3]))]
            fields.append(",".join(parts))
        seps = [" " if rng.random() < 0.85 else rng.choice(SEPARATORS) for _ in fields]
        out.append(("".join(s + f for s, f in zip(seps, fields, strict=True))[1:], "random"))
    # Mutations of valid specs: one character inserted, deleted or replaced.
    alphabet = ("0123456789*/-,?+ LWH#@" + "".join(GO_SPACES[:4] + PY_ONLY_SPACES[:2])
                + "\u0130\u017f\u0131")
    valid = ["*/15 * * * *", "0 9 * * MON-FRI", "30 2 1,15 * *", "0 */6 * JAN-JUN 1-5",
             "5/20 8-18/2 * * *", "0 0 ? * 1"]
    for _ in range(2000):
        spec = list(rng.choice(valid))
        at = rng.randrange(len(spec) + 1)
        how = rng.randrange(3)
        if how == 0:
            spec.insert(at, rng.choice(alphabet))
        elif at < len(spec):
            if how == 1:
                del spec[at]
            else:
                spec[at] = rng.choice(alphabet)
        out.append(("".join(spec), "mutation"))
    seen: set[str] = set()
    unique = []
    for spec, kind in out:
        if spec not in seen:
            seen.add(spec)
            unique.append((spec, kind))
    return unique


def duration_corpus() -> list[str]:
    """Every white space (Go's, Python-only, look-alikes) around and inside durations."""
    out = []
    for sep in SEPARATORS:
        for text in ("1h", "1h30m", "0", "-5m", "1.5s"):
            out += [sep + text, text + sep, text[:1] + sep + text[1:], sep]
        out.append("1h" + sep + "30m")
    return list(dict.fromkeys(out))


def main() -> int:
    oracle = Oracle()
    try:
        info = oracle.run("info")[0]
        rows = corpus(random.Random(SEED))
        answers = oracle.run("parse", [{"spec": s} for s, _ in rows])
        durations = duration_corpus()
        duration_answers = oracle.run("duration", [{"spec": s} for s in durations])
    finally:
        oracle.close()
    if len(answers) != len(rows):
        raise SystemExit(f"{len(rows)} inputs, {len(answers)} answers")
    meta = {
        "go_version": info["go_version"],
        "robfig_version": oracle.robfig_version,
        "generator": "tools/goparse/generate.py",
        "oracle": "cron.ParseStandard(spec)",
        "space": info["space"],
        "lower_ascii": info["lower_ascii"],
        "count": len(rows),
        "row_schema": {"spec": "input", "class": "corpus class", "ok": "robfig accepted it",
                       "error": "robfig's error text ('' when ok)",
                       "kind": "spec | every | error | panic",
                       "bits": "Minute, Hour, Dom, Month, Dow as decimal uint64 (bit 63 is "
                               "robfig's star bit), or null"},
    }
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"meta":' + json.dumps(meta, sort_keys=True) + ',\n"rows":[\n')
        f.write(",\n".join(
            json.dumps({"spec": s, "class": k, "ok": a["ok"], "error": a["error"],
                        "kind": a["kind"], "bits": a["bits"]}, separators=(",", ":"))
            for (s, k), a in zip(rows, answers, strict=True)))
        f.write("\n]}\n")
    print(f"wrote {len(rows)} rows to {os.path.relpath(OUT, REPO)}", file=sys.stderr)
    dmeta = {"go_version": info["go_version"], "generator": "tools/goparse/generate.py",
             "oracle": "time.ParseDuration(text)", "count": len(durations),
             "row_schema": {"text": "input", "ok": "Go accepted it",
                            "error": "Go's error text ('' when ok)",
                            "nanoseconds": "the value (0 when not ok)"}}
    with open(OUT_DURATIONS, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"meta":' + json.dumps(dmeta, sort_keys=True) + ',\n"rows":[\n')
        f.write(",\n".join(
            json.dumps({"text": t, "ok": a["ok"], "error": a["error"],
                        "nanoseconds": a["nanoseconds"]}, separators=(",", ":"))
            for t, a in zip(durations, duration_answers, strict=True)))
        f.write("\n]}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
