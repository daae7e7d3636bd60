"""``schedulelib lsp`` as an editor uses it: a real LSP client (pytest-lsp) starts the server as
a subprocess and speaks LSP over stdio; nothing here calls a handler directly.

The oracle for diagnostics is ``schedulelib validate --format json`` on the same file, its
1-based character columns converted to UTF-16 code units here independently of the server
(by encoding each line prefix)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from lsprotocol import types as t

from schedulelib.lint.fix import fix_text

from .lsp_client import ROOT, Session, server, uri_of, validate_json

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
DATA = Path(__file__).resolve().parent / "data"
R = TypeVar("R")


def run(scenario: Callable[[Session], Awaitable[R]], **kwargs: object) -> R:
    async def main() -> R:
        async with server(**kwargs) as session:  # type: ignore[arg-type]
            return await scenario(session)

    return asyncio.run(main())


# -- the oracle ------------------------------------------------------------------------------


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def expected(path: Path, text: str | None = None, encoding: str = "utf-16",
             cwd: Path | None = None, context: Path | None = None
             ) -> list[tuple[str, str, tuple[int, int, int, int]]]:
    """validate's findings for ``path`` (with ``--context CONTEXT``) as (code, severity, LSP
    range)."""
    text = path.read_text("utf-8") if text is None else text
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    out = []
    for f in validate_json(path, cwd, context):
        line, col = int(str(f["line"])), int(str(f["column"]))
        end_line, end_col = int(str(f["end_line"])), int(str(f["end_column"]))
        if line == 0:
            where = (0, 0, 0, 0)
        else:
            where = (line - 1, _units(lines[line - 1][:col - 1], encoding),
                     end_line - 1, _units(lines[end_line - 1][:end_col - 1], encoding))
        out.append((str(f["code"]), str(f["severity"]), where))
    return out


def got(diagnostics: list[t.Diagnostic]) -> list[tuple[str, str, tuple[int, int, int, int]]]:
    names = {t.DiagnosticSeverity.Error: "error", t.DiagnosticSeverity.Warning: "warning"}
    return [(str(d.code), names.get(d.severity or t.DiagnosticSeverity.Information, "info"),
             (d.range.start.line, d.range.start.character, d.range.end.line,
              d.range.end.character)) for d in diagnostics]


# -- the files -------------------------------------------------------------------------------

TF_MODULE = '''resource "segment_destination_subscription" "s" {
  name = "Sync"
  reverse_etl_schedule = {
    strategy = "PERIODIC"
    config   = jsonencode({ interval = var.interval })
  }
}
'''
VARIABLES = 'variable "interval" {\n  default = "2d"\n}\n'
TF_JSON = json.dumps({"resource": {"segment_destination_subscription": {"s": {
    "name": "Sync", "reverse_etl_schedule": {
        "strategy": "CRON",
        "config": json.dumps({"spec": "0 9 * * 1-5", "timezone": "US/Eastern"})}}}}},
    indent=2) + "\n"


def corpus_specs() -> list[str]:
    rows = (DATA / "corpus_cron.tsv").read_text("utf-8").splitlines()[1:]
    return [r.split("\t")[0].replace("\\t", "\t") for r in rows if r]


def corpus_files(folder: Path) -> list[Path]:
    """Every real cron expression of the corpus, in a JSON, a YAML and a Terraform file."""
    specs = corpus_specs()
    subs = [{"name": f"s{i}", "reverseETLSchedule": {"strategy": "cron", "config": {
        "spec": spec, "timezone": "America/New_York"}}} for i, spec in enumerate(specs)]
    (folder / "corpus.json").write_text(json.dumps({"subscriptions": subs}, indent=2,
                                                   ensure_ascii=False))
    yaml_lines = ["subscriptions:"]
    tf = []
    for i, spec in enumerate(specs):
        yaml_lines += [f"  - name: s{i}", "    reverseETLSchedule:", "      strategy: cron",
                       "      config:", f"        spec: {json.dumps(spec)}",
                       "        timezone: Europe/Berlin"]
        tf.append(f'resource "segment_destination_subscription" "s{i}" {{\n'
                  f'  reverse_etl_schedule = {{\n    strategy = "CRON"\n'
                  f'    config = jsonencode({{ spec = {json.dumps(spec)}, '
                  f'timezone = "UTC" }})\n  }}\n}}\n')
    (folder / "corpus.yaml").write_text("\n".join(yaml_lines) + "\n")
    (folder / "corpus.tf").write_text("".join(tf))
    return [folder / "corpus.json", folder / "corpus.yaml", folder / "corpus.tf"]


# -- diagnostics are validate's ----------------------------------------------------------------


def test_diagnostics_equal_validate_on_examples_and_corpus(tmp_path: Path) -> None:
    """Every example and every corpus expression, and schedules of one warehouse that
    collide within a file and across two (SL701): the same codes, severities and ranges as
    validate with the document's context (its workspace folder, else its directory)."""
    files = sorted((ROOT / "examples").iterdir()) + corpus_files(tmp_path)
    (tmp_path / "main.tf.json").write_text(TF_JSON)
    files.append(tmp_path / "main.tf.json")
    for name, subs in COLLIDING.items():
        (tmp_path / name).write_text(json.dumps({"subscriptions": subs}, indent=2))
        files.append(tmp_path / name)

    def context(p: Path) -> Path:
        return ROOT if p.is_relative_to(ROOT) else p.parent

    async def scenario(s: Session) -> list[tuple[Path, object, object]]:
        return [(p, got(await s.open(p)), expected(p, context=context(p))) for p in files]

    results = run(scenario)
    assert sum(len(want) for _, _, want in results) > 100  # the corpus has real findings
    collisions = [c for p, have, _ in results if p.name in COLLIDING
                  for c, _, _ in have]  # type: ignore[attr-defined]
    assert collisions.count("SL701") == 4  # two in one file, and one each across files
    for path, have, want in results:
        assert have == want, path.name


