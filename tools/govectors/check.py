#!/usr/bin/env python3
"""Sanity checks for tests/data/go/*.json (run after generate.py).

Independent of Go: it re-checks the vectors against Go's own test tables,
the facts in the project's reference notes, and the zone rules of the Python
`tzdata` package. Exits non-zero on any failure; prints a short summary.
"""

import collections
import datetime as dt
import json
import os
import sys
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "data", "go")
FAIL = []


def check(cond, msg):
    if not cond:
        FAIL.append(msg)


def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        d = json.load(f)
    check(d["meta"]["count"] == len(d["rows"]), name + ": meta.count")
    return d["meta"], d["rows"]


def go_tables():
    """The Go test tables, re-read from the vectors' go: rows is circular, so
    recheck a few rows by hand instead."""
    return {
        "0": 0,
        "-0": 0,
        "+0": 0,
        "5.s": 5 * 10**9,
        ".5s": 5 * 10**8,
        "12\u00b5s": 12000,
        "12\u03bcs": 12000,
        "0.3333333333333333333h": 20 * 60 * 10**9,
        "9223372036854775807ns": 2**63 - 1,
        "-9223372036854775808ns": -(2**63),
        "-2562047h47m16.854775808s": -(2**63),
        "0.830103483285477580700h": (49 * 60 + 48) * 10**9 + 372539827,
    }


def check_durations():
    _meta, rows = load("durations.json")
    by = {bytes.fromhex(r["hex"]): r for r in rows}
    check(len(by) == len(rows), "durations: duplicate inputs")
    for r in rows:
        b = bytes.fromhex(r["hex"])
        if r["text_exact"]:
            check(r["text"].encode() == b, f"durations: text/hex mismatch {r!r}")
        if r["ok"]:
            check(
                r["error"] is None and -(2**63) <= r["nanoseconds"] < 2**63,
                f"durations: ok row {r!r}",
            )
            # Duration.String() parses back to the same value
            back = by.get(r["string"].encode())
            if back is not None:
                check(back["nanoseconds"] == r["nanoseconds"], f"durations: round trip {r!r}")
        else:
            check(
                r["nanoseconds"] is None and r["error"].startswith("time: "),
                f"durations: err row {r!r}",
            )
        if r["source"] == "go:parseDurationErrorTests":
            check(not r["ok"], f"durations: Go error-table row parsed: {r!r}")
        if r["source"] == "go:parseDurationTests":
            check(r["ok"], f"durations: Go table row failed: {r!r}")
    for s, want in go_tables().items():
        r = by[s.encode()]
        check(r["ok"] and r["nanoseconds"] == want, f"durations: {s!r} -> {r!r}, want {want!r}")
    expect_err = {
        b"": 'time: invalid duration ""',
        b"3": 'time: missing unit in duration "3"',
        b"00": 'time: missing unit in duration "00"',
        b"1..s": 'time: missing unit in duration "1..s"',
        b"1d": 'time: unknown unit "d" in duration "1d"',
        b"1H": 'time: unknown unit "H" in duration "1H"',
        b"1h 2m": 'time: unknown unit "h " in duration "1h 2m"',
        b"1h-1m": 'time: unknown unit "h-" in duration "1h-1m"',
        b" 1h": 'time: invalid duration " 1h"',
        b"1\xc2\xb5": 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"',
        b"\xd9\xa1s": 'time: invalid duration "\\xd9\\xa1s"',
        b"\xffff": 'time: invalid duration "\\xffff"',
        b"\xef\xbf\xbd": 'time: invalid duration "\\xef\\xbf\\xbd"',
        b"1h\t2m": 'time: unknown unit "h\\x09" in duration "1h\\x092m"',
        b"1\x7fs": 'time: unknown unit "\x7fs" in duration "1\x7fs"',
        b"9223372036854775808ns": 'time: invalid duration "9223372036854775808ns"',
        b"2562047h47m16.854775808s": 'time: invalid duration "2562047h47m16.854775808s"',
    }
    for b, e in expect_err.items():
        check(
            by[b]["error"] == e, "durations: {!r} gave {!r}, want {!r}".format(b, by[b]["error"], e)
        )
    expect_ok = {
        b"9223372036854775808ns9223372036854775808ns": 0,
        b"-9223372036854775808ns9223372036854775808ns": 0,
        b"9223372036854775808ns9223372036854775808ns1ns": 1,
        b"1.0000000005s": 10**9,
        b"0.9999999999s": 999999999,
        b"0.9999999999999999999h": 3600 * 10**9,
        b"2562047.788015215h": 9223372036854774000,
        b"1.0000001s": 1000000100,
        b"1s1s1s1s": 4 * 10**9,
        b"-2562047h47m16.854775808s": -(2**63),
    }
    for b, v in expect_ok.items():
        check(
            by[b]["ok"] and by[b]["nanoseconds"] == v,
            f"durations: {b!r} gave {by[b]!r}, want {v}",
        )
    c = collections.Counter(
        (
            r["source"].split(":")[0] + ":" + r["source"].split(":")[1]
            if r["source"].startswith("random")
            else r["source"],
            r["ok"],
        )
        for r in rows
    )
    print(f"durations.json: {len(rows)} rows; (source, ok) counts: {dict(sorted(c.items()))}")


