"""The public values written with ``_support.records`` behave exactly as ``@dataclass(frozen=True)``
would make them: the same repr, equality and hash, frozen, picklable, and still dataclasses to
``fields``, ``replace``, ``asdict`` and ``is_dataclass`` (decision D55).

The reference is a class that ``dataclasses.make_dataclass(..., frozen=True)`` generates from the
same fields, given the same field values."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedulelib import (
    Cron,
    CronExpr,
    DbtCloud,
    Diagnostic,
    Duration,
    Finding,
    Manual,
    Periodic,
    SpecificDays,
)
from schedulelib._support.records import Frozen
from schedulelib.core.rules import Rule
from schedulelib.lint.sources.model import Span, Subject

VALUES = [Diagnostic, CronExpr, Duration, Manual, DbtCloud, Periodic, SpecificDays, Cron, Finding,
          Span, Subject, Rule]

# Field values need not have the annotated types: the methods under test never look inside.
ANY = st.one_of(st.integers(), st.text(max_size=5), st.none(), st.booleans(),
                st.tuples(st.integers(0, 3)), st.sampled_from(["", "x", "\u2028"]))


def reference(cls: type) -> Any:
    specs = []
    for f in dataclasses.fields(cls):
        options: dict[str, Any] = {"compare": f.compare, "repr": f.repr}
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        specs.append((f.name, object, dataclasses.field(**options)))
    return dataclasses.make_dataclass(cls.__qualname__, specs, frozen=True)


@st.composite
def pairs(draw: st.DrawFn, cls: type) -> tuple[Any, Any]:
    """Two instances of ``cls`` (often alike) and the reference's two, from the same values."""
    names = [f.name for f in dataclasses.fields(cls)]
    first = {n: draw(ANY) for n in names}
    second = {n: draw(st.sampled_from([first[n], draw(ANY)])) for n in names}
    ref = reference(cls)
    return (cls(**first), cls(**second)), (ref(**first), ref(**second))


@pytest.mark.parametrize("cls", VALUES, ids=lambda c: c.__name__)
def test_a_value_is_a_frozen_dataclass_in_every_way(cls: type) -> None:
    assert dataclasses.is_dataclass(cls) and issubclass(cls, Frozen)
    fields = dataclasses.fields(cls)
    params = list(inspect.signature(cls).parameters.values())
    # __init__ takes the fields in order, with their defaults: replace(), pickling and
    # positional construction rely on it.
    assert [p.name for p in params] == [f.name for f in fields]
    assert [p.default for p in params] == [
        inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        for f in fields]
    assert cls.__match_args__ == tuple(f.name for f in fields)


@pytest.mark.parametrize("cls", VALUES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_the_methods_are_those_dataclass_would_write(cls: type, data: st.DataObject) -> None:
    (a, b), (ra, rb) = data.draw(pairs(cls))
    assert repr(a) == repr(ra) and repr(b) == repr(rb)
    assert (a == b) == (ra == rb) and (a != b) == (ra != rb)
    assert hash(a) == hash(ra) and hash(b) == hash(rb)
    assert a == a and a != ra and (a == object()) is False
    assert dataclasses.asdict(a) == dataclasses.asdict(ra)
    for f in dataclasses.fields(cls):
        assert getattr(a, f.name) == getattr(ra, f.name)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(a, f.name, 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(a, f.name)
        changed = dataclasses.replace(a, **{f.name: getattr(b, f.name)})
        assert repr(changed) == repr(dataclasses.replace(ra, **{f.name: getattr(rb, f.name)}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.not_a_field = 1
    for twin in (pickle.loads(pickle.dumps(a)), copy.copy(a), copy.deepcopy(a)):
        assert type(twin) is cls and repr(twin) == repr(a) and twin == a


def test_periodic_compares_the_interval_not_its_spelling() -> None:
    """A field with compare=False (Periodic.text) takes no part in == or hash, as before."""
    one, other = Periodic(Duration(3_600_000_000_000), "1h"), Periodic(
        Duration(3_600_000_000_000), "60m")
    assert one == other and hash(one) == hash(other) and repr(one) != repr(other)
