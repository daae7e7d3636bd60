"""A small HCL reader: tokens with offsets, blocks and attributes, and the expressions that can
hold a schedule, as :class:`Node` trees that keep where each part is written.

python-hcl2's parse tree drops the positions of values, and building its grammar costs more
than checking a whole directory, hence a reader of our own.  It reads what a schedule can be
made of: literals, objects, tuples, ``jsonencode(...)``, references (``var.x``, ``local.y``,
``each.value``), templates, and the expressions of HCL's native syntax (operators,
conditionals, function calls, ``for`` expressions, index, attribute and splat steps) as Nodes
that :mod:`.terraform` evaluates where every input is known.  An expression nested past
:data:`MAX_NESTING`, or a form not read here, is an unknown value with the reason.

Every step is linear in the text: one pass of the tokenizer, and each token is looked at a
bounded number of times.  Most lines never become tokens: one match reads an attribute or an
object's item with a plain value, the start of any other value, or a closing '}', and a
literal operand is read without the descent through the operators (:attr:`HclReader.fast`;
tests/test_hcl_shortcuts.py checks that reading token by token gives the same Nodes).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from schedulelib.core.diagnostics import Diagnostic, diagnostic
from schedulelib.lint.sources.model import Lines


class HclSyntaxError(ValueError):
    """Malformed HCL: ``offset`` is where the reader stopped."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class _Tok:
    """One HCL token (a plain class: dataclasses cost start-up time JSON-only runs would pay).

    ``kind`` is ident, number, string, heredoc, punct, nl or eof.  ``value`` of a string is a
    list of parts: text, and ``(start, end)`` offsets of each ``${...}`` interpolation's
    expression; None for a template Terraform alone can render (``%{...}``, ``~``).
    """

    __slots__ = ("end", "kind", "start", "text", "value")

    def __init__(self, kind: str, text: str, start: int, end: int, value: object = None) -> None:
        # One assignment each: a tuple assignment builds a tuple, once per token.
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.value = value


# HCL's new lines are LF and CRLF; a lone CR (old Mac files, some editors' exports) is one too
# here, so that such a file is read line by line instead of as one long line.  One match per
# token, the white space and comments before it included: the loop below runs once a token.
_HCL_PATTERN = r"""
    (?:[ \t\f]++|(?:\#|//)[^\r\n]*+)*+
    (?:
      (?P<nl>(?:\r\n|\r|\n)(?:[ \t\f]*+(?:\r\n|\r|\n))*+)
    | (?P<string>"[^"\\$%\r\n]*+(?:[$%](?!\{)[^"\\$%\r\n]*+)*+")
    | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
    | (?P<special>"|/\*|<<)
    | (?P<punct>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[{}\[\]()=:,.?!+\-*/%<>])
    )?
"""
#: The start of an attribute (blank lines and comments before it included) and, when its
#: value is one plain token, the value up to the end of its line (the new line is left); or
#: the '}' that closes the block.
#: Possessive repeats: white space that is not followed by an attribute is never tried again
#: in other splits (which took exponential time).
_PLAIN_ATTRIBUTE = r"""
    (?:[ \t\f\r\n]++|(?:\#|//)[^\r\n]*+)*+
    (?: ([A-Za-z_][A-Za-z0-9_-]*) [ \t\f]* = (?![=>]) [ \t\f]*
        (?: (?P<value> "(?:[^"\\$%\r\n]|[$%](?!\{)|\\[nrt"\\]|\\u[0-9A-Fa-f]{4})*"
              | -?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?
              | [A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)* )
            [ \t\f]* (?:(?:\#|//)[^\r\n]*)? (?=\r\n|\r|\n|$)
          | (?P<group>(?:[A-Za-z_][A-Za-z0-9_]*[ \t\f]*)?[(\[{]) )
      | (?P<close>\}) )
"""
#: An object's item's key and separator, and its value when that is one plain token alone on
#: its line (a comma after it) or followed on its line by a comma (taken) or the object's '}'
#: (left): `{ a = "x", b = 1 }`, else the name and bracket that start it; or the '}' that
#: closes the object.
_PLAIN_ITEM = r"""
    (?:[ \t\f\r\n]++|(?:\#|//)[^\r\n]*+)*+
    (?: ([A-Za-z_][A-Za-z0-9_-]*) [ \t\f]* (?P<sep>[=:]) (?![=>]) [ \t\f]*
        (?: (?P<value> "(?:[^"\\$%\r\n]|[$%](?!\{))*"
              | -?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?
              | [A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)* )
            [ \t\f]* (?: ,? [ \t\f]* (?:(?:\#|//)[^\r\n]*)? (?=\r\n|\r|\n|$) | , | (?=\}) )
          | (?P<group>(?:[A-Za-z_][A-Za-z0-9_]*[ \t\f]*)?[(\[{]) )?
      | (?P<close>\}) )
"""
#: A block's header alone on its line, up to its '{' (labels without escapes or templates).
_BLOCK_HEADER = r"""
    (?:[ \t\f\r\n]++|(?:\#|//)[^\r\n]*+)*+
    ([A-Za-z_][A-Za-z0-9_-]*)
    ((?:[ \t\f]+(?:"[^"\\$%\r\n]*"|[A-Za-z_][A-Za-z0-9_-]*))*+)
    [ \t\f]* \{ (?=[ \t\f]*(?:(?:\#|//)[^\r\n]*)?(?:\r\n|\r|\n))
"""
#: Characters of a quoted string that stand for themselves.
_PLAIN_RUN = r'[^"\\$%\r\n]+'
#: White space, new lines and line comments.
_SPACE = r"(?:[ \t\f\r\n]++|(?:\#|//)[^\r\n]*+)*+"
_LABEL = re.compile(r'"([^"]*)"|([A-Za-z_][A-Za-z0-9_-]*)')
#: What may follow a skipped value on its line.
_LINE_END = r"[ \t\f]*(?:(?:\#|//)[^\r\n]*)?(?=\r\n|\r|\n|$)"
_HEREDOC_PATTERN = r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?:\r\n|\r|\n)"
_NEWLINE = re.compile(r"\r\n|\r|\n")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_OPEN = {"(": ")", "[": "]", "{": "}"}
#: Tokens after which an operand ends: another operand right after one is a missing separator.
_ENDS = frozenset({"ident", "number", "string", "heredoc"})
_STARTS = frozenset({"ident", "number", "string", "heredoc"})


@functools.cache
def _matcher(pattern: str, flags: int = 0) -> Callable[[str, int, int], re.Match[str] | None]:
    """The ``match`` of ``pattern``, compiled on first use, not at import (a JSON-only run
    never needs it), and then found by one lookup."""
    return re.compile(pattern, flags).match


def tokens(text: str, start: int = 0, stop: int | None = None) -> list[_Tok]:
    """The tokens of ``text[start:stop]`` (offsets into ``text``), ending with an eof token."""
    lexer = _Lexer(text, start, stop)
    out = [lexer.next()]
    while out[-1].kind != "eof":
        out.append(lexer.next())
    return out


