"""Terraform as it will be deployed (issue 17 §1): configs that are null, absent or not an
object; module arguments; dynamic blocks; expressions evaluated where every input is known;
exact reasons for what is not; an honest summary; positions inside JSON strings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

import schedulelib
from schedulelib.cli.main import main
from schedulelib.lint.sources import Finding, Scan, scan, tfeval
from tests.test_terraform import at, module, sub

MODEL = ('resource "segment_reverse_etl_model" "m" {{\n  schedule_strategy = "{strategy}"\n'
         "{rest}}}\n")


def codes(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in found]


def checked(result: Scan) -> int:
    return sum(1 for s in result.schedules if s.static and not s.unknown)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    return result.exit_code, result.output


# -- config null, absent or not an object ---------------------------------------------------------

#: (the schedule's strategy and config as Terraform writes them, the JSON config the provider
#: sends: None for no "config" key at all).
SHAPES = [
    ("CRON", "null", None),
    ("HOURLY", "null", None),
    ("PERIODIC", None, "absent"),
    ("CRON", 'jsonencode("*/5 * * * *")', "*/5 * * * *"),
    ("MANUAL", "null", None),
    ("PERIODIC", '"[1, 2]"', [1, 2]),
    ("CRON", "jsonencode(5)", 5),
]


@pytest.mark.parametrize(("strategy", "config", "sent"), SHAPES,
                         ids=["cron-null", "unknown-strategy-null", "periodic-absent",
                              "cron-jsonencode-string", "manual-null", "json-list", "number"])
def test_config_shapes_are_judged_as_in_json(strategy: str, config: str | None,
                                             sent: object) -> None:
    """A config that is null, absent or not an object gets the codes check() gives the same
    schedule in JSON (SL105, SL102, SL104...), and counts as checked; MANUAL with null is
    clean, as Segment's own exports write it."""
    text = sub(config, strategy) if config is not None else sub("x", strategy).replace(
        "    config   = x\n", "")
    doc: dict[str, object] = {"strategy": strategy}
    if sent != "absent":
        doc["config"] = sent
    result = scan(text, name="main.tf")
    assert checked(result) == 1
    want = [d.code for d in schedulelib.check(doc)]
    assert [f.code for f in result.check()] == want
    assert want or strategy == "MANUAL"


@pytest.mark.parametrize(("strategy", "config"), [
    ("CRON", None), ("PERIODIC", None), ("CRON", "null"),
], ids=["cron-absent", "periodic-absent", "cron-null"])
def test_model_config_shapes(strategy: str, config: str | None) -> None:
    """segment_reverse_etl_model with schedule_strategy and no (or a null) schedule_config."""
    rest = "" if config is None else f"  schedule_config = {config}\n"
    result = scan(MODEL.format(strategy=strategy, rest=rest), name="main.tf")
    doc: dict[str, object] = {"strategy": strategy}
    if config is not None:
        doc["config"] = None
    assert [f.code for f in result.check()] == [d.code for d in schedulelib.check(doc)] != []


@pytest.mark.parametrize(("strategy", "config"), [
    ("CRON", None), ("HOURLY", None), ("MANUAL", None), ("CRON", "*/5 * * * *")],
    ids=["cron-null", "unknown-null", "manual-null", "cron-string"])
def test_tf_json_config_shapes(strategy: str, config: str | None) -> None:
    """The same in Terraform's JSON syntax."""
    text = json.dumps({"resource": {"segment_destination_subscription": {"s": {
        "reverse_etl_schedule": {"strategy": strategy,
                                 "config": None if config is None else json.dumps(config)}}}}})
    result = scan(text, name="main.tf.json")
    doc = {"strategy": strategy, "config": config}
    assert checked(result) == 1
    assert [f.code for f in result.check()] == [d.code for d in schedulelib.check(doc)]


