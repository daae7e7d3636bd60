"""The strategies as frozen values, and document -> Schedule (``check`` / ``load``).

Every decision that no source settles is made in ``docs/decisions.md``; the comments here
point there rather than repeating it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Union

from schedulelib._support.records import Frozen, frozen_value
from schedulelib.core.cron import (
    MAX_PROBLEMS,
    CronExpr,
    _compile,
    _never_problem,
    cron_warnings,
    go_trim,
)
from schedulelib.core.diagnostics import (
    WRAPPER_KEY,
    Diagnostic,
    DurationError,
    ScheduleError,
    diagnostic,
    int_text,
    pointer,
    preview,
    quote,
    shorten,
)
from schedulelib.core.duration import HOUR, MINUTE, Duration, parse_duration
from schedulelib.core.policy import DstPolicy as DstPolicy
from schedulelib.core.policy import dst_policy as dst_policy
from schedulelib.core.zones import zone_problems

if TYPE_CHECKING:
    from schedulelib.core.analysis import Analysis
    from schedulelib.core.dstwarn import ShortGapCause

# Both spellings real users write: the docs' lowercase and the API's / Terraform's uppercase.
STRATEGIES: dict[str, str] = {
    "manual": "manual", "MANUAL": "manual",
    "periodic": "periodic", "PERIODIC": "periodic",
    "specific_days": "specific_days", "SPECIFIC_DAYS": "specific_days",
    "cron": "cron", "CRON": "cron",
    "dbt_cloud": "dbt_cloud", "DBT_CLOUD": "dbt_cloud",
}

CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "manual": (),
    "periodic": ("interval",),
    "specific_days": ("days", "hours", "timezone"),
    "cron": ("spec", "timezone"),
    "dbt_cloud": ("jobId", "accountId"),
}

# Segment's docs: "greater than 10 minutes" and "shorter than 1 week": both bounds exclusive.
PERIODIC_MIN_NS = 10 * MINUTE
PERIODIC_MAX_NS = 168 * HOUR
# "We do not allow cron expressions lower than 15 minutes": the shortest wall-clock gap.
CRON_FLOOR = timedelta(minutes=15)


# -- the values ---------------------------------------------------------------------------------


class _Base(Frozen):
    strategy: ClassVar[str]
    #: False for manual and dbt_cloud, whose syncs no clock triggers.
    time_driven: ClassVar[bool] = True

    def runs(self, after: datetime, until: datetime | None = None, *,
             dst: DstPolicy = "go") -> Iterator[datetime]:
        raise NotImplementedError

    def next_runs(self, after: datetime, count: int, *, dst: DstPolicy = "go") -> list[datetime]:
        """The first ``count`` runs strictly after ``after`` (at most :data:`MAX_COUNT`: a
        list is built; :meth:`runs` streams any number)."""
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"count must be a whole number (int), got {type(count).__name__} "
                            f"{count!r:.60}")
        if count < 0 or count > MAX_COUNT:
            # 10**9 datetimes would take some 50 GB before the first one was returned.
            raise ScheduleError(f"count must be a whole number from 0 to {MAX_COUNT}, got "
                                f"{count!r:.60}; iterate runs(after) for more")
        out: list[datetime] = []
        if count == 0:
            return out
        for run in self.runs(after, dst=dst):
            out.append(run)
            if len(out) == count:
                break
        return out


class _NoClock(_Base):
    time_driven: ClassVar[bool] = False

    def runs(self, after: datetime, until: datetime | None = None, *,
             dst: DstPolicy = "go") -> Iterator[datetime]:
        """No time-driven runs: an empty iterator (arguments are still checked)."""
        from schedulelib.core.runs import check_aware

        check_aware(after, "after")
        if until is not None:
            check_aware(until, "until")
        dst_policy(dst)
        return iter(())


@frozen_value()
class Manual(_NoClock):
    """Syncs run only when triggered by hand (UI or API)."""

    strategy: ClassVar[str] = "manual"

    def __init__(self) -> None:
        pass

    def to_dict(self) -> dict[str, Any]:
        return {"strategy": "manual"}


@frozen_value()
class DbtCloud(_NoClock):
    """Syncs triggered by a dbt Cloud job, not by time."""

    strategy: ClassVar[str] = "dbt_cloud"
    job_id: str
    account_id: str

    def __init__(self, job_id: str, account_id: str) -> None:
        object.__setattr__(self, "job_id", job_id)
        object.__setattr__(self, "account_id", account_id)

    def to_dict(self) -> dict[str, Any]:
        return {"strategy": "dbt_cloud",
                "config": {"jobId": self.job_id, "accountId": self.account_id}}


@frozen_value()
class Periodic(_Base):
    """A sync every ``interval``, in absolute time (DST does not move it)."""

    strategy: ClassVar[str] = "periodic"
    interval: Duration
    #: The interval as written (Go accepts many spellings of one duration: "90m", "1h30m").
    text: str = field(default="", compare=False)

    def __init__(self, interval: Duration, text: str = "") -> None:
        object.__setattr__(self, "interval", interval)
        object.__setattr__(self, "text", text)

    def to_dict(self) -> dict[str, Any]:
        return {"strategy": "periodic",
                "config": {"interval": self.text or str(self.interval)}}

    def runs(self, after: datetime, until: datetime | None = None, *, dst: DstPolicy = "go",
             anchor: datetime | None = None) -> Iterator[datetime]:
        """``anchor + k * interval`` for k >= 1, strictly after ``after``.

        ``anchor`` (the last sync) defaults to ``after``.
        """
        from schedulelib.core.runs import iter_periodic_runs

        dst_policy(dst)
        return iter_periodic_runs(self.interval.nanoseconds, after, until, anchor=anchor)


@frozen_value()
class SpecificDays(_Base):
    """At the top of each listed hour on each listed weekday (0 is Sunday), in ``timezone``.

    Defined as the cron expression ``0 <hours> * * <days>`` in the zone: see :meth:`to_cron`.
    """

    strategy: ClassVar[str] = "specific_days"
    days: tuple[int, ...]
    hours: tuple[int, ...]
    timezone: str

    def __init__(self, days: tuple[int, ...], hours: tuple[int, ...], timezone: str) -> None:
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "timezone", timezone)

    def to_dict(self) -> dict[str, Any]:
        return {"strategy": "specific_days",
                "config": {"days": list(self.days), "hours": list(self.hours),
                           "timezone": self.timezone}}

    def to_cron(self) -> Cron:
        spec = f"0 {','.join(map(str, self.hours))} * * {','.join(map(str, self.days))}"
        expr, _ = _compile(spec)
        assert expr is not None
        return Cron(expr, self.timezone)

    def runs(self, after: datetime, until: datetime | None = None, *,
             dst: DstPolicy = "go") -> Iterator[datetime]:
        return self.to_cron().runs(after, until, dst=dst)


@frozen_value()
class Cron(_Base):
    """A 5-field cron expression evaluated in ``timezone``."""

    strategy: ClassVar[str] = "cron"
    expr: CronExpr
    timezone: str

    def __init__(self, expr: CronExpr, timezone: str) -> None:
        object.__setattr__(self, "expr", expr)
        object.__setattr__(self, "timezone", timezone)

    @property
    def spec(self) -> str:
        return self.expr.spec

    def to_dict(self) -> dict[str, Any]:
        return {"strategy": "cron", "config": {"spec": self.spec, "timezone": self.timezone}}

    def runs(self, after: datetime, until: datetime | None = None, *,
             dst: DstPolicy = "go") -> Iterator[datetime]:
        from schedulelib.core.runs import iter_cron_runs

        return iter_cron_runs(self.expr, self.timezone, after, until, dst=dst)


Schedule = Union[Manual, Periodic, SpecificDays, Cron, DbtCloud]  # noqa: UP007


# -- reading a document -------------------------------------------------------------------------


class _Reader:
    """Walks one document, collecting every problem and building the value if there are none."""

    def __init__(self, base: str, as_of: datetime | None) -> None:
        self.base = base
        self.as_of = as_of
        self.found: list[Diagnostic] = []

    def add(self, code: str, parts: tuple[str | int, ...], message: str, hint: str = "") -> None:
        self.found.append(diagnostic(code, self.base + pointer(*parts), message, hint))

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.found)

    def read(self, obj: object) -> Schedule | None:
        if not isinstance(obj, Mapping):
            self.add("SL004", (), f"a schedule must be an object, got {_kind(obj)}",
                     'write {"strategy": "...", "config": {...}}')
            return None
        first = len(self.found)
        skipped = 0
        for key in obj:
            if key not in ("strategy", "config"):
                if len(self.found) - first >= MAX_PROBLEMS:
                    skipped += 1  # counted, not described: difflib per key adds up
                    continue
                self.add("SL103", (_key(key),), f"unknown key {_quote_key(key)} in the schedule "
                         "object", _closest_hint(_key(key), ("strategy", "config"),
                                       "a schedule has only 'strategy' and 'config'"))
        self._cap(first, "in the schedule object", skipped)
        if "strategy" not in obj:
            self.add("SL101", (), "the schedule object has no 'strategy'",
                     "add 'strategy': one of manual, periodic, specific_days, cron, dbt_cloud")
            return None
        raw = obj["strategy"]
        strategy = STRATEGIES.get(raw) if isinstance(raw, str) else None
        if strategy is None:
            self._unknown_strategy(raw)
            return None
        config = obj.get("config")
        if strategy == "manual":
            if config is not None and config != {}:
                self.add("SL106", ("config",), f"a manual schedule takes no config, got "
                         f"{_show(config)}", "remove 'config', or set it to null or {}")
                return None
            return Manual()
        if "config" not in obj or config is None:
            keys = ", ".join(repr(k) for k in CONFIG_KEYS[strategy])
            self.add("SL105", ("config",) if "config" in obj else (),
                     f"a {strategy} schedule needs a config with {keys}",
                     _example_hint(strategy))
            return None
        if not isinstance(config, Mapping):
            self.add("SL104", ("config",), f"config must be an object, got {_kind(config)}",
                     _example_hint(strategy))
            return None
        self._keys(strategy, config)
        value = getattr(self, "_" + strategy)(config)
        return None if self.failed else value

    def _unknown_strategy(self, raw: object) -> None:
        if not isinstance(raw, str):
            self.add("SL102", ("strategy",), f"strategy must be a string, got {_kind(raw)}",
                     "use one of manual, periodic, specific_days, cron, dbt_cloud")
            return
        folded = raw.strip().lower().replace("-", "_").replace(" ", "_")
        folded = {"specificdays": "specific_days", "dbtcloud": "dbt_cloud"}.get(folded, folded)
        if folded in CONFIG_KEYS:
            hint = f"did you mean {folded!r} (or {folded.upper()!r})?"
        else:
            hint = _closest_hint(raw.lower(), tuple(CONFIG_KEYS),
                                 "use one of manual, periodic, specific_days, cron, dbt_cloud")
        self.add("SL102", ("strategy",), f"unknown strategy {quote(raw)}", hint)

    def _keys(self, strategy: str, config: Mapping[Any, Any]) -> None:
        wanted = CONFIG_KEYS[strategy]
        first = len(self.found)
        skipped = 0
        for key in config:
            if key not in wanted:
                if len(self.found) - first >= MAX_PROBLEMS:
                    skipped += 1
                    continue
                self.add("SL103", ("config", _key(key)),
                         f"unknown key {_quote_key(key)} in a {strategy} config",
                         _closest_hint(_key(key), wanted, "allowed: " + ", ".join(wanted)))
        self._cap(first, "in the config", skipped)
        for key in wanted:
            if key not in config:
                self.add("SL105", ("config",), f"the {strategy} config has no {key!r}",
                         _example_hint(strategy))

    # -- strategies --

    def _periodic(self, config: Mapping[str, Any]) -> Periodic | None:
        if "interval" not in config:
            return None
        raw = config["interval"]
        if not isinstance(raw, str):
            self.add("SL201", ("config", "interval"),
                     f"interval must be a string, got {_kind(raw)} {_show(raw)}",
                     'write a Go duration string with a unit, e.g. "1h"')
            return None
        try:
            interval = parse_duration(raw)
        except DurationError as exc:
            # Go's own text, which quotes the whole input: cut in the middle when long.
            self.add("SL202", ("config", "interval"), shorten(str(exc)), _duration_hint(raw))
            return None
        ns = interval.nanoseconds
        if ns <= PERIODIC_MIN_NS:
            self.add("SL203", ("config", "interval"),
                     f"interval {quote(raw)} ({interval}) is not greater than 10m",
                     "Segment needs an interval greater than 10 minutes, e.g. \"15m\"")
        elif ns >= PERIODIC_MAX_NS:
            self.add("SL204", ("config", "interval"),
                     f"interval {quote(raw)} ({interval}) is not shorter than 168h (one week)",
                     "use less than 168h, or a specific_days or cron schedule")
        return Periodic(interval, raw)

    def _specific_days(self, config: Mapping[str, Any]) -> SpecificDays | None:
        days = self._numbers(config, "days", 6, 7, "day", "0 (Sunday) to 6 (Saturday)")
        hours = self._numbers(config, "hours", 23, 24, "hour", "0 to 23")
        zone = self._zone(config)
        if days is None or hours is None or zone is None:
            return None
        return SpecificDays(tuple(sorted(set(days))), tuple(sorted(set(hours))), zone)

    def _numbers(self, config: Mapping[str, Any], key: str, high: int, most: int, noun: str,
                 span: str) -> list[int] | None:
        if key not in config:
            return None
        items = config[key]
        if not isinstance(items, list | tuple):
            self.add("SL301", ("config", key), f"{key} must be an array of numbers, got "
                     f"{_kind(items)} {_show(items)}", f"write an array, e.g. [{high // 2}]")
            return None
        ok = True
        if not 1 <= len(items) <= most:
            self.add("SL302", ("config", key), f"{key} has {len(items)} items; it needs 1 to "
                     f"{most}", f"list each {noun} ({span}) once")
            ok = False
        values: list[int] = []
        seen: dict[int, int] = {}
        first = len(self.found)
        for i, item in enumerate(items):
            where = ("config", key, i)
            if isinstance(item, bool) or not isinstance(item, int | float):
                self.add("SL303", where, f"{noun} {_show(item)} is not a whole number "
                         f"({_kind(item)})", f"write a number from {span}, without quotes")
                ok = False
                continue
            if isinstance(item, float):
                if not math.isfinite(item) or not item.is_integer():
                    self.add("SL303", where, f"{noun} {item!r} is not a whole number",
                             f"write a whole number from {span}")
                    ok = False
                    continue
                self.add("SL305", where, f"{noun} {item!r} is written with a fraction part",
                         f"write {int(item)}")
                item = int(item)
            if not 0 <= item <= high:
                extra = ": Sunday is 0, not 7" if key == "days" and item == 7 else ""
                self.add("SL304", where, f"{noun} {int_text(item)} is outside {span}{extra}",
                         f"use {'an' if noun == 'hour' else 'a'} {noun} from {span}")
                ok = False
                continue
            if item in seen:
                self.add("SL306", where, f"{noun} {item} is listed twice (first at index "
                         f"{seen[item]})", "list each value once; duplicates still count "
                         f"toward the {most}-item limit")
            else:
                seen[item] = i
            values.append(item)
        self._cap(first, f"in {key}")
        return values if ok else None

    def _cap(self, first: int, where: str, skipped: int = 0) -> None:
        """Keep at most MAX_PROBLEMS of the findings added since ``first`` (``skipped`` more
        were counted without being made), and say so on the last one kept."""
        extra = len(self.found) - first - MAX_PROBLEMS + skipped
        if extra > 0:
            del self.found[first + MAX_PROBLEMS:]
            last = self.found[-1]
            self.found[-1] = Diagnostic(
                last.code, last.severity, last.path,
                f"{last.message} (and {extra:,} more problem{'s' if extra != 1 else ''} "
                f"{where}, not listed)", last.hint)

    def _zone(self, config: Mapping[str, Any]) -> str | None:
        if "timezone" not in config:
            return None
        raw = config["timezone"]
        if not isinstance(raw, str):
            self.add("SL501", ("config", "timezone"), f"timezone must be a string, got "
                     f"{_kind(raw)} {_show(raw)}", 'write an IANA name, e.g. "Europe/Berlin"')
            return None
        for problem in zone_problems(raw):
            self.add(problem.code, ("config", "timezone"), problem.message, problem.hint)
        return raw

    def _cron(self, config: Mapping[str, Any]) -> Cron | None:
        expr = self._cron_expr(config)
        zone = self._zone(config)
        if expr is None or zone is None or self.failed:
            return None
        for cause in _short_gap_causes(expr, zone, self.as_of):
            self.add("SL409", ("config", "spec"), cause.describe(), "use UTC, or avoid the "
                     "hours that the DST change skips or repeats")
        return Cron(expr, zone)

    def _cron_expr(self, config: Mapping[str, Any]) -> CronExpr | None:
        if "spec" not in config:
            return None
        raw = config["spec"]
        where = ("config", "spec")
        if not isinstance(raw, str):
            self.add("SL401", where, f"spec must be a string, got {_kind(raw)} {_show(raw)}",
                     'write a 5-field cron expression, e.g. "*/15 * * * *"')
            return None
        expr, problems = _compile(raw)
        for problem in problems:
            self.add(problem.code, where, problem.message, problem.hint)
        for code, message, hint in cron_warnings(raw):
            self.add(code, where, message, hint)
        if expr is None:
            return None
        if expr.never_runs:
            problem = _never_problem(raw)
            self.add(problem.code, where, problem.message, problem.hint)
            return None
        if expr.min_gap < CRON_FLOOR:
            self.add("SL407", where, f"cron expression {quote(raw)} runs more often than every 15 "
                     f"minutes: {expr.closest_runs.describe()}",
                     "Segment needs at least 15 minutes between runs, e.g. '*/15 * * * *'")
            return None
        return expr

    def _dbt_cloud(self, config: Mapping[str, Any]) -> DbtCloud | None:
        ids = []
        for key in ("jobId", "accountId"):
            if key not in config:
                continue
            raw = config[key]
            if not isinstance(raw, str) or not raw.strip():
                what = "an empty string" if isinstance(raw, str) else f"{_kind(raw)} {_show(raw)}"
                fix = f'write it as a string: "{int_text(raw)}"' if isinstance(raw, int) and \
                    abs(raw) < 10**40 else \
                    "give the dbt Cloud id as a non-empty string"
                self.add("SL601", ("config", key), f"{key} must be a non-empty string, got "
                         f"{what}", fix)
            else:
                ids.append(raw)
        return DbtCloud(ids[0], ids[1]) if len(ids) == 2 else None


def _short_gap_causes(expr: CronExpr, zone: str,
                      as_of: datetime | None) -> list[ShortGapCause]:
    from schedulelib.core.dstwarn import short_gap_causes

    return short_gap_causes(expr, zone, as_of)


# -- public entry points ------------------------------------------------------------------------


def _read(doc: object, as_of: datetime | None) -> tuple[Schedule | None, list[Diagnostic]]:
    if isinstance(doc, str | bytes | bytearray):
        from schedulelib.core.jsontext import parse_json

        try:
            doc, problems = parse_json(bytes(doc) if isinstance(doc, bytearray) else doc)
        except ValueError as exc:  # the reader's own limits (digits of a number, ...)
            return None, [diagnostic("SL001", "", f"the JSON text cannot be read: "
                                     f"{shorten(str(exc), 200)}")]
        if any(d.code in ("SL001", "SL008") for d in problems):  # SL008: a number too long
            return None, problems
    else:
        problems = []
    base = ""
    if isinstance(doc, Mapping) and WRAPPER_KEY in doc:
        # A wrapper (or a whole DestinationSubscription): only the schedule inside is checked.
        base = pointer(WRAPPER_KEY)
        doc = doc[WRAPPER_KEY]
    reader = _Reader(base, as_of)
    value = reader.read(doc)
    found = problems + reader.found
    if problems:  # a duplicate key or NaN: what was read is not what was written
        value = None
    return value, found


#: The most runs :meth:`next_runs` lists at once (the ``next`` command's ``--count`` limit).
MAX_COUNT = 100_000


def aware_as_of(as_of: object) -> datetime | None:
    """``as_of`` checked: None, or an aware :class:`datetime`; :class:`TypeError` for another
    type (a date, an ISO string), :class:`ScheduleError` for a naive datetime.  Checked when
    given, not when first needed, so a wrong one never passes unseen where no schedule needs
    it."""
    if as_of is None:
        return None
    if not isinstance(as_of, datetime):
        raise TypeError(f"as_of must be an aware datetime or None, got "
                        f"{type(as_of).__name__} {as_of!r:.60} (e.g. datetime(2026, 1, 1, "
                        "tzinfo=timezone.utc); parse a string with datetime.fromisoformat)")
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise ScheduleError(f"as_of must be an aware datetime, got naive {as_of!r}")
    return as_of


def check(doc: object, *, as_of: datetime | None = None) -> list[Diagnostic]:
    """Every problem with a schedule document; never raises for bad input.

    ``doc`` is a mapping, or JSON text (``str`` / ``bytes``); either the schedule object
    itself or a wrapper ``{"reverseETLSchedule": {...}}``.  Paths are JSON Pointers into
    ``doc``.  ``as_of`` (default: now) starts the look-ahead for DST warnings (SL409); one
    that is not an aware datetime raises (:func:`aware_as_of`).
    """
    aware_as_of(as_of)
    try:
        return _read(doc, as_of)[1]
    except RecursionError:
        return [diagnostic("SL004", "", "the document is nested too deeply to check")]


def load(doc: object, *, as_of: datetime | None = None) -> Schedule:
    """The schedule as a frozen value; raises :class:`ScheduleError` if ``check`` finds errors.

    Warnings do not stop loading.
    """
    aware_as_of(as_of)
    try:
        value, found = _read(doc, as_of)
    except RecursionError:
        raise ScheduleError("the document is nested too deeply to check") from None
    if value is None or any(d.severity == "error" for d in found):
        raise ScheduleError.from_diagnostics(found)
    return value


def analyze(schedule: Schedule, start: datetime, end: datetime, *,
            dst: DstPolicy = "go") -> Analysis:
    """What ``schedule`` does in ``(start, end]`` under the ``dst`` policy (see docs/api.md).

    Runs per day and per ISO week, the shortest and longest real gaps, and every DST event
    that skipped, repeated or shifted a run the schedule names.  The run-time engine is
    imported on first use: validation never needs it.
    """
    from schedulelib.core.analysis import analyze as analyze_schedule

    if not isinstance(schedule, _Base):
        raise TypeError(f"schedule must be a Schedule (from load()), got "
                        f"{type(schedule).__name__} {schedule!r:.60}")
    return analyze_schedule(schedule, start, end, dst=dst_policy(dst))


# -- message helpers ----------------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__


def _show(value: object, limit: int = 60) -> str:
    return preview(value, limit)


def _key(key: object) -> str:
    """A mapping key as a path part (a Python mapping may have non-string keys)."""
    if isinstance(key, str):
        return key
    return int_text(key) if isinstance(key, int) and not isinstance(key, bool) else preview(key)


def _quote_key(key: object) -> str:
    return quote(key) if isinstance(key, str) else _key(key)


def _closest_hint(word: str, choices: tuple[str, ...], fallback: str) -> str:
    import difflib  # only for a misspelt name: a valid schedule never needs it

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else fallback


def _example_hint(strategy: str) -> str:
    return {
        "periodic": 'e.g. "config": {"interval": "1h"}',
        "specific_days": 'e.g. "config": {"days": [1], "hours": [9], '
                         '"timezone": "America/New_York"}',
        "cron": 'e.g. "config": {"spec": "0 9 * * 1-5", "timezone": "Europe/Berlin"}',
        "dbt_cloud": 'e.g. "config": {"jobId": "710963", "accountId": "259085"}',
    }[strategy]


def _duration_hint(raw: str) -> str:
    # Go's ParseDuration trims nothing (D16): any white space, Go's or not, is an error.
    stripped = go_trim(raw)
    number, unit = stripped[:-1], stripped[-1:]
    if 0 < len(number) <= 15 and number.isascii() and number.isdigit():
        if unit in ("d", "D"):
            return f'Go has no day unit: write "{int(number) * 24}h"'
        if unit in ("w", "W"):
            return f'Go has no week unit: write "{int(number) * 168}h"'
    if stripped != raw or any(c.isspace() for c in raw):
        return 'no spaces: write the parts together, e.g. "1h30m"'
    if len(raw) <= 30 and raw[-1:].isascii() and raw[-1:].isdigit() and raw != "0":
        return f'add a unit: "{raw}m" or "{raw}s" (units: ns, us, ms, s, m, h)'
    return 'units are ns, us (or µs), ms, s, m and h, e.g. "1h30m"'