class _Lexer:
    """Makes the tokens of ``text[pos:stop]`` one at a time."""

    def __init__(self, text: str, pos: int = 0, stop: int | None = None) -> None:
        # Compiled on first use, not at import: a JSON-only run never needs it.
        self.match = _matcher(_HCL_PATTERN, re.VERBOSE)
        self.text, self.pos = text, pos
        self.n = len(text) if stop is None else stop

    def next(self) -> _Tok:
        text, n = self.text, self.n
        while True:
            i = self.pos
            if i >= n:
                return _Tok("eof", "", n, n)
            m = self.match(text, i, n)
            assert m is not None  # every group is optional: it matches at least ""
            kind = m.lastgroup
            if kind is None:
                if m.end() == i:
                    raise HclSyntaxError(f"unexpected character {_char(text[i])}", i)
                self.pos = m.end()  # white space or a comment up to the end
                continue
            at, end = m.span(kind)
            tok: _Tok | None
            if kind == "string":
                tok = _Tok("string", text[at:end], at, end,
                           [text[at + 1: end - 1]] if end - at > 2 else [])
            elif kind == "nl":
                tok = _Tok("nl", "\n", at, end)
            elif kind != "special":
                tok = _Tok(kind, text[at:end], at, end)
            elif text[at] == '"':
                end, value = _string_parts(text, at, n)
                tok = _Tok("string", text[at:end], at, end, value)
            elif text[at] == "/":
                end = _block_comment(text, at, n)
                tok = _Tok("nl", "\n", at, end) if _NEWLINE.search(text, at, end) else None
            else:
                end, body = _heredoc(text, at, n)
                tok = _Tok("heredoc", text[at:end], at, end, body)
            self.pos = end
            if tok is not None:
                return tok


def _block_comment(text: str, at: int, n: int) -> int:
    close = text.find("*/", at + 2, n)
    if close < 0:
        raise HclSyntaxError("the comment opened here is never closed with '*/'", at)
    return close + 2


#: Characters that need no attention when skipping over brackets: the rest of the tokens.
_BORING = re.compile(r"[A-Za-z0-9_ \t\f.,:=?!+\-*%>&|~]+")


def _skim(text: str, i: int, n: int, opener: _Tok) -> int:
    """The offset after the bracket closing ``opener`` (whose text ends at ``i``), without
    making tokens: what a skipped value holds is checked for balance, strings, comments and
    heredocs, and for characters HCL has no use for."""
    stack = [(opener.text, opener.start)]
    boring = _BORING.match
    while True:
        m = boring(text, i, n)
        if m is not None:
            i = m.end()
        if i >= n:
            what, at = stack[-1]
            raise HclSyntaxError(f"{what!r} opened here is never closed", at)
        c = text[i]
        if c in "([{":
            stack.append((c, i))
            i += 1
        elif c in ")]}":
            what, at = stack.pop()
            if _OPEN[what] != c:
                raise HclSyntaxError(f"expected {_OPEN[what]!r} to close {what!r} (line "
                                     f"{_line_of(text, at)}), found {c!r}", i)
            i += 1
            if not stack:
                return i
        elif c == '"':
            i = _string_parts(text, i, n)[0]
        elif c in "\r\n":
            i += 1
        elif c == "#" or text.startswith("//", i):
            nl = _NEWLINE.search(text, i, n)
            i = nl.start() if nl else n
        elif text.startswith("/*", i):
            i = _block_comment(text, i, n)
        elif c == "/":
            i += 1
        elif text.startswith("<<", i):
            i = _heredoc(text, i, n)[0]
        elif c == "<":
            i += 1
        else:
            raise HclSyntaxError(f"unexpected character {_char(c)}", i)


def _char(c: str) -> str:
    return repr(c) if c.isprintable() else f"U+{ord(c):04X}"


def _string(text: str, start: int) -> tuple[int, str | None]:
    """End offset and value of the quoted string at ``start`` (None: a template, which only
    Terraform can render)."""
    end, parts = _string_parts(text, start, len(text))
    if parts is None or not all(isinstance(p, str) for p in parts):
        return end, None
    return end, "".join(p for p in parts if isinstance(p, str))


