"""IANA zone names: validate against the bundled ``tzdata`` package, resolve aliases, load.

The ``tzdata`` package is the source of truth, not the machine's ``/usr/share/zoneinfo``, so
that a name gets the same verdict on every machine.  Names are checked against the package's
list of keys; nothing here opens a file named by the user.
"""

from __future__ import annotations

import io
import os
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from schedulelib.core.diagnostics import quote

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


class _Index:
    __slots__ = ("keys", "located")  # a plain class: defined on every start (D55)

    def __init__(self, keys: frozenset[str], located: frozenset[str]) -> None:
        self.keys = keys
        self.located = located  # names in zone.tab: a country's own name for a place


@cache
def _tzdata_dir() -> str | None:
    """The folder of the installed ``tzdata`` package, or None when it is not a folder (a zip).

    Reading its files with open() gives the same bytes as ``importlib.resources`` does, without
    importing that (4 ms and tempfile, shutil, bz2, lzma and zipfile with it) on every start.
    """
    import tzdata

    locations = tzdata.__spec__.submodule_search_locations if tzdata.__spec__ else None
    for folder in locations or ():
        if os.path.isfile(os.path.join(folder, "zones")):
            return str(folder)
    return None


def tzdata_bytes(*parts: str) -> bytes:
    """The bytes of a file of the ``tzdata`` package (``"zoneinfo", "Europe", "Berlin"``).

    Only the package's own files are asked for: ``parts`` are fixed names or keys from its
    list, never a user's text.
    """
    folder = _tzdata_dir()
    if folder is not None:
        with open(os.path.join(folder, *parts), "rb") as handle:
            return handle.read()
    from importlib import resources  # an installation zipped up: the general way

    return resources.files("tzdata").joinpath(*parts).read_bytes()




@lru_cache(maxsize=1)
def _index() -> _Index:
    keys = frozenset(tzdata_bytes("zones").decode("utf-8").split())
    located = set()
    for line in tzdata_bytes("zoneinfo", "zone.tab").decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            located.add(line.split("\t")[2])
    return _Index(keys, frozenset(located))


@cache
def _by_lower() -> dict[str, str]:
    """Each key by its lower-case spelling: for the hint of a name written in the wrong case."""
    return {k.lower(): k for k in _index().keys}


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    """alias -> target, from the "L" lines of tzdata.zi (100 KB: read only when a name is not
    in zone.tab, which is what most schedules name)."""
    zi = tzdata_bytes("zoneinfo", "tzdata.zi").decode("utf-8")
    links = re.findall(r"^L (\S+) (\S+)$", zi, re.MULTILINE)  # "L TARGET ALIAS"
    return {alias: target for target, alias in links}


def tzdata_version() -> str:
    """The IANA release of the bundled zone data (e.g. ``2025b``)."""
    import tzdata

    return str(tzdata.IANA_VERSION)


def available_zones() -> frozenset[str]:
    """Every zone key schedulelib accepts (canonical zones and their aliases)."""
    return _index().keys


def canonical(name: str) -> str:
    """The zone an alias links to (following chains); a canonical name maps to itself."""
    links = _links()
    seen = 0
    while name in links and seen < 8:
        name = links[name]
        seen += 1
    return name


class ZoneProblem:
    """One problem of a zone name (a plain class: defined on every start, D55)."""

    __slots__ = ("code", "hint", "message")

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        self.code, self.message, self.hint = code, message, hint


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
        right_case = _by_lower().get(name.lower())
        if right_case is not None:
            hint = f"zone names are case-sensitive: did you mean {right_case!r}?"
        else:
            import difflib  # only for a misspelt name: a valid one never needs it

            close = difflib.get_close_matches(name, index.keys, n=1, cutoff=0.75)
            hint = (f"did you mean {close[0]!r}?" if close
                    else 'use an IANA name such as "America/New_York" or "UTC"')
        return [ZoneProblem("SL503", f"timezone {quote(name)} is not an IANA time zone", hint)]
    if name not in index.located and name in _links():
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
    from zoneinfo import ZoneInfo

    return ZoneInfo.from_file(io.BytesIO(tzdata_bytes("zoneinfo", *name.split("/"))), key=name)