def check_duration_strings():
    _meta, rows = load("duration_strings.json")
    by = {r["nanoseconds"]: r["string"] for r in rows}
    want = {
        0: "0s",
        1: "1ns",
        -1: "-1ns",
        1100: "1.1\u00b5s",
        2**63 - 1: "2562047h47m16.854775807s",
        -(2**63): "-2562047h47m16.854775808s",
        3600 * 10**9: "1h0m0s",
        60 * 10**9: "1m0s",
        3600 * 10**9 + 1: "1h0m0.000000001s",
        1500 * 10**6: "1.5s",
        999999999: "999.999999ms",
        24 * 3600 * 10**9: "24h0m0s",
    }
    for v, s in want.items():
        check(by.get(v) == s, f"duration_strings: {v} -> {by.get(v)!r}, want {s!r}")
    print(f"duration_strings.json: {len(rows)} rows")


def check_locations():
    _meta, rows = load("locations.json")
    by = {r["name"]: r for r in rows}
    ok = {
        "",
        "UTC",
        "Local",
        "US/Eastern",
        "EST",
        "GMT",
        "Etc/GMT+5",
        "Factory",
        "./America/New_York",
        "America//New_York",
        "America/./New_York",
    }
    for n in ok:
        check(by[n]["ok"], f"locations: {n!r} should load: {by[n]!r}")
    check(by["America//New_York"]["string"] == "America//New_York", "locations: name kept as given")
    check(by[""]["string"] == "UTC", "locations: empty name is UTC")
    errs = {
        "utc": "unknown time zone utc",
        "local": "unknown time zone local",
        "+05:00": "unknown time zone +05:00",
        "america/new_york": "unknown time zone america/new_york",
        "Asia/SomethingNotExist": "unknown time zone Asia/SomethingNotExist",
        "../etc/passwd": "time: invalid location name",
        "a..b": "time: invalid location name",
        "..": "time: invalid location name",
        "/etc/localtime": "time: invalid location name",
        "\\foo": "time: invalid location name",
        "UTC ": "unknown time zone UTC ",
    }
    for n, e in errs.items():
        check(by[n]["error"] == e, f"locations: {n!r} gave {by[n]!r}, want {e!r}")
    for n in (".", "America"):
        check(by[n]["error"].endswith("is a directory"), f"locations: {n!r}: {by[n]!r}")
    check(by["America/New_York/"]["error"].endswith("not a directory"), "locations: trailing slash")
    for n in ("zone.tab", "tzdata.zi"):
        check(by[n]["error"] == "malformed time zone information", f"locations: {n!r}: {by[n]!r}")
    check(by["America/New_York\x00"]["error"].endswith("invalid argument"), "locations: NUL")
    zones = [r for r in rows if r["source"] == "zones"]
    check(
        all(
            r["ok"]
            and r["string"] == r["name"]
            and r["zoneinfo_dir"] == ("skipped" if r["name"] == "UTC" else "file")
            for r in zones
        ),
        "locations: every name in tzdata's zones file loads from the tzdata folder",
    )
    c = collections.Counter((r["source"], r["ok"], r["zoneinfo_dir"]) for r in rows)
    print(
        f"locations.json: {len(rows)} rows; (source, ok, zoneinfo_dir): "
        f"{dict(sorted(c.items()))}"
    )
    outside = [r["name"] for r in rows if r["ok"] and r["zoneinfo_dir"] == "absent"]
    print(f"  loaded from the system dirs only (absent from the tzdata folder): {outside}")


# ---------------------------------------------------------------- cron

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def parse_field(f, lo, hi, names=None):
    """Return (set of values, star) the way robfig/cron v3 reads a field."""
    vals, star = set(), False

    def num(s):
        if names and s.lower() in names:
            return names.index(s.lower()) + lo
        return int(s)

    for part in f.split(","):
        rng, _, step = part.partition("/")
        step = int(step) if step else 1
        if rng in ("*", "?"):
            a, b = lo, hi
            if step == 1:
                star = True
        elif "-" in rng:
            a, b = (num(x) for x in rng.split("-"))
        else:
            a = num(rng)
            b = hi if "/" in part else a
        vals.update(range(a, b + 1, step))
    return vals, star


