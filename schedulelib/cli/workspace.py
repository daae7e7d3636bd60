"""The ``pull`` and ``audit`` commands: thin.  The work is in pull.py, snapshot.py, audit.py.

Loaded on first use (cli.py's lazy group): validate never imports the HTTP client.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from typing import Any

import click

from schedulelib._support.text import shown
from schedulelib.cli._common import EXIT_FINDINGS, EXIT_OK, CommandError, DstChoice

_DAYS = re.compile(r"(\d{1,5})d\Z", re.ASCII)


def parse_span(text: str, option: str) -> timedelta:
    """``14d`` (days) or a Go duration (``36h``, ``90m``), positive."""
    m = _DAYS.match(text.strip())
    if m:
        span = timedelta(days=int(m.group(1)))
    else:
        from schedulelib.core.diagnostics import ScheduleError
        from schedulelib.core.duration import parse_duration

        try:
            span = parse_duration(text.strip()).to_timedelta()
        except ScheduleError as exc:
            raise CommandError(f"{option} {text[:60]!r}: {exc} (write e.g. 14d, 36h or 5m)") \
                from None
    if span < timedelta(0):
        raise CommandError(f"{option} {text[:60]!r} must not be negative")
    return span


@click.command("pull")
@click.option("-o", "--output", "output", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, writable=True),
              help="Write the snapshot here (written beside, then renamed: never half written).")
@click.option("--history", metavar="SPAN",
              help="Also read each subscription's sync statuses back this far (e.g. 14d).")
@click.option("--api-url", default="https://api.segmentapis.com", show_default=True,
              metavar="URL", help="Base URL (regional workspaces: https://eu1.api.segmentapis.com)."
              " https only; plain http only to localhost, 127.0.0.1, ::1.")
@click.option("--token-env", default="SEGMENT_PUBLIC_API_TOKEN", show_default=True,
              metavar="NAME", help="The environment variable holding the Public API token.")
@click.option("--max-wait", default="5m", show_default=True, metavar="SPAN",
              help="The longest the whole pull waits on rate limits and retries.")
@click.option("--deadline", default="30m", show_default=True, metavar="SPAN",
              help="The longest the whole pull may take (each response: at most 60 s).")
def pull_command(output: str, history: str | None, api_url: str, token_env: str,
                 max_wait: str, deadline: str) -> None:
    """Read a workspace (read only) into a snapshot file for validate, calendar and audit.

    The token is read from an environment variable only and is never written anywhere.
    """
    from schedulelib.workspace.pull import PullError, PullStats, check_api_url, pull, token_from_env
    from schedulelib.workspace.snapshot import write_snapshot

    span = parse_span(history, "--history") if history is not None else None
    if span is not None and span <= timedelta(0):
        raise CommandError("--history must be longer than zero")
    wait = parse_span(max_wait, "--max-wait").total_seconds()
    limit = parse_span(deadline, "--deadline").total_seconds()
    if not 0 < limit < 1e9:
        raise CommandError(f"--deadline {deadline[:60]!r} must be longer than zero")
    stats = PullStats()
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="sync history", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        base = check_api_url(api_url)
        token = token_from_env(token_env)
        snapshot = pull(token, api_url=base, history=span, max_wait=wait, stats=stats,
                        deadline=limit,
                        progress=progress if sys.stderr.isatty() else None)
    except PullError as exc:
        raise CommandError(shown(str(exc))) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    try:
        write_snapshot(snapshot, output)
    except OSError as exc:
        raise CommandError(f"cannot write {shown(output)}: {exc.strerror or exc}") from None
    for line in stats.cut:
        click.echo(f"Warning: {shown(line)}", err=True)
    subs = list(snapshot.subscriptions())
    syncs = sum(len(s.syncs) for s in subs)
    note = f", {stats.skipped_syncs} unreadable sync statuses left out" \
        if stats.skipped_syncs else ""
    if stats.duplicate_syncs:
        note += f", {stats.duplicate_syncs} sync statuses sent twice kept once"
    click.echo(f"wrote {shown(output)}: {len(snapshot.destinations)} destinations, {len(subs)} "
               f"Reverse ETL subscriptions, {len(snapshot.models)} models, {syncs} syncs "
               f"({stats.requests} requests, {stats.retries} retried{note})", err=True)


@click.command("audit")
@click.argument("snapshot_path", metavar="SNAPSHOT", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for tools.")
@click.option("--dst", default="go", show_default=True, type=DstChoice(),
              help="The DST policy of the expected runs (docs/dst.md).")
@click.option("--tolerance", default="5m", show_default=True, metavar="SPAN",
              help="A run that starts later than this after its scheduled time is late.")
@click.option("--early", default="1m", show_default=True, metavar="SPAN",
              help="A start this much before the scheduled time still counts for it.")
@click.option("--max-failure-rate", default=0.05, show_default=True,
              type=click.FloatRange(0.0, 1.0), metavar="RATE",
              help="Exit 1 when a subscription's share of failed syncs is above this.")
@click.pass_context
def audit_command(ctx: click.Context, snapshot_path: str, fmt: str, dst: str, tolerance: str,
                  early: str, max_failure_rate: float) -> None:
    """Compare each subscription's sync history in SNAPSHOT with its schedule.

    Exit 1 when any subscription missed a run or fails more often than --max-failure-rate.
    """
    import json

    from schedulelib._support.text import printable, writable
    from schedulelib.core.diagnostics import ScheduleError
    from schedulelib.workspace.audit import audit, format_text
    from schedulelib.workspace.snapshot import read_snapshot

    tol, ahead = parse_span(tolerance, "--tolerance"), parse_span(early, "--early")
    try:
        snapshot = read_snapshot(snapshot_path)
        report = audit(snapshot, dst=dst, tolerance=tol, early=ahead,
                       max_failure_rate=max_failure_rate)
    except ScheduleError as exc:
        code = exc.diagnostics[0].code + ": " if exc.diagnostics else ""
        raise CommandError(f"{code}{exc}") from None
    if fmt == "json":
        click.echo(writable(json.dumps(report.to_dict(), indent=2, ensure_ascii=False),
                            json=True))
    else:
        # Names and error texts come from the workspace: no escape sequence reaches the
        # terminal, and no lone surrogate (a JSON "\ud800") reaches the UTF-8 encoder.
        click.echo("\n".join(printable(line) for line in format_text(report).split("\n")),
                   nl=False)
    ctx.exit(EXIT_FINDINGS if report.failed else EXIT_OK)
