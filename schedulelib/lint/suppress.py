"""Inline suppressions: ``# schedulelib: ignore[SL409, SL504]`` in YAML and Terraform files.

A comment after a value silences those codes on its own line; a comment on a line of its own
silences them on the next line that holds anything but comments.  The codes must be named: a
bare ``# schedulelib: ignore`` would hide whatever a later version finds there, so it is refused
(SL921), as is an unknown code.  A code that silences nothing is reported (SL920, like ruff's
RUF100), so suppressions do not outlive the problem they were written for.

JSON has no comments: use ``per-file-ignores`` in the configuration (see :mod:`.config`).

The comments are found by a small scanner of its own for each format, which knows where ``#``
is not a comment (inside YAML quoted and block scalars, inside HCL strings, heredocs and
``/* */``), rather than by the readers in :mod:`.sources`: this module depends only on the text.
Both scanners are one pass over the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["Comment", "Directive", "directives", "hcl_comments", "yaml_comments"]


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment: 1-based line and column of its marker, the text after the marker."""

    line: int
    column: int
    text: str
    #: Nothing but white space before the marker on its line.
    own_line: bool


# Lines are numbered as the readers number the lines of a finding (``sources.model.Lines``):
# by "\n" alone, a "\r" before it belonging to the line end.  A comment is then always on
# the same line as the findings it names, whatever other characters PyYAML takes for breaks.
_LINE_BREAK = re.compile(r"\r?\n")


# -- YAML ----------------------------------------------------------------------------------------

# YAML 1.1 line breaks (PyYAML, libyaml): the scanner follows them, while the comments are
# numbered as the readers number findings, by "\n" alone (see _LINE_BREAK).
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# A block scalar header (``key: |``, ``- >-``, ``|2+``) at the end of a line's content.
_BLOCK_HEADER = re.compile(r"(?:^|[\s:?-])[|>](?:[1-9][+-]?|[+-][1-9]?)?\s*$")


def _yaml_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(readers' line number, column of the first character, text) of each YAML line."""
    number, line_start, start = 1, 0, 0
    for match in _YAML_BREAK.finditer(text):
        yield number, start - line_start, text[start:match.start()]
        start = match.end()
        if match.group().endswith("\n"):
            number, line_start = number + 1, start
    yield number, start - line_start, text[start:]


def yaml_comments(text: str) -> tuple[list[Comment], list[int]]:
    """The comments of a YAML text, and the lines that hold content (sorted, 1-based)."""
    comments: list[Comment] = []
    content: dict[int, None] = {}
    quote = ""  # the quote of a scalar still open at the end of the previous line
    flow = 0  # depth of [ ] and { } collections, which may span lines
    block_indent = -1  # inside a block scalar: the indentation of its header's line
    # A plain scalar that may go on over the next lines: the indentation of its first line.
    plain_indent = -1
    for number, base, line in _yaml_lines(text):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent >= 0:
            if not stripped.strip() or indent > block_indent:
                content[number] = None
                continue
            block_indent = -1
        if not stripped.strip(" \t"):
            continue  # a blank line changes nothing, not even inside a multi-line scalar
        i, n = indent, len(line)
        has_content = bool(quote) or number in content
        # A more indented line goes on with a plain scalar (``key: a b`` then ``  "c``).
        plain = not quote and plain_indent >= 0 and indent > plain_indent
        # A quote opens a scalar only where a scalar can start: first on the line, after
        # "- ", "? ", ": ", after "[", "{" or "," (or ":" inside flow), or after an anchor or
        # tag; elsewhere (``a ': x``, ``don't``) it is part of a plain scalar.
        expect, prop = not quote and not plain, False
        # The column of the node a plain scalar on this line belongs to: the line's indentation,
        # or the last "- " / "? " / leading ": " indicator before it (``: - a`` nests at 2).
        node = indent
        while i < n:
            ch = line[i]
            if quote == '"':
                if ch == "\\":
                    i += 2
                    continue
                if ch == '"':
                    quote = ""
            elif quote == "'":
                if ch == "'":
                    if i + 1 < n and line[i + 1] == "'":
                        i += 2
                        continue
                    quote = ""
            elif ch in " \t":
                if prop:
                    expect, prop = True, False
            elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
                comments.append(Comment(number, base + i + 1, line[i + 1:], not has_content))
                end, plain = i, False
                break
            else:
                has_content = True
                if expect and ch in "'\"":
                    quote, expect, plain = ch, False, False
                elif ch in "[{" and expect:  # elsewhere part of a plain scalar
                    flow += 1
                elif ch in "]}" and flow:
                    flow -= 1
                    expect = plain = False
                elif (ch == "," and flow) or (
                        # "- " and "? " only where a node starts; ": " after any key.
                        (ch == ":" or (expect and ch in "-?"))
                        and (i + 1 == n or line[i + 1] in " \t" or (ch == ":" and flow))):
                    expect, plain = True, False
                    if ch in "-?" or i == indent:
                        node = i
                elif expect and ch in "&!":
                    expect, prop = False, True
                else:
                    if not plain:
                        plain_indent = node  # a plain scalar starts on this line
                    expect, plain = False, True
            i += 1
        else:
            end = n
        if has_content:
            content[number] = None
        if not plain:
            plain_indent = -1
        if not quote and _BLOCK_HEADER.search(line[:end]):
            block_indent = indent
    return comments, sorted(content)


# -- HCL (Terraform) -----------------------------------------------------------------------------

_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?=\r\n|\r|\n)")


