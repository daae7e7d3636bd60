"""Validating a large tree: the relevance test without a regular expression, the walk, and the
pool of worker processes, each against the slow and simple way it replaces."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.lint.sources import files, relevance

# -- which files are about schedules ------------------------------------------------------------

WEAK_TEXT = re.compile(files.WEAK_PATTERN.replace("BOM", "\ufeff"), re.MULTILINE)
WEAK_BYTES = re.compile(files.WEAK_PATTERN.replace("BOM", r"\xef\xbb\xbf").encode(), re.MULTILINE)
STRONG = ("reverseETLSchedule", "reverse_etl_schedule", "schedule_strategy",
          "segment_reverse_etl_model")


def oracle(text: str | bytes) -> int:
    """decision D23 as it was written: substring search, then the regular expression."""
    from schedulelib.lint.sources.reading import foreign_encoding

    foreign = foreign_encoding(text) if isinstance(text, bytes) else None
    if foreign is not None and isinstance(text, bytes):  # UTF-16 / UTF-32: judged on its text
        text = text.decode(foreign[0], "replace")
    if isinstance(text, str):
        return 2 if any(w in text for w in STRONG) else 1 if WEAK_TEXT.search(text) else 0
    if any(w.encode() in text for w in STRONG):
        return 2
    return 1 if WEAK_BYTES.search(text) else 0


#: Pieces that make up the places the patterns care about, and what stands between them.
PIECES = st.sampled_from(["strategy", "strateg", "y", "s", '"', "'", "{", ",", " ", "\t", "\r",
                          "\n", ":", "\ufeff", "x", "é", "-", "[", "schedule_strategy",
                          "reverseETLSchedule", "chedule"])
TEXTS = st.lists(PIECES, max_size=30).map("".join) | st.text(max_size=40)


@settings(max_examples=1500, deadline=None)
@given(TEXTS, st.booleans())
@example('"strategy"  \r\n :', False)
@example("\ufeffstrategy:", True)
@example("x\n\ufeffstrategy\t:", True)
@example("\ufeff\ufeffstrategy:", True)
@example("[\n,\n strategy :", False)
@example("{strategy\n:", False)
@example("{strategy:", True)
@example(", \tstrategy :", False)
@example("'strategy\":", True)
@example("strategystrategy:", False)
@example("a: 1\n  strategy: {}", True)
def test_relevance_gives_the_verdicts_of_the_regular_expression(text: str, encode: bool) -> None:
    """The word-by-word test and the regular expression it replaced agree, on text and on
    its UTF-8 bytes, also when it hands over to the expression after a few places."""
    given_ = text.encode("utf-8", "surrogatepass") if encode else text
    assert relevance(given_) == oracle(given_)
    by_hand = files.WORDS_BY_HAND
    try:
        for files.WORDS_BY_HAND in (0, 1, 2):
            assert relevance(given_) == oracle(given_)
    finally:
        files.WORDS_BY_HAND = by_hand


@pytest.mark.parametrize("text", [
    "strategy" * 500_000, "{" + " " * 2_000_000 + "strategy" + " " * 2_000_000,
    '"strategy" ' * 300_000, "\nstrategy\t" * 300_000, "," * 2_000_000 + "strategy:",
], ids=["words", "spaces", "quoted", "lines", "commas"])
def test_relevance_of_hostile_text_is_quick(text: str) -> None:
    """Millions of places, or of white space around one: the same verdict as the expression
    (a quadratic walk would not finish)."""
    for given_ in (text, text.encode()):
        assert relevance(given_) == oracle(given_)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60), st.lists(PIECES, max_size=12).map("".join))
@example(b"segment_reverse_etl_model", "")  # a model alone: who shares a warehouse (D64)
@example(b"\x00\x00\x00s", "")  # UTF-32 without a byte order mark
def test_relevance_of_any_bytes(noise: bytes, pieces: str) -> None:
    """Bytes that are not UTF-8 (and UTF-16 byte order marks) get the same verdict too."""
    for data in (noise, noise + pieces.encode(), pieces.encode() + noise):
        assert relevance(data) == oracle(data)


# -- one process or several: the same report ----------------------------------------------------

#: Files a generated tree is made of: schedules good and bad in each format, comments that
#: silence findings (and stale ones), Terraform reaching values through a module's files and a
#: broken terraform.tfvars, files that are not about schedules, and ones that cannot be read.
TREE_FILES: list[tuple[str, str]] = [
    ("subs.json", '{"subscriptions": [{"name": "a", "reverseETLSchedule": {"strategy": '
                  '"periodic", "config": {"interval": "7m"}}}]}'),
    ("good.json", '{"reverseETLSchedule": {"strategy": "manual"}}'),
    ("bare.yaml", "strategy: cron\nconfig: {spec: '*/5 * * * *', timezone: Mars/Base}\n"),
    ("quiet.yaml", "strategy: periodic\nconfig:\n  interval: 7m  # schedulelib: ignore[SL203]\n"),
    ("stale.yaml", "strategy: manual  # schedulelib: ignore[SL203]\n"),
    ("main.tf", 'resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
                '    strategy = "PERIODIC"\n    config   = jsonencode({ interval = var.every })'
                '\n  }\n}\n'),
    ("variables.tf", 'variable "every" {\n  default = "7m"\n}\n'),
    ("terraform.tfvars", "every = \n"),
    ("package.json", '{"name": "web", "scripts": {"build": "tsc"}}'),
    ("ci.yml", "jobs:\n  t:\n    strategy:\n      matrix: {a: [1]}\n"),
    ("deploy.json", '{"kind": "Deployment", "spec": {"strategy": {"type": "Recreate"}}}'),
    ("broken.json", '{"reverseETLSchedule": {"strategy": '),
    ("latin1.json", '{"reverseETLSchedule": "\xe9"}'),
    ("empty.yaml", ""),
    ("dangling.json", "->nowhere"),
]


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Folders of generated files (each a name and what it holds)."""
    out = []
    for folder in range(draw(st.integers(1, 6))):
        picks = draw(st.lists(st.sampled_from(TREE_FILES), min_size=1, max_size=12))
        deep = draw(st.sampled_from(["", "inner/", "a/b/"]))
        out += [(f"f{folder}/{deep}{name}", text) for name, text in picks]
    return out


