"""Every callable of the public API, given an argument of a wrong type, raises TypeError or
ScheduleError with a message: never AttributeError, never a silent pass."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import schedulelib
from schedulelib import ScheduleError
from schedulelib.core.schedule import MAX_COUNT

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CRON = {"strategy": "cron", "config": {"spec": "0 2 * * *", "timezone": "Europe/Berlin"}}
DAYS = {"strategy": "specific_days", "config": {"days": [1], "hours": [2],
                                               "timezone": "Europe/Berlin"}}
PERIODIC = {"strategy": "periodic", "config": {"interval": "1h"}}
TEXT = '{"reverseETLSchedule": ' + str(CRON).replace("'", '"') + "}"
HERE = str(Path(__file__))

WRONG = st.one_of(
    st.none(), st.integers(), st.floats(), st.booleans(), st.binary(max_size=8),
    st.text(max_size=12), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.dates(),
    st.timedeltas(), st.decimals(allow_nan=False), st.complex_numbers(),
    st.tuples(st.integers()), st.just(object()), st.just(b"0 * * * *"),
)


def _datetime(v: object) -> bool:
    return isinstance(v, datetime)


def _optional_datetime(v: object) -> bool:
    return v is None or isinstance(v, datetime)


def _path(v: object) -> bool:
    return isinstance(v, str | bytes | os.PathLike)


def _iterable(v: object) -> bool:
    return isinstance(v, str | os.PathLike | list | tuple | dict)


# (callable, the arguments that work, {parameter: which values are of its type}); every
# function and method the public names give, parameter by parameter.
def _calls() -> dict[str, tuple[Callable[..., Any], dict[str, Any], dict[str, Callable[[object],
                                                                                       bool]]]]:
    s = schedulelib
    out: dict[str, tuple[Callable[..., Any], dict[str, Any],
                         dict[str, Callable[[object], bool]]]] = {
        "check": (s.check, {"doc": CRON, "as_of": NOW}, {"as_of": _optional_datetime}),
        "load": (s.load, {"doc": CRON, "as_of": NOW}, {"as_of": _optional_datetime}),
        "analyze": (s.analyze, {"schedule": s.load(CRON), "start": NOW,
                                "end": NOW + timedelta(days=2), "dst": "go"},
                    {"schedule": lambda v: False, "start": _datetime, "end": _datetime,
                     "dst": lambda v: v in ("go", "debian", "croniter")}),
        "parse_cron": (s.parse_cron, {"spec": "0 * * * *"}, {"spec": lambda v: False}),
        "parse_duration": (s.parse_duration, {"text": "1h"},
                           {"text": lambda v: False}),
        "scan_text": (s.scan_text, {"text": TEXT, "name": "x.json", "kind": None,
                                    "as_of": NOW},
                      {"text": lambda v: isinstance(v, str | bytes),
                       "name": lambda v: isinstance(v, str),
                       "kind": lambda v: v in (None, "json", "yaml", "terraform"),
                       "as_of": _optional_datetime}),
        "scan_file": (s.scan_file, {"path": HERE, "kind": None, "as_of": NOW},
                      {"path": _path, "kind": lambda v: v in (None, "json", "yaml", "terraform"),
                       "as_of": _optional_datetime}),
        "scan_paths": (lambda **kw: list(s.scan_paths(**kw)), {"paths": [HERE], "as_of": NOW},
                       {"paths": _iterable, "as_of": _optional_datetime}),
        "schema": (s.schema, {}, {}),
        "same_runs": (s.same_runs, {"a": s.load(CRON), "b": s.load(DAYS), "dst": "go"},
                      {"a": lambda v: False, "b": lambda v: False,
                       "dst": lambda v: v in ("go", "debian", "croniter")}),
        "first_difference": (s.first_difference, {"a": s.load(CRON), "b": s.load(DAYS),
                                                  "after": NOW, "dst": "go"},
                             {"a": lambda v: False, "b": lambda v: False, "after": _datetime,
                              "dst": lambda v: v in ("go", "debian", "croniter")}),
    }
    for label, doc in (("Cron", CRON), ("SpecificDays", DAYS), ("Periodic", PERIODIC)):
        value = s.load(doc)
        out[f"{label}.next_runs"] = (value.next_runs, {"after": NOW, "count": 3, "dst": "go"},
                                     {"after": _datetime,
                                      "count": lambda v: isinstance(v, int) and
                                      not isinstance(v, bool) and 0 <= v <= MAX_COUNT,
                                      "dst": lambda v: v in ("go", "debian", "croniter")})
        out[f"{label}.runs"] = (lambda value=value, **kw: list(itertools.islice(
            value.runs(**kw), 3)), {"after": NOW, "until": None, "dst": "go"},
            {"after": _datetime, "until": _optional_datetime,
             "dst": lambda v: v in ("go", "debian", "croniter")})
    return out


CALLS = _calls()
PARAMS = [(name, param) for name, (_, _, kinds) in CALLS.items() for param in kinds]


def test_every_public_callable_is_covered() -> None:
    """Each function of __all__ is in the table (classes are values: their methods are)."""
    functions = {n for n in schedulelib.__all__ if callable(getattr(schedulelib, n))
                 and not isinstance(getattr(schedulelib, n), type)
                 and n not in ("DstPolicy", "Schedule", "Severity")}  # type aliases
    assert functions <= set(CALLS)


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}-{p}" for n, p in PARAMS])
@settings(max_examples=40, deadline=None)
@given(value=WRONG)
@example(value="2026-01-01")  # the issue's as_of
@example(value=date(2026, 1, 1))
@example(value=None)
def test_a_wrong_type_raises_type_error_or_schedule_error(name: str, param: str,
                                                         value: object) -> None:
    function, good, kinds = CALLS[name]
    if kinds[param](value):
        return  # of the right type: not this test's business
    with pytest.raises((TypeError, ScheduleError)) as raised:
        function(**{**good, param: value})
    assert str(raised.value).strip()


@pytest.mark.parametrize("name", ["check", "load"])
def test_the_issue_as_of_string(name: str) -> None:
    """check(doc, as_of="2026-01-01") says what as_of must be."""
    with pytest.raises(TypeError, match=r"as_of must be an aware datetime or None, got str "
                                        r"'2026-01-01'"):
        getattr(schedulelib, name)(PERIODIC, as_of="2026-01-01")


@given(WRONG)
def test_check_takes_any_document(doc: object) -> None:
    """doc is data: any value gets diagnostics from check() and ScheduleError from load()."""
    found = schedulelib.check(doc)
    assert found and all(d.code.startswith("SL") for d in found)
    with pytest.raises(ScheduleError):
        schedulelib.load(doc)


@pytest.mark.parametrize("count", [MAX_COUNT + 1, 10**9, 10**400], ids=["cap+1", "1e9", "huge"])
def test_next_runs_refuses_a_count_past_the_cap_at_once(count: int) -> None:
    """next_runs(after, 10**9) on a periodic schedule raises before building anything."""
    with pytest.raises(ScheduleError, match=f"from 0 to {MAX_COUNT}"):
        schedulelib.load(PERIODIC).next_runs(NOW, count)


def test_next_runs_at_the_cap_is_the_stream_cut_there() -> None:
    value = schedulelib.load(PERIODIC)
    runs = value.next_runs(NOW, MAX_COUNT)
    assert len(runs) == MAX_COUNT
    assert runs[-1] == list(itertools.islice(value.runs(NOW), MAX_COUNT))[-1]
