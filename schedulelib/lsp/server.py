"""The language server: pygls on standard input and output.

Diagnostics are ``validate --format json`` on the text the editor holds (:mod:`.adapter`),
converted to LSP positions (:mod:`.positions`).  Work is kept off the message loop and never
done for a text that is already out of date:

* a change waits :data:`DEBOUNCE` seconds for the next one (one edit can be several
  notifications) and an open is checked at once;
* each document has a generation number; a newer change cancels the waiting check, and a check
  whose generation is stale when its turn comes, or when it ends, is dropped unpublished;
* checks run one at a time on one worker thread, so the loop stays free for hovers and the
  next changes, and a burst never piles up threads.

The files of the document's workspace folder (else of its directory) are the context of the
rules judged together (SL701, SL702), as ``validate --context FOLDER`` reads them.  An SL701
diagnostic offers ``spread``'s proposal for the document as a quick fix; that proposal is
computed on one thread of its own, once per text of the document, however many code-action
requests ask for it meanwhile (decision D75).

An exception while checking one document becomes an SL922 diagnostic in that document (with a
hint to report it) and the server goes on; one in a hover, a code action or a completion is
logged and answered with nothing.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from schedulelib.lsp import adapter
from schedulelib.lsp.positions import Document

__all__ = ["DEBOUNCE", "SchedulelibServer", "serve"]

#: Seconds a change waits for the next one before the document is checked (decision D72):
#: long enough to take the several notifications of one edit (a paste, a multi-cursor change,
#: a format) together, short enough to leave most of the 100 ms budget to the check itself.
DEBOUNCE = 0.015
#: A document's name when it has no file yet (an unsaved buffer), by the editor's language id:
#: the suffix picks the reader, as ``--stdin-filename`` does.
_UNTITLED = {"json": ".json", "jsonc": ".json", "yaml": ".yaml", "terraform": ".tf",
             "hcl": ".tf", "tf": ".tf", "terraform-vars": ".tfvars", "tfvars": ".tfvars"}
_SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning}

log = logging.getLogger("schedulelib.lsp")
R = TypeVar("R")


class SchedulelibServer(LanguageServer):
    def __init__(self) -> None:
        from schedulelib import __version__

        super().__init__("schedulelib", __version__,
                         text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.generation: dict[str, int] = {}
        self.waiting: dict[str, asyncio.Task[None]] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schedulelib-lsp")
        #: (uri, "scan" | "fixes" | "spread") -> (version, text, value): the last scan, fixer
        #: plan and spread proposal of each document, so that the code-action requests an
        #: editor sends on every cursor move cost nothing until the text changes.
        self.memo: dict[tuple[str, str], tuple[int | None, str, object]] = {}
        #: spread's proposals being made (one at a time: a source of 2,000 schedules takes
        #: seconds), by document: (version, text, the result to come).
        self.spreader = ThreadPoolExecutor(max_workers=1,
                                           thread_name_prefix="schedulelib-spread")
        self.spreading: dict[str, tuple[int | None, str,
                                        asyncio.Future[adapter.Proposal | None]]] = {}
        #: What validate would have said on standard error, already told to the editor.
        self.told: set[str] = set()

    def remembered(self, uri: str, what: str, version: int | None, text: str,
                   make: Callable[[], R]) -> R:
        """``make()`` for this text of ``uri``, made once per version."""
        key = (uri, what)
        hit = self.memo.get(key)
        if hit is not None and hit[0] == version and version is not None and hit[1] == text:
            return hit[2]  # type: ignore[return-value]
        value = make()
        self.memo[key] = (version, text, value)
        return value

    # -- documents ------------------------------------------------------------------------------

    def name_of(self, uri: str) -> str:
        path = to_fs_path(uri)
        if path is not None and uri.startswith("file:"):
            return path
        doc = self.workspace.get_text_document(uri)
        suffix = _UNTITLED.get((doc.language_id or "").lower(), "")
        base = os.path.basename(doc.path or "") or "untitled"
        return base if base.endswith(suffix) else base + suffix

    def context_of(self, uri: str) -> str | None:
        """The folder whose files are the context of ``uri`` (decision D75)."""
        if not uri.startswith("file:"):
            return None
        path = to_fs_path(uri)
        if path is None:
            return None
        folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        folders.append(self.workspace.root_path)
        return adapter.context_folder(path, [f for f in folders if f])

    def tell(self, notes: list[str]) -> None:
        """Each note once in the editor's log (validate prints them on standard error)."""
        for note in notes:
            if note not in self.told:
                self.told.add(note)
                self.window_log_message(t.LogMessageParams(type=t.MessageType.Warning,
                                                           message=f"schedulelib: {note}"))

    async def proposal(self, uri: str, name: str, version: int | None,
                       text: str) -> adapter.Proposal | None:
        """spread's proposal for this text of ``uri``: made once, on the spread thread; a
        request while it is being made waits for the same result."""
        key = (uri, "spread")
        hit = self.memo.get(key)
        if hit is not None and hit[0] == version and version is not None and hit[1] == text:
            return hit[2]  # type: ignore[return-value]
        running = self.spreading.get(uri)
        if running is None or running[0] != version or running[1] != text:
            root = self.context_of(uri)
            notes: list[str] = []

            def job() -> adapter.Proposal | None:
                now = self.workspace.text_documents.get(uri)
                if now is None or now.source != text:
                    return None  # a newer text came while this one waited: not made
                try:
                    return adapter.spread_fix(name, text, root, notes)
                except adapter.ConfigError:
                    return None  # the diagnostics say so; there is no SL701 to fix

            future = asyncio.ensure_future(
                asyncio.get_running_loop().run_in_executor(self.spreader, job))
            running = self.spreading[uri] = (version, text, future)

            def done(f: asyncio.Future[adapter.Proposal | None]) -> None:
                if self.spreading.get(uri) is running:
                    del self.spreading[uri]
                if not f.cancelled() and f.exception() is None:
                    self.tell(notes)
                    value = f.result()
                    if value is not None:
                        self.memo[key] = (version, text, value)

            future.add_done_callback(done)
        # Shielded: a request the editor cancels leaves the proposal to the next one.
        return await asyncio.shield(running[2])

    def encoding(self) -> str:
        value = str(self.workspace.position_encoding or "utf-16").lower()
        return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"

    def hover_kind(self) -> t.MarkupKind:
        """Markdown, unless the client lists the formats it shows and Markdown is not one."""
        hover = self.client_capabilities.text_document and \
            self.client_capabilities.text_document.hover
        formats = hover.content_format if hover else None
        if formats and t.MarkupKind.Markdown not in formats:
            return t.MarkupKind.PlainText
        return t.MarkupKind.Markdown

    def check_later(self, uri: str, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds unless a newer change comes first."""
        generation = self.generation[uri] = self.generation.get(uri, 0) + 1
        old = self.waiting.pop(uri, None)
        if old is not None:
            old.cancel()
        self.waiting[uri] = asyncio.ensure_future(self._check(uri, generation, delay))

    async def _check(self, uri: str, generation: int, delay: float) -> None:
        try:
            await self._check_now(uri, generation, delay)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug here must not end the loop's other work
            log.exception("checking %s failed", uri)

    async def _check_now(self, uri: str, generation: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if uri not in self.workspace.text_documents:
            return
        doc = self.workspace.get_text_document(uri)
        text, version, name = doc.source, doc.version, self.name_of(uri)
        encoding = self.encoding()
        root = self.context_of(uri)
        notes: list[str] = []

        def job() -> list[t.Diagnostic] | None:
            if self.generation.get(uri) != generation:
                return None  # a newer text is waiting: this one is stale
            # No cyclic garbage collection during a check: a full collection in the middle of
            # reading a 5,000-line file doubled the check's time (the p90 of bench_lsp.py),
            # and what a check leaves is freed by reference counting; collection resumes
            # as soon as it ends.
            collecting = gc.isenabled()
            gc.disable()
            try:
                return diagnostics(name, text, encoding, root, notes)
            finally:
                if collecting:
                    gc.enable()

        result = await asyncio.get_running_loop().run_in_executor(self.worker, job)
        if result is None or self.generation.get(uri) != generation:
            return
        self.tell(notes)
        self.waiting.pop(uri, None)
        self.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(uri=uri, diagnostics=result, version=version))

    def forget(self, uri: str) -> None:
        self.generation[uri] = self.generation.get(uri, 0) + 1
        for what in ("scan", "fixes", "spread"):
            self.memo.pop((uri, what), None)
        old = self.waiting.pop(uri, None)
        if old is not None:
            old.cancel()
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri,
                                                                          diagnostics=[]))


# -- diagnostics ----------------------------------------------------------------------------------


def diagnostics(name: str, text: str, encoding: str, root: str | None = None,
                notes: list[str] | None = None) -> list[t.Diagnostic]:
    """The LSP diagnostics of ``text`` as the file ``name``, with the files under ``root`` as
    context; never raises."""
    document = Document(text, encoding)
    try:
        checked = adapter.diagnose(name, text, root, notes)
    except adapter.ConfigError as exc:
        return [t.Diagnostic(
            range=t.Range(t.Position(0, 0), t.Position(0, 0)), severity=t.DiagnosticSeverity.Error,
            source="schedulelib",
            message=f"the schedulelib configuration cannot be used: {exc}\nhint: correct it; "
            "nothing in this file is checked until then")]
    except Exception as exc:  # one document must never stop the server
        log.exception("checking %s failed", name)
        checked = [adapter.internal(name, exc)]
    out = []
    for item in checked:
        try:
            out.append(_diagnostic(item, document))
        except Exception as exc:
            log.exception("placing a finding in %s failed", name)
            out.append(_diagnostic(adapter.internal(name, exc), document))
    return out


def _range(document: Document, line: int, column: int, end_line: int,
           end_column: int) -> t.Range:
    if line <= 0:
        return t.Range(t.Position(0, 0), t.Position(0, 0))
    start = document.position(line, column)
    end = document.position(end_line, end_column)
    return t.Range(t.Position(*start), t.Position(*max(start, end)))


def _diagnostic(item: adapter.Checked, document: Document) -> t.Diagnostic:
    r = item.record
    code = str(r["code"])
    message = str(r["message"])
    hint = str(r["hint"] or "")
    related = None
    if item.here:
        where = _range(document, int(str(r["line"])), int(str(r["column"])),
                       int(str(r["end_line"])), int(str(r["end_column"])))
    else:
        where = _range(document, *item.anchor)
        other = str(r["file"])
        message = f"{message} (in {os.path.basename(other)}:{r['line']}:{r['column']})"
        elsewhere = Document(_read(other))
        related = [t.DiagnosticRelatedInformation(
            location=t.Location(uri=from_fs_path(os.path.abspath(other)) or other,
                                range=_range(elsewhere, int(str(r["line"])),
                                             int(str(r["column"])), int(str(r["end_line"])),
                                             int(str(r["end_column"])))),
            message=f"{code} is placed here")]
    return t.Diagnostic(
        range=where, severity=_SEVERITY.get(str(r["severity"]), t.DiagnosticSeverity.Information),
        code=code, code_description=t.CodeDescription(href=str(r["url"])), source="schedulelib",
        message=f"{message}\nhint: {hint}" if hint else message,
        related_information=related, data={"pointer": r["pointer"]})


def _read(path: str) -> str:
    """Another file's text, to place a position in it ("" when it cannot be read)."""
    from schedulelib._support.files import open_regular

    try:
        with open_regular(path) as handle:
            return handle.read(16 * 1024 * 1024).decode("utf-8", "replace").removeprefix("\ufeff")
    except (OSError, ValueError):
        return ""


# -- the server and its handlers ------------------------------------------------------------------

server = SchedulelibServer()


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SchedulelibServer, params: t.DidOpenTextDocumentParams) -> None:
    ls.check_later(params.text_document.uri, 0)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: SchedulelibServer, params: t.DidChangeTextDocumentParams) -> None:
    ls.check_later(params.text_document.uri, DEBOUNCE)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: SchedulelibServer, params: t.DidSaveTextDocumentParams) -> None:
    # A saved file may be a variable's or a local's home for the other open files of its
    # Terraform module: they are checked again.
    # A saved configuration file may govern every open document: all are checked again.
    # Any saved file may be another's context: spread's proposals are made afresh.
    for key in [k for k in ls.memo if k[1] == "spread"]:
        del ls.memo[key]
    saved = to_fs_path(params.text_document.uri)
    folder = os.path.dirname(saved) if saved else None
    settings = saved is not None and os.path.basename(saved) in ("pyproject.toml",
                                                                 ".schedulelib.toml")
    # A saved file may also be in another document's context (SL701, SL702): that document
    # is checked again too.
    for uri in list(ls.workspace.text_documents):
        path = to_fs_path(uri)
        around = ls.context_of(uri)
        if uri == params.text_document.uri or settings or (
                folder and path and os.path.dirname(path) == folder) or (
                saved and around and saved.startswith(os.path.join(around, ""))):
            ls.check_later(uri, 0)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: SchedulelibServer, params: t.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_HOVER)
