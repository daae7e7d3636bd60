"""``schedulelib validate`` without the command line: files in, findings and an exit status out.

For each file: read and scan it (:mod:`.sources`), check every schedule with the file's
``as-of``, keep the codes its configuration selects, drop those an inline comment or a
per-file ignore silences, and report the comments that silenced nothing.  An exception in any
of that is caught and becomes an SL922 finding for that file alone: one file never loses the
report of the others, and machine formats stay whole.

Nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from schedulelib.core.diagnostics import Diagnostic, diagnostic
from schedulelib.lint import sources
from schedulelib.lint.config import DEFAULT, Config, ConfigError, Finder, RuleSet, load_config
from schedulelib.lint.sources import Finding, Scan

if TYPE_CHECKING:
    from schedulelib.lint.fix import FileFix

__all__ = ["Options", "Report", "Source", "lint"]

#: Codes no selection, ignore or comment can silence: they say the check itself went wrong.
UNSILENCEABLE = frozenset({"SL922"})
EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2


# Plain classes rather than dataclasses: this module is on the start-up path of every
# `validate`, and each dataclass costs about half a millisecond to create at import.


class Options:
    """What the command line says; None leaves it to the configuration."""

    __slots__ = ("as_of", "config", "extend_ignore", "fix", "ignore", "isolated", "select",
                 "strict")

    def __init__(self, *, select: tuple[str, ...] | None = None,
                 ignore: tuple[str, ...] | None = None, extend_ignore: tuple[str, ...] = (),
                 as_of: datetime | None = None, strict: bool | None = None,
                 config: Path | None = None, isolated: bool = False, fix: bool = False) -> None:
        self.select, self.ignore, self.extend_ignore = select, ignore, extend_ignore
        self.as_of, self.strict, self.config, self.isolated = as_of, strict, config, isolated
        #: Plan the repairs of --fix / --diff (Report.fixes); the findings are then those left.
        self.fix = fix


class Source:
    """One thing to check: a file (``data`` None) or text read already (standard input).

    ``named``: named by the user, not found by a directory search (SL905 applies).
    """

    __slots__ = ("data", "name", "named", "path")

    def __init__(self, name: str, path: Path | None = None, data: bytes | None = None,
                 named: bool = True) -> None:
        self.name, self.path, self.data, self.named = name, path, data, named


class Report:
    """Every finding, in file order, and what the exit status should be.

    ``trouble``: a file could not be read, or checking it failed (SL922): exit 2.
    ``failing``: an error, or a warning in a file whose configuration (or --strict) makes
    warnings fail: exit 1.
    """

    __slots__ = ("failing", "files", "findings", "fixes", "notes", "schedules", "skipped",
                 "trouble")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        #: Files judged; ``skipped`` those left unread or not about schedules.
        self.files = 0
        self.skipped = 0
        #: "FILE: why" for each file skipped with a reason worth saying.
        self.notes: list[str] = []
        self.schedules = 0
        self.trouble = False
        self.failing = False
        #: With Options.fix: each file's repairs (a FileFix), in file order.
        self.fixes: list[FileFix] = []

    @property
    def exit_status(self) -> int:
        if self.trouble:
            return EXIT_TROUBLE
        return EXIT_FINDINGS if self.failing else EXIT_OK


class Settings:
    """The configuration of each file: one ``--config`` file, none (``--isolated``), or the
    nearest one found upward."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._fixed: Config | None = None
        if options.isolated:
            self._fixed = DEFAULT
        elif options.config is not None:
            self._fixed = load_config(options.config, required=True)
        self._finder = Finder()

    def for_file(self, name: str | Path) -> Config:
        if self._fixed is not None:
            return self._fixed
        return self._finder.for_file(name)

    def rules(self, config: Config, file: str | Path) -> RuleSet:
        o = self.options
        select = o.select if o.select is not None else config.select
        ignore = o.ignore if o.ignore is not None else config.ignore
        return RuleSet(select if select is not None else ("SL",),
                       (*(ignore or ()), *config.extend_ignore, *o.extend_ignore,
                        *config.file_ignores(file)))

    def as_of(self, config: Config) -> datetime | None:
        value = self.options.as_of or config.as_of
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def strict(self, config: Config) -> bool:
        if self.options.strict is not None:
            return self.options.strict
        return bool(config.strict)


def expand(arguments: Iterable[str], settings: Settings, *,
           stdin: Callable[[], Source] | None = None,
           on_empty: Callable[[str], None] | None = None) -> Iterator[Source | Scan]:
    """The sources named by ``arguments``: files as named, directories searched (``include`` /
    ``exclude`` of each file's configuration applied), each file once; ``-`` is ``stdin()``.
    ``on_empty(argument)`` is called for a directory holding no file to check."""
    seen: set[str] = set()
    for argument in arguments:
        if argument == "-" and stdin is not None:
            yield stdin()
            continue
        path = Path(argument)
        if not os.path.isdir(path):  # never raises (Path.is_dir does under a locked folder)
            if first(argument, seen):
                yield Source(argument, path)
            continue
        if not os.access(path, os.R_OK | os.X_OK):
            # os.walk skips what it cannot list without a word; a named one is an error.
            yield _unreadable_scan(argument, "the directory cannot be searched: "
                                   "permission denied", "check its permissions")
            continue
        empty = True
        unsearchable: list[Scan] = []
        # The folders os.walk could not list come back in ``unsearchable``.
        for item in sources.iter_files(path, unsearchable):
            # A FIFO or device found by a search is skipped by the reader, never opened.
            if first(str(item), seen) and settings.for_file(item).walks_into(item):
                empty = False
                yield Source(str(item), item, named=False)
        yield from unsearchable
        if empty and not unsearchable and on_empty is not None:
            on_empty(argument)


