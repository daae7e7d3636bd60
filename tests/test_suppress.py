"""The comment scanners behind inline ignores: a '#' inside a YAML or HCL string is text."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.lint.suppress import directives, hcl_comments, yaml_comments

# -- YAML: where '#' starts a comment --------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1 # c\n", [(1, 6, " c")]),
    ("# c\na: 1\n", [(1, 1, " c")]),
    ("a: x#y\n", []),  # no space before '#': part of the plain scalar
    ('a: "x # y"  # c\n', [(1, 13, " c")]),
    ("a: 'it''s # no' # c\n", [(1, 17, " c")]),
    ("a: don't # c\n", [(1, 10, " c")]),  # an apostrophe inside a word opens nothing
    ('a: "line one\n  # still the string"\nb: 2 # c\n', [(3, 6, " c")]),
    ("a: |\n  # text of the block\n  more\nb: 1 # c\n", [(4, 6, " c")]),
    ("- >-\n    # folded text\n- x # c\n", [(3, 5, " c")]),
    ("a: [1, '#', \"#\"] # c\n", [(1, 18, " c")]),
    ("a: \"esc \\\" # no\" # c\n", [(1, 18, " c")]),
    ("a: 1\r\n# c\r\n", [(2, 1, " c")]),
    ("a: 1\x85# c\n", [(1, 6, " c")]),
], ids=["trailing", "own-line", "no-space", "double-quoted", "single-quoted", "apostrophe",
        "multi-line-string", "literal-block", "folded-block", "flow-sequence", "escaped-quote",
        "crlf-line-ends", "nel-is-no-line-break-for-the-readers"])
def test_yaml_comments(text: str, expected: list[tuple[int, int, str]]) -> None:
    """Comments (line, column, text) exactly where YAML has them."""
    assert [(c.line, c.column, c.text) for c in yaml_comments(text)[0]] == expected


SCALARS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text("abc#' \":-[{,&!|", min_size=1, max_size=5),
                       SCALARS | st.lists(SCALARS, max_size=3), max_size=5),
       st.sampled_from([None, '"', "'", "|", ">"]), st.sampled_from([None, True, False]))
@example({"k": "# schedulelib: ignore[SL409]"}, None, None)
@example({"k": "a\n# schedulelib: ignore\nb"}, "|", None)
@example({"a '": "# x"}, None, None)
@example({"k": ["a #", "'#"]}, None, True)
@example({":": ["0\x85"]}, "|", None)
def test_no_comment_inside_any_scalar_pyyaml_writes(mapping: dict[str, object],
                                                    style: str | None, flow: bool | None) -> None:
    """Whatever PyYAML writes (any quoting, block or flow style), the scanner finds no comment
    in it, and finds a comment appended after it."""
    text = yaml.safe_dump(mapping, default_style=style, default_flow_style=flow,
                          allow_unicode=True, width=20)
    comments, _ = yaml_comments(text)
    assert comments == []
    # PyYAML may end the text with NEL, its own line break, instead of "\n".
    full = text + ("" if text.endswith("\n") else "\n") + "# end\n"
    assert [c.line for c in yaml_comments(full)[0]] == [full.count("\n")]


# -- HCL -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ('a = "x # y" # c\n', [(1, 13, " c")]),
    ('a = "x" // c\n', [(1, 9, " c")]),
    ('a = "${ "#" }" # c\n', [(1, 16, " c")]),
    ('a = "${ {x = "#"} }" # c\n', [(1, 22, " c")]),
    ('a = "$${x # no}" # c\n', [(1, 18, " c")]),
    ("/* # no\n # no */ a = 1 # c\n", [(2, 16, " c")]),
    ("a = <<EOF\n# no\nEOF\n# c\n", [(4, 1, " c")]),
    ("a = <<-EOT\n  # no\n  EOT\nb = 1 # c\n", [(4, 7, " c")]),
    ('a = "unclosed # x\nb = 1 # c\n', [(2, 7, " c")]),
    ('a = "\\" # no" # c\n', [(1, 15, " c")]),
    ("a = <<EOF\r\n# no\r\nEOF\r\n# c\r\n", [(4, 1, " c")]),
], ids=["string", "slashes", "interpolation", "nested-braces", "escaped-template",
        "block-comment", "heredoc", "indented-heredoc", "unclosed-string", "escaped-quote",
        "crlf-heredoc"])
def test_hcl_comments(text: str, expected: list[tuple[int, int, str]]) -> None:
    """'#' and '//' comments outside strings, heredocs and /* */."""
    assert [(c.line, c.column, c.text) for c in hcl_comments(text)[0]] == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(SCALARS, max_size=5))
@example(["# schedulelib: ignore[SL409]", "// x", "${"])
def test_no_comment_inside_any_hcl_string(values: list[str]) -> None:
    """JSON-escaped strings (valid HCL strings once '${' and '%{' are escaped) hold no comment."""
    body = "".join(
        f"  k{i} = {json.dumps(v).replace('${', '$${').replace('%{', '%%{')}\n"
        for i, v in enumerate(values))
    text = f'resource "x" "y" {{\n{body}}}\n'
    assert hcl_comments(text)[0] == []
    assert [c.line for c in hcl_comments(text + "# end\n")[0]] == [len(values) + 3]


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_scanners_take_any_text(text: str) -> None:
    """Any text: no exception, lines within the text."""
    for scanner in (yaml_comments, hcl_comments):
        comments, content = scanner(text)
        lines = len(text.splitlines()) + 1 + text.count("\r")
        assert all(1 <= c.line <= lines for c in comments)
        assert content == sorted(content)


def test_scanners_take_large_files() -> None:
    """100,000 lines of quotes, braces and comments: every comment found (one pass each)."""
    text = ('a: "x # y" # c\nb: \'z\' # d\n' * 50_000)
    assert len(yaml_comments(text)[0]) == 100_000
    hcl = ('a = "${ "#" }" # c\n' * 100_000)
    assert len(hcl_comments(hcl)[0]) == 100_000


# -- directives ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind", "targets", "problems"), [
    ("a: 1  # schedulelib: ignore[SL409]\n", "yaml", [(1, ("SL409",))], []),
    ("# schedulelib: ignore[sl409, SL504]\n\n# why\na: 1\n", "yaml",
     [(4, ("SL409", "SL504"))], []),
    ("a: 1  # note first, then schedulelib: ignore[SL409]\n", "yaml", [(1, ("SL409",))], []),
    ("a: 1  # schedulelib: ignore\n", "yaml", [], ["bare"]),
    ("a: 1  # schedulelib:ignore[]\n", "yaml", [], ["names no code"]),
    ("a: 1  # schedulelib: ignore[SL409, SL000]\n", "yaml", [], ["'SL000'"]),
    ('a: "# schedulelib: ignore"\n', "yaml", [], []),
    ("# schedulelib: ignore[SL203]\nconfig = {}\n", "terraform", [(2, ("SL203",))], []),
    ('x = "# schedulelib: ignore"\n', "terraform", [], []),
    ('{"a": "# schedulelib: ignore"}', "json", [], []),
], ids=["same-line", "line-above-skips-blank-and-comment", "later-in-comment", "bare", "empty",
        "unknown", "in-a-string", "terraform", "terraform-string", "json-has-none"])
def test_directives(text: str, kind: str, targets: list[tuple[int, tuple[str, ...]]],
                    problems: list[str]) -> None:
    """Which line each ignore applies to, its codes, and the refused ones."""
    found, bad = directives(text, kind)
    assert [(d.target, d.codes) for d in found] == targets
    assert len(bad) == len(problems)
    for problem, words in zip(bad, problems, strict=True):
        assert words in problem.message
