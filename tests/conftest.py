"""Shared test set-up: hypothesis profiles and the paths of shared data."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from schedulelib.lint.sources import Scan

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# ../shared beside the checkout holds the reference texts and the real-world corpus.
SHARED = ROOT.parent / "shared"

# CI explores the same examples on every run, so a verdict never depends on the draw; the
# dev and deep profiles keep drawing new ones (and a failure they find becomes an @example).
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def read_all(paths: Iterable[str]) -> Iterator[Scan]:
    """Every file under ``paths`` read and scanned, as ``validate`` walks them (the one walk,
    lint/walk.py, with the nearest configuration of each folder)."""
    from schedulelib.lint.sources import Scan
    from schedulelib.lint.walk import Configs, expand, read

    for item in expand(paths, Configs()):
        yield item if isinstance(item, Scan) else read(item)