def first(path: str, seen: set[str]) -> bool:
    """False for a file already checked in this run (named twice, or inside a named dir)."""
    try:
        key = os.path.realpath(path)
    except (OSError, ValueError):
        key = os.path.abspath(path)
    if key in seen:
        return False
    seen.add(key)
    return True


#: A step run once every file is read (``schedulelib drift``): the readable scans, by their
#: position among the items, in; findings for the scans at those positions out.
Judge = Callable[[list[tuple[int, Scan]]], dict[int, list[Finding]]]


def lint(items: Iterable[Source | Scan], options: Options | None = None,
         settings: Settings | None = None, *,
         context: Iterable[Source | Scan] = (), judge: Judge | None = None) -> Report:
    """Check every source; never raises for anything a file holds.

    ``context``: more files whose schedules the rules judged together (SL701, SL702) see,
    though nothing is reported about them (a pre-commit hook names the changed files; the
    rest of the repository is their context).  A file both named and in the context is
    named.
    """
    settings = settings or Settings(options or Options())
    report = Report()
    # Every file is read before any is checked: a finding about schedules judged together
    # belongs to its file's report like any other (its comments can silence it).
    read = [_read_item(item) for item in items]
    extra = _together(read, context, settings, report)
    if judge is not None:
        scans = [(n, scan) for n, (_i, scan, _e) in enumerate(read)
                 if scan is not None and not scan.skipped]
        try:
            judged = judge(scans)
        except Exception as exc:  # the files' own findings are still reported
            judged = {scans[0][0]: [internal_error(scans[0][1].file, exc)]} if scans else {}
        # Its findings go through each file's comments and selection like any other.
        for n, found in judged.items():
            extra.setdefault(n, []).extend(found)
    for n, (item, scan, error) in enumerate(read):
        read[n] = (item, None, None)  # each scan is let go once checked
        try:
            if error is not None:
                raise error
            assert scan is not None
            name = _name(item)
            if scan.skipped:
                # Not about Segment schedules (or not a regular file): no finding at all.
                report.skipped += 1
                if scan.note:
                    report.notes.append(f"{name}: {scan.note}")
                continue
            findings, trouble, failing = _check_one(name, scan, settings, report,
                                                    extra.get(n, []))
            report.schedules += len(scan.schedules)
        except ConfigError:
            raise  # a settings file the run cannot use: a usage error for the whole run
        except Exception as exc:  # one file must never lose the others' report
            findings, trouble, failing = [internal_error(_name(item), exc)], True, True
        report.files += 1
        report.findings.extend(findings)
        report.trouble = report.trouble or trouble
        report.failing = report.failing or failing
    return report


def _read_item(item: Source | Scan) -> tuple[Source | Scan, Scan | None, Exception | None]:
    try:
        return item, item if isinstance(item, Scan) else _read(item), None
    except ConfigError:
        raise
    except Exception as exc:  # reported for this file when its turn comes
        return item, None, exc


#: The codes of the rules that judge the schedules of a run together (lint/together.py).
TOGETHER = ("SL701", "SL702")


def _together(read: list[tuple[Source | Scan, Scan | None, Exception | None]],
              context: Iterable[Source | Scan], settings: Settings,
              report: Report) -> dict[int, list[Finding]]:
    """The findings of the rules judged together, by position of their file in ``read``.

    One self-contained step after every file is read: it sees only the scans (their
    schedules' records and the models they describe).
    """
    scans = [(n, scan) for n, (_item, scan, _e) in enumerate(read)
             if scan is not None and not scan.skipped]
    # Judged when selected for some file, or named by a comment (which must not be called
    # unused in a run that does not select the code).
    codes = frozenset(code for code in TOGETHER if any(
        settings.rules(settings.for_file(scan.file), scan.file).enabled(code)
        or (scan.text is not None and code in scan.text) for _n, scan in scans))
    if not codes or not scans:
        return {}
    named = {_key(scan.file) for _n, scan in scans}
    others: list[Scan] = []
    for item in context:
        try:
            if not isinstance(item, Scan) and _key(item.name) in named:
                continue
            scan = item if isinstance(item, Scan) else _read(item)
        except ConfigError:
            raise
        except Exception:  # a context file that cannot be read: said below
            scan = Scan(_name(item), None, unreadable=True)
        if scan.unreadable:
            report.notes.append(f"{scan.file}: could not be read as context; schedules "
                                "that collide with it are not found")
        elif not scan.skipped and _key(scan.file) not in named:
            others.append(scan)
    from schedulelib.lint import together

    owners: list[int] = []
    records: list[together.Record] = []
    for n, scan in scans:
        for record in together.records(scan):
            records.append(record)
            owners.append(n)
    for scan in others:
        records.extend(together.records(scan))
    config = settings.for_file(scans[0][1].file)
    out: dict[int, list[Finding]] = {}
    try:
        judged = together.judge(records, together.models_of([s for _n, s in scans] + others),
                                as_of=settings.as_of(config), dst=config.dst or "go",
                                codes=codes)
    except Exception as exc:  # the files' own findings are still reported
        n = scans[0][0]
        out[n] = [internal_error(scans[0][1].file, exc)]
        return out
    for i, finding in judged:
        if i < len(owners):  # context files are read, never reported on
            out.setdefault(owners[i], []).append(finding)
    return out


