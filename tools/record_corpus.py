"""Record schedulelib's verdict on every real-world schedule in ../shared/corpus.

The verdicts are reviewed by hand once, then committed as tests/data/corpus_*.tsv;
tests/test_corpus.py checks that check() still gives each one.  Run again after a rule change
and review the diff.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from schedulelib import DurationError, check, parse_duration

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "tests" / "data"
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


def corpus_rows(name: str) -> list[str]:
    """The first column of a corpus TSV, with the literal two characters \\t made a tab."""
    with (CORPUS / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row[0].replace("\\t", "\t") for row in rows[1:] if row]


def cron_verdict(spec: str) -> str:
    doc = {"strategy": "cron", "config": {"spec": spec, "timezone": "UTC"}}
    return ",".join(d.code for d in check(doc, as_of=AS_OF)) or "ok"


def duration_verdict(text: str) -> tuple[str, str]:
    doc = {"strategy": "periodic", "config": {"interval": text}}
    codes = ",".join(d.code for d in check(doc, as_of=AS_OF)) or "ok"
    try:
        go = str(parse_duration(text))
    except DurationError as exc:
        go = str(exc)
    return codes, go


def main() -> None:
    seen: set[str] = set()
    with (OUT / "corpus_cron.tsv").open("w", encoding="utf-8", newline="") as out:
        out.write("spec\tverdict\n")
        for spec in corpus_rows("cron_real.tsv"):
            if spec not in seen:
                seen.add(spec)
                written = spec.replace("\t", "\\t")
                out.write(f"{written}\t{cron_verdict(spec)}\n")
    seen.clear()
    with (OUT / "corpus_durations.tsv").open("w", encoding="utf-8", newline="") as out:
        out.write("interval\tverdict\tgo\n")
        for text in corpus_rows("durations_real.tsv"):
            if text not in seen:
                seen.add(text)
                codes, go = duration_verdict(text)
                out.write(f"{text}\t{codes}\t{go}\n")


if __name__ == "__main__":
    main()
