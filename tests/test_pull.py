"""schedulelib pull: the real HTTP client against a local server that serves the API's shapes."""

from __future__ import annotations

import gzip
import json
import pickle
import traceback
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from schedulelib.cli.main import main
from schedulelib.workspace.pull import AuthError, PullError, PullStats, Token, check_api_url, pull
from schedulelib.workspace.snapshot import read_snapshot

from .fakeapi import TOKEN, FakeApi, Fault, serve, small_workspace

NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


@pytest.fixture
def api() -> FakeApi:
    with serve(FakeApi(small_workspace(NOW), page=7)) as server:
        yield server


def _pull(api: FakeApi, sleeps: list[float] | None = None, **kw: object) -> object:
    record = sleeps if sleeps is not None else []
    return pull(Token(TOKEN), api_url=api.url, now=NOW, sleep=record.append, **kw)  # type: ignore[arg-type]


def _cli(api: FakeApi, tmp_path: Path, *args: str, token: str = TOKEN) -> tuple[int, str, Path]:
    out = tmp_path / "snap.json"
    result = CliRunner().invoke(main, ["pull", "-o", str(out), "--api-url", api.url, *args],
                                env={"SEGMENT_PUBLIC_API_TOKEN": token, "ALT_TOKEN": token})
    return result.exit_code, result.stdout + result.stderr, out


# -- the documented shapes ----------------------------------------------------------------------


def test_pull_reads_destinations_mappings_models_and_history(api: FakeApi) -> None:
    """Only subscriptions with modelId and a schedule are kept, with every sync in the horizon."""
    snap = _pull(api, history=timedelta(hours=10))
    subs = {s.id: s for s in snap.subscriptions()}  # type: ignore[attr-defined]
    assert sorted(subs) == ["s1", "s2", "s3"]
    assert [m.name for m in snap.models] == ["Accounts", "Users"]  # type: ignore[attr-defined]
    assert snap.models[1].enabled is False  # type: ignore[attr-defined]
    since = NOW - timedelta(hours=10)
    expected = sorted(y["startedAt"] for y in api.ws.syncs[("m1", "s1")]
                      if datetime.fromisoformat(y["startedAt"]) >= since)
    got = [s.started_at.strftime("%Y-%m-%dT%H:%M:%S.000Z") for s in subs["s1"].syncs]
    assert got == expected
    assert subs["s1"].schedule == {"strategy": "CRON",
                                   "config": {"spec": "0 * * * *", "timezone": "UTC"}}


def test_pagination_follows_next_until_absent(api: FakeApi) -> None:
    """Lists longer than a page are read page by page, passing the opaque cursor back."""
    api.ws.models = [dict(api.ws.models[0], id=f"m{i}") for i in range(20)]
    snap = _pull(api)
    assert [m.id for m in snap.models] == [f"m{i}" for i in range(20)]  # type: ignore[attr-defined]
    cursors = [q.get("pagination.cursor") for p, q, _ in api.requests
               if p == "/reverse-etl-models"]
    assert cursors == [None, ["c7"], ["c14"]]


def test_sync_paging_stops_at_the_horizon(api: FakeApi) -> None:
    """Once a whole page started before the horizon, no older page is asked for."""
    _pull(api, history=timedelta(hours=3))
    pages = [q for p, q, _ in api.requests if p.endswith("/subscriptionId/s1/syncs")]
    assert len(pages) == 2
    assert all(q["count"] == ["100"] for q in pages)


@pytest.mark.parametrize(("path", "media"), [
    ("/destinations", "application/vnd.segment.v1+json"),
    ("/reverse-etl-models", "application/vnd.segment.v1alpha+json"),
], ids=["stable", "alpha"])
def test_media_types(api: FakeApi, path: str, media: str) -> None:
    """Stable endpoints are asked for v1, the Reverse ETL ones for v1alpha."""
    _pull(api)
    assert {h["accept"] for p, _, h in api.requests if p == path} == {media}


