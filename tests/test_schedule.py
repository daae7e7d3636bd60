"""Documents -> findings (check) and frozen values (load)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import schedulelib
from schedulelib import (
    Cron,
    DbtCloud,
    Diagnostic,
    Manual,
    Periodic,
    ScheduleError,
    SpecificDays,
    check,
    load,
    parse_duration,
)

AS_OF = datetime(2026, 1, 15, tzinfo=UTC)


def _codes(doc: object) -> list[tuple[str, str]]:
    return [(d.code, d.path) for d in check(doc, as_of=AS_OF)]


def _cron(spec: str, zone: str = "UTC") -> dict[str, Any]:
    return {"strategy": "cron", "config": {"spec": spec, "timezone": zone}}


def _days(days: object, hours: object = (9,), zone: object = "UTC") -> dict[str, Any]:
    return {"strategy": "specific_days",
            "config": {"days": days, "hours": list(hours) if isinstance(hours, tuple) else hours,
                       "timezone": zone}}


def _periodic(interval: object) -> dict[str, Any]:
    return {"strategy": "periodic", "config": {"interval": interval}}


# -- valid documents, as real users write them ------------------------------------------------

VALID: list[tuple[str, object]] = [
    ("manual", {"strategy": "manual"}),
    ("manual, config null", {"strategy": "MANUAL", "config": None}),
    ("manual, config {}", {"strategy": "manual", "config": {}}),
    ("periodic 15m", _periodic("15m")),
    ("periodic 10m1ns", _periodic("10m0.000000001s")),
    ("periodic just under a week", _periodic("167h59m59.999999999s")),
    ("periodic, uppercase", {"strategy": "PERIODIC", "config": {"interval": "1h"}}),
    ("specific_days unsorted", _days([1, 5, 2, 3, 4], [8], "America/Chicago")),
    ("specific_days all", _days(list(range(7)), list(range(24)))),
    ("cron, the docs' example", _cron("15 */3 1 * *", "America/Los_Angeles")),
    ("cron */15", _cron("*/15 * * * *")),
    ("cron in a zone.tab link", _cron("0 9 * * 1-5", "Europe/Amsterdam")),
    ("dbt_cloud", {"strategy": "DBT_CLOUD", "config": {"jobId": "710963",
                                                       "accountId": "259085"}}),
    ("wrapped", {"reverseETLSchedule": {"strategy": "manual"}}),
    ("JSON text", '{"reverseETLSchedule": {"strategy": "periodic", "config": {"interval": '
                  '"1h"}}}'),
    ("JSON bytes", b'{"strategy": "cron", "config": {"spec": "0 * * * *", "timezone": "UTC"}}'),
]


@pytest.mark.parametrize("doc", [v[1] for v in VALID], ids=[v[0] for v in VALID])
def test_valid_documents_have_no_findings(doc: object) -> None:
    """Valid schedules, in every spelling users write, pass clean and load."""
    assert check(doc, as_of=AS_OF) == []
    assert load(doc, as_of=AS_OF).time_driven in (True, False)


# -- each rule, with the path it points at ----------------------------------------------------

INVALID: list[tuple[str, object, list[tuple[str, str]]]] = [
    # the schedule object
    ("not an object", ["manual"], [("SL004", "")]),
    ("wrapper holds a string", {"reverseETLSchedule": "periodic"},
     [("SL004", "/reverseETLSchedule")]),
    ("no strategy", {"config": {"interval": "1h"}}, [("SL101", "")]),
    ("strategy not a string", {"strategy": 1}, [("SL102", "/strategy")]),
    ("unknown strategy", {"strategy": "hourly"}, [("SL102", "/strategy")]),
    ("unknown key", {"strategy": "manual", "extra": 1}, [("SL103", "/extra")]),
    ("key with a slash", {"strategy": "manual", "a/b": 1}, [("SL103", "/a~1b")]),
    ("config a string", {"strategy": "periodic", "config": "1h"}, [("SL104", "/config")]),
    ("config missing", {"strategy": "cron"}, [("SL105", "")]),
    ("config null", {"strategy": "cron", "config": None}, [("SL105", "/config")]),
    ("config key missing", {"strategy": "cron", "config": {"spec": "0 * * * *"}},
     [("SL105", "/config")]),
    ("manual with config", {"strategy": "manual", "config": {"interval": "1h"}},
     [("SL106", "/config")]),
    # periodic
    ("interval a number", _periodic(3600), [("SL201", "/config/interval")]),
    ("interval 1d", _periodic("1d"), [("SL202", "/config/interval")]),
    ("interval 10m is not greater than 10m", _periodic("10m"), [("SL203", "/config/interval")]),
    ("interval 600s", _periodic("600s"), [("SL203", "/config/interval")]),
    ("interval negative", _periodic("-1h"), [("SL203", "/config/interval")]),
    ("interval 168h", _periodic("168h"), [("SL204", "/config/interval")]),
    ("interval 1w", _periodic("1w"), [("SL202", "/config/interval")]),
    ("interval wrapped to 0", _periodic("9223372036854775808ns9223372036854775808ns"),
     [("SL203", "/config/interval")]),
    ("periodic unknown key", {"strategy": "periodic", "config": {"interval": "1h", "x": 1}},
     [("SL103", "/config/x")]),
    # specific_days
    ("days not an array", _days(1), [("SL301", "/config/days")]),
    ("days empty", _days([]), [("SL302", "/config/days")]),
    ("eight days", _days([0, 1, 2, 3, 4, 5, 6, 0]),
     [("SL302", "/config/days"), ("SL306", "/config/days/7")]),
    ("25 hours", _days([1], [*list(range(24)), 5]),
     [("SL302", "/config/hours"), ("SL306", "/config/hours/24")]),
    ("day as a string", _days(["1"]), [("SL303", "/config/days/0")]),
    ("day as a boolean", _days([True]), [("SL303", "/config/days/0")]),
    ("day a fraction", _days([1.5]), [("SL303", "/config/days/0")]),
    ("day null", _days([None]), [("SL303", "/config/days/0")]),
    ("day 7", _days([7]), [("SL304", "/config/days/0")]),
    ("hour 24", _days([1], [24]), [("SL304", "/config/hours/0")]),
    ("hour -1", _days([1], [-1]), [("SL304", "/config/hours/0")]),
    ("day 1.0 is a warning", _days([1.0]), [("SL305", "/config/days/0")]),
    ("duplicate day is a warning", _days([1, 1]), [("SL306", "/config/days/1")]),
    # cron
    ("spec a number", _cron(15), [("SL401", "/config/spec")]),  # type: ignore[arg-type]
    ("six fields", _cron("0 */15 * * * *"), [("SL402", "/config/spec")]),
    ("hour 24", _cron("0 24 * * *"), [("SL403", "/config/spec")]),
    ("@hourly", _cron("@hourly"), [("SL404", "/config/spec")]),
    ("weekday 7", _cron("0 9 * * 7"), [("SL405", "/config/spec")]),
    ("? is a warning", _cron("0 9 ? * 1"), [("SL406", "/config/spec")]),
    ("every 10 minutes", _cron("*/10 * * * *"), [("SL407", "/config/spec")]),
    ("23:50 and midnight", _cron("0,50 23,0 * * *"), [("SL407", "/config/spec")]),
    ("never runs", _cron("0 0 30 2 *"), [("SL408", "/config/spec")]),
    # timezone
    ("zone a number", _cron("0 * * * *", -5), [("SL501", "/config/timezone")]),  # type: ignore
    ("zone empty", _cron("0 * * * *", ""), [("SL502", "/config/timezone")]),
    ("zone Local", _cron("0 * * * *", "Local"), [("SL502", "/config/timezone")]),
    ("zone wrong case", _cron("0 * * * *", "america/new_york"), [("SL503", "/config/timezone")]),
    ("zone unknown", _days([1], [1], "Mars/Olympus"), [("SL503", "/config/timezone")]),
    ("zone alias", _cron("0 * * * *", "US/Eastern"), [("SL504", "/config/timezone")]),
    ("zone path", _cron("0 * * * *", "../../etc/passwd"), [("SL505", "/config/timezone")]),
    ("zone absolute path", _cron("0 * * * *", "/etc/localtime"), [("SL505", "/config/timezone")]),
    ("zone backslash", _cron("0 * * * *", "\\UNC\\foo"), [("SL505", "/config/timezone")]),
    # dbt_cloud
    ("dbt id a number", {"strategy": "dbt_cloud", "config": {"jobId": 1, "accountId": "2"}},
     [("SL601", "/config/jobId")]),
    ("dbt id empty", {"strategy": "dbt_cloud", "config": {"jobId": "1", "accountId": " "}},
     [("SL601", "/config/accountId")]),
    # wrapped: paths start at the wrapper
    ("wrapped bad day", {"reverseETLSchedule": _days([9])},
     [("SL304", "/reverseETLSchedule/config/days/0")]),
]


@pytest.mark.parametrize(("doc", "expected"), [(i[1], i[2]) for i in INVALID],
                         ids=[i[0] for i in INVALID])
def test_each_rule_points_at_the_value(doc: object, expected: list[tuple[str, str]]) -> None:
    """The right code, pointing at the offending value itself."""
    assert _codes(doc) == expected


def test_all_problems_are_reported() -> None:
    """Several problems in one document are all reported, in document order."""
    doc = {"strategy": "specific_days", "extra": True,
           "config": {"days": [1, 9], "hours": ["x"], "timezone": "Nowhere"}}
    assert _codes(doc) == [("SL103", "/extra"), ("SL304", "/config/days/1"),
                           ("SL303", "/config/hours/0"), ("SL503", "/config/timezone")]


def test_messages_quote_the_input_and_give_gos_form() -> None:
    """The periodic message quotes the interval and gives Go's canonical form."""
    [found] = check(_periodic("9m60s"))
    assert "'9m60s'" in found.message and "10m0s" in found.message
    assert found.hint


