"""Calendar speed: a month view of 50 schedules, and the .ics export of 100,000 events.

Issue 5 asks that ``schedulelib calendar --month`` of 50 schedules (some ``*/15``) render in at
most 1 second, whole process (interpreter start and imports included).  The figure is the
median of several runs, printed beside a bare ``python -c pass`` so the share of the
interpreter's own start is visible.

Issue 10 asks that the ``.ics`` export of 100,000 events take at most 3 seconds and 200 MB.
Measured two ways: the whole process (``calendar --month --ics FILE`` of 34 ``*/15`` schedules,
101,184 events; wall time and peak resident memory), and per event, in one process, the
streaming writer against its peer, the same events built as ``icalendar`` objects (what the
export did before; timed on a sample, as it costs ~190 us an event).
Run: python benchmarks/bench_calendar.py
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET = 1.0
ICS_SECONDS = 3.0
ICS_MEGABYTES = 200.0
ICS_SCHEDULES = 34  # x 2,976 quarter hours in March = 101,184 events
ZONES = ["America/New_York", "Europe/Berlin", "America/Chicago", "Asia/Kolkata", "UTC"]


def schedules() -> list[dict[str, object]]:
    """50 subscriptions: 10 every 15 minutes, 20 hourly or daily crons, 10 specific_days,
    10 periodic; zones with and without DST."""
    out: list[dict[str, object]] = []
    for i in range(50):
        zone = ZONES[i % len(ZONES)]
        if i < 10:
            config: dict[str, object] = {"spec": "*/15 * * * *", "timezone": zone}
            strategy = "cron"
        elif i < 30:
            config = {"spec": f"{i % 60} {'*' if i % 2 else i % 24} * * *", "timezone": zone}
            strategy = "cron"
        elif i < 40:
            config = {"days": [1, 2, 3, 4, 5], "hours": [i % 24, (i + 6) % 24],
                      "timezone": zone}
            strategy = "specific_days"
        else:
            config = {"interval": f"{15 + 5 * (i - 40)}m"}
            strategy = "periodic"
        out.append({"name": f"subscription {i:02d}",
                    "reverseETLSchedule": {"strategy": strategy, "config": config}})
    return out


def command() -> list[str]:
    """The command line; the ``schedulelib`` group once it registers ``calendar``."""
    code = ("import sys\n"
            "try:\n"
            "    from schedulelib.cli.main import main\n"
            "    assert 'calendar' in main.commands\n"
            "    main(['calendar', *sys.argv[1:]])\n"
            "except (ImportError, AssertionError, AttributeError):\n"
            "    from schedulelib.cli.calendar import calendar_command\n"
            "    calendar_command(sys.argv[1:])\n")
    return [sys.executable, "-c", code]


def timed(args: list[str], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def quarter_hourly(count: int) -> list[dict[str, object]]:
    return [{"name": f"subscription {i:02d}", "reverseETLSchedule": {
        "strategy": "cron", "config": {"spec": "*/15 * * * *", "timezone": "Europe/Berlin"}}}
        for i in range(count)]


class _Sink:
    def write(self, data: bytes) -> int:
        return len(data)


def _icalendar_export(cal: object, limit: int) -> int:
    """The peer: each event built as an ``icalendar`` object, then serialised."""
    import icalendar

    from schedulelib.preview.ics import exact, run_uid
    from schedulelib.preview.model import Calendar

    assert isinstance(cal, Calendar)
    out = icalendar.Calendar()
    out.add("prodid", "-//peer//EN")
    out.add("version", "2.0")
    done = 0
    for track in cal.tracks:
        for run in track.runs:
            if done == limit:
                return len(out.to_ical())
            event = icalendar.Event()
            event.add("uid", run_uid(track, run))
            event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
            event.add("dtstart", run.astimezone(UTC).replace(microsecond=0))
            event.add("summary", f"Sync: {track.name}")
            event.add("description", f"{track.description}\nRuns at {exact(run)}.")
            event.add("transp", "TRANSPARENT")
            out.add_component(event)
            done += 1
    return len(out.to_ical())


def ics_per_event() -> None:
    """Seconds per event: the streaming writer (all events) and the icalendar peer (a sample)."""
    from schedulelib.core.schedule import load
    from schedulelib.core.zones import load as load_zone
    from schedulelib.preview.ics import write_ics
    from schedulelib.preview.model import build, window

    entries = [(str(d["name"]), load(d["reverseETLSchedule"]))  # type: ignore[arg-type]
               for d in quarter_hourly(ICS_SCHEDULES)]
    cal = build(entries, window("month", date(2026, 3, 1), load_zone("Europe/Berlin"),
                                "Europe/Berlin"))
    start = time.perf_counter()
    write_ics(cal, _Sink())
    ours = (time.perf_counter() - start) / cal.total
    sample = 3000
    start = time.perf_counter()
    _icalendar_export(cal, sample)
    peer = (time.perf_counter() - start) / sample
    print(f"  .ics per event: streaming {ours * 1e6:7.1f} us ({cal.total:,} events)   "
          f"icalendar objects {peer * 1e6:7.1f} us ({sample:,} events)   "
          f"{peer / ours:5.1f}x faster")


def ics_process(tmp: Path) -> bool:
    """The whole ``calendar --month --ics FILE`` process: wall time and peak memory."""
    path = tmp / "quarter.json"
    path.write_text(json.dumps({"subscriptions": quarter_hourly(ICS_SCHEDULES)}), "utf-8")
    args = [*command(), str(path), "--month", "--start", "2026-03-01", "--ics",
            str(tmp / "out.ics")]
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    seconds = time.perf_counter() - start
    # ru_maxrss of the children: the largest, and this child is far larger than `python -c`.
    megabytes = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    events = (tmp / "out.ics").read_bytes().count(b"BEGIN:VEVENT")
    print(f"  calendar --month --ics, {events:,} events: {seconds:6.2f} s "
          f"({seconds / ICS_SECONDS:.0%} of {ICS_SECONDS:.0f} s), peak {megabytes:6.1f} MB "
          f"({megabytes / ICS_MEGABYTES:.0%} of {ICS_MEGABYTES:.0f} MB)")
    return seconds <= ICS_SECONDS and megabytes <= ICS_MEGABYTES


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        ics_ok = ics_process(Path(tmp))
    ics_per_event()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "subscriptions.json"
        path.write_text(json.dumps({"subscriptions": schedules()}), "utf-8")
        args = [*command(), str(path), "--month", "--start", "2026-03-01",
                "--tz", "Europe/Berlin"]
        out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout
        print(out.splitlines()[0])
        bare = timed([sys.executable, "-c", "pass"])
        month = timed(args)
    print(f"  python -c pass                  {bare:6.3f} s")
    print(f"  calendar --month, 50 schedules  {month:6.3f} s   ({month / BUDGET:.0%} of the "
          f"{BUDGET:.0f} s budget)")
    return 0 if month <= BUDGET and ics_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
