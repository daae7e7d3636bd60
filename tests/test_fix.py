"""--fix / --diff: repairs that keep the meaning, of exactly the offending values' text."""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from croniter import croniter
from hypothesis import example, given
from hypothesis import strategies as st

from schedulelib import load, parse_cron, parse_duration
from schedulelib.cli.main import cli
from schedulelib.core.rules import RULES
from schedulelib.core.zones import available_zones, canonical, zone_problems
from schedulelib.lint.fix import (
    SCOPE,
    Edit,
    FileChangedError,
    FileFix,
    fix_file,
    fix_text,
    write_fixed,
)

FIXABLE = frozenset(SCOPE)


def _periodic(interval: str) -> str:
    return json.dumps({"strategy": "periodic", "config": {"interval": interval}})


def _days(days: str, hours: str = "[9]", zone: str = '"UTC"') -> str:
    return (f'{{"strategy": "specific_days", "config": {{"days": {days}, "hours": {hours}, '
            f'"timezone": {zone}}}}}')


def _cron(spec: str, zone: str = "UTC") -> str:
    return json.dumps({"strategy": "cron", "config": {"spec": spec, "timezone": zone}})


def _tf(config: str, strategy: str = "PERIODIC") -> str:
    return ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
            f'    strategy = "{strategy}"\n    config = jsonencode({{\n{config}\n    }})\n'
            "  }\n}\n")


# -- what is fixed, and how it is written --------------------------------------------------------

FIXED = [
    ("x.json", _periodic("1d"), _periodic("24h")),
    ("x.json", _periodic("1d12h"), _periodic("36h")),
    ("x.json", _periodic("2d30m"), _periodic("48h30m")),
    ("x.json", _periodic("6d23h59m"), _periodic("167h59m")),
    ("x.json", _days("[1]", zone='"US/Eastern"'), _days("[1]", zone='"America/New_York"')),
    ("x.json", _days("[1]", '["08", 9]'), _days("[1]", "[8, 9]")),
    ("x.json", _days("[1.0, 2e0]"), _days("[1, 2]")),
    ("x.json", _days("[\n  1,\n  2,\n  1\n]"), _days("[\n  1,\n  2\n]")),
    ("x.json", _days('["1", 1, 3, 1.0]'), _days("[1, 3]")),
    ("x.json", _days("[1, 1, 1, 1, 1, 1, 1, 1]"), _days("[1]")),
    ("x.json", _days('["' + "0" * 100_000 + '1"]'), _days("[1]")),
    ("x.json", _cron("0 9 ? * 1"), _cron("0 9 * * 1")),
    ("x.json", _cron("0 9 ? * ?"), _cron("0 9 * * *")),
    ("x.json", _cron("@hourly"), _cron("0 * * * *")),
    ("x.json", _cron(" @Monthly "), _cron("0 0 1 * *")),
    ("x.json", _cron("@daily", "US/Pacific"), _cron("0 0 * * *", "America/Los_Angeles")),
    ("x.json", '{\r\n  "strategy": "periodic",\r\n  "config": {"interval": "1d"}\r\n}\r\n',
     '{\r\n  "strategy": "periodic",\r\n  "config": {"interval": "24h"}\r\n}\r\n'),
    ("x.yaml", "strategy: periodic\nconfig:\n  interval: 1d  # nightly\n",
     "strategy: periodic\nconfig:\n  interval: 24h  # nightly\n"),
    ("x.yaml", "strategy: cron\nconfig:\n  spec: '0 9 ? * 1'\n  timezone: 'US/Pacific'\n",
     "strategy: cron\nconfig:\n  spec: '0 9 * * 1'\n  timezone: 'America/Los_Angeles'\n"),
    ("x.yaml", 'strategy: cron\nconfig: {spec: "@weekly", timezone: UTC}\n',
     'strategy: cron\nconfig: {spec: "0 0 * * 0", timezone: UTC}\n'),
    ("x.yaml", "strategy: specific_days\nconfig:\n  days: [1]\n  hours: ['08', \"09\", 8.0]\n"
     "  timezone: UTC\n",
     "strategy: specific_days\nconfig:\n  days: [1]\n  hours: [8, 9]\n  timezone: UTC\n"),
    ("x.yaml", "strategy: specific_days\r\nconfig:\r\n  days:\r\n    - 1\r\n    - 2\r\n"
     "    - 1  # again\r\n    - 3\r\n  hours: [9]\r\n  timezone: UTC\r\n",
     "strategy: specific_days\r\nconfig:\r\n  days:\r\n    - 1\r\n    - 2\r\n    - 3\r\n"
     "  hours: [9]\r\n  timezone: UTC\r\n"),
    ("x.yaml", "strategy: specific_days\nconfig:\n  hours: [9]\n  timezone: UTC\n  days:\n"
     "  - 1\n  - 1",
     "strategy: specific_days\nconfig:\n  hours: [9]\n  timezone: UTC\n  days:\n  - 1"),
    ("x.yaml", "strategy: cron\nconfig:\n  spec: >-\n    0 9 ? * 1\n  timezone: UTC\n",
     "strategy: cron\nconfig:\n  spec: >-\n    0 9 * * 1\n  timezone: UTC\n"),
    ("x.tf", _tf('      interval = "1d"'), _tf('      interval = "24h"')),
    ("x.tf", _tf('      days = [1, "1"]\n      hours = ["08", 8]\n      timezone = "US/Eastern"',
                 "SPECIFIC_DAYS"),
     _tf('      days = [1]\n      hours = [8]\n      timezone = "America/New_York"',
         "SPECIFIC_DAYS")),
    ("x.tf", 'resource "segment_reverse_etl_model" "m" {\n  schedule_strategy = "CRON"\n'
     '  schedule_config = jsonencode({ spec = "@daily", timezone = "US/Eastern" })\n}\n',
     'resource "segment_reverse_etl_model" "m" {\n  schedule_strategy = "CRON"\n'
     '  schedule_config = jsonencode({ spec = "0 0 * * *", timezone = "America/New_York" })\n'
     "}\n"),
]
FIXED_IDS = [
    "json-days", "json-days-hours", "json-days-minutes", "json-just-under-a-week",
    "json-link-zone", "json-string-hour", "json-float-days", "json-duplicate-multiline",
    "json-string-float-duplicates", "json-eight-duplicates", "json-100k-zeros",
    "json-question-mark", "json-two-question-marks", "json-hourly", "json-monthly-spaced",
    "json-macro-and-zone", "json-crlf", "yaml-plain-comment", "yaml-single-quotes",
    "yaml-flow-double-quotes", "yaml-quoted-zeros", "yaml-block-crlf", "yaml-last-line",
    "yaml-folded", "terraform", "terraform-items", "terraform-model",
]


