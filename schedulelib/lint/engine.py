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
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from schedulelib.core.diagnostics import Diagnostic, diagnostic
from schedulelib.lint.config import DEFAULT, Config, ConfigError, Finder, RuleSet, load_config
from schedulelib.lint.sources import Finding, Found, Scan, Subject
from schedulelib.lint.sources.wanted import WANTED, Wanted
from schedulelib.lint.walk import Source, expand, first, read, real_path

if TYPE_CHECKING:
    from schedulelib.lint.fix import FileFix

__all__ = ["Checked", "Located", "Options", "Report", "Source", "expand", "first", "lint", "read"]

#: Codes no selection, ignore or comment can silence: they say the check itself went wrong.
UNSILENCEABLE = frozenset({"SL922"})
EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2


# Plain classes rather than dataclasses: this module is on the start-up path of every
# `validate`, and each dataclass costs about half a millisecond to create at import.


class Options:
    """What the command line says; None leaves it to the configuration."""

    __slots__ = ("as_of", "config", "extend_ignore", "fix", "ignore", "isolated", "locate",
                 "roots", "select", "strict", "var_files")

    def __init__(self, *, select: tuple[str, ...] | None = None,
                 ignore: tuple[str, ...] | None = None, extend_ignore: tuple[str, ...] = (),
                 as_of: datetime | None = None, strict: bool | None = None,
                 config: Path | None = None, isolated: bool = False, fix: bool = False,
                 var_files: Iterable[str | os.PathLike[str]] = (), locate: bool = False,
                 roots: Iterable[str | os.PathLike[str]] = ()) -> None:
        self.select, self.ignore, self.extend_ignore = select, ignore, extend_ignore
        self.as_of, self.strict, self.config, self.isolated = as_of, strict, config, isolated
        #: Plan the repairs of --fix / --diff (Report.fixes); the findings are then those left.
        self.fix = fix
        #: Values for Terraform variables (terraform plan -var-file), the last one winning.
        self.var_files = tuple(os.fspath(f) for f in var_files)
        #: Keep a :class:`Located` record of every schedule (Report.located), for a pass over
        #: the schedules of all the files; off, a clean file's schedules are never located.
        self.locate = locate
        #: The paths the run was given: a module's variables are set by the module blocks
        #: under them that call it (decision D57); none, the variables' defaults are used.
        self.roots = tuple(os.fspath(r) for r in roots)


class Report:
    """Every finding, in file order, and what the exit status should be.

    ``trouble``: a file could not be read, or checking it failed (SL922): exit 2.
    ``failing``: an error, or a warning in a file whose configuration (or --strict) makes
    warnings fail: exit 1.
    """

    __slots__ = ("failing", "files", "findings", "fixes", "located", "notes", "schedules",
                 "skipped", "skipped_files", "trouble", "unchecked")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        #: Files judged; ``skipped`` those left unread or not about schedules.
        self.files = 0
        self.skipped = 0
        #: "FILE: why" for each file skipped with a reason worth saying.
        self.notes: list[str] = []
        self.skipped_files: list[str] = []
        #: Schedules checked; ``unchecked`` those found but not judged (a part only Terraform
        #: knows when it runs: SL903), never counted as checked.
        self.schedules = 0
        self.unchecked = 0
        self.trouble = False
        self.failing = False
        #: With Options.fix: each file's repairs (a FileFix), in file order.
        self.fixes: list[FileFix] = []
        #: With Options.locate: every schedule of the files checked, in file order.
        self.located: list[Located] = []

    def add(self, done: Checked) -> None:
        """Count one checked source in (or skipped), its findings after the others'."""
        if done.skipped:
            self.skipped += 1
            self.skipped_files.append(done.name)
            if done.note:
                self.notes.append(f"{done.name}: {done.note}")
            return
        self.files += 1
        self.findings.extend(done.findings)
        self.trouble = self.trouble or done.trouble
        self.failing = self.failing or done.failing
        self.schedules += done.schedules
        self.unchecked += done.unchecked
        self.located.extend(done.located)
        if done.fix is not None:
            self.fixes.append(done.fix)

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

    def for_folder(self, folder: str) -> Config:
        """The configuration of the files directly in ``folder``."""
        if self._fixed is not None:
            return self._fixed
        return self._finder.for_directory(os.path.abspath(folder))

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


