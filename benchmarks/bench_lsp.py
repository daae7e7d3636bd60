"""``schedulelib lsp``: how long after the last change of a 5,000-line file its diagnostics
arrive, measured through a real LSP client (pytest-lsp's, on pygls) over stdio.

For each kind (JSON, YAML, Terraform) a file of 5,000 lines (about 800 schedules, some with
findings) is opened; then, each round, one incremental change flips one schedule between a
clean and a faulty value (so the diagnostics really change), and the time from sending it to
receiving the diagnostics of that version is taken.  A "burst" round sends ten keystrokes 5 ms
apart and times from the last one (debounce and stale-work dropping at work).

The budget (issue 20): within 100 ms of the last change.  Beside it, in the same run, two
floors: the same check done in-process with no LSP at all (``adapter.diagnose``, the work
itself) and the round trip of a request that does no work (a completion where there is nothing
to complete), so the ratios show what the server adds.

    python benchmarks/bench_lsp.py [ROUNDS]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities, make_test_lsp_client

from schedulelib.lsp import adapter
from schedulelib.lsp.server import DEBOUNCE

LINES = 5000
BUDGET = 0.100


def make(kind: str) -> tuple[str, int, int, str, str]:
    """(text, line, column, clean, faulty): the text, and where the flipped value sits."""
    out: list[str] = []
    i = 0
    while len(out) < LINES:
        spec = "*/5 * * * *" if i % 50 == 7 else f"{i % 60} {i % 24} * * {i % 7}"
        if kind == "json":
            out += ["    {", f'      "name": "s{i}",', '      "reverseETLSchedule": {',
                    '        "strategy": "cron",',
                    f'        "config": {{"spec": "{spec}", "timezone": "America/New_York"}}',
                    "      }", "    },"]
        elif kind == "yaml":
            out += [f"  - name: s{i}", "    reverseETLSchedule:", "      strategy: cron",
                    "      config:", f"        spec: '{spec}'",
                    "        timezone: Europe/Berlin"]
        else:
            out += [f'resource "segment_destination_subscription" "s{i}" {{',
                    f'  name = "s{i}"', "  reverse_etl_schedule = {",
                    '    strategy = "CRON"',
                    f'    config   = jsonencode({{ spec = "{spec}", timezone = "UTC" }})',
                    "  }", "}"]
        i += 1
    if kind == "json":
        out[-1] = "    }"
        out = ["{", '  "subscriptions": [', *out, "  ]", "}"]
        target = 4 + 2  # the first schedule's config line
    elif kind == "yaml":
        out = ["subscriptions:", *out]
        target = 5
    else:
        target = 4
    text = "\n".join(out) + "\n"
    line = text.split("\n")[target]
    column = line.index("0 0 * * 0")
    return text, target, column, "0 0 * * 0", "* 0 * * 0"


async def measure(kind: str, folder: Path, rounds: int) -> dict[str, list[float]]:
    text, line, column, clean, faulty = make(kind)
    path = folder / f"big.{ {'json': 'json', 'yaml': 'yaml', 'tf': 'tf'}[kind] }"
    path.write_text(text)
    uri = from_fs_path(str(path))
    assert uri is not None
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "schedulelib", "lsp")
    await client.initialize_session(t.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=from_fs_path(str(folder))))
    times: dict[str, list[float]] = {"change": [], "burst": [], "no-op request": [],
                                     "in-process check": [], "server CPU per change": [],
                                     "in-process CPU": []}
    pid = client._server.pid if client._server is not None else 0

    async def published(version: int) -> list[t.Diagnostic]:
        while True:
            params = await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)

    waiter = asyncio.ensure_future(published(1))
    await asyncio.sleep(0)
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        t.TextDocumentItem(uri=uri, language_id=kind, version=1, text=text)))
    first = await waiter
    version = 1
    current = clean
    for _ in range(rounds):
        # one change
        current = faulty if current == clean else clean
        version += 1
        waiter = asyncio.ensure_future(published(version))
        await asyncio.sleep(0)
        cpu = _cpu(pid)
        start = time.perf_counter()
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [t.TextDocumentContentChangePartial(
                range=t.Range(t.Position(line, column), t.Position(line, column + 1)),
                text=current[0])]))
        diagnostics = await waiter
        times["change"].append(time.perf_counter() - start)
        times["server CPU per change"].append(_cpu(pid) - cpu)
        assert (len(diagnostics) > len(first)) == (current == faulty), "the change is seen"
        # a burst of keystrokes: the same value typed over, 5 ms apart
        for k in range(10):
            version += 1
            if k == 9:
                waiter = asyncio.ensure_future(published(version))
                await asyncio.sleep(0)
            start = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [t.TextDocumentContentChangePartial(
                    range=t.Range(t.Position(line, column), t.Position(line, column + 1)),
                    text=current[0])]))
            if k < 9:
                await asyncio.sleep(0.005)
        await waiter
        times["burst"].append(time.perf_counter() - start)
        # the floor of the transport: a request that does nothing
        start = time.perf_counter()
        await client.text_document_completion_async(t.CompletionParams(
            t.TextDocumentIdentifier(uri), t.Position(0, 0)))
        times["no-op request"].append(time.perf_counter() - start)
        # the floor of the work: the same check in this process
        body = text if current == clean else _flip(text, line, column, current)
        start, cpu = time.perf_counter(), time.process_time()
        adapter.diagnose(str(path), body)
        times["in-process check"].append(time.perf_counter() - start)
        times["in-process CPU"].append(time.process_time() - cpu)
        await asyncio.sleep(0.05)
    await client.shutdown_session()
    await client.stop()
    return times


def _cpu(pid: int) -> float:
    """Seconds of CPU all threads of the process have run (Linux's schedstat, in nanoseconds;
    0 elsewhere)."""
    total = 0
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/schedstat") as handle:
                total += int(handle.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
    return total / 1e9


def _flip(text: str, line: int, column: int, value: str) -> str:
    lines = text.split("\n")
    lines[line] = lines[line][:column] + value[0] + lines[line][column + 1:]
    return "\n".join(lines)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"{LINES:,}-line files, {rounds} rounds each; debounce {DEBOUNCE * 1000:.0f} ms; "
          f"budget {BUDGET * 1000:.0f} ms from the last change to the diagnostics")
    worst = cpu_worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("json", "yaml", "tf"):
            times = asyncio.run(measure(kind, Path(tmp), rounds))
            work = statistics.median(times["in-process check"])
            print(f"  {kind}:")
            for name, values in times.items():
                median = statistics.median(values)
                p90 = sorted(values)[max(0, int(len(values) * 0.9) - 1)]
                print(f"    {name:<17} median {median * 1000:6.1f} ms   p90 "
                      f"{p90 * 1000:6.1f} ms   {median / work:5.2f}x the in-process check")
            worst = max(worst, statistics.median(times["change"]),
                        statistics.median(times["burst"]))
            cpu_worst = max(cpu_worst, statistics.median(times["server CPU per change"]))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"worst median {worst * 1000:.1f} ms: {verdict} the {BUDGET * 1000:.0f} ms budget "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs)")
    # On a shared machine the wall time includes waiting for a CPU: the server's own CPU time
    # per change, plus the debounce, is what an idle machine's wall time comes down to.
    print(f"worst server CPU per change {cpu_worst * 1000:.1f} ms + debounce "
          f"{DEBOUNCE * 1000:.0f} ms = {(cpu_worst + DEBOUNCE) * 1000:.1f} ms")
    print(json.dumps({"worst_median_ms": round(worst * 1000, 1),
                      "worst_cpu_ms": round(cpu_worst * 1000, 1)}))


if __name__ == "__main__":
    main()