@pytest.mark.parametrize(("name", "before", "after"), FIXED, ids=FIXED_IDS)
def test_fixes(name: str, before: str, after: str) -> None:
    """The offending values are rewritten in the file's own style, and nothing else."""
    result = fix_text(before, name=name)
    assert (result.after, result.refused) == (after, "")
    assert {f.code for f in result.findings} & FIXABLE == set()
    assert fix_text(after, name=name).fixes == ()


def test_every_fixable_code_is_in_the_table() -> None:
    """Each code --fix knows is fixed by a row above, and RULES marks exactly those."""
    codes = {f.code for name, before, _ in FIXED for f in fix_text(before, name=name).fixes}
    assert codes == FIXABLE == {c for c, r in RULES.items() if r.fixable}


# -- what is never fixed -------------------------------------------------------------------------

NOT_FIXED = [
    ("x.json", _periodic("1w"), "SL202"),  # 168h: the bounds reject a week (D37)
    ("x.json", _periodic("7d"), "SL202"),
    ("x.json", _periodic("0d"), "SL202"),
    ("x.json", _periodic("1.5d"), "SL202"),
    ("x.json", _periodic("1D"), "SL202"),
    ("x.json", _periodic("1d 12h"), "SL202"),
    ("x.json", _periodic("1d12x"), "SL202"),
    ("x.json", _periodic("9" * 5000 + "d"), "SL202"),
    ("x.json", _periodic("5m"), "SL203"),
    ("x.json", _days("[1]", '["24"]'), "SL303"),
    ("x.json", _days("[1]", '["8.5"]'), "SL303"),
    ("x.json", _days("[1]", '[" 8"]'), "SL303"),
    ("x.json", _days("[1]", "[8.5]"), "SL303"),
    ("x.json", _days('["7"]'), "SL303"),
    ("x.json", _days("[true]"), "SL303"),
    ("x.json", _days("[7.0]"), "SL305"),
    ("x.json", _days('["' + "1" * 100_000 + '"]'), "SL303"),
    ("x.json", _cron("@every 1h"), "SL404"),
    ("x.json", _cron("@reboot"), "SL404"),
    ("x.json", _cron("@daily 9"), "SL404"),
    ("x.json", _cron("0 0 30 2 ?"), "SL406"),
    ("x.json", _cron("0,50 * * * *"), "SL407"),
    ("x.yaml", "a:\n  reverseETLSchedule:\n    strategy: cron\n    config: {spec: '0 9 * * 1', "
     "timezone: &tz US/Eastern}\nb:\n  reverseETLSchedule:\n    strategy: cron\n    config: "
     "{spec: '0 9 * * 1', timezone: *tz}\n", "SL504"),
    ("x.yaml", "strategy: periodic\nconfig:\n  interval: !!str &i 1d\n", "SL202"),
    ("x.yaml", "strategy: cron\nconfig:\n  spec: '0 9 * * 1'\n  timezone: !!str US/Eastern\n",
     "SL504"),
    ("x.yaml", 'strategy: specific_days\nconfig:\n  days: [!!float "1.0"]\n  hours: [9]\n'
     "  timezone: UTC\n", "SL305"),
    ("x.yaml", "strategy: specific_days\nconfig:\n  days: [1, # first\n    1]\n  hours: [9]\n"
     "  timezone: UTC\n", "SL306"),
    ("x.tf", 'resource "segment_reverse_etl_model" "m" {\n  schedule_strategy = "PERIODIC"\n'
     '  schedule_config = "{\\"interval\\": \\"1d\\"}"\n}\n', "SL202"),
    ("x.tf", _tf('      interval = <<EOT\n1d\nEOT'), "SL202"),
]
NOT_FIXED_IDS = [
    "week", "seven-days", "zero-days", "fraction-of-a-day", "capital-d", "space", "bad-rest",
    "huge-days", "too-short", "hour-24", "string-fraction", "string-space", "fraction",
    "day-7-string", "boolean", "day-7-float", "100k-digits", "every", "reboot", "macro-and-more",
    "never-runs", "too-frequent", "yaml-anchor", "yaml-tag-and-anchor", "yaml-tag",
    "yaml-float-tag", "yaml-comment-between",
    "terraform-json-string", "terraform-heredoc",
]