async def hover(ls: SchedulelibServer, params: t.HoverParams) -> t.Hover | None:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    text, name, encoding = doc.source, ls.name_of(uri), ls.encoding()
    position, version = params.position, doc.version

    def job() -> t.Hover | None:
        from schedulelib.lsp import hover as hovering

        document = Document(text, encoding)
        offset = document.offset(position.line, position.character)
        scan = ls.remembered(uri, "scan", version, text, lambda: adapter.scan(name, text))
        if scan.skipped or scan.text is None:
            return None
        shift = len(text) - len(scan.text) if text.endswith(scan.text) else 0
        hit = hovering.at(scan, offset - shift)
        if hit is None:
            return None
        found, (start, end) = hit
        try:
            settings = adapter.config(name)
        except adapter.ConfigError:
            settings = adapter.Settings("go", None)
        kind = ls.hover_kind()
        value = hovering.markdown(found, dst=settings.dst, as_of=settings.as_of,
                                  markup=kind == t.MarkupKind.Markdown)
        return t.Hover(contents=t.MarkupContent(kind=kind, value=value),
                       range=t.Range(t.Position(*document.offset_position(start + shift)),
                                     t.Position(*document.offset_position(end + shift))))

    return await _guarded(ls, "hover", job)


@server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
    code_action_kinds=[t.CodeActionKind.QuickFix, t.CodeActionKind.SourceFixAll]))