def _sub(name: str, spec: str) -> dict[str, object]:
    return {"name": name, "modelId": "m1", "reverseETLSchedule": {
        "strategy": "cron", "config": {"spec": spec, "timezone": "UTC"}}}


#: Three files on one warehouse: two that start together in one file; one that starts with a
#: schedule of the next file (a model there says which source).
COLLIDING = {
    "wh_a.json": [_sub("A1", "0 9 * * *"), _sub("A2", "0 9 * * 1-5"), _sub("A3", "7 4 * * *")],
    "wh_b.json": [{"id": "m1", "sourceId": "warehouse"}, _sub("B1", "7 4 * * 0")],
}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_columns_are_code_units_of_the_negotiated_encoding(tmp_path: Path,
                                                           encoding: str) -> None:
    """Astral characters before a finding on its line: two UTF-16 units, four UTF-8 bytes."""
    path = tmp_path / "astral.json"
    path.write_text('{"name": "\U0001f600 caf\u00e9 \U00010348", "reverseETLSchedule": '
                    '{"strategy": "cron", "config": {"spec": "*/5 * * * *", '
                    '"timezone": "US/Eastern"}}}\n', "utf-8")

    async def scenario(s: Session) -> object:
        return got(await s.open(path))

    have = run(scenario, encodings=(encoding,))
    want = expected(path, encoding=encoding)
    assert have == want and len(want) == 2
    assert want[0][2][1] != expected(path, encoding="utf-32")[0][2][1] or encoding == "utf-32"


def test_configuration_suppressions_and_relevance(tmp_path: Path) -> None:
    """[tool.schedulelib], an inline ignore comment, and a file not about schedules."""
    (tmp_path / "pyproject.toml").write_text('[tool.schedulelib]\nextend-ignore = ["SL504"]\n')
    yaml = tmp_path / "subs.yaml"
    yaml.write_text("subscriptions:\n  - reverseETLSchedule:\n      strategy: cron\n"
                    "      config:\n        spec: '*/5 * * * *'  # schedulelib: ignore[SL407]\n"
                    "        timezone: US/Eastern\n  - reverseETLSchedule:\n"
                    "      strategy: periodic\n      config: {interval: 1d}  "
                    "# schedulelib: ignore[SL404]\n")
    other = tmp_path / "package.json"
    other.write_text('{"name": "x", "version": "1.0.0", "timezone": "Nowhere/Land"}\n')

    async def scenario(s: Session) -> tuple[object, object]:
        return got(await s.open(yaml)), got(await s.open(other))

    have, nothing = run(scenario, cwd=tmp_path)
    want = expected(yaml, cwd=tmp_path)
    assert have == want
    assert {c for c, _, _ in want} == {"SL202", "SL920"}  # SL407, SL504 silenced
    assert nothing == [] == expected(other, cwd=tmp_path)


