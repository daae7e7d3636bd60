"""A real LSP client (pytest-lsp's, on pygls) driving ``schedulelib lsp`` as a subprocess over
stdio, for the end-to-end tests and the latency benchmark."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from lsprotocol import types as t
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

ROOT = Path(__file__).resolve().parent.parent
PUBLISH = t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


class Session:
    """One client connected to one server process."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: dict[str, list[t.PublishDiagnosticsParams]] = {}
        self.versions: dict[str, int] = {}
        #: The versions of diagnostics published while another was awaited.
        self.passed: list[int | None] = []

    async def open(self, path: Path, text: str | None = None,
                   language: str = "") -> list[t.Diagnostic]:
        uri = uri_of(path)
        # Bytes decoded as they are: read_text would turn CRLF and CR into LF.
        text = path.read_bytes().decode("utf-8", "surrogatepass") if text is None else text
        self.versions[uri] = 1
        waiter = self._waiter()
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(
            uri=uri, language_id=language or language_of(path), version=1, text=text)))
        return await self._until(waiter, uri, 1)

    async def change(self, path: Path, text: str) -> list[t.Diagnostic]:
        """Replace the whole text (as a full-text change event)."""
        uri = uri_of(path)
        version = self.versions[uri] = self.versions[uri] + 1
        waiter = self._waiter()
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [t.TextDocumentContentChangeWholeDocument(text=text)]))
        return await self._until(waiter, uri, version)

    async def edit(self, path: Path, edits: list[tuple[t.Range, str]],
                   wait: bool = True) -> list[t.Diagnostic] | None:
        """Incremental changes, as editors send keystrokes."""
        uri = uri_of(path)
        version = self.versions[uri] = self.versions[uri] + 1
        waiter = self._waiter() if wait else None
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [t.TextDocumentContentChangePartial(range=r, text=s) for r, s in edits]))
        if waiter is None:
            return None
        return await self._until(waiter, uri, version)

    async def save(self, path: Path, then: Path) -> list[t.Diagnostic]:
        """Say ``path`` was saved; the diagnostics ``then`` gets next."""
        waiter = self._waiter()
        self.client.text_document_did_save(t.DidSaveTextDocumentParams(
            t.TextDocumentIdentifier(uri=uri_of(path))))
        return await self._until(waiter, uri_of(then), None)

    async def close(self, path: Path) -> list[t.Diagnostic]:
        uri = uri_of(path)
        waiter = self._waiter()
        self.client.text_document_did_close(t.DidCloseTextDocumentParams(
            t.TextDocumentIdentifier(uri=uri)))
        return await self._until(waiter, uri, None)

    def _waiter(self) -> asyncio.Future[t.PublishDiagnosticsParams]:
        return asyncio.ensure_future(self.client.wait_for_notification(PUBLISH))

    async def _until(self, waiter: asyncio.Future[t.PublishDiagnosticsParams], uri: str,
                     version: int | None) -> list[t.Diagnostic]:
        """The first diagnostics published for ``uri`` at ``version`` (any: None)."""
        while True:
            params = await asyncio.wait_for(waiter, 30)
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)
            self.passed.append(params.version)
            waiter = self._waiter()

    async def hover(self, path: Path, line: int, character: int) -> t.Hover | None:
        return await self.client.text_document_hover_async(t.HoverParams(
            t.TextDocumentIdentifier(uri_of(path)), t.Position(line, character)))

    async def actions(self, path: Path, where: t.Range,
                      diagnostics: list[t.Diagnostic]) -> list[t.CodeAction]:
        result = await self.client.text_document_code_action_async(t.CodeActionParams(
            t.TextDocumentIdentifier(uri_of(path)), where,
            t.CodeActionContext(diagnostics=diagnostics)))
        return [a for a in result or [] if isinstance(a, t.CodeAction)]

    async def complete(self, path: Path, line: int, character: int) -> list[t.CompletionItem]:
        result = await self.client.text_document_completion_async(t.CompletionParams(
            t.TextDocumentIdentifier(uri_of(path)), t.Position(line, character)))
        if result is None:
            return []
        return list(result.items if isinstance(result, t.CompletionList) else result)


@asynccontextmanager
async def server(encodings: tuple[str, ...] = ("utf-16",), *, cwd: Path | None = None,
                 env: dict[str, str] | None = None,
                 hover_formats: list[t.MarkupKind] | None = None) -> AsyncIterator[Session]:
    """``schedulelib lsp`` started and initialized; shut down and exited afterwards.
    ``hover_formats``: what the client says it can show in a hover (Neovim's, by default)."""
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "schedulelib", "lsp",
                          env={**os.environ, **(env or {})}, cwd=str(cwd or ROOT))
    capabilities = client_capabilities("neovim")
    capabilities.general = t.GeneralClientCapabilities(position_encodings=list(encodings))
    if hover_formats is not None:
        assert capabilities.text_document is not None
        capabilities.text_document.hover = t.HoverClientCapabilities(
            content_format=hover_formats)
    result = await client.initialize_session(t.InitializeParams(
        capabilities=capabilities, root_uri=uri_of(cwd or ROOT)))
    assert result.server_info is not None and result.server_info.name == "schedulelib"
    try:
        yield Session(client)
    finally:
        await client.shutdown_session()
        await client.stop()


def uri_of(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


def language_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".tf", ".tfvars")):
        return "terraform"
    return "yaml" if name.endswith((".yaml", ".yml")) else "json"


def validate_json(path: Path, cwd: Path | None = None,
                  context: Path | None = None) -> list[dict[str, object]]:
    """``schedulelib validate --format json PATH [--context CONTEXT]``, run as users run it."""
    more = ["--context", str(context)] if context is not None else []
    out = subprocess.run([sys.executable, "-m", "schedulelib", "validate", "--format", "json",
                          str(path), *more], capture_output=True, text=True,
                         cwd=str(cwd or ROOT), check=False, timeout=120)
    assert out.returncode in (0, 1, 2), out.stderr
    findings: list[dict[str, object]] = json.loads(out.stdout)["findings"]
    return findings
