#!/usr/bin/env python3
"""Regenerate the Go conformance vectors in tests/data/go/.

Run from anywhere (see README.md); needs Go (1.19 was used), the Debian
package golang-github-robfig-cron-dev (robfig/cron v3.0.1) and a Python with
the `tzdata` package installed. No network access is needed.

All test inputs are produced here with fixed seeds; the Go program in main.go
is only the oracle that evaluates them. Go reads zone data from the Python
tzdata package's zoneinfo/ folder (ZONEINFO), and the Python side uses the
same folder, so both see the same zone rules.

Environment overrides:
  GO                   go binary (default: "go" on PATH)
  ROBFIG_CRON_DIR      source dir of github.com/robfig/cron/v3 (default: found
                       with `dpkg -L golang-github-robfig-cron-dev`)
  ROBFIG_CRON_VERSION  version label for the headers (default: from dpkg)
  GO_TIME_TEST         path of Go's src/time/time_test.go
                       (default: $(go env GOROOT)/src/time/time_test.go)
"""

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, "tests", "data", "go")

SEED = 20240601  # one seed; each generator derives its own random.Random from it

# ----------------------------------------------------------------------------
# environment


def run(cmd, env=None, stdin=None, cwd=None):
    p = subprocess.run(cmd, env=env, input=stdin, cwd=cwd, capture_output=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit("command failed: {}".format(" ".join(cmd)))
    return p.stdout


def tzdata_dir():
    import tzdata

    d = os.path.join(os.path.dirname(os.path.abspath(tzdata.__file__)), "zoneinfo")
    if not os.path.isfile(os.path.join(d, "America", "New_York")):
        raise SystemExit(f"no TZif files under the tzdata package: {d}")
    return d, tzdata.IANA_VERSION, getattr(tzdata, "__version__", "?")


def robfig_dir_and_version():
    d = os.environ.get("ROBFIG_CRON_DIR")
    ver = os.environ.get("ROBFIG_CRON_VERSION")
    if not d or not ver:
        try:
            files = run(["dpkg", "-L", "golang-github-robfig-cron-dev"]).decode().split("\n")
            deb = run(
                ["dpkg-query", "-W", "-f", "${Version}", "golang-github-robfig-cron-dev"]
            ).decode()
        except (OSError, SystemExit) as exc:
            raise SystemExit(
                "set ROBFIG_CRON_DIR and ROBFIG_CRON_VERSION (robfig/cron v3 source dir)"
            ) from exc
        if not d:
            mods = [f for f in files if f.endswith("/github.com/robfig/cron/go.mod")]
            if not mods:
                raise SystemExit("robfig/cron go.mod not found in the Debian package")
            d = os.path.dirname(mods[0])
        if not ver:
            up = deb.split("-")[0]
            ver = f"v{up} (Debian golang-github-robfig-cron-dev {deb})"
    with open(os.path.join(d, "go.mod")) as f:
        if "module github.com/robfig/cron/v3" not in f.read():
            raise SystemExit(f"{d} is not github.com/robfig/cron/v3")
    return d, ver


class Oracle:
    """Builds main.go in a temp dir and runs its subcommands."""

    def __init__(self, zdir):
        self.go = os.environ.get("GO", "go")
        self.tmp = tempfile.mkdtemp(prefix="govectors-")
        rdir, self.robfig_version = robfig_dir_and_version()
        shutil.copy(os.path.join(HERE, "main.go"), self.tmp)
        with open(os.path.join(self.tmp, "go.mod"), "w") as f:
            f.write(
                "module govectors\n\ngo 1.19\n\n"
                "require github.com/robfig/cron/v3 v3.0.1\n\n"
                f"replace github.com/robfig/cron/v3 => {rdir}\n"
            )
        benv = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GO111MODULE="on", GOWORK="off")
        self.bin = os.path.join(self.tmp, "govectors")
        run([self.go, "build", "-o", self.bin, "."], env=benv, cwd=self.tmp)
        self.goroot = run([self.go, "env", "GOROOT"], env=benv).decode().strip()
        # ZONEINFO: Go tries this directory first. TZ=UTC makes time.Local
        # deterministic (it is only used for the "Local" location row and as
        # the location of the start time handed to robfig, which converts it).
        self.env = dict(os.environ, ZONEINFO=zdir, TZ="UTC")
        self.info = json.loads(run([self.bin, "info"], env=self.env))

    def lines(self, sub, rows, args=(), partial_rc=None):
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
        p = subprocess.run([self.bin, sub, *args], env=self.env, input=data, capture_output=True)
        if p.returncode != 0 and p.returncode != partial_rc:
            sys.stderr.write(p.stderr.decode("utf-8", "replace"))
            raise SystemExit(f"govectors {sub} failed with status {p.returncode}")
        res = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line]
        if p.returncode == partial_rc and p.returncode is not None and p.returncode != 0:
            return res
        if len(res) != len(rows):
            raise SystemExit(f"{sub}: {len(rows)} inputs, {len(res)} outputs")
        return res

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_json(path, meta, rows):
    """One JSON object: {"meta": {...}, "rows": [...]}, one row per line."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"meta":' + json.dumps(meta, ensure_ascii=False, sort_keys=True) + ',\n"rows":[\n')
        f.write(",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows))
        f.write("\n]}\n")


def text_of(b):
    try:
        return b.decode("utf-8"), True
    except UnicodeDecodeError:
        return b.decode("utf-8", "backslashreplace"), False


# ----------------------------------------------------------------------------
# durations


DUR_EDGE = [
    # special zero
    b"0",
    b"00",
    b"-0",
    b"+0",
    b"-00",
    b"+00",
    b"0.0",
    b"0s",
    b"-0s",
    b"+0s",
    b"0.0s",
    b"000s",
    b"-0.0s",
    # signs
    b"-",
    b"+",
    b"--1s",
    b"+-1s",
    b"-+1s",
    b"++1s",
    b"1h-1m",
    b"1h+1m",
    b"1s-",
    # fractions
    b".5s",
    b"1.s",
    b"5.s",
    b"1..s",
    b"1.5.5s",
    b".s",
    b"-.s",
    b"+.s",
    b".",
    b"-.",
    b"1.",
    b"..5s",
    b"0.5.s",
    b"1.0000000005s",
    b"0.9999999999s",
    b"0.9999999999999999999h",
    b"2562047.788015215h",
    b"1.0000001s",
    b"0.1234567890123456789s",
    b"0.12345678901234567890123s",
    b"1.00000000000000000001h",
    b"0.9223372036854775807h",
    b"0.9223372036854775808h",
    b"0.9223372036854775809h",
    b"0.92233720368547758079h",
    b"0.0000000000000000001ns",
    b"0.00000000000000000001h",
    b"99999999999999999999.5s",
    b".9223372036854775808ns",
    # limits and the uint64 wrap-around
    b"9223372036854775807ns",
    b"9223372036854775808ns",
    b"-9223372036854775808ns",
    b"-9223372036854775809ns",
    b"2562047h47m16.854775807s",
    b"2562047h47m16.854775808s",
    b"-2562047h47m16.854775808s",
    b"-2562047h47m16.854775809s",
    b"2562048h",
    b"2562047h",
    b"-2562048h",
    b"153722867m",
    b"153722868m",
    b"9223372036s",
    b"9223372037s",
    b"9223372036854775us",
    b"9223372036854776us",
    b"9223372036854ms",
    b"18446744073709551616ns",
    b"18446744073709551615ns",
    b"92233720368547758070ns",
    b"9223372036854775808ns9223372036854775808ns",
    b"-9223372036854775808ns9223372036854775808ns",
    b"9223372036854775808ns9223372036854775808ns1ns",
    b"9223372036854775807ns1ns",
    b"-9223372036854775807ns1ns",
    b"-9223372036854775807ns2ns",
    b"9223372036854775808ns1ns",
    b"4611686018427387904ns4611686018427387904ns",
    b"4611686018427387904ns4611686018427387904ns1ns",
    # units
    b"1ns",
    b"1us",
    b"1\xc2\xb5s",
    b"1\xce\xbcs",
    b"1ms",
    b"1s",
    b"1m",
    b"1h",
    b"1\xc2\xb5",
    b"1\xce\xbc",
    b"1\xb5s",
    b"1\xc2s",
    b"1\xc2",
    b"1u",
    b"1n",
    b"1\xc2\xb5\xc2\xb5s",
    b"1d",
    b"1w",
    b"1y",
    b"1H",
    b"1S",
    b"1Ms",
    b"1MS",
    b"1NS",
    b"1Us",
    b"1sec",
    b"1min",
    b"1hr",
    b"1hs",
    b"1mss",
    b"1nsx",
    # composites, repeats, order
    b"1s1s1s1s",
    b"10.5s4m",
    b"1h1h",
    b"1m1h",
    b"1h2m3s4ms5us6ns7\xc2\xb5s8\xce\xbcs",
    b"3h30m",
    b"1h30",
    # spaces and control bytes
    b" 1h",
    b"1h ",
    b"1h 2m",
    b"1 h",
    b"1h\t2m",
    b"\t1s",
    b"1s\n",
    b"1s\x00",
    b"\x001s",
    b"1\x7fs",
    b"1s\x7f",
    b'1"s',
    b"1\\s",
    b"1_000s",
    b"1,5s",
    b"1e3s",
    b"0x10s",
    b"1h_2m",
    # unicode digits and other non-ASCII
    b"\xd9\xa1s",
    b"\xef\xbc\x91s",
    b"1\xd9\xa1s",
    b"\xe2\x81\xb0s",
    b"\xc2\xb2s",
    # invalid UTF-8 and U+FFFD
    b"\x85\x85",
    b"\xffff",
    b"1\xff",
    b"1s\xff",
    b"1\xffs",
    b"\xef\xbf\xbd",
    b"1\xef\xbf\xbd",
    b"1\xef\xbf\xbds",
    b"1\xef\xbf",
    b"1\xef\xbf\xbd\xef\xbf\xbd",
    b"1\xed\xa0\x80s",
    b"1\xc0\xafs",
    b"1\xf4\x90\x80\x80s",
    b"\xe2\x82",
    b"1\xe2\x82\xacs",
    # others
    b"",
    b"3",
    b"s",
    b"-s",
    b"h",
    b"1",
    b"-1",
    b"+1",
    b"1.5",
    b"inf",
    b"NaN",
    b"1e9ns",
]


def dur_soup(rng):
    """Byte soup from a weighted alphabet, length 0-30 (in tokens)."""
    toks = (
        [(bytes([c]), 6) for c in b"0123456789"]
        + [(b".", 8), (b"+", 3), (b"-", 4)]
        + [(b"n", 5), (b"s", 9), (b"u", 4), (b"m", 7), (b"h", 6)]
        + [(b"\xc2\xb5", 3), (b"\xce\xbc", 2), (b"\xc2", 1), (b"\xb5", 1)]
        + [(b"ns", 3), (b"us", 2), (b"ms", 3), (b"\xc2\xb5s", 2)]
        + [
            (b" ", 1),
            (b"\t", 0.3),
            (b"d", 0.6),
            (b"H", 0.4),
            (b"\xff", 0.4),
            (b"\x7f", 0.2),
            (b"\x00", 0.2),
            (b"\xef\xbf\xbd", 0.3),
            (b'"', 0.2),
            (b"\\", 0.2),
            (b"e", 0.3),
            (b"_", 0.2),
        ]
    )
    items = [t for t, _ in toks]
    weights = [w for _, w in toks]
    n = rng.choice([rng.randint(0, 30), rng.randint(0, 8), rng.randint(0, 12)])
    b = b"".join(rng.choices(items, weights, k=n))
    return b[: rng.randint(max(0, len(b) - 2), len(b))] if len(b) > 30 else b


def dur_struct(rng):
    """Mostly well-formed durations, sometimes mutated, sometimes huge."""
    units = [b"ns", b"us", b"\xc2\xb5s", b"\xce\xbcs", b"ms", b"s", b"m", b"h"]
    out = b""
    r = rng.random()
    if r < 0.2:
        out += b"-"
    elif r < 0.27:
        out += b"+"
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        kind = rng.random()
        if kind < 0.5:
            ip = str(rng.randint(0, 999)).encode()
        elif kind < 0.8:
            ip = str(rng.randint(0, 10 ** rng.randint(1, 12))).encode()
        elif kind < 0.95:
            ip = str(rng.randint(10**15, 2**64)).encode()
        else:
            ip = b""
        if rng.random() < 0.35 or not ip:
            nd = rng.choice([0, 1, 1, 2, 3, 3, 6, 9, 10, 15, 18, 19, 20, 25])
            fp = "".join(rng.choice("0123456789") for _ in range(nd)).encode()
            num = ip + b"." + fp
        else:
            num = ip
        if rng.random() < 0.1 and rng.random() < 0.5:
            num = b"0" * rng.randint(1, 5) + num
        out += num + rng.choice(units)
    if rng.random() < 0.08:  # mutate one byte
        i = rng.randrange(len(out) + 1)
        out = out[:i] + rng.choice([b" ", b".", b"-", b"x", b"\xc2", b"0", b""]) + out[i + 1 :]
    return out


def gen_durations(oracle, tables):
    rows, seen = [], set()

    def add(b, source):
        if b in seen:
            return
        seen.add(b)
        rows.append((b, source))

    for t in tables:
        if t["table"] in ("parseDurationTests", "parseDurationErrorTests"):
            add(bytes.fromhex(t["hex"]), "go:" + t["table"])
    for b in DUR_EDGE:
        add(b, "edge")
    with open(os.path.join(HERE, "durations_corpus.txt"), "rb") as f:
        for line in f.read().split(b"\n"):
            if line:
                add(line, "corpus")
    # Duration.String() outputs must parse back
    for t in tables:
        if t["table"] == "durationTests":
            add(bytes.fromhex(t["hex"]), "go:durationTests")
    rng = random.Random(SEED + 1)
    n0 = len(rows)
    while len(rows) - n0 < 3200:
        add(dur_soup(rng), "random:soup")
    n0 = len(rows)
    while len(rows) - n0 < 2600:
        add(dur_struct(rng), "random:struct")

    res = oracle.lines("durations", [{"hex": b.hex()} for b, _ in rows])
    out = []
    for (b, source), r in zip(rows, res, strict=False):
        text, exact = text_of(b)
        out.append(
            {
                "hex": b.hex(),
                "text": text,
                "text_exact": exact,
                "source": source,
                "ok": r["ok"],
                "nanoseconds": r.get("nanoseconds"),
                "string": r.get("string"),
                "error": r.get("error"),
            }
        )
    return out


# ----------------------------------------------------------------------------
# Duration.String()


def gen_duration_strings(oracle, tables):
    vals, seen = [], set()
    MAX, MIN = 2**63 - 1, -(2**63)

    def add(v, source):
        if MIN <= v <= MAX and v not in seen:
            seen.add(v)
            vals.append((v, source))

    for t in tables:
        if t["table"] == "durationTests":
            add(t["want"], "go:durationTests")
            if t["want"] > 0:
                add(-t["want"], "go:durationTests:neg")
    for v in (
        0,
        1,
        -1,
        MAX,
        MIN,
        MAX - 1,
        MIN + 1,
        1100,
        1500 * 10**6,
        100 * 10**6,
        999999999,
        24 * 3600 * 10**9,
        3600 * 10**9 + 1,
        999,
        999999,
        1000,
        1000000,
    ):
        add(v, "edge")
    for k in range(0, 19):
        for d in (-1, 0, 1):
            add(10**k + d, "pow10")
            add(-(10**k + d), "pow10")
    for base in (60 * 10**9, 3600 * 10**9, 86400 * 10**9, 2**32, 2**53, 2**62):
        for m in (1, 2, 59, 60, 61):
            for d in (-1, 0, 1):
                add(base * m + d, "units")
                add(-(base * m + d), "units")
    rng = random.Random(SEED + 2)
    for _ in range(3000):
        e = rng.randint(0, 62)
        v = rng.randint(2**e, 2 ** (e + 1) - 1)
        add(-v if rng.random() < 0.3 else v, "random:magnitude")
    for _ in range(600):  # h/m/s/sub-second compositions, many zero parts
        h = rng.choice([0, 0, 1, 24, rng.randint(0, 2562046)])
        m = rng.choice([0, 0, rng.randint(0, 59)])
        s = rng.choice([0, 0, rng.randint(0, 59)])
        ns = rng.choice([0, 0, 1, 10 ** rng.randint(0, 8), rng.randint(0, 10**9 - 1)])
        v = ((h * 60 + m) * 60 + s) * 10**9 + ns
        add(-v if rng.random() < 0.2 else v, "random:hms")
    res = oracle.lines("durstrings", [{"ns": v} for v, _ in vals])
    return [
        {"nanoseconds": v, "string": r["string"], "source": s}
        for (v, s), r in zip(vals, res, strict=False)
    ]


# ----------------------------------------------------------------------------
# locations

TRICKY_NAMES = [
    "",
    "UTC",
    "Local",
    "utc",
    "local",
    "Utc",
    "america/new_york",
    "AMERICA/NEW_YORK",
    "US/Eastern",
    "EST",
    "EST5EDT",
    "GMT",
    "Etc/GMT+5",
    "Etc/GMT-14",
    "Etc/UTC",
    "UCT",
    "Zulu",
    "../etc/passwd",
    "a..b",
    "..",
    "a..",
    "../",
    "/etc/localtime",
    "/usr/foo/Foo",
    "\\foo",
    "\\UNC\\foo",
    ".",
    "./",
    "America",
    "America/",
    "America/New_York/",
    "./America/New_York",
    "America/./New_York",
    "America//New_York",
    "America/../America/New_York",
    "zone.tab",
    "zone1970.tab",
    "zonenow.tab",
    "iso3166.tab",
    "tzdata.zi",
    "leapseconds",
    "zones",
    "__init__.py",
    "Factory",
    "posixrules",
    "localtime",
    "posix/America/New_York",
    "right/America/New_York",
    "+05:00",
    "-05:00",
    "UTC+5",
    "Z",
    "Asia/SomethingNotExist",
    "Foo/Bar",
    "a.",
    "UTC ",
    " UTC",
    "America/New_York ",
    "America/New_York\n",
    "America/New_York\x00",
    "\x00",
    "America/New York",
    "America/New_York\t",
    "Europe/Kiev",
    "Europe/Kyiv",
    "Asia/Calcutta",
    "America/Buenos_Aires",
    "Antarctica/Troll",
    "Pacific/Apia",
]


def gen_locations(oracle, zdir):
    rows, seen = [], set()
    with open(os.path.join(os.path.dirname(zdir), "zones"), encoding="utf-8") as f:
        for line in f:
            name = line.rstrip("\n")
            if name and name not in seen:
                seen.add(name)
                rows.append((name, "zones"))
    for name in TRICKY_NAMES:
        if name not in seen:
            seen.add(name)
            rows.append((name, "tricky"))
    res = oracle.lines("locations", [{"hex": n.encode().hex()} for n, _ in rows])
    return [
        {
            "name": n,
            "hex": n.encode().hex(),
            "source": s,
            "ok": r["ok"],
            "string": r.get("string"),
            "error": r.get("error"),
            "zoneinfo_dir": r["zoneinfo_dir"],
        }
        for (n, s), r in zip(rows, res, strict=False)
    ]


# ----------------------------------------------------------------------------
# cron

# zone -> years whose offset transitions are used as start anchors
CRON_ZONES = [
    ("America/New_York", [2012, 2026, 2040]),
    ("Europe/Berlin", [2026]),
    ("America/Sao_Paulo", [2017, 2018, 2019]),
    ("Australia/Lord_Howe", [2026]),
    ("Pacific/Apia", [2011, 2012]),
    ("Africa/Casablanca", [2024, 2025, 2026]),
    ("Antarctica/Troll", [2026]),
    ("Asia/Kathmandu", [1985, 1986]),
    ("America/St_Johns", [2026]),
    ("Europe/London", [2026]),
    ("Australia/Sydney", [2026]),
    ("America/Santiago", [2026]),
    ("Asia/Tehran", [2021, 2022]),
    ("Europe/Dublin", [2026]),
    ("America/Havana", [2025, 2026]),
    ("Asia/Gaza", [2025, 2026]),
    ("UTC", []),
    ("Asia/Tokyo", []),
    ("Asia/Kolkata", []),
    ("Pacific/Chatham", [2026]),
    ("America/Los_Angeles", [2026]),
]

DST_SPECS = [
    "30 2 * * *",
    "30 1-3 * * *",
    "*/20 2 * * *",
    "30 * * * *",
    "0 1 * * *",
    "*/15 1 * * *",
    "0 0 * * *",
    "0 2 * * *",
    "*/15 * * * *",
    "0 9 * * 1-5",
]

FIXED_SPECS = [
    "0 0 30 2 *",
    "0 0 31 4 *",
    "0 0 31 6,9,11 *",
    "0 0 29 2 *",
    "0 0 13 * 5",
    "0 0 13 * FRI",
    "0 0 29 2 1",
    "0 0 31 * *",
    "0 0 1 1 *",
    "0 0 * * 0",
    "0 12 1 * 1",
    "0 0 1-7 * 1",
    "0 0 ? * MON",
    "0 0 1 * ?",
    "0 0 */2 * 1",
    "0 0 1 * */2",
    "0 0 */1 * 1",
    "0 0 1 * */1",
    "0 0 28-31 * *",
    "59 23 31 12 *",
    "0 0 1 1,7 *",
    "0 0-3 * * *",
    "0 0 31 2,4 *",
    "0 0 29 2 ?",
    "* * * * *",
    "0/30 2 * * *",
    "30 2/1 * * *",
    "0 2-2 * * *",
    "0 0 * * sun,Sat",
    "0 0 1 Feb,MAR,apr *",
    "0 0 1 jan-Dec/3 *",
    "0 0 * * mon-FRI/2",
]

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


def mixcase(rng, s):
    r = rng.random()
    if r < 0.4:
        return s
    if r < 0.6:
        return s.lower()
    if r < 0.8:
        return s.capitalize()
    return "".join(c.lower() if rng.random() < 0.5 else c for c in s)


def rand_field(rng, lo, hi, pick, names=None, allow_q=False, restricted=None):
    """One cron field. pick() draws a value biased as the caller wants.
    restricted: None = anything, True = never plain '*' / '?', False = '*' or '?'."""

    def val(v):
        if names and rng.random() < 0.35:
            return mixcase(rng, names[v - lo])
        return str(v)

    if restricted is False:
        return "?" if allow_q and rng.random() < 0.3 else "*"

    def atom():
        r = rng.random()
        if r < 0.45:
            return val(pick())
        if r < 0.65:
            a, b = sorted((pick(), pick()))
            return f"{val(a)}-{val(b)}"
        if r < 0.77:
            return f"*/{rng.choice([1, 2, 2, 3, 4, 5, 6, 7, 10, 15, 20, 30, 45, hi - lo + 1])}"
        if r < 0.9:
            a, b = sorted((pick(), pick()))
            return f"{val(a)}-{val(b)}/{rng.randint(1, max(1, (hi - lo) // 2))}"
        return f"{val(pick())}/{rng.randint(1, max(1, (hi - lo) // 2))}"

    r = rng.random()
    if restricted is None and r < 0.3:
        return "?" if allow_q and rng.random() < 0.2 else "*"
    if r < 0.75:
        return atom()
    return ",".join(atom() for _ in range(rng.randint(2, 4)))


def rand_spec(rng):
    def pick_min():
        return rng.choice([0, 0, 15, 30, 45, 59, rng.randint(0, 59), rng.randint(0, 59)])

    def pick_hour():
        return rng.randint(0, 3) if rng.random() < 0.65 else rng.randint(0, 23)

    def pick_dom():
        return rng.choice([1, 13, 28, 29, 30, 31, rng.randint(1, 31), rng.randint(1, 31)])

    minute = rand_field(rng, 0, 59, pick_min, restricted=rng.random() < 0.8)
    hour = rand_field(rng, 0, 23, pick_hour, restricted=rng.random() < 0.85)
    month = rand_field(
        rng, 1, 12, lambda: rng.randint(1, 12), MONTHS, restricted=rng.random() < 0.2 or None
    )
    if rng.random() < 0.55:
        month = "*"
    combo = rng.choice(["both*", "dom", "dow", "both", "both", "domstar2", "dowstar2", "q"])

    def dom_f(r):
        return rand_field(rng, 1, 31, pick_dom, allow_q=True, restricted=r)

    def dow_f(r):
        return rand_field(rng, 0, 6, lambda: rng.randint(0, 6), DAYS, allow_q=True, restricted=r)

    if combo == "both*":
        dom, dow = dom_f(False), dow_f(False)
    elif combo == "dom":
        dom, dow = dom_f(True), dow_f(False)
    elif combo == "dow":
        dom, dow = dom_f(False), dow_f(True)
    elif combo == "both":
        dom, dow = dom_f(True), dow_f(True)
    elif combo == "domstar2":
        dom, dow = f"*/{rng.choice([1, 2, 3])}", dow_f(True)
    elif combo == "dowstar2":
        dom, dow = dom_f(True), f"*/{rng.choice([1, 2, 3])}"
    else:
        dom, dow = rng.choice([("?", dow_f(True)), (dom_f(True), "?")])
    if month != "*" and rng.random() < 0.5 and combo != "both*":
        month = "*"  # keep most restricted-day specs firing often enough
    return " ".join([minute, hour, dom, month, dow])


def offset_at(z, ts):
    return dt.datetime.fromtimestamp(ts, z).utcoffset()


def transitions(z, year):
    """Instants (unix seconds) where the UTC offset changes during `year`."""
    a = int(dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp())
    b = int(dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC).timestamp())
    out, t, prev = [], a, offset_at(z, a)
    while t < b:
        t2 = t + 3600
        o2 = offset_at(z, t2)
        if o2 != prev:
            lo, hi = t, t2  # offset(lo) == prev, offset(hi) != prev
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_at(z, mid) == prev:
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
            prev = o2
        t = t2
    return out


def local_noon_before(z, ts):
    d = dt.datetime.fromtimestamp(ts, z).date() - dt.timedelta(days=1)
    return int(dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=z).timestamp())


def cron_starts(rng):
    """(zone, start_unix, label) start points."""
    starts = []
    for name, years in CRON_ZONES:
        z = zoneinfo.ZoneInfo(name)
        for y in years:
            for t in transitions(z, y):
                before, after = offset_at(z, t - 1), offset_at(z, t)
                lab = "transition {} {}->{}".format(
                    dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    fmt_off(before),
                    fmt_off(after),
                )
                starts.append((name, local_noon_before(z, t), lab + ": noon local the day before"))
                starts.append((name, t - 110 * 60, lab + ": 110 min before"))
        y0, y1 = (min(years), max(years)) if years else (2000, 2030)
        for _ in range(1 if years else 3):
            a = int(dt.datetime(y0, 1, 1, tzinfo=dt.UTC).timestamp())
            b = int(dt.datetime(y1 + 1, 1, 1, tzinfo=dt.UTC).timestamp())
            starts.append((name, rng.randint(a, b), "random"))
    return starts


def fmt_off(td):
    s = int(td.total_seconds())
    sign = "+" if s >= 0 else "-"
    s = abs(s)
    return f"{sign}{s // 3600:02d}:{s % 3600 // 60:02d}" + (f":{s % 60:02d}" if s % 60 else "")


def gen_cron(oracle):
    rng = random.Random(SEED + 3)
    starts = cron_starts(rng)
    cases = []
    for spec in DST_SPECS:
        for zone, st, lab in starts:
            cases.append(
                {"spec": spec, "zone": zone, "start": st, "label": "dst-table spec; " + lab}
            )
    for spec in FIXED_SPECS:
        for zone, st, lab in rng.sample(starts, 4):
            cases.append({"spec": spec, "zone": zone, "start": st, "label": "fixed spec; " + lab})
    specs, seen = [], set(DST_SPECS) | set(FIXED_SPECS)
    while len(specs) < 420:
        s = rand_spec(rng)
        if s not in seen:
            seen.add(s)
            specs.append(s)
    # transition-anchored starts are most of the pool; each spec gets 5 of them
    for spec in specs:
        for zone, st, lab in rng.sample(starts, 5):
            cases.append({"spec": spec, "zone": zone, "start": st, "label": "random spec; " + lab})
    N = 40
    inputs = [{"spec": c["spec"], "zone": c["zone"], "start": c["start"], "n": N} for c in cases]
    res = run_cron(
        oracle, inputs, lambda i: "{spec!r} {zone} start={start}".format(**cases[i])
    )
    out = []
    for c, r in zip(cases, res, strict=False):
        out.append(
            {
                "spec": c["spec"],
                "zone": c["zone"],
                "start_unix": c["start"],
                "start": r["start_local"],
                "n": N,
                "label": c["label"],
                "parse_error": r.get("parse_error"),
                "runs": r["runs"],
                "exhausted": r["exhausted"],
                "hung": r["hung"],
            }
        )
    return out, len(starts), len(specs)


# ----------------------------------------------------------------------------
# cron at every transition of every zone

# [1970-01-01, 2038-01-01) UTC: every change of every canonical zone in it gets cases.
TRANSITIONS_FROM = 0
TRANSITIONS_TO = int(dt.datetime(2038, 1, 1, tzinfo=dt.UTC).timestamp())
TRANSITIONS_FILE = "cron_transitions.json.gz"


def canonical_zones(zdir):
    """tzdata's zone names minus its links (a link's rules are its target's)."""
    links = set()
    with open(os.path.join(zdir, "tzdata.zi"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("L "):
                links.add(line.split()[2])
    with open(os.path.join(os.path.dirname(zdir), "zones"), encoding="utf-8") as f:
        names = {line.strip() for line in f if line.strip()}
    return sorted(names - links)


def tzif_transitions(zdir, zone):
    """The transition instants listed in the zone's TZif file (version 2+ 64-bit block),
    including those where only the abbreviation or DST flag changes."""
    import struct

    with open(os.path.join(zdir, *zone.split("/")), "rb") as f:
        data = f.read()
    isut, isstd, leap, timecnt, typecnt, charcnt = struct.unpack(">6l", data[20:44])
    skip = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    timecnt = struct.unpack(">6l", data[skip + 20 : skip + 44])[3]
    base = skip + 44
    return list(struct.unpack(f">{timecnt}q", data[base : base + 8 * timecnt]))


def rand_sparse(rng):
    """A spec that runs on few days: one minute, few hours, restricted day and month fields."""
    minute = str(rng.choice([0, 0, 15, 30, 45, 59, rng.randint(0, 59)]))
    hour = rng.choice(["*", "*", "0", "1", "2", "3", "23", "0-3", "1,2", "22-23",
                       str(rng.randint(0, 23))])
    dom = rng.choice(["*", "*", "1", "1", "*/14", "25-28", "29,30", "31", "15",
                      str(rng.randint(1, 31)), f"{rng.randint(1, 20)}-{rng.randint(21, 31)}/3",
                      f"*/14,25-28/1,{rng.randint(1, 31)}"])
    month = rng.choice(["*", "*", "*", "1", "12", "3,10", "4-9", "jan", "dec",
                        str(rng.randint(1, 12)), f"{rng.randint(1, 12)},{rng.randint(1, 12)}"])
    dow = rng.choice(["*", "*", "*", "0", "4", "1-5", "6", "sun", str(rng.randint(0, 6))])
    return " ".join([minute, hour, dom, month, dow])


def transition_cases(rng, at, before, after):
    """(spec, start, n) starting just before the change at `at` (offsets before/after)."""
    wall_before = dt.datetime.fromtimestamp(at + before, dt.UTC)
    wall_after = dt.datetime.fromtimestamp(at + after, dt.UTC)
    hours = ",".join(str(h) for h in sorted({wall_before.hour, wall_after.hour}))
    minute = (wall_before.minute + 30) % 60
    return [
        ("0,30 * * * *", at - 90 * 60, 8),  # half-hourly through the change
        ("0 * * * *", at - 150 * 60, 6),  # hourly
        (f"{minute} {hours} * * *", at - 26 * 3600, 4),  # daily in the hours it touches
        ("0 0 * * *", at - 2 * 86400, 4),  # daily at midnight
        ("0 0 1 * *", at - 3600, 3),  # monthly, from the month of the change
        # issue 10's Chagos shape: hourly on a few days of the month before the change, so
        # robfig's day loop crosses it and its month loop starts from it
        (f"51 * */14,25-28/1,26 {wall_before.month} 4", at - 26 * 3600, 3),
        (rand_sparse(rng), at - rng.randint(1, 72 * 60) * 60, 3),  # sparse, seeded
    ]


def run_cron(oracle, inputs, describe):
    """Oracle results for `inputs`, restarting main.go after each case where Next hangs."""
    res = []
    while len(res) < len(inputs):  # main.go exits with status 3 after a case where Next hangs
        got = oracle.lines("cron", inputs[len(res) :], partial_rc=3)
        if not got:
            raise SystemExit("cron: no progress")
        res.extend(got)
        if got[-1]["hung"]:
            sys.stderr.write(f"robfig Next hung: {describe(len(res) - 1)}\n")
    return res


def gen_cron_transitions(oracle, zdir):
    """Cases at every transition Go sees in [1970, 2038) for every canonical zone."""
    rng = random.Random(SEED + 5)
    zones = canonical_zones(zdir)
    found = oracle.lines(
        "transitions",
        [
            {
                "zone": z,
                "from": TRANSITIONS_FROM,
                "to": TRANSITIONS_TO,
                "extra": tzif_transitions(zdir, z),
            }
            for z in zones
        ],
    )
    transitions, cases = [], []
    for zi, (zone, r) in enumerate(zip(zones, found, strict=True)):
        for at, before, after, name_before, name_after, dst_before, dst_after in r["transitions"]:
            ti = len(transitions)
            transitions.append([zi, at, before, after, name_before, name_after, dst_before,
                                dst_after])
            for spec, start, n in transition_cases(rng, at, before, after):
                cases.append((ti, zone, spec, start, n))
    inputs = [{"spec": s, "zone": z, "start": st, "n": n} for _, z, s, st, n in cases]
    res = run_cron(oracle, inputs, lambda i: "{} {} start={}".format(*cases[i][1:4]))
    specs, spec_index, rows = [], {}, []
    for (ti, _zone, spec, start, n), r in zip(cases, res, strict=True):
        if spec not in spec_index:
            spec_index[spec] = len(specs)
            specs.append(spec)
        deltas, prev = [], start
        for unix, _local, _abbr in r["runs"]:
            deltas.append(unix - prev)
            prev = unix
        end = 3 if r.get("parse_error") else 2 if r["hung"] else 1 if r["exhausted"] else 0
        rows.append([ti, spec_index[spec], start - transitions[ti][1], n, deltas, end])
    return zones, transitions, specs, rows


def write_transitions(path, meta, zones, transitions, specs, rows):
    """Like write_json, gzip-compressed with no name or time in the header (reproducible)."""
    import gzip
    import io

    text = io.StringIO()
    text.write('{"meta":' + json.dumps(meta, ensure_ascii=False, sort_keys=True) + ",\n")
    for key, items in (("zones", zones), ("specs", specs), ("transitions", transitions),
                       ("rows", rows)):
        text.write(f'"{key}":[\n')
        text.write(",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":"))
                              for r in items))
        text.write("\n]" + ("}\n" if key == "rows" else ",\n"))
    with open(path, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
    ) as f:
        f.write(text.getvalue().encode("utf-8"))


def transitions_meta(common, zones, transitions, specs, rows):
    return dict(
        common,
        **{
            "what": "robfig/cron v3 from just before every offset, abbreviation or DST-flag "
            "change (Time.ZoneBounds) and every transition listed in the TZif file of every "
            "canonical tzdata zone in [1970, 2038) UTC: "
            's = ParseStandard("CRON_TZ="+zone+" "+spec); t = time.Unix(start, 0); '
            "repeat n times: t = s.Next(t), stop when it returns the zero time",
            "env": {"ZONEINFO": "<tzdata package>/zoneinfo", "TZ": "UTC"},
            "zones": len(zones),
            "transition_count": len(transitions),
            "count": len(rows),
            "runs": sum(len(r[4]) for r in rows),
            "schema": {
                "zones": "canonical zone names (tzdata's zones minus the links of tzdata.zi)",
                "specs": "spec texts, indexed by rows",
                "transitions": "[zone index, unix, offset before, offset after, abbreviation "
                "before, abbreviation after, isDST before, isDST after]",
                "rows": "[transition index, spec index, start - transition unix, n, "
                "runs as differences (first from start, then from the previous run), end: "
                "0 n runs, 1 Next gave the zero time, 2 Next hung (5 s), 3 parse error]",
            },
        },
    )


# ----------------------------------------------------------------------------


def main():
    zdir, iana, tzpkg = tzdata_dir()
    # Python's zoneinfo must read the same files Go gets through ZONEINFO.
    zoneinfo.reset_tzpath(to=[zdir])
    oracle = Oracle(zdir)
    try:
        src = os.environ.get("GO_TIME_TEST") or os.path.join(
            oracle.goroot, "src", "time", "time_test.go"
        )
        tout = run([oracle.bin, "tables", "-src", src], env=oracle.env).decode()
        tables = [json.loads(line) for line in tout.splitlines() if line]
        common = {
            "go_version": oracle.info["go_version"],
            "goos_goarch": oracle.info["goos"] + "/" + oracle.info["goarch"],
            "robfig_cron_version": oracle.robfig_version,
            "tzdata_iana_version": iana,
            "tzdata_python_package_version": tzpkg,
            "generator": "tools/govectors/generate.py + tools/govectors/main.go",
            "seed": SEED,
        }
        os.makedirs(OUT, exist_ok=True)

        if "--transitions-only" not in sys.argv[1:]:
            write_the_rest(oracle, tables, common, zdir)
        zones, transitions, specs, rows = gen_cron_transitions(oracle, zdir)
        write_transitions(
            os.path.join(OUT, TRANSITIONS_FILE),
            transitions_meta(common, zones, transitions, specs, rows),
            zones,
            transitions,
            specs,
            rows,
        )
    finally:
        oracle.close()


def write_the_rest(oracle, tables, common, zdir):
    """durations.json, duration_strings.json, locations.json, cron_runs.json."""
    rows = gen_durations(oracle, tables)
    write_json(
        os.path.join(OUT, "durations.json"),
        dict(
            common,
            **{
                "what": "time.ParseDuration(bytes.fromhex(hex))",
                "go_test_source": f"Go {oracle.info['go_version']} src/time/time_test.go: "
                "parseDurationTests, parseDurationErrorTests, durationTests",
                "count": len(rows),
                "row_schema": {
                    "hex": "str: input bytes, lowercase hex (authoritative)",
                    "text": "str: input decoded as UTF-8, invalid bytes as \\xNN (best effort)",
                    "text_exact": "bool: text is exactly the input (input is valid UTF-8)",
                    "source": "str: go:<table> | edge | corpus | random:soup | random:struct",
                    "ok": "bool: err == nil",
                    "nanoseconds": "int | null: int64 result when ok",
                    "string": "str | null: Duration.String() of the result when ok",
                    "error": "str | null: err.Error() exactly, when not ok",
                },
            },
        ),
        rows,
    )

    rows = gen_duration_strings(oracle, tables)
    write_json(
        os.path.join(OUT, "duration_strings.json"),
        dict(
            common,
            **{
                "what": "time.Duration(nanoseconds).String()",
                "count": len(rows),
                "row_schema": {
                    "nanoseconds": "int: int64 input",
                    "string": "str: Duration.String()",
                    "source": "str: go:durationTests[:neg] | edge | pow10 | units | "
                    "random:magnitude | random:hms",
                },
            },
        ),
        rows,
    )

    rows = gen_locations(oracle, zdir)
    write_json(
        os.path.join(OUT, "locations.json"),
        dict(
            common,
            **{
                "what": "time.LoadLocation(name) with ZONEINFO=<python tzdata>/zoneinfo, "
                "TZ=UTC, and the system zoneinfo directories present (Go falls back to them)",
                "env": {"ZONEINFO": "<tzdata package>/zoneinfo", "TZ": "UTC"},
                "count": len(rows),
                "row_schema": {
                    "name": "str: the name (all names are valid UTF-8)",
                    "hex": "str: name bytes as hex",
                    "source": "str: zones (tzdata's zones file) | tricky",
                    "ok": "bool: err == nil",
                    "string": "str | null: Location.String() when ok",
                    "error": "str | null: err.Error() when not ok",
                    "zoneinfo_dir": "str: the ZONEINFO folder alone: file | malformed | dir | "
                    "absent | skipped "
                    "(skipped: LoadLocation answers before reading any directory)",
                },
            },
        ),
        rows,
    )

    rows, nstarts, nspecs = gen_cron(oracle)
    write_json(
        os.path.join(OUT, "cron_runs.json"),
        dict(
            common,
            **{
                "what": 'robfig/cron v3: s = ParseStandard("CRON_TZ="+zone+" "+spec); '
                "t = time.Unix(start_unix, 0); "
                "repeat n times: t = s.Next(t), stop when it returns the zero time",
                "env": {"ZONEINFO": "<tzdata package>/zoneinfo", "TZ": "UTC"},
                "count": len(rows),
                "start_points": nstarts,
                "random_specs": nspecs,
                "row_schema": {
                    "spec": "str: 5-field spec",
                    "zone": "str: IANA zone",
                    "start_unix": "int",
                    "start": "str: start as RFC3339 in zone",
                    "n": "int: runs asked for",
                    "label": "str: why this case exists",
                    "parse_error": "str | null: ParseStandard error (then runs is empty)",
                    "runs": "list of [unix:int, local RFC3339:str, zone abbreviation:str]",
                    "exhausted": "bool: Next returned the zero time (robfig gives up after "
                    "5 years) after len(runs) runs",
                    "hung": "bool: the next Next call did not return within 5 s (robfig loops "
                    "forever); runs stop there",
                },
            },
        ),
        rows,
    )


if __name__ == "__main__":
    main()