async def code_action(ls: SchedulelibServer,
                      params: t.CodeActionParams) -> list[t.CodeAction] | None:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    text, name, encoding = doc.source, ls.name_of(uri), ls.encoding()
    wanted, version = params.range, doc.version
    given = list(params.context.diagnostics or [])
    only = params.context.only
    collisions = [d for d in given if d.code == "SL701"]
    proposal = None
    if collisions and (not only or any(
            t.CodeActionKind.QuickFix.startswith(str(k)) for k in only)):
        try:
            proposal = await ls.proposal(uri, name, version, text)
        except Exception as exc:
            _failed(ls, "spread proposal", exc)

    def job() -> list[t.CodeAction]:
        document = Document(text, encoding)
        repairs, _refused = ls.remembered(uri, "fixes", version, text,
                                          lambda: adapter.fixes(name, text))
        actions: list[t.CodeAction] = []
        every: list[t.TextEdit] = []
        for repair in repairs:
            f = repair.finding
            where = _range(document, f.line, f.column, f.end_line, f.end_column)
            edits = [t.TextEdit(range=t.Range(t.Position(*document.offset_position(a)),
                                              t.Position(*document.offset_position(b))),
                                new_text=new) for a, b, new in repair.edits]
            every += edits
            if not _overlap(where, wanted):
                continue
            matching = [d for d in given if d.code == f.code and d.range == where]
            actions.append(t.CodeAction(
                title=f"Fix {f.code}: {repair.description}", kind=t.CodeActionKind.QuickFix,
                diagnostics=matching or None, is_preferred=True,
                edit=t.WorkspaceEdit(changes={uri: edits})))
        if proposal is not None and proposal.edits:
            actions.append(t.CodeAction(
                title=_spread_title(proposal), kind=t.CodeActionKind.QuickFix,
                diagnostics=collisions,
                edit=t.WorkspaceEdit(changes={uri: [
                    t.TextEdit(range=t.Range(t.Position(*document.offset_position(a)),
                                             t.Position(*document.offset_position(b))),
                               new_text=new) for a, b, new in proposal.edits]})))
        if every:
            actions.append(t.CodeAction(
                title="Fix every schedulelib finding --fix can repair",
                kind=t.CodeActionKind.SourceFixAll + ".schedulelib",
                edit=t.WorkspaceEdit(changes={uri: sorted(
                    every, key=lambda e: (e.range.start.line, e.range.start.character))})))
        if only:
            actions = [a for a in actions
                       if any(str(a.kind).startswith(str(k)) for k in only)]
        return actions

    return await _guarded(ls, "code action", job)