@pytest.mark.parametrize(("name", "text", "code"), NOT_FIXED, ids=NOT_FIXED_IDS)
def test_not_fixed(name: str, text: str, code: str) -> None:
    """What would change the meaning, or is not written literally where it is reported, stays
    a finding with its hint."""
    result = fix_text(text, name=name)
    assert (result.changed, result.fixes, result.refused) == (False, (), "")
    assert code in {f.code for f in result.findings}


def test_a_repeat_that_cannot_be_touched_is_the_one_kept() -> None:
    """Of repeated items, one that cannot be deleted (a tagged value) is kept and the others
    go; an item that could only be rewritten into another repeat stays as written."""
    text = ("strategy: specific_days\nconfig:\n  days: ['1', 1, !!int '1', 2.0, 2]\n"
            "  hours: [9]\n  timezone: UTC\n")
    result = fix_text(text, name="x.yaml")
    assert (result.after, result.refused) == (text.replace("['1', 1, !!int '1', 2.0, 2]",
                                                           "['1', !!int '1', 2]"), "")
    assert [(f.code, f.pointer) for f in result.findings] == [("SL303", "/config/days/0")]


def test_only_the_codes_asked_for() -> None:
    """codes= limits the repairs to those codes."""
    text = _cron("@daily", "US/Eastern")
    result = fix_text(text, name="x.json", codes=frozenset({"SL504"}))
    assert result.after == _cron("@daily", "America/New_York")
    assert [f.code for f in result.findings] == ["SL404"]


