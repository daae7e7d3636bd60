"""Read a workspace through Segment's Public API, read only, into a :class:`Snapshot`.

The only module that imports the HTTP client (httpx, docs/decisions.md D44), so ``validate``
never pays for it.  What the client relies on, and where each fact comes from, is listed in
docs/audit.md ("What pull assumes about the API").

The token lives in a :class:`Token`, whose ``repr`` and ``str`` hide it; it goes into the
``Authorization`` header and nowhere else (httpx itself redacts that header in its reprs).
"""

from __future__ import annotations

import email.utils
import json
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, urlsplit

from schedulelib.core.diagnostics import ScheduleError
from schedulelib.workspace.snapshot import (
    Destination,
    Model,
    Snapshot,
    Subscription,
    Sync,
    _hook,
    _no_constant,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_TOKEN_ENV",
    "AuthError",
    "PullError",
    "PullStats",
    "Token",
    "check_api_url",
    "pull",
    "token_from_env",
]

DEFAULT_API_URL: Final = "https://api.segmentapis.com"
DEFAULT_TOKEN_ENV: Final = "SEGMENT_PUBLIC_API_TOKEN"
LOOPBACK: Final = frozenset({"localhost", "127.0.0.1", "::1"})
#: Segment's media types: stable endpoints answer v1, the Reverse ETL ones v1alpha.
V1: Final = "application/vnd.segment.v1+json"
V1ALPHA: Final = "application/vnd.segment.v1alpha+json"
#: The SDK allows pages of 1..1000 for lists; sync statuses take 1..100.
LIST_PAGE: Final = 200
SYNC_PAGE: Final = 100
#: A guard against a server whose cursors never end: pages of one list, and empty pages in a
#: row (a server that hands out new cursors on empty pages is followed no further).
MAX_PAGES: Final = 10_000
MAX_EMPTY_PAGES: Final = 20
#: What --history can need: no schedule runs more often than every 15 minutes, so one sync a
#: minute (manual syncs and retries on top) is a generous bound; pages past it are cut (and
#: said so), not followed.
SYNCS_PER_MINUTE: Final = 1
#: Seconds one response may take from the request to its last byte, and the whole pull by
#: default (``--deadline``).  httpx's own timeout applies to each read only: a server sending a
#: byte every 29 s would hold a page for ever.
RESPONSE_DEADLINE: Final = 60.0
PULL_DEADLINE: Final = 1800.0
#: A response larger than this is not one the API sends (a page of 1000 objects).
MAX_BODY: Final = 64 * 1024 * 1024


class PullError(ScheduleError):
    """The pull cannot go on: the message is one line, safe to show (never the token)."""


class AuthError(PullError):
    """The API refused the token (401 or 403)."""


class Token:
    """An API token whose ``repr``/``str`` never show it; :meth:`reveal` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise PullError("the API token is empty")
        if any(ord(c) < 0x21 or ord(c) > 0x7E for c in value.strip()):
            raise PullError("the API token holds characters a token never has (spaces, "
                            "control or non-ASCII characters)")
        self._value = value.strip()

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Token('<hidden>')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Token is not pickled (it would write the secret out)")


def token_from_env(name: str = DEFAULT_TOKEN_ENV,
                   environ: Mapping[str, str] | None = None) -> Token:
    """The token from environment variable ``name``; PullError if it is unset or empty."""
    env = os.environ if environ is None else environ
    value = env.get(name)
    if not value or not value.strip():
        raise AuthError(f"environment variable {name} is not set: export the Public API token "
                        "there (it is never taken on the command line)")
    return Token(value)


def check_api_url(url: str) -> str:
    """The base URL, without a trailing slash, if it is https (or http to a loopback address).

    Plain http would send the token in clear; loopback is allowed for local test servers.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # a bad port raises ValueError here
    except ValueError:
        raise PullError(f"--api-url {url[:200]!r} is not a URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise PullError(f"--api-url {url[:200]!r} must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise PullError("--api-url must not carry a user name or password")
    if parts.query or parts.fragment:
        raise PullError("--api-url must not carry a query or a fragment")
    if parts.scheme == "http" and not _loopback(host):
        raise PullError(f"--api-url {url[:200]!r} uses plain http: only https is allowed, "
                        "except to localhost, 127.0.0.1 or ::1")
    return url.rstrip("/")


def _loopback(host: str) -> bool:
    if host.lower() in LOOPBACK:
        return True
    try:
        return str(ip_address(host)) in LOOPBACK
    except ValueError:
        return False


@dataclass
class PullStats:
    """What a pull did: requests, retries, time waited, bytes and time spent parsing."""

    requests: int = 0
    retries: int = 0
    waited: float = 0.0
    bytes: int = 0
    parse_seconds: float = 0.0
    skipped_syncs: int = 0
    #: Sync statuses sent twice (same syncId for one subscription): kept once.
    duplicate_syncs: int = 0
    #: One line for each list that was cut short (what, and why).
    cut: list[str] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)


