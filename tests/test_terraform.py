"""Terraform as people write it: names followed across a module's files, partly known configs,
.tfvars files, the JSON syntax, plans, and the errors that say what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedulelib.cli.main import main
from schedulelib.lint.sources import Finding, read_file, scan
from schedulelib.lint.sources.tfmodule import session

SUB = 'resource "segment_destination_subscription" "s" {{\n  reverse_etl_schedule = {{\n' \
      '    strategy = "{strategy}"\n    config   = {config}\n  }}\n}}\n'


def sub(config: str, strategy: str = "PERIODIC", label: str = "s") -> str:
    """One subscription whose config is ``config`` as written."""
    return SUB.format(strategy=strategy, config=config).replace('"s"', f'"{label}"', 1)


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle`` (any line ending)."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    lines = text[:offset].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return len(lines), len(lines[-1]) + 1


def module(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8", newline="")
    return tmp_path


def findings(path: Path, var_files: tuple[Path, ...] = ()) -> list[Finding]:
    with session(var_files):
        return read_file(path).check()


def where(found: list[Finding], base: Path) -> list[tuple[str, str, int, int]]:
    return [(f.code, Path(f.file).relative_to(base).as_posix(), f.line, f.column)
            for f in found]


# -- names followed to their literals -----------------------------------------------------------

VARIABLES = """\
variable "interval" {
  type    = string
  default = "1d"
}

