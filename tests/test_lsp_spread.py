"""SL701 in the editor, through a real LSP client over stdio (pytest-lsp): the collision is
judged with the other files of the workspace folder as ``validate --context`` judges it, and
its quick fix is ``schedulelib spread``'s proposal for the document.

The oracles are the commands: ``validate --format json FILE --context FOLDER`` for the
diagnostics, and ``schedulelib spread --write`` run on a copy of the folder for the text the
quick fix must give."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types as t

from schedulelib.lint import engine
from schedulelib.lsp import adapter

from .lsp_client import Session, server, uri_of
from .test_lsp import _apply, expected, got

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SPREAD = "Spread start minutes"
ZONES = ["UTC", "America/New_York", "Europe/Berlin"]


# -- the files -------------------------------------------------------------------------------


class Sched:
    """One subscription of model m1: a cron spec, or specific_days hours at the top of the
    hour (``days`` set)."""

    def __init__(self, name: str, minute: int, hour: int, zone: str,
                 days: list[int] | None = None) -> None:
        self.name, self.minute, self.hour, self.zone, self.days = name, minute, hour, zone, days

    def spec(self) -> str:
        return f"{self.minute} {self.hour} * * *"


def json_text(scheds: list[Sched], model: bool = True) -> str:
    subs: list[object] = [{"id": "m1", "sourceId": "warehouse"}] if model else []
    for s in scheds:
        config: dict[str, object] = {"days": s.days, "hours": [s.hour], "timezone": s.zone} \
            if s.days else {"spec": s.spec(), "timezone": s.zone}
        subs.append({"name": s.name, "modelId": "m1", "reverseETLSchedule": {
            "strategy": "specific_days" if s.days else "cron", "config": config}})
    return json.dumps({"subscriptions": subs}, indent=2) + "\n"


def yaml_text(scheds: list[Sched]) -> str:
    lines = ["models:", "  - id: m1", "    sourceId: warehouse", "subscriptions:"]
    for s in scheds:
        lines += [f"  - name: {s.name}", "    modelId: m1", "    reverseETLSchedule:"]
        if s.days:
            lines += ["      strategy: specific_days",
                      f"      config: {{days: {s.days}, hours: [{s.hour}], timezone: {s.zone}}}"]
        else:
            lines += ["      strategy: cron", "      config:",
                      f"        spec: \"{s.spec()}\"", f"        timezone: {s.zone}"]
    return "\n".join(lines) + "\n"


MODELS_TF = '''resource "segment_reverse_etl_model" "id-m1" {
  name              = "Users"
  source_id         = "warehouse"
  enabled           = true
  schedule_strategy = ""
}
'''


def tf_text(scheds: list[Sched]) -> str:
    """Subscriptions whose model (and its source) is in models.tf, beside them."""
    out = []
    for s in scheds:
        if s.days:
            strategy = "SPECIFIC_DAYS"
            config = f"jsonencode({{\n      days     = {s.days}\n      hours    = [{s.hour}]\n" \
                f"      timezone = \"{s.zone}\"\n    }})"
        else:
            strategy = "CRON"
            config = f'jsonencode({{ spec = "{s.spec()}", timezone = "{s.zone}" }})'
        out.append(f'resource "segment_destination_subscription" "{s.name}" {{\n'
                   f'  name     = "{s.name}"\n'
                   f'  model_id = segment_reverse_etl_model.id-m1.id\n'
                   f'  enabled  = true\n  reverse_etl_schedule = {{\n'
                   f'    strategy = "{strategy}"\n    config   = {config}\n  }}\n}}\n')
    return "\n".join(out)


def workspace(folder: Path, kind: str, scheds: list[Sched]) -> Path:
    """The document (and, for Terraform, models.tf beside it) written in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "tf":
        (folder / "models.tf").write_text(MODELS_TF)
        doc = folder / "main.tf"
        doc.write_text(tf_text(scheds))
    elif kind == "yaml":
        doc = folder / "subs.yaml"
        doc.write_text(yaml_text(scheds))
    else:
        doc = folder / "subs.json"
        doc.write_text(json_text(scheds))
    return doc