def test_phase_error_code_is_kept(api: FakeApi) -> None:
    """A failed sync whose code sits only on its load phase still reports it."""
    y = api.ws.syncs[("m1", "s1")][0]
    y["syncStatus"] = "FAIL"
    y["loadPhase"]["errorCode"] = "E_LOAD"
    snap = _pull(api, history=timedelta(hours=2))
    sub = next(s for s in snap.subscriptions() if s.id == "s1")  # type: ignore[attr-defined]
    assert sub.syncs[-1].error_code == "E_LOAD"


# -- retries ------------------------------------------------------------------------------------


def _reset_headers(seconds: int) -> dict[str, str]:
    server_now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    return {"Date": format_datetime(server_now, usegmt=True),
            "X-RateLimit-Reset": format_datetime(server_now + timedelta(seconds=seconds),
                                                 usegmt=True),
            "X-RateLimit-Remaining": "0", "X-RateLimit-Consumed": "60"}


@pytest.mark.parametrize(("fault", "waits"), [
    (Fault("/destinations", 429, {"Retry-After": "7"}), [7.0]),
    (Fault("/destinations", 429, _reset_headers(12)), [12.0]),
    (Fault("/destinations", 429, {}, json.dumps({"errors": [{
        "type": "RequestError", "message": "Too many requests",
        "data": {"remainingPoints": 0, "msBeforeNext": 2500, "consumedPoints": 21}}]}).encode()),
     [2.5]),
    (Fault("/reverse-etl-models", 503, {"Retry-After": "3"}), [3.0]),
], ids=["retry-after", "ratelimit-reset", "ms-before-next", "503-retry-after"])
def test_rate_limits_are_honoured(api: FakeApi, fault: Fault, waits: list[float]) -> None:
    """A 429 or 5xx waits as long as the server asks, then the pull completes."""
    api.faults.append(fault)
    sleeps: list[float] = []
    snap = _pull(api, sleeps)
    assert sleeps == waits
    assert len(list(snap.subscriptions())) == 3  # type: ignore[attr-defined]


def test_500_then_success_backs_off(api: FakeApi) -> None:
    """A 500 without advice is retried after a short exponential backoff."""
    api.faults += [Fault("/destinations", 500), Fault("/destinations", 502)]
    sleeps: list[float] = []
    stats = PullStats()
    _pull(api, sleeps, stats=stats)
    assert stats.retries == 2
    assert 0.4 <= sleeps[0] <= 0.6 and 0.8 <= sleeps[1] <= 1.2


def test_success_with_no_requests_left_waits_for_the_window(api: FakeApi) -> None:
    """X-RateLimit-Remaining: 0 on a success makes the next request wait for the reset."""
    api.faults.append(Fault("/destinations", 200, _reset_headers(4),
                            json.dumps({"data": {"destinations": []}}).encode()))
    sleeps: list[float] = []
    _pull(api, sleeps)
    assert sleeps == [4.0]


def test_retries_are_bounded_in_total_time(api: FakeApi) -> None:
    """When the server keeps asking to wait, the pull gives up once its budget is spent."""
    api.faults += [Fault("/destinations", 429, {"Retry-After": "40"}) for _ in range(5)]
    sleeps: list[float] = []
    with pytest.raises(PullError, match="gave up"):
        _pull(api, sleeps, max_wait=100.0)
    assert sum(sleeps) <= 100.0


# -- failures end cleanly -----------------------------------------------------------------------