def test_a_fix_the_recheck_rejects_is_not_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the fixed text does not check as promised, nothing is changed and the reason is
    given."""
    import schedulelib.lint.fix as fix

    monkeypatch.setitem(fix._STRING_FIXES, "SL202", lambda value: "10m")
    result = fix_text(_periodic("1d"), name="x.json")
    assert (result.changed, result.fixes) == (False, ())
    assert "SL203" in result.refused
    assert [f.code for f in result.findings] == ["SL202"]


def test_a_fix_that_reads_back_wrong_is_not_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the fixed file, read as validate reads it, does not hold the value written,
    nothing is changed."""
    import schedulelib.lint.fix as fix

    real_encode, real_decode = fix._encode, fix._decode
    monkeypatch.setattr(fix, "_encode", lambda kind, old, new: '"25h"' if new == "24h"
                        else real_encode(kind, old, new))
    monkeypatch.setattr(fix, "_decode", lambda kind, literal: "24h" if literal == '"25h"'
                        else real_decode(kind, literal))
    result = fix_text(_periodic("1d"), name="x.json")
    assert (result.changed, result.fixes) == (False, ())
    assert "does not read /config/interval as '24h'" in result.refused


# -- properties: only the spans change, the meaning stays, a second run does nothing -------------

LINKS = sorted(z for z in available_zones() if [p.code for p in zone_problems(z)] == ["SL504"])
ZONES = st.sampled_from(["UTC", "Europe/Berlin", *LINKS[:40]])
MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
          "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
          "@hourly": "0 * * * *"}


@st.composite
def durations(draw: st.DrawFn) -> tuple[str, int]:
    """A days duration that is a valid interval once in hours, and its hours and minutes."""
    days = draw(st.integers(1, 6))
    hours = draw(st.integers(0, 167 - days * 24))
    minutes = draw(st.integers(0, 59))
    text = f"{days}d" + draw(st.sampled_from(["", f"{hours}h", f"{hours}h{minutes}m",
                                              f"{minutes}m", f"{hours * 60 + minutes}m"]))
    return text, parse_duration(text.replace(f"{days}d", "", 1) or "0s").nanoseconds \
        + days * 86_400_000_000_000


def items(high: int) -> st.SearchStrategy[list[object]]:
    """Days or hours as people write them: ints, whole floats, digit strings, repeated."""
    one = st.integers(0, high).flatmap(lambda n: st.sampled_from(
        [n, float(n), str(n), f"0{n}"]))
    return st.lists(one, min_size=1, max_size=9)


SCHEDULE = st.one_of(
    durations().map(lambda d: ({"strategy": "periodic", "config": {"interval": d[0]}}, d[1])),
    st.tuples(items(6), items(23), ZONES).map(lambda t: (
        {"strategy": "specific_days", "config": {"days": t[0], "hours": t[1],
                                                 "timezone": t[2]}}, None)),
    st.tuples(st.sampled_from([*sorted(MACROS), "0 9 ? * 1-5", "30 */2 ? * ?", "0 0 1 * ?"]),
              ZONES).map(lambda t: ({"strategy": "cron", "config": {"spec": t[0],
                                                                    "timezone": t[1]}}, None)),
)


class Styled(yaml.SafeDumper):
    """Strings in one quoting style (None: plain where YAML allows), numbers untagged."""

    string_style: str | None = None


Styled.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style=Styled.string_style))


def _hcl(value: object) -> str:
    if isinstance(value, dict):
        return "{\n" + "".join(f"  {k} = {_hcl(v)}\n" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(v) for v in value) + "]"
    return json.dumps(value)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str, dict[str, object], int | None]:
    doc, nanoseconds = draw(SCHEDULE)
    kind = draw(st.sampled_from(["json", "yaml", "terraform"]))
    if kind == "json":
        text = json.dumps({"reverseETLSchedule": doc}, indent=draw(st.sampled_from(
            [None, 2, "\t"])), ensure_ascii=draw(st.booleans()))
        if draw(st.booleans()):
            text = text.replace("\n", "\r\n")
        return "x.json", text, doc, nanoseconds
    if kind == "yaml":
        # PyYAML writes the string "08" plain, which YAML 1.1 and 1.2 read differently: keep
        # to digit strings it quotes.
        config = doc["config"]
        assert isinstance(config, dict)
        for key in ("days", "hours"):
            if key in config:
                config[key] = [str(int(v)) if isinstance(v, str) else v for v in config[key]]
        Styled.string_style = draw(st.sampled_from([None, '"', "'"]))
        text = yaml.dump({"reverseETLSchedule": doc}, Dumper=Styled,
                         default_flow_style=draw(st.sampled_from([None, True, False])),
            line_break=draw(st.sampled_from(["\n", "\r\n"])), width=draw(st.sampled_from(
                [20, 80])), allow_unicode=True)
        return "x.yaml", text, doc, nanoseconds
    config = _hcl(doc["config"]).replace("\n", "\n    ")
    text = ('resource "segment_destination_subscription" "s" {\n  reverse_etl_schedule = {\n'
            f'    strategy = "{doc["strategy"]}"\n    config = jsonencode({config})\n  }}\n}}\n')
    return "x.tf", text, doc, nanoseconds


