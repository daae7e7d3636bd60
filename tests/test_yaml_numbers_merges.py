"""YAML, exact where it claims to be: tagged numbers by YAML 1.2 rules (D24), numbers beyond a
64-bit float (SL008, as in JSON), and findings on merged values at the value as written."""

from __future__ import annotations

import json
import math

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from schedulelib import scan_text
from schedulelib.lint.sources.yaml import tagged_number

_RUAMEL = YAML(typ="safe", pure=True)


def _ruamel(text: str, tag: str) -> object:
    """ruamel.yaml's value of ``!!tag text`` (YAML 1.2, D24's oracle); the exception type
    name when it refuses it."""
    try:
        return _RUAMEL.load(f"a: !!{tag} {text}\n")["a"]
    except Exception as exc:  # any refusal is "not a value"
        return type(exc).__name__


def _ours(text: str, tag: str) -> object:
    try:
        return tagged_number(text, tag)
    except ValueError as exc:
        return type(exc).__name__


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


NUMBERISH = st.text(st.sampled_from("0123456789abcdefxoABCDEFXO_+-.eE:infa"), min_size=1,
                    max_size=8)


@settings(max_examples=500, deadline=None)
@given(NUMBERISH, st.sampled_from(["int", "float"]))
@example("010", "int")  # the case: 10 in YAML 1.2, 8 in PyYAML
@example("0o10", "int")
@example("0x1F", "int")
@example("1_000", "int")
@example("0b11", "int")
@example("1:30", "int")  # sexagesimal: YAML 1.1 only
@example("1:30", "float")
@example("010", "float")
@example(".inf", "float")
@example("-.Inf", "float")
@example(".nan", "float")
@example("inF", "float")  # float() takes the word: an infinity, not an overflow
@example("-Infinity", "float")
@example("NaN", "float")
def test_tagged_numbers_read_as_ruamel_reads_them(text: str, tag: str) -> None:
    """Either both read the same number, or both refuse it (beyond 64 bits: see SL008)."""
    theirs = _ruamel(text, tag)
    assume(not (isinstance(theirs, str) and theirs.endswith(("ScannerError", "ParserError",
                                                             "ComposerError"))))
    ours = _ours(text, tag)
    if isinstance(theirs, float) and math.isinf(theirs) and "inf" not in text.lower():
        assert ours == "_TooLarge"  # infinity from digits: SL008
    elif isinstance(theirs, str):
        assert isinstance(ours, str), (text, tag, ours, theirs)
    else:
        assert _same(ours, theirs), (text, tag, ours, theirs)


def _codes(text: str, name: str) -> list[tuple[str, str]]:
    found = scan_text(text, name=name, as_of=None)
    findings = [*found.findings, *(f for s in found.schedules for f in s.findings)]
    return sorted({(f.code, f.pointer) for f in findings if f.code != "SL005"})


def _days(hours: str, yaml: bool) -> str:
    if yaml:
        return ("reverseETLSchedule:\n  strategy: specific_days\n  config:\n    days: [1]\n"
                f"    hours: [{hours}]\n    timezone: UTC\n")
    return ('{"reverseETLSchedule": {"strategy": "specific_days", "config": {"days": [1], '
            f'"hours": [{hours}], "timezone": "UTC"}}}}}}')