def test_the_five_examples_of_the_issue_are_not_a_clean_pass(tmp_path: Path) -> None:
    """The file of the issue: five schedules once reported as 'no problems'."""
    text = (sub("null", "CRON", "a") + sub("null", "HOURLY", "b")
            + sub("x", "PERIODIC", "c").replace("    config   = x\n", "")
            + sub('jsonencode("*/5 * * * *")', "CRON", "d")
            + MODEL.format(strategy="CRON", rest=""))
    (tmp_path / "main.tf").write_text(text, "utf-8")
    code, out = run("--format", "json", str(tmp_path / "main.tf"))
    report = json.loads(out)
    assert code == 1
    assert [f["code"] for f in report["findings"]] == ["SL105", "SL102", "SL105", "SL104",
                                                       "SL105"]
    assert report["summary"]["schedules"] == 5 and report["summary"]["unchecked"] == 0


# -- dynamic blocks -------------------------------------------------------------------------------

DYNAMIC = ('resource "segment_destination_subscription" "d" {\n'
           '  dynamic "reverse_etl_schedule" {\n    for_each = [1]\n    content {\n'
           '      strategy = "MANUAL"\n    }\n  }\n}\n')


def test_a_dynamic_schedule_block_is_sl910() -> None:
    """dynamic "reverse_etl_schedule" makes a block, which the provider refuses, like the
    plain block form."""
    [finding] = scan(DYNAMIC, name="main.tf").check()
    assert (finding.code, finding.line, finding.column) == ("SL910", *at(DYNAMIC, "dynamic"))
    assert finding.pointer == "/resource/segment_destination_subscription/d/reverse_etl_schedule"


def test_a_dynamic_schedule_block_in_tf_json_is_sl910() -> None:
    text = json.dumps({"resource": {"segment_destination_subscription": {"d": {"dynamic": {
        "reverse_etl_schedule": {"for_each": [1], "content": {"strategy": "MANUAL"}}}}}}})
    assert [f.code for f in scan(text, name="main.tf.json").check()] == ["SL910"]


# -- expressions evaluated ------------------------------------------------------------------------

DEFINITIONS = """\
variable "env" {
  default = "prod"
}
variable "later" {}
locals {
  m     = { prod = "5m", dev = "1d" }
  base  = { spec = "*/5 * * * *", timezone = "Europe/Berln" }
  names = ["2h", "5m"]
  pairs = [{ iv = "3h" }, { iv = "5m" }]
}
"""

#: (an interval as written, the value Terraform gives it, from Terraform's documentation of
#: each function and operator).
EXPRESSIONS = [
    ('lookup(local.m, "prod", "1h")', "5m"),
    ('lookup(local.m, "qa", "7m")', "7m"),
    ('var.env == "prod" ? "5m" : "1d"', "5m"),
    ('var.env != "prod" ? "5m" : "1d"', "1d"),
    ('format("%dm", 5)', "5m"),
    ('format("%03dm", 5)', "005m"),
    ('format("%s%s", "5", "m")', "5m"),
    ('lower("5M")', "5m"),
    ('upper("5m")', "5M"),
    ("tostring(5)", "5"),
    ('"${tonumber("5")}m"', "5m"),
    ("concat(local.names, [\"9m\"])[2]", "9m"),
    ('coalesce("", null, "5m")', "5m"),
    ('try(local.m["qa"], "6m")', "6m"),
    ('try(local.m["prod"], "6m")', "5m"),
    ('jsondecode("\\"5m\\"")', "5m"),
    ("jsondecode(jsonencode(local.m)).prod", "5m"),
    ('[for s in local.names : upper(s)][1]', "5M"),
    ('{ for k, v in local.m : v => k }["5m"]', "prod"),
    ("(local.pairs[*].iv)[1]", "5m"),
    ("local.pairs.*.iv[0]", "3h"),
    ("local.m[var.env]", "5m"),
    ('merge(local.m, { prod = "8m" }).prod', "8m"),
    ('"${2 * 3 + 1}m"', "7m"),
    ('"${-5 % 3}m"', "-2m"),
    ('"${7 / 2}h"', "3.5h"),
    ('!(1 < 2) ? "1h" : "5m"', "5m"),
    ('length(local.names) == 2 && true ? "5m" : "1h"', "5m"),
    ('join("", ["5", "m"])', "5m"),
    ('replace("5x", "x", "m")', "5m"),
    ('element(local.names, 3)', "5m"),
]