@pytest.mark.parametrize(("fault", "words"), [
    (Fault("/destinations", 200, {}, b"<html>maintenance</html>"), "not JSON"),
    (Fault("/destinations", 200, {}, b'{"destinations": []}'), '{"data"'),
    (Fault("/destinations", 200, {}, b'{"data": {"destinations": {}}}'), "not a list"),
    (Fault("/destinations", 200, {}, b'{"data": {"destinations": [],'
           b' "pagination": {"next": 5}}}'), "pagination.next"),
    (Fault("/destinations", 200, {}, b"[" * 100_000), "not JSON"),
    (Fault("/destinations", 404, {}, b'{"errors": [{"message": "gone"}]}'), "HTTP 404: gone"),
], ids=["html", "no-data", "wrong-type", "bad-cursor", "deep", "404"])
def test_malformed_responses_stop_the_pull(api: FakeApi, tmp_path: Path, fault: Fault,
                                           words: str) -> None:
    """A body that is not the documented shape ends with one line, exit 2, no file."""
    api.faults.append(fault)
    code, output, out = _cli(api, tmp_path)
    assert code == 2
    assert words in output
    assert len(output.strip().splitlines()) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left beside it either


@pytest.mark.parametrize(("fault", "ok"), [
    (Fault("/destinations", 200, {}, b'{"data": {"destinations": []}}' + b" " * 20_000),
     False),
    (Fault("/destinations", 200, {"Content-Encoding": "gzip"},
           gzip.compress(b'{"data": {"destinations": []}}' + b" " * 200_000)), False),
    (Fault("/destinations", 200, {"Content-Encoding": "gzip"},
           gzip.compress(b'{"data": {"destinations": []}}')), True),
], ids=["too-long", "gzip-bomb", "gzip-small"])
def test_bodies_are_read_only_up_to_the_limit(api: FakeApi, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, fault: Fault,
                                              ok: bool) -> None:
    """A body longer than the limit once decoded stops the pull; a small gzip body reads."""
    import schedulelib.workspace.pull

    monkeypatch.setattr(schedulelib.workspace.pull, "MAX_BODY", 10_000)
    api.faults.append(fault)
    code, output, _ = _cli(api, tmp_path)
    if ok:
        assert code == 0, output
    else:
        assert code == 2 and "larger than any page" in output


