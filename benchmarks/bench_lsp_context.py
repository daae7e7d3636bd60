"""The language server's context for SL701 (decision D75): what a check of one document costs
when the other files of its workspace folder are its context, against ``validate FILE
--context FOLDER``'s own work in the same process.

The workspace is shaped like a Git sync export: one subscription per ``.tf`` file (FILES of
them, on MODELS models of one source, whose models are in ``models.tf``), and the document
being edited beside them.  Contenders, each a check of the document's text:

* ``validate --context`` : ``engine.lint`` with every other file as a context ``Source`` (read
  each time), as the command does;
* ``lsp, first check``   : ``adapter.diagnose`` with its cache emptied first (every file read);
* ``lsp, next checks``   : ``adapter.diagnose`` again, nothing changed on disk (the cache);
* ``document alone``     : ``adapter.diagnose`` without context (the floor: no judging of
  the others at all).

    python benchmarks/bench_lsp_context.py [FILES]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from _timing import per_call, report

from schedulelib.lint import engine
from schedulelib.lint.sources.tfmodule import session
from schedulelib.lsp import adapter

MODELS = 20


def workspace(folder: Path, files: int) -> Path:
    models = "".join(f'resource "segment_reverse_etl_model" "id-model{m}" {{\n'
                     f'  name = "M{m}"\n  source_id = "warehouse"\n  enabled = true\n'
                     f'  schedule_strategy = ""\n}}\n' for m in range(MODELS))
    (folder / "models.tf").write_text(models)
    for i in range(files + 1):
        (folder / f"sub{i:04}.tf").write_text(
            f'resource "segment_destination_subscription" "id-dest_s{i}" {{\n'
            f'  name = "S {i}"\n  model_id = "model{i % MODELS}"\n  enabled = true\n'
            f"  reverse_etl_schedule = {{\n    strategy = \"CRON\"\n"
            f'    config = jsonencode({{ spec = "{i % 60} {9 + i % 3} * * 1-5", '
            f'timezone = "America/New_York" }})\n  }}\n}}\n')
    # Old enough not to be "racy" (files changed in the last 2 s are read on every check).
    old = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (old, old))
    return folder / "sub0000.tf"


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        doc = workspace(folder, files)
        name, root, text = str(doc), str(folder), doc.read_text()

        def command() -> object:
            options = engine.Options()
            settings = engine.Settings(options)
            around = [engine.Source(str(s.path), s.path, named=False)
                      for s in engine.expand([root], settings)
                      if isinstance(s, engine.Source)]
            with session():
                return engine.lint([engine.Source(name, doc, data=text.encode())], options,
                                   settings, context=around)

        def cold() -> object:
            adapter._cache.clear()
            return adapter.diagnose(name, text, root)

        def warm() -> object:
            return adapter.diagnose(name, text, root)

        def alone() -> object:
            return adapter.diagnose(name, text)

        codes = [c.finding.code for c in adapter.diagnose(name, text, root)]
        print(f"{files} subscription files + models.tf; the document gets {codes}")
        rows = [(label, per_call(fn, number=1, repeat=7)) for label, fn in [
            ("validate --context", command), ("lsp, first check", cold),
            ("lsp, next checks", warm), ("document alone", alone)]]
        report(rows, "validate --context")


if __name__ == "__main__":
    main()