def _string_parts(text: str, start: int, n: int) -> tuple[int, list[object] | None]:
    """End offset and parts of the quoted string at ``start`` (None: a template with
    directives)."""
    parts: list[object] = []
    piece: list[str] = []
    template_only = False
    i = start + 1
    plain = _matcher(_PLAIN_RUN)
    while True:
        if i < n and text[i] not in '"\\$%\r\n':  # characters that stand for themselves
            run = plain(text, i, n)
            assert run is not None
            piece.append(run.group())  # all of them at once
            i = run.end()
        if i >= n or text[i] in "\r\n":
            raise HclSyntaxError("the string opened here is not closed on its line", start)
        c = text[i]
        if c == '"':
            if piece:
                parts.append("".join(piece))
            return i + 1, None if template_only else parts
        if c == "\\":
            e = text[i + 1: i + 2]
            if e in _ESCAPES:
                piece.append(_ESCAPES[e])
                i += 2
            elif e in ("u", "U"):
                size = 4 if e == "u" else 8
                digits = text[i + 2: i + 2 + size]
                if len(digits) != size or not all(d in "0123456789abcdefABCDEF" for d in digits):
                    raise HclSyntaxError(f"invalid escape \\{e}{digits}: expected {size} hex "
                                         "digits", i)
                code = int(digits, 16)
                if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    raise HclSyntaxError(f"invalid escape \\{e}{digits}: not a character", i)
                piece.append(chr(code))
                i += 2 + size
            else:
                raise HclSyntaxError(f"invalid escape sequence \\{_char(e) if e else ''}", i)
        elif text.startswith(("$${", "%%{"), i):
            piece.append(text[i + 1: i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = _skip_interpolation(text, i + 2, n)
            inner = (i + 2, end - 1)
            if c == "%" or text.startswith("~", inner[0]) or text[inner[1] - 1: inner[1]] == "~":
                template_only = True  # a directive or a strip marker: Terraform renders it
            if piece:
                parts.append("".join(piece))
                piece = []
            parts.append(inner)
            i = end
        else:
            piece.append(c)
            i += 1


def _skip_interpolation(text: str, i: int, n: int) -> int:
    """The offset after the ``}`` closing an interpolation whose body starts at ``i``."""
    start, depth = i - 2, 1
    while i < n:
        c = text[i]
        if c == '"':
            i = _string_parts(text, i, n)[0]
            continue
        if c in "\r\n":
            raise HclSyntaxError("the interpolation opened here is never closed with '}'",
                                 start)
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise HclSyntaxError("the interpolation opened here is never closed with '}'", start)


def _heredoc(text: str, at: int, n: int) -> tuple[int, str | None]:
    m = _matcher(_HEREDOC_PATTERN)(text, at, n)
    if m is None:
        raise HclSyntaxError("'<<' must start a heredoc such as <<EOT followed by a new line",
                             at)
    strip, marker = m.group(1) == "-", m.group(2)
    i = m.end()
    lines: list[str] = []
    while True:
        nl = _NEWLINE.search(text, i, n)
        line = text[i: nl.start() if nl else n]
        if line.strip() == marker:
            end = i + len(line)
            break
        lines.append(line)
        if nl is None:
            raise HclSyntaxError(f"the heredoc opened here is never closed by a line {marker}",
                                 m.start())
        i = nl.end()
    body = "\n".join(lines) + ("\n" if lines else "")
    if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
        return end, None
    if strip:
        indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
        cut = min(indents, default=0)
        body = "\n".join(x[cut:] for x in lines) + ("\n" if lines else "")
    return end, body.replace("$${", "${").replace("%%{", "%{")


# -- values ---------------------------------------------------------------------------------------


class Src:
    """One file's text, as the Nodes read from it point into it."""

    __slots__ = ("lines", "name", "reader", "stat", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name, self.text, self.lines = name, text, Lines(text)
        self.reader: HclReader | None = None
        #: (mtime_ns, size, inode) of the file when it was read; None: not known
        self.stat: tuple[int, int, int] | None = None


class Node:
    """An expression as written, from ``start`` to ``end`` in the text of ``src``.

    ``kind`` and ``value``:

    * ``lit``: a string, number, bool or None;
    * ``obj``: dict of key -> Node; ``tup``: list of Node;
    * ``enc``: ``jsonencode(value)``, the Node of its argument;
    * ``ref``: a reference, ``(root, steps)``: ``var.a["b"].c`` is ``("var", ["a", "b", "c"])``;
    * ``tmpl``: a string with interpolations, a list of str and Node;
    * ``unk``: only known when Terraform runs; value is the reason, or None.
    """

    __slots__ = ("end", "kind", "src", "start", "value")

    def __init__(self, kind: str, value: object, start: int, end: int, src: object) -> None:
        self.kind, self.value, self.start, self.end, self.src = kind, value, start, end, src


class Unknown:
    """A value only known when Terraform runs, in a schedule document: ``pointer`` is where it
    sits in the document, ``text`` how it is written."""

    __slots__ = ("node", "text")

    def __init__(self, node: Node, text: str) -> None:
        self.node, self.text = node, text


class Encoded:
    """The argument of ``jsonencode(...)``: a JSON string holding this value."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


# Resource type -> the attributes read from its body.
WANTED = {
    "segment_destination_subscription": ("reverse_etl_schedule", "name", "for_each", "model_id",
                                         "destination_id", "enabled"),
    "segment_reverse_etl_model": ("schedule_strategy", "schedule_config", "name", "for_each",
                                  "source_id", "enabled"),
}
#: The attributes of an ``import`` block that say which object a resource is (its id).
IMPORT_ATTRIBUTES = ("to", "id")
#: Attributes that hold a schedule: written as a block, the provider rejects them.
SCHEDULE_ATTRIBUTES = frozenset({"reverse_etl_schedule", "schedule_config",
                                 "schedule_strategy"})
_TRANSPARENT = frozenset({"toset", "tomap", "tolist", "jsonencode"})
#: Binary operators from the loosest to the tightest (HCL's native syntax specification).
_BINARY = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"),
           ("*", "/", "%"))
_PRECEDENCE = {op: level for level, ops in enumerate(_BINARY) for op in ops}
#: Tokens that are a whole literal operand, and the names that are literals.
_LITERALS = frozenset({"string", "number", "heredoc"})
_WORDS = {"true": True, "false": False, "null": None}
#: What can follow an operand without going on with its expression (no operator, no '?', no
#: index, attribute or splat step).
_AFTER_OPERAND = frozenset({",", ")", "]", "}", ":", "=>", "..."})
#: Expressions nested deeper than this are read as unknown (no schedule is written so).
MAX_NESTING = 64
_DEEP = f"this expression is nested more than {MAX_NESTING} levels deep: not evaluated"


class _GiveUp(Exception):
    """An expression the parser does not follow: it is read again as an unknown value."""


class Resource:
    """A wanted resource: its type and name, where its header is, the Nodes of the wanted
    attributes, and problems found inside (duplicate keys, a schedule written as a block)."""

    def __init__(self, type_: str, label: str, start: int, src: object) -> None:
        self.type, self.label, self.start, self.src = type_, label, start, src
        self.values: dict[str, Node] = {}
        self.problems: list[tuple[Diagnostic, int, int]] = []


class ModuleCall:
    """A ``module "label" { source = "..." ... }`` block: its arguments as Nodes."""

    def __init__(self, label: str, start: int, end: int, src: object) -> None:
        self.label, self.start, self.end, self.src = label, start, end, src
        self.args: dict[str, Node] = {}

    @property
    def source(self) -> str | None:
        node = self.args.get("source")
        return node.value if node is not None and node.kind == "lit" \
            and isinstance(node.value, str) else None


class HclReader:
    """Reads an HCL body: blocks and attributes, keeping the Nodes that can make a schedule:
    the wanted attributes of Segment resources, variables' defaults, locals; with
    ``tfvars=True`` (a ``.tfvars`` file), every top-level attribute."""

    #: Take the shortcuts: a line at a time where one match says what the tokens would, and
    #: literal operands without the descent (False: token by token, which the tests compare
    #: it with).
    fast = True

    def __init__(self, text: str, src: object = None, *, tfvars: bool = False,
                 start: int = 0, stop: int | None = None, inline: bool = False) -> None:
        self.text = text
        self.src = src
        self.lexer = _Lexer(text, start, stop)
        self.buf: list[_Tok] = []
        self.last = _Tok("eof", "", start, start)
        self.inline = inline  # inside ${...}: new lines are white space
        self.tfvars = tfvars
        self.resources: list[Resource] = []
        self.variables: dict[str, Node | None] = {}
        self.locals: dict[str, Node] = {}
        self.attributes: dict[str, Node] = {}  # top level (a .tfvars file)
        self.calls: list[ModuleCall] = []  # module blocks
        #: ``import { to = ..., id = ... }`` blocks: the ids of the resources they name.
        self.imports: list[dict[str, Node]] = []
        #: ``imports`` as address -> id, built on first use (terraform.py).
        self.import_ids: dict[str, str] | None = None
        #: Keys written twice: the offset of the object's '{' -> (key, the second key and its
        #: value, the offset of the first key).
        self.duplicates: dict[int, list[tuple[str, Node, int]]] = {}
        self._variable = ""
        self.depth = 0  # how deep in interpolations this reader reads
        self.legacy = 0  # > 0: expressions are read the plain way (see value())
        self.nl_skip = 0  # > 0: inside brackets, where new lines are white space
        self.nest = 0  # how deep in expressions the parser is

    @classmethod
    def empty(cls, src: object) -> HclReader:
        """A reader with nothing read, for definitions found another way (JSON syntax)."""
        return cls("", src)

    def read(self) -> HclReader:
        self.body(None, 0, "")
        return self

    # -- tokens (made as the reader asks for them: skipped values never become tokens) --

    def peek(self, ahead: int = 0) -> _Tok:
        buf = self.buf
        if ahead < len(buf):
            return buf[ahead]
        return self._fill(ahead)

    def _fill(self, ahead: int) -> _Tok:
        buf = self.buf
        while len(buf) <= ahead:
            tok = self.lexer.next()
            if tok.kind == "nl" and self.inline:
                continue
            buf.append(tok)
            if tok.kind == "eof":
                return tok
        return buf[ahead]

    def take(self) -> _Tok:
        buf = self.buf
        tok = buf[0] if buf else self._fill(0)
        if tok.kind != "eof":
            del buf[0]
        self.last = tok
        return tok

    def skip_newlines(self) -> _Tok:
        buf = self.buf
        while True:
            tok = buf[0] if buf else self._fill(0)
            if tok.kind != "nl":
                return tok
            del buf[0]  # taken
            self.last = tok

    def skip_rest(self, opener: _Tok) -> None:
        """Move past the bracket closing ``opener``, taken already (tokens read ahead are
        dropped: the text is skimmed from the opener on)."""
        self.buf.clear()
        end = _skim(self.text, opener.end, self.lexer.n, opener)
        self.lexer.pos = end
        self.last = _Tok("punct", self.text[end - 1], end - 1, end)

    def fail(self, message: str, tok: _Tok) -> HclSyntaxError:
        return HclSyntaxError(message, tok.start)

    # -- what the text says without tokens (only with nothing read ahead: ``self.buf`` empty) --

    def _opening(self, m: re.Match[str]) -> None:
        """The tokens of the match's ``group``, a bracket after a name or alone (``f(``,
        ``{``), as the lexer would make them, read past."""
        start, end = m.span("group")
        name = m.group("group")[:-1].rstrip(" \t\f")
        if name:
            self.buf.append(_Tok("ident", name, start, start + len(name)))
        self.buf.append(_Tok("punct", self.text[end - 1], end - 1, end))
        self.lexer.pos = end

    def _closed(self, at: int) -> _Tok:
        """The '}' found at ``at`` by a match (past white space, new lines and comments),
        taken as the tokens would take it."""
        self.lexer.pos = at + 1
        self.last = _Tok("punct", "}", at, at + 1)
        return self.last

    def _line_ends(self) -> bool:
        """Whether a new line or the end of the text comes next (not consumed): True only
        when the text says so plainly (a block comment leaves it to the tokens)."""
        return self.fast and not self.buf and not self.inline and \
            _matcher(_LINE_END)(self.text, self.lexer.pos, self.lexer.n) is not None

    # -- structure --

    def body(self, closer: _Tok | None, depth: int, block: str,
             resource: Resource | None = None) -> None:
        """``block``: what the enclosing block is (resource, variable, locals, or "")."""
        seen: dict[str, int] = {}
        plain = _matcher(_PLAIN_ATTRIBUTE, re.VERBOSE)
        line_end = _matcher(_LINE_END)
        header = _matcher(_BLOCK_HEADER, re.VERBOSE)
        lexer = self.lexer
        while True:
            buf = self.buf
            while buf and buf[0].kind == "nl":  # new lines read ahead: nothing to keep
                del buf[0]
            if self.fast and not buf and not self.inline:
                # `name = "text"` (or a number, or a name) alone on its line, not wanted here:
                # one match instead of four tokens, for most lines of a configuration.
                m = plain(self.text, lexer.pos, lexer.n)
                if m is not None and m.group("close") is not None:
                    if closer is not None:
                        self._closed(m.start("close"))
                        return  # the block's '}'
                    m = None  # a '}' that closes nothing: the tokens say so
                wanted = m is not None and self._wanted(m.group(1), depth, block, resource)
                if m is not None and wanted and m.group("value") is not None:
                    name, at = m.group(1), m.start(1)
                    self._once(seen, name, at)
                    self._store(name, self._plain(m), depth, block, resource)
                    lexer.pos = m.end()
                    continue
                if m is not None and wanted:
                    # `reverse_etl_schedule = {`: the name, its '=' and the bracket that opens
                    # the value are the match's; the tokens read the rest.
                    name, at = m.group(1), m.start(1)
                    self._once(seen, name, at)
                    eq = self.text.rfind("=", m.end(1), m.start("group"))
                    self.last = _Tok("punct", "=", eq, eq + 1)
                    self._opening(m)
                    self.attribute(_Tok("ident", name, at, m.end(1)), depth, block, resource)
                    continue
                if m is not None:
                    stop = m.end()
                    if m.group("group") is not None:
                        # `settings = jsonencode({...})`: the brackets skimmed, and nothing
                        # but a comment after them on the line, else the tokens decide.
                        bracket = self.text[stop - 1]
                        if m.group("group")[0] in "([{" or bracket == "(":  # a call, or a group
                            stop = _skim(self.text, stop, lexer.n,
                                         _Tok("punct", bracket, stop - 1, stop))
                            tail = line_end(self.text, stop, lexer.n)
                            stop = tail.end() if tail is not None else -1
                        else:
                            stop = -1
                    if stop >= 0:
                        self._once(seen, m.group(1), m.start(1))
                        lexer.pos = stop
                        continue
                if m is None:
                    h = header(self.text, lexer.pos, lexer.n)
                    if h is not None:
                        # `resource "type" "name" {` on a line of its own: one match.
                        found = [a or b for a, b in _LABEL.findall(h.group(2))]
                        lexer.pos = h.end()
                        self._block(_Tok("ident", h.group(1), h.start(1), h.end(1)), found,
                                    _Tok("punct", "{", h.end() - 1, h.end()), depth, resource)
                        continue
            tok = self.skip_newlines()
            if tok.kind == "eof":
                if closer is not None:
                    raise self.fail("the block opened here is never closed with '}'", closer)
                return
            if tok.text == "}" and tok.kind == "punct":
                if closer is None:
                    raise self.fail("'}' closes nothing here", tok)
                self.take()
                return
            if tok.kind != "ident":
                raise self.fail(f"expected an attribute name or a block type, found "
                                f"{_show(tok)}", tok)
            self.take()
            after = self.peek()
            if after.kind == "punct" and after.text == "=":
                self.take()
                self._once(seen, tok.text, tok.start)
                self.attribute(tok, depth, block, resource)
                continue
            labels: list[str] = []
            while self.peek().kind in ("string", "ident"):
                label = self.take()
                parts = label.value
                labels.append(parts[0] if isinstance(parts, list) and len(parts) == 1
                              and isinstance(parts[0], str) else
                              "" if parts == [] else label.text)
            opener = self.peek()
            if not (opener.kind == "punct" and opener.text == "{"):
                raise self.fail(f"expected '=' or '{{' after {tok.text!r}, found "
                                f"{_show(opener)}", opener)
            self.take()
            self._block(tok, labels, opener, depth, resource)

    def _once(self, seen: dict[str, int], name: str, at: int) -> None:
        """Note that attribute ``name`` is written at ``at``: an error if the block has it."""
        if name in seen:
            raise HclSyntaxError(f"the attribute {name!r} is defined twice in one block (first "
                                 f"on line {_line_of(self.text, seen[name])})", at)
        seen[name] = at

    def _block(self, tok: _Tok, labels: list[str], opener: _Tok, depth: int,
               resource: Resource | None) -> None:
        """A block ``tok labels... {`` whose '{' is taken: its body, and what it means here."""
        inner = None
        kind = ""
        if depth == 0 and tok.text == "resource" and len(labels) == 2 \
                and labels[0] in WANTED:
            inner = Resource(labels[0], labels[1], tok.start, self.src)
            self.resources.append(inner)
        elif depth == 0 and tok.text == "variable" and len(labels) == 1:
            kind = "variable"
            self.variables.setdefault(labels[0], None)
            self._variable = labels[0]
        elif depth == 0 and tok.text == "locals" and not labels:
            kind = "locals"
        elif depth == 0 and tok.text == "module" and len(labels) == 1:
            kind = "module"
            self.calls.append(ModuleCall(labels[0], tok.start, opener.end, self.src))
        elif depth == 0 and tok.text == "import" and not labels:
            kind = "import"
            self.imports.append({})
        elif depth == 1 and resource is not None and tok.text in SCHEDULE_ATTRIBUTES:
            resource.problems.append((diagnostic(
                "SL910", "/" + tok.text, f"{tok.text} is written as a block; the Segment "
                f"provider takes it as an attribute",
                f"write '{tok.text} = {{ ... }}' (with '=')"), tok.start, tok.end))
        elif depth == 1 and resource is not None and tok.text == "dynamic" \
                and len(labels) == 1 and labels[0] in SCHEDULE_ATTRIBUTES:
            # A dynamic block makes blocks, which the provider refuses just the same.
            resource.problems.append((diagnostic(
                "SL910", "/" + labels[0], f"{labels[0]} is written as a dynamic block; the "
                "Segment provider takes it as an attribute",
                f"write '{labels[0]} = {{ ... }}' (with '='), with a conditional or a for "
                "expression where the block was dynamic"), tok.start, tok.end))
        self.body(opener, depth + 1, kind, inner)
        if self._line_ends():
            return  # the '}' ends its line: no token made to say so
        end = self.peek()
        if end.kind not in ("nl", "eof") and not (end.kind == "punct" and end.text == "}"):
            raise self.fail(f"expected a new line after the block's '}}', found "
                            f"{_show(end)}", end)

    def _wanted(self, name: str, depth: int, block: str, resource: Resource | None) -> bool:
        """Whether the value of attribute ``name`` here is read (else it is skipped)."""
        if depth == 1:
            return (resource is not None and name in WANTED[resource.type]) or (
                block == "variable" and name == "default") or block in ("locals", "module") or (
                block == "import" and name in IMPORT_ATTRIBUTES)
        return depth == 0 and self.tfvars

    def _store(self, name: str, node: Node, depth: int, block: str,
               resource: Resource | None) -> None:
        """Keep the value of a wanted attribute where it belongs."""
        if depth == 1 and resource is not None and name in WANTED[resource.type]:
            resource.values[name] = node
        elif depth == 1 and block == "variable" and name == "default":
            self.variables[self._variable] = node
        elif depth == 1 and block == "locals":
            self.locals[name] = node
        elif depth == 1 and block == "module":
            self.calls[-1].args[name] = node
        elif depth == 1 and block == "import" and self.imports:
            self.imports[-1][name] = node
        else:
            self.attributes[name] = node

    def _plain(self, m: re.Match[str]) -> Node:
        """The Node of a value matched as one plain token (see _PLAIN_ATTRIBUTE)."""
        text, start, end = m.group("value"), m.start("value"), m.end("value")
        if text[0] == '"':
            if "\\" in text:
                close, parts = _string_parts(self.text, start, end)
                assert parts is not None and close == end
                return self.node("lit", "".join(p for p in parts if isinstance(p, str)),
                                 start, end)
            return self.node("lit", text[1:-1], start, end)
        if text[0] == "-" or text[0].isdigit():
            return self.node("lit", _number(text), start, end)
        names = text.split(".")
        literal = {"true": True, "false": False, "null": None}
        if len(names) == 1 and text in literal:
            return self.node("lit", literal[text], start, end)
        if len(names) > 1 and names[0] in ("var", "local", "each"):
            return self.node("ref", (names[0], list(names[1:])), start, end)
        return self.node("unk", None, start, end)

    def attribute(self, name: _Tok, depth: int, block: str, resource: Resource | None) -> None:
        first = self.peek()
        if first.kind in ("nl", "eof"):
            raise self.fail(f"expected a value after '{name.text} ='", first)
        stops = ("nl", "eof", "}")
        if self._wanted(name.text, depth, block, resource):
            self._store(name.text, self.value(stops, "/" + name.text), depth, block, resource)
        else:
            self.skip(stops)
        end = self.peek()
        if end.kind not in ("nl", "eof") and not (end.kind == "punct" and end.text == "}"):
            raise self.fail(f"expected a new line after the value of {name.text!r}, found "
                            f"{_show(end)}", end)

    def skip(self, stops: tuple[str, ...]) -> None:
        """Consume one expression up to a stop token at bracket depth 0 (not consumed).

        At depth 0, an operand right after another (``a = 1 b = 2``) is a missing new line
        or comma: an error at the second.  Brackets are skimmed, not read.
        """
        prev: _Tok | None = None
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                return
            if tok.kind in stops or (tok.kind == "punct" and tok.text in stops):
                return
            if prev is not None and _adjacent(prev, tok):
                raise self.fail(_missing(tok, stops), tok)
            self.take()
            if tok.kind == "punct" and tok.text in _OPEN:
                self.skip_rest(tok)
                prev = self.last
            elif tok.kind == "punct" and tok.text in (")", "]", "}"):
                raise self.fail(f"{tok.text!r} closes nothing here", tok)
            else:
                prev = tok

    # -- values --

    def node(self, kind: str, value: object, start: int, end: int) -> Node:
        return Node(kind, value, start, end, self.src)

    def value(self, stops: tuple[str, ...], where: str) -> Node:
        """One expression up to a stop token (not consumed).

        Read whole (operators, calls, conditionals, for expressions, index and splat) so that
        what is known without Terraform can be evaluated (:mod:`.terraform`).  An expression
        this parser does not follow is read again the plain way, as an unknown value: what a
        value is never turns a valid file into a syntax error.
        """
        if self.legacy:
            return self._plain_value(stops, where)
        lexer, buf = self.lexer, self.buf
        state = (lexer.pos, list(buf), self.last, self.nl_skip, self.nest)
        try:
            node = self.expr()
            after = self.peek()
            if after.kind in stops or (after.kind == "punct" and after.text in stops):
                return node
            if after.kind in _STARTS or (after.kind == "punct" and after.text == "{"):
                raise self.fail(_missing(after, stops), after)
            raise _GiveUp
        except _GiveUp as exc:
            why = exc.args[0] if exc.args else ""
        except (HclSyntaxError, RecursionError):
            why = ""
        # Read again the plain way (and everything inside too: each part is read at most
        # twice, whatever the nesting).
        lexer.pos, buf[:], self.last, self.nl_skip, self.nest = state
        self.legacy += 1
        try:
            node = self._plain_value(stops, where)
        finally:
            self.legacy -= 1
        if node.kind == "unk" and node.value is None:
            node.value = why or (f"{_brief(self.text[node.start:node.end])} is an expression "
                                 "schedulelib does not read")
        return node

    # -- expressions (HCL's native syntax, operator precedence as in its specification) --

    def look(self) -> _Tok:
        """The next token; new lines are white space inside brackets and parentheses."""
        if self.nl_skip:
            return self.skip_newlines()
        buf = self.buf
        return buf[0] if buf else self._fill(0)

    def expr(self) -> Node:
        shortcut = self.fast and self.nest < MAX_NESTING
        if shortcut:
            # A literal with nothing after it that goes on with an expression (`1,` `"x"]`
            # `true)`): the Node the descent below would give, without the descent.
            first = self.look()
            kind = first.kind
            if (kind in _LITERALS or (kind == "ident" and first.text in _WORDS)) \
                    and self._ends(self.peek(1)):
                if kind != "ident":
                    return self.primary("")
                self.take()
                return self.node("lit", _WORDS[first.text], first.start, first.end)
        self.nest += 1
        if self.nest > MAX_NESTING:
            raise _GiveUp(_DEEP)
        try:
            first = self.look()
            if shortcut and (first.kind == "ident" or first.text in ("{", "[", "(")):
                # No prefix operator: the operand first, and the rest of the descent only
                # when something after it goes on with the expression.
                operand = self.operand()
                if self._ends(self.peek()):
                    return operand
                cond = self.binary(0, self.postfix(operand), first.start)
            else:
                cond = self.binary(0)
            tok = self.look()
            if not (tok.kind == "punct" and tok.text == "?"):
                return cond
            self.take()
            yes = self.expr()
            colon = self.look()
            if not (colon.kind == "punct" and colon.text == ":"):
                raise _GiveUp
            self.take()
            no = self.expr()
            return self.node("cond", [cond, yes, no], first.start, self.last.end)
        finally:
            self.nest -= 1

    def _ends(self, after: _Tok) -> bool:
        """Whether ``after``, the token right after an operand, ends its expression: neither
        an operator, '?', nor a step (index, attribute, splat) can be next."""
        if after.kind == "punct":
            return after.text in _AFTER_OPERAND
        return after.kind != "nl" or not self.nl_skip  # inside brackets, look past new lines

    def binary(self, lowest: int, left: Node | None = None, start: int = 0) -> Node:
        """Operands joined by binary operators of precedence ``lowest`` or tighter (one call
        per operand, left-associative: precedence climbing); ``left``: the first operand, read
        already from ``start``."""
        if left is None:
            start = self.look().start
            left = self.unary()
        while True:
            tok = self.look()
            level = _PRECEDENCE.get(tok.text, -1) if tok.kind == "punct" else -1
            if level < lowest:
                return left
            self.take()
            self.nest += 1
            if self.nest > MAX_NESTING:
                raise _GiveUp(_DEEP)
            try:
                right = self.binary(level + 1)
            finally:
                self.nest -= 1
            left = self.node("op", (tok.text, [left, right]), start, self.last.end)

    def unary(self) -> Node:
        tok = self.look()
        if tok.kind == "punct" and tok.text in ("!", "-"):
            nxt = self.peek(1)
            if tok.text == "-" and nxt.kind == "number":
                return self.postfix(self.primary(""))  # a negative literal
            self.take()
            self.nest += 1
            if self.nest > MAX_NESTING:
                raise _GiveUp(_DEEP)
            try:
                operand = self.unary()
            finally:
                self.nest -= 1
            return self.node("op", ("neg" if tok.text == "-" else "!", [operand]), tok.start,
                             self.last.end)
        return self.postfix(self.operand())

    def operand(self) -> Node:
        tok = self.look()
        if tok.kind == "punct" and tok.text == "(":
            self.take()
            inner, close = self._until(")")
            return self.node(inner.kind, inner.value, tok.start, close.end)
        if tok.kind == "punct" and tok.text == "[":
            return self.tuple_expr(tok)
        if tok.kind == "punct" and tok.text == "{":
            if self._for_follows():
                return self.for_expr(self.take(), "}")
            saved, self.nl_skip = self.nl_skip, 0  # new lines separate an object's items
            try:
                return self.hcl_object("")
            finally:
                self.nl_skip = saved
        if tok.kind == "ident":
            after = self.peek(1)
            if after.kind == "punct" and after.text == "(":
                return self.call(tok)
            if tok.text in ("var", "local", "each"):
                return self.name(tok, "")  # a reference with its plain steps
            self.take()
            literal = {"true": True, "false": False, "null": None}
            if tok.text in literal:
                return self.node("lit", literal[tok.text], tok.start, tok.end)
            # A name with its plain attribute steps (data.x.names, count.index, a for
            # expression's own name): read as one, so that a message can quote it whole.
            steps: list[str] = []
            while self.peek().kind == "punct" and self.peek().text == "." \
                    and self.peek(1).kind == "ident":
                self.take()
                steps.append(self.take().text)
            return self.node("sym", (tok.text, steps), tok.start, self.last.end)
        return self.primary("")

    def _for_follows(self) -> bool:
        """Whether the bracket at the current token opens a ``for`` expression."""
        buf, lexer = self.buf, self.lexer
        if self.fast and len(buf) == 1 and not self.inline:
            # The bracket is the last token made: when the text after it (past white space,
            # new lines and line comments) does not start with `for` (or a block comment,
            # which the tokens judge), no token needs making to know.
            space = _matcher(_SPACE)(self.text, lexer.pos, lexer.n)
            at = space.end() if space is not None else lexer.pos
            if not self.text.startswith(("for", "/*"), at, lexer.n):
                return False
        i = 1
        while self.peek(i).kind == "nl":
            i += 1
        return self.peek(i).kind == "ident" and self.peek(i).text == "for" \
            and self.peek(i + 1).kind == "ident"

    def tuple_expr(self, opener: _Tok) -> Node:
        if self._for_follows():
            return self.for_expr(self.take(), "]")
        self.take()
        items: list[Node] = []
        self.nl_skip += 1
        try:
            while True:
                tok = self.look()
                if tok.kind == "punct" and tok.text == "]":
                    self.take()
                    return self.node("tup", items, opener.start, tok.end)
                items.append(self.expr())
                sep = self.look()
                if sep.kind == "punct" and sep.text == ",":
                    self.take()
                elif not (sep.kind == "punct" and sep.text == "]"):
                    raise _GiveUp
        finally:
            self.nl_skip -= 1

    def for_expr(self, opener: _Tok, closer: str) -> Node:
        """``[for k, v in coll : value if cond]`` / ``{for k, v in coll : key => value...}``."""
        self.nl_skip += 1
        try:
            self.look()
            self.take()  # for
            names = [self._ident()]
            if self._punct(","):
                names.append(self._ident())
            if not (self.look().kind == "ident" and self.look().text == "in"):
                raise _GiveUp
            self.take()
            coll = self.expr()
            if not self._punct(":"):
                raise _GiveUp
            key: Node | None = None
            if closer == "}":
                key = self.expr()
                if not self._punct("=>"):
                    raise _GiveUp
            value = self.expr()
            group = closer == "}" and self._punct("...")
            cond: Node | None = None
            if self.look().kind == "ident" and self.look().text == "if":
                self.take()
                cond = self.expr()
            close = self.look()
            if not (close.kind == "punct" and close.text == closer):
                raise _GiveUp
            self.take()
        finally:
            self.nl_skip -= 1
        return self.node("for", (names, coll, key, value, cond, group), opener.start, close.end)

    def _ident(self) -> str:
        tok = self.look()
        if tok.kind != "ident":
            raise _GiveUp
        self.take()
        return tok.text

    def _punct(self, text: str) -> bool:
        tok = self.look()
        if tok.kind == "punct" and tok.text == text:
            self.take()
            return True
        return False

    def call(self, name: _Tok) -> Node:
        self.take()
        self.take()  # (
        args: list[Node] = []
        expand = False
        self.nl_skip += 1
        try:
            while True:
                tok = self.look()
                if tok.kind == "punct" and tok.text == ")":
                    self.take()
                    break
                if expand:
                    raise _GiveUp
                args.append(self.expr())
                if self._punct("..."):
                    expand = True
                sep = self.look()
                if sep.kind == "punct" and sep.text == ",":
                    self.take()
                elif not (sep.kind == "punct" and sep.text == ")"):
                    raise _GiveUp
        finally:
            self.nl_skip -= 1
        if name.text == "jsonencode" and len(args) == 1 and not expand:
            return self.node("enc", args[0], name.start, tok.end)
        return self.node("call", (name.text, args, expand), name.start, tok.end)

    def postfix(self, node: Node) -> Node:
        """Index, attribute and splat steps after an operand."""
        while True:
            tok = self.peek()  # no new line may come before a step
            if tok.kind == "punct" and tok.text == "." and self.peek(1).kind in ("ident",
                                                                                  "number"):
                self.take()
                step = self.take()
                key = self.node("lit", int(step.text) if step.text.isdigit() else step.text,
                                step.start, step.end)
                node = self.node("get", (node, key), node.start, step.end)
            elif tok.kind == "punct" and tok.text == "[" and not (
                    self.peek(1).kind == "punct" and self.peek(1).text == "*"):
                self.take()
                key, close = self._until("]")
                node = self.node("get", (node, key), node.start, close.end)
            elif tok.kind == "punct" and (tok.text == "[" or tok.text == ".") \
                    and self.peek(1).kind == "punct" and self.peek(1).text == "*":
                full = tok.text == "["
                self.take()
                self.take()
                if full and not self._punct("]"):
                    raise _GiveUp
                steps: list[Node] = []
                while True:
                    nxt = self.peek()
                    if nxt.kind == "punct" and nxt.text == "." \
                            and self.peek(1).kind in ("ident", "number"):
                        self.take()
                        step = self.take()
                        steps.append(self.node(
                            "lit", int(step.text) if step.text.isdigit() else step.text,
                            step.start, step.end))
                    elif full and nxt.kind == "punct" and nxt.text == "[" \
                            and not (self.peek(1).kind == "punct" and self.peek(1).text == "*"):
                        self.take()
                        steps.append(self._until("]")[0])
                    else:
                        break
                node = self.node("splat", (node, steps), node.start, self.last.end)
            else:
                return node

    def _until(self, close: str) -> tuple[Node, _Tok]:
        """An expression and the ``close`` bracket after it (taken); new lines inside the
        brackets are blanks."""
        self.nl_skip += 1
        try:
            inner = self.expr()
            end = self.look()
        finally:
            self.nl_skip -= 1
        if not (end.kind == "punct" and end.text == close):
            raise _GiveUp
        self.take()
        return inner, end

    def _plain_value(self, stops: tuple[str, ...], where: str) -> Node:
        """One expression up to a stop token (not consumed), a literal or unknown."""
        tok = self.peek()
        node = self.primary(where)
        after = self.peek()
        if after.kind in stops or (after.kind == "punct" and after.text in stops):
            return node
        if after.kind in _STARTS or (after.kind == "punct" and after.text == "{"):
            # `{ spec = "x" timezone = "UTC" }`: a comma or new line is missing.
            raise self.fail(_missing(after, stops), after)
        # An operator, an index, a conditional...: an expression Terraform evaluates.
        self.skip(stops)
        return self.node("unk", None, tok.start, self.last.end)

    def primary(self, where: str) -> Node:
        tok = self.peek()
        if tok.kind == "string":
            self.take()
            return self.string(tok)
        if tok.kind == "heredoc":
            self.take()
            if isinstance(tok.value, str):
                return self.node("lit", tok.value, tok.start, tok.end)
            return self.node("unk", "a heredoc with ${...} or %{...} in it is not evaluated",
                             tok.start, tok.end)
        if tok.kind == "number":
            self.take()
            return self.node("lit", _number(tok.text), tok.start, tok.end)
        if tok.kind == "punct" and tok.text == "-" and self.peek(1).kind == "number":
            self.take()
            number = self.take()
            return self.node("lit", _number("-" + number.text), tok.start, number.end)
        if tok.kind == "punct" and tok.text == "{":
            return self.hcl_object(where)
        if tok.kind == "punct" and tok.text == "[":
            return self.hcl_tuple(where)
        if tok.kind == "ident":
            return self.name(tok, where)
        if tok.kind == "punct" and tok.text == "(":
            self.skip_group()
            return self.node("unk", None, tok.start, self.last.end)
        raise self.fail(f"expected a value, found {_show(tok)}", tok)

    def string(self, tok: _Tok) -> Node:
        parts = tok.value
        if parts is None:
            return self.node("unk", "a template with %{...} directives or ~ strip marks is "
                             "not evaluated", tok.start, tok.end)
        assert isinstance(parts, list)
        if all(isinstance(p, str) for p in parts):
            return self.node("lit", "".join(parts), tok.start, tok.end)
        if self.depth >= 2:
            # Each level reads its interpolations' text again: past two, the cost would grow
            # with the square of the nesting, and no schedule is written that way.
            return self.node("unk", "templates inside templates inside templates are not "
                             "evaluated", tok.start, tok.end)
        out: list[object] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            assert isinstance(part, tuple)
            start, end = part
            sub = HclReader(self.text, self.src, start=start, stop=end, inline=True)
            sub.depth = self.depth + 1
            sub.duplicates = self.duplicates
            inner = sub.value(("eof",), "")
            out.append(inner)
        if len(out) == 1 and isinstance(out[0], Node):
            # "${var.x}" alone is var.x itself, whatever its type (HCL's pure interpolation).
            only: Node = out[0]
            return self.node(only.kind, only.value, tok.start, tok.end) \
                if only.kind == "unk" else only
        return self.node("tmpl", out, tok.start, tok.end)

    def name(self, tok: _Tok, where: str) -> Node:
        literal = {"true": True, "false": False, "null": None}
        after = self.peek(1)
        if tok.text in literal and not (after.kind == "punct" and after.text in ".[("):
            self.take()
            return self.node("lit", literal[tok.text], tok.start, tok.end)
        if after.kind == "punct" and after.text == "(":
            self.take()
            if tok.text not in _TRANSPARENT:
                self.skip_group()
                return self.node("unk", None, tok.start, self.last.end)
            self.take()
            self.skip_newlines()
            inner = self.value((")", ",", "nl"), where)
            closing = self.skip_newlines()
            if not (closing.kind == "punct" and closing.text == ")"):
                if closing.kind == "punct" and closing.text == ",":
                    raise self.fail(f"{tok.text} takes exactly one argument", closing)
                raise self.fail(f"expected ')' to close {tok.text}(, found {_show(closing)}",
                                closing)
            self.take()
            if tok.text == "jsonencode":
                return self.node("enc", inner, tok.start, closing.end)
            # toset / tomap / tolist of a literal are the literal for what is read here.
            return self.node(inner.kind, inner.value, tok.start, closing.end) \
                if inner.kind == "unk" else inner
        # A reference: var.x, local.y, each.value, or a resource's attribute.
        self.take()
        steps: list[str | int] = []
        known = tok.text in ("var", "local", "each")
        while True:
            nxt = self.peek()
            if nxt.kind == "punct" and nxt.text == "." and not self.legacy \
                    and self.peek(1).kind not in ("ident", "number"):
                break  # a splat: the expression parser reads it
            if nxt.kind == "punct" and nxt.text == ".":
                self.take()
                step = self.peek()
                if step.kind == "ident":
                    steps.append(step.text)
                    self.take()
                elif step.kind == "number":
                    steps.append(int(step.text) if step.text.isdigit() else step.text)
                    self.take()
                else:
                    known = False
                    if step.text == "*":
                        self.take()
            elif nxt.kind == "punct" and nxt.text == "[" and not self.legacy \
                    and not _static_index(self.peek(1), self.peek(2)):
                break  # an index computed from an expression: the parser reads it
            elif nxt.kind == "punct" and nxt.text == "[":
                index = self.peek(1)
                close = self.peek(2)
                if close.kind == "punct" and close.text == "]" and (
                        (index.kind == "number" and index.text.isdigit()) or
                        (index.kind == "string" and isinstance(index.value, list)
                        and all(isinstance(p, str) for p in index.value))):
                    self.take()
                    self.take()
                    self.take()
                    steps.append(int(index.text) if index.kind == "number"
                                 else "".join(index.value))  # type: ignore[arg-type]
                else:
                    known = False
                    self.skip_group()
            else:
                break
        end = self.last.end
        if known and steps:
            return self.node("ref", (tok.text, steps), tok.start, end)
        return self.node("unk", None, tok.start, end)

    def skip_group(self) -> None:
        """Consume a bracketed group starting at the current token."""
        self.skip_rest(self.take())

    def hcl_object(self, where: str) -> Node:
        opener = self.take()
        out: dict[str, Node] = {}
        first: dict[str, int] = {}
        item_match = _matcher(_PLAIN_ITEM, re.VERBOSE)
        buf, lexer = self.buf, self.lexer
        while True:
            while buf and buf[0].kind == "nl":
                del buf[0]
            m = item_match(self.text, lexer.pos, lexer.n) \
                if self.fast and not buf and not self.inline else None
            if m is None:
                pass  # the tokens read what comes next
            elif m.group("close") is not None:
                return self.node("obj", out, opener.start, self._closed(m.start("close")).end)
            elif m.group("value") is None:
                # `key = <an expression>`: the key and its separator are the match's, the
                # tokens read the value.
                self.last = _Tok("punct", m.group("sep"), m.start("sep"), m.end("sep"))
                if m.group("group") is not None:
                    self._opening(m)
                else:
                    lexer.pos = m.end("sep")
                self._item(opener, out, first, m.group(1), m.start(1), self.last, where)
                continue
            else:
                # `key = "text"` alone on its line, or before a ',' or the '}': one match,
                # no tokens.
                name, at = m.group(1), m.start(1)
                node = self._plain(m)
                if name in first:
                    self.duplicates.setdefault(opener.start, []).append((name, Node(
                        "lit", None, at, node.end, self.src), first[name]))
                else:
                    first[name] = at
                    out[name] = node
                lexer.pos = m.end()
                continue
            tok = self.skip_newlines()
            if tok.kind == "punct" and tok.text == "}":
                self.take()
                return self.node("obj", out, opener.start, tok.end)
            if tok.kind == "eof":
                raise self.fail("the object opened here is never closed with '}'", opener)
            if tok.kind == "ident" and tok.text == "for" and self.peek(1).kind == "ident":
                self.skip_rest(opener)
                return self.node("unk", None, opener.start, self.last.end)
            key: str | None = None
            if tok.kind == "ident":
                key = tok.text
            elif tok.kind == "string" and isinstance(tok.value, list) \
                    and all(isinstance(p, str) for p in tok.value):
                key = "".join(tok.value)
            elif tok.kind in ("string", "number") or (tok.kind == "punct" and tok.text == "("):
                # A key Terraform computes: the object is known only at apply time.
                self.skip_rest(opener)
                return self.node("unk", None, opener.start, self.last.end)
            else:
                raise self.fail(f"expected a key in the object, found {_show(tok)}", tok)
            self.take()
            sep = self.peek()
            if not (sep.kind == "punct" and sep.text in ("=", ":")):
                raise self.fail(f"expected '=' or ':' after the key {key!r}, found "
                                f"{_show(sep)}", sep)
            self.take()
            self._item(opener, out, first, key, tok.start, sep, where)

    def _item(self, opener: _Tok, out: dict[str, Node], first: dict[str, int], key: str,
              at: int, sep: _Tok, where: str) -> None:
        """The value of an object's item whose key (written at ``at``) and separator are
        taken, and the ',' after it."""
        if self.peek().kind in ("nl", "eof"):
            raise self.fail(f"expected a value after {key!r} {sep.text}", self.peek())
        item = self.value(("nl", ",", "}"), where)
        if key in first:
            self.duplicates.setdefault(opener.start, []).append((key, Node(
                "lit", None, at, item.end, self.src), first[key]))
        else:
            first[key] = at
            out[key] = item
        end = self.peek()
        if end.kind == "punct" and end.text == ",":
            self.take()
        elif not (end.kind == "nl" or (end.kind == "punct" and end.text == "}")):
            raise self.fail(f"expected ',', a new line or '}}' after the value of {key!r}, "
                            f"found {_show(end)}", end)

    def hcl_tuple(self, where: str) -> Node:
        opener = self.take()
        out: list[Node] = []
        while True:
            tok = self.skip_newlines()
            if tok.kind == "punct" and tok.text == "]":
                self.take()
                return self.node("tup", out, opener.start, tok.end)
            if tok.kind == "eof":
                raise self.fail("the list opened here is never closed with ']'", opener)
            if tok.kind == "ident" and tok.text == "for" and not out:
                self.skip_rest(opener)
                return self.node("unk", None, opener.start, self.last.end)
            out.append(self.value(("nl", ",", "]"), where))
            end = self.skip_newlines()
            if end.kind == "punct" and end.text == ",":
                self.take()
            elif not (end.kind == "punct" and end.text == "]"):
                raise self.fail(f"expected ',' or ']' in the list, found {_show(end)}", end)


def _brief(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _static_index(index: _Tok, close: _Tok) -> bool:
    """Whether ``[index]`` is a plain number or string, kept as a step of a reference."""
    if not (close.kind == "punct" and close.text == "]"):
        return False
    if index.kind == "number":
        return index.text.isdigit()
    parts = index.value
    return index.kind == "string" and isinstance(parts, list) and all(
        isinstance(p, str) for p in parts)


def _missing(tok: _Tok, stops: tuple[str, ...]) -> str:
    if "," in stops:
        return f"expected ',' or a new line before {_show(tok)}"
    return f"expected a new line before {_show(tok)}: one attribute per line"


def _adjacent(prev: _Tok, tok: _Tok) -> bool:
    """True when ``tok`` starts an operand right after ``prev`` ended one (no operator)."""
    ends = prev.kind in _ENDS or (prev.kind == "punct" and prev.text in (")", "]", "}"))
    if not ends:
        return False
    if tok.kind in _STARTS:
        return not (prev.kind == "ident" and prev.text in ("for", "in", "if"))
    # `f(x)` and `a[0]` / `a.b[0]` go on after a name or a closing bracket.
    return tok.kind == "punct" and tok.text == "{"


def _number(text: str) -> int | float:
    # Terraform numbers are exact decimals and jsonencode writes whole ones without a
    # fraction (jsonencode({h = 1.0}) is {"h":1}), so a whole number becomes an int.  Past
    # 10**30 no schedule value means anything: a float (infinity if need be) never meets
    # Python's limit on the digits of an int.
    digits = text[1:] if text.startswith("-") else text
    if len(digits) < 30 and digits.isascii() and digits.isdigit():
        return int(text)  # what the exact reading below gives a whole number, sooner
    from decimal import Decimal

    try:
        exact = Decimal(text)
        if exact.adjusted() < 30 and exact == exact.to_integral_value():
            return int(exact)
    except ArithmeticError:  # an exponent past the decimal context's range
        pass
    return float(text)


def _show(tok: _Tok) -> str:
    if tok.kind == "eof":
        return "the end of the file"
    if tok.kind == "nl":
        return "a new line"
    text = tok.text if len(tok.text) <= 30 else tok.text[:27] + "..."
    return repr(text)


def _line_of(text: str, offset: int) -> int:
    return len(_NEWLINE.findall(text, 0, offset)) + 1


def string_offsets(text: str, start: int, end: int, *, template: bool = True
                   ) -> list[int] | None:
    """For a string literal or heredoc at ``text[start:end]``: the file offset of each
    character of its value, and of its end (None: not a literal whose value maps so).

    ``template``: ``$${`` and ``%%{`` are escapes (HCL); False for a JSON string.
    """
    out: list[int] = []
    if text.startswith('"', start):
        i = start + 1
        while i < end - 1:
            c = text[i]
            if c == "\\":
                e = text[i + 1: i + 2]
                size = 2 if e and (e in _ESCAPES or e in "/bf") else 6 if e == "u" else \
                    10 if e == "U" and template else 0
                if not size:
                    return None
                out.append(i)
                i += size
            elif template and text.startswith(("$${", "%%{"), i):
                out.extend((i, i + 2))
                i += 3
            else:
                out.append(i)
                i += 1
        out.append(end - 1)
        return out
    if not text.startswith("<<", start):
        return None
    strip = text.startswith("<<-", start)
    first = text.find("\n", start, end)
    if first < 0:
        return None
    lines: list[tuple[int, str]] = []
    i = first + 1
    while i < end:
        nl = text.find("\n", i, end)
        if nl < 0:
            break  # the closing marker's line
        line = text[i:nl].removesuffix("\r")
        lines.append((i, line))
        i = nl + 1
    cut = min((len(x) - len(x.lstrip(" \t")) for _i, x in lines if x.strip()),
              default=0) if strip else 0
    for at, line in lines:
        if "${" in line or "%{" in line:
            return None  # an escaped template sequence: the offsets would shift
        out.extend(range(at + cut, at + len(line)))
        out.append(at + len(line))  # the new line
    out.append(end)
    return out
