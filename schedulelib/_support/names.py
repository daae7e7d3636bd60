"""Report names that tell apart schedules sharing one name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def numbered(names: Sequence[str], counted: Sequence[bool] | None = None) -> list[str]:
    """``names`` in order, with the n-th of several equal names written ``name [n]``.

    ``counted`` (one flag per name; default all) says which names take part: one left out
    keeps its name as it is and is not counted among the others (``audit`` leaves out the
    subscriptions whose schedule cannot be read, as ``calendar`` never shows them).
    """
    flags = [True] * len(names) if counted is None else list(counted)
    if len(flags) != len(names):
        raise ValueError(f"numbered: {len(names)} names but {len(flags)} counted flags")
    total = Counter(name for name, take in zip(names, flags, strict=True) if take)
    seen: Counter[str] = Counter()
    out: list[str] = []
    for name, take in zip(names, flags, strict=True):
        if take and total[name] > 1:
            seen[name] += 1
            out.append(f"{name} [{seen[name]}]")
        else:
            out.append(name)
    return out