@pytest.mark.parametrize(("expression", "value"), EXPRESSIONS,
                         ids=[e for e, _v in EXPRESSIONS])
def test_expressions_known_without_terraform_are_checked(expression: str, value: str) -> None:
    """The schedule is checked with the value Terraform gives the expression: the same
    findings as the literal, and counted as checked (no SL903)."""
    evaluated = scan(DEFINITIONS + sub(f"jsonencode({{ interval = {expression} }})"),
                     name="main.tf")
    literal = scan(DEFINITIONS + sub(f"jsonencode({{ interval = {json.dumps(value)} }})"),
                   name="main.tf")
    assert checked(evaluated) == 1
    assert [(f.code, f.pointer) for f in evaluated.check()] == \
        [(f.code, f.pointer) for f in literal.check()]
    assert evaluated.schedules[0].doc == literal.schedules[0].doc


def test_merge_of_two_literals_hides_nothing() -> None:
    """merge(local.base, {...}): both the cron spec and the zone are checked, each finding at
    the literal where it is written."""
    text = DEFINITIONS + sub('jsonencode(merge(local.base, { extra = "x" }))', "CRON")
    found = scan(text, name="main.tf").check()
    assert [(f.code, f.line, f.column) for f in found] == [
        ("SL103", *at(text, '"x"')), ("SL407", *at(text, '"*/5')),
        ("SL503", *at(text, '"Europe/Berln"'))]


def test_a_conditional_points_at_the_branch_taken() -> None:
    text = DEFINITIONS + sub('jsonencode({ interval = var.env == "prod" ? "5m" : "1d" })')
    [finding] = scan(text, name="main.tf").check()
    assert (finding.code, finding.line, finding.column) == ("SL203", *at(text, '"5m" :'))


def test_for_each_over_a_for_expression_is_expanded() -> None:
    """for_each over a for expression built from a literal list: one schedule per instance."""
    text = DEFINITIONS + sub("jsonencode({ interval = each.value })").replace(
        "{\n  reverse", "{\n  for_each = { for s in local.names : s => s }\n  reverse", 1)
    result = scan(text, name="main.tf")
    assert [s.name for s in result.schedules] == [
        'segment_destination_subscription.s["2h"]', 'segment_destination_subscription.s["5m"]']
    assert [f.code for f in result.check()] == ["SL203"]


#: (the for_each, words of the exact reason each.value cannot be known).
UNKNOWN_FOR_EACH = [
    ("toset(data.x.names)", "depends on the for_each, and data.x.names is only known when "
     "Terraform runs"),
    ("{ for i in range(3) : i => i }", "range() is a function schedulelib does not evaluate"),
    ("{ for s in split(\",\", \"" + ",".join(str(i) for i in range(1001)) + "\") : s => s }",
     "one of 1,001 instances of the for_each, more than the 1,000 checked one by one"),
    ("local.m[\"qa\"]", "Terraform would refuse the for_each"),
    ('"text"', "Terraform refuses a for_each over a string"),
]


@pytest.mark.parametrize(("over", "words"), UNKNOWN_FOR_EACH,
                         ids=["apply-time", "function", "over-1000", "refused", "string"])
def test_each_value_reasons_are_exact(over: str, words: str) -> None:
    text = DEFINITIONS + sub("jsonencode({ interval = each.value })").replace(
        "{\n  reverse", f"{{\n  for_each = {over}\n  reverse", 1)
    result = scan(text, name="main.tf")
    [finding] = result.check()
    assert finding.code == "SL903" and words in finding.message
    assert checked(result) == 0