def test_strategy_hint_suggests_the_spelling() -> None:
    """A near-miss strategy gets a did-you-mean hint."""
    assert "'specific_days'" in check({"strategy": "specificDays"})[0].hint
    assert "'periodic'" in check({"strategy": "peroidic"})[0].hint


def test_zone_hint_gives_the_right_case() -> None:
    """A wrong-case zone gets the right spelling; an alias gets its canonical zone."""
    assert "'Europe/Berlin'" in check(_cron("0 * * * *", "europe/berlin"))[0].hint
    assert "'America/New_York'" in check(_cron("0 * * * *", "US/Eastern"))[0].hint


# -- JSON text ---------------------------------------------------------------------------------

JSON_TEXT = [
    ("docs' periodic example", '"reverseETLSchedule": {\n  {\n    "config": {}\n  }\n}',
     "SL001"),
    ("NaN", '{"strategy": "specific_days", "config": {"days": [NaN], "hours": [1], '
            '"timezone": "UTC"}}', "SL002"),
    ("Infinity", '{"strategy": "periodic", "config": {"interval": Infinity}}', "SL002"),
    ("duplicate key", '{"strategy": "cron", "strategy": "manual"}', "SL003"),
    ("empty text", "", "SL001"),
    ("a JSON string", '"manual"', "SL004"),
]