variable "given" {
  type = string
}
"""

LOCALS = """\
locals {
  tz   = "Europe/Berln"
  cron = { spec = "*/5 * * * *", timezone = local.tz }
  subs = {
    fast = { interval = "5m" }
    slow = { interval = "2h" }
  }
  periods = ["1d", "2h"]
  one     = local.two
  two     = local.one
}
"""


@pytest.mark.parametrize(("config", "code", "file", "needle", "via"), [
    ('jsonencode({ interval = var.interval })', "SL202", "variables.tf", '"1d"',
     "through var.interval, for segment_destination_subscription.s"),
    ("jsonencode(local.cron)", "SL407", "locals.tf", '"*/5 * * * *"',
     "through local.cron, for segment_destination_subscription.s"),
    ("jsonencode(local.cron)", "SL503", "locals.tf", '"Europe/Berln"',
     "through local.tz, for segment_destination_subscription.s"),
    ('jsonencode({ interval = local.periods[0] })', "SL202", "locals.tf", '"1d"',
     "through local.periods[0], for segment_destination_subscription.s"),
    ('jsonencode({ interval = "${local.subs.fast.interval}" })', "SL203", "locals.tf", '"5m"',
     "through local.subs.fast.interval, for segment_destination_subscription.s"),
], ids=["variable-default", "local-object", "local-in-local", "local-index", "interpolation"])
def test_names_lead_to_the_literal(tmp_path: Path, config: str, code: str, file: str,
                                   needle: str, via: str) -> None:
    """A finding about a value reached by name points at the literal and names the path."""
    base = module(tmp_path, {"main.tf": sub(config, "CRON" if "cron" in config else "PERIODIC"),
                             "variables.tf": VARIABLES, "locals.tf": LOCALS})
    [finding] = [f for f in findings(base / "main.tf") if f.code == code]
    text = (base / file).read_text()
    assert where([finding], base) == [(code, file, *at(text, needle))]
    assert finding.message.endswith(f"({via})")


def test_for_each_over_a_literal_map_checks_each_instance(tmp_path: Path) -> None:
    """each.value of a for_each over a literal map: one schedule per element."""
    main_tf = ('resource "segment_destination_subscription" "s" {\n  for_each = local.subs\n'
               '  name = each.key\n  reverse_etl_schedule = {\n    strategy = "PERIODIC"\n'
               '    config = jsonencode({ interval = each.value.interval })\n  }\n}\n')
    base = module(tmp_path, {"main.tf": main_tf, "locals.tf": LOCALS})
    result = read_file(base / "main.tf")
    assert [s.name for s in result.schedules] == [
        'fast (segment_destination_subscription.s["fast"])',
        'slow (segment_destination_subscription.s["slow"])']
    found = result.check()
    assert where(found, base) == [("SL203", "locals.tf", *at(LOCALS, '"5m"'))]
    assert 'for segment_destination_subscription.s["fast"]' in found[0].message


def test_for_each_over_a_set_gives_each_key(tmp_path: Path) -> None:
    """each.key of a for_each over toset([...]) is the element, where it is written."""
    text = ('resource "segment_destination_subscription" "s" {\n'
            '  for_each = toset(["1h", "5m"])\n  reverse_etl_schedule = {\n'
            '    strategy = "PERIODIC"\n    config = jsonencode({ interval = each.key })\n'
            '  }\n}\n')
    base = module(tmp_path, {"main.tf": text})
    assert where(findings(base / "main.tf"), base) == [("SL203", "main.tf", *at(text, '"5m"'))]


@pytest.mark.parametrize(("config", "words"), [
    ("jsonencode({ interval = var.given })", "var.given has no default"),
    ("jsonencode({ interval = var.nowhere })", "var.nowhere is not declared"),
    ("jsonencode({ interval = aws_instance.x.id })", "aws_instance.x.id is only known"),
    ("jsonencode({ interval = local.one })", "refers to itself"),
    ("jsonencode({ interval = each.value })", "only known for each instance"),
    ('jsonencode({ interval = "${count.index}h" })', "only known when Terraform runs"),
    ("jsonencode({ interval = jsonencode(var.given) })", "var.given has no default"),
], ids=["no-default", "undeclared", "resource-attribute", "cycle", "each-without-for-each",
        "count", "nested-jsonencode"])
def test_what_stays_unknown_is_sl903(tmp_path: Path, config: str, words: str) -> None:
    """A value only known at apply time is one SL903 at the expression, never a crash."""
    base = module(tmp_path, {"main.tf": sub(config), "variables.tf": VARIABLES,
                             "locals.tf": LOCALS})
    [finding] = findings(base / "main.tf")
    assert (finding.code, finding.severity) == ("SL903", "warning")
    assert words in finding.message and "this value is not checked" in finding.message


def test_a_long_chain_of_locals_is_not_called_a_cycle(tmp_path: Path) -> None:
    """Locals that name one another 100 deep are cut off as too long, not as a cycle."""
    chain = "".join(f"  l{i} = local.l{i + 1}\n" for i in range(100))
    base = module(tmp_path, {"main.tf": sub("jsonencode({ interval = local.l0 })"),
                             "chain.tf": f'locals {{\n{chain}  l100 = "1h"\n}}\n'})
    [finding] = findings(base / "main.tf")
    assert finding.code == "SL903" and "more than 64 references" in finding.message
    assert "refers to itself" not in finding.message


def test_partly_known_config_still_checks_the_rest(tmp_path: Path) -> None:
    """An unknown timezone: SL903 for it alone, and the spec is still checked."""
    text = sub('jsonencode({ spec = "*/5 * * * *", timezone = local.tz })', "CRON")
    base = module(tmp_path, {"main.tf": text})
    assert where(findings(base / "main.tf"), base) == [
        ("SL903", "main.tf", *at(text, "local.tz")),
        ("SL407", "main.tf", *at(text, '"*/5 * * * *"'))]


@pytest.mark.parametrize(("schedule", "words"), [
    ("{ strategy = var.given, config = null }", "this schedule is not checked"),
    ('{ strategy = "PERIODIC", config = local.missing }', "this schedule is not checked"),
    ("var.given", "this schedule is not checked"),
], ids=["strategy", "whole-config", "whole-schedule"])
def test_unknown_strategy_or_config_leaves_the_schedule_unchecked(
        tmp_path: Path, schedule: str, words: str) -> None:
    """Without the strategy or the whole config nothing can be checked: SL903 says so."""
    text = ('resource "segment_destination_subscription" "s" {\n'
            f"  reverse_etl_schedule = {schedule}\n}}\n")
    base = module(tmp_path, {"main.tf": text, "variables.tf": VARIABLES})
    [finding] = findings(base / "main.tf")
    assert finding.code == "SL903" and words in finding.message


def test_names_expanding_without_end_are_given_up(tmp_path: Path) -> None:
    """Locals that refer to each other many times over (a billion laughs) are SL903."""
    lines = ['  l0 = ["1h", "1h", "1h", "1h"]']
    lines += [f"  l{i} = [local.l{i - 1}, local.l{i - 1}, local.l{i - 1}, local.l{i - 1}]"
              for i in range(1, 30)]
    text = sub("jsonencode({ days = local.l29, hours = [1], timezone = \"UTC\" })",
               "SPECIFIC_DAYS") + "locals {\n" + "\n".join(lines) + "\n}\n"
    base = module(tmp_path, {"main.tf": text})
    found = findings(base / "main.tf")
    assert [f.code for f in found] == ["SL903"]
    assert "too many times over" in found[0].message


# -- .tfvars ------------------------------------------------------------------------------------


def test_var_files_give_values_with_positions_and_the_last_wins(tmp_path: Path) -> None:
    """--var-file values replace defaults; of two files, the later one's value is used."""
    base = module(tmp_path, {
        "main.tf": sub("jsonencode({ interval = var.interval, hours = [1] })"),
        "variables.tf": VARIABLES,
        "a.tfvars": 'interval = "3m"\n', "b.tfvars": '# prod\ninterval = "4m"\n'})
    found = findings(base / "main.tf", (base / "a.tfvars", base / "b.tfvars"))
    assert where([f for f in found if f.code == "SL203"], base) == [
        ("SL203", "b.tfvars", 2, 12)]


