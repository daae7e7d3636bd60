"""The one place the language server uses the lint engine, the fixer and the file readers.

Everything a document gets goes through the same public functions ``validate`` uses, on the
document's text as the editor holds it (unsaved changes included):

* :func:`diagnose`: ``engine.lint()`` on a :class:`~schedulelib.lint.engine.Source` carrying the
  text, with the settings of the nearest ``[tool.schedulelib]`` (read afresh each time, so an
  edited configuration applies at once), inline suppressions and the relevance rule, inside a
  fresh Terraform session so that the other files of a module are read as they are on disk now
  while the document's own text replaces its file's; the files of the document's workspace
  folder are its ``context`` (``validate --context FOLDER``) for the rules judged together;
* :func:`fixes`: the same run with ``Options(fix=True)``, whose planned repairs are ``--fix``'s;
* :func:`spread_fix`: what :func:`schedulelib.lint.spread.spread` proposes for the document,
  over the same files as the rules judged together, in the order ``spread FOLDER`` reads them;
* :func:`scan` and :func:`config`: what hover needs (the schedules and the ``dst`` / ``as-of``
  settings).

Nothing here knows about LSP, and nothing else in the package imports the engine: when the
engine changes, this module is the only one to follow it.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from schedulelib.lint import engine
from schedulelib.lint.config import ConfigError
from schedulelib.lint.formats.json_format import finding as json_finding
from schedulelib.lint.sources import Finding, Scan
from schedulelib.lint.sources.tfmodule import session
from schedulelib.lint.spread import Change
from schedulelib.lint.walk import real_path

__all__ = ["MAX_CONTEXT_FILES", "Checked", "ConfigError", "Proposal", "Repair", "Settings",
           "config", "context_folder", "diagnose", "fixes", "internal", "scan", "spread_fix"]

#: The most files one check reads as context (decision D75): a workspace folder that is a
#: whole home directory must not make every keystroke read it.  Beyond, the editor is told.
MAX_CONTEXT_FILES = 20_000


@dataclass(frozen=True, slots=True)
class Checked:
    """One finding as ``validate --format json`` reports it (``record``), and whether it is
    placed in the document itself (False: in another file, a variable's default in
    ``variables.tf``; ``anchor`` is then the 1-based (line, column) span in the document of
    the schedule it belongs to, or (1, 1, 1, 1) when that is not known)."""

    finding: Finding
    record: dict[str, object]
    here: bool
    anchor: tuple[int, int, int, int] = (1, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Repair:
    """One finding's ``--fix`` repair: character-offset edits into the document's text."""

    finding: Finding
    description: str
    edits: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True, slots=True)
class Settings:
    """What hover needs from the configuration."""

    dst: str
    as_of: datetime | None


def _source(name: str, text: str) -> engine.Source:
    return engine.Source(name, Path(name), data=text.encode("utf-8", "surrogatepass"))


def _lint(name: str, text: str, *, fix: bool, root: str | None = None,
          notes: list[str] | None = None) -> engine.Report:
    """``validate NAME --context ROOT`` on ``text``; raises ConfigError for a settings file it
    cannot use."""
    options = engine.Options(fix=fix)
    settings = engine.Settings(options)
    with session():
        # Lazy: the engine walks the context only for a document whose schedules it can
        # judge together (a file naming their model or source), after the document's own
        # scan, so that the other files of its Terraform module see the document's text.
        context = _Around(root, name, text, settings, notes) if root else ()
        report = engine.lint([_source(name, text)], options, settings, context=context)
    if notes is not None:
        notes.extend(report.notes)
    return report


def diagnose(name: str, text: str, root: str | None = None,
             notes: list[str] | None = None) -> list[Checked]:
    """The findings ``validate --format json NAME --context ROOT`` reports when NAME holds
    ``text`` (none for a file that is not about schedules); what validate would say about the
    run on standard error is added to ``notes``.  Raises ConfigError as validate does."""
    report = _lint(name, text, fix=False, root=root, notes=notes)
    here = os.path.abspath(name)
    out: list[Checked] = []
    located: Scan | None = None
    for f in report.findings:
        if f.line <= 0 or os.path.abspath(f.file) == here:
            out.append(Checked(f, json_finding(f), True))
            continue
        if located is None:
            located = scan(name, text)
        out.append(Checked(f, json_finding(f), False, _anchor(located, f.pointer)))
    return out


def internal(name: str, exc: BaseException) -> Checked:
    """SL922 for a document whose checking raised ``exc``, as ``validate`` reports it."""
    f = engine.internal_error(name, exc)
    return Checked(f, json_finding(f), True)


def _anchor(located: Scan, pointer: str) -> tuple[int, int, int, int]:
    """The span of the schedule whose pointer is the longest prefix of ``pointer``."""
    best = None
    for found in located.schedules:
        inside = pointer == found.pointer or pointer.startswith(found.pointer + "/") \
            or not found.pointer
        if inside and (best is None or len(found.pointer) > len(best.pointer)):
            best = found
    if best is None:
        return 1, 1, 1, 1
    span = best.span("")
    if span.file is not None:
        return 1, 1, 1, 1
    return span.line, span.column, span.end_line, span.end_column


def fixes(name: str, text: str) -> tuple[list[Repair], str]:
    """``--fix``'s repairs of ``text``, one per finding it fixes, and why none were made when
    the fixer refused them ("" otherwise).  Offsets are into ``text``."""
    report = _lint(name, text, fix=True)
    # The readers drop a byte order mark; the offsets of the fixer are after it.
    shift = 1 if text.startswith("\ufeff") else 0
    out: list[Repair] = []
    refused = ""
    for result in report.fixes:
        refused = refused or result.refused
        for fix in result.fixes:
            out.append(Repair(fix.finding, fix.description, tuple(
                (e.start + shift, e.end + shift, e.text) for e in fix.edits)))
    return out, refused


def scan(name: str, text: str) -> Scan:
    """The schedules of ``text`` read as the file ``name`` (nothing is checked)."""
    from schedulelib.lint.sources import scan as scan_text

    with session():
        return scan_text(text, name=name)


def config(name: str) -> Settings:
    """The ``dst`` and ``as-of`` settings for the file ``name``; raises ConfigError."""
    settings = engine.Settings(engine.Options())
    found = settings.for_file(name)
    return Settings(found.dst or "go", settings.as_of(found))


# -- the context: the other files of the workspace folder ----------------------------------------

_TERRAFORM = (".tf", ".tf.json", ".tfvars")
#: Where a Terraform file can read a name another file of its module defines.
_NAMES = re.compile(r"\b(?:var|local)\b")
_lock = threading.Lock()
#: real path of a workspace folder -> real path of a file -> (what its scan depends on, the
#: document's text it was read beside (None: it does not depend on it), the scan).
_cache: dict[str, dict[str, tuple[object, str | None, Scan]]] = {}


def _terraform(path: str) -> bool:
    return path.lower().endswith(_TERRAFORM)


#: Seconds within which a file's modification time cannot tell two versions apart: a file
#: written again within one tick of the file system's clock, at the same size, keeps its
#: stat.  A file changed more recently is read again on every check (git's "racy" files).
RACY = 2.0


def _stat(path: str) -> tuple[int, int, int, int] | None:
    """What says a file is unchanged; None when it cannot be told (no stat, or racy)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if st.st_mtime_ns >= (time.time() - RACY) * 1e9:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _listing(folder: str) -> object:
    """What every Terraform scan of ``folder`` depends on: its Terraform files and their
    stat (the module's variables, locals and .tfvars values are read from them); None when
    one of them cannot be told unchanged."""
    try:
        with os.scandir(folder or ".") as entries:
            names = sorted(e.name for e in entries if _terraform(e.name))
    except OSError:
        return None
    out = []
    for name in names:
        stat = _stat(os.path.join(folder, name))
        if stat is None:
            return None
        out.append((name, stat))
    return tuple(out)