def spread_written(folder: Path, doc: Path, scratch: Path) -> str:
    """The document's text after ``schedulelib spread --write`` on a copy of ``folder``."""
    copy = scratch / f"copy-{folder.name}"
    shutil.copytree(folder, copy)
    done = subprocess.run([sys.executable, "-m", "schedulelib", "spread", "--write", "."],
                          cwd=copy, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr
    # Bytes decoded as they are: read_text would turn CRLF into LF.
    return (copy / doc.relative_to(folder)).read_bytes().decode("utf-8")


def spread_actions(actions: list[t.CodeAction]) -> list[t.CodeAction]:
    return [a for a in actions if a.title.startswith(SPREAD)]


async def quick_fix(s: Session, doc: Path, diagnostics: list[t.Diagnostic]
                    ) -> list[t.CodeAction]:
    collisions = [d for d in diagnostics if d.code == "SL701"]
    return spread_actions(await s.actions(doc, collisions[0].range, collisions))


def run_in(folder: Path, scenario, **kwargs):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        async with server(cwd=folder, **kwargs) as session:
            return await scenario(session)

    return asyncio.run(main())


# -- the quick fix is spread's edit ----------------------------------------------------------

KINDS = {
    # Two crons starting together (the second moves), and a specific_days schedule that
    # meets the first in winter (09:00 New York is 14:00 UTC): proposed as a cron.
    "json": [Sched("first", 0, 14, "UTC"), Sched("second", 0, 14, "UTC"),
             Sched("third", 0, 9, "America/New_York", days=[1, 2, 3, 4, 5])],
    "yaml": [Sched("first", 0, 6, "Europe/Berlin"), Sched("second", 0, 5, "UTC"),
             Sched("third", 0, 6, "Europe/Berlin", days=[0, 6])],
    "tf": [Sched("upsert", 0, 14, "UTC"), Sched("sync", 0, 9, "America/New_York"),
           Sched("track", 0, 9, "America/New_York", days=[1, 2, 3, 4, 5])],
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_quick_fix_gives_what_spread_writes_and_clears_sl701(tmp_path: Path,
                                                             kind: str) -> None:
    """Open, SL701 as validate --context says, the action's edit is spread --write's text,
    and once it is applied (didChange) no SL701 is left."""
    folder = tmp_path / "ws"
    doc = workspace(folder, kind, KINDS[kind])
    text = doc.read_text("utf-8")
    want_text = spread_written(folder, doc, tmp_path)
    assert want_text != text

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        opened = await s.open(doc)
        actions = await quick_fix(s, doc, opened)
        edited = _apply(text, actions[0].edit.changes[uri_of(doc)]) if actions else None
        after = await s.change(doc, edited) if edited is not None else []
        again = spread_actions(await s.actions(doc, t.Range(t.Position(0, 0), t.Position(
            0, 0)), [d for d in after if d.code == "SL701"]))
        return opened, actions, edited, after, again

    opened, actions, edited, after, again = run_in(folder, scenario)
    assert got(opened) == expected(doc, cwd=folder, context=folder)
    assert sum(1 for d in opened if d.code == "SL701") == 3
    [action] = actions
    assert action.kind == t.CodeActionKind.QuickFix and not action.is_preferred
    assert {d.code for d in action.diagnostics or []} == {"SL701"}
    assert edited == want_text
    assert "SL701" not in {d.code for d in after}
    assert again == []
    # spread's other promise holds too: validate finds no SL701 in what it wrote
    doc.write_text(want_text)
    assert "SL701" not in {c for c, _, _ in expected(doc, cwd=folder, context=folder)}


def test_a_move_in_another_file_is_not_offered_here(tmp_path: Path) -> None:
    """a.json's schedule comes first and stays; spread moves b.json's: the quick fix is
    offered in b.json only, and its title says so in a.json's terms nowhere."""
    folder = tmp_path / "ws"
    folder.mkdir()
    a, b = folder / "a.json", folder / "b.json"
    a.write_text(json_text([Sched("early", 0, 9, "UTC")]))
    b.write_text(json_text([Sched("late", 0, 9, "UTC"), Sched("other", 20, 3, "UTC")],
                           model=False))
    want_b = spread_written(folder, b, tmp_path)

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        on_a = await s.open(a)
        on_b = await s.open(b)
        return on_a, await quick_fix(s, a, on_a), on_b, await quick_fix(s, b, on_b)

    on_a, fix_a, on_b, fix_b = run_in(folder, scenario)
    assert got(on_a) == expected(a, cwd=folder, context=folder)
    assert got(on_b) == expected(b, cwd=folder, context=folder)
    assert [d.code for d in on_a] == ["SL701"] and [d.code for d in on_b] == ["SL701"]
    assert fix_a == []  # spread moves nothing in a.json
    [action] = fix_b
    assert _apply(b.read_text(), action.edit.changes[uri_of(b)]) == want_b
    assert "'late'" in action.title and "+1 min" in action.title


def test_unsaved_text_and_a_saved_context_file(tmp_path: Path) -> None:
    """The document's unsaved text replaces its file's; a context file (in another folder of
    the workspace) saved with a new schedule is read again, and the verdict follows it."""
    folder = tmp_path / "ws"
    (folder / "models").mkdir(parents=True)
    a, b = folder / "models" / "a.json", folder / "b.json"
    a.write_text(json_text([Sched("early", 0, 9, "UTC")]))
    b.write_text(json_text([Sched("late", 0, 9, "UTC")], model=False))
    apart = json_text([Sched("late", 5, 9, "UTC")], model=False)

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        on_disk = await s.open(b)
        unsaved = await s.change(b, apart)
        none = await quick_fix(s, b, on_disk)  # the text moved on: nothing to spread
        a.write_text(json_text([Sched("early", 5, 9, "UTC")]))
        saved = await s.save(a, then=b)
        return on_disk, unsaved, none, saved

    on_disk, unsaved, none, saved = run_in(folder, scenario)
    assert [d.code for d in on_disk] == ["SL701"]
    assert unsaved == [] and none == []
    assert [d.code for d in saved] == ["SL701"]  # 09:05 now meets the unsaved 09:05
    b.write_text(apart)
    assert got(saved) == expected(b, cwd=folder, context=folder)


# -- generated workspaces against the command --------------------------------------------------


def generated(seed: int) -> tuple[str, list[Sched]]:
    """A kind of file and 2 to 7 schedules crowded into few minutes and hours, so that most
    workspaces collide (some specific_days, some zones an hour apart)."""
    rng = random.Random(seed)
    scheds = []
    for i in range(rng.randint(2, 7)):
        days = sorted(rng.sample(range(7), rng.randint(1, 3))) if rng.random() < 0.25 else None
        minute = 0 if days else rng.choice([0, 0, 1, 30])
        scheds.append(Sched(f"s{i}", minute, rng.choice([8, 9]), rng.choice(ZONES), days))
    return rng.choice(["json", "yaml", "tf"]), scheds


SEEDS = range(24)


def test_generated_workspaces_match_spread_write(tmp_path: Path) -> None:
    """24 generated workspaces in one session: each document's SL701 is validate's, its quick
    fix (when spread moves something) gives spread --write's text, and none is left after."""
    cases = []
    for seed in SEEDS:
        kind, scheds = generated(seed)
        folder = tmp_path / f"ws{seed}"
        doc = workspace(folder, kind, scheds)
        cases.append((folder, doc, doc.read_text(), spread_written(folder, doc, tmp_path)))

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        out = []
        for _folder, doc, text, _want in cases:
            opened = await s.open(doc)
            actions = await quick_fix(s, doc, opened) \
                if any(d.code == "SL701" for d in opened) else []
            edited = _apply(text, actions[0].edit.changes[uri_of(doc)]) if actions else text
            after = await s.change(doc, edited) if actions else opened
            out.append((opened, actions, edited, after))
        return out

    # One server for every folder, started outside them all: each document's context is
    # its own folder.
    (tmp_path / "elsewhere").mkdir()
    results = run_in(tmp_path / "elsewhere", scenario)
    moved = 0
    for (folder, doc, text, want), (opened, actions, edited, after) in zip(
            cases, results, strict=True):
        assert got(opened) == expected(doc, cwd=folder, context=folder), folder.name
        assert edited == want, folder.name
        moved += want != text
        if want != text:
            assert len(actions) == 1 and "SL701" not in {d.code for d in after}, folder.name
    assert moved >= 10  # (11 of the 24 seeds): the comparison is not of empty proposals


# -- the context is read once and kept while it is unchanged ----------------------------------


def test_context_files_are_read_again_only_when_they_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting the engine's reads: an unchanged context file is not read again; a changed
    one is; a module file that reads a variable is read again when the document changes."""
    folder = tmp_path / "ws"
    doc = workspace(folder, "tf", [Sched("a", 0, 9, "UTC"), Sched("b", 0, 9, "UTC")])
    uses = folder / "uses.tf"
    uses.write_text(tf_text([Sched("c", 0, 9, "UTC")]).replace('"UTC"', "var.zone"))
    other = folder / "sub" / "other.json"
    other.parent.mkdir()
    other.write_text(json_text([Sched("d", 0, 9, "UTC")], model=False))
    old = time.time() - 3600
    for path in (doc, uses, other, folder / "models.tf"):
        os.utime(path, (old, old))
    reads: list[str] = []
    real = engine.read

    def counting(item: engine.Source) -> object:
        if item.data is None:  # a file read from disk, not the document's text
            reads.append(os.path.basename(str(item.path)))
        return real(item)

    monkeypatch.setattr(engine, "read", counting)
    text = doc.read_text()
    defined = text + '\nvariable "zone" {\n  default = "UTC"\n}\n'

    def codes(body: str) -> list[str]:
        return [c.finding.code for c in adapter.diagnose(str(doc), body, str(folder))]

    first = codes(defined)
    assert sorted(reads) == ["models.tf", "other.json", "uses.tf"]
    reads.clear()
    assert codes(defined) == first and reads == []  # nothing changed
    assert codes(defined + "\n") == first and reads == ["uses.tf"]  # reads var.zone
    reads.clear()
    other.write_text(json_text([Sched("d", 5, 9, "UTC")], model=False))
    os.utime(other, (old + 1, old + 1))
    codes(defined + "\n")
    assert reads == ["other.json"]
    # the verdicts are validate's on the same files
    doc.write_text(defined)
    assert first.count("SL701") == 2
    assert codes(defined) == [f["code"] for f in _validate(doc, folder)]


def _validate(doc: Path, folder: Path) -> list[dict[str, object]]:
    from .lsp_client import validate_json

    return validate_json(doc, folder, folder)


# -- hostile: 2,000 schedules on one warehouse ------------------------------------------------


def test_two_thousand_schedules_on_one_warehouse_keep_the_server_responsive(
        tmp_path: Path) -> None:
    """SL701 on 2,000 schedules and spread's proposal for them: both arrive, and a hover and
    a change in another document are answered while the proposal is being made."""
    rng = random.Random(2000)
    scheds = [Sched(f"s{i}", rng.randrange(60), rng.randrange(24), rng.choice(ZONES))
              for i in range(2000)]
    folder = tmp_path / "big"
    doc = workspace(folder, "json", scheds)
    small = folder / "small.yaml"
    small.write_text("reverseETLSchedule:\n  strategy: cron\n  config:\n"
                     "    spec: '0 3 * * *'\n    timezone: UTC\n")
    want_text = spread_written(folder, doc, tmp_path)
    text = doc.read_text()

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        await s.open(small)
        start = time.perf_counter()
        opened = await s.open(doc)
        diagnosed = time.perf_counter() - start
        collisions = [d for d in opened if d.code == "SL701"]
        start = time.perf_counter()
        asked = asyncio.ensure_future(s.actions(doc, collisions[0].range, collisions[:1]))
        await asyncio.sleep(0.2)
        hover_start = time.perf_counter()
        hovered = await s.hover(small, 3, 12)
        hover_time = time.perf_counter() - hover_start
        change_start = time.perf_counter()
        changed = await s.change(small, small.read_text().replace("0 3 ", "*/5 * "))
        change_time = time.perf_counter() - change_start
        actions = spread_actions(await asyncio.wait_for(asked, 120))
        proposed = time.perf_counter() - start
        start = time.perf_counter()
        cached = spread_actions(await s.actions(doc, collisions[1].range, collisions[1:2]))
        again = time.perf_counter() - start
        return (opened, diagnosed, actions, proposed, hovered, hover_time, changed,
                change_time, cached, again)

    (opened, diagnosed, actions, proposed, hovered, hover_time, changed, change_time, cached,
     again) = run_in(folder, scenario)
    print(f"\n2,000 schedules: diagnostics {diagnosed:.2f} s, spread proposal "
          f"{proposed:.2f} s; meanwhile a hover {hover_time * 1000:.0f} ms and a change's "
          f"diagnostics {change_time * 1000:.0f} ms; the proposal again {again * 1000:.0f} ms")
    assert [d.code for d in changed] == ["SL407"]
    assert got(opened) == expected(doc, cwd=folder, context=folder)
    assert sum(1 for d in opened if d.code == "SL701") > 100
    assert isinstance(hovered, t.Hover)
    [action] = actions
    assert _apply(text, action.edit.changes[uri_of(doc)]) == want_text
    assert [a.edit for a in cached] == [action.edit]  # made once per text


def test_a_context_cut_at_its_limit_is_said(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond MAX_CONTEXT_FILES files the walk stops, and a note says what is not found; the
    files read before the cut still count."""
    folder = tmp_path / "ws"
    doc = workspace(folder, "json", [Sched("a", 0, 9, "UTC")])
    for name in ("b.json", "c.json"):
        (folder / name).write_text(json_text([Sched(name, 0, 9, "UTC")], model=False))
    text = doc.read_text()
    whole: list[str] = []
    full = [c.finding.code for c in adapter.diagnose(str(doc), text, str(folder), whole)]
    monkeypatch.setattr(adapter, "MAX_CONTEXT_FILES", 1)
    notes: list[str] = []
    cut = [c.finding.code for c in adapter.diagnose(str(doc), text, str(folder), notes)]
    assert full == cut == ["SL701"]  # b.json, first in the walk, is read either way
    assert whole == []
    assert len(notes) == 1 and "more than 1 files to read as context" in notes[0]
    assert "not found" in notes[0]


@pytest.mark.parametrize(("folders", "want"), [
    (["/w"], "/w"),
    (["/w", "/w/inner"], "/w/inner"),  # the deepest folder holding the document
    (["/other"], "/w/inner"),  # outside every folder: its own directory
    (["/w/in"], "/w/inner"),  # a prefix of the name is not a parent folder
    (["/"], "/w/inner"),  # never a file system's root
], ids=["folder", "deepest", "outside", "prefix", "root"])
def test_context_folder(folders: list[str], want: str) -> None:
    """Which folder's files are a document's context."""
    assert adapter.context_folder("/w/inner/main.tf", folders) == want


def test_a_home_directory_is_never_the_context(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor opened in the home directory: the document's own directory instead."""
    monkeypatch.setenv("HOME", str(tmp_path))
    doc = tmp_path / "infra" / "main.tf"
    assert adapter.context_folder(str(doc), [str(tmp_path)]) == str(doc.parent)
    assert adapter.context_folder(str(doc), [str(tmp_path), str(doc.parent.parent)]) \
        == str(doc.parent)


def test_no_context_for_a_document_without_a_file() -> None:
    """An unsaved buffer has no folder: only its own schedules are judged together."""
    assert adapter.context_folder("untitled.json", ["/w"]) is None


def test_hostile_context_files_lose_nothing(tmp_path: Path) -> None:
    """Context files that are deep, long, huge or undecodable: the document's verdict is still
    validate --context's, and its collision with a sound context file is still found."""
    folder = tmp_path / "ws"
    doc = workspace(folder, "json", [Sched("a", 0, 9, "UTC")])
    (folder / "sound.json").write_text(json_text([Sched("b", 0, 9, "UTC")], model=False))
    (folder / "deep.json").write_text('{"modelId": "m1", "x": ' + "[" * 100_000
                                      + "]" * 100_000 + "}")
    (folder / "long.yaml").write_text("modelId: m1\nreverseETLSchedule:\n  strategy: cron\n"
                                      "  config: {spec: '" + "9" * 100_000 + " * * * *'}\n")
    (folder / "huge.json").write_text('{"subscriptions": [{"modelId": "m1", '
                                      '"reverseETLSchedule": {"strategy": "cron", "config": '
                                      '{"spec": "0 9 * * *", "timezone": "UTC", "n": 1e999999'
                                      "}}}]}")
    (folder / "bytes.json").write_bytes(b'{"modelId": "m1", "reverseETLSchedule": "\xff\xfe"}')
    (folder / "bomb.yaml").write_text("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(9)) + "modelId: m1\nreverseETLSchedule: *j\n")
    have = [(c.finding.code, c.finding.line)
            for c in adapter.diagnose(str(doc), doc.read_text(), str(folder))]
    want = [(f["code"], f["line"]) for f in _validate(doc, folder)]
    assert have == want == [("SL701", 10)]  # with b in sound.json


def test_the_title_names_the_moves_left_to_other_files(tmp_path: Path) -> None:
    """a.json moves one of its own and spread moves b.json's too: the action makes a.json's
    move only (spread --write's text for a.json) and names the other."""
    folder = tmp_path / "ws"
    folder.mkdir()
    a, b = folder / "a.json", folder / "b.json"
    a.write_text(json_text([Sched("early", 0, 9, "UTC"), Sched("second", 0, 9, "UTC")]))
    b.write_text(json_text([Sched("late", 0, 9, "UTC")], model=False))
    want_a = spread_written(folder, a, tmp_path)

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        return await quick_fix(s, a, await s.open(a))

    [action] = run_in(folder, scenario)
    assert _apply(a.read_text(), action.edit.changes[uri_of(a)]) == want_a
    assert list(action.edit.changes) == [uri_of(a)]  # never another file
    assert "'second'" in action.title and "1 more in b.json, not changed here" in action.title


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_byte_order_mark_crlf_and_astral_characters(tmp_path: Path, encoding: str) -> None:
    """Each file on one line (astral names before the moved spec) or with CRLF line ends,
    with and without a byte order mark: the edit, placed in the negotiated code units, still
    gives spread --write's text."""
    scheds = [Sched("\U0001f600a", 0, 9, "UTC"), Sched("\U0001f4a5b\u00e9", 0, 9, "UTC")]
    compact = json.dumps(json.loads(json_text(scheds)), ensure_ascii=False)
    cases = []
    for n, (bom, text) in enumerate([("", compact), ("\ufeff", compact),
                                     ("", json_text(scheds).replace("\n", "\r\n")),
                                     ("\ufeff", yaml_text(scheds).replace("\n", "\r\n"))]):
        folder = tmp_path / f"ws{n}"
        folder.mkdir()
        doc = folder / ("subs.yaml" if "models:" in text else "subs.json")
        doc.write_bytes((bom + text).encode("utf-8"))
        cases.append((doc, bom + text, spread_written(folder, doc, tmp_path)))

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        return [await quick_fix(s, doc, await s.open(doc)) for doc, _, _ in cases]

    (tmp_path / "elsewhere").mkdir()
    results = run_in(tmp_path / "elsewhere", scenario, encodings=(encoding,))
    for (doc, text, want), [action] in zip(cases, results, strict=True):
        edits = action.edit.changes[uri_of(doc)]
        assert _apply_units(text, edits, encoding) == want != text, doc.parent.name


def _apply_units(text: str, edits: list[t.TextEdit], encoding: str) -> str:
    """``edits`` applied, their columns read in ``encoding``'s code units."""
    if encoding == "utf-16":
        return _apply(text, edits)
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(p: t.Position) -> int:
        return starts[p.line] + len(lines[p.line].encode("utf-8")[:p.character].decode("utf-8"))

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                    reverse=True):
        text = text[:offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


def test_no_action_where_spread_leaves_the_move_to_edit_by_hand(tmp_path: Path) -> None:
    """The schedule spread moves takes its spec from a variable: SL701, and no quick fix."""
    folder = tmp_path / "ws"
    doc = workspace(folder, "tf", [Sched("a", 0, 9, "UTC"), Sched("b", 0, 9, "UTC")])
    text = doc.read_text()
    cut = text.rindex('"0 9 * * *"')
    doc.write_text('variable "spec" {\n  default = "0 9 * * *"\n}\n\n' + text[:cut]
                   + "var.spec" + text[cut + len('"0 9 * * *"'):])
    said = subprocess.run([sys.executable, "-m", "schedulelib", "spread", "."], cwd=folder,
                          capture_output=True, text=True, check=False, timeout=120)

    async def scenario(s: Session):  # type: ignore[no-untyped-def]
        opened = await s.open(doc)
        return opened, await quick_fix(s, doc, opened)

    opened, actions = run_in(folder, scenario)
    assert "edit by hand" in said.stdout
    assert [d.code for d in opened] == ["SL701", "SL701"]
    assert actions == []


# -- generated workspaces in-process: the kept context against a fresh reading --------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SCHED = st.builds(
    lambda minute, hour, zone, days, i: Sched(f"x{i}", 0 if days else minute, hour, zone, days),
    st.sampled_from([0, 1, 30]), st.sampled_from([8, 9]), st.sampled_from(ZONES),
    st.none() | st.lists(st.integers(0, 6), min_size=1, max_size=3, unique=True).map(sorted),
    st.integers(0, 10**6))
FILE = st.tuples(st.sampled_from(["json", "yaml", "tf"]), st.booleans(),
                 st.lists(SCHED, min_size=1, max_size=4))


def _write(folder: Path, n: int, kind: str, deeper: bool, scheds: list[Sched],
           when: float) -> Path:
    """File ``n`` of a generated workspace; the first one holds model m1 (source
    'warehouse'); Terraform files name their model by id, so any file can hold it."""
    for i, s in enumerate(scheds):
        s.name = f"f{n}s{i}"
    where = folder / "sub" if deeper else folder
    where.mkdir(exist_ok=True)
    if kind == "tf":
        body = tf_text(scheds).replace("segment_reverse_etl_model.id-m1.id", '"m1"')
        text = (MODELS_TF if n == 0 else "") + body
    elif kind == "yaml":
        text = yaml_text(scheds) if n == 0 else yaml_text(scheds).split("subscriptions:", 1)[
            1].join(["subscriptions:", ""])
    else:
        text = json_text(scheds, model=n == 0)
    path = where / f"f{n}.{kind}"
    path.write_text(text)
    os.utime(path, (when, when))
    return path


def _oracle(doc: Path, text: str, root: Path) -> tuple[list[tuple[object, ...]], str | None]:
    """validate DOC --context ROOT with DOC holding ``text`` (every file read afresh), and
    spread ROOT's text for DOC (on disk, as the command reads it)."""
    from schedulelib.lint import sources
    from schedulelib.lint.sources.tfmodule import session
    from schedulelib.lint.spread import spread

    options = engine.Options()
    config = engine.Settings(options)
    around = [engine.Source(str(s.path), s.path, named=False)
              for s in engine.expand([str(root)], config) if isinstance(s, engine.Source)]
    with session():
        report = engine.lint([engine.Source(str(doc), doc, data=text.encode())], options,
                             config, context=around)
    found = [(f.code, f.line, f.column, f.message) for f in report.findings]
    with session(()):
        scans = [sources.read_file(s.path, named=False) for s in around]
        result = spread([s for s in scans if not s.skipped and not s.unreadable])
    after = next((f.after for f in result.files if Path(f.file) == doc and not f.refused),
                 None)
    return found, after


def _lsp(doc: Path, text: str, root: Path) -> tuple[list[tuple[object, ...]], str]:
    found = [(c.finding.code, c.finding.line, c.finding.column, c.finding.message)
             for c in adapter.diagnose(str(doc), text, str(root))]
    proposal = adapter.spread_fix(str(doc), text, str(root))
    for a, b, new in sorted(proposal.edits, reverse=True):
        text = text[:a] + new + text[b:]
    return found, text


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(FILE, min_size=1, max_size=4), pick=st.integers(0, 3),
       change=st.integers(0, 3), again=FILE)
def test_kept_context_equals_a_fresh_reading(files: list[tuple[str, bool, list[Sched]]],
                                             pick: int, change: int,
                                             again: tuple[str, bool, list[Sched]]) -> None:
    """Generated workspaces of JSON, YAML and Terraform files (some in a subfolder): the
    document's findings and spread's edits, from the kept context, equal a fresh reading,
    before and after another file changes on disk or the document's own text changes."""
    import tempfile

    old = time.time() - 3600
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(os.path.realpath(scratch))
        paths = [_write(root, n, *f, old) for n, f in enumerate(files)]
        doc = paths[pick % len(paths)]
        text = doc.read_text()
        first = _lsp(doc, text, root)
        found, after = _oracle(doc, text, root)
        assert first[0] == found
        assert first[1] == (after if after is not None else text)
        assert _lsp(doc, text, root) == first  # kept: the same answer
        target = paths[change % len(paths)]
        if target == doc:  # the document's unsaved text changes; its file does not
            scheds = again[2]
            text = yaml_text(scheds) if doc.suffix == ".yaml" else json_text(scheds) \
                if doc.suffix == ".json" else tf_text(scheds).replace(
                    "segment_reverse_etl_model.id-m1.id", '"m1"')
            found, _ = _oracle(doc, text, root)
            assert _lsp(doc, text, root)[0] == found
        else:  # another file changes on disk (an hour ago, by its clock)
            scheds = again[2]
            n = paths.index(target)
            target.unlink()
            paths[n] = _write(root, n, target.suffix[1:], target.parent != root, scheds,
                              old + 1)
            found, after = _oracle(doc, text, root)
            second = _lsp(doc, text, root)
            assert second[0] == found
            assert second[1] == (after if after is not None else text)