@pytest.mark.parametrize(("expression", "words"), [
    # In a full splat, [1] indexes each element (a string here): Terraform refuses it.
    ("local.pairs[*].iv[1]", "Terraform would refuse"),
    ("var.later", "var.later has no default"),
    ("data.x.y", "data.x.y is only known when Terraform runs"),
    ('local.m["qa"]', "Terraform would refuse"),
    ('lookup(local.m, "qa")', "lookup: the map has no key 'qa'"),
    ('format("%999999999d", 5)', "format width or precision past 1000"),
    ("(" * 100 + '"5m"' + ")" * 100, "nested more than 64 levels deep"),
    ("timestamp()", "timestamp() is a function schedulelib does not evaluate"),
    ('"${true}"', "interval must be a string"),
], ids=["splat-index", "no-default", "apply-time", "refused-index", "refused-lookup",
        "huge-width", "deep", "unknown-function", "bool-in-template"])
def test_what_is_not_evaluated_says_why(expression: str, words: str) -> None:
    """SL903 names the exact reason (or, for a value that is known, the ordinary finding)."""
    result = scan(DEFINITIONS + sub(f"jsonencode({{ interval = {expression} }})"),
                  name="main.tf")
    messages = [f.message for f in result.check()]
    assert any(words in m for m in messages), messages


# -- hostile expressions: bounded, never an internal error ---------------------------------------

def _chain(name: str, step: str, count: int) -> str:
    return "".join(f"  {name}{i + 1} = {step.format(p=f'local.{name}{i}')}\n"
                   for i in range(count))


HOSTILE = {
    "format-widths": 'format("%1000d%1000d%1000d", 5, 5, 5)',
    "string-100k": json.dumps("x" * 100_000),
    "nested-conditionals": "true ? " * 3000 + '"5m"' + ' : "1h"' * 3000,
    "nested-calls": "lower(" * 3000 + '"5m"' + ")" * 3000,
    "jsondecode-deep": "jsondecode(" + json.dumps("[" * 10_000 + "]" * 10_000) + ")",
    "huge-numbers": '"${99999999999999999999999999 * 99999999999999999999999999 * 9e300}"',
    "division-by-zero": '"${5 / 0}"',
    "odd-unicode": 'upper("\u0130\ufb03\U0001F600\u202e")',
}
BOMBS = {
    "for-bomb": ("l", '["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]',
                 "[for a in {p} : [for b in {p} : b]]", "local.l12[0]"),
    "format-bomb": ("s", '"xxxxxxxxxx"', 'format("%s%s%s%s%s%s%s%s%s%s", ' +
                    ", ".join(["{p}"] * 10) + ")", "local.s12"),
    "replace-bomb": ("s", json.dumps("a" * 1000), 'replace({p}, "a", "aaaaaaaaaa")',
                     "local.s6"),
    "merge-bomb": ("m", '{ a = "5m" }', "merge({p}, {{ k = {p} }})", "local.m40.a"),
}