Progress = Callable[[int, int], None]


def pull(token: Token, *, api_url: str = DEFAULT_API_URL, history: timedelta | None = None,
         now: datetime | None = None, progress: Progress | None = None,
         max_wait: float = 300.0, timeout: float = 30.0,
         sleep: Callable[[float], None] = time.sleep,
         stats: PullStats | None = None, deadline: float = PULL_DEADLINE,
         response_deadline: float = RESPONSE_DEADLINE) -> Snapshot:
    """Read destinations, Reverse ETL subscriptions, models and (with ``history``) each
    subscription's sync statuses back to ``now - history``.

    ``max_wait`` bounds the seconds spent waiting between retries over the whole pull.
    ``deadline`` bounds the seconds of the whole pull, ``response_deadline`` those of each
    response (from the request to its last byte); past either, :class:`PullError`.
    A subscription's history is read no further than :data:`SYNCS_PER_MINUTE` syncs a minute
    of ``history`` can need; what is cut is listed in ``stats.cut``.  The token is replaced by
    ``[token]`` in every text built from what the server sent.
    ``progress(done, total)`` is called as subscriptions' histories are read.
    Raises :class:`AuthError` for 401/403 and :class:`PullError` for anything else that stops
    the pull; nothing is written here (see :func:`schedulelib.workspace.snapshot.write_snapshot`).
    """
    if not isinstance(token, Token):
        raise PullError("pass the token as a schedulelib.workspace.pull.Token")
    for name, value in (("deadline", deadline), ("response_deadline", response_deadline)):
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not 0 < value < 1e9:
            raise PullError(f"{name} must be a positive number of seconds, not {value!r}")
    try:
        return _pull(token, api_url, history, now, progress, max_wait, timeout, sleep,
                     stats if stats is not None else PullStats(), deadline, response_deadline)
    except PullError as exc:
        # The last net: a message quoting what the server sent never shows the token.
        secret = token.reveal()
        if secret in str(exc):
            raise type(exc)(str(exc).replace(secret, "[token]")) from None
        raise


