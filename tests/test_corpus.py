"""Real schedules people wrote (../shared/corpus): no crash, and the verdict reviewed by hand."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schedulelib import DurationError, check, parse_duration

from .conftest import DATA, ROOT, SHARED

sys.path.insert(0, str(ROOT / "tools"))
from record_corpus import corpus_rows, cron_verdict, duration_verdict

pytestmark = pytest.mark.skipif(not (SHARED / "corpus").is_dir(),
                                reason="../shared/corpus is not beside the checkout")
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


def _recorded(name: str) -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r for r in rows[1:] if r]


def test_every_corpus_cron_expression_has_a_recorded_verdict() -> None:
    """Each of the real cron expressions gets the verdict reviewed once, and no crash."""
    recorded = {r[0].replace("\\t", "\t"): r[1] for r in _recorded("corpus_cron.tsv")}
    specs = corpus_rows("cron_real.tsv")
    assert len(specs) >= 300 and set(specs) == set(recorded)
    wrong = {s: (cron_verdict(s), recorded[s]) for s in specs if cron_verdict(s) != recorded[s]}
    assert not wrong


def test_every_corpus_duration_has_a_recorded_verdict() -> None:
    """Each real interval gets the reviewed verdict and Go's canonical form or error."""
    recorded = {r[0]: (r[1], r[2]) for r in _recorded("corpus_durations.tsv")}
    texts = corpus_rows("durations_real.tsv")
    assert len(texts) >= 100 and set(texts) == set(recorded)
    wrong = {t: (duration_verdict(t), recorded[t]) for t in texts
             if duration_verdict(t) != recorded[t]}
    assert not wrong


def test_corpus_verdicts_cover_every_kind_of_mistake() -> None:
    """The corpus exercises the cron rules users actually break."""
    verdicts = {v for r in _recorded("corpus_cron.tsv") for v in r[1].split(",")}
    assert {"ok", "SL402", "SL403", "SL404", "SL405", "SL406", "SL407", "SL408"} <= verdicts


@pytest.mark.parametrize("spec", ["*/5 * * * *", "0 0 31 2 *", "@every 1h30m"])
def test_corpus_examples_carry_a_hint(spec: str) -> None:
    """A rejected real expression comes with a hint on what to write instead."""
    assert all(d.hint for d in check({"strategy": "cron",
                                      "config": {"spec": spec, "timezone": "UTC"}}))


def test_go_rejects_day_units_in_real_intervals() -> None:
    """The "1d" of Segment's own provider fixtures is rejected with Go's text."""
    with pytest.raises(DurationError, match='unknown unit "d"'):
        parse_duration("1d")


def test_corpus_files_are_read_as_utf8() -> None:
    """The corpus files decode (a guard for the reader the tests share)."""
    assert Path(SHARED / "corpus" / "cron_real.tsv").read_text("utf-8")