@pytest.mark.parametrize("expression", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_expressions_end_quickly_without_internal_errors(expression: str) -> None:
    result = scan(sub(f"jsonencode({{ interval = {expression} }})"), name="main.tf")
    found = result.check()
    assert found and all(f.code in ("SL903", "SL201", "SL202", "SL203") for f in found)


@pytest.mark.parametrize("bomb", list(BOMBS.values()), ids=list(BOMBS))
def test_expression_bombs_are_given_up(bomb: tuple[str, str, str, str]) -> None:
    """Locals that grow exponentially are given up within the budget (SL903), or, when the
    value stays small (merge-bomb reads one key), checked."""
    name, first, step, use = bomb
    count = int(use.split(".")[1][1:].split("[")[0])
    text = (f"locals {{\n  {name}0 = {first}\n" + _chain(name, step, count) + "}\n"
            + sub(f"jsonencode({{ interval = {use} }})"))
    found = scan(text, name="main.tf").check()
    assert [f.code for f in found] in (["SL903"], ["SL203"])


# -- tfeval against Python's own arithmetic and formatting -----------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.integers(-10**30, 10**30), st.integers(0, 40), st.sampled_from(["", "0", "-", "+"]))
@example(0, 0, "")
@example(-5, 3, "0")
def test_format_d_matches_go_verbs(n: int, width: int, flag: str) -> None:
    """%d with flags and width, as Go's fmt (which Terraform's format uses) writes it."""
    got = tfeval.format_(f"%{flag}{width or ''}d", [n])
    text = ("+" if flag == "+" and n >= 0 else "") + str(n)
    if width and len(text) < width:
        if flag == "-":
            text = text + " " * (width - len(text))
        elif flag == "0":
            sign = text[0] if text[0] in "+-" else ""
            text = sign + "0" * (width - len(text)) + text[len(sign):]
        else:
            text = " " * (width - len(text)) + text
    assert got == text


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**12, 10**12), st.integers(-10**6, 10**6).filter(lambda b: b != 0))
def test_remainder_keeps_the_sign_of_the_dividend(a: int, b: int) -> None:
    """Terraform's % is Go's remainder (truncated division), not Python's modulo."""
    import math

    assert tfeval.binary("%", a, b) == int(math.fmod(a, b)) if abs(a) < 2**52 else True
    assert tfeval.binary("%", a, b) == a - b * int(a / b) if abs(a) < 2**52 else True


@pytest.mark.parametrize(("a", "b", "equal"), [
    (5, "5", False), (True, 1, False), (1, 1.0, True), ([1], [1], True), ({"a": 1}, {"a": 1}, True),
    (None, None, True), (False, 0, False)])
def test_equality_is_typed(a: object, b: object, equal: bool) -> None:
    """Terraform's == never equates values of different types (Python's True == 1 does)."""
    assert tfeval.binary("==", a, b) is equal


# -- module arguments -----------------------------------------------------------------------------

CHILD = ('variable "interval" {\n  default = "DEFAULT"\n}\n'
         + sub("jsonencode({ interval = var.interval })"))


def tree(tmp_path: Path, default: str, calls: str) -> Path:
    return module(tmp_path, {"modules/sync/main.tf": CHILD.replace("DEFAULT", default),
                             "main.tf": calls})


def test_a_module_argument_is_checked_not_the_default(tmp_path: Path) -> None:
    """interval = "5m" passed to a module whose default is 1h: SL203, naming the call, at the
    argument where it is written."""
    calls = 'module "fast" {\n  source   = "./modules/sync"\n  interval = "5m"\n}\n'
    base = tree(tmp_path, "1h", calls)
    code, out = run(str(base))
    assert code == 1
    assert f'{base / "main.tf"}:{":".join(map(str, at(calls, chr(34) + "5m")))}: error SL203' \
        in out
    assert "for module.fast.segment_destination_subscription.s" in out
    assert "checked 1 schedule" in out


def test_the_reverse_gives_no_false_error(tmp_path: Path) -> None:
    calls = 'module "ok" {\n  source   = "./modules/sync"\n  interval = "1h"\n}\n'
    code, out = run(str(tree(tmp_path, "5m", calls)))
    assert code == 0 and out.endswith("checked 1 schedule in 1 file (1 skipped): no problems\n")


def test_each_call_is_one_schedule_and_an_unset_variable_takes_the_default(
        tmp_path: Path) -> None:
    calls = ('locals {\n  fast = "5m"\n}\n'
             'module "a" {\n  source   = "./modules/sync"\n  interval = local.fast\n}\n'
             'module "b" {\n  source = "./modules/sync"\n}\n')
    code, out = run("--format", "json", str(tree(tmp_path, "2m", calls)))
    report = json.loads(out)
    messages = [f["message"] for f in report["findings"]]
    assert code == 1 and len(messages) == 2
    assert "module.a." in messages[0] and "module.b." in messages[1]
    assert report["summary"]["schedules"] == 2