def _pull(token: Token, api_url: str, history: timedelta | None, now: datetime | None,
          progress: Progress | None, max_wait: float, timeout: float,
          sleep: Callable[[float], None], stats: PullStats, deadline: float,
          response_deadline: float) -> Snapshot:
    base = check_api_url(api_url)
    if history is not None and (history <= timedelta(0) or history > timedelta(days=3650)):
        raise PullError("history must be a positive span of at most 3650 days")
    until = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    since = until - history if history is not None else None
    import httpx

    client = httpx.Client(
        base_url=base, timeout=timeout, follow_redirects=False,
        headers={"Authorization": f"Bearer {token.reveal()}",
                 "User-Agent": "schedulelib-pull (read only)"})
    api = _Api(client, max_wait, sleep, stats, token.reveal(), deadline, response_deadline)
    with client:
        dest_raw = list(api.pages("/destinations", "destinations", V1, LIST_PAGE))
        model_raw = list(api.pages("/reverse-etl-models", "models", V1ALPHA, LIST_PAGE))
        models = tuple(_model(m) for m in model_raw)
        subs_by_dest: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for d in dest_raw:
            did = _text(d, "id", "destination")
            subs = [s for s in api.pages(f"/destinations/{_seg(did)}/subscriptions",
                                         "subscriptions", V1, LIST_PAGE)
                    if isinstance(s.get("modelId"), str) and s["modelId"]
                    and s.get("reverseETLSchedule") is not None]
            subs_by_dest.append((d, subs))
        total = sum(len(s) for _, s in subs_by_dest)
        done = 0
        dests = []
        for d, subs in subs_by_dest:
            built = []
            for s in subs:
                syncs: tuple[Sync, ...] = ()
                if since is not None:
                    syncs = api.syncs(s["modelId"], _text(s, "id", "subscription"), since,
                                      until, history)
                built.append(_subscription(s, d, syncs))
                done += 1
                if progress is not None:
                    progress(done, total)
            dests.append(Destination(_text(d, "id", "destination"), _name(d),
                                     _flag(d), tuple(built)))
    return Snapshot(until, base, None if since is None else (since, until), models,
                    tuple(dests))


# -- building the snapshot's values ---------------------------------------------------------------


def _seg(value: str) -> str:
    return quote(value, safe="")