def test_a_long_body_is_not_held_in_memory(api: FakeApi, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """Reading stops at the limit: a 32 MB body past a 10 kB limit never sits in memory."""
    import tracemalloc

    import schedulelib.workspace.pull

    monkeypatch.setattr(schedulelib.workspace.pull, "MAX_BODY", 10_000)
    api.faults.append(Fault("/destinations", 200, {}, b" " * 32_000_000))
    tracemalloc.start()
    try:
        with pytest.raises(PullError, match="larger than any page"):
            pull(Token(TOKEN), api_url=api.url, sleep=lambda s: None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000


def test_a_failed_pull_keeps_the_previous_snapshot(api: FakeApi, tmp_path: Path) -> None:
    """A failure after an earlier good pull leaves the earlier file untouched."""
    code, _, out = _cli(api, tmp_path, "--history", "1d")
    before = out.read_bytes()
    api.faults.append(Fault("/reverse-etl-models/m1/subscriptionId/s2", 200, {}, b"{"))
    code, _, _ = _cli(api, tmp_path, "--history", "1d")
    assert code == 2
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]


@pytest.mark.parametrize("status", [401, 403], ids=["401", "403"])
def test_refused_token_is_one_line_exit_2(api: FakeApi, tmp_path: Path, status: int) -> None:
    """401 and 403 end with one clear line, exit status 2 and no file."""
    api.faults.append(Fault("/reverse-etl-models", status))
    code, output, out = _cli(api, tmp_path)
    assert code == 2
    assert output.strip().splitlines() == [
        f"Error: the API refused the token (HTTP {status} on GET /reverse-etl-models): check "
        "that it is valid and may read the workspace"]
    assert not out.exists()


def test_wrong_token_is_refused(api: FakeApi) -> None:
    """The server's own 401 for a token it does not know raises AuthError."""
    with pytest.raises(AuthError):
        pull(Token("not-the-token"), api_url=api.url, now=NOW)


# -- the token never shows ----------------------------------------------------------------------


def test_token_is_in_no_output_file_or_message(api: FakeApi, tmp_path: Path) -> None:
    """Pull, validate and audit outputs, the snapshot and every error text lack the token."""
    texts: list[str] = []
    code, output, out = _cli(api, tmp_path, "--history", "14d", "--token-env", "ALT_TOKEN")
    assert code == 0
    texts += [output, out.read_text()]
    for args in (["validate", str(out)], ["audit", str(out)], ["explain", str(out)]):
        result = CliRunner().invoke(main, args, env={"SEGMENT_PUBLIC_API_TOKEN": TOKEN})
        texts.append(result.stdout + result.stderr)
    api.faults.append(Fault("/destinations", 401))
    texts.append(_cli(api, tmp_path)[1])
    api.faults.append(Fault("/destinations", 200, {}, b"nope"))
    try:
        pull(Token(TOKEN), api_url=api.url, now=NOW)
    except PullError as exc:
        texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    token = Token(TOKEN)
    texts += [repr(token), str(token), f"{token}", repr([token])]
    assert all(TOKEN not in t for t in texts)
    assert all(TOKEN not in json.dumps(r[1]) + r[0] for r in api.requests)  # not in any URL


def test_token_cannot_be_pickled() -> None:
    """Pickling would write the secret out, so it is refused."""
    with pytest.raises(TypeError):
        pickle.dumps(Token(TOKEN))


@pytest.mark.parametrize("env", [{}, {"SEGMENT_PUBLIC_API_TOKEN": "  "}], ids=["unset", "blank"])
def test_missing_token_is_a_usage_error(tmp_path: Path, env: dict[str, str]) -> None:
    """No token in the environment: exit 2 naming the variable, nothing written."""
    out = tmp_path / "s.json"
    result = CliRunner().invoke(main, ["pull", "-o", str(out)], env=env)
    assert result.exit_code == 2
    assert "SEGMENT_PUBLIC_API_TOKEN is not set" in result.stderr
    assert not out.exists()


def test_no_token_option_exists() -> None:
    """There is no way to pass the token on the command line."""
    result = CliRunner().invoke(main, ["pull", "--help"])
    assert "--token " not in result.stdout and "--token=" not in result.stdout
    assert "--token-env" in result.stdout


# -- the base URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "ok"), [
    ("https://api.segmentapis.com", True),
    ("https://eu1.api.segmentapis.com/", True),
    ("http://localhost:8080", True),
    ("http://127.0.0.1:9", True),
    ("http://[::1]:9", True),
    ("http://api.segmentapis.com", False),
    ("http://127.0.0.2", False),
    ("http://localhost.evil.example", False),
    ("ftp://api.segmentapis.com", False),
    ("https://user:pw@api.segmentapis.com", False),
    ("https://api.segmentapis.com/?x=1", False),
    ("https://", False),
    ("http://[::1", False),
    ("api.segmentapis.com", False),
], ids=lambda v: str(v))
def test_api_url_is_https_or_loopback(url: str, ok: bool) -> None:
    """Plain http is refused except to localhost, 127.0.0.1 and ::1."""
    if ok:
        assert check_api_url(url) == url.rstrip("/")
    else:
        with pytest.raises(PullError):
            check_api_url(url)


def test_cli_refuses_plain_http_before_any_request(tmp_path: Path) -> None:
    """The refusal happens before the token is sent anywhere."""
    result = CliRunner().invoke(main, ["pull", "-o", str(tmp_path / "x.json"), "--api-url",
                                       "http://example.com"],
                                env={"SEGMENT_PUBLIC_API_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert "plain http" in result.stderr


# -- the snapshot file is read like any other ---------------------------------------------------


def test_snapshot_round_trips_and_validate_gives_positions(api: FakeApi, tmp_path: Path) -> None:
    """validate finds the pulled schedules with line numbers, and read_snapshot reads it back."""
    api.ws.subscriptions["d2"][0]["reverseETLSchedule"] = {
        "strategy": "CRON", "config": {"spec": "*/5 * * * *", "timezone": "UTC"}}
    code, _, out = _cli(api, tmp_path, "--history", "2h")
    assert code == 0
    snap = read_snapshot(out)
    assert len(list(snap.subscriptions())) == 3
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(out)])
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    (bad,) = [f for f in findings if f["severity"] == "error"]
    line = out.read_text().splitlines()[bad["line"] - 1]
    assert bad["code"] == "SL407" and "*/5" in line


