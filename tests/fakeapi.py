"""A local stand-in for Segment's Public API: the documented shapes, on 127.0.0.1.

It serves ``{"data": ...}`` wrappers with the SDK's field names, cursor pagination (``next``
absent on the last page), Bearer-token checks (401) and scripted faults (429 with rate-limit
headers, 500, malformed bodies).  Used by tests/test_pull.py and benchmarks/bench_audit.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "sgp_TEST_0123456789abcdefSECRETxyz"


@dataclass
class Fault:
    """One scripted answer to the next request whose path starts with ``prefix``."""

    prefix: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"errors": [{"type": "RequestError", "message": "scripted"}]}'


@dataclass
class Workspace:
    destinations: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    models: list[dict[str, Any]] = field(default_factory=list)
    #: (modelId, subscriptionId) -> sync statuses, newest first (as the API is assumed to).
    syncs: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)


def sync_status(sync_id: str, model_id: str, started: datetime, *, seconds: int = 60,
                status: str = "SUCCESS", error_code: str | None = None) -> dict[str, Any]:
    """A ReverseETLSyncStatus with every field the SDK names."""
    finished = started + timedelta(seconds=seconds)
    out: dict[str, Any] = {
        "syncId": sync_id, "modelId": model_id, "sourceId": "src1", "syncStatus": status,
        "duration": f"{seconds}s", "startedAt": _iso(started), "finishedAt": _iso(finished),
        "extractPhase": {"addedCount": "3", "updatedCount": "1", "deletedCount": "0",
                         "extractCount": "4", "startedAt": _iso(started),
                         "finishedAt": _iso(started + timedelta(seconds=1))},
        "loadPhase": {"deliverSuccessCount": "4", "deliverFailureCount": "0",
                      "startedAt": _iso(started + timedelta(seconds=1)),
                      "finishedAt": _iso(finished)},
    }
    if error_code is not None:
        out["errorCode"] = error_code
        out["error"] = "the warehouse refused the query"
    return out


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def small_workspace(now: datetime, *, syncs_per_sub: int = 30) -> Workspace:
    """Two destinations, three Reverse ETL subscriptions and one plain one; hourly syncs."""
    ws = Workspace()
    ws.models = [
        {"id": "m1", "sourceId": "src1", "name": "Accounts", "description": "", "enabled": True,
         "query": "select 1", "queryIdentifierColumn": "id"},
        {"id": "m2", "sourceId": "src1", "name": "Users", "description": "", "enabled": False,
         "query": "select 2", "queryIdentifierColumn": "id"},
    ]
    ws.destinations = [{"id": "d1", "name": "Salesforce", "enabled": True, "metadata": {}},
                       {"id": "d2", "name": "HubSpot", "enabled": True, "metadata": {}}]
    hourly = {"strategy": "CRON", "config": {"spec": "0 * * * *", "timezone": "UTC"}}
    ws.subscriptions = {
        "d1": [_sub("s1", "Upsert Account", "d1", "m1", hourly),
               _sub("s2", "Upsert Contact", "d1", "m1",
                    {"strategy": "PERIODIC", "config": {"interval": "1h"}}),
               {"id": "s9", "name": "Track event", "actionId": "a", "actionSlug": "track",
                "destinationId": "d1", "enabled": True, "settings": {}, "trigger": "type = x"}],
        "d2": [_sub("s3", "Users to HubSpot", "d2", "m2", hourly)],
    }
    top = now.replace(minute=0, second=0, microsecond=0)
    for sub in ("s1", "s2"):
        ws.syncs[("m1", sub)] = [
            sync_status(f"{sub}-y{i}", "m1", top - timedelta(hours=i + 1) + timedelta(seconds=4))
            for i in range(syncs_per_sub)]
    ws.syncs[("m2", "s3")] = []
    return ws


def _sub(sid: str, name: str, did: str, mid: str, schedule: dict[str, Any]) -> dict[str, Any]:
    return {"id": sid, "name": name, "actionId": "act", "actionSlug": "upsert",
            "destinationId": did, "enabled": True, "settings": {}, "trigger": "",
            "modelId": mid, "reverseETLSchedule": schedule}


class FakeApi:
    """The server's state: the workspace, scripted faults, and what was asked."""

    def __init__(self, ws: Workspace, *, page: int | None = None) -> None:
        self.ws = ws
        self.page = page  # force a page size smaller than the client asks for
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.lock = threading.Lock()
        self.url = ""

    def fault(self, prefix: str) -> Fault | None:
        with self.lock:
            for i, f in enumerate(self.faults):
                if prefix.startswith(f.prefix):
                    return self.faults.pop(i)
        return None

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts == ["destinations"]:
            return self.listing("destinations", self.ws.destinations, query, "pagination.")
        if len(parts) == 3 and parts[0] == "destinations" and parts[2] == "subscriptions":
            if parts[1] not in self.ws.subscriptions:
                return 404, {"errors": [{"type": "not-found", "message": "no destination"}]}
            return self.listing("subscriptions", self.ws.subscriptions[parts[1]], query,
                                "pagination.")
        if parts == ["reverse-etl-models"]:
            return self.listing("models", self.ws.models, query, "pagination.")
        if len(parts) == 5 and parts[0] == "reverse-etl-models" \
                and parts[2] == "subscriptionId" and parts[4] == "syncs":
            syncs = self.ws.syncs.get((parts[1], parts[3]), [])
            return self.listing("syncStatuses", syncs, query, "")
        return 404, {"errors": [{"type": "not-found", "message": "Resource not found"}]}

    def listing(self, key: str, items: list[Any], query: dict[str, list[str]],
                prefix: str) -> tuple[int, dict[str, Any]]:
        count = int(query.get(f"{prefix}count", ["10"])[0])
        if self.page is not None:
            count = min(count, self.page)
        start = int(query.get(f"{prefix}cursor", ["c0"])[0][1:])
        page = items[start:start + count]
        pagination: dict[str, Any] = {"current": f"c{start}", "totalEntries": len(items)}
        if start + count < len(items):
            pagination["next"] = f"c{start + count}"
        if start:
            pagination["previous"] = f"c{max(0, start - count)}"
        return 200, {"data": {key: page, "pagination": pagination}}


class _Handler(BaseHTTPRequestHandler):
    api: FakeApi
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this, Nagle and delayed ACKs add 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        with self.api.lock:
            self.api.requests.append((url.path, query,
                                      {k.lower(): v for k, v in self.headers.items()}))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send(401, {}, json.dumps({"errors": [{"type": "unauthorized",
                                                       "message": "Unauthorized"}]}).encode())
            return
        fault = self.api.fault(url.path)
        if fault is not None:
            self.send(fault.status, fault.headers, fault.body)
            return
        status, doc = self.api.answer(url.path, query)
        self.send(status, {}, json.dumps(doc).encode())

    def send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response_only(status)
        if "Date" not in headers:
            self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", "application/vnd.segment.v1+json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(api: FakeApi) -> Iterator[FakeApi]:
    """Run ``api`` on 127.0.0.1 at an ephemeral port in a thread; ``api.url`` is its base."""
    handler = type("Handler", (_Handler,), {"api": api})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