def matcher(spec):
    mi, ho, dom, mo, dow = spec.split()
    mi, ho = parse_field(mi, 0, 59)[0], parse_field(ho, 0, 23)[0]
    (dom, dstar), mo = parse_field(dom, 1, 31), parse_field(mo, 1, 12, MONTHS)[0]
    dow, wstar = parse_field(dow, 0, 6, DAYS)

    def m(t):
        dm, wm = t.day in dom, (t.isoweekday() % 7) in dow
        day = (dm and wm) if (dstar or wstar) else (dm or wm)
        return t.minute in mi and t.hour in ho and t.month in mo and day and t.second == 0

    return m


def check_cron():
    _meta, rows = load("cron_runs.json")
    zones = {}
    stats = collections.Counter()
    odd = []
    back_cases = set()
    for r in rows:
        z = zones.setdefault(r["zone"], zoneinfo.ZoneInfo(r["zone"]))
        check(r["parse_error"] is None, f"cron: parse error {r!r}")
        check(
            dt.datetime.fromtimestamp(r["start_unix"], z).isoformat()
            == r["start"].replace("Z", "+00:00")
            or r["start"].endswith("Z"),
            "cron: start {!r}".format(r["start"]),
        )
        m = matcher(r["spec"])
        prev = r["start_unix"]
        for u, iso, abbr in r["runs"]:
            t = dt.datetime.fromtimestamp(u, z)
            check(
                t.isoformat().replace("+00:00", "Z") == iso or t.isoformat() == iso,
                f"cron: Python/Go disagree on local time of {u} in {r['zone']}: "
                f"{t.isoformat()} vs {iso}",
            )
            check(t.tzname() == abbr, f"cron: abbreviation {t.tzname()} vs {abbr}")
            if u <= prev:
                stats["non_increasing"] += 1
                back_cases.add((r["spec"], r["zone"], r["start"]))
            if not m(t):
                odd.append((r["spec"], r["zone"], iso))
            prev = u
        stats["exhausted"] += r["exhausted"]
        stats["hung"] += r["hung"]
        stats["runs"] += len(r["runs"])
        stats["short"] += len(r["runs"]) < r["n"]
    # Not failures: robfig/cron v3.0.1 really does this (see README.md, "robfig quirks").
    print(
        f"  robfig quirks: {stats['non_increasing']} runs not after the previous one "
        f"(in {len(back_cases)} cases); {len(odd)} runs whose local time "
        f"does not match the spec (in {len({(o[0], o[1]) for o in odd})} cases)"
    )
    for o in sorted(set(odd))[:12]:
        print(f"    mismatch: {o[0]!r:<45} {o[1]} {o[2]}")
    for c in sorted(back_cases)[:12]:
        print(f"    backwards: {c[0]!r:<44} {c[1]} start {c[2]}")

    # rows from the DST table in dst-semantics.md
    def find(spec, zone, start_local):
        for r in rows:
            if r["spec"] == spec and r["zone"] == zone and r["start"].startswith(start_local):
                return [u for u, _, _ in r["runs"]]
        FAIL.append(f"cron: no case {spec} {zone} {start_local}")
        return []

    def ts(s):
        return int(dt.datetime.fromisoformat(s + "+00:00").timestamp())

    ny = "America/New_York"
    t = find("30 2 * * *", ny, "2026-03-07T12:00")
    check(t[:1] == [ts("2026-03-09T06:30")], f"cron: NY 30 2 spring: {t[:2]}")
    t = find("30 1-3 * * *", ny, "2026-03-08T00:10")
    check(
        t[:3] == [ts("2026-03-08T06:30"), ts("2026-03-08T07:30"), ts("2026-03-09T05:30")],
        "cron: NY 30 1-3 spring",
    )
    t = find("*/20 2 * * *", ny, "2026-03-07T12:00")
    check(t[:1] == [ts("2026-03-09T06:00")], "cron: NY */20 2 spring")
    t = find("30 * * * *", ny, "2026-03-08T00:10")
    check(
        t[:3] == [ts("2026-03-08T05:30"), ts("2026-03-08T06:30"), ts("2026-03-08T07:30")],
        "cron: NY 30 *",
    )
    t = find("0 1 * * *", ny, "2026-10-31T12:00")
    check(t[:2] == [ts("2026-11-01T05:00"), ts("2026-11-01T06:00")], "cron: NY 0 1 fall twice")
    t = find("30 1-3 * * *", ny, "2026-11-01T00:10")
    check(t[:4] == [ts(f"2026-11-01T0{h}:30") for h in (5, 6, 7, 8)], "cron: NY 30 1-3 fall")
    t = find("*/15 1 * * *", ny, "2026-11-01T00:10")
    check(t[:8] == [ts("2026-11-01T05:00") + 900 * i for i in range(8)], "cron: NY */15 1 fall")
    t = find("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00")
    check(t[:1] == [ts("2026-03-30T00:30")], "cron: Berlin spring skipped")
    t = find("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00")
    check(t[:2] == [ts("2026-10-25T00:30"), ts("2026-10-25T01:30")], "cron: Berlin fall twice")
    t = find("0 0 * * *", "America/Sao_Paulo", "2018-11-03T12:00")
    check(t[:1] == [ts("2018-11-05T02:00")], f"cron: Sao Paulo midnight skipped: {t[:1]}")
    t = find("0 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00")
    check(t[:1] == [ts("2026-10-04T15:00")], f"cron: Lord Howe 02:00 skipped: {t[:1]}")

    c = collections.Counter(r["zone"] for r in rows)
    print(
        f"cron_runs.json: {len(rows)} cases, {stats['runs']} runs, "
        f"{len({r['spec'] for r in rows})} specs, {len(c)} zones; "
        f"exhausted={stats['exhausted']} hung={stats['hung']} short={stats['short']}"
    )
    for r in rows:
        if r["hung"]:
            last = r["runs"][-1][1] if r["runs"] else r["start"]
            print(
                f"  hung: {r['spec']!r:<40} {r['zone']} start {r['start']}, "
                f"after {len(r['runs'])} runs, last {last}"
            )


