"""The HCL reader alone, side by side in one run: with its shortcuts (whole lines matched at
once, literal operands read without the descent through the operators, a '}' found in the
text), token by token (``HclReader.fast = False``, the reference the tests compare it with),
and python-hcl2 merely parsing the same text.

Two texts: the 5,000-line Terraform file of benchmarks/bench_lsp.py (about 700 subscriptions
whose config is ``jsonencode({ spec = ..., timezone = ... })`` on one line), and the same
number of subscriptions written as Segment's Git sync export writes them (multi-line
``jsonencode({...})``, ``days = [1, 5]``, the unrelated attributes).  The least CPU time of a
few rounds of each is compared; the in-process check of the LSP benchmark is this reading,
then following names (terraform.py) and checking each schedule.

    python benchmarks/bench_hcl.py [ROUNDS]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from bench_lsp import make

from schedulelib.lint.sources.hcl import HclReader, Src

EXPORT = """\
resource "segment_destination_subscription" "id-{i}" {{
  destination_id = "63fe6572466ce18cc3a4cbd6"
  enabled        = true
  model_id       = "m{i}"
  name           = "Sync {i}"
  reverse_etl_schedule = {{
    config = jsonencode({{
      days     = [1, 5, 2]
      hours    = [{hour}]
      timezone = "America/Chicago"
    }})
    strategy = "SPECIFIC_DAYS"
  }}
  settings = jsonencode({{
    event_name = "Order {i}"
    mappings   = {{ properties = {{ total = "$.amount" }} }}
  }})
}}

"""


def cpu(fn: Callable[[], object], rounds: int) -> float:
    """The least CPU seconds of ``rounds`` calls."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def read(text: str) -> Callable[[], object]:
    return lambda: HclReader(text, Src("main.tf", text)).read()


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    lsp_text = make("tf")[0]
    export = "".join(EXPORT.format(i=i, hour=i % 24) for i in range(715))
    try:
        import hcl2
    except ImportError:
        hcl2 = None
    for title, text in (("bench_lsp's 5,000-line file", lsp_text),
                        (f"{export.count(chr(10)):,} lines of Git sync exports", export)):
        shortcuts = cpu(read(text), rounds)
        HclReader.fast = False
        try:
            tokens = cpu(read(text), rounds)
        finally:
            HclReader.fast = True
        print(f"{title} ({len(text):,} characters), least CPU of {rounds} rounds:")
        print(f"  with shortcuts     {shortcuts * 1000:7.1f} ms   1.00x")
        print(f"  token by token     {tokens * 1000:7.1f} ms   {tokens / shortcuts:5.2f}x")
        if hcl2 is not None:
            parse = cpu(lambda text=text: hcl2.parses_to_tree(text), max(3, rounds // 5))
            print(f"  python-hcl2 parse  {parse * 1000:7.1f} ms   {parse / shortcuts:5.2f}x")


if __name__ == "__main__":
    main()
