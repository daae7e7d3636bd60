"""docs/editors.md's yaml-language-server set-up for `schedulelib schema`, run for real.

The modeline, the ``yaml.schemas`` setting and the wrapper schema are taken from the docs as
written; yaml-language-server (Node) runs as a subprocess and is driven over stdio by a real
LSP client (pytest-lsp's). Skipped when node or yaml-language-server is absent (CI has
neither): set YAML_LANGUAGE_SERVER to its executable, or put it on PATH. Nothing reaches the
network: SchemaStore is off, and the server's HTTP goes to a closed local port.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lsprotocol import types as t
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("YAML_LANGUAGE_SERVER") or shutil.which("yaml-language-server")
pytestmark = pytest.mark.skipif(
    SERVER is None or shutil.which("node") is None,
    reason="needs node and yaml-language-server (npm install yaml-language-server)")

#: Nothing listens on port 9 (discard) here: a fetch the server tried would fail at once.
NOWHERE = "http://127.0.0.1:9"


def docs_section() -> str:
    text = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    found = re.search(r"^## Editors that only speak JSON Schema.*?(?=^## |\Z)", text, re.M | re.S)
    assert found is not None, "docs/editors.md lost its JSON Schema section"
    return found.group(0)


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", docs_section(), re.M | re.S)


MODELINE_EXAMPLE = blocks("yaml")[0]
SETTINGS = next(json.loads(b) for b in blocks("json") if "yaml.schemas" in b)
WRAPPER = next(json.loads(b) for b in blocks("json") if '"subscriptions"' in b)
SCHEMA_FILE = re.search(r"schedulelib schema > (\S+)", docs_section())
assert SCHEMA_FILE is not None
SCHEMA_NAME = SCHEMA_FILE.group(1)


class Editor:
    """yaml-language-server and one client, on an event loop in a thread of their own, so
    that plain (and hypothesis) tests can ask it to judge one text at a time."""

    def __init__(self, root: Path, yaml_settings: dict[str, Any]) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.names = itertools.count()
        self.client: LanguageClient = self.call(self._start(yaml_settings))

    def call(self, job: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(job, self.loop).result(timeout=60)

    async def _start(self, yaml_settings: dict[str, Any]) -> LanguageClient:
        client = make_test_lsp_client()
        # yaml-language-server registers for configuration changes; a client may accept.
        client.feature(t.CLIENT_REGISTER_CAPABILITY)(lambda *_: None)
        client.set_configuration({"validate": True, "schemaStore": {"enable": False},
                                  **yaml_settings}, section="yaml")
        client.set_configuration({"proxy": NOWHERE, "proxyStrictSSL": True}, section="http")
        assert SERVER is not None
        env = {**os.environ, "HTTP_PROXY": NOWHERE, "HTTPS_PROXY": NOWHERE, "NO_PROXY": ""}
        await client.start_io(SERVER, "--stdio", env=env, cwd=str(self.root))
        root = from_fs_path(str(self.root))
        result = await client.initialize_session(t.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=root,
            workspace_folders=[t.WorkspaceFolder(uri=str(root), name="work")]))
        assert result.server_info is not None
        assert result.server_info.name == "yaml-language-server"
        client.workspace_did_change_configuration(t.DidChangeConfigurationParams(
            settings={"yaml": client.get_configuration(section="yaml"),
                      "http": client.get_configuration(section="http")}))
        return client

    def judge(self, relative: str, text: str) -> list[t.Diagnostic]:
        """What the server says of ``text`` opened as ``relative`` (a fresh name each time)."""
        return list(self.call(self._judge(relative, text)))

    async def _judge(self, relative: str, text: str) -> list[t.Diagnostic]:
        stem, _, suffix = relative.rpartition(".")
        path = self.root / f"{stem}-{next(self.names)}.{suffix}"
        uri = from_fs_path(str(path))
        waiter = asyncio.ensure_future(
            self.client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS))
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(
            uri=str(uri), language_id="yaml", version=1, text=text)))
        while True:
            params = await asyncio.wait_for(waiter, 30)
            if params.uri == uri:
                break
            waiter = asyncio.ensure_future(
                self.client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS))
        self.client.text_document_did_close(t.DidCloseTextDocumentParams(
            t.TextDocumentIdentifier(uri=str(uri))))
        return list(params.diagnostics)

    def close(self) -> None:
        try:
            self.call(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    async def _stop(self) -> None:
        await self.client.shutdown_session()
        await self.client.stop()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the schema `schedulelib schema` writes, and the docs' wrapper schema."""
    root = tmp_path_factory.mktemp("yaml-ls")
    out = subprocess.run([sys.executable, "-m", "schedulelib", "schema"], capture_output=True,
                         text=True, check=True, timeout=120)
    (root / SCHEMA_NAME).write_text(out.stdout, encoding="utf-8")
    (root / "subscriptions.schema.json").write_text(json.dumps(WRAPPER), encoding="utf-8")
    (root / "schedules").mkdir()
    (root / "elsewhere").mkdir()
    return root


