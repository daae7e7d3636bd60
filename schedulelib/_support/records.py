"""Frozen value classes whose methods are written once, here, instead of compiled at import.

``@dataclass(frozen=True)`` builds ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` and ``__delattr__`` of each class from source text when the module is imported:
about half a millisecond a class on CPython 3.11, paid by every start of ``validate`` for each
public value on its path (decision D55).  A class decorated with :func:`frozen_value` writes its own
``__init__`` and inherits the rest from :class:`Frozen`; it is still a dataclass, so
``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` work on it as before, and
type checkers see it as frozen.  tests/test_records.py holds each one to what
``@dataclass(frozen=True)`` would make of the same fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, fields
from typing import Any, ClassVar, TypeVar, dataclass_transform

__all__ = ["Frozen", "frozen_value"]

_T = TypeVar("_T")

# A class -> the names of its fields that take part in == and hash (compare=True), in order.
_COMPARED: dict[type, tuple[str, ...]] = {}


class Frozen:
    """Equality, hash, repr, pickling and immutability by fields, as a frozen dataclass has
    them: instances compare equal when they are of the same class and their compared fields
    are equal; assigning or deleting a field raises ``FrozenInstanceError``."""

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]]

    def _compared(self) -> tuple[object, ...]:
        cls = self.__class__
        names = _COMPARED.get(cls)
        if names is None:
            names = _COMPARED[cls] = tuple(f.name for f in fields(cls) if f.compare)  # type: ignore[arg-type]
        return tuple([getattr(self, name) for name in names])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._compared() == other._compared()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}"
                          for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # The default for a slotted class restores state by assignment, which is refused.
        return self.__class__, tuple(getattr(self, name) for name in self.__match_args__)


@dataclass_transform(frozen_default=True)
def frozen_value(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]:
    """The decorator of a :class:`Frozen` value class that writes its own ``__init__`` (each
    field, in order, set with ``object.__setattr__``)."""

    def make(cls: type[_T]) -> type[_T]:
        return dataclass(init=False, repr=False, eq=False, slots=slots)(cls)

    return make