def _text(obj: Mapping[str, Any], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise PullError(f"malformed response: a {what} without a string {key!r}")
    return value


def _name(obj: Mapping[str, Any]) -> str:
    value = obj.get("name")
    return value if isinstance(value, str) else ""


def _flag(obj: Mapping[str, Any]) -> bool:
    value = obj.get("enabled", True)
    return value if isinstance(value, bool) else True


def _model(raw: Mapping[str, Any]) -> Model:
    source = raw.get("sourceId")
    return Model(_text(raw, "id", "model"), _name(raw), _flag(raw),
                 source if isinstance(source, str) else None)


def _subscription(raw: Mapping[str, Any], dest: Mapping[str, Any],
                  syncs: tuple[Sync, ...]) -> Subscription:
    did = raw.get("destinationId")
    return Subscription(_text(raw, "id", "subscription"), _name(raw), _flag(raw),
                        raw["modelId"], did if isinstance(did, str) else dest["id"],
                        raw["reverseETLSchedule"], syncs)


# -- talking to the API -------------------------------------------------------------------------


class _Api:
    def __init__(self, client: httpx.Client, max_wait: float,
                 sleep: Callable[[float], None], stats: PullStats, secret: str = "",
                 deadline: float = PULL_DEADLINE,
                 response_deadline: float = RESPONSE_DEADLINE) -> None:
        self.client = client
        self.budget = max_wait
        self.sleep = sleep
        self.stats = stats
        self.secret = secret
        self.deadline = deadline
        self.ends = time.monotonic() + deadline
        self.response_deadline = response_deadline

    def redact(self, text: str) -> str:
        """``text`` (built from what the server sent) without the token."""
        return text.replace(self.secret, "[token]") if self.secret and self.secret in text \
            else text

    def left(self, path: str) -> float:
        """Seconds left of the whole pull; PullError once there are none."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise PullError(f"GET {path}: the pull did not finish within "
                            f"{_seconds(self.deadline)} (--deadline); try again later, or "
                            "allow more time")
        return left

    def _lists(self, path: str, key: str, media: str,
               params: Callable[[str | None], dict[str, str]]) -> Iterator[list[Any]]:
        """The ``data.<key>`` list of each page, following cursors (``params(cursor)`` names
        them as the endpoint does) until ``next`` is absent."""
        cursor: str | None = None
        seen: set[str] = set()
        empty = 0
        for _ in range(MAX_PAGES):
            data = self.get(path, params(cursor), media)
            items = data.get(key)
            if not isinstance(items, list):
                raise PullError(f"malformed response from GET {path}: data.{key} is not a list")
            cursor = self.next_cursor(path, data, seen)
            empty = 0 if items else empty + 1
            yield items
            if cursor is None:
                return
            if empty >= MAX_EMPTY_PAGES:
                raise PullError(f"GET {path}: {empty} empty pages in a row, each with a new "
                                "next cursor; the server's paging does not end")
        raise PullError(f"GET {path}: more than {MAX_PAGES} pages")

    def pages(self, path: str, key: str, media: str, count: int) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list (``pagination.count`` / ``pagination.cursor``)."""
        def params(cursor: str | None) -> dict[str, str]:
            out = {"pagination.count": str(count)}
            if cursor is not None:
                out["pagination.cursor"] = cursor
            return out

        for items in self._lists(path, key, media, params):
            for item in items:
                if not isinstance(item, dict):
                    raise PullError(f"malformed response from GET {path}: an entry of "
                                    f"data.{key} is not an object")
                yield item

    def syncs(self, model_id: str, sub_id: str, since: datetime,
              until: datetime, history: timedelta | None = None) -> tuple[Sync, ...]:
        """A subscription's sync statuses started in ``[since, until]``, each ``syncId`` once.

        The API does not say in what order pages come; paging stops when the pages end or a
        whole page started before ``since`` (assumed newest first, docs/audit.md), or when
        more pages came than ``history`` can need (``stats.cut`` says so).
        """
        span = history if history is not None else until - since
        needed = int(span.total_seconds() // 60) * SYNCS_PER_MINUTE
        limit = needed // SYNC_PAGE + 2
        path = f"/reverse-etl-models/{_seg(model_id)}/subscriptionId/{_seg(sub_id)}/syncs"

        def params(cursor: str | None) -> dict[str, str]:
            out = {"count": str(SYNC_PAGE)}
            if cursor is not None:
                out["cursor"] = cursor
            return out

        out: list[Sync] = []
        ids: set[str] = set()
        lo, hi = since.timestamp(), until.timestamp()
        for page, items in enumerate(self._lists(path, "syncStatuses", V1ALPHA, params), 1):
            older = 0
            for item in items:
                if not isinstance(item, Sync):
                    self.stats.skipped_syncs += 1
                    continue
                if item.sync_id in ids:
                    self.stats.duplicate_syncs += 1
                    continue
                ids.add(item.sync_id)
                if item.started < lo:
                    older += 1
                elif item.started <= hi:
                    out.append(self._clean(item))
            if not items or older == len(items):
                break
            if page >= limit:
                self.stats.cut.append(
                    f"subscription {self.redact(sub_id)}: sync history cut after {page} pages "
                    f"({len(out)} syncs), more than {_seconds(span.total_seconds())} of "
                    "history can hold")
                break
        out.sort(key=lambda s: s.started)
        return tuple(out)

    def scrub(self, value: Any) -> Any:
        """``value`` (parsed JSON) with the token taken out of every string in it."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, Sync):
            return self._clean(value)
        if isinstance(value, dict):
            return {self.redact(k): self.scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        return value

    def _clean(self, sync: Sync) -> Sync:
        """The sync with the token taken out of the texts the snapshot keeps."""
        if not self.secret or not any(isinstance(v, str) and self.secret in v for v in sync):
            return sync
        def r(value: str | None) -> str | None:
            return None if value is None else self.redact(value)

        return sync._replace(sync_id=self.redact(sync.sync_id), status=self.redact(sync.status),
                             duration=r(sync.duration), error_code=r(sync.error_code),
                             error=r(sync.error))

    def next_cursor(self, path: str, data: Mapping[str, Any], seen: set[str]) -> str | None:
        page = data.get("pagination")
        if page is None:
            return None
        if not isinstance(page, dict):
            raise PullError(f"malformed response from GET {path}: pagination is not an object")
        cursor = page.get("next")
        if cursor is None or cursor == "":
            return None
        if not isinstance(cursor, str):
            raise PullError(f"malformed response from GET {path}: pagination.next is not a "
                            "string")
        if cursor in seen:
            raise PullError(f"GET {path}: the server sent the same next cursor twice")
        seen.add(cursor)
        return cursor

    def get(self, path: str, params: dict[str, str], media: str) -> dict[str, Any]:
        """One GET, retried on 429 and 5xx and network errors within the wait budget."""
        import httpx

        attempt = 0
        while True:
            attempt += 1
            self.stats.requests += 1
            self.stats.pages[path.split("/")[1]] = self.stats.pages.get(path.split("/")[1],
                                                                         0) + 1
            try:
                response = self.fetch(path, params, media)
            except httpx.TransportError as exc:
                self.backoff(path, attempt, None, f"{type(exc).__name__}")
                continue
            status = response.status_code
            if status in (401, 403):
                raise AuthError(f"the API refused the token (HTTP {status} on GET {path}): "
                                "check that it is valid and may read the workspace")
            if status == 429 or 500 <= status <= 599:
                self.backoff(path, attempt, response, f"HTTP {status}")
                continue
            if status != 200:
                raise PullError(f"GET {path}: HTTP {status}{_api_message(response, self)}")
            data = self.parse(path, response.content)
            self.pace(response)
            return data

    def fetch(self, path: str, params: dict[str, str], media: str) -> httpx.Response:
        """The response to one GET, complete within the response's and the pull's deadline.

        httpx bounds each read, not the response: the read runs in a helper thread that is
        waited for no longer than the deadline, then left to end at its next read timeout
        (the pull has stopped by then; its client is closed)."""
        wait = min(self.response_deadline, self.left(path))
        box: list[Any] = []

        def work() -> None:
            try:
                box.append(self._fetch(path, params, media))
            except BaseException as exc:  # handed to the pulling thread, never printed here
                box.append(exc)

        worker = threading.Thread(target=work, name="schedulelib-pull", daemon=True)
        worker.start()
        worker.join(wait)
        if not box:
            if wait < self.response_deadline:
                self.left(path)  # the pull's deadline, if it has passed
                raise PullError(f"GET {path}: the pull did not finish within "
                                f"{_seconds(self.deadline)} (--deadline); try again later, "
                                "or allow more time")
            raise PullError(f"GET {path}: no complete response within "
                            f"{_seconds(self.response_deadline)}; the server is too slow, "
                            "try again later")
        result = box[0]
        if isinstance(result, BaseException):
            raise result
        return result  # type: ignore[no-any-return]

    def _fetch(self, path: str, params: dict[str, str], media: str) -> httpx.Response:
        """The response to one GET, its body read in full but never past MAX_BODY bytes
        (decoded): a server that sends without end, or a small gzip body that inflates
        to gigabytes, stops the pull instead of filling the memory."""
        import httpx

        with self.client.stream("GET", path, params=params,
                                headers={"Accept": media}) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY:
                    raise PullError(f"GET {path}: a response of more than {MAX_BODY} bytes "
                                    "is larger than any page the API sends")
        # The body is decoded already: the headers that describe its encoding go.
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length",
                                        "transfer-encoding")]
        return httpx.Response(response.status_code, headers=headers, content=bytes(body),
                              request=response.request)

    def parse(self, path: str, body: bytes) -> dict[str, Any]:
        start = time.perf_counter()
        try:
            if self.secret and self.secret.encode() in body:
                # Written into the snapshot (a sync's error text quoting a request header):
                # the token never reaches the file.
                body = body.replace(self.secret.encode(), b"[token]")
            doc = json.loads(body, object_hook=_hook, parse_constant=_no_constant)
            if self.secret and _ESCAPED_ASCII.search(body):
                # The token written with JSON escapes (\u0073gp_...) slips past the byte
                # replacement above: look in every decoded text (rare, so the slow way).
                doc = self.scrub(doc)
        except (ValueError, RecursionError) as exc:
            raise PullError(f"malformed response from GET {path}: not JSON "
                            f"({self.redact(str(exc))[:120]})") from None
        finally:
            self.stats.parse_seconds += time.perf_counter() - start
            self.stats.bytes += len(body)
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, dict):
            raise PullError(f"malformed response from GET {path}: no {{\"data\": {{...}}}} "
                            "object")
        return data

    def backoff(self, path: str, attempt: int, response: httpx.Response | None,
                why: str) -> None:
        """Wait before retrying: what the server asks for, else exponential with jitter."""
        self.stats.retries += 1
        asked = _asked_wait(response) if response is not None else None
        wait = asked if asked is not None else min(30.0, 0.5 * 2 ** (attempt - 1))
        wait *= 1.0 if asked is not None else random.uniform(0.8, 1.2)
        if wait >= self.left(path):
            raise PullError(f"GET {path}: gave up after {attempt} attempts ({why}); waiting "
                            f"{wait:.0f} s more would pass the pull's deadline of "
                            f"{_seconds(self.deadline)} (--deadline)")
        if attempt > 10 or wait > self.budget:
            raise PullError(f"GET {path}: gave up after {attempt} attempts ({why}); the retry "
                            f"budget of the pull is spent")
        self.budget -= wait
        self.stats.waited += wait
        self.sleep(wait)

    def pace(self, response: httpx.Response) -> None:
        """When a success says no requests remain in the window, wait for the window's reset."""
        remaining = response.headers.get("X-RateLimit-Remaining")
        if remaining is None or remaining.strip() != "0":
            return
        wait = _reset_wait(response)
        if wait is not None and 0 < wait <= self.budget and wait < self.ends - time.monotonic():
            self.budget -= wait
            self.stats.waited += wait
            self.sleep(wait)


def _asked_wait(response: httpx.Response) -> float | None:
    """Seconds the server asks to wait: ``Retry-After`` (seconds or an HTTP date), Segment's
    ``errors[].data.msBeforeNext``, or the ``X-RateLimit-Reset`` date."""
    value = response.headers.get("Retry-After")
    if value is not None:
        value = value.strip()
        if value.isdigit() and len(value) < 10:
            return float(value)
        when = _http_date(value)
        if when is not None:
            return max(0.0, when - _server_now(response))
    if len(response.content) < 65536:
        try:
            doc = json.loads(response.content)
            ms = doc["errors"][0]["data"]["msBeforeNext"]
            if isinstance(ms, int | float) and not isinstance(ms, bool) \
                    and math.isfinite(ms) and 0 <= ms < 86_400_000:
                return ms / 1000.0
        except (ValueError, KeyError, IndexError, TypeError, RecursionError):
            pass
    return _reset_wait(response)


def _reset_wait(response: httpx.Response) -> float | None:
    value = response.headers.get("X-RateLimit-Reset")
    when = _http_date(value) if value is not None else None
    return None if when is None else max(0.0, when - _server_now(response))


def _http_date(value: str) -> float | None:
    if len(value) > 64:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _server_now(response: httpx.Response) -> float:
    # Dates in headers are the server's clock: measure against its Date header if it sent one.
    date = response.headers.get("Date")
    when = _http_date(date) if date is not None else None
    return when if when is not None else time.time()


def _api_message(response: httpx.Response, api: _Api) -> str:
    try:
        doc = json.loads(response.content[:65536])
        message = doc["errors"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return ""
    # Redacted before it is cut: a cut through the token would leave a part of it.
    return f": {api.redact(message)[:200]}" if isinstance(message, str) else ""


#: A JSON escape of a character a token may hold (printable ASCII): ``\u0041``, ``\/``.
_ESCAPED_ASCII = re.compile(rb"\\(?:u00[2-7][0-9A-Fa-f]|/)")


def _seconds(value: float) -> str:
    """``90 s``, ``30 min``: a deadline as people say it."""
    if value >= 120 and value % 60 == 0:
        return f"{value / 60:.0f} min"
    return f"{value:g} s"
