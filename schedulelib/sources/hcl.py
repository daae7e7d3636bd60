"""A small HCL reader: tokens with offsets, blocks and attributes, and the values of the
attributes of the Segment resources that hold schedules.

python-hcl2's parse tree drops the positions of values, and building its grammar costs more
than checking a whole directory, hence a reader of our own.  Values are plain Python values,
:class:`Unknown` for what only Terraform knows when it runs, and :class:`Encoded` for the
argument of ``jsonencode(...)``.
"""

from __future__ import annotations

import re

from ..errors import Diagnostic, diagnostic, pointer


class HclSyntaxError(ValueError):
    """Malformed HCL: ``offset`` is where the reader stopped."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class _Tok:
    """One HCL token (a plain class: dataclasses cost start-up time JSON-only runs would pay).

    ``kind`` is ident, number, string, heredoc, punct, nl or eof; ``value`` of a string is its
    text, or None for a template with ``${...}`` / ``%{...}``.
    """

    __slots__ = ("end", "kind", "start", "text", "value")

    def __init__(self, kind: str, text: str, start: int, end: int, value: object = None) -> None:
        self.kind, self.text, self.start, self.end, self.value = kind, text, start, end, value


_HCL_PATTERN = r"""
    (?P<nl>\n)
  | (?P<ws>[ \t\r\f]+)
  | (?P<comment>(?:\#|//)[^\n]*)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[{}\[\]()=:,.?!+\-*/%<>])
"""
_HEREDOC_PATTERN = r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_OPEN = {"(": ")", "[": "]", "{": "}"}


def tokens(text: str) -> list[_Tok]:
    # Compiled here, not at import: a JSON-only run never needs them (re caches them).
    hcl = re.compile(_HCL_PATTERN, re.VERBOSE)
    heredoc_start = re.compile(_HEREDOC_PATTERN)
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            end, value = _string(text, i)
            out.append(_Tok("string", text[i:end], i, end, value))
            i = end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise HclSyntaxError("the comment opened here is never closed with '*/'", i)
            if "\n" in text[i:end]:
                out.append(_Tok("nl", "\n", i, end + 2))
            i = end + 2
            continue
        if text.startswith("<<", i):
            heredoc = heredoc_start.match(text, i)
            if heredoc is None:
                raise HclSyntaxError("'<<' must start a heredoc such as <<EOT followed by a "
                                     "new line", i)
            end, value = _heredoc(text, heredoc)
            out.append(_Tok("heredoc", text[i:end], i, end, value))
            i = end
            continue
        m = hcl.match(text, i)
        if m is None:
            raise HclSyntaxError(f"unexpected character {c!r}", i)
        kind = m.lastgroup
        assert kind is not None
        if kind == "nl":
            out.append(_Tok("nl", "\n", i, i + 1))
        elif kind in ("number", "ident"):
            out.append(_Tok(kind, m.group(), i, m.end()))
        elif kind == "op":
            out.append(_Tok("punct", m.group(), i, m.end()))
        i = m.end()
    out.append(_Tok("eof", "", n, n))
    return out


def _string(text: str, start: int) -> tuple[int, str | None]:
    """End offset and value of the quoted string at ``start`` (None: a template)."""
    parts: list[str] = []
    template = False
    i, n = start + 1, len(text)
    while True:
        if i >= n or text[i] == "\n":
            raise HclSyntaxError("the string opened here is not closed on its line", start)
        c = text[i]
        if c == '"':
            return i + 1, None if template else "".join(parts)
        if c == "\\":
            e = text[i + 1: i + 2]
            if e in _ESCAPES:
                parts.append(_ESCAPES[e])
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
                parts.append(chr(code))
                i += 2 + size
            else:
                raise HclSyntaxError(f"invalid escape sequence \\{e}", i)
        elif text.startswith(("$${", "%%{"), i):
            parts.append(text[i + 1: i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            template = True
            i = _skip_interpolation(text, i + 2)
        else:
            parts.append(c)
            i += 1


def _skip_interpolation(text: str, i: int) -> int:
    """The offset after the ``}`` closing an interpolation whose body starts at ``i``."""
    start, depth, n = i - 2, 1, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i = _string(text, i)[0]
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise HclSyntaxError("the interpolation opened here is never closed with '}'", start)


def _heredoc(text: str, m: re.Match[str]) -> tuple[int, str | None]:
    strip, marker = m.group(1) == "-", m.group(2)
    i = m.end()
    lines: list[str] = []
    while i <= len(text):
        nl = text.find("\n", i)
        line = text[i: nl if nl >= 0 else len(text)]
        if line.strip() == marker:
            end = i + len(line)
            break
        lines.append(line)
        if nl < 0:
            raise HclSyntaxError(f"the heredoc opened here is never closed by a line {marker}",
                                 m.start())
        i = nl + 1
    else:
        raise HclSyntaxError(f"the heredoc opened here is never closed by a line {marker}",
                             m.start())
    body = "\n".join(lines) + ("\n" if lines else "")
    if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
        return end, None
    if strip:
        indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
        cut = min(indents, default=0)
        body = "\n".join(x[cut:] for x in lines) + ("\n" if lines else "")
    return end, body.replace("$${", "${").replace("%%{", "%{")


class Unknown:
    """A value only known when Terraform runs (a reference, a function call, a template)."""

    __slots__ = ("offset", "text")

    def __init__(self, offset: int, text: str) -> None:
        self.offset, self.text = offset, text


class Encoded:
    """The argument of ``jsonencode(...)``: a JSON string holding this value."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


# Resource type -> the attributes read from its body.
_WANTED = {
    "segment_destination_subscription": ("reverse_etl_schedule", "name"),
    "segment_reverse_etl_model": ("schedule_strategy", "schedule_config", "name"),
}


class Resource:
    """A wanted resource: its type and name, the values of the wanted attributes, where each
    value (and each part of it, ``/attr/...``) is written (start and end offsets), and
    duplicate keys found inside."""

    def __init__(self, type_: str, label: str) -> None:
        self.type, self.label = type_, label
        self.values: dict[str, object] = {}
        self.offsets: dict[str, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []


class HclReader:
    """Reads an HCL body: blocks and attributes, with the values of the wanted attributes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokens(text)
        self.p = 0
        self.resources: list[Resource] = []
        self.duplicates: list[tuple[str, int, int]] = []  # (name, offset, first offset)

    # -- tokens --

    def peek(self, ahead: int = 0) -> _Tok:
        return self.toks[min(self.p + ahead, len(self.toks) - 1)]

    def take(self) -> _Tok:
        tok = self.toks[self.p]
        if tok.kind != "eof":
            self.p += 1
        return tok

    def skip_newlines(self) -> _Tok:
        while self.peek().kind == "nl":
            self.p += 1
        return self.peek()

    def fail(self, message: str, tok: _Tok) -> HclSyntaxError:
        return HclSyntaxError(message, tok.start)

    # -- structure --

    def body(self, closer: _Tok | None, resource: Resource | None, depth: int) -> None:
        seen: dict[str, int] = {}
        while True:
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
                if tok.text in seen:
                    raise self.fail(f"the attribute {tok.text!r} is defined twice in one block "
                                    f"(first on line {_line_of(self.text, seen[tok.text])})",
                                    tok)
                seen[tok.text] = tok.start
                self.attribute(tok, resource if depth == 1 else None)
                continue
            labels: list[str] = []
            while self.peek().kind in ("string", "ident"):
                label = self.take()
                labels.append(label.value if isinstance(label.value, str) else label.text)
            opener = self.peek()
            if not (opener.kind == "punct" and opener.text == "{"):
                raise self.fail(f"expected '=' or '{{' after {tok.text!r}, found "
                                f"{_show(opener)}", opener)
            self.take()
            inner = None
            if depth == 0 and tok.text == "resource" and len(labels) == 2 \
                    and labels[0] in _WANTED:
                inner = Resource(labels[0], labels[1])
                self.resources.append(inner)
            self.body(opener, inner, depth + 1)
            end = self.peek()
            if end.kind not in ("nl", "eof") and not (end.kind == "punct" and end.text == "}"):
                raise self.fail(f"expected a new line after the block's '}}', found "
                                f"{_show(end)}", end)

    def attribute(self, name: _Tok, resource: Resource | None) -> None:
        first = self.peek()
        if first.kind in ("nl", "eof"):
            raise self.fail(f"expected a value after '{name.text} ='", first)
        if resource is not None and name.text in _WANTED[resource.type]:
            value = self.value("/" + name.text, resource, ("nl", "eof", "}"))
            resource.values[name.text] = value
        else:
            self.skip(("nl", "eof", "}"))
        end = self.peek()
        if end.kind not in ("nl", "eof") and not (end.kind == "punct" and end.text == "}"):
            raise self.fail(f"expected a new line after the value of {name.text!r}, found "
                            f"{_show(end)}", end)

    def skip(self, stops: tuple[str, ...]) -> None:
        """Consume one expression up to a stop token at bracket depth 0 (not consumed)."""
        stack: list[_Tok] = []
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                if stack:
                    raise self.fail(f"{stack[-1].text!r} opened here is never closed", stack[-1])
                return
            if not stack and (tok.kind in stops or (tok.kind == "punct" and tok.text in stops)):
                return
            if tok.kind == "punct" and tok.text in _OPEN:
                stack.append(tok)
            elif tok.kind == "punct" and tok.text in (")", "]", "}"):
                if not stack:
                    raise self.fail(f"{tok.text!r} closes nothing here", tok)
                opener = stack.pop()
                if _OPEN[opener.text] != tok.text:
                    raise self.fail(f"expected {_OPEN[opener.text]!r} to close {opener.text!r} "
                                    f"(line {_line_of(self.text, opener.start)}), found "
                                    f"{tok.text!r}", tok)
            self.take()

    # -- values --

    def value(self, where: str, res: Resource, stops: tuple[str, ...]) -> object:
        tok = self.peek()
        # The outermost value at a place is its span (jsonencode(...) holds another); the first
        # of two duplicate keys keeps it.
        fresh = where not in res.offsets
        if fresh:
            res.offsets[where] = (tok.start, tok.end)
        value = self.primary(where, res)
        after = self.peek()
        if not (after.kind in stops or (after.kind == "punct" and after.text in stops)):
            # An operator, an index, a conditional...: an expression Terraform evaluates.
            self.skip(stops)
            value = Unknown(tok.start, self.text[tok.start: self.peek().start].strip())
        if fresh:
            res.offsets[where] = (tok.start, self.toks[self.p - 1].end)
        return value

    def primary(self, where: str, res: Resource) -> object:
        tok = self.peek()
        if tok.kind in ("string", "heredoc"):
            self.take()
            return tok.value if isinstance(tok.value, str) else Unknown(tok.start, tok.text)
        if tok.kind == "number":
            self.take()
            return _number(tok.text)
        if tok.kind == "punct" and tok.text == "-" and self.peek(1).kind == "number":
            self.take()
            number = self.take()
            return _number("-" + number.text)
        if tok.kind == "punct" and tok.text == "{":
            return self.hcl_object(where, res)
        if tok.kind == "punct" and tok.text == "[":
            return self.hcl_tuple(where, res)
        if tok.kind == "ident":
            literal = {"true": True, "false": False, "null": None}
            after = self.peek(1)
            if tok.text in literal and not (after.kind == "punct" and after.text in ".[("):
                self.take()
                return literal[tok.text]
            if tok.text == "jsonencode" and after.kind == "punct" and after.text == "(":
                self.take()
                self.take()
                self.skip_newlines()
                inner = self.value(where, res, (")", ",", "nl"))
                closing = self.skip_newlines()
                if not (closing.kind == "punct" and closing.text == ")"):
                    if closing.kind == "punct" and closing.text == ",":
                        raise self.fail("jsonencode takes exactly one argument", closing)
                    raise self.fail(f"expected ')' to close jsonencode(, found {_show(closing)}",
                                    closing)
                self.take()
                return Encoded(inner)
            # A reference (var.x, local.y, a resource attribute) or another function call.
            start = tok.start
            self.take()
            while True:
                nxt = self.peek()
                if nxt.kind == "punct" and nxt.text == ".":
                    self.take()
                    if self.peek().kind in ("ident", "number") or self.peek().text == "*":
                        self.take()
                elif nxt.kind == "punct" and nxt.text in ("(", "["):
                    self.skip_group()
                else:
                    break
            return Unknown(start, self.text[start: self.peek().start].strip())
        if tok.kind == "punct" and tok.text == "(":
            start = tok.start
            self.skip_group()
            return Unknown(start, self.text[start: self.peek().start])
        raise self.fail(f"expected a value, found {_show(tok)}", tok)

    def skip_group(self) -> None:
        """Consume a bracketed group starting at the current token."""
        opener = self.take()
        stack = [opener]
        while stack:
            tok = self.take()
            if tok.kind == "eof":
                raise self.fail(f"{stack[-1].text!r} opened here is never closed", stack[-1])
            if tok.kind == "punct" and tok.text in _OPEN:
                stack.append(tok)
            elif tok.kind == "punct" and tok.text in (")", "]", "}"):
                top = stack.pop()
                if _OPEN[top.text] != tok.text:
                    raise self.fail(f"expected {_OPEN[top.text]!r} to close {top.text!r} "
                                    f"(line {_line_of(self.text, top.start)}), found "
                                    f"{tok.text!r}", tok)

    def hcl_object(self, where: str, res: Resource) -> object:
        at = self.p
        opener = self.take()
        out: dict[str, object] = {}
        first: dict[str, int] = {}
        while True:
            tok = self.skip_newlines()
            if tok.kind == "punct" and tok.text == "}":
                self.take()
                return out
            if tok.kind == "eof":
                raise self.fail("the object opened here is never closed with '}'", opener)
            if tok.kind == "ident" and tok.text == "for" and self.peek(1).kind == "ident":
                self.p = at
                self.skip_group()
                return Unknown(opener.start, self.text[opener.start: self.peek().start])
            if tok.kind == "ident" or (tok.kind == "string" and isinstance(tok.value, str)):
                key = tok.text if tok.kind == "ident" else str(tok.value)
                self.take()
            elif tok.kind in ("string", "number") or (tok.kind == "punct" and tok.text == "("):
                # A key Terraform computes: the object is known only at apply time.
                self.p = at
                self.skip_group()
                return Unknown(opener.start, self.text[opener.start: self.peek().start])
            else:
                raise self.fail(f"expected a key in the object, found {_show(tok)}", tok)
            sep = self.peek()
            if not (sep.kind == "punct" and sep.text in ("=", ":")):
                raise self.fail(f"expected '=' or ':' after the key {key!r}, found "
                                f"{_show(sep)}", sep)
            self.take()
            if self.peek().kind in ("nl", "eof"):
                raise self.fail(f"expected a value after {key!r} {sep.text}", self.peek())
            here = where + pointer(key)
            item = self.value(here, res, ("nl", ",", "}"))
            if key in first:
                res.problems.append(diagnostic(
                    "SL003", here, f"key {key!r} appears twice in one object (first on line "
                    f"{_line_of(self.text, first[key])})", "remove one of the two"))
                res.offsets[here] = (tok.start, self.toks[self.p - 1].end)
            else:
                first[key] = tok.start
                out[key] = item
            end = self.peek()
            if end.kind == "punct" and end.text == ",":
                self.take()
            elif not (end.kind == "nl" or (end.kind == "punct" and end.text == "}")):
                raise self.fail(f"expected ',', a new line or '}}' after the value of {key!r}, "
                                f"found {_show(end)}", end)

    def hcl_tuple(self, where: str, res: Resource) -> object:
        at = self.p
        opener = self.take()
        out: list[object] = []
        while True:
            tok = self.skip_newlines()
            if tok.kind == "punct" and tok.text == "]":
                self.take()
                return out
            if tok.kind == "eof":
                raise self.fail("the list opened here is never closed with ']'", opener)
            if tok.kind == "ident" and tok.text == "for" and not out:
                self.p = at
                self.skip_group()
                return Unknown(opener.start, self.text[opener.start: self.peek().start])
            out.append(self.value(where + pointer(len(out)), res, ("nl", ",", "]")))
            end = self.skip_newlines()
            if end.kind == "punct" and end.text == ",":
                self.take()
            elif not (end.kind == "punct" and end.text == "]"):
                raise self.fail(f"expected ',' or ']' in the list, found {_show(end)}", end)


def _number(text: str) -> int | float:
    # Terraform numbers are exact decimals and jsonencode writes whole ones without a
    # fraction (jsonencode({h = 1.0}) is {"h":1}), so a whole number becomes an int.
    from decimal import Decimal

    exact = Decimal(text)
    if exact == exact.to_integral_value() and abs(exact) < 10**30:
        return int(exact)
    return float(exact)


def _show(tok: _Tok) -> str:
    if tok.kind == "eof":
        return "the end of the file"
    if tok.kind == "nl":
        return "a new line"
    text = tok.text if len(tok.text) <= 30 else tok.text[:27] + "..."
    return repr(text)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
