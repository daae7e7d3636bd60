"""IANA zone names against the bundled tzdata."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedulelib.core.zones import available_zones, canonical, load, tzdata_version, zone_problems

NAMES = [
    ("America/New_York", []),
    ("UTC", []),  # Go's own name, never a warning
    ("Etc/UTC", []),
    ("Europe/Amsterdam", []),  # a link since 2022, but zone.tab's name for the Netherlands
    ("Asia/Kathmandu", []),
    ("US/Eastern", ["SL504"]),
    ("Asia/Calcutta", ["SL504"]),
    ("Europe/Kiev", ["SL504"]),
    ("", ["SL502"]),
    ("Local", ["SL502"]),
    ("local", ["SL503"]),  # only the exact "Local" is Go's special name
    ("utc", ["SL503"]),
    ("america/new_york", ["SL503"]),
    ("America/New_York/", ["SL503"]),
    ("America", ["SL503"]),  # a directory, not a zone
    ("zone.tab", ["SL503"]),
    ("+05:00", ["SL503"]),
    ("America/New_York\x00", ["SL503"]),
    (" UTC", ["SL503"]),
    ("../etc/passwd", ["SL505"]),
    ("a..b", ["SL505"]),
    ("/etc/localtime", ["SL505"]),
    ("\\foo", ["SL505"]),
]


@pytest.mark.parametrize(("name", "codes"), NAMES, ids=[repr(n[0]) for n in NAMES])
def test_zone_names(name: str, codes: list[str]) -> None:
    """Exact-case IANA keys pass; Go's special names, unknown names and paths do not."""
    assert [p.code for p in zone_problems(name)] == codes


def test_aliases_resolve_to_their_zone() -> None:
    """An alias names its canonical zone."""
    assert canonical("US/Eastern") == "America/New_York"
    assert canonical("Europe/Berlin") == "Europe/Berlin"


def test_every_bundled_key_is_accepted_and_loads() -> None:
    """All keys of the bundled tzdata pass (perhaps with an alias warning) and load."""
    for name in sorted(available_zones()):
        assert {p.code for p in zone_problems(name)} <= {"SL504"}, name
        assert load(name).key == name


def test_load_uses_the_bundled_data() -> None:
    """Zones load from the tzdata package, whatever the machine has."""
    berlin = load("Europe/Berlin")
    assert datetime(2026, 7, 1, tzinfo=berlin).utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    assert tzdata_version()[:2] == "20"
    with pytest.raises(KeyError):
        load("Mars/Olympus")


@given(st.text(max_size=30))
def test_any_text_gets_a_verdict_without_touching_files(name: str) -> None:
    """Any string gets a list of problems; nothing raises."""
    for problem in zone_problems(name):
        assert problem.code.startswith("SL50") and repr(name) in problem.message


def test_utc_offsets_match_go_for_a_fixed_instant() -> None:
    """A sanity anchor: Kathmandu is +05:45."""
    now = datetime(2026, 1, 1, tzinfo=UTC).astimezone(load("Asia/Kathmandu"))
    assert now.utcoffset().total_seconds() == 5 * 3600 + 45 * 60  # type: ignore[union-attr]


# -- Go's time.LoadLocation, from vectors generated with Go (ZONEINFO = the bundled tzdata) ----

# Where schedulelib deliberately says no although Go loads the name (docs/decisions.md, D6).
STRICTER_THAN_GO = {
    "": "Go reads it as UTC",
    "Local": "Go reads it as the server's zone",
    "./America/New_York": "a file path, loaded only because Go joins it to a directory",
    "America/./New_York": "likewise",
    "America//New_York": "likewise",
    "posixrules": "a file of the machine's zoneinfo directory, not an IANA key",
    "localtime": "Debian's symlink to the machine's own zone",
    "posix/America/New_York": "a Debian directory layout, absent from tzdata",
    "right/America/New_York": "likewise, with leap seconds",
}