#: A pass run once every file is checked (``schedulelib drift``'s): each file that is not
#: skipped, by its place among the items, in; findings for the files at those places out.
Judge = Callable[[list[tuple[int, "Checked"]]], dict[int, list[Finding]]]


def lint(items: Iterable[Source | Scan], options: Options | None = None,
         settings: Settings | None = None, *,
         context: Iterable[Source | Scan] = (), judge: Judge | None = None) -> Report:
    """Check every source; never raises for anything a file holds.

    What ``validate`` does, from its sources on: the run's Terraform session (the values of
    ``options.var_files``, then of each module's ``terraform.tfvars``, the problems of those
    files reported in the run), for a large run (:data:`PARALLEL_FILES` sources or more) the
    work shared among one process per core, the report the same as one process gives; then
    the rules that judge the schedules of all the files together (SL701, SL702:
    lint/together.py), whose findings join their files' own.

    ``context``: more files whose schedules the rules judged together see, though nothing is
    reported about them (a pre-commit hook names the changed files; the rest of the
    repository is their context).  A file both named and in the context is named.

    ``judge``: one more pass over every checked file (a command's own rules, such as
    ``drift``'s), given each file's :class:`Checked` record (its located schedules and
    models); its findings go through each file's comments and selection like any other.
    """
    settings = settings or Settings(options or Options())
    report = Report()
    with _Run(settings.options.var_files, settings.options.roots) as run:
        done = [_check_item(scan, settings) for scan in run.first()]
        done += _checked(items, settings, run)
        done += (_check_item(scan, settings) for scan in run.rest())
    extra = _together(done, context, settings, report)
    if judge is not None:
        judged = [(n, one) for n, one in enumerate(done) if not one.skipped]
        try:
            more = judge(judged)
        except Exception as exc:  # the files' own findings are still reported
            more = {judged[0][0]: [internal_error(judged[0][1].name, exc)]} if judged else {}
        for n, found in more.items():
            extra.setdefault(n, []).extend(found)
    for n, one in enumerate(done):
        _join(one, extra.get(n, []), settings)
        if not settings.options.locate:
            one.located = []
        report.add(one)
    return report


class Located:
    """One schedule of a checked file, as a pass over the schedules of all the files of a run
    needs it: its file, name, pointer, span (resolved), the document (None when Terraform
    knows it only at apply time) and what it belongs to.  Plain values: it crosses from a
    worker process to the parent."""

    __slots__ = ("doc", "file", "judged", "name", "pointer", "span", "static", "subject",
                 "whole")

    def __init__(self, file: str, found: Found) -> None:
        self.file, self.name, self.pointer = file, found.name, found.pointer
        self.span = found.span("")
        self.static = found.static
        self.doc = found.doc if found.static else None
        self.subject = found.subject
        #: Whether the rules judged together may use it: no stand-in for a value only
        #: Terraform knows (which would be a false collision), and a readable document.
        self.judged = found.static and not found.unknown and isinstance(found.doc, dict)
        #: Known whole before Terraform runs (no part held by a stand-in).
        self.whole = found.static and not found.unknown


class Checked:
    """What checking one source gave (picklable, like :class:`Located`)."""

    __slots__ = ("failing", "findings", "fix", "located", "models", "name", "note", "pending",
                 "schedules", "skipped", "trouble", "unchecked")

    def __init__(self, name: str) -> None:
        self.name = name
        self.findings: list[Finding] = []
        self.trouble = self.failing = self.skipped = False
        self.note = ""
        #: Schedules checked whole; ``unchecked``: found but with a part only Terraform knows
        #: when it runs (SL903), never counted as checked.
        self.schedules = self.unchecked = 0
        self.located: list[Located] = []
        #: The Reverse ETL models the file describes (who shares a warehouse: SL701).
        self.models: list[Subject] = []
        #: For a file with ``schedulelib:`` comments, which may name a rule of a pass over all
        #: the files: what its findings are made from (kind, unreadable, findings before
        #: comments and selection, text), so that they are made again once those passes have
        #: spoken (no false SL920).
        self.pending: tuple[str, bool, list[Finding], str] | None = None
        self.fix: FileFix | None = None


