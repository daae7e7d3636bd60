"""YAML as people write it: values YAML 1.1 and 1.2 read differently, '*' at the start of a
cron spec, aliases (merge keys, bombs, cycles), huge numbers, and any text at all."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from schedulelib.lint.sources import Finding, scan
from schedulelib.lint.sources.yaml import SCHEDULE_BUDGET, core_value


def findings(text: str) -> list[Finding]:
    return scan(text, name="x.yaml").check()


def at(text: str, finding: Finding) -> str:
    """The text a finding's span covers."""
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[: finding.line - 1]) + finding.column - 1
    end = sum(len(x) + 1 for x in lines[: finding.end_line - 1]) + finding.end_column - 1
    return text[start:end]


# -- YAML 1.1 and 1.2 --------------------------------------------------------------------------

RUAMEL = YAML(typ="safe", pure=True)  # a YAML 1.2 reader, the oracle for the 1.2 reading
# ruamel.yaml keeps a few YAML 1.1 forms in 1.2 mode that the 1.2.2 core schema does not have
# (section 10.3.2): underscores in numbers, 0b binary, a signed hex number, timestamps; and
# it reads ".5e3" as text where the core schema's float pattern allows it.
RUAMEL_KEEPS_YAML_11 = ("_", "0b", "+0x", "-0x")

PLAIN = st.one_of(
    st.from_regex(r"[-+]?[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"0[oxb][0-9a-fA-F]{1,4}", fullmatch=True),
    st.from_regex(r"[-+]?[0-9]{0,3}\.[0-9]{0,3}(e[-+]?[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?", fullmatch=True),
    st.sampled_from(["yes", "No", "on", "OFF", "y", "true", "False", "null", "~", "NULL",
                     ".inf", "-.Inf", ".nan", "1_000", "2024-01-01", "1h30m"]),
)


@given(PLAIN)
@example("08")
@example("010")
@example("1:30")
def test_plain_values_are_read_as_yaml_12_reads_them(text: str) -> None:
    """A plain scalar gets YAML 1.2's value (ruamel.yaml as the oracle), and warning SL005
    exactly when PyYAML (YAML 1.1) reads it differently."""
    document = f"strategy: x\nvalue: {text}\n"
    try:
        expected_12 = RUAMEL.load(document)["value"]
    except Exception:
        expected_12 = core_value(text)
    reading_11 = yaml.safe_load(document)["value"]
    [found] = scan(document, name="x.yaml").schedules
    value = found.doc["value"]  # type: ignore[index]
    if not any(text.startswith(p) or p in text for p in RUAMEL_KEEPS_YAML_11) \
            and not hasattr(expected_12, "year") and not re.fullmatch(r"[-+]?\.[0-9]+e.*", text):
        assert repr(value) == repr(expected_12)
    warned = [d for d in found.problems if d.code == "SL005"]
    assert bool(warned) == (repr(value) != repr(reading_11) or type(value) is not
                            type(reading_11))


@pytest.mark.parametrize(("text", "where", "value", "words"), [
    ("hours: [08, 09]", "/config/hours/0", 8, ["the number 8", "the string '08'", "write 8"]),
    ("hours: [010]", "/config/hours/0", 10, ["the number 10", "the number 8", "write 10"]),
    ("interval: 1:30", "/config/interval", "1:30",
     ["the string '1:30'", "the number 90", 'quote it ("1:30")']),
    ("interval: 1e3", "/config/interval", 1000.0, ["the number 1000.0", "the string '1e3'"]),
    ("jobId: 0o17", "/config/jobId", 15, ["the number 15", "the string '0o17'"]),
    ("jobId: 1_000", "/config/jobId", "1_000", ["the string '1_000'", "the number 1000"]),
    ("enabled: yes", "/config/enabled", "yes", ["the string 'yes'", "the boolean true"]),
], ids=["leading-zero", "octal", "sexagesimal", "exponent", "0o-octal", "underscore", "yes"])
def test_values_that_mean_two_things_get_sl005(text: str, where: str, value: object,
                                               words: list[str]) -> None:
    """Each reading is named, the fix is given, and the YAML 1.2 value is what is checked."""
    document = f"strategy: specific_days\nconfig:\n  {text}\n"
    [found] = scan(document, name="x.yaml").schedules
    warnings = [d for d in found.problems if d.code == "SL005" and d.path == where]
    assert len(warnings) == 1
    message = warnings[0].message + " / " + warnings[0].hint
    assert all(w in message for w in words), message
    node: object = found.doc
    for part in where.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    assert node == value and type(node) is type(value)


def test_hours_with_leading_zeros_are_warnings_not_type_errors() -> None:
    """hours: [08, 09] is two SL005 warnings at the values, and no SL303 (not a string)."""
    text = ("strategy: specific_days\nconfig:\n  days: [1]\n  hours: [08, 09]\n"
            "  timezone: UTC\n")
    result = findings(text)
    assert [(f.code, f.severity, at(text, f)) for f in result] == [
        ("SL005", "warning", "08"), ("SL005", "warning", "09")]


@pytest.mark.parametrize("text", [
    "strategy: specific_days\nconfig: {days: [1], hours: [!!str 08], timezone: UTC}\n",
    "strategy: specific_days\nconfig: {days: [1], hours: ['08'], timezone: UTC}\n",
], ids=["explicit-tag", "quoted"])
def test_a_tagged_or_quoted_value_means_one_thing(text: str) -> None:
    """An explicit tag or quotes settle the reading: no SL005, the string is checked."""
    assert [f.code for f in findings(text)] == ["SL303"]


# -- '*' at the start of a value ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "written"), [
    ("strategy: cron\nconfig:\n  spec: */15 * * * *\n  timezone: UTC\n", "*/15 * * * *"),
    ("strategy: cron\nconfig:\n  spec: */15 * * * *  # every quarter\n", "*/15 * * * *"),
    ("strategy: cron\nconfig:\n  spec: *15 * * * *\n", "*15 * * * *"),
], ids=["step", "comment", "undefined-alias"])
def test_unquoted_asterisk_is_an_error_saying_quote_the_value(text: str, written: str) -> None:
    """An unquoted spec starting with '*' is SL006 at the spec, with the quoted fix."""
    [finding] = findings(text)
    assert finding.code == "SL006" and finding.severity == "error"
    assert at(text, finding) == written
    assert finding.hint.endswith(f'"{written}"') and "quote the value" in finding.hint