def test_zone_verdicts_match_go_load_location() -> None:
    """Every name Go rejects is rejected; every name Go loads is accepted, bar the list above."""
    import json

    from .conftest import DATA

    rows = json.loads((DATA / "go" / "locations.json").read_text("utf-8"))["rows"]
    assert len(rows) >= 600
    differ = []
    for row in rows:
        name = bytes.fromhex(row["hex"]).decode("utf-8")
        rejected = any(p.code != "SL504" for p in zone_problems(name))
        if rejected == (not row["ok"]):
            continue
        if row["ok"] and name in STRICTER_THAN_GO:
            continue
        differ.append((name, row))
    assert not differ


# -- reading the tzdata package without importlib.resources ----------------------------------


def _resource_bytes(*parts: str) -> bytes:
    from importlib import resources

    return resources.files("tzdata").joinpath(*parts).read_bytes()


def test_tzdata_files_read_the_same_bytes_as_importlib_resources() -> None:
    """The package's folder, opened directly, gives the bytes importlib.resources gives."""
    from schedulelib.core.zones import tzdata_bytes

    names = [("zones",), ("zoneinfo", "tzdata.zi"), ("zoneinfo", "zone.tab")]
    names += [("zoneinfo", *key.split("/")) for key in sorted(available_zones())]
    for parts in names:
        assert tzdata_bytes(*parts) == _resource_bytes(*parts), parts


def test_tzdata_outside_a_folder_is_read_through_importlib_resources(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When tzdata is no folder (a zipped installation), the same bytes come the general way."""
    from schedulelib.core import zones

    monkeypatch.setattr(zones, "_tzdata_dir", lambda: None)
    for parts in [("zones",), ("zoneinfo", "Europe", "Berlin"), ("zoneinfo", "UTC")]:
        assert zones.tzdata_bytes(*parts) == _resource_bytes(*parts)
    zones.load.cache_clear()
    try:
        berlin = zones.load("Europe/Berlin")
    finally:
        zones.load.cache_clear()
    from zoneinfo import ZoneInfo

    with io.BytesIO(_resource_bytes("zoneinfo", "Europe", "Berlin")) as handle:
        oracle = ZoneInfo.from_file(handle, key="Europe/Berlin")
    # Around the 2026 transitions (29 March 01:00 UTC, 25 October 01:00 UTC) and far out.
    for moment in [datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0),
                   datetime(2026, 10, 25, 0, 59), datetime(2026, 10, 25, 1, 0),
                   datetime(1900, 1, 1), datetime(2400, 7, 1)]:
        instant = moment.replace(tzinfo=UTC)
        assert instant.astimezone(berlin).utcoffset() == instant.astimezone(oracle).utcoffset()


def test_links_are_every_link_line_of_tzdata_zi() -> None:
    """The alias table is every "L TARGET ALIAS" line of tzdata.zi, read by splitting lines."""
    from schedulelib.core.zones import _links

    expected = {}
    for line in _resource_bytes("zoneinfo", "tzdata.zi").decode().splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            expected[alias] = target
    assert expected and _links() == expected


def test_alias_warning_for_every_key_follows_tzdata_zi_and_zone_tab() -> None:
    """SL504 exactly for the keys that tzdata.zi links and zone.tab does not list (but "UTC",
    Go's own name)."""
    zi = _resource_bytes("zoneinfo", "tzdata.zi").decode()
    aliases = {line.split()[2] for line in zi.splitlines() if line.startswith("L ")}
    tab = _resource_bytes("zoneinfo", "zone.tab").decode()
    listed = {line.split("\t")[2] for line in tab.splitlines() if line and line[0] != "#"}
    for name in sorted(available_zones()):
        alias = name in aliases and name not in listed and name != "UTC"
        expected = ["SL504"] if alias else []
        assert [p.code for p in zone_problems(name)] == expected, name