def test_terraform_tfvars_and_auto_tfvars_are_read_like_terraform_plan(tmp_path: Path) -> None:
    """terraform.tfvars, then *.auto.tfvars, then --var-file: the order Terraform documents."""
    base = module(tmp_path, {
        "main.tf": sub("jsonencode({ interval = var.interval })"), "variables.tf": VARIABLES,
        "terraform.tfvars": 'interval = "1m"\n', "x.auto.tfvars": 'interval = "2m"\n'})
    assert where(findings(base / "main.tf"), base) == [("SL203", "x.auto.tfvars", 1, 12)]
    (base / "cli.tfvars").write_text('interval = "30m"\n')
    assert findings(base / "main.tf", (base / "cli.tfvars",)) == []


def test_validate_var_file_option(tmp_path: Path) -> None:
    """The command takes --var-file, reports a bad one first and exits 2 for a missing one."""
    module(tmp_path, {"m/main.tf": sub("jsonencode({ interval = var.given })"),
                      "m/variables.tf": VARIABLES, "v.tfvars": 'given = "1d"\n',
                      "bad.tfvars": "given = \n"})
    base = tmp_path / "m"
    run = CliRunner().invoke(main, ["validate", "--format", "json", "--var-file",
                                    str(tmp_path / "v.tfvars"), str(base)])
    out = json.loads(run.stdout)["findings"]
    assert [(f["code"], Path(f["file"]).name, f["line"]) for f in out] == [
        ("SL202", "v.tfvars", 1)]
    run = CliRunner().invoke(main, ["validate", "--format", "json", "--var-file",
                                    str(tmp_path / "bad.tfvars"), str(base)])
    first = json.loads(run.stdout)["findings"][0]
    assert (first["code"], Path(first["file"]).name) == ("SL001", "bad.tfvars")
    run = CliRunner().invoke(main, ["validate", "--var-file", str(base / "no.tfvars"),
                                    str(base)])
    assert run.exit_code == 2 and "SL901" in run.stdout


@pytest.mark.parametrize(("text", "code"), [
    ('interval = "1h"\nspec = "a: b"\n', "SL905"),
    ("interval = \n", "SL001"),
    ("a: [1, 2\n", "SL001"),
], ids=["values", "hcl-error", "yaml-looking"])
def test_a_named_tfvars_file_is_terraform_never_yaml(tmp_path: Path, text: str,
                                                     code: str) -> None:
    """A .tfvars file named as a PATH is read as HCL (its errors say HCL, its hint --var-file)."""
    path = module(tmp_path, {"prod.tfvars": text}) / "prod.tfvars"
    [finding] = read_file(path).check()
    assert finding.code == code and "YAML" not in finding.message
    assert ("--var-file" in finding.hint) if code == "SL905" else "HCL" in finding.message


# -- errors that say what is wrong ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "code", "needle", "words"), [
    (sub('jsonencode({ spec = "*/5 * * * *" timezone = "UTC" })', "CRON"), "SL001",
     "timezone", "expected ',' or a new line before 'timezone'"),
    ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule {\n'
     '    strategy = "MANUAL"\n  }\n}\n', "SL910", "reverse_etl_schedule",
     "reverse_etl_schedule = { ... }"),
    ('resource "segment_destination_subscription" "s" {\n  name = "a" enabled = true\n'
     '  reverse_etl_schedule = { strategy = "MANUAL", config = null }\n}\n', "SL001",
     "enabled", "expected a new line before 'enabled': one attribute per line"),
    ('resource "segment_reverse_etl_model" "m" {\n  schedule_strategy = "PERIODIC" name = "x"'
     '\n}\n', "SL001", "name", "expected a new line before 'name'"),
], ids=["missing-comma", "schedule-block", "two-attributes", "two-attributes-wanted"])
def test_syntax_mistakes_are_named_where_they_are(text: str, code: str, needle: str,
                                                  words: str) -> None:
    """A missing separator or a schedule block is an error at the place, saying what to do."""
    [finding] = scan(text, name="main.tf").check()
    assert (finding.code, finding.line, finding.column) == (code, *at(text, needle))
    assert words in finding.message + " " + finding.hint