def _offsets(text: str, line: int, column: int) -> int:
    return sum(len(x) + 1 for x in text.split("\n")[: line - 1]) + column - 1


def _unchanged_outside(before: str, after: str, edits: list[Edit]) -> None:
    """Every character outside the edits' spans is where it was."""
    at_before = at_after = 0
    for edit in sorted(edits, key=lambda e: e.start):
        assert edit.start >= at_before
        size = edit.start - at_before
        assert after[at_after: at_after + size] == before[at_before: edit.start]
        at_after += size + len(edit.text)
        assert after[at_after - len(edit.text): at_after] == edit.text
        at_before = edit.end
    assert after[at_after:] == before[at_before:]


def _expected(doc: dict[str, object], nanoseconds: int | None) -> object:
    """What the schedule means, built from the intended values (not from the fixer)."""
    config = doc["config"]
    assert isinstance(config, dict)
    if doc["strategy"] == "periodic":
        return nanoseconds
    if doc["strategy"] == "specific_days":
        return (tuple(sorted({int(d) for d in config["days"]})),
                tuple(sorted({int(h) for h in config["hours"]})), _zone(config["timezone"]))
    return _zone(config["timezone"])


def _zone(name: str) -> str:
    """The zone --fix should leave: the canonical one for a link that warns (SL504)."""
    return canonical(name) if [p.code for p in zone_problems(name)] == ["SL504"] else name


def _runs(spec: str, count: int = 30) -> list[datetime]:
    it = croniter(spec, datetime(2026, 1, 1))
    return [it.get_next(datetime) for _ in range(count)]


@given(files())
@example(("x.json", '{"reverseETLSchedule": {"strategy": "specific_days", "config": '
          '{"days": ["1", 1, 1.0, "01", 2], "hours": [23, "23"], "timezone": "US/Eastern"}}}',
          {"strategy": "specific_days", "config": {"days": ["1", 1, 1.0, "01", 2],
                                                   "hours": [23, "23"],
                                                   "timezone": "US/Eastern"}}, None))
# More repeats than the findings listed per array: the unlisted ones are repaired too,
# under another item's finding.
@example(("x.json", '{"reverseETLSchedule": {"strategy": "specific_days", "config": '
          '{"days": [0], "hours": [0.0, 0, 0, 0, 0, 0, 0.0, 0.0, 1.0], "timezone": "UTC"}}}',
          {"strategy": "specific_days", "config": {"days": [0],
                                                   "hours": [0.0, 0, 0, 0, 0, 0, 0.0, 0.0,
                                                             1.0],
                                                   "timezone": "UTC"}}, None))
@example(("x.json", '{"reverseETLSchedule": {"strategy": "specific_days", "config": '
          '{"days": [0], "hours": [0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0], "timezone": "UTC"}}}',
          {"strategy": "specific_days", "config": {"days": [0],
                                                   "hours": [0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0],
                                                   "timezone": "UTC"}}, None))
@example(("x.json", '{"reverseETLSchedule": {"strategy": "specific_days", "config": '
          '{"days": [0], "hours": [0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0], "timezone": "UTC"}}}',
          {"strategy": "specific_days", "config": {"days": [0],
                                                   "hours": [0, 0, 0, 0, 0, 0.0, 0.0, 0.0,
                                                             0.0],
                                                   "timezone": "UTC"}}, None))
