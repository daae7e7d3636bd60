"""A Terraform tree of 500 ``.tf`` files: ``schedulelib validate`` (reading, following
variables, locals and for_each, checking every schedule) against python-hcl2 merely parsing
the same files, side by side in one run.  The budget: validate at least 10x faster.

The tree has 25 modules of 20 files each: ``variables.tf`` (defaults), ``locals.tf`` (a
literal config, a zone, a for_each map) and 18 files of subscriptions and models written the
ways teams write them (literal, through var, through local, jsonencode(local.x), for_each over
a local map), with the unrelated attributes of Segment's real exports.  Both contenders run in
this process, each over every file; the least CPU time of a few rounds of each is compared.

    pip install -e '.[bench]'
    python benchmarks/bench_terraform.py
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

MODULES, FILES = 25, 20

VARIABLES = """\
variable "interval" {
  description = "How often the models sync"
  type        = string
  default     = "%dh"
}

variable "source_id" {
  type = string
}
"""

LOCALS = """\
locals {
  zone = "America/Chicago"
  nightly = {
    spec     = "%d 2 * * *"
    timezone = local.zone
  }
  syncs = {
    users    = { interval = "1h", model = "a1" }
    accounts = { interval = "12h", model = "b2" }
    events   = { interval = "15m", model = "c3" }
  }
}
"""

SUBSCRIPTION = """\
resource "segment_destination_subscription" "sub_%(n)d" {
  action_id      = "vm2tNA5U1zxUusQkdC4D7Z"
  destination_id = "668e7746e82b27d599f3f29a"
  enabled        = true
  model_id       = "gGyUdsADu8W9qPu5m1xFm4"
  name           = "Send Identify %(n)d"
  reverse_etl_schedule = {
    config   = %(config)s
    strategy = "%(strategy)s"
  }
  settings = jsonencode({
    email     = "$.properties.email"
    traits    = { plan = "$.properties.plan", seats = 12 }
    batchSize = 500
  })
  trigger = "type = \\"track\\""
}

"""

EACH = """\
resource "segment_destination_subscription" "each_%(n)d" {
  for_each       = local.syncs
  action_id      = "oiFvX4YXwyaPVysi1t7mtz"
  destination_id = "63ff55e6391b51d322b4990c"
  enabled        = true
  model_id       = each.value.model
  name           = "Sync ${each.key}"
  reverse_etl_schedule = {
    config   = jsonencode({ interval = each.value.interval })
    strategy = "PERIODIC"
  }
  settings = jsonencode({})
}

"""

MODEL = """\
resource "segment_reverse_etl_model" "model_%(n)d" {
  description             = "Users with a plan"
  enabled                 = true
  name                    = "users %(n)d"
  query                   = "SELECT user_id, plan FROM analytics.users WHERE plan IS NOT NULL"
  query_identifier_column = "user_id"
  schedule_config         = jsonencode({ days = [1, 5, 2], hours = [8], timezone = local.zone })
  schedule_strategy       = "SPECIFIC_DAYS"
  source_id               = var.source_id
}

"""

CONFIGS = [
    ('jsonencode({ interval = "1h" })', "PERIODIC"),
    ("jsonencode({ interval = var.interval })", "PERIODIC"),
    ("jsonencode(local.nightly)", "CRON"),
    ('jsonencode({ spec = "0 */2 * * *", timezone = local.zone })', "CRON"),
    ("null", "MANUAL"),
]


def make_tree(root: Path) -> list[Path]:
    files = []
    for m in range(MODULES):
        folder = root / f"module_{m:02d}"
        folder.mkdir()
        (folder / "variables.tf").write_text(VARIABLES % (1 + m % 23))
        (folder / "locals.tf").write_text(LOCALS % (m % 60))
        for f in range(FILES - 2):
            parts = []
            for k in range(3):
                n = f * 3 + k
                config, strategy = CONFIGS[(m + n) % len(CONFIGS)]
                parts.append(SUBSCRIPTION % {"n": n, "config": config, "strategy": strategy})
            parts.append(EACH % {"n": f} if f % 2 else MODEL % {"n": f})
            (folder / f"sync_{f:02d}.tf").write_text("".join(parts))
        files.extend(sorted(folder.glob("*.tf")))
    return files


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """The least CPU time of ``repeat`` runs after a warm-up.  Both contenders run in this
    process on one thread, so CPU time is their cost; wall time on a shared machine measures
    the neighbours as much as the code."""
    fn()  # warm up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    import hcl2

    from schedulelib.cli.main import run

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = make_tree(root)
        assert len(files) == MODULES * FILES
        texts = [p.read_text() for p in files]

        def validate() -> None:
            with redirect_stdout(io.StringIO()):
                code = run(["validate", "--format", "json", str(root)])
            assert code == 0, code

        def parse_only() -> None:
            for text in texts:
                hcl2.loads(text)

        ours = best(validate, repeat=7)
        theirs = best(parse_only, repeat=3)
        out = io.StringIO()
        with redirect_stdout(out):
            run(["validate", str(root)])
        print(f"{len(files)} .tf files in {MODULES} modules: "
              f"{out.getvalue().strip().splitlines()[-1]}")
        print(f"  schedulelib validate (read, follow names, check)  {ours:7.3f} s CPU")
        print(f"  python-hcl2 loads() of the same files (parse only) {theirs:7.3f} s CPU")
        ratio = theirs / ours
        print(f"  ratio: validate is {ratio:.1f}x faster (budget: at least 10x)")


if __name__ == "__main__":
    main()