GOOD_AND_BAD = (sub('jsonencode({ spec = "*/5 * * * *", timezone = "UTC" })', "CRON")
                + sub('jsonencode({\n  interval = "1d"\n})', label="t"))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_line_endings_give_the_same_findings_at_the_same_places(newline: str) -> None:
    """LF, CRLF and CR-only files are read alike, with the same lines and columns."""
    text = GOOD_AND_BAD.replace("\n", newline)
    found = scan(text, name="main.tf").check()
    assert [(f.code, f.line, f.column, f.end_line, f.end_column) for f in found] == [
        ("SL407", *at(text, '"*/5'), at(text, '"*/5')[0], at(text, '"*/5')[1] + 13),
        ("SL202", *at(text, '"1d"'), at(text, '"1d"')[0], at(text, '"1d"')[1] + 4)]


# -- the JSON syntax -----------------------------------------------------------------------------

TF_JSON = """\
{
  "//": "written by cdktf",
  "variable": {"iv": {"default": "5m"}},
  "locals": [{"tz": "Mars/Base"}],
  "resource": {
    "segment_destination_subscription": {
      "a": {"name": "A", "reverse_etl_schedule": {"strategy": "PERIODIC",
            "config": "${jsonencode({interval = var.iv})}"}},
      "b": {"reverse_etl_schedule": {"strategy": "CRON",
            "config": "{\\"spec\\": \\"*/5 * * * *\\", \\"timezone\\": \\"UTC\\"}"}},
      "c": {"reverse_etl_schedule": {"strategy": "CRON",
            "config": "${jsonencode({spec = \\"0 * * * *\\", timezone = local.tz})}"}},
      "d": {"reverse_etl_schedule": null}
    },
    "segment_reverse_etl_model": {
      "m": {"schedule_strategy": "PERIODIC", "schedule_config": "{\\"interval\\": \\"1d\\"}"}
    }
  }
}
"""


def test_tf_json_resources_with_positions(tmp_path: Path) -> None:
    """.tf.json resources are checked like .tf ones, names followed, positions in the JSON."""
    base = module(tmp_path, {"main.tf.json": TF_JSON})
    found = findings(base / "main.tf.json")
    assert where(found, base) == [
        ("SL203", "main.tf.json", *at(TF_JSON, '"5m"')),
        # Inside a JSON string: at the value in the string (issue 17), not the string's start.
        ("SL407", "main.tf.json", *at(TF_JSON, '\\"*/5')),
        ("SL503", "main.tf.json", *at(TF_JSON, '"Mars/Base"')),
        ("SL202", "main.tf.json", *at(TF_JSON, '\\"1d'))]
    assert found[0].message.endswith("(through var.iv, for segment_destination_subscription.a)")
    assert found[3].pointer == "/resource/segment_reverse_etl_model/m/schedule_config/interval"


def test_tf_and_tf_json_files_share_one_module(tmp_path: Path) -> None:
    """A .tf file's var.x finds the default declared in a .tf.json file beside it."""
    variables = '{"variable": {"iv": {"default": "7m"}}}'
    base = module(tmp_path, {"main.tf": sub("jsonencode({ interval = var.iv })"),
                             "vars.tf.json": variables})
    assert where(findings(base / "main.tf"), base) == [
        ("SL203", "vars.tf.json", *at(variables, '"7m"'))]


# -- plans ---------------------------------------------------------------------------------------
# Built by hand from Terraform's documented "JSON Output Format"
# (developer.hashicorp.com/terraform/internals/json-format): `planned_values` is a values
# representation (root_module.resources[] with address/mode/type/name/values, child_modules[]),
# `resource_changes[]` carries change.actions/after/after_unknown, where after_unknown mirrors
# `after` with true at each value known only after apply.  The resources' attributes are the
# real shapes of Segment's exports (shared corpus segment_configs.md): reverse_etl_schedule
# holds `config` as the JSON string jsonencode() made, and models the deprecated
# schedule_strategy / schedule_config.


def _subscription(name: str, config: str, strategy: str = "PERIODIC") -> dict[str, object]:
    return {"action_id": "vm2tNA5U1zxUusQkdC4D7Z", "destination_id": "668e7746e82b27d599f3f29a",
            "enabled": True, "model_id": "gGyUdsADu8W9qPu5m1xFm4", "name": name,
            "reverse_etl_schedule": {"config": config, "strategy": strategy},
            "settings": "{}", "trigger": ""}


def _resource(address: str, values: dict[str, object]) -> dict[str, object]:
    type_, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": type_, "name": name,
            "provider_name": "registry.terraform.io/segmentio/segment", "schema_version": 0,
            "values": values, "sensitive_values": {}}


def _change(address: str, after: dict[str, object] | None, unknown: dict[str, object],
            actions: list[str]) -> dict[str, object]:
    type_, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": type_, "name": name,
            "provider_name": "registry.terraform.io/segmentio/segment",
            "change": {"actions": actions, "before": None, "after": after,
                       "after_unknown": unknown, "before_sensitive": False,
                       "after_sensitive": {}}}


