"""IANA zone names against the bundled tzdata."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedulelib.zones import available_zones, canonical, load, tzdata_version, zone_problems

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