@pytest.fixture(scope="module")
def editor(workspace: Path) -> Iterator[Editor]:
    """The server with the docs' ``yaml.schemas`` setting."""
    settings_yaml = {key.removeprefix("yaml."): value for key, value in SETTINGS.items()}
    running = Editor(workspace, settings_yaml)
    yield running
    running.close()


def schema_errors(diagnostics: list[t.Diagnostic]) -> list[tuple[int, str]]:
    """(0-based line, message) of the diagnostics the schema gave (not YAML syntax ones)."""
    return [(d.range.start.line, d.message) for d in diagnostics
            if (d.source or "").startswith("yaml-schema")]


MODELINE = MODELINE_EXAMPLE.splitlines()[0]

# -- the documented modeline, on a file that is one schedule -------------------------------------

#: (the example's line replaced, the line put there): each breaks the schema on that line.
BREAKS = [
    ("strategy: cron", "strategy: hourly"),                      # no such strategy
    ("strategy: cron", "strategy: Cron"),                        # neither spelling Segment uses
    ('  timezone: Europe/Berlin', '  timezone: Mars/Olympus'),   # not an IANA name
    ('  spec: "30 2 * * *"', "  spec: 30"),                      # a number, not a string
    ('  timezone: Europe/Berlin', "  zone: Europe/Berlin"),      # a key cron has no use for
]


def test_the_modeline_example_is_clean(editor: Editor) -> None:
    """The docs' example, modeline and all, draws no schema error (and is one schedule)."""
    assert MODELINE.startswith("# yaml-language-server: $schema=")
    assert schema_errors(editor.judge("one.yaml", MODELINE_EXAMPLE)) == []


@pytest.mark.parametrize(("old", "new"), BREAKS, ids=[new.strip() for _, new in BREAKS])
def test_the_modeline_brings_the_schema(editor: Editor, old: str, new: str) -> None:
    """One broken line of the example: the schema's error is reported on that line (and
    a renamed key also leaves the required one missing, reported where its object starts)."""
    assert old in MODELINE_EXAMPLE
    text = MODELINE_EXAMPLE.replace(old, new)
    line = text.splitlines().index(new)
    errors = schema_errors(editor.judge("one.yaml", text))
    assert line in [n for n, _ in errors], errors


def test_hours_out_of_range(editor: Editor) -> None:
    """specific_days with hour 25: the schema's maximum is named."""
    text = (f"{MODELINE}\nstrategy: specific_days\nconfig:\n  days: [1]\n  hours: [8, 25]\n"
            "  timezone: America/Chicago\n")
    errors = schema_errors(editor.judge("one.yaml", text))
    assert len(errors) == 1 and errors[0][0] == 4, errors
    assert "23" in errors[0][1], errors


