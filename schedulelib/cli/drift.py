"""``schedulelib drift``: the schedules in the files against a workspace snapshot.

The join lives here, where both wings may be imported: the readers (lint) say what each
schedule belongs to (``Found.subject``), the snapshot (workspace) says what runs, and
:mod:`schedulelib.workspace.drift` matches and judges plain records.  The verdicts come back as
findings of the lint run, so formats, comments and configuration apply as for ``validate``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from schedulelib._support.text import use_color
from schedulelib.cli._common import CommandError, codes, parse_time
from schedulelib.lint.walk import real_path

if TYPE_CHECKING:
    from schedulelib.lint.engine import Checked, Located
    from schedulelib.lint.sources import Finding, Scan, Subject
    from schedulelib.workspace.drift import FileRecord, Pairing
    from schedulelib.workspace.snapshot import Snapshot

#: What a drift run reports unless told otherwise: its own verdicts, and the problems of the
#: files themselves (unreadable, not static).  Validation is ``validate``'s job.
DEFAULT_SELECT = ("SL8", "SL9")


@click.command(short_help="Compare the schedules in files with a workspace snapshot.")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--snapshot", "snapshot_path", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The workspace as `schedulelib pull -o FILE` wrote it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]),
              default="text", show_default=True, help="text for people; json (versioned), "
              "github (Actions annotations), sarif (code scanning).")
@click.option("--as-of", metavar="DATE", help="Look for the first differing run from this "
              "ISO date or date-time instead of now.")
@click.option("--strict/--no-strict", default=None,
              help="Warnings (equivalent, enabled-differs) fail too.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Report only these codes or prefixes (default: SL8,SL9).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Do not report these codes or prefixes.")
@click.option("--config", "config_path", metavar="PATH",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Read the settings from this TOML file only.")
@click.option("--isolated", is_flag=True, help="Read no configuration file.")
@click.option("--var-file", "var_files", multiple=True, metavar="FILE.tfvars",
              help="Values for Terraform variables (repeatable; the last one wins).")
@click.pass_context
def drift_command(ctx: click.Context, paths: tuple[str, ...], snapshot_path: Path, fmt: str,
                  as_of: str | None, strict: bool | None, select: tuple[str, ...],
                  ignore: tuple[str, ...], config_path: Path | None, isolated: bool,
                  var_files: tuple[str, ...]) -> None:
    """Compare each subscription's schedule in PATH... with the same subscription in the
    snapshot: same, equivalent, changed, enabled-differs, only-in-files, only-in-workspace,
    ambiguous or unknown.

    Subscriptions are matched by id where the files carry one (Git sync names, import blocks,
    plan values, "id" fields), else by name, destination and model.  Exit 1 when anything
    changed, is on one side only, is ambiguous or unknown (see docs/drift.md).
    """
    from schedulelib.lint import engine as lint
    from schedulelib.lint import render
    from schedulelib.lint.config import ConfigError
    from schedulelib.lint.sources import Scan as ScanType
    from schedulelib.workspace.drift import summary
    from schedulelib.workspace.snapshot import SnapshotError, read_snapshot

    if config_path is not None and isolated:
        raise CommandError("--config and --isolated cannot be used together")
    try:
        snapshot = read_snapshot(snapshot_path)
    except SnapshotError as exc:
        raise CommandError(f"--snapshot {snapshot_path}: {exc}") from None
    except OSError as exc:
        raise CommandError(f"--snapshot {snapshot_path}: {exc.strerror or exc}") from None
    given = parse_time(as_of, "--as-of") if as_of else None
    # --as-of without a zone is UTC (as validate reads it); the runs are compared as instants.
    when = datetime.now(UTC) if given is None else (
        given if given.tzinfo is not None else given.replace(tzinfo=UTC))
    options = lint.Options(
        select=codes(select, "--select") or DEFAULT_SELECT, ignore=codes(ignore, "--ignore"),
        as_of=given, strict=strict, config=config_path, isolated=isolated, var_files=var_files,
        locate=True,
        roots=[p for p in paths or (".",) if p != "-"])
    snapshot_key = real_path(str(snapshot_path))
    pairings: list[Pairing] = []
    try:
        settings = lint.Settings(options)
        dst = settings.for_file(str(snapshot_path)).dst or "go"
        def items() -> Iterator[lint.Source | Scan]:
            for item in lint.expand(paths or (".",), settings):
                name = item.file if isinstance(item, ScanType) else item.name
                if real_path(name) != snapshot_key:
                    yield item
            # Last, so that only-in-workspace findings have a place: the snapshot itself.
            yield lint.Source(str(snapshot_path), path=snapshot_path)

        def judge(files: list[tuple[int, Checked]]) -> dict[int, list[Finding]]:
            return _judge(files, snapshot, snapshot_key, when, dst, pairings)

        # The engine opens the Terraform session (--var-file, module calls under PATH).
        report = lint.lint(items(), options, settings, judge=judge)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    line = summary(pairings) + "\n"
    color = fmt == "text" and use_color(sys.stdout)
    if fmt == "text":
        out = render.text(report.findings, color=color) + line
    else:
        from schedulelib.lint.formats import Run

        out = render.render(report.findings, fmt, run=Run(report.files, report.schedules,
                                                          report.skipped, report.trouble))
        click.echo(line, err=True, nl=False)
    click.echo(out, nl=False, color=color)
    ctx.exit(report.exit_status)


def _judge(files: list[tuple[int, Checked]], snapshot: Snapshot, snapshot_key: str,
           as_of: datetime, dst: str, pairings: list[Pairing]) -> dict[int, list[Finding]]:
    """Records from the files' located schedules, the verdicts, and each verdict as a finding
    in its file (only-in-workspace ones in the snapshot file)."""
    from schedulelib.core.diagnostics import Diagnostic, diagnostic
    from schedulelib.core.policy import dst_policy
    from schedulelib.lint.sources import Finding
    from schedulelib.workspace.drift import CODES, compare

    places: list[tuple[int, Located]] = []
    records: list[FileRecord] = []
    models = _model_ids(one for _n, one in files if real_path(one.name) != snapshot_key)
    snapshot_at: tuple[int, Checked] | None = None
    for n, one in files:
        if real_path(one.name) == snapshot_key:
            snapshot_at = (n, one)
            continue
        for located in one.located:
            record = _record(located, models)
            if record is not None:
                records.append(record)
                places.append((n, located))
    pairings.extend(compare(records, snapshot, as_of=as_of, dst=dst_policy(dst)))
    by_pointer = {} if snapshot_at is None else {loc.pointer: loc
                                                 for loc in snapshot_at[1].located}

    def at(located: Located, d: Diagnostic) -> Finding:
        return Finding.at(located.file, located.span, Diagnostic(
            d.code, d.severity, located.pointer + d.path, d.message, d.hint))

    out: dict[int, list[Finding]] = {}
    for pairing in pairings:
        if pairing.verdict == "same":
            continue
        code = CODES[pairing.verdict]
        if pairing.record is not None:
            n, located = places[pairing.record]
            d = diagnostic(code, "", pairing.message, _hint(pairing))
            out.setdefault(n, []).append(at(located, d))
        elif snapshot_at is not None and pairing.subscription is not None:
            sub = pairing.subscription
            d = diagnostic(code, "", pairing.message, _hint(pairing))
            where = by_pointer.get(sub.where)
            if where is not None:
                out.setdefault(snapshot_at[0], []).append(at(where, d))
            else:  # no schedule to point at: the subscription as a whole, by its pointer
                out.setdefault(snapshot_at[0], []).append(Finding(
                    snapshot_at[1].name, 1, 1, diagnostic(code, sub.where.removesuffix(
                        "/reverseETLSchedule"), pairing.message, _hint(pairing))))
    return out


def _hint(pairing: Pairing) -> str:
    from schedulelib.core.rules import RULES
    from schedulelib.workspace.drift import CODES

    return RULES[CODES[pairing.verdict]].fix if pairing.verdict != "same" else ""


def _model_ids(files: Iterator[Checked]) -> dict[str, str]:
    """Reference key (``segment_reverse_etl_model.x``) -> model id, where the files say both."""
    out: dict[str, str] = {}
    for one in files:
        for model in one.models:
            if model.model and model.id:
                out[model.model] = model.id
    return out


def _literal(value: str | None) -> str | None:
    """An id as the files write it, or None for a Terraform reference no file resolved."""
    if value is None or value.startswith(("segment_", "var.", "local.", "module.", "data.")):
        return None
    return value


def _record(found: Located, models: dict[str, str]) -> FileRecord | None:
    """The record of a subscription's schedule; None for a model's own schedule or a bare
    schedule document, which name no subscription (docs/decisions.md, D71)."""
    from schedulelib.workspace.drift import FileRecord

    subject: Subject | None = found.subject
    if subject is None or subject.kind != "subscription":
        return None
    from schedulelib.core.diagnostics import WRAPPER_KEY

    model = models.get(subject.model or "") or _literal(subject.model)
    # A string is the schedule value itself (as Scan.check reads it), not JSON text.
    doc = {WRAPPER_KEY: found.doc} if isinstance(found.doc, str | bytes) else found.doc
    return FileRecord(subject.id, subject.name, _literal(subject.destination), model,
                      subject.enabled, doc, found.whole, found.name)