SEND_TRACK = "segment_destination_subscription.send_track"
MODEL = "module.models.segment_reverse_etl_model.m"
PLAN = {
    "format_version": "1.2", "terraform_version": "1.9.5",
    "planned_values": {"root_module": {
        "resources": [
            _resource(SEND_TRACK, _subscription("Send Track", '{"interval":"5m"}')),
            _resource("segment_destination_subscription.ok",
                      _subscription("Ok", '{"interval":"15m"}')),
            _resource("segment_destination_subscription.none",
                      {"name": "n", "reverse_etl_schedule": None})],
        "child_modules": [{"address": "module.models", "resources": [_resource(MODEL, {
            "name": "m", "schedule_strategy": "SPECIFIC_DAYS",
            "schedule_config": '{"days":[1,9],"hours":[8],"timezone":"America/Chicago"}'})]}]}},
    "resource_changes": [
        _change(SEND_TRACK, _subscription("Send Track", '{"interval":"5m"}'),
                {"id": True, "reverse_etl_schedule": {}}, ["create"]),
        _change("segment_destination_subscription.later",
                _subscription("Later", "", "CRON"),
                {"reverse_etl_schedule": {"config": True}}, ["update"]),
        _change("segment_destination_subscription.gone", None, {}, ["delete"]),
    ],
}


def test_plan_json_is_checked_with_addresses_and_positions(tmp_path: Path) -> None:
    """Each resource instance of a plan once: its address named, its value's position given."""
    text = json.dumps(PLAN, indent=2)
    base = module(tmp_path, {"plan.json": text})
    result = read_file(base / "plan.json")
    assert [s.name for s in result.schedules] == [
        SEND_TRACK, "segment_destination_subscription.later",
        "segment_destination_subscription.ok", MODEL]
    found = result.check()
    later = at(text, '"config": ""')
    assert [(f.code, f.line, f.column, f.pointer, f.message.rsplit("(", 1)[-1])
            for f in found] == [
        # Inside the config string: at the value there (issue 17), not at the string.
        ("SL203", at(text, '"{\\"interval\\":\\"5m', 1)[0],
         at(text, '"{\\"interval\\":\\"5m', 1)[1] + len('"{\\"interval\\":'),
         "/resource_changes/0/change/after/reverse_etl_schedule/config/interval",
         f"{SEND_TRACK})"),
        ("SL903", later[0], later[1] + len('"config": '),
         "/resource_changes/1/change/after/reverse_etl_schedule/config",
         "segment_destination_subscription.later)"),
        ("SL304", at(text, '"{\\"days')[0], at(text, '"{\\"days')[1] + len('"{\\"days\\":[1,'),
         "/planned_values/root_module/child_modules/0/resources/0/values/schedule_config/days/1",
         f"{MODEL})")]


def test_state_json_values_are_read_too(tmp_path: Path) -> None:
    """`terraform show -json` of a state (values.root_module) is read the same way."""
    state = {"format_version": "1.0", "terraform_version": "1.9.5",
             "values": {"root_module": {"resources": [
                 _resource(SEND_TRACK, _subscription("Send Track", '{"interval":"1d"}'))]}}}
    found = scan(json.dumps(state), name="state.json").check()
    assert [f.code for f in found] == ["SL202"]


def test_plan_of_an_unknown_major_version_is_refused() -> None:
    """A format_version 2.x is not read: Terraform's format asks readers to refuse it."""
    text = ('{"format_version": "2.0", "resource_changes": [{"type": '
            '"segment_destination_subscription", "change": {"after": '
            '{"reverse_etl_schedule": null}}}]}')
    found = scan(text, name="p.json").check()
    assert [(f.code, f.line, f.column) for f in found] == [("SL911", *at(text, '"2.0"'))]


# -- the real exports and hostile input ----------------------------------------------------------