def test_terraform_module_reads_the_other_files_and_the_unsaved_text(tmp_path: Path) -> None:
    """main.tf's variable comes from variables.tf on disk; main.tf's own text is the buffer's;
    the finding placed in variables.tf is shown on the schedule, linked to its place."""
    main = tmp_path / "main.tf"
    main.write_text(TF_MODULE.replace("var.interval", '"15m"'))  # on disk: nothing wrong
    (tmp_path / "variables.tf").write_text(VARIABLES)

    async def scenario(s: Session) -> tuple[list[t.Diagnostic], list[t.Diagnostic]]:
        before = await s.open(main)
        after = await s.change(main, TF_MODULE)  # unsaved: now uses var.interval
        return before, after

    before, after = run(scenario, cwd=tmp_path)
    assert before == []
    main.write_text(TF_MODULE)
    want = validate_json(main, tmp_path)
    assert [d.code for d in after] == [f["code"] for f in want] == ["SL202"]
    assert want[0]["file"].endswith("variables.tf")  # type: ignore[union-attr]
    related = after[0].related_information
    assert related is not None and related[0].location.uri == uri_of(tmp_path / "variables.tf")
    assert related[0].location.range.start == t.Position(1, 12)
    assert after[0].range.start.line == 2  # the reverse_etl_schedule it belongs to


def test_code_description_links_each_rule() -> None:
    """Each diagnostic links to its rule's section of the rule reference."""
    path = ROOT / "examples" / "bad.json"

    async def scenario(s: Session) -> list[t.Diagnostic]:
        return await s.open(path)

    diagnostics = run(scenario)
    urls = {f["code"]: f["url"] for f in validate_json(path)}
    assert diagnostics and all(d.code_description is not None
                               and d.code_description.href == urls[d.code]
                               for d in diagnostics)


# -- a whole session per kind of file ----------------------------------------------------------

SPEC_LINE = re.compile(r"\*/5 \* \* \* \*")


class Kind:
    """One kind of file: its text, the fixable code in it, where a hover answers ("": nowhere),
    the text before a zone and a strategy value, the line a probe is added after, and the
    spelling of strategy names the file uses."""

    def __init__(self, name: str, text: str, fixed_code: str, hover: str, zone: str,
                 strategy: str, anchor: str, upper: bool) -> None:
        self.name, self.text, self.fixed_code = name, text, fixed_code
        self.hover, self.zone, self.strategy = hover, zone, strategy
        self.anchor, self.upper = anchor, upper


SNAPSHOT = (ROOT / "examples" / "snapshot.json").read_text("utf-8").replace(
    "America/New_York", "US/Eastern", 1)