def test_an_argument_that_cannot_be_resolved_is_sl903_naming_the_call(tmp_path: Path) -> None:
    calls = 'module "later" {\n  source   = "./modules/sync"\n  interval = data.x.y\n}\n'
    code, out = run("--format", "json", str(tree(tmp_path, "1h", calls)))
    report = json.loads(out)
    [finding] = report["findings"]
    assert code == 0 and finding["code"] == "SL903"
    assert "var.interval is set by module.later (main.tf line 1) to data.x.y" in \
        finding["message"]
    assert (report["summary"]["schedules"], report["summary"]["unchecked"]) == (0, 1)


def test_a_call_outside_the_scanned_tree_is_not_known(tmp_path: Path) -> None:
    """Scanning the module's directory alone: its callers are not in the tree (D57)."""
    calls = 'module "fast" {\n  source   = "./modules/sync"\n  interval = "5m"\n}\n'
    base = tree(tmp_path, "1h", calls)
    code, out = run(str(base / "modules" / "sync"))
    assert code == 0 and "checked 1 schedule" in out


def test_module_calls_in_tf_json(tmp_path: Path) -> None:
    calls = json.dumps({"module": {"j": {"source": "./modules/sync", "interval": "5m"}}})
    base = module(tmp_path, {"modules/sync/main.tf": CHILD.replace("DEFAULT", "1h"),
                             "main.tf.json": calls})
    code, out = run(str(base))
    assert code == 1 and "for module.j.segment_destination_subscription.s" in out


# -- the summary ----------------------------------------------------------------------------------

def test_the_summary_counts_only_checked_schedules(tmp_path: Path) -> None:
    text = (sub('jsonencode({ interval = "1h" })', label="a")
            + sub("jsonencode({ interval = data.x.y })", label="b")
            + sub("data.x.cfg", label="c"))
    base = module(tmp_path, {"main.tf": text, "notes.json": '{"a": 1}'})
    code, out = run(str(base))
    assert code == 0
    assert out.endswith("checked 1 schedule in 1 file (1 skipped); 2 schedules could not be "
                        "checked: 0 errors, 2 warnings\n")
    summary = json.loads(run("--format", "json", str(base))[1])["summary"]
    assert (summary["schedules"], summary["unchecked"]) == (1, 2)
    assert summary["skipped_files"] == [str(base / "notes.json")]


def test_the_json_summary_matches_its_schema(tmp_path: Path) -> None:
    import jsonschema

    base = module(tmp_path, {"main.tf": sub("data.x.cfg"), "other.yaml": "a: 1\n"})
    schema = json.loads((Path(__file__).parent.parent / "docs" / "findings.schema.json")
                        .read_text("utf-8"))
    report = json.loads(run("--format", "json", str(base))[1])
    jsonschema.validate(report, schema)
    assert report["summary"]["unchecked"] == 1


# -- positions inside strings ---------------------------------------------------------------------

@pytest.mark.parametrize("config", [
    '<<-EOT\n      {\n        "spec": "*/5 * * * *",\n        "timezone": "Europe/Berln"\n'
    "      }\n    EOT",
    '<<EOT\n{"spec": "*/5 * * * *", "timezone": "Europe/Berln"}\nEOT',
    '"{\\"spec\\": \\"*/5 * * * *\\", \\"timezone\\": \\"Europe/Berln\\"}"',
    '"{\\"spec\\":\\t\\"*/5 * * * *\\", \\"timezone\\": \\"Europe/Berln\\"}"',
], ids=["indented-heredoc", "heredoc", "json-string", "json-string-with-escapes"])
def test_findings_inside_a_string_point_at_the_value(config: str) -> None:
    """A finding inside a heredoc or a JSON string points at the value inside the string."""
    text = sub(config, "CRON")
    found = scan(text, name="main.tf").check()
    spec = '\\"*/5' if config.startswith('"') else '"*/5'
    zone = '\\"Europe' if config.startswith('"') else '"Europe'
    assert [(f.code, f.line, f.column) for f in found] == [
        ("SL407", *at(text, spec)), ("SL503", *at(text, zone))]
    spans = [(f.line, f.column, f.end_line, f.end_column) for f in found]
    assert all(end > col for _l, col, _e, end in spans)


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
       st.booleans())
