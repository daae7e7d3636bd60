"""pull against hostile servers: nothing leaked, nothing hangs, nothing grows without end."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.cli.main import main
from schedulelib.workspace.pull import MAX_EMPTY_PAGES, PullError, PullStats, Token, pull
from schedulelib.workspace.snapshot import read_snapshot

from .fakeapi import TOKEN, FakeApi, Fault, serve, small_workspace, sync_status

NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def _cli(url: str, out: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["pull", "-o", str(out), "--api-url", url, *args],
                                env={"SEGMENT_PUBLIC_API_TOKEN": TOKEN})
    return result.exit_code, result.stdout, result.stderr


def _leaks(text: str) -> bool:
    """Any 8 characters of the token in a row (a message cut through it leaks a part)."""
    return any(TOKEN[i:i + 8] in text for i in range(len(TOKEN) - 7))


# -- the token is never printed, nor written ------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 260), st.sampled_from(["bad header: Bearer ", "token=", "", "\n"]))
@example(190, "bad header: Bearer ")  # cut at 200 characters through the token
@example(0, "bad header: Bearer ")  # the case
def test_an_error_message_quoting_the_token_is_redacted(pad: int, before: str) -> None:
    """A 400 whose message quotes the token (where a cut at 200 characters would fall
    anywhere in it) prints one line without any part of the token, exit 2."""
    import tempfile

    with serve(FakeApi(small_workspace(NOW))) as api, tempfile.TemporaryDirectory() as folder:
        message = "x" * pad + before + TOKEN + " rest"
        api.faults.append(Fault("/destinations", 400, body=json.dumps(
            {"errors": [{"type": "RequestError", "message": message}]}).encode()))
        status, out, err = _cli(api.url, Path(folder, "snap.json"))
        assert status == 2
        assert not _leaks(out + err)
        assert "HTTP 400" in err and len(err.strip().splitlines()) == 1
        assert not Path(folder, "snap.json").exists()


def test_a_sync_error_quoting_the_token_is_not_written(tmp_path: Path) -> None:
    """Sync error texts (and every other text the server sends) reach the snapshot without
    the token, also when the server escapes it in JSON."""
    ws = small_workspace(NOW)
    key = next(iter(ws.syncs))
    ws.syncs[key][0]["errorCode"] = "E_AUTH"
    ws.syncs[key][0]["error"] = f"upstream said: Authorization: Bearer {TOKEN}"
    ws.syncs[key][1]["errorCode"] = f"code-{TOKEN}"
    with serve(FakeApi(ws)) as api:
        # The command pulls as of today: a history long enough to reach NOW's syncs.
        status, out, err = _cli(api.url, tmp_path / "snap.json", "--history", "3650d")
    assert status == 0, err
    text = (tmp_path / "snap.json").read_text()
    assert not _leaks(text + out + err)
    snap = read_snapshot(tmp_path / "snap.json")
    errors = [y.error for s in snap.subscriptions() for y in s.syncs if y.error]
    assert "upstream said: Authorization: Bearer [token]" in errors


def _escaped(text: str) -> str:
    """``text`` with every character as a JSON \\u escape (what json.dumps never writes)."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def test_a_token_written_with_json_escapes_is_not_written(tmp_path: Path) -> None:
    """The server escapes the token (\\u0073gp_...): the snapshot still never holds it."""
    ws = small_workspace(NOW)
    api = FakeApi(ws)
    destinations = json.dumps({"data": {"destinations": ws.destinations, "pagination": {}}})
    destinations = destinations.replace(json.dumps(ws.destinations[0]["name"]),
                                        '"D ' + _escaped(TOKEN) + '"', 1)
    key = next(iter(ws.syncs))
    syncs = [dict(y) for y in ws.syncs[key]]
    syncs[0].update(errorCode="E", error="ESCAPED")
    body = json.dumps({"data": {"syncStatuses": syncs, "pagination": {}}}).replace(
        '"ESCAPED"', '"said ' + _escaped("Bearer " + TOKEN) + '"')
    api.faults += [Fault("/destinations", 200, body=destinations.encode()),
                   Fault(f"/reverse-etl-models/{key[0]}/subscriptionId/{key[1]}/syncs", 200,
                         body=body.encode())]
    with serve(api) as server:
        status, out, err = _cli(server.url, tmp_path / "snap.json", "--history", "3650d")
    assert status == 0, err
    assert not api.faults  # both escaped answers were served
    text = (tmp_path / "snap.json").read_text()
    snap = read_snapshot(tmp_path / "snap.json")
    assert not _leaks(text + out + err)
    assert "D [token]" in [d.name for d in snap.destinations]
    assert "said Bearer [token]" in [y.error for s in snap.subscriptions() for y in s.syncs]