HCL_VALUES = st.recursive(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(json.dumps),
        st.integers(min_value=0, max_value=10**6).map(str),
        st.integers(min_value=4301, max_value=6000).map(lambda n: "9" * n),
        st.sampled_from(["1e999999999999999999999", "true", "null", "var.x", "local.y",
                         "each.value", '"${local.y}"', '"${', "<<EOT\nx\n", '"\\u00e9"',
                         "\u00a0", "\ufeff", "\u2028", '"\\', "/*", "jsonencode(", "(", "[for"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(["spec", "interval", "timezone", "days", "a"]), inner,
                        max_size=4).map(
            lambda d: "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }"),
        inner.map(lambda v: f"jsonencode({v})"),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(HCL_VALUES, HCL_VALUES, st.sampled_from(["\n", "\r\n", "\r"]),
       st.integers(min_value=0, max_value=400))
@example("[" * 5000, "1", "\n", 400)
@example('"' + "x" * 100_000, "1", "\n", 400)
@example("<<EOT\n" + "x\n" * 1000, "1", "\r", 400)
@example('"${' * 3000, "1", "\n", 400)
@example("local.y", "[" * 3000 + "]" * 3000, "\n", 400)
def test_generated_hcl_never_raises(config: str, local: str, newline: str, cut: int) -> None:
    """Generated values, nesting, huge numbers, odd Unicode and cut-off text never raise."""
    text = (sub(f"jsonencode({config})") + f"locals {{\n  y = {local}\n}}\n"
            "variable \"x\" {\n  default = " + local + "\n}\n").replace("\n", newline)
    for piece in (text, text[: len(text) - cut]):
        for finding in scan(piece, name="main.tf").check():
            assert 1 <= finding.line <= piece.count(newline) + 2 and finding.column >= 1


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(['"1d"', '"5m"', '"1h"', "[1, 9]", '"Mars/Base"', '"*/5 * * * *"']),
       st.sampled_from(["interval", "spec", "timezone", "days"]))
def test_a_value_through_a_local_is_judged_as_written_in_place(value: str, key: str) -> None:
    """The same literal, written in place or reached through a local, gets the same findings."""
    strategy = {"interval": "PERIODIC", "spec": "CRON", "timezone": "CRON",
                "days": "SPECIFIC_DAYS"}[key]
    rest = {"PERIODIC": "", "CRON": ', spec = "0 * * * *", timezone = "UTC"',
            "SPECIFIC_DAYS": ', days = [1], hours = [1], timezone = "UTC"'}[strategy]
    rest = ", ".join(p for p in rest.split(", ") if p and not p.startswith(key))
    inline = sub(f"jsonencode({{ {key} = {value}{', ' + rest if rest else ''} }})", strategy)
    named = (sub(f"jsonencode({{ {key} = local.v{', ' + rest if rest else ''} }})", strategy)
             + f"locals {{\n  v = {value}\n}}\n")

    def judged(text: str) -> list[tuple[str, str]]:
        return [(f.code, f.message.split(" (through")[0])
                for f in scan(text, name="main.tf").check()]

    assert judged(inline) == judged(named)


ATTRIBUTE_LINES = st.lists(st.one_of(
    st.sampled_from(['  name = "a"', "  enabled = true", '  trigger = "type = \\"track\\""',
                     "  settings = jsonencode({ a = [1, 2], b = { c = \"d\" } })",
                     "  n = -1.5e3", "  ids = [for x in var.l : x.id]", "  a = 1 b = 2",
                     "  t = var.on ? \"a\" : \"b\"", "  q = <<EOT\nselect 1\nEOT",
                     "  x = f(1)[0]", "  y = (1]", '  z = "${a}"', "  w = { a = 1 } # c",
                     "  lifecycle { ignore_changes = [settings] }", "  v = b {", "  u = @",
                     "  name = \"b\"", "  s = [", "  r = b.c[0] // d", "  k = x.y.z",
                     "  lifecycle {\n    ignore_changes = [settings]\n  }",
                     '  dynamic "s" { # c\n    for_each = []\n  }',
                     "  reverse_etl_schedule {\n    strategy = \"MANUAL\"\n  }",
                     '  blk "a" b {\n  }', '  blk "a\\"b" {\n  }', "  blk {\n  } x"]),
    st.text(alphabet=' ={}[]()"#/\n\\<-abt1', max_size=12).map(lambda t: "  " + t)),
    max_size=8)


@settings(max_examples=200, deadline=None)
@given(ATTRIBUTE_LINES, st.sampled_from(["\n", "\r\n", "\r"]))
def test_skipping_a_line_at_a_time_agrees_with_tokens(lines: list[str], newline: str) -> None:
    """The fast path over unread attributes finds exactly what reading token by token finds."""
    from schedulelib.lint.sources.hcl import HclReader

    text = ('resource "segment_destination_subscription" "s" {\n' + "\n".join(lines)
            + '\n  reverse_etl_schedule = { strategy = "PERIODIC", config = jsonencode('
            '{ interval = "5m" }) }\n}\n').replace("\n", newline)

    def judged() -> list[tuple[str, int, int, str]]:
        return [(f.code, f.line, f.column, f.message) for f in scan(text, name="m.tf").check()]

    fast = judged()
    HclReader.fast = False
    try:
        assert judged() == fast
    finally:
        HclReader.fast = True


def test_the_example_of_docs_terraform_md(tmp_path: Path) -> None:
    """The two-file example of docs/terraform.md gives the findings printed below it."""
    import re

    from .conftest import ROOT

    doc = (ROOT / "docs" / "terraform.md").read_text("utf-8")
    block, printed = re.search(r"```hcl\n# variables.tf\n(.*?)```\n\n```\n(.*?)```", doc,
                               re.DOTALL).groups()  # type: ignore[union-attr]
    variables, main_tf = block.split("# main.tf\n")
    base = module(tmp_path, {"variables.tf": variables.rstrip("\n") + "\n", "main.tf": main_tf})
    with session():
        found = [f for name in ("main.tf", "variables.tf")
                 for f in read_file(base / name, named=False).check()]
    assert [f"{Path(f.file).name}:{f.line}:{f.column}: {f.severity} {f.code} {f.message}"
            for f in found] == printed.splitlines()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=10) | st.sampled_from(["${var.iv}", "${", "${jsonencode({a = 1})}",
                                              "%{if}", "${~x}", '{"interval":"5m"}', "$${x}"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["reverse_etl_schedule", "config", "strategy", "schedule_strategy",
                         "schedule_config", "default", "//", "after", "values", "resources",
                         "child_modules", "type", "address", "change", "after_unknown"]),
        inner, max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES, JSON_VALUES)