JSON_NUMBERS = st.from_regex(r"-?(0|[1-9][0-9]{0,3})(\.[0-9]{1,3})?([eE][-+]?[0-9]{1,4})?",
                             fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(JSON_NUMBERS)
@example("1e400")  # the case
@example("-1e400")
@example("1.7976931348623157e308")
@example("1.8e308")
@example("9")
def test_a_number_reads_as_the_json_reader_reads_it(number: str) -> None:
    """The JSON reader is the oracle: the same number as an hour gives the same findings in
    YAML (SL005, YAML's own warning, aside); beyond a 64-bit float, SL008 in both."""
    yaml_codes = _codes(_days(number, True), "x.yaml")
    assert yaml_codes == _codes(_days(number, False), "x.json")
    assert (("SL008", "/reverseETLSchedule/config/hours/0") in yaml_codes) is math.isinf(
        float(number))


def test_a_tagged_float_beyond_64_bits_is_sl008() -> None:
    [finding] = scan_text(_days("!!float 1e400", True), name="x.yaml").schedules[0].findings
    assert finding.code == "SL008" and "too large for a 64-bit float" in finding.message


def test_int_010_is_ten_and_says_pyyaml_reads_eight() -> None:
    """D24: YAML 1.2; the reading of YAML 1.1 tools is a warning (SL005), as for plain 010."""
    found = scan_text(_days("!!int 010, !!int 0o10", True), name="x.yaml").schedules[0]
    assert [(f.code, f.pointer) for f in found.findings] == [
        ("SL005", "/reverseETLSchedule/config/hours/0")]
    assert "is the number 10 in YAML 1.2" in found.findings[0].message
    assert "the number 8 in YAML 1.1" in found.findings[0].message


# -- merge keys -------------------------------------------------------------------------------

MERGE_CASES = st.tuples(
    st.sampled_from(["5m", "4m", "x"]),  # an interval check() refuses
    st.integers(0, 3),  # other keys in the anchored mapping
    st.sampled_from(["alias", "list", "inline"]),  # <<: *a, <<: [*other, *a], <<: {...}
    st.booleans(),  # the schedule also writes a key of its own before the merge
)


@settings(max_examples=80, deadline=None)
@given(MERGE_CASES)
@example(("5m", 0, "alias", True))  # the case
def test_a_finding_on_a_merged_value_points_at_it(case: tuple[str, int, str, bool]) -> None:
    """The finding's line and column are where the value is written (the oracle: the
    offset of the value, placed by construction), not the merge key's."""
    bad, extra, how, own = case
    lines = ["defaults:", "  other: &other", "    unrelated: 1", "  base: &base"]
    lines += [f"    k{i}: v{i}" for i in range(extra)]
    lines += ["    strategy: periodic", "    config:", f"      interval: '{bad}'"]
    marker_line = len(lines)
    lines += ["subscriptions:", "  - name: s", "    reverseETLSchedule:"]
    if own:
        lines += ["      name: mine"]
    if how == "alias":
        lines += ["      <<: *base"]
    elif how == "list":
        lines += ["      <<: [*other, *base]"]
    else:
        lines += ["      strategy: periodic", f"      config: {{<<: {{interval: '{bad}'}}}}"]
        marker_line = len(lines)
    text = "\n".join(lines) + "\n"
    found = scan_text(text, name="x.yaml").schedules
    [schedule] = found
    bad_findings = [f for f in schedule.findings if f.pointer.endswith("/config/interval")]
    assert bad_findings
    line = text.splitlines()[marker_line - 1]
    for f in bad_findings:
        assert (f.line, f.column) == (marker_line, line.index(f"'{bad}'") + 1)
        assert (f.end_line, f.end_column) == (marker_line, line.index(f"'{bad}'") + len(bad) + 3)


def test_a_merged_value_is_never_fixed_where_others_share_it() -> None:
    """--fix leaves a value brought in from an anchor outside the schedule alone (docs/cli.md:
    a YAML anchor is never repaired); one merged from a mapping written inline is."""
    from schedulelib.lint.fix import fix_text

    text = ("base: &base\n  strategy: periodic\n  config:\n    interval: 1d\n"
            "a:\n  reverseETLSchedule:\n    <<: *base\n"
            "b:\n  reverseETLSchedule:\n    strategy: periodic\n    config: {<<: {interval: 2d}}\n")
    result = fix_text(text, name="x.yaml")
    assert result.after is not None
    assert "interval: 1d" in result.after and "{interval: 48h}" in result.after
    assert json.dumps([f.code for f in result.findings]) == '["SL202"]'