class _Around:
    """The files under ``root`` other than the document, as the engine's ``context``: read
    once each and kept while what they depend on is unchanged (their stat; for a Terraform
    file the stat of every Terraform file of its folder, and, in the document's own folder,
    the document's text when the file names a variable or a local), so a keystroke reads
    only what changed.  ``place`` is where the document falls in the walk (0 when the walk
    does not reach it)."""

    def __init__(self, root: str | None, name: str, text: str, settings: engine.Settings,
                 notes: list[str] | None) -> None:
        self.root, self.name, self.text, self.settings = root, name, text, settings
        self.notes = notes
        self.place = 0
        self._scans: list[Scan] | None = None

    def __iter__(self) -> Iterator[Scan]:
        if self._scans is None:
            with _lock:  # the checking thread and a code action may walk at once
                self._scans = self._collect()
        return iter(self._scans)

    def _collect(self) -> list[Scan]:
        assert self.root is not None
        here = real_path(self.name)
        home = os.path.dirname(here)
        mine = _terraform(here)
        top = real_path(self.root)
        old = _cache.get(top, {})
        new: dict[str, tuple[object, str | None, Scan]] = {}
        listings: dict[str, object] = {}
        out: list[Scan] = []
        place = None
        for n, item in enumerate(engine.expand([top], self.settings)):
            if n >= MAX_CONTEXT_FILES:
                if self.notes is not None:
                    self.notes.append(
                        f"{self.root}: more than {MAX_CONTEXT_FILES} files to read as context; "
                        "the rest were not read, so schedules that collide with them are not "
                        "found")
                break
            if isinstance(item, Scan):  # a folder that cannot be searched: the engine says so
                out.append(item)
                continue
            path = str(item.path)
            # Under a real root, a file the walk found is where its path says unless it is a
            # link: the real path (a system call per part of the path) is asked only of a
            # file named as the document is.
            key = os.path.abspath(path)
            if os.path.basename(key) == os.path.basename(here):
                key = real_path(path)
            if key == here:
                place = len(out)
                continue
            folder = os.path.dirname(key)
            depends: object = _stat(key)
            if _terraform(key) and depends is not None:
                if folder not in listings:
                    listings[folder] = _listing(folder)
                depends = (depends, listings[folder]) if listings[folder] is not None \
                    else None
            hit = old.get(key)
            same = folder == home and mine and _terraform(key)
            if hit is not None and depends is not None and hit[0] == depends and \
                    hit[1] == self._beside(same, hit[2]):
                scan = hit[2]
            else:
                try:
                    scan = engine.read(engine.Source(path, path, named=False))
                except ConfigError:
                    raise
                except Exception:  # said by the engine, as an unreadable context file
                    scan = Scan(path, None, unreadable=True)
            beside = self._beside(same, scan)
            if depends is not None and not scan.unreadable:
                new[key] = (depends, beside, scan)
            out.append(scan)
        _cache[top] = new
        self.place = place if place is not None else 0
        return out

    def _beside(self, same_module: bool, scan: Scan) -> str | None:
        """The document's text, for a scan of a file of the document's Terraform module that
        may read a name the document defines; else None."""
        if same_module and scan.text is not None and _NAMES.search(scan.text):
            return self.text
        return None