def test_generated_tf_json_and_plans_never_raise(a: object, b: object) -> None:
    """.tf.json files and plans of any shape give findings, never an exception."""
    tf_json = {"variable": {"iv": a}, "locals": b, "resource": {
        "segment_destination_subscription": {"s": a, "t": {"reverse_etl_schedule": b}},
        "segment_reverse_etl_model": [{"m": b}]}}
    plan = {"format_version": "1.2", "planned_values": {"root_module": {
        "resources": [{"address": "x", "type": "segment_reverse_etl_model", "values": a}, b],
        "child_modules": [b]}},
        "resource_changes": [{"type": "segment_destination_subscription",
                              "change": {"after": a, "after_unknown": b}}, a]}
    for name, doc in (("main.tf.json", tf_json), ("plan.json", plan)):
        for finding in scan(json.dumps(doc), name=name).check():
            assert finding.line >= 1 and finding.column >= 1


# Each after a subscription, as a file that says nothing of Segment schedules is not read.
@pytest.mark.parametrize(("text", "codes"), [
    ('resource "a" "b" {\n' + " " * 50_000 + "!\n}\n", ["SL001"]),
    ('resource "a" "b" {\n' + "# c # d  \n" * 50_000 + "x = @\n}\n", ["SL001"]),
    ('resource "a" "b" {\n' + "\t\n" * 50_000 + "x = [\n" + " ," * 50_000 + "\n}\n", ["SL001"]),
    ('resource "a" "b" {\n x = "' + "\\n" * 50_000 + '" y\n}\n', ["SL001"]),
    ("locals {\n a = " + "[" * 50_000 + "\n}\n", ["SL001"]),
    ('locals {\n a = "' + "${" * 50_000 + "\n}\n", ["SL001"]),
    ("locals {\n a = <<EOT\n" + "x\n" * 50_000 + "}\n", ["SL001"]),
    ("a = 1" + "0" * 50_000 + "\n", []),
], ids=["white-space-run", "comment-lines", "blank-lines", "escapes", "deep-open",
        "open-interpolations", "open-heredoc", "huge-number"])
def test_hostile_hcl_ends_with_a_finding(text: str, codes: list[str]) -> None:
    """Inputs that once took exponential time (a white-space run before a bad character) or
    could, end with one finding: the reader does a bounded amount of work per character."""
    text = sub('jsonencode({ interval = "1h" })') + text
    assert [f.code for f in scan(text, name="x.tf").check()] == codes


def test_outside_a_session_a_changed_file_is_read_again(tmp_path: Path) -> None:
    """Scans outside `with session()` share what they read, but never a stale file."""
    base = module(tmp_path, {"main.tf": sub("jsonencode({ interval = var.interval })"),
                             "variables.tf": VARIABLES})
    assert [f.code for f in read_file(base / "main.tf").check()] == ["SL202"]
    # "12h": another size, as a new mtime may fall in the same clock tick.
    (base / "variables.tf").write_text(VARIABLES.replace('"1d"', '"12h"'))
    assert read_file(base / "main.tf").check() == []