def check_transitions():
    """cron_transitions.json.gz: Go's offsets and abbreviations at each transition are
    Python's (same tzdata), the counts add up, and how many runs are robfig quirks."""
    import gzip

    with gzip.open(os.path.join(DATA, "cron_transitions.json.gz"), "rt", encoding="utf-8") as f:
        d = json.load(f)
    meta, zones, specs, transitions, rows = (
        d["meta"], d["zones"], d["specs"], d["transitions"], d["rows"])
    check(meta["count"] == len(rows), "transitions: meta.count")
    check(meta["transition_count"] == len(transitions), "transitions: meta.transition_count")
    check(meta["runs"] == sum(len(r[4]) for r in rows), "transitions: meta.runs")
    tzs = {z: zoneinfo.ZoneInfo(z) for z in zones}
    for zi, at, before, after, name_before, name_after, _dst_before, _dst_after in transitions:
        z = tzs[zones[zi]]
        for ts, off, name in ((at - 1, before, name_before), (at, after, name_after)):
            t = dt.datetime.fromtimestamp(ts, z)
            check(
                t.utcoffset() == dt.timedelta(seconds=off) and t.tzname() == name,
                f"transitions: {zones[zi]} at {ts}: Python {t.utcoffset()} {t.tzname()}, "
                f"Go {off} {name}",
            )
    stats = collections.Counter()
    for ti, si, offset, n, deltas, end in rows:
        z = tzs[zones[transitions[ti][0]]]
        m = matcher(specs[si])
        prev = transitions[ti][1] + offset
        for delta in deltas:
            u = prev + delta
            stats["back"] += u <= prev
            stats["odd"] += not m(dt.datetime.fromtimestamp(u, z))
            prev = u
        stats[("full", "exhausted", "hung", "parse_error")[end]] += 1
        check(end != 0 or len(deltas) == n, "transitions: end 0 with fewer runs than n")
    print(
        f"cron_transitions.json.gz: {len(zones)} zones, {len(transitions)} transitions, "
        f"{len(rows)} cases, {meta['runs']} runs; {stats['exhausted']} gave the zero time, "
        f"{stats['hung']} hung, {stats['parse_error']} parse errors; robfig quirks: "
        f"{stats['back']} runs not after the previous one, {stats['odd']} whose local time "
        "does not match the spec"
    )


def main():
    sys.path.insert(0, HERE)
    import tzdata

    zdir = os.path.join(os.path.dirname(os.path.abspath(tzdata.__file__)), "zoneinfo")
    zoneinfo.reset_tzpath(to=[zdir])
    check_durations()
    check_duration_strings()
    check_locations()
    check_cron()
    check_transitions()
    meta = load("cron_runs.json")[0]
    if meta["tzdata_iana_version"] != tzdata.IANA_VERSION:
        FAIL.append(
            "tzdata version differs from the one used to generate: {} vs {}".format(
                meta["tzdata_iana_version"], tzdata.IANA_VERSION
            )
        )
    for f in FAIL[:50]:
        print("FAIL:", f)
    print(f"{len(FAIL)} failures")
    sys.exit(1 if FAIL else 0)


if __name__ == "__main__":
    main()