def context_folder(path: str, folders: list[str]) -> str | None:
    """The folder whose files are ``path``'s context: the deepest of the workspace
    ``folders`` holding it, else its own directory (None for a document with no file).

    A home directory or the root of a file system is never the context (decision D75): an
    editor opened there would have every check of a warehouse's schedules search all of it.
    """
    if not os.path.isabs(path):
        return None
    here = real_path(path)
    home = real_path(os.path.expanduser("~"))
    best = None
    for folder in folders:
        top = real_path(folder)
        if top == home or os.path.dirname(top) == top:
            continue
        if here.startswith(os.path.join(top, "")) and (best is None or len(top) > len(best)):
            best = top
    return best or os.path.dirname(here)


# -- spread's proposal ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """What ``schedulelib spread`` proposes for one document: the edits it writes in it
    (offsets into the document's text), the moves they make, the moves it proposes in
    other files (never made from here, decision D75), and why the edits of this document
    were refused ("" when they were not)."""

    edits: tuple[tuple[int, int, str], ...]
    here: tuple[Change, ...]
    elsewhere: tuple[Change, ...]
    refused: str = ""


def spread_fix(name: str, text: str, root: str | None = None,
               notes: list[str] | None = None) -> Proposal:
    """``spread``'s proposal for the document ``name`` holding ``text``, over the document and
    the files under ``root`` (those its SL701 diagnostics are judged with), in the order of
    ``spread ROOT``, with the window and DST policy of the document's configuration (those
    of its SL701 diagnostics).  Raises ConfigError."""
    from schedulelib.lint.sources import scan as scan_text
    from schedulelib.lint.spread import spread

    settings = engine.Settings(engine.Options())
    found = settings.for_file(name)
    with session():
        own = scan_text(text, name=name)  # first: the document's module reads its text
        if own.skipped or own.unreadable:
            return Proposal((), (), ())
        scans = [own]
        if root:
            around = _Around(root, name, text, settings, notes)
            every = list(around)

            def kept(part: list[Scan]) -> list[Scan]:
                return [s for s in part if not s.skipped and not s.unreadable]

            scans = [*kept(every[:around.place]), own, *kept(every[around.place:])]
        result = spread(scans, as_of=settings.as_of(found), dst=found.dst or "go")
    here = real_path(name)
    mine = [c for c in result.changes if real_path(c.file) == here]
    others_moved = tuple(c for c in result.changes if real_path(c.file) != here)
    refused = next((f.refused for f in result.files if f.file == own.file and f.refused), "")
    if refused and notes is not None:
        notes.append(f"{name}: spread's proposal not offered: {refused}")
    # The readers drop a byte order mark; the offsets of the edits are after it.
    shift = 1 if text.startswith("\ufeff") else 0
    edits = tuple((e.start + shift, e.end + shift, e.text)
                  for e in result.edits.get(own.file, ()))
    return Proposal(edits, tuple(mine), others_moved, refused)
