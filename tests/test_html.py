"""HTML page: self-contained, safe with any schedule name, and drawn by a real browser.

The browser test opens the page in headless Chromium (Debian's ``chromium``; ``.ci/system-deps``
installs it) and counts the run dots in the DOM *after* the page's script ran: the page as
written holds none, so the count proves the script drew one per run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from schedulelib.core.cron import parse_cron
from schedulelib.core.duration import parse_duration
from schedulelib.core.schedule import Cron, Manual, Periodic, Schedule, SpecificDays
from schedulelib.core.zones import load
from schedulelib.preview.html import RUN_CLASS, page_data, to_html
from schedulelib.preview.model import Calendar, build, window

ENTRIES: list[tuple[str, Schedule]] = [
    ("nightly", Cron(parse_cron("30 2 * * *"), "Europe/Berlin")),
    ("quarter", Cron(parse_cron("*/15 9-10 * * 1-5"), "America/New_York")),
    ("identify", SpecificDays((1, 3), (8, 17), "America/Chicago")),
    ("every 5h30m", Periodic(parse_duration("5h30m"), "5h30m")),
    ("backfill", Manual()),
]
GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
RUN_TAG = re.compile(rf'<i class="{RUN_CLASS}"')


def _calendar(view: str = "week", start: date = date(2026, 3, 26)) -> Calendar:
    return build(ENTRIES, window(view, start, load("Europe/Berlin"), "Europe/Berlin"))  # type: ignore[arg-type]


def _embedded(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="schedulelib-data">(.*?)</script>',
                      page, re.S)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


# -- the page as written ------------------------------------------------------------------------


def test_page_is_self_contained() -> None:
    """No URL, no external script, style, font or image; a CSP forbids loading anything."""
    page = to_html(_calendar(), generated=GENERATED)
    assert not re.search(r"https?:|//[a-z]|\bsrc=|<link|@import|url\(", page)
    assert "default-src 'none'" in page
    assert not RUN_TAG.search(page)  # the runs are drawn by the script, not written


def test_embedded_data_holds_every_run() -> None:
    """The JSON holds one row per run with its exact instant, and the DST day's note."""
    cal = _calendar()
    data = _embedded(to_html(cal, generated=GENERATED))
    runs = data["runs"]
    assert isinstance(runs, list) and len(runs) == cal.total
    exact = sorted(r[4] for r in runs)
    assert "2026-03-27 02:30:00 CET = 2026-03-27 01:30:00 UTC" in exact
    days = data["days"]
    assert isinstance(days, list)
    assert [d["iso"] for d in days if d["notes"]] == ["2026-03-29"]


def test_names_cannot_break_out_of_the_script() -> None:
    """A schedule named like markup stays data: no '</script>' or '<!--' inside the JSON."""
    name = "</script><script>alert(1)</script><!-- & more"
    cal = build([(name, Cron(parse_cron("0 9 * * *"), "UTC"))],
                window("week", date(2026, 3, 2), UTC, "UTC"))
    page = to_html(cal, generated=GENERATED)
    assert page.count("</script>") == 2
    assert "<!--" not in page
    tracks = _embedded(page)["tracks"]
    assert isinstance(tracks, list) and tracks[0]["name"] == name


# -- the page in a browser ----------------------------------------------------------------------


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI is set but chromium is missing: .ci/system-deps should install it")
        pytest.skip("chromium is not installed (apt-get install chromium); CI always runs this")
    return path


def _run_chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             "--disable-dev-shm-usage", f"--user-data-dir={profile}"]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True,
                          timeout=90, check=False)