def test_outside_a_session_each_file_of_a_directory_is_read_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanning the 30 files of one module one by one reads each sibling once, not 30 times."""
    from schedulelib.lint.sources import tfmodule

    files = {f"s{i:02d}.tf": sub("jsonencode({ interval = var.interval })", label=f"s{i}")
             for i in range(30)}
    base = module(tmp_path, {**files, "variables.tf": VARIABLES})
    reads: list[str] = []
    real = tfmodule._read_text
    monkeypatch.setattr(tfmodule, "_read_text",
                        lambda path, limit: reads.append(path) or real(path, limit))
    found = [f for name in sorted(files) for f in read_file(base / name).check()]
    assert len(found) == 30 and {Path(f.file).name for f in found} == {"variables.tf"}
    # The first file scanned is read by its own scan, the other 30 once for the module.
    assert len(reads) == len(set(reads))
    assert {Path(r).name for r in reads} == (set(files) | {"variables.tf"}) - {"s00.tf"}


def test_a_broken_auto_tfvars_is_reported_once_by_validate(tmp_path: Path) -> None:
    """terraform.tfvars that is not HCL: one SL001 in it (after the files searched, as it is
    read when a name needs it), and the default is used."""
    base = module(tmp_path, {"main.tf": sub("jsonencode({ interval = var.interval })"),
                             "variables.tf": VARIABLES, "terraform.tfvars": "interval = \n"})
    run = CliRunner().invoke(main, ["validate", "--format", "json", str(base)])
    assert [(f["code"], Path(f["file"]).name) for f in json.loads(run.stdout)["findings"]] == [
        ("SL202", "variables.tf"), ("SL001", "terraform.tfvars")]


@pytest.mark.parametrize(("name", "expected"), [
    ("new.tf", [("SL202", "variables.tf")]),
    (None, [("SL903", "<stdin>")]),
], ids=["named-in-the-module", "plain-stdin"])
def test_standard_input_joins_the_module_it_is_named_in(tmp_path: Path, name: str | None,
                                                       expected: list[tuple[str, str]]) -> None:
    """An editor's unsaved buffer named into a module sees that module's variables."""
    base = module(tmp_path, {"variables.tf": VARIABLES})
    options = ["--stdin-filename", str(base / name)] if name else []
    run = CliRunner().invoke(main, ["validate", "--format", "json", *options, "-"],
                             input=sub("jsonencode({ interval = var.interval })"))
    found = json.loads(run.stdout)["findings"]
    assert [(f["code"], Path(f["file"]).name) for f in found] == expected


OBJECT_ITEMS = st.lists(st.sampled_from([
    'strategy = "PERIODIC"', "strategy: \"CRON\",", 'config = jsonencode({ interval = "1d" })',
    "config = jsonencode({\n interval = \"1d\"\n days = [1, 9]\n})", "config = null",
    "config = local.c", "config = var.v.w", "x = -1", "x = 1.5e3 # n", 'x = "\\u00e9\\n"',
    'strategy = "a" "b"', "strategy = true,", 'strategy = "PERIODIC" // c', "y = each.value",
    'strategy = "${local.s}"', "z = 1 + 2", "z = [1,\n 2]", "w = {\n a = 1\n}", "strategy = ",
    '"quoted" = 1', "for = 1", "e = <<EOT\nx\nEOT",
]), max_size=6)


@settings(max_examples=200, deadline=None)
@given(OBJECT_ITEMS, st.sampled_from(["\n", "\r\n", "\r"]))
def test_plain_items_read_a_line_at_a_time_agree_with_tokens(items: list[str],
                                                             newline: str) -> None:
    """Objects and wanted attributes read a line at a time give what tokens give."""
    from schedulelib.lint.sources.hcl import HclReader

    body = "\n    ".join(items)
    text = ('resource "segment_destination_subscription" "s" {\n  name = "n"\n'
            f"  reverse_etl_schedule = {{\n    {body}\n  }}\n}}\n"
            'locals {\n  c = { interval = "5m" }\n  s = "PERIODIC"\n}\n'
            'variable "v" {\n  default = { w = { interval = "1h" } }\n}\n'
            ).replace("\n", newline)

    def judged() -> list[tuple[str, int, int, int, int, str]]:
        return [(f.code, f.line, f.column, f.end_line, f.end_column, f.message)
                for f in scan(text, name="m.tf").check()]

    fast = judged()
    HclReader.fast = False
    try:
        assert judged() == fast
    finally:
        HclReader.fast = True


def test_fix_never_edits_a_value_written_in_another_file(tmp_path: Path) -> None:
    """--fix repairs a scan's own text only: a default in variables.tf is reported, not
    rewritten through main.tf's offsets."""
    base = module(tmp_path, {"main.tf": sub("jsonencode({ interval = var.interval })"),
                             "variables.tf": VARIABLES})
    before = {p.name: p.read_bytes() for p in base.iterdir()}
    run = CliRunner().invoke(main, ["validate", "--fix", "--format", "json", str(base)])
    assert {p.name: p.read_bytes() for p in base.iterdir()} == before
    found = json.loads(run.stdout)["findings"]
    assert [(f["code"], Path(f["file"]).name) for f in found] == [("SL202", "variables.tf")]