def hcl_comments(text: str) -> tuple[list[Comment], list[int]]:
    """The ``#`` and ``//`` comments of an HCL text, and the lines that hold content."""
    comments: list[Comment] = []
    content: set[int] = set()
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def line_of(offset: int) -> int:
        return bisect_right(starts, offset)

    # A stack of contexts: "s" a quoted string, an int the brace depth of a template
    # interpolation (``${ ... }``) inside a string.  Empty: top-level code.
    stack: list[str | int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            if stack and stack[-1] == "s":
                # HCL strings end at the line; an unclosed one must not swallow the file.
                stack.clear()
            i += 1
            continue
        top = stack[-1] if stack else None
        if top == "s":
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                stack.pop()
            elif (ch in "$%" and text.startswith("{", i + 1)
                  and not (i > 0 and text[i - 1] == ch)):  # $${ and %%{ are literal
                stack.append(1)
                i += 2
                continue
            content.add(line_of(i))
            i += 1
            continue
        # Code, at top level or inside an interpolation.
        if ch == "#" or text.startswith("//", i):
            start = i
            end = i
            while end < n and text[end] not in "\r\n":
                end += 1
            number = line_of(start)
            line_start = starts[number - 1]
            marker = 1 if ch == "#" else 2
            comments.append(Comment(number, start - line_start + 1, text[start + marker:end],
                                    not text[line_start:start].strip()))
            i = end
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
            continue
        if ch == "<" and text.startswith("<<", i):
            match = _HEREDOC.match(text, i)
            if match:
                content.add(line_of(i))
                tag = match.group(1)
                closing = re.compile(r"^[ \t]*" + re.escape(tag) + r"[ \t]*\r?$", re.MULTILINE)
                body = match.end()
                found = closing.search(text, body)
                stop = n if found is None else found.end()
                for number in range(line_of(body), line_of(max(stop - 1, body)) + 1):
                    content.add(number)
                i = stop
                continue
        if ch == '"':
            stack.append("s")
        elif isinstance(top, int):
            if ch == "{":
                stack[-1] = top + 1
            elif ch == "}":
                if top == 1:
                    stack.pop()
                else:
                    stack[-1] = top - 1
        if ch not in " \t":
            content.add(line_of(i))
        i += 1
    return comments, sorted(content)


# -- directives ----------------------------------------------------------------------------------

_DIRECTIVE = re.compile(r"schedulelib\s*:\s*ignore\b")
_CODES = re.compile(r"\[([^\]\r\n]*)\]")


@dataclass
class Directive:
    """One ``schedulelib: ignore[...]`` comment and the line it applies to."""

    line: int
    column: int
    #: One past the directive's last character (the closing bracket).
    end: int
    codes: tuple[str, ...]
    target: int
    used: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Problem:
    """A directive that cannot be used (SL921): where, and why."""

    line: int
    column: int
    end: int
    message: str
    hint: str


def directives(text: str, kind: str | None) -> tuple[list[Directive], list[Problem]]:
    """Every ignore directive in a YAML or Terraform text, and the malformed ones."""
    if kind not in ("yaml", "terraform") or "schedulelib" not in text:
        return [], []
    comments, content = (yaml_comments if kind == "yaml" else hcl_comments)(text)
    found: list[Directive] = []
    problems: list[Problem] = []
    for comment in comments:
        match = _DIRECTIVE.search(comment.text)
        if match is None:
            continue
        column = comment.column + 1 + match.start()
        rest = comment.text[match.end():]
        codes = _CODES.match(rest)
        end = column + (match.end() - match.start()) + (codes.end() if codes else 0)
        if codes is None:
            problems.append(Problem(comment.line, column, end,
                                    "a bare 'schedulelib: ignore' is refused: it would hide any "
                                    "finding on the line, today's and tomorrow's",
                                    "name the codes: # schedulelib: ignore[SL409]"))
            continue
        names = [c.strip().upper() for c in codes.group(1).split(",") if c.strip()]
        bad = [c for c in names if not _known(c)]
        if not names or bad:
            shown = bad[0] if bad and len(bad[0]) <= 20 else bad[0][:17] + "..." if bad else ""
            what = (f"unknown rule code {shown!r}" if bad
                    else "'schedulelib: ignore[]' names no code")
            problems.append(Problem(comment.line, column, end, f"{what} in an ignore comment",
                                    "write the codes the finding shows, e.g. "
                                    "# schedulelib: ignore[SL409, SL504]"))
            continue
        target = comment.line
        if comment.own_line:
            after = bisect_right(content, comment.line)
            target = content[after] if after < len(content) else comment.line + 1
        found.append(Directive(comment.line, column, end, tuple(dict.fromkeys(names)), target))
    return found, problems


def _known(code: str) -> bool:
    from schedulelib.core.rules import RULES

    return code in RULES


def apply(findings: Sequence[object], found: Sequence[Directive]) -> list[bool]:
    """For each finding (anything with ``line`` and ``code``), whether a directive silences it;
    marks the codes each directive used."""
    by_line: dict[int, list[Directive]] = {}
    for d in found:
        by_line.setdefault(d.target, []).append(d)
    out = []
    for f in findings:
        silenced = False
        for d in by_line.get(getattr(f, "line", 0), ()):
            code = getattr(f, "code", "")
            if code in d.codes:
                d.used.add(code)
                silenced = True
        out.append(silenced)
    return out


def unused(found: Sequence[Directive]) -> Iterator[tuple[Directive, tuple[str, ...]]]:
    """Each directive with the codes of it that silenced nothing."""
    for d in found:
        idle = tuple(c for c in d.codes if c not in d.used)
        if idle:
            yield d, idle