KINDS = [
    Kind("subs.json", '{"subscriptions": [{"name": "A", "reverseETLSchedule": {\n'
         '  "strategy": "cron",\n  "config": {"spec": "0 9 ? * 1-5", "timezone": "UTC"}}}]}\n',
         "SL406", '"0 9 ?', '"timezone": "', '"strategy": "', '"name": "A"', False),
    Kind("subs.yaml", "subscriptions:\n  - name: A\n    reverseETLSchedule:\n"
         "      strategy: specific_days\n      config:\n        days: [1, 2, 2]\n"
         "        hours: [8]\n        timezone: Europe/Berlin\n",
         "SL306", "days", "timezone: ", "strategy: ", "        hours: [8]", False),
    Kind("main.tf", 'resource "segment_destination_subscription" "a" {\n  name = "A"\n'
         '  reverse_etl_schedule = {\n    strategy = "SPECIFIC_DAYS"\n'
         '    config = jsonencode({ days = [1], hours = [5], timezone = "US/Mountain" })\n'
         '  }\n}\n', "SL504", "SPECIFIC_DAYS", 'timezone = "', 'strategy = "', '  name = "A"',
         True),
    Kind("main.tf.json", TF_JSON, "SL504", "CRON", '"timezone": "', '"strategy": "',
         '"name": "Sync"', True),
    Kind("prod.tfvars", 'interval = "1d"\nzone     = "US/Eastern"\n', "", "", 'timezone = "',
         'strategy = "', 'interval = "1d"', True),
    Kind("snapshot.json", SNAPSHOT, "SL504", '"0 1 * * *"', '"timezone": "', '"strategy": "',
         '"name": "Accounts"', True),
]


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_open_change_hover_action_completion_close(tmp_path: Path, kind: Kind) -> None:
    """The life of one document, for each kind of file."""
    path = tmp_path / kind.name
    path.write_text(kind.text)
    text = kind.text

    async def scenario(s: Session) -> dict[str, object]:
        out: dict[str, object] = {}
        out["open"] = await s.open(path)
        # a change: an empty line at the top moves every finding down one line
        changed = "\n" + text if not kind.name.endswith(".json") else text.replace("{", "{\n", 1)
        out["change"] = await s.change(path, changed)
        out["back"] = await s.change(path, text)
        if kind.hover:
            out["hover"] = await s.hover(path, *_place(text, kind.hover))
        else:
            out["hover"] = await s.hover(path, 0, 3)
        out["nohover"] = await s.hover(path, 0, 0)
        diags = out["back"]
        assert isinstance(diags, list)
        fixable = [d for d in diags if d.code == kind.fixed_code]
        out["actions"] = await s.actions(path, fixable[0].range, fixable) if fixable else []
        # completion: a zone being typed, then a strategy
        for label, key in (("zone", kind.zone), ("strategy", kind.strategy)):
            probe = _probe(text, key, kind)
            cursor = probe.index("\u0000")
            probe_line = probe[:cursor].count("\n")
            probe_col = cursor - (probe.rfind("\n", 0, cursor) + 1)
            await s.change(path, probe.replace("\u0000", ""))
            out[label] = (await s.complete(path, probe_line, probe_col), probe_line, probe_col)
        out["close"] = await s.close(path)
        return out

    out = run(scenario, cwd=tmp_path)
    assert got(out["open"]) == expected(path, cwd=tmp_path)  # type: ignore[arg-type]
    assert got(out["back"]) == got(out["open"])  # type: ignore[arg-type]
    assert [d.code for d in out["change"]] == [d.code for d in out["open"]]  # type: ignore
    hover = out["hover"]
    if kind.hover:
        assert isinstance(hover, t.Hover) and isinstance(hover.contents, t.MarkupContent)
        assert "Next 5 runs" in hover.contents.value and " UTC" in hover.contents.value
    else:
        assert hover is None  # a .tfvars file holds values, not schedules
    assert out["nohover"] is None
    # the quick fix is --fix's edit: applied, it gives the text --fix writes
    actions = out["actions"]
    assert isinstance(actions, list)
    quick = [a for a in actions if a.kind == t.CodeActionKind.QuickFix]
    fixed = fix_text(text, name=str(path))
    assert len(quick) == len(fixed.fixes)  # none where --fix makes none (inside jsonencode)
    if fixed.fixes:
        assert quick[0].edit is not None and quick[0].edit.changes is not None
        edited = _apply(text, quick[0].edit.changes[uri_of(path)])
        assert edited == fixed.after != text
        assert quick[0].diagnostics and quick[0].diagnostics[0].code == kind.fixed_code
    zones, line, column = out["zone"]  # type: ignore[misc]
    assert isinstance(zones, list) and len(zones) > 500
    by_label = {i.label: i for i in zones}
    assert by_label["US/Eastern"].detail is not None
    assert "alias of America/New_York" in by_label["US/Eastern"].detail
    assert min(zones, key=lambda i: i.sort_text or "").label == "Africa/Abidjan"
    assert by_label["Europe/Berlin"].sort_text < by_label["US/Eastern"].sort_text  # type: ignore
    # the proposal replaces the three characters typed ("Eur")
    edit = by_label["Europe/Berlin"].text_edit
    assert isinstance(edit, t.TextEdit) and edit.new_text == "Europe/Berlin"
    assert edit.range == t.Range(t.Position(line, column - 3), t.Position(line, column))
    strategies = [i.label for i in out["strategy"][0]]  # type: ignore[index]
    want = ["periodic", "specific_days", "cron", "manual", "dbt_cloud"]
    assert strategies == ([w.upper() for w in want] if kind.upper else want)
    assert out["close"] == []