def _check_item(item: Source | Scan, settings: Settings) -> Checked:
    done = Checked(_name(item))
    try:
        scan = item if isinstance(item, Scan) else read(item)
        if scan.skipped:
            # Not about Segment schedules (or not a regular file): no finding at all.
            done.skipped = True
            done.note = scan.note
            return done
        raw, text, done.fix = _check_one(done.name, scan, settings)
        done.findings, done.trouble, done.failing = _finish(done.name, scan.kind,
                                                            scan.unreadable, raw, text, settings)
        if text is not None and scan.kind in ("yaml", "terraform") and "schedulelib:" in text:
            # Its comments may silence a finding of a pass over all the files (SL701, a drift
            # verdict): they are applied again once those passes have spoken.
            done.pending = (scan.kind, scan.unreadable, raw, text)
        done.models = list(scan.models)
        # A schedule with a part only Terraform knows is not counted as checked, even when its
        # other fields were (a stand-in holds the unknown part).
        done.schedules = sum(1 for found in scan.schedules if found.static and not found.unknown)
        done.unchecked = len(scan.schedules) - done.schedules
        # The schedules the rules judged together can use (those whose file names their
        # model or source) are located, every one with Options.locate (a pass of a command,
        # such as drift's); lint() drops the records afterwards unless Options.locate keeps
        # them.  Locating a schedule places it in the text, which a clean file never needs.
        done.located = [Located(scan.file, found) for found in scan.schedules
                        if settings.options.locate or _owned(found.subject)]
    except ConfigError:
        raise  # a settings file the run cannot use: a usage error for the whole run
    except Exception as exc:  # one file must never lose the others' report
        done.findings, done.trouble, done.failing = [internal_error(done.name, exc)], True, True
        done.schedules, done.unchecked, done.located, done.fix = 0, 0, [], None
        done.models, done.pending = [], None
    return done


def _owned(subject: Subject | None) -> bool:
    """Whether the files say which warehouse a schedule's extractions run in."""
    return subject is not None and bool(subject.model or subject.source)


class _Run:
    """The Terraform session of a run: asked for at the start, made by the Terraform reader
    when it first needs it (a run of JSON files never loads that reader), or at once for
    ``--var-file``."""

    def __init__(self, var_files: tuple[str, ...], roots: tuple[str, ...] = ()) -> None:
        self.asked = Wanted(var_files, roots)
        self._taken = 0
        #: The problems of .tfvars files read by worker processes, in the order of the run.
        self.late: dict[str, Scan] = {}

    def __enter__(self) -> _Run:
        self._token = WANTED.set(self.asked)
        if self.asked.var_files:
            from schedulelib.lint.sources.tfmodule import current

            current()  # the --var-file files are read (and reported) first
        return self

    def __exit__(self, *exc: object) -> None:
        WANTED.reset(self._token)

    def _scans(self) -> list[Scan]:
        from schedulelib.lint.sources.tfmodule import Session

        session = self.asked.session
        return session.var_scans if isinstance(session, Session) else []

    def first(self) -> list[Scan]:
        """The --var-file files, each with its problems."""
        return self._scans()[:self.asked.given] if self.asked.session is not None else []

    def take(self) -> list[Scan]:
        """The .tfvars files read for a module (those with problems) since the last call."""
        if self.asked.session is None:
            return []
        start = max(self._taken, self.asked.given)
        new = self._scans()[start:]
        self._taken = start + len(new)
        return new

    def rest(self) -> list[Scan]:
        """The .tfvars files read for a module that are not valid HCL, each once."""
        for scan in self.take():
            self.late.setdefault(scan.file, scan)
        return list(self.late.values())