def test_fix_properties(case: tuple[str, str, dict[str, object], int | None]) -> None:
    """Only the offending spans change; the meaning is kept; nothing fixable is left; a
    second run changes nothing; line endings stay."""
    name, text, doc, nanoseconds = case
    result = fix_text(text, name=name)
    assert result.refused == ""
    after = result.after
    assert after is not None
    edits = [e for f in result.fixes for e in f.edits]
    _unchanged_outside(text, after, list(set(edits)))
    for fix in result.fixes:
        f = fix.finding
        replaced = [e for e in fix.edits if e.text]
        if f.code not in ("SL306",) and replaced and not fix.removed:
            # Its own span; past the findings listed per array, unlisted items' spans too.
            assert (_offsets(text, f.line, f.column), _offsets(text, f.end_line, f.end_column)
                    ) in [(edit.start, edit.end) for edit in replaced]
            assert len(replaced) == 1 or any("not listed" in other.finding.message
                                             for other in result.fixes)
        for edit in fix.edits:
            if not edit.text:  # a deleted item: its separator and one number, or its line
                gone = text[edit.start: edit.end]
                assert re.fullmatch(r"[\s,]*(- )?(!!\w+ )?[\"']?[0-9.]+[\"']?\s*", gone), gone
    assert {f.code for f in result.findings} & FIXABLE == set()
    again = fix_text(after, name=name)
    assert (again.changed, again.fixes) == (False, ())
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        assert "\n" not in after.replace("\r\n", "")
    if "\r" not in text:
        assert "\r" not in after
    assert again.findings == ()
    value = load(_document(name, after))
    if doc["strategy"] == "periodic":
        assert value.interval.nanoseconds == _expected(doc, nanoseconds)  # type: ignore[union-attr]
    elif doc["strategy"] == "specific_days":
        assert (value.days, value.hours, value.timezone) == _expected(  # type: ignore[union-attr]
            doc, nanoseconds)
    else:
        config = doc["config"]
        assert isinstance(config, dict)
        written = config["spec"].strip().lower()
        assert _runs(value.spec) == _runs(MACROS.get(written, written))  # type: ignore[union-attr]
        assert parse_cron(value.spec).min_gap == parse_cron(  # type: ignore[union-attr]
            MACROS.get(written, written)).min_gap
        assert value.timezone == _expected(doc, nanoseconds)  # type: ignore[union-attr]


def _document(name: str, text: str) -> object:
    from schedulelib import scan_text

    [schedule] = scan_text(text, name=name).schedules
    return schedule.document


# -- the command ---------------------------------------------------------------------------------


def _findings(out: str) -> list[dict[str, object]]:
    """The findings of validate's JSON output (an array, or an object holding one)."""
    data = json.loads(out)
    return data["findings"] if isinstance(data, dict) else data  # type: ignore[no-any-return]


def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a.json").write_text(
        '{"subscriptions": [\n  {"reverseETLSchedule": {"strategy": "periodic", "config": '
        '{"interval": "1d"}}},\n  {"reverseETLSchedule": {"strategy": "periodic", "config": '
        '{"interval": "5m"}}}\n]}\n')
    (tmp_path / "b.yaml").write_bytes(
        b"\xef\xbb\xbfreverseETLSchedule:\r\n  strategy: cron\r\n  config:\r\n"
        b"    spec: '@hourly'\r\n    timezone: US/Eastern\r\n")
    (tmp_path / "b.yaml").chmod(0o640)
    (tmp_path / "link.yaml").symlink_to("b.yaml")
    (tmp_path / "c.tf").write_text(_tf('      interval = "2d"'))
    (tmp_path / "clean.json").write_text(_periodic("1h"))
    return tmp_path


def test_fix_writes_each_file_and_reports_what_is_left(tree: Path) -> None:
    """--fix rewrites the files in place, keeps mode, byte order mark, line endings and links,
    says what it fixed, and reports (and exits on) what is left."""
    clean = (tree / "clean.json").stat()
    status, out, _ = run("validate", "--fix", str(tree / "a.json"), str(tree / "link.yaml"),
                         str(tree / "c.tf"), str(tree / "clean.json"))
    assert status == 1
    column = (tree / "a.json").read_text().splitlines()[1].index('"24h"') + 1
    assert f"a.json:2:{column}: fixed SL202 interval \"1d\" -> \"24h\"" in out
    assert "fixed 4 findings in 3 files" in out
    assert re.search(r"a\.json:3:[0-9]+: error SL203", out)
    assert (tree / "b.yaml").read_bytes() == (
        b"\xef\xbb\xbfreverseETLSchedule:\r\n  strategy: cron\r\n  config:\r\n"
        b"    spec: '0 * * * *'\r\n    timezone: America/New_York\r\n")
    assert stat.S_IMODE((tree / "b.yaml").stat().st_mode) == 0o640
    assert (tree / "link.yaml").is_symlink()
    assert '"48h"' in (tree / "c.tf").read_text()
    assert (tree / "clean.json").stat().st_mtime_ns == clean.st_mtime_ns
    assert sorted(p.name for p in tree.iterdir()) == ["a.json", "b.yaml", "c.tf", "clean.json",
                                                      "link.yaml"]
    status, out, _ = run("validate", "--format", "json", str(tree))
    assert {f["code"] for f in _findings(out)} == {"SL203"}