def _probe(text: str, key: str, kind: Kind) -> str:
    """``text`` with a new value being typed after ``key`` (the cursor is a NUL), after the
    kind's anchor line or member."""
    typed = "spe" if key.startswith("strategy") else "Eur"
    if kind.name.endswith(".json"):
        return text.replace(kind.anchor, f"{kind.anchor}, {key}{typed}\u0000", 1)
    indent = kind.anchor[:len(kind.anchor) - len(kind.anchor.lstrip())]
    return text.replace(kind.anchor, f"{kind.anchor}\n{indent}{key}{typed}\u0000", 1)


def _apply(text: str, edits: list[t.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(p: t.Position) -> int:
        return starts[p.line] + len(lines[p.line].encode("utf-16-le")[:2 * p.character]
                                    .decode("utf-16-le"))

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                    reverse=True):
        text = text[:offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


def test_snapshot_and_tfvars_files(tmp_path: Path) -> None:
    """A workspace snapshot and a .tfvars file: validate's findings, then nothing on close."""
    snapshot = ROOT / "examples" / "snapshot.json"
    tfvars = tmp_path / "prod.tfvars"
    tfvars.write_text('interval = "15m"\nbroken = [\n')

    async def scenario(s: Session) -> tuple[object, object, object, object]:
        a = got(await s.open(snapshot))
        hover = await s.hover(snapshot, *_place(snapshot.read_text(), '"strategy"'))
        b = got(await s.open(tfvars))
        return a, b, hover, await s.close(tfvars)

    a, b, hover, closed = run(scenario, cwd=tmp_path)
    assert a == expected(snapshot)
    assert b == expected(tfvars, cwd=tmp_path) and b and b[0][0] == "SL001"
    assert isinstance(hover, t.Hover)
    assert closed == []


def _place(text: str, needle: str) -> tuple[int, int]:
    where = text.index(needle) + 1
    return text[:where].count("\n"), where - (text.rfind("\n", 0, where) + 1)


# -- responsive and robust ---------------------------------------------------------------------


def test_rapid_edits_are_debounced_and_stale_results_dropped(tmp_path: Path) -> None:
    """Forty keystrokes sent at once: only the last text's diagnostics are published."""
    path = tmp_path / "typing.json"
    start = '{"reverseETLSchedule": {"strategy": "cron", "config": {"spec": "0 9 * * *", ' \
        '"timezone": "UTC"}}}\n'
    path.write_text(start)
    typed = ", \"name\": \"" + "x" * 38 + "\""
    column = start.index("}}}") + 2

    async def scenario(s: Session) -> tuple[list[int | None], list[t.Diagnostic]]:
        await s.open(path)
        for i, ch in enumerate(typed):
            await s.edit(path, [(t.Range(t.Position(0, column + i), t.Position(0, column + i)),
                                 ch)], wait=False)
        last = await s.change(path, start.replace("0 9", "*/5"))
        return s.passed, last

    passed, last = run(scenario)
    path.write_text(start.replace("0 9", "*/5"))
    assert got(last) == expected(path)
    # 41 changes, few of them checked and published: the others were superseded while they
    # waited (a busy machine may let a few through before the next change is even read)
    assert len(passed) <= 10, passed


HOSTILE = [
    ("deep.json", "[" * 100_000 + "]" * 100_000),
    ("deep.yaml", "reverseETLSchedule: " + "[" * 50_000),
    ("long.json", '{"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "'
     + "9" * 100_000 + 'h"}}}'),
    ("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)) + "reverseETLSchedule: *j\n"),
    ("huge.json", '{"reverseETLSchedule": {"strategy": "specific_days", "config": {"days": ['
     + "9" * 5000 + '], "hours": [1e999999], "timezone": "UTC"}}}'),
    ("odd.tf", 'resource "segment_destination_subscription" "\u202e\U0001f4a5" {\n'
     '  reverse_etl_schedule = { strategy = "CRON", config = jsonencode({ spec = "\ud800" })'
     "\n" + "{" * 20_000),
]


def test_hostile_documents_never_stop_the_server(tmp_path: Path) -> None:
    """Each hostile document gets validate's answer; the server then still serves a hover."""
    files = []
    for name, text in HOSTILE:
        path = tmp_path / name
        path.write_text(text, "utf-8", errors="surrogatepass")
        files.append(path)
    good = ROOT / "examples" / "subscriptions.yaml"

    async def scenario(s: Session) -> tuple[list[object], t.Hover | None]:
        results = []
        for path in files:
            results.append(got(await s.open(path, path.read_text("utf-8", "surrogatepass"))))
            await s.hover(path, 0, 1)
            await s.complete(path, 0, 1)
            await s.actions(path, t.Range(t.Position(0, 0), t.Position(0, 1)), [])
        await s.open(good)
        hovered = await s.hover(good, *_place(good.read_text(), "15m"))
        return results, hovered, _peak_memory(s)

    results, hover, peak = run(scenario, cwd=tmp_path)
    assert peak < 400 * 1024 * 1024, f"the server grew to {peak >> 20} MB"
    for path, have in zip(files, results, strict=True):
        assert have == expected(path, path.read_text("utf-8", "surrogatepass"),
                                cwd=tmp_path), path.name
        assert "SL922" not in {c for c, _, _ in have}  # type: ignore[misc]
    assert isinstance(hover, t.Hover)


def _peak_memory(s: Session) -> int:
    """The server's peak resident memory, in bytes (Linux; 0 where /proc is not there)."""
    process = s.client._server
    assert process is not None
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) * 1024 if match else 0


FAULTY = """
import sys
from schedulelib.lsp import adapter, server

real = adapter.diagnose

def diagnose(name, text, *context):
    if name.endswith("boom.json"):
        raise RuntimeError("injected fault")
    return real(name, text, *context)

adapter.diagnose = diagnose

from schedulelib.lsp import hover

def markdown(found, **kwargs):
    raise RuntimeError("injected hover fault")

hover.markdown = markdown
sys.argv = ["schedulelib", "lsp"]
server.serve()
"""


def test_an_internal_error_becomes_sl922_and_the_server_goes_on(tmp_path: Path) -> None:
    """A fault injected into the checking of one document: SL922 there, the next is served."""
    from pytest_lsp import make_test_lsp_client

    boom = tmp_path / "boom.json"
    boom.write_text('{"reverseETLSchedule": {"strategy": "manual"}}\n')
    bad = ROOT / "examples" / "bad.json"

    async def main() -> tuple[list[t.Diagnostic], list[t.Diagnostic], object, list[str]]:
        client = make_test_lsp_client()
        await client.start_io(sys.executable, "-c", FAULTY)
        await client.initialize_session(t.InitializeParams(capabilities=t.ClientCapabilities()))
        s = Session(client)
        try:
            first, second = await s.open(boom), await s.open(bad)
            hovered = await s.hover(bad, *_place(bad.read_text(), '"*/5'))
            again = await s.change(bad, bad.read_text())
            assert got(again) == got(second)  # the server went on
            return first, second, hovered, [m.message for m in client.log_messages]
        finally:
            await client.shutdown_session()
            await client.stop()

    first, second, hovered, logged = asyncio.run(main())
    assert hovered is None
    assert any("hover failed" in m and "injected hover fault" in m and "report it" in m
               for m in logged), logged
    assert [d.code for d in first] == ["SL922"]
    assert "please report it" in first[0].message and "injected fault" in first[0].message
    assert got(second) == expected(bad)


# -- the command -----------------------------------------------------------------------------


def test_validate_never_imports_pygls() -> None:
    """`validate` stays light: the LSP extra is not loaded."""
    code = ("import sys\nfrom schedulelib.cli.main import run\n"
            "status = run(['validate', 'examples/subscriptions.json'])\n"
            "assert status == 0, status\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pygls', 'lsprotocol') or m.startswith('schedulelib.lsp'))\n"
            "assert not bad, bad\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=False, timeout=120)
    assert out.returncode == 0, out.stderr


def test_without_the_extra_the_command_says_how_to_install_it() -> None:
    """pygls missing: one line naming the extra, exit 2, no traceback."""
    code = ("import sys\nsys.modules['pygls'] = None\n"
            "from schedulelib.cli.main import run\nsys.exit(run(['lsp']))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=False, timeout=120)
    assert out.returncode == 2
    assert "pip install 'schedulelib[lsp]'" in out.stderr
    assert "Traceback" not in out.stderr


# -- docs/editors.md ---------------------------------------------------------------------------

EDITORS = (ROOT / "docs" / "editors.md").read_text("utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", EDITORS, flags=re.DOTALL)


def test_editor_recipes_start_this_command() -> None:
    """Neovim, VS Code, Helix and Emacs each run `schedulelib lsp`; the TOML and JSON parse."""
    import tomllib

    [helix] = [tomllib.loads(b) for b in _blocks("toml")]
    assert helix["language-server"]["schedulelib"] == {"command": "schedulelib",
                                                       "args": ["lsp"]}
    assert all("schedulelib" in lang["language-servers"] for lang in helix["language"])
    settings = [json.loads(b) for b in _blocks("json")]
    assert settings[0]["glspc.server.command"] == "schedulelib"
    assert settings[0]["glspc.server.commandArguments"] == ["lsp"]
    assert all('cmd = { "schedulelib", "lsp" }' in b for b in _blocks("lua"))
    assert '("schedulelib" "lsp")' in _blocks("elisp")[0]


def test_editor_capture_is_what_the_server_says_today(tmp_path: Path) -> None:
    """The captured Neovim screen shows this server's diagnostics for the file shown."""
    [source] = [b for b in _blocks("yaml") if b.startswith("subscriptions:")]
    path = tmp_path / "subscriptions.yaml"
    path.write_text(source)
    screen = _blocks("text")[0]
    for f in validate_json(path, tmp_path):
        mark = "E" if f["severity"] == "error" else "W"
        line = next(x for x in screen.splitlines() if re.match(rf"{mark}\s+{f['line']} ", x))
        assert str(f["message"])[:30] in line


def test_wrapper_schema_refers_to_the_schedule_schema() -> None:
    """The subscriptions schema of the docs, with `schedulelib schema` beside it, rejects a bad
    strategy inside a subscription and accepts a good one."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from schedulelib.core.schema import schema

    wrapper = json.loads(next(b for b in _blocks("json") if "reverseETLSchedule" in b))
    registry = Registry().with_resource("reverse-etl-schedule.schema.json",
                                        Resource.from_contents(schema()))
    validator = Draft202012Validator(wrapper, registry=registry)
    good = {"subscriptions": [{"reverseETLSchedule": {"strategy": "manual"}}]}
    bad = {"subscriptions": [{"reverseETLSchedule": {"strategy": "hourly"}}]}
    assert validator.is_valid(good) and not validator.is_valid(bad)


MODEL_TF = '''variable "zone" {
  default = "Europe/Berln"
}

resource "segment_reverse_etl_model" "nightly" {
  schedule_strategy = "CRON"
  schedule_config   = jsonencode({ spec = "0 2 * * *", timezone = var.zone })
}

resource "segment_reverse_etl_model" "weekly" {
  schedule_strategy = "SPECIFIC_DAYS"
  schedule_config   = jsonencode({ days = [1], hours = [3], timezone = "Europe/Berlin" })
}
'''


def test_hover_on_keys_values_and_a_terraform_models_attributes(tmp_path: Path) -> None:
    """A key answers as its value does; a schedule with an error says which; elsewhere: none."""
    path = tmp_path / "main.tf"
    path.write_text(MODEL_TF)

    async def scenario(s: Session) -> list[t.Hover | None]:
        await s.open(path)
        return [await s.hover(path, line, col) for line, col in
                [(5, 4), (6, 60), (10, 4), (11, 50), (0, 0), (3, 0)]]

    key, value, other_key, other_value, outside, blank = run(scenario, cwd=tmp_path)
    texts = [h.contents.value for h in (key, value, other_key, other_value)  # type: ignore[union-attr]
             if h is not None]
    assert len(texts) == 4
    assert all("nightly" in x and "SL503" in x and "Europe/Berln" in x for x in texts[:2])
    assert all("weekly" in x and "At 03:00 on Monday, Europe/Berlin time." in x
               and x.count(" UTC\n") + x.count(" UTC```") >= 4 for x in texts[2:])
    assert outside is None and blank is None
    # the runs are those `schedulelib next` gives for the same schedule
    done = subprocess.run([sys.executable, "-m", "schedulelib", "next", json.dumps(
        {"strategy": "specific_days", "config": {"days": [1], "hours": [3],
                                                 "timezone": "Europe/Berlin"}}),
        "-n", "5", "--format", "json"], capture_output=True, text=True, check=True, cwd=ROOT)
    want = [r["utc"][:16].replace("T", " ") + " UTC" for r in json.loads(done.stdout)[0]["runs"]]
    have = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", texts[3])
    assert have == want


@pytest.mark.parametrize(("formats", "kind"), [
    ([t.MarkupKind.PlainText], t.MarkupKind.PlainText),  # eglot without markdown-mode
    ([t.MarkupKind.PlainText, t.MarkupKind.Markdown], t.MarkupKind.Markdown),
    ([], t.MarkupKind.Markdown),  # no preference said: Markdown, which LSP clients show
], ids=["plaintext-only", "both", "unsaid"])
def test_a_hover_comes_in_a_format_the_client_shows(tmp_path: Path, formats: list[t.MarkupKind],
                                                    kind: t.MarkupKind) -> None:
    """A client that cannot render Markdown gets plain text: no ** and no code fences, the
    same runs."""
    path = tmp_path / "main.tf"
    path.write_text(MODEL_TF)

    async def scenario(s: Session) -> t.Hover | None:
        await s.open(path)
        return await s.hover(path, 11, 50)

    shown = run(scenario, cwd=tmp_path, hover_formats=formats)
    assert shown is not None and isinstance(shown.contents, t.MarkupContent)
    assert shown.contents.kind == kind
    text = shown.contents.value
    markup = "**" in text or "```" in text
    assert markup is (kind == t.MarkupKind.Markdown)
    assert "At 03:00 on Monday, Europe/Berlin time." in text
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", text)) == 5


def test_a_broken_configuration_is_said_and_its_repair_is_seen_on_save(tmp_path: Path) -> None:
    """A [tool.schedulelib] table validate refuses: one error at the top, nothing checked;
    saving the repaired file checks the open documents again."""
    settings = tmp_path / "pyproject.toml"
    settings.write_text('[tool.schedulelib]\nselect = "SL4"\nstrict = "yes"\n')
    path = tmp_path / "bad.json"
    path.write_text((ROOT / "examples" / "bad.json").read_text("utf-8"))
    refused = subprocess.run([sys.executable, "-m", "schedulelib", "validate", str(path)],
                             capture_output=True, text=True, cwd=tmp_path, check=False)

    async def scenario(s: Session) -> tuple[list[t.Diagnostic], list[t.Diagnostic]]:
        before = await s.open(path)
        await s.open(settings, language="toml")
        settings.write_text('[tool.schedulelib]\nselect = ["SL4"]\n')
        return before, await s.save(settings, then=path)

    before, after = run(scenario, cwd=tmp_path)
    assert refused.returncode == 2
    assert len(before) == 1 and before[0].code is None
    assert before[0].severity == t.DiagnosticSeverity.Error
    assert before[0].range == t.Range(t.Position(0, 0), t.Position(0, 0))
    assert refused.stderr.strip().removeprefix("Error: ") in before[0].message
    assert got(after) == expected(path, cwd=tmp_path)
    assert {d.code for d in after} == {"SL407"}  # select = ["SL4"] applies


def test_diagnostics_equal_validate_on_segment_exports(tmp_path: Path) -> None:
    """Every Terraform snippet of Segment's Git sync exports (the shared corpus), each in its
    own module: the server says what validate says."""
    from .test_sources import corpus_files as exports

    files = []
    for i, (name, text) in enumerate(exports()):
        folder = tmp_path / f"m{i}"
        folder.mkdir()
        (folder / name).write_text(text, "utf-8")
        files.append(folder / name)

    async def scenario(s: Session) -> list[tuple[Path, object, object]]:
        return [(p, got(await s.open(p)), expected(p, cwd=p.parent)) for p in files]

    for path, have, want in run(scenario, cwd=tmp_path):
        assert have == want, path.name


def _message(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_malformed_messages_are_logged_without_a_traceback_and_the_server_goes_on() -> None:
    """A body that is not JSON, then a request that is: the answer comes, stderr has one line
    per problem and no traceback."""
    initialize = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                             "params": {"processId": None, "rootUri": None,
                                        "capabilities": {}}}).encode()
    shutdown = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}).encode()
    leave = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
    data = (_message(b"{bad}") + _message(b'{"jsonrpc": "2.0", "id": 9, "method": 5}')
            + _message(initialize) + _message(shutdown) + _message(leave))
    done = subprocess.run([sys.executable, "-m", "schedulelib", "lsp"], input=data,
                          capture_output=True, timeout=60, check=False, cwd=ROOT)
    assert done.returncode == 0
    assert b'"name": "schedulelib"' in done.stdout
    assert b"Traceback" not in done.stderr
    assert b"JSONDecodeError" in done.stderr