def test_progress_callback_counts_subscriptions(api: FakeApi) -> None:
    """The progress hook (a bar on a terminal) sees every subscription once."""
    seen: list[tuple[int, int]] = []
    _pull(api, history=timedelta(hours=1), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_no_progress_bar_when_stderr_is_not_a_terminal(api: FakeApi, tmp_path: Path) -> None:
    """Under a pipe the only stderr line is the summary."""
    code, output, _ = _cli(api, tmp_path, "--history", "1d")
    assert code == 0
    assert output.strip().splitlines()[0].startswith("wrote ")
    assert len(output.strip().splitlines()) == 1


@pytest.mark.parametrize("span", ["0d", "-5h", "two weeks", "1" * 200, "99999999999d"],
                         ids=["zero", "negative", "words", "huge-number", "huge-days"])
def test_bad_history_spans_are_usage_errors(api: FakeApi, tmp_path: Path, span: str) -> None:
    """--history takes days (14d) or a Go duration, positive; anything else is exit 2."""
    code, output, out = _cli(api, tmp_path, "--history", span)
    assert code == 2
    assert output.startswith("Error: ")
    assert not out.exists()


def test_validate_never_imports_the_http_client(tmp_path: Path) -> None:
    """httpx is imported by pull only: validate, even of a snapshot, does not load it."""
    import subprocess
    import sys

    path = tmp_path / "s.json"
    path.write_text(json.dumps({"reverseETLSchedule": {"strategy": "manual"}}))
    code = ("import sys; from schedulelib.cli.main import run; run(['validate', sys.argv[1]]); "
            "run(['--help']); print(sorted(m for m in sys.modules if m.startswith(('httpx', "
            "'schedulelib.workspace.'))))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip().endswith("[]")
    assert "pull" in out and "audit" in out  # listed in --help all the same


def test_progress_bar_on_a_terminal(api: FakeApi, tmp_path: Path) -> None:
    """With standard error on a terminal, the pull draws a bar there (and never the token)."""
    import os
    import subprocess
    import sys

    pty = pytest.importorskip("pty")
    main_fd, child_fd = pty.openpty()
    out = tmp_path / "snap.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "schedulelib", "pull", "-o", str(out), "--api-url", api.url,
         "--history", "1d"], stdout=subprocess.PIPE, stderr=child_fd,
        env={**os.environ, "SEGMENT_PUBLIC_API_TOKEN": TOKEN})
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # EIO once the child closes its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert proc.wait(timeout=60) == 0
    terminal = b"".join(chunks).decode()
    assert "sync history" in terminal and "wrote " in terminal
    assert proc.stdout is not None
    with proc.stdout:
        assert proc.stdout.read() == b""
    assert TOKEN not in terminal


def test_a_cursor_that_repeats_stops_the_pull(api: FakeApi) -> None:
    """A server that hands back the same next cursor twice cannot keep the client paging."""
    page = json.dumps({"data": {"models": [], "pagination": {"current": "a", "next": "x"}}})
    api.faults += [Fault("/reverse-etl-models", 200, {}, page.encode())] * 2
    with pytest.raises(PullError, match="same next cursor"):
        _pull(api)


def test_ids_are_quoted_into_paths(api: FakeApi) -> None:
    """An id holding '/' or '..' stays one path segment."""
    api.ws.destinations.append({"id": "d/../x", "name": "Odd", "enabled": True})
    api.ws.subscriptions["d/../x"] = []
    _pull(api)
    assert "/destinations/d%2F..%2Fx/subscriptions" in {p for p, _, _ in api.requests}
