"""Terraform's functions and operators on values known without Terraform (decision D56).

A value here is what ``jsondecode`` would give: str, int or float (Terraform's numbers), bool,
None (null), list (a tuple, list or set) or dict (an object or map).  Each function follows
Terraform's documented behaviour for the arguments it is given; what it cannot decide raises
:class:`Refused` (Terraform would stop with an error: the schedule is not checked, and the
reason is said).  Every result is bounded: strings of at most :data:`MAX_STRING` characters,
collections of at most :data:`MAX_ITEMS` elements, format widths of at most
:data:`MAX_WIDTH`; past those the value is :class:`TooLarge`, never built.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

#: The longest string built (a config is a few hundred characters).
MAX_STRING = 100_000
#: The most elements a collection built here may hold.
MAX_ITEMS = 10_000
#: The widest field format() pads to, and the most digits it writes after the point.
MAX_WIDTH = 1_000
#: Whole numbers past this many bits become floats (Terraform's numbers are arbitrary
#: precision; no schedule value needs more, and Python's int-to-text limit is never met).
MAX_BITS = 256


class Refused(ValueError):
    """Terraform would refuse this expression (a wrong type, a missing key...)."""


class TooLarge(ValueError):
    """The value would exceed the bounds evaluation keeps to."""


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def checked(value: object) -> object:
    """``value`` if within the bounds, else :class:`TooLarge`."""
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise TooLarge(f"a string of more than {MAX_STRING:,} characters")
    if isinstance(value, list | dict) and len(value) > MAX_ITEMS:
        raise TooLarge(f"a collection of more than {MAX_ITEMS:,} elements")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_BITS:
        return float(value) if value.bit_length() < 1000 else (
            math.inf if value > 0 else -math.inf)
    return value


# -- conversions (Terraform converts strings, numbers and bools into each other) ----------------


def number_text(value: int | float) -> str:
    """A number as Terraform writes it in a string: whole numbers without a fraction."""
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise Refused("a number that is not finite cannot be written as a string")
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def to_string(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    raise Refused(f"a {type_name(value)} cannot be converted to a string")


_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def to_number(value: object) -> int | float:
    if isinstance(value, bool):
        raise Refused("a bool cannot be converted to a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and len(value) <= 400 and _NUMBER.fullmatch(value):
        try:
            exact = Decimal(value)
            if exact.adjusted() < 60 and exact == exact.to_integral_value():
                return int(exact)
        except (InvalidOperation, ArithmeticError):
            pass
        return float(value)
    raise Refused(f"{_show(value)} cannot be converted to a number")


def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise Refused(f"{_show(value)} cannot be converted to a bool")


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(
        value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def equal(a: object, b: object) -> bool:
    """Terraform's ``==``: values of different types are never equal (``5 == "5"`` is
    false), unlike Python's ``True == 1``."""
    if type_name(a) != type_name(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return a == b


# -- operators ----------------------------------------------------------------------------------


def binary(op: str, a: object, b: object) -> object:
    try:
        return _binary(op, a, b)
    except (Refused, TooLarge):
        raise
    except (ArithmeticError, ValueError) as exc:  # inf % 1, inf - inf compared...
        raise Refused(f"{_show(a)} {op} {_show(b)}: {exc}") from None


def _binary(op: str, a: object, b: object) -> object:
    if op == "==":
        return equal(a, b)
    if op == "!=":
        return not equal(a, b)
    if op in ("&&", "||"):
        p, q = to_bool(a), to_bool(b)
        return (p and q) if op == "&&" else (p or q)
    x, y = to_number(a), to_number(b)
    if op == "<":
        return x < y
    if op == ">":
        return x > y
    if op == "<=":
        return x <= y
    if op == ">=":
        return x >= y
    if op == "+":
        return checked(x + y)
    if op == "-":
        return checked(x - y)
    if op == "*":
        return checked(x * y)
    if y == 0:
        raise Refused(f"{op} by zero")
    if op == "/":
        if isinstance(x, int) and isinstance(y, int) and x % y == 0:
            return checked(x // y)
        return x / y
    # Terraform's % keeps the sign of the dividend (Go's big.Int Rem), not Python's.
    if isinstance(x, int) and isinstance(y, int):
        rem = abs(x) % abs(y)
        return -rem if x < 0 else rem
    return math.fmod(x, y)


def unary(op: str, a: object) -> object:
    if op == "!":
        return not to_bool(a)
    return checked(-to_number(a))  # negating a number never fails, inf and nan included


# -- format() -----------------------------------------------------------------------------------

_VERB = re.compile(r"%([-+# 0]*)([0-9]+)?(?:\.([0-9]+))?([a-zA-Z%])")


def format_(spec: object, args: list[object]) -> str:
    """Terraform's ``format`` (Go's fmt verbs as Terraform documents them): %v %s %d %f %e
    %g %t %q %x %X %o %b %%, with flags, width and precision; ``%[n]`` indexes are refused."""
    if not isinstance(spec, str):
        raise Refused("format's first argument must be a string")
    out: list[str] = []
    size = 0
    i = used = 0
    while i < len(spec):
        j = spec.find("%", i)
        if j < 0:
            out.append(spec[i:])
            break
        out.append(spec[i:j])
        m = _VERB.match(spec, j)
        if m is None:
            raise Refused(f"format: {spec[j:j + 10]!r} is not a verb schedulelib evaluates")
        flags, width, precision, verb = m.groups()
        i = m.end()
        if verb == "%":
            out.append("%")
            continue
        if (width and int(width) > MAX_WIDTH) or (precision and int(precision) > MAX_WIDTH):
            raise TooLarge(f"a format width or precision past {MAX_WIDTH}")
        if used >= len(args):
            raise Refused(f"format: too few arguments for {spec!r}")
        piece = _verb(verb, args[used], flags, precision)
        used += 1
        if width and len(piece) < int(width):
            pad = int(width) - len(piece)
            if "-" in flags:
                piece += " " * pad
            elif "0" in flags and verb in "dfeEgGxXob":
                sign = piece[:1] if piece[:1] in "+- " else ""
                piece = sign + "0" * pad + piece[len(sign):]
            else:
                piece = " " * pad + piece
        out.append(piece)
        size += len(piece)
        if size > MAX_STRING:
            raise TooLarge(f"a string of more than {MAX_STRING:,} characters")
    if used < len(args):
        raise Refused(f"format: too many arguments for {spec!r}")
    return str(checked("".join(out)))


def _verb(verb: str, value: object, flags: str, precision: str | None) -> str:
    sign = "+" if "+" in flags else " " if " " in flags else ""
    if verb == "v":
        if isinstance(value, str | int | float | bool):
            return to_string(value)
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if verb == "s":
        text = to_string(value)
        return text[:int(precision)] if precision else text
    if verb == "q":
        return json.dumps(to_string(value), ensure_ascii=False)
    if verb == "t":
        return "true" if to_bool(value) else "false"
    number = to_number(value)
    if verb in "dxXob":
        if isinstance(number, float):
            if not number.is_integer():
                raise Refused(f"%{verb} needs a whole number, got {_show(value)}")
            number = int(number)
        code = {"d": "d", "x": "x", "X": "X", "o": "o", "b": "b"}[verb]
        return format(number, sign + code)
    if verb in "feEgG":
        if precision is None and verb in "gG":
            text = repr(float(number))
            return (sign if number >= 0 and sign else "") + text
        return format(float(number), f"{sign}.{precision or 6}{verb}")
    raise Refused(f"format: %{verb} is not a verb schedulelib evaluates")


# -- functions ----------------------------------------------------------------------------------


def _strings(name: str, args: list[object], n: int) -> list[str]:
    if len(args) != n:
        raise Refused(f"{name} takes {n} argument{'s' if n > 1 else ''}, got {len(args)}")
    return [to_string(a) for a in args]


def _lookup(args: list[object]) -> object:
    if len(args) not in (2, 3):
        raise Refused(f"lookup takes 2 or 3 arguments, got {len(args)}")
    mapping, key = args[0], to_string(args[1])
    if not isinstance(mapping, dict):
        raise Refused(f"lookup's first argument must be a map, got a {type_name(mapping)}")
    if key in mapping:
        return mapping[key]
    if len(args) == 3:
        return args[2]
    raise Refused(f"lookup: the map has no key {key!r}")


def _merge(args: list[object]) -> object:
    out: dict[str, object] = {}
    for arg in args:
        if arg is None:
            continue
        if not isinstance(arg, dict):
            raise Refused(f"merge takes maps or objects, got a {type_name(arg)}")
        out.update(arg)
    return checked(out)


def _concat(args: list[object]) -> object:
    out: list[object] = []
    for arg in args:
        if not isinstance(arg, list):
            raise Refused(f"concat takes lists, got a {type_name(arg)}")
        out.extend(arg)
        checked(out)
    return out


def _coalesce(args: list[object]) -> object:
    for arg in args:
        if arg is not None and arg != "":
            return arg
    raise Refused("coalesce: every argument is null or an empty string")


def _jsondecode(args: list[object]) -> object:
    (text,) = _strings("jsondecode", args, 1)
    from schedulelib.core.jsontext import parse_json

    value, problems = parse_json(text)
    if any(p.code == "SL001" for p in problems):
        raise Refused("jsondecode: the string is not valid JSON")
    return value


def encode(value: object) -> str:
    """``jsonencode``: compact JSON, as Terraform writes it."""
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise Refused("jsonencode: a number that is not finite") from None
    return str(checked(text))


def to_set(value: object) -> list[object]:
    """``toset``: the distinct elements; a set of strings iterates in lexical order."""
    if not isinstance(value, list):
        raise Refused(f"toset takes a list, got a {type_name(value)}")
    out: list[object] = []
    for item in value:
        if not any(equal(item, seen) for seen in out):
            out.append(item)
        if len(out) > 1000:  # the quadratic test above stays cheap
            raise TooLarge("a set of more than 1,000 elements")
    if all(isinstance(x, str) for x in out):
        out.sort()
    return out


def _length(args: list[object]) -> object:
    if len(args) != 1:
        raise Refused("length takes 1 argument")
    value = args[0]
    if isinstance(value, str | list | dict):
        return len(value)
    raise Refused(f"length of a {type_name(value)}")


def _join(args: list[object]) -> object:
    if len(args) < 2:
        raise Refused("join takes a separator and lists")
    sep = to_string(args[0])
    parts: list[str] = []
    for arg in args[1:]:
        if not isinstance(arg, list):
            raise Refused(f"join takes lists, got a {type_name(arg)}")
        parts.extend(to_string(x) for x in arg)
    return checked(sep.join(parts))


def _replace(args: list[object]) -> object:
    text, old, new = _strings("replace", args, 3)
    if old.startswith("/") and old.endswith("/") and len(old) > 1:
        raise Refused("replace with a regular expression is not evaluated by schedulelib")
    if old == "":
        raise Refused("replace: the substring to replace is empty")
    if len(new) > len(old) and text.count(old) * (len(new) - len(old)) + len(text) > MAX_STRING:
        raise TooLarge(f"a string of more than {MAX_STRING:,} characters")
    return text.replace(old, new)


def _element(args: list[object]) -> object:
    if len(args) != 2 or not isinstance(args[0], list) or not args[0]:
        raise Refused("element takes a non-empty list and an index")
    index = to_number(args[1])
    if not isinstance(index, int) or index < 0:
        raise Refused("element: the index must be a whole number, 0 or more")
    return args[0][index % len(args[0])]


def _one(name: str, fn: Callable[[str], str]) -> Callable[[list[object]], object]:
    return lambda args: fn(_strings(name, args, 1)[0])


def _keys(args: list[object]) -> object:
    if len(args) != 1 or not isinstance(args[0], dict):
        raise Refused("keys takes one map")
    return sorted(args[0])


def _values(args: list[object]) -> object:
    if len(args) != 1 or not isinstance(args[0], dict):
        raise Refused("values takes one map")
    return [args[0][k] for k in sorted(args[0])]


def _contains(args: list[object]) -> object:
    if len(args) != 2 or not isinstance(args[0], list):
        raise Refused("contains takes a list and a value")
    return any(equal(x, args[1]) for x in args[0])


def _tostring(args: list[object]) -> object:
    if len(args) != 1:
        raise Refused("tostring takes 1 argument")
    return None if args[0] is None else to_string(args[0])


def _tonumber(args: list[object]) -> object:
    if len(args) != 1:
        raise Refused("tonumber takes 1 argument")
    return None if args[0] is None else to_number(args[0])


def _tobool(args: list[object]) -> object:
    if len(args) != 1:
        raise Refused("tobool takes 1 argument")
    return None if args[0] is None else to_bool(args[0])


def _same(name: str, kind: type) -> Callable[[list[object]], object]:
    def convert(args: list[object]) -> object:
        if len(args) != 1:
            raise Refused(f"{name} takes 1 argument")
        if args[0] is not None and not isinstance(args[0], kind):
            raise Refused(f"{name} of a {type_name(args[0])}")
        return args[0]
    return convert


def _minmax(name: str) -> Callable[[list[object]], object]:
    def pick(args: list[object]) -> object:
        if not args:
            raise Refused(f"{name} takes at least one number")
        numbers = [to_number(a) for a in args]
        return min(numbers) if name == "min" else max(numbers)
    return pick


def _split(args: list[object]) -> object:
    sep, text = _strings("split", args, 2)
    if sep == "":
        return checked(list(text))
    return checked(text.split(sep))


def _substr(args: list[object]) -> object:
    if len(args) != 3:
        raise Refused("substr takes 3 arguments")
    text = to_string(args[0])
    offset, length = to_number(args[1]), to_number(args[2])
    if not isinstance(offset, int) or not isinstance(length, int):
        raise Refused("substr: offset and length must be whole numbers")
    if offset < 0:
        offset = max(len(text) + offset, 0)
    return text[offset:] if length < 0 else text[offset: offset + length]


FUNCTIONS: dict[str, Callable[[list[object]], object]] = {
    "abs": lambda a: checked(abs(to_number(a[0]))) if len(a) == 1 else _arity("abs", 1),
    "ceil": lambda a: math.ceil(to_number(a[0])) if len(a) == 1 else _arity("ceil", 1),
    "coalesce": _coalesce,
    "concat": _concat,
    "contains": _contains,
    "element": _element,
    "endswith": lambda a: (lambda s: s[0].endswith(s[1]))(_strings("endswith", a, 2)),
    "floor": lambda a: math.floor(to_number(a[0])) if len(a) == 1 else _arity("floor", 1),
    "format": lambda a: format_(a[0], a[1:]) if a else _arity("format", 1),
    "join": _join,
    "jsondecode": _jsondecode,
    "jsonencode": lambda a: encode(a[0]) if len(a) == 1 else _arity("jsonencode", 1),
    "keys": _keys,
    "length": _length,
    "lookup": _lookup,
    "lower": _one("lower", str.lower),
    "max": _minmax("max"),
    "merge": _merge,
    "min": _minmax("min"),
    "replace": _replace,
    "split": _split,
    "startswith": lambda a: (lambda s: s[0].startswith(s[1]))(_strings("startswith", a, 2)),
    "substr": _substr,
    "title": _one("title", lambda s: re.sub(r"\b\w", lambda m: m.group().upper(), s)),
    "tobool": _tobool,
    "tolist": _same("tolist", list),
    "tomap": _same("tomap", dict),
    "tonumber": _tonumber,
    "toset": lambda a: to_set(a[0]) if len(a) == 1 else _arity("toset", 1),
    "tostring": _tostring,
    "trimspace": _one("trimspace", str.strip),
    "upper": _one("upper", str.upper),
    "values": _values,
}


def _arity(name: str, n: int) -> object:
    raise Refused(f"{name} takes {n} argument{'s' if n > 1 else ''}")


def call(name: str, args: list[object]) -> object:
    """``name(args...)`` of a function in :data:`FUNCTIONS` (KeyError for any other)."""
    try:
        return checked(FUNCTIONS[name](args))
    except (Refused, TooLarge):
        raise
    except (TypeError, AttributeError, IndexError, ArithmeticError, ValueError) as exc:
        raise Refused(f"{name}: {exc}") from None