# -- aliases ------------------------------------------------------------------------------------


def test_merge_keys_and_aliases_are_expanded() -> None:
    """<<: *defaults merges (keys written beside it win); an alias is the anchored value."""
    text = ("defaults: &d {strategy: periodic, config: {interval: 1h}}\n"
            "subscriptions:\n"
            "  - name: a\n    reverseETLSchedule: *d\n"
            "  - name: b\n    reverseETLSchedule:\n      <<: *d\n"
            "      config: {interval: 5m}\n")
    result = scan(text, name="x.yaml")
    assert [(s.name, s.doc) for s in result.schedules] == [
        ("a", {"strategy": "periodic", "config": {"interval": "1h"}}),
        ("b", {"strategy": "periodic", "config": {"interval": "5m"}})]
    [finding] = result.check()
    assert finding.code == "SL203" and at(text, finding) == "5m"


def bomb(levels: int, width: int = 9) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + f"\nreverseETLSchedule:\n  strategy: periodic\n" \
                              f"  config: {{interval: *l{levels - 1}}}\n"


@pytest.mark.parametrize(("text", "words"), [
    (bomb(9), f"more than {SCHEDULE_BUDGET:,} values once its aliases are expanded"),
    (bomb(9) + "".join(f"s{i}: {{reverseETLSchedule: *l3}}\n" for i in range(200)),
     "more than"),
    ("reverseETLSchedule: &a {strategy: periodic, config: *a}\n", "an alias inside itself"),
], ids=["billion-laughs", "many-schedules", "cycle"])
def test_alias_expansion_is_bounded(text: str, words: str) -> None:
    """Nested aliases are refused past the budget (SL007) without being expanded."""
    result = scan(text, name="x.yaml")
    codes = {f.code for f in result.check()}
    assert "SL007" in codes
    assert any(words in f.message for f in result.check() if f.code == "SL007")


def test_many_schedules_are_all_found_once() -> None:
    """5,000 schedules in one file (once quadratic in their number) are each found once."""
    text = "subscriptions:\n" + "".join(
        f"  - name: s{i}\n    reverseETLSchedule: {{strategy: periodic, config: "
        f"{{interval: {i % 50 + 15}m}}}}\n" for i in range(5000))
    result = scan(text, name="x.yaml")
    assert [s.name for s in result.schedules] == [f"s{i}" for i in range(5000)]
    assert result.check() == []


# -- numbers Python cannot hold ---------------------------------------------------------------


@pytest.mark.parametrize("number", ["9" * 5000, "0" + "7" * 5000, "-" + "1" * 4301],
                         ids=["decimal", "yaml-1.1-octal", "negative"])
def test_huge_integers_are_a_finding(number: str) -> None:
    """An integer past Python's digit limit is SL008 at the value; the schedule is not
    checked; nothing raises."""
    text = f"strategy: periodic\nconfig:\n  interval: {number}\n"
    result = findings(text)
    assert [f.code for f in result] == ["SL008"]
    assert at(text, result[0]) == number


# -- anything at all --------------------------------------------------------------------------

YAML_PIECES = st.sampled_from([
    "reverseETLSchedule:", "strategy:", "config:", "spec:", "interval:", "hours:", "- ",
    "&a", "&b", "*a", "*b", "<<:", "!!str", "!!int", "!foo", "08", "010", "1:30", "*/15",
    "'x'", '"y"', "[", "]", "{", "}", ",", "\n", "\n  ", "\n    ", "|", ">-", "#c", "---",
    "9" * 5000, "1e999", "~", "yes", "?", ":",
])


@given(st.lists(YAML_PIECES, max_size=40).map(" ".join))
@example("a: &a [*a]\nreverseETLSchedule: *a\n")
@example("reverseETLSchedule: {<<: [*x]}\n")
@example("reverseETLSchedule: {<<: 1}\n")
@example("reverseETLSchedule: !!int x\n")
def test_yaml_token_soup_never_raises(text: str) -> None:
    """Near-YAML built from aliases, tags, odd numbers and structure never makes it raise,
    and every finding's span lies inside the text."""
    result = scan(text, name="x.yaml", everything=True)
    for finding in result.check():
        assert 1 <= finding.line <= finding.end_line
        assert finding.end_line <= text.count("\n") + 1