@example("\u00e9\u202e\"\\", True)
def test_positions_inside_strings_cover_the_value_exactly(zone: str, heredoc: bool) -> None:
    """Whatever the zone's characters (escapes, quotes, non-ASCII), the span of the SL503
    finding covers exactly the zone's JSON text as written in the file."""
    body = json.dumps({"spec": "0 * * * *", "timezone": zone + "/X"}, ensure_ascii=False)
    if heredoc and "${" not in body and "%{" not in body and "EOT" not in body:
        config = f"<<EOT\n{body}\nEOT"
        written = json.dumps(zone + "/X", ensure_ascii=False)
    else:
        config = json.dumps(body, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")
        written = json.dumps(json.dumps(zone + "/X", ensure_ascii=False),
                             ensure_ascii=False)[1:-1].replace("${", "$${").replace("%{", "%%{")
    text = sub(config, "CRON")
    result = scan(text, name="main.tf")
    span = result.schedules[0].span("/config/timezone")
    assert text[span.start:span.end] == written


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
       st.booleans())
@example("\u00e9\"\\/\b", False)
def test_positions_inside_a_plans_config_string(zone: str, ascii_only: bool) -> None:
    """In a plan, the config is a JSON string: the span of a finding inside it covers the
    value as written inside the string, whatever escapes json.dumps chose."""
    config = json.dumps({"spec": "0 * * * *", "timezone": zone + "/X"},
                        ensure_ascii=ascii_only)
    plan = {"format_version": "1.2", "resource_changes": [{
        "address": "segment_destination_subscription.s", "mode": "managed",
        "type": "segment_destination_subscription", "name": "s",
        "change": {"actions": ["create"], "after_unknown": {}, "after": {
            "reverse_etl_schedule": {"strategy": "CRON", "config": config}}}}]}
    text = json.dumps(plan, ensure_ascii=ascii_only)
    result = scan(text, name="plan.json")
    span = result.schedules[0].span("/config/timezone")
    inner = json.dumps(zone + "/X", ensure_ascii=ascii_only)
    written = json.dumps(inner, ensure_ascii=ascii_only)[1:-1]
    assert text[span.start:span.end] == written


def test_modules_calling_each_other_end_with_sl903(tmp_path: Path) -> None:
    """A module calling itself, or two calling each other, never loops: the caller's own
    variables are not followed through a second level of modules (D57)."""
    own = ('variable "interval" {\n  default = "1h"\n}\n'
           'module "again" {\n  source   = "SOURCE"\n  interval = var.interval\n}\n'
           + sub("jsonencode({ interval = var.interval })"))
    base = module(tmp_path, {"self/main.tf": own.replace("SOURCE", "./"),
                             "a/main.tf": own.replace("SOURCE", "../b"),
                             "b/main.tf": own.replace("SOURCE", "../a")})
    code, out = run("--format", "json", str(base))
    report = json.loads(out)
    assert code == 0 and report["summary"]["schedules"] == 0
    assert report["summary"]["unchecked"] == 3
    assert all("two levels of modules" in f["message"] for f in report["findings"])


def test_a_module_called_past_the_limit_is_not_expanded(tmp_path: Path) -> None:
    """1,001 module blocks calling one module: its variables are SL903 with the count."""
    calls = "".join(f'module "c{i}" {{\n  source   = "./modules/sync"\n  interval = "{i}m"\n}}\n'
                    for i in range(1001))
    code, out = run("--format", "json", str(tree(tmp_path, "1h", calls)))
    [finding] = json.loads(out)["findings"]
    assert code == 0 and finding["code"] == "SL903"
    assert "each of the 1,001 module blocks calling this module" in finding["message"]


