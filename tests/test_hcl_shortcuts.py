"""The HCL reader's shortcuts (whole lines matched at once, literal operands read without the
descent through the operators, a '}' found in the text) give exactly what reading token by
token gives: the same Nodes at the same offsets, or the same syntax error at the same place.

``HclReader.fast = False`` turns every shortcut off; the token-by-token reader is the
reference, and python-hcl2 (tests/test_terraform_differential.py) is the oracle of both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedulelib.lint.sources.hcl import (
    HclReader,
    HclSyntaxError,
    Node,
    Src,
    _number,
    _string_parts,
)

# -- generated HCL --------------------------------------------------------------------------------

#: Between two tokens: nothing, white space, comments; now and then a new line, which ends a
#: value outside brackets (so that most files are read to their end, and some are not).
_SAME_LINE = ["", "", " ", " ", " ", "  ", "\t", " /* c */ ", "/**/", "\f"]
_NEW_LINE = [" # c\n", " // c\n", "\n", "\n\n  ", " /* a\nb */ "]
GAPS = st.sampled_from(_SAME_LINE * 4 + _NEW_LINE[:1])
#: Inside brackets, where new lines are white space (and separate an object's items).
INSIDE = st.sampled_from(_SAME_LINE + _NEW_LINE)
LITERALS = st.sampled_from([
    '"5m"', '""', '"a b"', '"$5 %d"', '"\\"q\\""', '"\\u00e9\\n"', '"$${x}"', '"%%{x}"',
    '"${var.a}"', '"${local.m["k"]}h"', '"a${1 + 2}"', '"%{if true}x%{endif}"', '"${~ 1 ~}"',
    "0", "7", "-1", "1.5", "2e3", "1.5E-2", "-0", "9" * 40, "true", "false", "null",
])
#: Heredocs end their line: they come last in a value.
HEREDOCS = st.sampled_from(["<<EOT\nx\nEOT\n", "<<-EOT\n  a\n   b\n  EOT\n",
                            "<<EOT\n${var.a}\nEOT\n", '<<EOT\n{"interval": "5m"}\nEOT\n'])
NAMES = st.sampled_from(["var.a", "var.b.c", "local.m", 'local.m["k"]', "local.l[0]",
                         "each.value", "each.key", "data.x.y", "count.index", "a", "for",
                         "var.l[*].x", "local.l.*.y", "var", "if"])
OPERATORS = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&",
                             "||"])
KEYS = st.sampled_from(["spec", "timezone", "interval", "days", "hours", "a", "a", "b",
                        '"q"', '"a b"', "for", "in", "x-y", '"${k}"', "(k)", "1"])


def _join(draw: st.DrawFn, parts: list[str]) -> str:
    return "".join(part + draw(GAPS) for part in parts)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    """An HCL expression, valid or not quite, with gaps between its tokens."""
    leaf = st.one_of(LITERALS, NAMES)
    if depth >= 3:
        return draw(leaf)
    inner = expressions(depth + 1)
    form = draw(st.sampled_from(["leaf", "leaf", "op", "unary", "cond", "obj", "obj", "tup",
                                 "call", "paren", "for", "index"]))
    if form == "leaf":
        return draw(leaf)
    if form == "op":
        return _join(draw, [draw(inner), draw(OPERATORS), draw(inner)])
    if form == "unary":
        return draw(st.sampled_from(["-", "!"])) + draw(GAPS) + draw(inner)
    if form == "cond":
        return _join(draw, [draw(inner), "?", draw(inner), ":", draw(inner)])
    if form == "obj":
        items = [_join(draw, [draw(KEYS), draw(st.sampled_from(["=", ":", "=", "= ="])),
                              draw(inner)])
                 for _ in range(draw(st.integers(0, 3)))]
        seps = [draw(st.sampled_from([",", ", ", "\n", ",\n", ",", ", ", " ", ",,", "", "]",
                                      ")"]))
                for _ in items]
        return "{" + draw(INSIDE) + "".join(i + s for i, s in zip(items, seps, strict=True)) \
            + draw(INSIDE) + "}"
    if form == "tup":
        items = [draw(inner) for _ in range(draw(st.integers(0, 3)))]
        return "[" + draw(INSIDE) + ("," + draw(INSIDE)).join(items) \
            + draw(st.sampled_from(["", ","])) + draw(INSIDE) + "]"
    if form == "call":
        name = draw(st.sampled_from(["jsonencode", "tolist", "toset", "lower", "format"]))
        args = [draw(inner) for _ in range(draw(st.integers(0, 2)))]
        return name + "(" + draw(INSIDE) + ("," + draw(INSIDE)).join(args) \
            + draw(st.sampled_from(["", "..."])) + draw(INSIDE) + ")"
    if form == "paren":
        return "(" + draw(INSIDE) + draw(inner) + draw(INSIDE) + ")"
    if form == "for":
        body = _join(draw, ["for", "x", "in", draw(inner), ":", draw(inner)])
        return draw(st.sampled_from([f"[{body}]", f"{{{body} => x}}"]))
    return draw(inner) + draw(st.sampled_from(["[0]", '["k"]', ".a", ".0", "[*]", ".*.b"]))


@st.composite
def files(draw: st.DrawFn) -> str:
    """A Terraform file: the blocks whose values the reader keeps, with generated values."""
    def attribute(name: str) -> str:
        value = draw(st.one_of(expressions(), expressions(), HEREDOCS))
        return f"  {name}{draw(st.sampled_from([' = ', '=', '  =  ']))}{value}" \
            f"{draw(st.sampled_from([''] * 12 + [' # c', ' // c', ' /* c */', ',', ' x']))}\n"

    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["sub", "model", "locals", "variable", "module", "import",
                                     "other"]))
        names = {"sub": ["reverse_etl_schedule", "name", "enabled", "settings"],
                 "model": ["schedule_strategy", "schedule_config", "query"],
                 "locals": ["a", "b"], "variable": ["default", "type"],
                 "module": ["source", "iv"], "import": ["to", "id"], "other": ["x"]}[kind]
        header = {"sub": 'resource "segment_destination_subscription" "s"',
                  "model": 'resource "segment_reverse_etl_model" "m"', "locals": "locals",
                  "variable": 'variable "v"', "module": 'module "c"', "import": "import",
                  "other": 'resource "other" "o"'}[kind]
        chosen = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        if chosen and draw(st.integers(0, 29)) == 0:
            chosen.append(chosen[0])  # an attribute written twice
        body = "".join(attribute(name) for name in chosen)
        blocks.append(f"{header} {{{draw(st.sampled_from(['', ' # c']))}\n{body}}}"
                      f"{draw(st.sampled_from([''] * 12 + [' ', ' # c', ' x']))}\n")
    return draw(GAPS).replace("\f", "") + "\n".join(blocks)


# -- the two readings ---------------------------------------------------------------------------


def dump(value: object) -> list[object]:
    """A Node tree as a flat list of plain values, in pre-order (offsets included; a loop, not
    recursion: a long sum is a deep tree).  ``sym`` and ``unk`` without a reason are one: the
    line-at-a-time match calls a name it does not follow unknown, the tokens a symbol, and
    :mod:`.terraform` says the same of both."""
    out: list[object] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            if item.kind == "sym" or (item.kind == "unk" and item.value is None):
                out.append(("unk", None, item.start, item.end))
                continue
            out.append(("node", item.kind, item.start, item.end))
            stack.append(item.value)
        elif isinstance(item, dict):
            out.append(("dict", *item))
            stack.extend(reversed(item.values()))
        elif isinstance(item, list | tuple):
            out.append(("list", len(item)))
            stack.extend(reversed(item))
        else:
            out.append(item)
    return out


def reading(text: str, *, tfvars: bool) -> object:
    """What the reader keeps of ``text``, or the syntax error it stops at."""
    try:
        reader = HclReader(text, Src("main.tf", text), tfvars=tfvars).read()
    except HclSyntaxError as exc:
        return ("error", str(exc), exc.offset)
    except RecursionError:
        return ("too deep",)  # what the file readers report (SL001), either way
    return {
        "resources": [(r.type, r.label, r.start, dump(r.values),
                       [(d.code, d.path, d.message, s, e) for d, s, e in r.problems])
                      for r in reader.resources],
        "variables": dump(reader.variables), "locals": dump(reader.locals),
        "attributes": dump(reader.attributes),
        "calls": [(c.label, c.start, c.end, dump(c.args)) for c in reader.calls],
        "imports": dump(reader.imports), "duplicates": dump(reader.duplicates),
    }


@contextmanager
def token_by_token() -> Iterator[None]:
    HclReader.fast = False
    try:
        yield
    finally:
        HclReader.fast = True


def agree(text: str, tfvars: bool = False) -> None:
    fast = reading(text, tfvars=tfvars)
    with token_by_token():
        slow = reading(text, tfvars=tfvars)
    assert fast == slow, text


# -- the properties -------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files(), st.sampled_from(["\n", "\r\n", "\r"]))
@example('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
         '    strategy = "CRON"\n    config   = jsonencode({ spec = "0 0 * * 0", timezone = '
         '"UTC" })\n  }\n}\n', "\n")
@example('locals {\n  a = { x = 1, y = "b" }\n  b = {x = 1,y = 2,}\n}\n', "\n")
@example('locals {\n  a = { x = 1 y = 2 }\n  b = { x = 1,, y = 2 }\n}\n', "\n")
@example('locals {\n  a = { x = 1 /* c */, y = 2 }\n  b = { x = "a" # c\n  }\n}\n', "\n")
@example('locals {\n  a = [1, 2,\n 3]\n  b = (1\n + 2)\n  c = ["a"\n == "b"]\n}\n', "\n")
@example('locals {\n  a = { for = 1, in = "x" }\n  b = { for x in y : x => 1 }\n}\n', "\n")
@example('locals {\n  a = [ /* c */ for x in y : x]\n  b = { # c\n for x in y : x => 1 }\n}\n',
         "\n")
@example('locals {\n  a = 1 ? "x" : "y"\n  b = "x" ? 1 : 2\n  c = true && false\n}\n', "\n")
@example('locals {\n  a = { x = "${var.y}" }\n  b = { x = -1, y = 1.5e3, z = null }\n}\n',
         "\r")
@example('locals {\n  a = { x = 1 }}\n}\n', "\n")
@example('locals {\n  a = { x = 1\n  ]\n  b = { ] }\n}\n', "\n")
@example('resource "a" "b" {\n  ]\n}\n', "\n")
@example('locals {\n  a = { x = 1 ]\n}\n', "\n")
@example('locals {\n  a = { x = 1 } }\n', "\n")
@example('variable "v" {\n  default = {\n    a = 1\n    a = 2\n  }\n}\n', "\r\n")
def test_the_shortcuts_read_what_the_tokens_read(text: str, newline: str) -> None:
    """Generated files (operators next to literals, templates, heredocs, comments and new
    lines between tokens, objects on one line) read the same with and without shortcuts."""
    text = text.replace("\n", newline)
    agree(text)
    agree(text, tfvars=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(), st.sampled_from(["\n", "\r\n"]), st.integers(0, 60), st.text(
    alphabet=' ={}[]()",#/\n\\<-abt1:?', max_size=3))
def test_a_value_cut_or_spliced_anywhere_reads_the_same(value: str, newline: str, at: int,
                                                         splice: str) -> None:
    """A value with a few characters put in anywhere, or cut short: the same Nodes or the
    same error at the same offset."""
    cut = min(at, len(value))
    for changed in (value[:cut] + splice + value[cut:], value[:cut]):
        text = f"locals {{\n  a = {changed}\n}}\n".replace("\n", newline)
        agree(text)
        agree(f"a = {changed}\n", tfvars=True)


# -- hostile input stays linear -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "locals {\n a = " + "{ a = " * 5000 + "1" + " }" * 5000 + "\n}\n",
    "locals {\n a = " + "jsonencode({ a = " * 3000 + '"x"' + " })" * 3000 + "\n}\n",
    "locals {\n a = {" + " a = 1," * 50_000 + " }\n}\n",
    "locals {\n a = {" + " a = 1" * 50_000 + " }\n}\n",
    "locals {\n a = { a = \"" + "x" * 100_000 + "\n}\n",
    "locals {\n a = {" + "\n" * 50_000 + " " * 50_000 + "}\n}\n",
    "locals {\n a = [" + "1, " * 50_000 + "]\n}\n",
    "locals {\n a = " + "1 + " * 20_000 + "1\n}\n",
    "locals {\n a = { x = " + "9" * 100_000 + " }\n}\n",
    'resource "a" "b" {\n' + " " * 100_000 + "}\n",
    "locals {\n a = {" + " # c\n" * 50_000 + "}\n}\n",
], ids=["deep-objects", "deep-calls", "many-items", "items-without-commas", "open-string",
        "blank-object", "long-list", "long-sum", "huge-number", "white-space-run",
        "comment-lines"])
def test_hostile_values_read_the_same(text: str) -> None:
    """Deep nesting, long lines and long runs read the same both ways (and quickly: work
    that grew with the square of these texts would take minutes)."""
    agree(text)


# -- strings and numbers, against values written out independently ------------------------------


def _written(value: str, draw: st.DrawFn) -> str:
    """``value`` as an HCL quoted string's text, each character written plainly or as an
    escape (HCL's native syntax: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN, $${ and %%{)."""
    out = []
    for i, c in enumerate(value):
        nxt = value[i + 1: i + 2]
        if c in "$%" and nxt == "{":
            out.append(c + c)  # `${` and `%{` are written `$${` and `%%{`
        elif c in '"\\\n\r':
            out.append({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"}[c])
        elif draw(st.integers(0, 3)) == 0 and not 0xD800 <= ord(c) <= 0xDFFF:
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF and draw(st.booleans())
                       else f"\\U{ord(c):08X}")
        else:
            out.append("\\t" if c == "\t" and draw(st.booleans()) else c)
    return "".join(out)


@st.composite
def quoted(draw: st.DrawFn) -> tuple[str, list[object]]:
    """A quoted HCL string and its parts: literal text, and the ``(start, end)`` of each
    interpolation's expression."""
    text, parts = '"', []
    chars = st.characters(blacklist_categories=("Cs",))
    for kind in draw(st.lists(st.sampled_from(["text", "text", "long", "interp"]), max_size=6)):
        if kind == "interp":
            inner = draw(st.sampled_from(["var.x", " 1 + 2 ", 'f("a}")', "{a = 1}.a"]))
            parts.append((len(text) + 2, len(text) + 2 + len(inner)))
            text += "${" + inner + "}"
            continue
        value = draw(st.text(alphabet=st.one_of(chars, st.sampled_from('$%{}"\\\n\r\t')),
                             min_size=1, max_size=200 if kind == "long" else 8))
        if value.endswith(("$", "%")):
            value += "x"  # an interpolation drawn next would turn it into `$${`
        if parts and isinstance(parts[-1], str):
            parts[-1] += value
        else:
            parts.append(value)
        text += _written(value, draw)
    return text + '"', parts


@settings(max_examples=300, deadline=None)
@given(quoted(), st.sampled_from(["", " x", "\n"]))
@example(('"$${}"', ["${}"]), "")
@example(('"a\\U0001F600b"', ["a\U0001f600b"]), "")
def test_quoted_strings_give_the_parts_they_were_written_from(string: tuple[str, list[object]],
                                                               after: str) -> None:
    """A string written out from its value (plain characters, escapes, interpolations) is
    read back as that value, and ends where its closing quote does."""
    text, parts = string
    assert _string_parts(text + after, 0, len(text + after)) == (len(text), parts)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**40), max_value=10**40), st.integers(0, 12), st.booleans())
@example(0, 0, True)
@example(10**29 - 1, 0, False)
@example(10**29, 0, False)
@example(10**30, 0, False)
@example(1, 30, False)
def test_whole_numbers_read_as_their_exact_decimal(n: int, zeros: int, minus: bool) -> None:
    """A whole number (leading zeros, a sign, up to 41 digits) is the int its exact decimal
    is below 10**30, else the float."""
    text = ("-" if minus or n < 0 else "") + "0" * zeros + str(abs(n))
    exact = Decimal(text)
    want = int(exact) if exact.adjusted() < 30 else float(text)
    got = _number(text)
    assert got == want and type(got) is type(want)