# -- a scriptable server: slow bodies, endless cursors --------------------------------------------


@contextmanager
def _server(handle: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with suppress(OSError):  # the client gave up: what the test wants
                handle(self)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _trickle(every: float) -> Callable[[BaseHTTPRequestHandler], None]:
    """Headers at once, then the body one byte at a time, ``every`` seconds apart."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        # Long enough that reading it all would take far longer than any deadline here.
        body = json.dumps({"data": {"destinations": [], "pagination": {}}}).encode() + \
            b" " * 2000
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for i in range(len(body)):
            h.wfile.write(body[i:i + 1])
            h.wfile.flush()
            time.sleep(every)
    return handle


@pytest.mark.parametrize(("every", "read_timeout"), [
    (0.05, 30.0),   # 20 bytes a second: each read is quick, the page never ends in time
    (0.9, 1.0),     # one byte just inside the read timeout (the byte every 29 s)
], ids=["2-bytes-a-second", "a-byte-just-inside-the-read-timeout"])
def test_a_slow_response_ends_at_its_deadline(every: float, read_timeout: float) -> None:
    with _server(_trickle(every)) as url:
        start = time.monotonic()
        with pytest.raises(PullError, match=r"no complete response within 1\.5 s"):
            pull(Token(TOKEN), api_url=url, now=NOW, timeout=read_timeout,
                 response_deadline=1.5)
        assert time.monotonic() - start < 1.5 + 3.0  # not 2,000 bytes' worth of waiting


def test_headers_sent_a_byte_at_a_time_end_at_the_deadline() -> None:
    """The status line and headers trickle (each byte inside the read timeout): the response
    deadline covers them too."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 1000:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.2)

    with _server(handle) as url:
        start = time.monotonic()
        with pytest.raises(PullError, match="no complete response within 1 s"):
            pull(Token(TOKEN), api_url=url, now=NOW, timeout=1.0, response_deadline=1.0)
        assert time.monotonic() - start < 1.0 + 3.0


def test_the_whole_pull_ends_at_its_deadline_in_one_line(tmp_path: Path) -> None:
    """The command: a trickling server and --deadline 2s: one line, exit 2, within bounds."""
    with _server(_trickle(0.3)) as url:
        start = time.monotonic()
        status, out, err = _cli(url, tmp_path / "snap.json", "--deadline", "2s")
        took = time.monotonic() - start
    assert status == 2 and out == ""
    assert err.startswith("Error: GET /destinations: the pull did not finish within 2 s")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert took < 2 + 4 and not (tmp_path / "snap.json").exists()


def test_waiting_on_retries_never_passes_the_deadline() -> None:
    """A server asking to wait longer than the deadline leaves: no sleep past it."""
    with serve(FakeApi(small_workspace(NOW))) as api:
        api.faults.append(Fault("/destinations", 429, headers={"Retry-After": "100"}))
        slept: list[float] = []
        with pytest.raises(PullError, match="pass the pull's deadline of 5 s"):
            pull(Token(TOKEN), api_url=api.url, now=NOW, sleep=slept.append, deadline=5,
                 max_wait=1000)
        assert slept == []


def _endless(items: Callable[[int], list[dict[str, Any]]], key: str
             ) -> Callable[[BaseHTTPRequestHandler], None]:
    """Every page gets a new cursor; ``items(n)`` is page n's content."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        url = urlsplit(h.path)
        query = parse_qs(url.query)
        n = int((query.get("cursor") or query.get("pagination.cursor") or ["0"])[0])
        if url.path == "/destinations":
            data: dict[str, Any] = {"destinations": [{"id": "d1", "name": "D", "enabled": True}]}
        elif url.path.endswith("/subscriptions"):
            data = {"subscriptions": [{"id": "s1", "name": "S", "enabled": True,
                                       "destinationId": "d1", "modelId": "m1",
                                       "reverseETLSchedule": {"strategy": "MANUAL"}}]}
        elif url.path == "/reverse-etl-models":
            data = {"models": [] if key != "models" else items(n)}
        else:
            data = {"syncStatuses": items(n)}
        if (key == "models" and url.path == "/reverse-etl-models") or \
                (key == "syncStatuses" and url.path.endswith("/syncs")):
            data["pagination"] = {"next": str(n + 1)}
        body = json.dumps({"data": data}).encode()
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return handle


def test_empty_pages_with_new_cursors_are_not_followed_for_ever() -> None:
    with _server(_endless(lambda n: [], "models")) as url:
        stats = PullStats()
        with pytest.raises(PullError, match=f"{MAX_EMPTY_PAGES} empty pages in a row"):
            pull(Token(TOKEN), api_url=url, now=NOW, stats=stats)
        assert stats.pages["reverse-etl-models"] == MAX_EMPTY_PAGES


@pytest.mark.parametrize("hours", [1, 10, 48])
def test_sync_pages_are_bounded_by_the_history(hours: int) -> None:
    """Pages of syncs inside the horizon without end: cut where --history cannot need more
    (one sync a minute), and said so."""
    def page(n: int) -> list[dict[str, Any]]:
        return [sync_status(f"y{n}-{i}", "m1", NOW - timedelta(seconds=n * 100 + i))
                for i in range(100)]

    with _server(_endless(page, "syncStatuses")) as url:
        stats = PullStats()
        snap = pull(Token(TOKEN), api_url=url, now=NOW, stats=stats,
                    history=timedelta(hours=hours))
    pages = hours * 60 // 100 + 2
    assert stats.pages["reverse-etl-models"] == 1 + pages  # the models, then the syncs
    assert sum(len(s.syncs) for s in snap.subscriptions()) == pages * 100
    assert stats.cut == [f"subscription s1: sync history cut after {pages} pages "
                         f"({pages * 100} syncs), more than {hours * 60} min of history "
                         "can hold"]


def test_sync_ids_sent_twice_are_kept_once(tmp_path: Path) -> None:
    """A server that sends the same syncs on every page: each syncId once, and counted."""
    now = datetime.now(UTC) - timedelta(hours=1)  # the command pulls as of today
    same = [sync_status(f"y{i}", "m1", now - timedelta(minutes=i)) for i in range(100)]
    with _server(_endless(lambda n: same, "syncStatuses")) as url:
        status, _, err = _cli(url, tmp_path / "snap.json", "--history", "10h")
    assert status == 0, err
    snap = read_snapshot(tmp_path / "snap.json")
    ids = [y.sync_id for s in snap.subscriptions() for y in s.syncs]
    assert sorted(ids) == sorted(f"y{i}" for i in range(100))
    assert "sync statuses sent twice kept once" in err
    assert "Warning: subscription s1: sync history cut after 8 pages" in err


# -- where -o writes (D61) ------------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with serve(FakeApi(small_workspace(NOW))) as server:
        yield server


def test_output_through_a_link_replaces_its_target(api: FakeApi, tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "real.json").chmod(0o644)
    (tmp_path / "link.json").symlink_to("real.json")
    status, _, err = _cli(api.url, tmp_path / "link.json")
    assert status == 0, err
    assert (tmp_path / "link.json").is_symlink()
    assert read_snapshot(tmp_path / "real.json").destinations
    assert stat.S_IMODE((tmp_path / "real.json").stat().st_mode) == 0o644


def test_a_new_snapshot_is_private_and_a_read_only_one_is_kept(api: FakeApi,
                                                               tmp_path: Path) -> None:
    new = tmp_path / "new.json"
    assert _cli(api.url, new)[0] == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    locked = tmp_path / "locked.json"
    locked.write_text("{}")
    locked.chmod(0o444)
    try:
        status, _, err = _cli(api.url, locked)
        assert status == 2 and locked.read_text() == "{}"
        assert "read-only" in err or "not writable" in err
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    finally:
        os.chmod(locked, 0o644)