@pytest.mark.parametrize(("text", "code"), [(j[1], j[2]) for j in JSON_TEXT],
                         ids=[j[0] for j in JSON_TEXT])
def test_json_text_problems(text: str, code: str) -> None:
    """JSON syntax, NaN/Infinity and duplicated keys are errors of their own."""
    assert code in [d.code for d in check(text)]


def test_syntax_error_gives_line_and_column() -> None:
    """A syntax error names the line and column."""
    [found] = check('{\n  "strategy": "manual",\n}')
    assert found.code == "SL001" and "line 3" in found.message and "column" in found.message


# -- load ----------------------------------------------------------------------------------

LOADED = [
    (_periodic("90m"), Periodic(parse_duration("1h30m"))),
    (_days([3, 1, 1.0], [8]), SpecificDays((1, 3), (8,), "UTC")),
    ({"strategy": "MANUAL", "config": None}, Manual()),
    ({"strategy": "dbt_cloud", "config": {"jobId": "1", "accountId": "2"}}, DbtCloud("1", "2")),
]


@pytest.mark.parametrize(("doc", "value"), LOADED, ids=[str(v[1]) for v in LOADED])
def test_load_builds_frozen_values(doc: object, value: object) -> None:
    """load() gives the frozen value; warnings do not stop it."""
    loaded = load(doc)
    assert loaded == value
    with pytest.raises(AttributeError):
        loaded.strategy = "x"  # type: ignore[misc]


def test_load_raises_with_every_diagnostic() -> None:
    """load() raises a ScheduleError (a ValueError) carrying all the findings."""
    with pytest.raises(ValueError) as info:
        load(_days([9], [25]))
    assert isinstance(info.value, ScheduleError)
    assert [d.code for d in info.value.diagnostics] == ["SL304", "SL304"]
    assert "/config/days/0" in str(info.value) and "1 more error" in str(info.value)