def _key(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.abspath(path)


def _name(item: Source | Scan) -> str:
    return item.file if isinstance(item, Scan) else item.name


def _read(item: Source) -> Scan:
    if item.data is not None:
        if len(item.data) > sources.MAX_BYTES:
            return sources.too_large(item.name)
        return sources.scan(item.data, name=item.name, named=item.named)
    assert item.path is not None
    # Only regular files are read (a FIFO or a device is an error, or skipped in a search).
    return sources.read_file(item.path, named=item.named)


def _unreadable_scan(name: str, message: str, hint: str) -> Scan:
    return Scan(name, None, unreadable=True, findings=[Finding(name, 0, 0, diagnostic(
        "SL901", "", message, hint))])


def _check_one(name: str, scan: Scan, settings: Settings, report: Report,
               extra: list[Finding] | None = None) -> tuple[list[Finding], bool, bool]:
    """``extra``: findings of the rules judged together (:func:`_together`) in this file."""
    config = settings.for_file(name)
    as_of = settings.as_of(config)
    from schedulelib.core.schedule import check

    checker = partial(check, as_of=as_of) if as_of is not None else check
    rules = settings.rules(config, name)
    text = scan.text
    if settings.options.fix and text is not None:
        from schedulelib.lint.fix import fix_scan

        # Only what would be reported is repaired: a selected code, not silenced by a comment.
        if scan.kind in ("yaml", "terraform"):
            from schedulelib.lint import suppress

            comments = suppress.directives(text, scan.kind)[0]
        else:
            comments = []

        def wanted(finding: Finding) -> bool:
            return rules.enabled(finding.code) and not (
                comments and suppress.apply([finding], comments)[0])

        result = fix_scan(scan, checker=checker, wanted=wanted)
        report.fixes.append(result)
        found, text = list(result.findings), result.after
    else:
        found = scan.check(checker)
    if extra:
        found = sorted(found + extra, key=lambda f: (f.line, f.column))
    if scan.kind in ("yaml", "terraform") and text is not None:
        found = _inline(name, scan.kind, text, found)
    # Selection comes after the comments: a comment silencing a code that is not selected in
    # this run is still in use (a run with --select SL9 must not call it stale).
    kept = [f for f in found if f.code in UNSILENCEABLE or rules.enabled(f.code)]
    trouble = scan.unreadable or any(f.code in UNSILENCEABLE for f in kept)
    strict = settings.strict(config)
    failing = any(f.severity == "error" or strict for f in kept)
    return kept, trouble, failing


def _inline(name: str, kind: str, text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` without those a ``schedulelib: ignore[...]`` comment silences, with SL920
    for each comment's idle codes and SL921 for each comment that cannot be used."""
    from schedulelib.lint import suppress

    found, problems = suppress.directives(text, kind)
    if not found and not problems:
        return findings
    silenced = suppress.apply(findings, found)
    out = [f for f, off in zip(findings, silenced, strict=True)
           if not off or f.code in UNSILENCEABLE]
    extra: list[Finding] = []
    for problem in problems:
        extra.append(_at(name, problem.line, problem.column, problem.end,
                         diagnostic("SL921", "", problem.message, problem.hint)))
    for directive, idle in suppress.unused(found):
        codes = ", ".join(idle[:5]) + (f" and {len(idle) - 5} more" if len(idle) > 5 else "")
        extra.append(_at(name, directive.line, directive.column, directive.end, diagnostic(
            "SL920", "", f"no {codes} finding on line {directive.target} for this ignore "
            "comment to silence",
            "remove the code from the comment (or the whole comment): the finding it was "
            "written for is gone")))
    merged = out + extra
    merged.sort(key=lambda f: (f.line, f.column))
    return merged


def _at(name: str, line: int, column: int, end: int, d: Diagnostic) -> Finding:
    return Finding(name, line, column, d, line, end)


def internal_error(name: str, exc: BaseException) -> Finding:
    """SL922: checking ``name`` raised ``exc`` (a bug in schedulelib, never the user's)."""
    what = f"{type(exc).__name__}: {exc}"
    if len(what) > 300:
        what = what[:297] + "..."
    return Finding(name, 0, 0, diagnostic(
        "SL922", "", f"internal error while checking this file ({what}); the other files "
        "are still checked",
        "this is a bug in schedulelib: please report it, with the file if you can share it"))