def _write_tree(root: Path, files: list[tuple[str, str]]) -> None:
    for rel, text in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text.startswith("->"):
            if not path.is_symlink():
                path.symlink_to(root / text[2:])
        elif rel.endswith("latin1.json"):
            path.write_bytes(text.encode("latin-1"))
        else:
            path.write_text(text, "utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
@settings(max_examples=12, deadline=None)
@given(trees())
@example([(f"m{i}/{name}", text) for i in range(5) for name, text in TREE_FILES
          if name in ("main.tf", "terraform.tfvars", "variables.tf", "subs.json")])
def test_workers_give_the_report_one_process_gives(files: list[tuple[str, str]]) -> None:
    """Every format, byte for byte, exit status and notes included: the report of a run whose
    files are shared among processes (in several rounds) is the report of one process."""
    import tempfile

    from click.testing import CliRunner

    from schedulelib.cli.main import main
    from schedulelib.lint import engine

    def run(fmt: str, parallel: bool) -> tuple[int, str, str]:
        saved = engine.PARALLEL_FILES, engine.CHUNK, engine.ROUND, engine._spare_cores
        if parallel:
            engine.PARALLEL_FILES, engine.CHUNK, engine.ROUND = 3, 2, 7
            engine._spare_cores = lambda: 2  # two workers, however busy the machine
        try:
            result = CliRunner().invoke(main, ["validate", "--format", fmt, "--as-of",
                                               "2026-01-01", "--isolated", str(root)])
        finally:
            engine.PARALLEL_FILES, engine.CHUNK, engine.ROUND, engine._spare_cores = saved
        return result.exit_code, result.stdout, result.stderr

    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        _write_tree(root, files)
        for fmt in ("text", "json", "github", "sarif", "gitlab"):
            alone = run(fmt, parallel=False)
            assert "Traceback" not in alone[2]
            assert run(fmt, parallel=True) == alone


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_a_worker_that_dies_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """A worker killed mid-run (out of memory, a crash): its share is checked by the parent,
    and the report is the one a single process gives."""
    from click.testing import CliRunner

    from schedulelib.cli.main import main
    from schedulelib.lint import engine

    _write_tree(tmp_path, [(f"d{i}/{name}", text) for i in range(4) for name, text in TREE_FILES
                           if not text.startswith("->")])
    arguments = ["validate", "--format", "json", "--isolated", "--as-of", "2026-01-01",
                 str(tmp_path)]
    alone = CliRunner().invoke(main, arguments)
    parent, real = os.getpid(), engine._check_share

    def dying(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            os._exit(9)  # as a worker killed by the system would
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_check_share", dying)
    monkeypatch.setattr(engine, "PARALLEL_FILES", 2)
    monkeypatch.setattr(engine, "CHUNK", 3)
    monkeypatch.setattr(engine, "_spare_cores", lambda: 2)
    shared = CliRunner().invoke(main, arguments)
    assert (shared.exit_code, shared.stdout) == (alone.exit_code, alone.stdout)
    assert json.loads(alone.stdout)["summary"]["files"] > 10


@pytest.mark.parametrize(("cores", "load", "workers"), [
    (2, 0.0, 1), (2, 0.4, 1), (2, 0.6, 0), (2, 7.0, 0), (1, 0.0, 0), (4, 1.2, 2), (8, 0.0, 7),
], ids=["idle-pair", "quiet-pair", "busy-pair", "loaded-pair", "one-core", "half-busy-four",
        "idle-eight"])
def test_workers_only_for_idle_cores(monkeypatch: pytest.MonkeyPatch, cores: int, load: float,
                                     workers: int) -> None:
    """One worker per core beyond this process's own, as far as the load says it is idle."""
    from schedulelib.lint import engine

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load), raising=False)
    assert engine._spare_cores() == workers


def test_terraform_files_of_other_providers_do_not_load_the_terraform_reader(
        tmp_path: Path) -> None:
    """The run's Terraform session is made when a Terraform file about schedules is read: a
    tree of unrelated .tf files (and JSON schedules) never imports the Terraform reader."""
    import subprocess

    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    (tmp_path / "s.json").write_text('{"reverseETLSchedule": {"strategy": "manual"}}')
    code = ("import sys\nfrom schedulelib.cli.main import main\n"
            "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit as e:\n"
            "    assert e.code == 0, e.code\n"
            "loaded = [m for m in sys.modules if m.endswith(('tfmodule', '.hcl', 'terraform'))]\n"
            "assert not loaded, loaded\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    (tmp_path / "sub.tf").write_text('resource "segment_destination_subscription" "s" {\n'
                                     '  reverse_etl_schedule = { strategy = "MANUAL" }\n}\n')
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, check=False, timeout=60)
    assert "tfmodule" in done.stderr  # the test sees the reader when it is loaded