def test_cron_value_exposes_the_expression() -> None:
    """A Cron value carries its parsed expression and minimum gap."""
    value = load(_cron("0 9 * * 1-5", "Europe/Berlin"))
    assert isinstance(value, Cron)
    assert value.spec == "0 9 * * 1-5" and value.expr.min_gap.days == 1


def test_specific_days_to_cron() -> None:
    """specific_days is the cron expression 0 <hours> * * <days> in its zone."""
    value = load(_days([5, 1], [18, 6]))
    assert isinstance(value, SpecificDays)
    assert value.to_cron().spec == "0 6,18 * * 1,5" and value.to_cron().timezone == "UTC"


# -- properties --------------------------------------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["strategy", "config", "interval", "days", "hours", "timezone",
                         "spec", "jobId", "accountId", "reverseETLSchedule", "x"]),
        inner, max_size=4),
    max_leaves=12,
)
STRATEGY = st.sampled_from(["manual", "PERIODIC", "specific_days", "CRON", "dbt_cloud", "x"])


@given(st.one_of(JSONISH, st.builds(lambda s, c: {"strategy": s, "config": c}, STRATEGY, JSONISH)))
def test_check_never_raises_on_json_like_values(doc: object) -> None:
    """Any JSON-like value gives a list of diagnostics with valid pointers, never an exception."""
    found = check(doc, as_of=AS_OF)
    assert all(isinstance(d, Diagnostic) and (d.path == "" or d.path.startswith("/"))
               for d in found)
    if not any(d.severity == "error" for d in found):
        assert load(doc, as_of=AS_OF).to_dict()["strategy"]


@given(st.one_of(st.text(max_size=60), st.binary(max_size=60)))
def test_check_never_raises_on_text(text: str | bytes) -> None:
    """Arbitrary text and bytes give findings, never an exception."""
    assert isinstance(check(text), list)


@given(JSONISH)
def test_check_agrees_on_json_text_and_value(doc: object) -> None:
    """Checking a value or its JSON text gives the same findings."""
    if isinstance(doc, str):
        return  # a str given to check() is JSON text, not a JSON string value
    try:
        text = json.dumps(doc, allow_nan=False)
    except ValueError:
        return
    assert check(text, as_of=AS_OF) == check(json.loads(text), as_of=AS_OF)


VALID_DOCS = st.one_of(
    st.just({"strategy": "manual"}),
    st.integers(10 * 60 + 1, 168 * 3600 - 1).map(lambda s: _periodic(f"{s}s")),
    st.builds(_days, st.lists(st.integers(0, 6), min_size=1, max_size=7),
              st.lists(st.integers(0, 23), min_size=1, max_size=24),
              st.sampled_from(["UTC", "Asia/Kathmandu", "America/Sao_Paulo"])),
    st.builds(lambda m, h: _cron(f"{m} {h} * * *", "Europe/Berlin"),
              st.sampled_from(["0", "*/15", "0,30", "5/20"]), st.sampled_from(["*", "3", "1-5"])),
    st.builds(lambda j, a: {"strategy": "dbt_cloud", "config": {"jobId": j, "accountId": a}},
              st.text(min_size=1).filter(str.strip), st.text(min_size=1).filter(str.strip)),
)


@given(VALID_DOCS)
def test_load_round_trips_through_to_dict(doc: dict[str, Any]) -> None:
    """load(s.to_dict()) == s for every valid schedule."""
    value = load(doc, as_of=AS_OF)
    assert load(value.to_dict(), as_of=AS_OF) == value


def test_public_api_is_the_contract() -> None:
    """The names other tools call are exported."""
    for name in ("check", "load", "parse_duration", "parse_cron", "schema", "Diagnostic",
                 "ScheduleError", "DurationError", "Manual", "Periodic", "SpecificDays", "Cron",
                 "DbtCloud"):
        assert hasattr(schedulelib, name), name
    assert math.isclose(parse_duration("1.5s").nanoseconds, 1.5e9)


# -- huge numbers and odd digits never raise ----------------------------------------------------