def _spread_title(proposal: adapter.Proposal) -> str:
    """What the spread quick fix does, in the words of ``schedulelib spread``."""
    from schedulelib.core.diagnostics import quote

    written = [c for c in proposal.here if not c.unwritable]
    if len(written) == 1:
        c = written[0]
        sign = "+" if c.shift > 0 else "-"
        what = f"start {quote(c.name, 40)} at {quote(c.new, 40)} ({sign}{abs(c.shift)} min" + \
            (", as the equivalent cron)" if c.to_cron else ")")
    else:
        what = f"move {len(written)} schedules of this file"
    by_hand = len(proposal.here) - len(written)
    if by_hand:
        what += f"; {by_hand} more to edit by hand"
    if proposal.elsewhere:
        files = sorted({os.path.basename(c.file) for c in proposal.elsewhere})
        what += f"; {len(proposal.elsewhere)} more in {', '.join(files[:3])}" + \
            (" and others" if len(files) > 3 else "") + ", not changed here"
    return f"Spread start minutes (schedulelib spread): {what}"


def _overlap(a: t.Range, b: t.Range) -> bool:
    def key(p: t.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


@server.feature(t.TEXT_DOCUMENT_COMPLETION,
                t.CompletionOptions(trigger_characters=['"', "'", "/", " ", "="]))
def completion(ls: SchedulelibServer, params: t.CompletionParams) -> t.CompletionList | None:
    try:
        from schedulelib.lsp.complete import complete

        uri = params.text_document.uri
        doc = ls.workspace.get_text_document(uri)
        text, name = doc.source, ls.name_of(uri)
        document = Document(text, ls.encoding())
        p = params.position
        offset = document.offset(p.line, p.character)
        line_start = document.offset(p.line, 0)
        lower = name.lower()
        terraform = lower.endswith((".tf", ".tfvars", ".tf.json"))
        items = complete(text[line_start:offset], text, terraform=terraform)
        out = []
        for item in items:
            start = document.offset_position(offset - item.typed)
            out.append(t.CompletionItem(
                label=item.label, detail=item.detail, sort_text=item.sort,
                filter_text=item.label,
                kind=t.CompletionItemKind.Value if item.kind == "zone"
                else t.CompletionItemKind.EnumMember,
                text_edit=t.TextEdit(range=t.Range(t.Position(*start), p),
                                     new_text=item.label)))
        return t.CompletionList(is_incomplete=False, items=out) if out else None
    except Exception:
        log.exception("completion failed")
        return None


async def _guarded(ls: SchedulelibServer, what: str, job: Callable[[], R | None]) -> R | None:
    try:
        return await asyncio.get_running_loop().run_in_executor(None, job)
    except Exception as exc:
        _failed(ls, what, exc)
        return None


def _failed(ls: SchedulelibServer, what: str, exc: Exception) -> None:
    log.exception("%s failed", what)
    ls.window_log_message(t.LogMessageParams(
        type=t.MessageType.Error,
        message=f"schedulelib: {what} failed ({type(exc).__name__}: {exc}); please "
        "report it"))


class _OneLine(logging.Formatter):
    """Log lines for the editor's log: an exception as its type and message, no traceback
    (pygls logs one for every malformed message a client sends)."""

    def formatException(self, ei: Any) -> str:
        return f"  {ei[0].__name__}: {ei[1]}" if ei and ei[0] is not None else ""

    def formatStack(self, stack_info: str) -> str:
        return ""

    def format(self, record: logging.LogRecord) -> str:
        # pygls also writes a traceback into the message itself: keep its last line only.
        text = super().format(record)
        head, mark, tail = text.partition("Traceback (most recent call last):")
        if not mark:
            return text
        last = [line.strip() for line in tail.splitlines() if line.strip()][-1:]
        return head.rstrip() + "".join(f"\n  {line}" for line in last)


def serve() -> None:
    """Serve LSP on standard input and output until the client says exit."""
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLine("schedulelib lsp: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    server.start_io()