def test_diff_shows_what_fix_writes_and_writes_nothing(tree: Path, tmp_path_factory:
                                                       pytest.TempPathFactory) -> None:
    """--diff prints exactly the change --fix then makes, writes nothing, and exits 1; after
    --fix it prints nothing and exits 0."""
    before = {p.name: p.read_bytes() for p in tree.iterdir()}
    result = CliRunner().invoke(cli, ["validate", "--diff", str(tree)])
    # The raw bytes: the runner's text output would turn CRLF into LF.
    status, diff = result.exit_code, result.stdout_bytes.decode()
    assert status == 1
    assert {p.name: p.read_bytes() for p in tree.iterdir()} == before
    run("validate", "--fix", str(tree))
    expected = ""
    for name in ("a.json", "b.yaml", "c.tf"):
        old = before[name].decode().removeprefix("\ufeff").splitlines(keepends=True)
        new = (tree / name).read_bytes().decode("utf-8-sig").splitlines(keepends=True)
        label = str(tree / name)
        expected += "".join(difflib.unified_diff(old, new, label, label))
    assert diff == expected
    assert run("validate", "--diff", str(tree)) == (0, "", "")


def test_diff_of_standard_input() -> None:
    """--diff reads standard input like validate; --fix refuses it."""
    status, out, _ = run("validate", "--diff", "--stdin-filename", "x.json", "-",
                         stdin=_periodic("1d"))
    assert status == 1
    assert out.splitlines()[2:] == ["@@ -1 +1 @@", "-" + _periodic("1d"),
                                    "\\ No newline at end of file", "+" + _periodic("24h"),
                                    "\\ No newline at end of file"]
    status, _, err = run("validate", "--fix", "-", stdin=_periodic("1d"))
    assert status == 2 and "standard input" in err
    status, _, err = run("validate", "--fix", "--diff", ".")
    assert status == 2 and "together" in err