# -- any expression: a verdict, never an exception ------------------------------------------------

_LEAVES = st.sampled_from([
    '"5m"', '"1h"', '""', '"%d"', '"%s%%"', '"a,b"', "0", "-1", "2.5", "1e400", "true", "null",
    "[]", "{}", '["5m", "1h"]', '{ a = "5m" }', "local.m", "local.names", "local.pairs",
    "var.env", "var.later", "data.x.y", "each.value", "count.index", "s", "local.nope",
    '"${var.env}"', "<<EOT\n5m\nEOT\n",
])
_FUNCTIONS = [*sorted(tfeval.FUNCTIONS), "try", "can", "timestamp"]


def _expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(st.sampled_from(_FUNCTIONS), st.lists(inner, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"),
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", "&&",
                                              "||"]), inner).map(lambda t: f"({t[0]} {t[1]} "
                                                                           f"{t[2]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            inner.map(lambda e: f"{e}[*].iv"),
            inner.map(lambda e: f"[for s in {e} : s]"),
            st.tuples(inner, inner).map(lambda t: f"{{ for k, v in {t[0]} : k => {t[1]} }}"),
            st.lists(inner, max_size=3).map(lambda xs: f"[{', '.join(xs)}]"),
            inner.map(lambda e: f'"${{{e}}}m"'),
            inner.map(lambda e: f"!{e}"),
            inner.map(lambda e: f"-{e}"),
        )
    return st.recursive(_LEAVES, extend, max_leaves=12)


@settings(max_examples=600, deadline=None)
@given(_expressions(), st.booleans())
@example('format("%d", "x")', False)
@example("element([], 1)", False)
@example('substr("abc", -10, 2)', False)
@example("toset([[1], [1]])", True)
@example('min()', False)
@example('split("", "")', False)
@example('-"${(1e400 % -1)}m"', False)  # inf % -1: Python's math.fmod raised ValueError
def test_any_expression_gives_a_verdict_never_an_exception(expression: str,
                                                           for_each: bool) -> None:
    """Whatever functions and operators an expression combines, reading and checking it
    gives findings (a checked value, or SL903 with a reason), never an exception."""
    text = DEFINITIONS + sub(f"jsonencode({{ interval = {expression} }})")
    if for_each:
        text = text.replace("{\n  reverse", f"{{\n  for_each = {expression}\n  reverse", 1)
    result = scan(text, name="main.tf")
    found = result.check()
    assert all(f.code != "SL922" for f in found)
    for schedule in result.schedules:
        if not schedule.static or schedule.unknown:
            assert any(f.code == "SL903" for f in found)


def test_the_public_api_says_whether_a_schedule_was_checked(tmp_path: Path) -> None:
    """ScannedSchedule.checked is False for a schedule with a value only Terraform knows,
    even when its other fields were checked (and `ok`)."""
    base = module(tmp_path, {"main.tf": sub('jsonencode({ interval = "1h" })', label="a")
                             + sub("jsonencode({ interval = data.x.y })", label="b")})
    [scanned] = list(schedulelib.scan_paths(base))
    assert [(s.checked, s.static, s.unknown, s.ok) for s in scanned.schedules] == [
        (True, True, (), True), (False, True, ("/config/interval",), True)]


def test_a_value_picked_from_elsewhere_says_how_it_was_reached() -> None:
    """lookup() picks a local's literal: the finding points at it and names the call."""
    text = DEFINITIONS + sub('jsonencode({ interval = lookup(local.m, var.env, "1h") })')
    [finding] = scan(text, name="main.tf").check()
    assert (finding.code, finding.line, finding.column) == ("SL203", *at(text, '"5m"'))
    assert finding.message.endswith('(through lookup(local.m, var.env, "1h"), for '
                                    "segment_destination_subscription.s)")
