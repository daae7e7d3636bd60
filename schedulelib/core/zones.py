"""IANA zone names: validate against the bundled ``tzdata`` package, resolve aliases, load.

The ``tzdata`` package is the source of truth, not the machine's ``/usr/share/zoneinfo``, so
that a name gets the same verdict on every machine.  Names are checked against the package's
list of keys; nothing here opens a file named by the user.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from schedulelib.core.diagnostics import quote


@dataclass(frozen=True, slots=True)
class _Index:
    keys: frozenset[str]
    links: dict[str, str]  # alias -> target, from tzdata.zi "L" lines
    located: frozenset[str]  # names in zone.tab: a country's own name for a place
    by_lower: dict[str, str]


@lru_cache(maxsize=1)
def _index() -> _Index:
    root = resources.files("tzdata")
    keys = frozenset(root.joinpath("zones").read_text("utf-8").split())
    links: dict[str, str] = {}
    zi = root.joinpath("zoneinfo", "tzdata.zi").read_text("utf-8")
    for line in zi.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    located = set()
    for line in root.joinpath("zoneinfo", "zone.tab").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            located.add(line.split("\t")[2])
    return _Index(keys, links, frozenset(located), {k.lower(): k for k in keys})


def tzdata_version() -> str:
    """The IANA release of the bundled zone data (e.g. ``2025b``)."""
    import tzdata

    return str(tzdata.IANA_VERSION)


def available_zones() -> frozenset[str]:
    """Every zone key schedulelib accepts (canonical zones and their aliases)."""
    return _index().keys


def canonical(name: str) -> str:
    """The zone an alias links to (following chains); a canonical name maps to itself."""
    links = _index().links
    seen = 0
    while name in links and seen < 8:
        name = links[name]
        seen += 1
    return name


@dataclass(frozen=True, slots=True)
class ZoneProblem:
    code: str
    message: str
    hint: str = ""


def zone_problems(name: str) -> list[ZoneProblem]:
    """What is wrong with ``name`` as a Segment ``timezone`` (empty when it is fine).

    Go's ``time.LoadLocation`` reads "" as UTC and "Local" as the server's zone; both are
    errors here.  "UTC" is Go's own name and always fine.  A link (alias) is fine when
    zone.tab lists it as a place's own name (Europe/Amsterdam) and a warning otherwise
    (US/Eastern).
    """
    if name in ("", "Local"):
        what = "empty" if name == "" else '"Local"'
        return [ZoneProblem(
            "SL502",
            f"timezone {quote(name)} is {what}: Go reads it as "
            + ("UTC" if name == "" else "the server's own zone"),
            'name the zone you mean, e.g. "UTC" or "America/New_York"',
        )]
    if ".." in name or name[0] in "/\\":
        return [ZoneProblem(
            "SL505",
            f"timezone {quote(name)} is shaped like a file path",
            'use an IANA zone name such as "Europe/Berlin"',
        )]
    index = _index()
    if name == "UTC":
        return []
    if name not in index.keys:
        right_case = index.by_lower.get(name.lower())
        if right_case is not None:
            hint = f"zone names are case-sensitive: did you mean {right_case!r}?"
        else:
            close = difflib.get_close_matches(name, index.keys, n=1, cutoff=0.75)
            hint = (f"did you mean {close[0]!r}?" if close
                    else 'use an IANA name such as "America/New_York" or "UTC"')
        return [ZoneProblem("SL503", f"timezone {quote(name)} is not an IANA time zone", hint)]
    if name in index.links and name not in index.located:
        target = canonical(name)
        return [ZoneProblem(
            "SL504",
            f"timezone {quote(name)} is a backward-compatible alias of {target!r}",
            f"use {target!r}",
        )]
    return []


@cache
def load(name: str) -> ZoneInfo:
    """The zone from the bundled tzdata package (never the machine's own zone files)."""
    if name not in _index().keys:
        raise KeyError(name)
    path = resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))
    with path.open("rb") as handle:
        return ZoneInfo.from_file(handle, key=name)