#: Sources a run must hold before other processes share the checking (one per core, the
#: parent being one of them): below that, starting them costs more than they save.
PARALLEL_FILES = 3000
#: Sources dealt out at a time: each process takes every n-th run of this many.
CHUNK = 64
#: Sources held at most before they are dealt out (bounds the memory of a huge tree).
ROUND = 50_000


def _checked(items: Iterable[Source | Scan], settings: Settings, run: _Run
             ) -> Iterator[Checked]:
    """Each item checked, in order.  The first :data:`PARALLEL_FILES` here; the rest of a
    larger run shared with worker processes (a file they skip in silence comes back as its
    name alone).  Forked after the first ones, the workers
    start with what checking them loaded and cached (modules, zones, expressions)."""
    rest = iter(items)
    for item in islice(rest, PARALLEL_FILES):
        yield _check_item(item, settings)
    workers = 0 if settings.options.fix else _spare_cores()
    if not workers:
        for item in rest:
            yield _check_item(item, settings)
        return
    following = next(rest, None)
    if following is not None:
        yield from _shared(chain([following], rest), settings, run, workers)


def _spare_cores() -> int:
    """How many workers to fork: one per core this process may use beyond its own, as far as
    the load average says those cores are idle.  On a machine other jobs keep busy, a worker
    only takes turns with them and this process waits for it: one process is then faster."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not known here (Windows): take the cores as idle
        load = 0.0
    return max(0, min(cores - 1, int(cores - load - 0.5)))


#: What one process makes of its share: the files it skipped in silence (their names), what it
#: made of the others (with their places in the round), and the .tfvars files with problems it
#: read (with the place of the file it read them for).
Share = tuple[list[tuple[int, str]], list[tuple[int, Checked]], list[tuple[int, Scan]]]


def _shared(items: Iterator[Source | Scan], settings: Settings, run: _Run, workers: int
            ) -> Iterator[Checked]:
    """The items checked by this process and ``workers`` forked workers, the results in
    order.

    Each round of items is dealt out in runs of :data:`CHUNK` (so that each process gets its
    part of a folder of large files); a worker is forked with its whole share, checks it and
    sends its results back through a pipe: one message per worker per round, where a busy
    machine makes every hand-over slow, and no threads, queues or pool machinery to start
    (this is about as much work as checking a few hundred files).  A worker that fails, or
    whose results do not arrive whole, has its share checked here.
    """
    while True:
        batch = list(islice(items, ROUND))
        if not batch:
            return
        shares: list[list[tuple[int, str | Source | Scan]]] = [[] for _ in range(workers + 1)]
        for start in range(0, len(batch), CHUNK):
            shares[(start // CHUNK) % (workers + 1)] += [
                (i, _plain(item)) for i, item in enumerate(batch[start:start + CHUNK], start)]
        forked: list[tuple[int, int] | None] = []
        try:
            forked += [_fork(share, settings, run) for share in shares[1:]]
            results = [_check_share(shares[0], settings, run)]
            for n, share in enumerate(shares[1:]):
                got = _collect(forked[n])
                forked[n] = None
                results.append(got if got is not None else _check_share(share, settings, run))
        finally:
            _stop([worker for worker in forked if worker is not None])
        # Back in the order of the round; sorted on the place alone, stable.
        found = sorted([*((i, _skipped(name)) for silent, _, _ in results for i, name in silent),
                        *(pair for _, checked, _ in results for pair in checked)], key=_first)
        yield from (done for _, done in found)
        for _, scan in sorted((pair for _, _, tfvars in results for pair in tfvars),
                              key=_first):
            run.late.setdefault(scan.file, scan)


def _fork(share: list[tuple[int, str | Source | Scan]], settings: Settings,
          run: _Run) -> tuple[int, int] | None:
    """A worker process checking ``share``: (its pid, the pipe its results come through);
    None where processes cannot be forked (the share is then checked here)."""
    import gc

    if not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    # Frozen, the objects of this process are never traversed by the worker's garbage
    # collector, which would otherwise copy every page that holds them into the worker.
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        return None
    if pid:
        gc.unfreeze()
        os.close(write_end)
        return pid, read_end
    # The worker: the settings, caches and Terraform session of the parent as they were at
    # the fork; nothing it does reaches the parent but the bytes it writes.
    code = 1
    try:
        os.close(read_end)
        import pickle

        data = pickle.dumps(_check_share(share, settings, run), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as out:
            out.write(len(data).to_bytes(8, "big") + data)
        code = 0
    except BaseException:  # the parent checks the share itself
        pass
    finally:
        os._exit(code)


def _stop(workers: list[tuple[int, int]]) -> None:
    """End the workers whose results will not be read (the run stopped on an error)."""
    import signal

    for pid, pipe in workers:
        os.close(pipe)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass


def _collect(worker: tuple[int, int] | None) -> Share | None:
    """What a forked worker sends back; None if it failed (or was never started)."""
    if worker is None:
        return None
    pid, pipe = worker
    import pickle

    try:
        with os.fdopen(pipe, "rb") as incoming:
            data = incoming.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0 or len(data) < 8 or int.from_bytes(data[:8], "big") != len(data) - 8:
        return None
    result: Share = pickle.loads(data[8:])
    return result


def _skipped(name: str) -> Checked:
    done = Checked(name)
    done.skipped = True
    return done


def _first(pair: tuple[int, object]) -> int:
    return pair[0]


def _plain(item: Source | Scan) -> str | Source | Scan:
    """An item as it is sent to a worker: a file found by the search as its path alone."""
    if isinstance(item, Source) and not item.named and item.data is None \
            and item.path == item.name:
        return item.name
    return item


def _check_share(share: list[tuple[int, str | Source | Scan]], settings: Settings,
                 run: _Run) -> Share:
    """Check a share of a round; a file skipped in silence is only counted."""
    silent: list[tuple[int, str]] = []
    out: list[tuple[int, Checked]] = []
    tfvars: list[tuple[int, Scan]] = []
    for i, plain in share:
        item = Source(plain, plain, named=False) if isinstance(plain, str) else plain
        done = _check_item(item, settings)
        if done.skipped and not done.note:
            silent.append((i, done.name))  # sent back as its name alone: most files are these
        else:
            out.append((i, done))
        tfvars += [(i, scan) for scan in run.take()]
    return silent, out, tfvars


def _name(item: Source | Scan) -> str:
    return item.file if isinstance(item, Scan) else item.name


def _check_one(name: str, scan: Scan, settings: Settings
               ) -> tuple[list[Finding], str | None, FileFix | None]:
    """The findings of one file before its comments and the selection apply, the text they
    apply to (after --fix's repairs) and the repairs."""
    config = settings.for_file(name)
    as_of = settings.as_of(config)
    from schedulelib.core.schedule import check

    checker = partial(check, as_of=as_of) if as_of is not None else check
    text = scan.text
    if settings.options.fix and text is not None:
        from schedulelib.lint.fix import fix_scan

        rules = settings.rules(config, name)
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
        return list(result.findings), result.after, result
    return scan.check(checker), text, None


def _finish(name: str, kind: str | None, unreadable: bool, found: list[Finding],
            text: str | None, settings: Settings, extra: list[Finding] | None = None
            ) -> tuple[list[Finding], bool, bool]:
    """The findings of a file once its comments and the selection apply, and whether they
    make trouble (exit 2) or fail the run.  ``extra``: findings of the rules judged together
    in this file."""
    config = settings.for_file(name)
    rules = settings.rules(config, name)
    if extra:
        found = sorted(found + extra, key=lambda f: (f.line, f.column))
    if kind in ("yaml", "terraform") and text is not None:
        found = _inline(name, kind, text, found)
    # Selection comes after the comments: a comment silencing a code that is not selected in
    # this run is still in use (a run with --select SL9 must not call it stale).
    kept = [f for f in found if f.code in UNSILENCEABLE or rules.enabled(f.code)]
    trouble = unreadable or any(f.code in UNSILENCEABLE for f in kept)
    strict = settings.strict(config)
    failing = any(f.severity == "error" or strict for f in kept)
    return kept, trouble, failing


# -- the rules judged together --------------------------------------------------------------

#: The codes of the rules that judge the schedules of a run together (lint/together.py).
TOGETHER = ("SL701", "SL702")


def _together(done: list[Checked], context: Iterable[Source | Scan], settings: Settings,
              report: Report) -> dict[int, list[Finding]]:
    """The findings of the rules judged together, by the place of their file in ``done``:
    one call once every file is checked, on the located schedules alone."""
    named = [(n, one) for n, one in enumerate(done) if not one.skipped and
             (one.located or one.models)]
    # Judged when selected for some file, or when a comment may name one (a comment that
    # silences it must not be called unused in a run that does not select it).
    codes = frozenset(code for code in TOGETHER if any(
        one.pending is not None or settings.rules(settings.for_file(one.name),
                                                  one.name).enabled(code)
        for _n, one in named))
    if not codes or not named:
        return {}
    # A schedule belongs to a warehouse only when its file names its model or source; with
    # fewer than two such schedules and no context there is nothing to judge, and a run of
    # plain schedule files never loads the rules (start-up time: a pre-commit hook).
    owned = sum(1 for _n, one in named for loc in one.located if _owned(loc.subject))
    if owned < 2 and not context:
        return {}
    from schedulelib.lint import together

    owners: list[int] = []
    recs: list[together.Record] = []
    for n, one in named:
        for loc in one.located:
            recs.append(together.Record(loc.doc, loc.subject, loc.name, loc.file, loc.span,
                                        loc.pointer, loc.judged))
            owners.append(n)
    around = _context(context, [one.name for _n, one in named], report)
    for scan in around:
        recs.extend(together.records(scan))
    models = [m for _n, one in named for m in one.models] + together.models_of(around)
    config = settings.for_file(named[0][1].name)
    try:
        found = together.judge(recs, models, as_of=settings.as_of(config),
                               dst=config.dst or "go", codes=codes)
    except ConfigError:
        raise
    except Exception as exc:  # the files' own findings are still reported
        return {named[0][0]: [internal_error(named[0][1].name, exc)]}
    out: dict[int, list[Finding]] = {}
    for i, finding in found:
        if i < len(owners):
            out.setdefault(owners[i], []).append(finding)
    return out


def _join(one: Checked, extra: list[Finding], settings: Settings) -> None:
    """Add the findings of the rules judged together to one file's report."""
    if one.pending is not None:
        kind, unreadable, raw, text = one.pending
        one.pending = None
        one.findings, trouble, one.failing = _finish(one.name, kind, unreadable, raw, text,
                                                     settings, extra)
        one.trouble = one.trouble or trouble
        return
    if not extra:
        return
    config = settings.for_file(one.name)
    rules = settings.rules(config, one.name)
    kept = [f for f in extra if rules.enabled(f.code)]
    if kept:
        one.findings = sorted(one.findings + kept, key=lambda f: (f.line, f.column))
        strict = settings.strict(config)
        one.failing = one.failing or any(f.severity == "error" or strict for f in kept)


def _context(items: Iterable[Source | Scan], named: list[str], report: Report) -> list[Scan]:
    """The context files read (those also named left out); one that cannot be read is a
    note, since a collision with it cannot be found."""
    keys = {real_path(name) for name in named}
    out: list[Scan] = []
    for item in items:
        if real_path(_name(item)) in keys:
            continue
        try:
            scan = item if isinstance(item, Scan) else read(item)
        except ConfigError:
            raise
        except Exception:  # said below, like a file that cannot be read
            scan = Scan(_name(item), None, unreadable=True)
        if scan.unreadable:
            report.notes.append(f"{scan.file}: could not be read as context; schedules "
                                "that collide with it are not found")
        elif not scan.skipped:
            out.append(scan)
    return out


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