@pytest.mark.parametrize("view", ["week", "month"])
def test_chromium_draws_one_dot_per_run(view: str, tmp_path: Path) -> None:
    """Headless Chromium runs the page's script: the rendered DOM has one dot per run()."""
    browser = _chromium()
    cal = _calendar(view)
    page = tmp_path / "calendar.html"
    page.write_text(to_html(cal, generated=GENERATED), "utf-8")
    done = _run_chromium(browser, tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert len(RUN_TAG.findall(dom)) == cal.total > 0
    assert f'data-drawn="{cal.total}"' in dom
    # Every dot carries its exact instant as the tooltip.
    assert "2026-03-27 02:30:00 CET = 2026-03-27 01:30:00 UTC" in dom
    if view == "week":
        shot = tmp_path / "week.png"
        done = _run_chromium(browser, tmp_path / "profile-shot", "--window-size=1100,900",
                             "--hide-scrollbars", f"--screenshot={shot}", page.as_uri())
        assert done.returncode == 0, done.stderr[-2000:]
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 20_000  # a drawn grid, not a blank page


def test_page_data_is_json_ready() -> None:
    """page_data is plain JSON: it survives a round trip unchanged."""
    data = page_data(_calendar("month"))
    assert json.loads(json.dumps(data)) == data


# -- busy spans ---------------------------------------------------------------------------------

DURATIONS = {"nightly": timedelta(hours=2), "quarter": timedelta(minutes=15),
             "every 5h30m": timedelta(hours=6)}
SPAN_TAG = re.compile(r'<i class="span"')


def _busy_calendar(view: str = "week") -> Calendar:
    return build(ENTRIES, window(view, date(2026, 3, 26), load("Europe/Berlin"),  # type: ignore[arg-type]
                                 "Europe/Berlin"), durations=DURATIONS)


def test_page_data_carries_the_load() -> None:
    """With durations the data holds per-cell peaks, per-track busy cells and overlap flags."""
    cal = _busy_calendar()
    data = page_data(cal)
    assert cal.load is not None and data["load"] is not None
    assert data["load"]["peak"] == cal.load.peak
    assert [len(b) for b in data["load"]["busy"]] == [len(b) for b in cal.load.busy]
    overlapping = [r for r in data["runs"] if r[5]]
    # Every 5h30m busy for 6h: each of its runs starts while the previous is busy.
    assert overlapping and {data["tracks"][r[0]]["name"] for r in overlapping} == {"every 5h30m"}
    assert any("every 5h30m overlaps itself" in line for line in data["load"]["lines"])
    assert page_data(_calendar())["load"] is None


@pytest.mark.parametrize("name", ["\ud800", "a\u2028b\u2029c", "\x00\x1b[2J"],
                         ids=["lone-surrogate", "line-separators", "controls"])
def test_odd_names_still_make_a_utf8_page(name: str) -> None:
    """A name UTF-8 cannot hold (a lone surrogate) or JS once choked on stays escaped JSON."""
    cal = build([(name, Cron(parse_cron("0 9 * * *"), "UTC"))],
                window("week", date(2026, 3, 2), UTC, "UTC"))
    page = to_html(cal, generated=GENERATED)
    page.encode("utf-8")
    assert "\u2028" not in page and "\u2029" not in page
    tracks = _embedded(page)["tracks"]
    assert isinstance(tracks, list) and tracks[0]["name"] == name


def test_chromium_draws_the_busy_spans(tmp_path: Path) -> None:
    """Headless Chromium draws one bar per (schedule, busy hour), and one dot per run."""
    browser = _chromium()
    cal = _busy_calendar()
    assert cal.load is not None
    page = tmp_path / "busy.html"
    page.write_text(to_html(cal, generated=GENERATED), "utf-8")
    done = _run_chromium(browser, tmp_path / "profile-busy", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(SPAN_TAG.findall(done.stdout)) == sum(len(b) for b in cal.load.busy) > 0
    dots = re.findall(rf'<i class="{RUN_CLASS}( overlap)?"', done.stdout)
    assert len(dots) == cal.total and f'data-drawn="{cal.total}"' in done.stdout
    assert dots.count(" overlap") == sum(o.overlaps for o in cal.load.selves) > 0
    assert "every 5h30m overlaps itself" in done.stdout