def test_without_the_modeline_nothing_is_judged(editor: Editor) -> None:
    """The same broken file with no modeline, outside the setting's folders: no schema."""
    text = MODELINE_EXAMPLE.replace("strategy: cron", "strategy: hourly")
    text = text.replace(MODELINE + "\n", "")
    assert schema_errors(editor.judge("elsewhere/one.yaml", text)) == []


def test_the_modeline_path_is_relative_to_the_file(editor: Editor) -> None:
    """A file one folder down names the schema with ``../``, as the docs say."""
    target = MODELINE.partition("$schema=")[2]
    text = MODELINE_EXAMPLE.replace("strategy: cron", "strategy: hourly")
    down = text.replace(target, "../" + target.removeprefix("./"))
    errors = schema_errors(editor.judge("elsewhere/one.yaml", down))
    assert [n for n, _ in errors] == [text.splitlines().index("strategy: hourly")], errors


# -- the documented yaml.schemas setting ---------------------------------------------------------


def test_the_setting_covers_its_folder(editor: Editor) -> None:
    """No modeline: a file under schedules/ (the setting's glob) is judged by the schema."""
    pattern = SETTINGS["yaml.schemas"][f"./{SCHEMA_NAME}"][0]
    folder, _, _ = pattern.partition("/")
    text = MODELINE_EXAMPLE.replace(MODELINE + "\n", "")
    assert schema_errors(editor.judge(f"{folder}/one.yaml", text)) == []
    bad = text.replace("strategy: cron", "strategy: hourly")
    errors = schema_errors(editor.judge(f"{folder}/one.yaml", bad))
    assert [n for n, _ in errors] == [bad.splitlines().index("strategy: hourly")], errors
    assert "Value is not accepted" in errors[0][1]


# -- the documented wrapper schema, for a schedule nested in a subscriptions file ---------------

SUBSCRIPTIONS = """\
# yaml-language-server: $schema=./subscriptions.schema.json
subscriptions:
  - name: Nightly export
    reverseETLSchedule:
      strategy: cron
      config:
        spec: "30 2 * * *"
        timezone: Europe/Berlin
  - name: Daily
    reverseETLSchedule:
      strategy: periodic
      config:
        interval: 24h
"""


@pytest.mark.parametrize(("old", "new"), [
    (None, None),
    ("      strategy: periodic", "      strategy: hourly"),
    ("        interval: 24h", "        interval: 1d"),  # Go has no day unit
], ids=["clean", "unknown-strategy", "day-unit"])
def test_the_wrapper_schema(editor: Editor, old: str | None, new: str | None) -> None:
    """The wrapper refers to the schedule schema: nested schedules are judged, only them."""
    text = SUBSCRIPTIONS if old is None or new is None else SUBSCRIPTIONS.replace(old, new)
    errors = schema_errors(editor.judge("subscriptions.yaml", text))
    expected = [] if new is None else [text.splitlines().index(new)]
    assert [n for n, _ in errors] == expected, errors


# -- generated schedules: the editor agrees with an independent JSON Schema validator --------------

STRATEGIES = ["cron", "CRON", "periodic", "PERIODIC", "specific_days", "SPECIFIC_DAYS",
              "manual", "MANUAL", "dbt_cloud", "DBT_CLOUD", "hourly", "Cron", ""]
# Pools of values, most of them good: schedules built from them are valid about half the time,
# so the comparison is tested on both sides of the line.
INTERVALS = st.sampled_from(["15m", "1h", "12h", "24h", "1h30m", "1.5h", "90s", "10m", "0",
                             "+2h", "1µs", "1d", "1 h", "-", "", "h", "1H"])
SPECS = st.sampled_from(["30 2 * * *", "*/15 * * * *", "0 8-17/2 * * 1-5", "0 0 1,15 * ?",
                         "0 9 * * MON", "@daily", "0 25 * * * *", "", "*/5"])
ZONES = st.sampled_from(["UTC", "Europe/Berlin", "US/Pacific", "America/Chicago",
                         "Mars/Olympus", "utc", "Europe/berlin", ""])
DAYS = st.one_of(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True),
                st.lists(st.integers(-1, 7), max_size=8))
