"""``schedulelib spread``: propose new start minutes for schedules of one source that start
together (SL701), and with ``--diff`` / ``--write`` show or make the edits."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

import click

from schedulelib.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    DstChoice,
    parse_time,
)


@click.command(short_help="Propose start minutes that part schedules of one source.")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--snapshot", "snapshot_path", metavar="FILE",
              help="A snapshot written by `pull`: each subscription's observed p95 run time "
              "keeps one source's runs from overlapping where the hour has room; peak "
              "concurrency per source is shown before and after.")
@click.option("--as-of", metavar="DATE", help="Judge the 365 days from this ISO date or "
              "date-time instead of today.")
@click.option("--dst", type=DstChoice(), default=None,
              help="The engine whose runs are judged (docs/dst.md); default: the "
              "configuration's `dst`, else go.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the edits as a unified diff and write nothing.")
@click.option("--write", "write", is_flag=True,
              help="Make the edits in place (with --fix's safety: the value's span only, "
              "atomic, read back; never a read-only file).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json lists every change: file, place, old, new, shift.")
@click.pass_context
def spread_command(ctx: click.Context, paths: tuple[str, ...], snapshot_path: str | None,
                   as_of: str | None, dst: str | None, show_diff: bool, write: bool,
                   fmt: str) -> None:
    """Propose new start minutes so that no two schedules of one source (warehouse) start in
    the same minute (SL701), for the files and directories PATH... (default: the current
    directory).

    Only the minute changes, within the hour: a cron keeps its minute pattern moved by a
    constant; a specific_days schedule (top of the hour only) is proposed as the equivalent
    cron.  The first schedule in file order stays; later ones move only if they meet one
    before them, by the fewest minutes.  Exit 0 when nothing needs to move (or --write made
    every move), 1 when moves are proposed or some collision has no solution.
    """
    from schedulelib.lint import engine as lint
    from schedulelib.lint import sources
    from schedulelib.lint.config import ConfigError
    from schedulelib.lint.sources.tfmodule import session
    from schedulelib.lint.spread import spread

    if show_diff and write:
        raise CommandError("--diff and --write cannot be used together: --diff shows what "
                           "--write would make")
    when = parse_time(as_of, "--as-of") if as_of else None
    durations = _durations(snapshot_path) if snapshot_path else None
    try:
        settings = lint.Settings(lint.Options(as_of=when))
        with session(()):
            scans = []
            unreadable = []
            for item in lint.expand(paths or (".",), settings):
                if isinstance(item, lint.Source):
                    assert item.path is not None  # no standard input here
                    item = sources.read_file(item.path, named=item.named)
                if item.unreadable:
                    # Never "nothing to move" about a file that was not read: said, exit 2.
                    unreadable.append(item)
                elif not item.skipped:
                    scans.append(item)
            # The window and the policy as validate takes them: the option, else the
            # configuration of the first file (D65).
            config = settings.for_file(scans[0].file) if scans else None
            result = spread(scans, as_of=settings.as_of(config) if config else when,
                            dst=dst or (config.dst if config else None) or "go",
                            durations=durations)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    status = EXIT_FINDINGS if result.changes or any(g.shared_left for g in result.groups) \
        else EXIT_OK
    if unreadable:
        from schedulelib.lint import render

        click.echo(render.text([f for scan in unreadable for f in scan.findings]), err=True,
                   nl=False)
    if show_diff:
        click.echo("".join(f.diff() for f in result.files), nl=False)
        _refusals(result)
        ctx.exit(EXIT_USAGE if unreadable else status)
    written = _write(result) if write else False
    if fmt == "json":
        doc = result.to_dict()
        doc["written"] = written
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        click.echo(_text(result, durations is not None), nl=False)
    _refusals(result)
    if write and written and not any(g.shared_left for g in result.groups) \
            and all(not c.unwritable for c in result.changes):
        status = EXIT_OK
    ctx.exit(EXIT_USAGE if unreadable else status)


def _durations(path: str) -> dict[str, int]:
    """Each subscription's p95 run time in whole minutes (rounded up), by id."""
    import math

    from schedulelib.core.diagnostics import ScheduleError
    from schedulelib.workspace.snapshot import nearest_rank, read_snapshot

    try:
        snapshot = read_snapshot(path)
    except (ScheduleError, OSError) as exc:
        raise CommandError(f"--snapshot {path}: {exc}") from None
    out: dict[str, int] = {}
    for sub in snapshot.subscriptions():
        times = sorted(e for s in sub.syncs if (e := s.elapsed) is not None
                       and e >= timedelta(0))
        if times:
            out[sub.id] = math.ceil(nearest_rank(times, 0.95).total_seconds() / 60)
    return out


def _text(result: object, with_peaks: bool) -> str:
    from schedulelib.lint.spread import Spread

    assert isinstance(result, Spread)
    from schedulelib.core.diagnostics import quote

    if not result.groups:
        return "no schedules of one source start together: nothing to move\n"
    lines = []
    for c in result.changes:
        sign = "+" if c.shift > 0 else "-"
        what = (f"{c.old} -> cron {c.new!r} ({sign}{abs(c.shift)} min; specific_days starts "
                "at the top of the hour only, so it becomes the equivalent cron)") \
            if c.to_cron else f"{quote(c.old)} -> {quote(c.new)} ({sign}{abs(c.shift)} min)"
        tail = f"  [edit by hand: {c.unwritable}]" if c.unwritable else ""
        lines.append(f"{c.file}:{c.line}:{c.column}: {quote(c.name)} {what}{tail}")
    for g in result.groups:
        where = f"source {quote(g.key)}" if g.kind == "source" else f"model {quote(g.key)}"
        verdict = "every shared start cleared" if not g.shared_left else (
            f"no solution: {g.shared_left} minutes of the year still hold two starts or more "
            "(the hour has no room for them all); the fewest were kept")
        peaks = f"; peak concurrency {g.peak_before} -> {g.peak_after}" \
            if with_peaks and g.peak_before is not None else ""
        lines.append(f"{where}: {g.schedules} schedules, {g.moved} moved, {verdict}{peaks}")
    return "\n".join(lines) + "\n"


def _write(result: object) -> bool:
    """Write each changed file; False if one could not be written (named on stderr)."""
    from schedulelib.lint.fix import write_fixed
    from schedulelib.lint.spread import Spread

    assert isinstance(result, Spread)
    ok = True
    for f in result.files:
        if not f.changed:
            continue
        if _read_only(f.file):
            click.echo(f"{f.file}: not written: the file is read-only", err=True)
            ok = False
            continue
        try:
            write_fixed(f)
        except OSError as exc:
            click.echo(f"{f.file}: not written: {exc.strerror or exc}", err=True)
            ok = False
    return ok


def _read_only(path: str) -> bool:
    """No write permission for anyone, or none for this user (root may write anything, but
    a file marked read-only is left alone all the same)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return True
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or \
        not os.access(path, os.W_OK)


def _refusals(result: object) -> None:
    from schedulelib.lint.spread import Spread

    assert isinstance(result, Spread)
    for f in result.files:
        if f.refused:
            click.echo(f"{f.file}: not edited: {f.refused}", err=True)
    sys.stderr.flush()