def test_a_file_that_cannot_be_written_is_left_whole(tree: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """When the rename fails the file keeps its old text, no stray file is left, the other
    files are fixed, and the exit status is 2."""
    real_replace = os.replace

    def refuse(source: str, target: str) -> None:
        if target.endswith("a.json"):
            raise PermissionError(13, "Permission denied")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", refuse)
    before = (tree / "a.json").read_text()
    status, out, err = run("validate", "--fix", str(tree))
    assert status == 2
    assert "a.json: not fixed: Permission denied" in err
    assert (tree / "a.json").read_text() == before
    assert "SL202" in out and '"48h"' in (tree / "c.tf").read_text()
    assert sorted(p.name for p in tree.iterdir()) == ["a.json", "b.yaml", "c.tf", "clean.json",
                                                      "link.yaml"]


def test_a_file_changed_after_reading_is_not_overwritten(tmp_path: Path) -> None:
    """write_fixed refuses to write over a file that no longer holds what was read."""
    path = tmp_path / "x.json"
    path.write_text(_periodic("1d"))
    result = fix_file(path, write=False)
    assert isinstance(result, FileFix) and result.changed
    path.write_text(_periodic("2d"))
    with pytest.raises(FileChangedError):
        write_fixed(result)
    assert path.read_text() == _periodic("2d")
    fix_file(path)
    assert path.read_text() == _periodic("48h")


def test_rule_marks_fixable_codes() -> None:
    """`schedulelib rule` marks the fixable codes and says what --fix does."""
    _, listing, _ = run("rule")
    marked = {line.split()[0] for line in listing.splitlines() if "fixable" in line.split()}
    assert marked == FIXABLE
    _, one, _ = run("rule", "SL504")
    assert "Fixable" in one and SCOPE["SL504"] in one


@given(st.text(max_size=300) | st.from_regex(
    r'\{"strategy": "(specific_days|cron|periodic)", "config": \{("(days|hours)": \[[0-9", .]*\]|'
    r'"interval": "[0-9dhm]{1,6}"|"spec": "[@a-z0-9?* ]{1,12}"|"timezone": "US/[A-Za-z]{4,7}")'
    r'(, "timezone": "UTC")?\}\}', fullmatch=True),
       st.sampled_from(["x.json", "x.yaml", "x.tf"]))
def test_any_text_never_raises(text: str, name: str) -> None:
    """Whatever the text, fixing it never raises, and fixing the result changes nothing."""
    result = fix_text(text, name=name)
    if result.after is not None:
        assert fix_text(result.after, name=name).fixes == ()


def test_fix_with_json_output_prints_only_what_is_left(tree: Path) -> None:
    """With --format json, standard output stays one JSON array: the findings left."""
    status, out, _ = run("validate", "--fix", "--format", "json", str(tree / "a.json"))
    assert status == 1
    assert [(f["code"], f["pointer"]) for f in _findings(out)] == [
        ("SL203", "/subscriptions/1/reverseETLSchedule/config/interval")]


@given(st.text(alphabet="aAyYnN019_/+-'\" :#\\@.", max_size=12))
@example("'it''s'")
@example("Etc/GMT+5")
def test_quick_yaml_scalars_read_as_yaml_reads_them(literal: str) -> None:
    """A scalar read without the YAML parser reads as PyYAML reads it."""
    import schedulelib.lint.fix as fix

    quick = fix._yaml_scalar(literal)
    if quick is fix._MISSING:
        return
    parsed = yaml.load(literal, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert (type(quick), quick) == (type(parsed), parsed)


@pytest.mark.parametrize(("args", "text", "after", "left"), [
    (["--select", "SL504"], _cron("@daily", "US/Eastern"), _cron("@daily", "America/New_York"),
     set()),
    (["--ignore", "SL404"], _cron("@daily", "US/Eastern"), _cron("@daily", "America/New_York"),
     set()),
    ([], "strategy: cron\nconfig:\n  spec: '@daily'\n  timezone: US/Eastern  "
         "# schedulelib: ignore[SL504]\n",
     "strategy: cron\nconfig:\n  spec: '0 0 * * *'\n  timezone: US/Eastern  "
     "# schedulelib: ignore[SL504]\n", set()),
], ids=["select", "ignore", "inline-ignore"])
def test_fix_repairs_only_what_validate_reports(tmp_path: Path, args: list[str], text: str,
                                                after: str, left: set[str]) -> None:
    """A code left out by --select / --ignore or silenced by a comment is not repaired, and
    a comment whose finding stays is still in use."""
    path = tmp_path / ("x.yaml" if text.startswith("strategy:") else "x.json")
    path.write_text(text)
    status, out, _ = run("validate", "--fix", "--isolated", "--format", "json", *args,
                         str(path))
    assert path.read_text() == after
    assert {f["code"] for f in _findings(out)} == left
    assert status == 0


@pytest.mark.parametrize(("hours", "fixed"), [
    ("[0,0,0,0,0,0.0,0.0,0.0,0]", "[0]"),
    ('["1","2","3","4","5","6","7","8","9","10",1,1,2]', "[1,2,3,4,5,6,7,8,9,10]"),
    ("[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,5,5]", "[0,5]"),
    ('["1","2","3","4","5","6","7","8","9","10","11","12",13.0]',
     "[1,2,3,4,5,6,7,8,9,10,11,12,13]"),
], ids=["repeats-past-the-cap", "strings-then-repeats", "floats-past-the-cap",
        "strings-then-a-float"])
def test_items_past_the_findings_cap_are_fixed_too(hours: str, fixed: str) -> None:
    """Findings stop at ten per value; the repair still covers every item of the array."""
    text = ('{"reverseETLSchedule": {"strategy": "specific_days", "config": {"days": [0], '
            '"hours": ' + hours + ', "timezone": "UTC"}}}')
    result = fix_text(text, name="x.json")
    assert result.refused == ""
    assert result.after == text.replace(hours, fixed)
    assert fix_text(result.after, name="x.json").findings == ()