HOURS = st.one_of(st.lists(st.integers(0, 23), min_size=1, max_size=3, unique=True),
                  st.lists(st.integers(-1, 24), max_size=25))
IDS = st.sampled_from(["123", "job-9", "", " ", "\t"])
WELL_FORMED = st.one_of(
    st.fixed_dictionaries({"strategy": st.sampled_from(["cron", "CRON"]),
                           "config": st.fixed_dictionaries({"spec": SPECS, "timezone": ZONES})}),
    st.fixed_dictionaries({"strategy": st.sampled_from(["periodic", "PERIODIC"]),
                           "config": st.fixed_dictionaries({"interval": INTERVALS})}),
    st.fixed_dictionaries({"strategy": st.sampled_from(["specific_days", "SPECIFIC_DAYS"]),
                           "config": st.fixed_dictionaries(
                               {"days": DAYS, "hours": HOURS}, optional={"timezone": ZONES})}),
    st.fixed_dictionaries({"strategy": st.sampled_from(["manual", "MANUAL"])},
                          optional={"config": st.sampled_from([None, {}, {"spec": "x"}])}),
    st.fixed_dictionaries({"strategy": st.sampled_from(["dbt_cloud", "DBT_CLOUD"]),
                           "config": st.fixed_dictionaries({"jobId": IDS},
                                                           optional={"accountId": IDS})}))
SCALARS = st.one_of(INTERVALS, SPECS, ZONES, st.text(alphabet="0123456789 */,-hmsd", max_size=12),
                    st.integers(min_value=-3, max_value=30), st.booleans(), st.none())
CONFIG = st.dictionaries(
    st.sampled_from(["interval", "spec", "timezone", "days", "hours", "jobId", "accountId",
                     "extra"]),
    st.one_of(SCALARS, st.lists(st.integers(min_value=-2, max_value=26), max_size=8)),
    max_size=4)
# Anything shaped like a schedule: wrong types, keys of another strategy, missing parts.
LOOSE = st.fixed_dictionaries(
    {}, optional={"strategy": st.one_of(st.sampled_from(STRATEGIES), st.integers(0, 3)),
                  "config": st.one_of(st.none(), CONFIG), "name": st.just("extra")})
SCHEDULE = st.one_of(WELL_FORMED, WELL_FORMED, LOOSE)


def as_yaml(value: dict[str, Any]) -> str:
    out = StringIO()
    writer = YAML()  # YAML 1.2, as yaml-language-server reads it
    writer.default_flow_style = False
    writer.dump(value, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def validator(workspace: Path) -> jsonschema.Draft202012Validator:
    schema = json.loads((workspace / SCHEMA_NAME).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SCHEDULE)
@example({"strategy": "periodic", "config": {"interval": "1d"}})
@example({"strategy": "specific_days", "config": {"days": [7], "hours": [24],
                                                  "timezone": "UTC"}})
@example({"strategy": "cron", "config": {"spec": "30 2 * * *", "timezone": "US/Pacific"}})
@example({"strategy": "manual", "config": {"spec": "30 2 * * *"}})
@example({"strategy": "dbt_cloud", "config": {"jobId": " ", "accountId": "1"}})
@example({"strategy": "periodic", "config": {"interval": "1µs"}})
def test_generated_schedules_agree_with_jsonschema(
        editor: Editor, validator: jsonschema.Draft202012Validator,
        value: dict[str, Any]) -> None:
    """Each generated schedule: the editor reports a schema error iff jsonschema does."""
    text = as_yaml(value)
    # What a YAML 1.2 reader makes of the text is what both judges see.
    seen = YAML(typ="safe", pure=True).load(text) if text.strip() != "{}" else {}
    assert seen == value
    errors = schema_errors(editor.judge("one.yaml", f"{MODELINE}\n{text}"))
    expected = sorted(e.message for e in validator.iter_errors(seen))
    assert bool(errors) == bool(expected), (text, errors, expected)