BIG = 10**5000  # past Python's 4,300-digit limit for int <-> str
HUGE = [
    ("days", {"strategy": "specific_days", "config": {"days": [BIG], "hours": [1],
                                                      "timezone": "UTC"}}, "SL304"),
    ("hours", {"strategy": "specific_days", "config": {"days": [1], "hours": [-BIG],
                                                       "timezone": "UTC"}}, "SL304"),
    ("interval", {"strategy": "periodic", "config": {"interval": BIG}}, "SL201"),
    ("interval digits", {"strategy": "periodic", "config": {"interval": "9" * 5000 + "d"}},
     "SL202"),
    ("superscript day", {"strategy": "periodic", "config": {"interval": "\u00b2d"}}, "SL202"),
    ("Arabic-Indic digit", {"strategy": "periodic", "config": {"interval": "\u0663h"}}, "SL202"),
    ("jobId", {"strategy": "dbt_cloud", "config": {"jobId": BIG, "accountId": "1"}}, "SL601"),
    ("spec", {"strategy": "cron", "config": {"spec": BIG, "timezone": "UTC"}}, "SL401"),
    ("spec step", {"strategy": "cron", "config": {"spec": "*/" + "7" * 5000 + " * * * *",
                                                  "timezone": "UTC"}}, "SL403"),
    ("timezone", {"strategy": "cron", "config": {"spec": "0 * * * *", "timezone": BIG}},
     "SL501"),
    ("key", {"strategy": "manual", BIG: 1}, "SL103"),
    ("config value", {"strategy": "manual", "config": {"x": [BIG] * 1000}}, "SL106"),
    ("JSON text", '{"strategy": "periodic", "config": {"interval": 1' + "0" * 5000 + "}}",
     "SL008"),
]


@pytest.mark.parametrize(("doc", "code"), [h[1:] for h in HUGE], ids=[h[0] for h in HUGE])
def test_huge_numbers_give_findings(doc: object, code: str) -> None:
    """check() reports them with short messages; load() raises only ScheduleError."""
    found = check(doc, as_of=AS_OF)
    assert code in [d.code for d in found]
    assert all(len(d.message) + len(d.hint) < 600 for d in found)
    with pytest.raises(ScheduleError):
        load(doc, as_of=AS_OF)


MESSAGES = [
    ({"strategy": "specific_days", "config": {"days": [1], "hours": [24], "timezone": "UTC"}},
     "use an hour from 0 to 23"),
    ({"strategy": "specific_days", "config": {"days": [7], "hours": [1], "timezone": "UTC"}},
     "day 7 is outside 0 (Sunday) to 6 (Saturday): Sunday is 0, not 7"),
    ({"strategy": "periodic", "config": {"interval": "2d"}}, 'write "48h"'),
    ({"strategy": "periodic", "config": {"interval": "1h\x1f"}}, "no spaces"),
]


@pytest.mark.parametrize(("doc", "text"), MESSAGES, ids=[m[1] for m in MESSAGES])
def test_message_wording(doc: object, text: str) -> None:
    """Messages and hints read as English and say each thing once."""
    found = check(doc, as_of=AS_OF)
    assert any(text in d.message or text in d.hint for d in found)


class _Counted(list[object]):
    """A list that counts the items read from it."""

    read = 0

    def __iter__(self) -> Any:
        for item in super().__iter__():
            _Counted.read += 1
            yield item


def test_preview_of_a_huge_value_reads_only_what_it_shows() -> None:
    """The preview in a message stops early: a value of a million items is not walked."""
    from schedulelib.core.diagnostics import preview

    _Counted.read = 0
    huge = _Counted([_Counted(range(1000)) for _ in range(1000)])
    text = preview({"x": huge})
    assert len(text) <= 60 and text.startswith('{"x": [[0, 1, 2')
    assert _Counted.read < 60


MANY = [
    ("100,000 bad days", {"strategy": "specific_days", "config": {
        "days": ["x"] * 100_000, "hours": [1], "timezone": "UTC"}}, "in days"),
    ("100,000 unknown config keys", {"strategy": "periodic", "config": {
        "interval": "1h", **{f"k{i}": 1 for i in range(100_000)}}}, "in the config"),
    ("1,000 unknown schedule keys", {"strategy": "manual", **{f"k{i}": 1 for i in range(1000)}},
     "in the schedule object"),
]


@pytest.mark.parametrize(("doc", "where"), [m[1:] for m in MANY], ids=[m[0] for m in MANY])
def test_findings_per_value_are_capped(doc: object, where: str) -> None:
    """At most MAX_PROBLEMS findings per value (plus the count check); the last says so."""
    from schedulelib.core.cron import MAX_PROBLEMS

    found = check(doc, as_of=AS_OF)
    assert len(found) <= MAX_PROBLEMS + 1
    assert f"more problems {where}, not listed)" in found[-1].message
