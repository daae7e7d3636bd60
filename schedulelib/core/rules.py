"""The rule registry: what each code means, its severity, and how to fix what it reports.

``schedulelib rule CODE`` and docs/rules.md are generated from :data:`RULES`; a code never
changes meaning, and a retired code is never reused.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from schedulelib._support.records import Frozen, frozen_value

Severity = Literal["error", "warning"]


@frozen_value(slots=True)
class Rule(Frozen):
    """What a code means, for ``schedulelib rule CODE`` and docs/rules.md."""

    code: str
    name: str
    severity: Severity
    what: str
    why: str
    example: str
    fix: str
    #: ``schedulelib validate --fix`` repairs some findings of this code (those whose meaning
    #: is unambiguous; see :data:`schedulelib.lint.fix.SCOPE` for which).
    fixable: bool = False

    def __init__(self, code: str, name: str, severity: Severity, what: str, why: str,
                 example: str, fix: str, fixable: bool = False) -> None:
        put = object.__setattr__
        put(self, "code", code)
        put(self, "name", name)
        put(self, "severity", severity)
        put(self, "what", what)
        put(self, "why", why)
        put(self, "example", example)
        put(self, "fix", fix)
        put(self, "fixable", fixable)


# The codes --fix knows how to repair (schedulelib/fix.py; a test keeps the two in step).
_FIXABLE = frozenset({"SL202", "SL303", "SL305", "SL306", "SL404", "SL406", "SL504"})


def _rules(*rules: Rule) -> dict[str, Rule]:
    # Only the few fixable rules are copied: this runs on every start.
    return {r.code: replace(r, fixable=True) if r.code in _FIXABLE else r for r in rules}


# Grouped by hundreds: 0xx document, 1xx schedule object, 2xx periodic, 3xx specific_days,
# 4xx cron, 5xx timezone, 6xx dbt_cloud, 7xx schedules judged together (the files of one run),
# 8xx drift (the files against a workspace snapshot),
# 9xx files and sources (command line).
RULES: dict[str, Rule] = _rules(
    Rule(
        "SL001", "json-syntax", "error",
        "The text is not valid JSON (or YAML / HCL, for files read by the command line).",
        "A document that does not parse cannot be checked at all; the position points at the "
        "first character the parser could not accept.",
        '{"reverseETLSchedule": { { "strategy": "periodic" } }',
        "Correct the syntax at the line and column given (the docs' own periodic example has "
        "an extra pair of braces).",
    ),
    Rule(
        "SL002", "non-finite-number", "error",
        "A JSON number is NaN, Infinity or -Infinity.",
        "These are not JSON (RFC 8259); Python's parser accepts them, Segment's API does not.",
        '{"strategy": "specific_days", "config": {"days": [NaN], ...}}',
        "Write a finite number.",
    ),
    Rule(
        "SL003", "duplicate-key", "error",
        "An object has the same key twice.",
        "JSON parsers silently keep one of the two values (which one differs between parsers), "
        "so what you reviewed may not be what Segment receives.",
        '{"strategy": "cron", "strategy": "periodic"}',
        "Remove one of the two keys.",
    ),
    Rule(
        "SL004", "not-an-object", "error",
        "The document, or the value under `reverseETLSchedule`, is not an object.",
        "A schedule is a JSON object with `strategy` and `config`.",
        '{"reverseETLSchedule": "periodic"}',
        'Write an object: {"strategy": "periodic", "config": {"interval": "1h"}}.',
    ),
    Rule(
        "SL005", "yaml-1-1-reading", "warning",
        "A plain YAML value that YAML 1.2 and YAML 1.1 read differently: `08` (the number 8, or "
        "the text \"08\"), `010` (10, or 8 in octal), `1:30` (text, or 90 in base 60), `yes`, "
        "`1e3`, `0o17`, `1_000`.",
        "schedulelib reads YAML 1.2, the current version; PyYAML and the many tools built on it "
        "read YAML 1.1, so the value you reviewed may not be the value a tool sends to "
        "Segment. The message names both readings.",
        "hours: [08, 09]",
        "Write the value so that both read it the same: `8` for a number, a quoted string "
        "(`\"1:30\"`) for text.",
    ),
    Rule(
        "SL006", "yaml-unquoted-asterisk", "error",
        "A plain YAML value starts with `*`, which YAML reads as an alias (a reference to an "
        "anchor): `spec: */15 * * * *`.",
        "The file does not parse (or, with an anchor of that name, means something else "
        "entirely), and the cron spec is lost.",
        "spec: */15 * * * *",
        'Quote the value: `spec: "*/15 * * * *"`.',
    ),
    Rule(
        "SL007", "yaml-alias-expansion", "error",
        "A YAML schedule holds more than 10,000 values once its aliases are expanded, or the "
        "schedules of a file more than 200,000 values plus 10 per character of the file, or "
        "aliases nest a schedule more than 100 levels deep (an alias inside itself).",
        "A few hundred bytes of nested aliases (a \"billion laughs\") expand to gigabytes; "
        "schedulelib refuses to expand them rather than run out of memory. That schedule is "
        "not checked.",
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n...",
        "Write the schedule out, or with fewer aliases.",
    ),
    Rule(
        "SL008", "number-too-long", "error",
        "A number in a JSON or YAML file has more digits than Python converts to an integer "
        "(4,300 by default), or is too large for a 64-bit float.",
        "No schedule value is near that size, and Segment's parsers refuse it; the schedule "
        "holding it is not checked.",
        '{"strategy": "periodic", "config": {"interval": 1000...000}}',
        "Write the value intended.",
    ),
    Rule(
        "SL101", "missing-strategy", "error",
        "The schedule object has no `strategy`.",
        "`strategy` is the one required field; without it Segment cannot tell how to read "
        "`config`.",
        '{"config": {"interval": "1h"}}',
        "Add `strategy`: one of manual, periodic, specific_days, cron, dbt_cloud.",
    ),
    Rule(
        "SL102", "unknown-strategy", "error",
        "`strategy` is not a string naming one of the known strategies.",
        "Segment's docs spell them in lowercase (manual, periodic, specific_days, cron) and its "
        "API and Terraform provider in uppercase (MANUAL, PERIODIC, SPECIFIC_DAYS, CRON, "
        "DBT_CLOUD); anything else is rejected by the API.",
        '{"strategy": "hourly"}',
        "Use one of the spellings listed; the hint suggests the closest one.",
    ),
    Rule(
        "SL103", "unknown-key", "error",
        "The schedule object, or its `config`, has a key that the strategy does not define.",
        "A misspelt key (`intervall`) is silently ignored by some tools, so the schedule you "
        "meant is not the one that runs.",
        '{"strategy": "periodic", "config": {"interval": "1h", "offset": "5m"}}',
        "Remove the key or correct its spelling; the hint names the closest known key.",
    ),
    Rule(
        "SL104", "config-not-object", "error",
        "`config` is present but is not an object.",
        "Every strategy other than manual takes its settings as a JSON object.",
        '{"strategy": "periodic", "config": "1h"}',
        'Write an object, e.g. "config": {"interval": "1h"}.',
    ),
    Rule(
        "SL105", "missing-key", "error",
        "A key the strategy requires is missing from `config` (or `config` itself is missing).",
        "Segment's API requires every field of the strategy's config.",
        '{"strategy": "cron", "config": {"spec": "0 * * * *"}}',
        "Add the missing key; the message names it.",
    ),
    Rule(
        "SL106", "manual-with-config", "error",
        "A manual schedule has a non-empty `config`.",
        "Manual syncs take no settings; Segment's Terraform provider rejects a config for "
        "MANUAL (\"does not require a config\").",
        '{"strategy": "manual", "config": {"interval": "1h"}}',
        "Remove `config`, or set it to null or {}.",
    ),
    Rule(
        "SL201", "interval-not-string", "error",
        "`interval` is not a string.",
        "Segment reads the interval with Go's time.ParseDuration, which takes text such as "
        '"1h30m"; a bare number has no unit.',
        '{"strategy": "periodic", "config": {"interval": 3600}}',
        'Write the interval as a string with a unit, e.g. "1h".',
    ),
    Rule(
        "SL202", "invalid-duration", "error",
        "`interval` is not a duration Go's time.ParseDuration accepts; the message is Go's own.",
        "Go accepts only the units ns, us, µs, ms, s, m and h, no spaces and no days; an "
        "interval Go rejects is rejected by Segment.",
        '{"strategy": "periodic", "config": {"interval": "1d"}}',
        'Use hours: "24h" instead of "1d", "168h" instead of "1w".',
    ),
    Rule(
        "SL203", "interval-too-short", "error",
        "The interval is 10 minutes or less.",
        'Segment\'s docs: "The interval must be greater than 10 minutes". The bound is '
        "exclusive, so 10m itself is rejected.",
        '{"strategy": "periodic", "config": {"interval": "10m"}}',
        "Use an interval longer than 10 minutes, e.g. 15m.",
    ),
    Rule(
        "SL204", "interval-too-long", "error",
        "The interval is 168 hours (one week) or more.",
        'Segment\'s docs: the interval must be "shorter than 1 week (168h)". The bound is '
        "exclusive, so 168h itself is rejected.",
        '{"strategy": "periodic", "config": {"interval": "168h"}}',
        "Use a shorter interval, or a specific_days or cron schedule for weekly syncs.",
    ),
    Rule(
        "SL301", "not-an-array", "error",
        "`days` or `hours` is not an array.",
        "Segment takes the days and hours as arrays of numbers.",
        '{"days": 1, ...}',
        "Write an array, e.g. [1].",
    ),
    Rule(
        "SL302", "item-count", "error",
        "`days` does not have 1 to 7 items, or `hours` does not have 1 to 24 items.",
        "Segment's docs: at least 1 item and no more than 7 days / 24 hours. Duplicated items "
        "count toward the limit.",
        '{"days": [], ...}',
        "List each day (0-6) or hour (0-23) once.",
    ),
    Rule(
        "SL303", "item-not-integer", "error",
        "An item of `days` or `hours` is not a whole number (a string, a boolean, a fraction, "
        "null, ...).",
        "Days and hours are numbers; true, \"1\" or 1.5 name no day or hour.",
        '{"hours": ["9"], ...}',
        "Write whole numbers without quotes.",
    ),
    Rule(
        "SL304", "item-out-of-range", "error",
        "A day is outside 0-6 or an hour is outside 0-23.",
        "Days run from 0 (Sunday) to 6 (Saturday); hours from 0 (midnight) to 23 (11pm). "
        "Sunday is 0, never 7.",
        '{"days": [7], ...}',
        "Use 0 for Sunday; use 0 for midnight, not 24.",
    ),
    Rule(
        "SL305", "integral-float", "warning",
        "A day or hour is written as a number with a fraction part of zero (1.0).",
        "Segment's Go SDK types these arrays as float32, so 1.0 is accepted, but other tools "
        "may not accept it.",
        '{"hours": [9.0], ...}',
        "Write the integer: 9.",
    ),
    Rule(
        "SL306", "duplicate-item", "warning",
        "A day or hour is listed more than once.",
        "The duplicate adds nothing but still counts toward the 7-day / 24-hour item limit.",
        '{"days": [1, 1], ...}',
        "List each value once.",
    ),
    Rule(
        "SL401", "spec-not-string", "error",
        "The cron `spec` is not a string.",
        "Segment takes a 5-field cron expression as text.",
        '{"spec": 15, ...}',
        'Write the expression as a string, e.g. "*/15 * * * *".',
    ),
    Rule(
        "SL402", "field-count", "error",
        "The cron expression does not have exactly 5 fields.",
        "Segment's docs: \"include only five fields, not six, as Segment's smallest time unit "
        "is minutes\". A 6th or 7th field (seconds, years: Quartz, Spring, AWS) is not allowed.",
        '{"spec": "0 */15 * * * *", ...}',
        "Write minute, hour, day of month, month and day of week; drop seconds and years.",
    ),
    Rule(
        "SL403", "cron-syntax", "error",
        "A cron field holds a value that is not a number, name, range, step or list the "
        "portable dialect allows, or a number outside the field's range.",
        "Minutes run 0-59, hours 0-23, days 1-31, months 1-12 (or JAN-DEC), days of week 0-6 "
        "(or SUN-SAT); ranges run low to high and steps are at least 1.",
        '{"spec": "0 24 * * *", ...}',
        "Correct the field named in the message.",
    ),
    Rule(
        "SL404", "cron-unsupported", "error",
        "The expression uses a cron feature outside the portable 5-field dialect: a macro "
        "(@hourly, @every), L, W, #, Jenkins H, or a CRON_TZ=/TZ= prefix.",
        "Segment accepts the 5-field dialect; extensions of one engine are rejected or read "
        "differently by another.",
        '{"spec": "@hourly", ...}',
        "The message names the feature and the portable way to say it (e.g. @hourly is "
        "`0 * * * *`, @every is the periodic strategy, CRON_TZ= is the timezone field).",
    ),
    Rule(
        "SL405", "weekday-seven", "error",
        "Day of week 7 is used for Sunday.",
        "Segment's day numbering runs 0-6 (and robfig/cron, which Go schedulers use, rejects "
        "7), although some crons accept 7 as Sunday.",
        '{"spec": "0 9 * * 7", ...}',
        "Use 0 (or SUN) for Sunday.",
    ),
    Rule(
        "SL406", "question-mark", "warning",
        "`?` is used in the day-of-month or day-of-week field.",
        "`?` means the same as `*` in robfig/cron, but Debian cron and others reject it.",
        '{"spec": "0 9 ? * 1", ...}',
        "Write `*` instead of `?`.",
    ),
    Rule(
        "SL407", "cron-too-frequent", "error",
        "Two consecutive runs of the expression are less than 15 minutes apart.",
        'Segment\'s docs: "We do not allow cron expressions lower than 15 minutes". '
        "schedulelib computes the shortest wall-clock gap between consecutive runs exactly, "
        "over the whole calendar (runs that cross midnight, a month end or a year end count).",
        '{"spec": "0,50 * * * *", ...}  (00:50 and 01:00 are 10 minutes apart)',
        "Space the runs at least 15 minutes apart; the message names the two closest runs.",
    ),
    Rule(
        "SL408", "cron-never-runs", "error",
        "The expression matches no date at all.",
        "A day of month that the month never has (February 30th, April 31st) never fires; "
        "some people use it to disable a job, which Segment's manual strategy does plainly.",
        '{"spec": "0 0 30 2 *", ...}',
        "Use the manual strategy to disable automatic syncs, or correct the day or month.",
    ),
    Rule(
        "SL409", "dst-too-frequent", "warning",
        "The expression keeps 15 minutes between runs on the wall clock, but a DST change makes "
        "two runs less than 15 real minutes apart (under the Go / robfig policy).",
        "On the day clocks go back, an hour repeats: a run at 01:50 in summer time and one at "
        "01:00 in winter time may be minutes apart in real time.",
        '{"spec": "0,50 1 * * *", "timezone": "America/New_York"}',
        "Use UTC, avoid the hours a DST change repeats or skips, or accept the one short gap.",
    ),
    Rule(
        "SL410", "robfig-only-form", "error",
        "The expression uses a form that robfig/cron v3 (the Go parser Segment's backend "
        "uses) reads, but that the portable dialect refuses: a plus sign (`+5`), `*-5` or "
        "`?-5` (read as `*`), empty list items (`1,,2`), `?` outside the day fields or with a "
        "step (`?/2`), or a non-ASCII letter Go lower-cases to a name (`FRİ`).",
        "These forms are accidents of robfig's parser: Debian cron, croniter and others reject "
        "them or read them otherwise, and some hide a typo (a value lost between two commas). The "
        "message says what robfig would have read (docs/decisions.md, D18-D22).",
        '{"spec": "0 9 * * +5", ...}',
        "Write the form the message gives (`5`, `*`, `1,2`, `*/2`, `FRI`).",
    ),
    Rule(
        "SL501", "timezone-not-string", "error",
        "`timezone` is not a string.",
        "Segment takes the zone as an IANA name such as \"America/New_York\".",
        '{"timezone": -5, ...}',
        "Write an IANA zone name.",
    ),
    Rule(
        "SL502", "timezone-special", "error",
        "`timezone` is empty or `Local`.",
        "Go's time.LoadLocation reads \"\" as UTC and \"Local\" as the server's own zone, so "
        "the schedule would run in whatever zone Segment's servers have.",
        '{"timezone": "Local", ...}',
        'Name the zone you mean, e.g. "UTC" or "Europe/Berlin".',
    ),
    Rule(
        "SL503", "timezone-unknown", "error",
        "`timezone` is not a zone of the IANA database (exact case).",
        "Zone names are case-sensitive (Go reads them from files); an unknown name fails to "
        "load and the sync never runs.",
        '{"timezone": "america/new_york", ...}',
        "Use the exact IANA name; the hint suggests the closest one.",
    ),
    Rule(
        "SL504", "timezone-alias", "warning",
        "`timezone` is a backward-compatible alias (a link) of another zone.",
        "Aliases such as US/Eastern still load, but the IANA database keeps them only for "
        "compatibility and may drop them.",
        '{"timezone": "US/Eastern", ...}',
        "Use the canonical name the hint gives (America/New_York).",
    ),
    Rule(
        "SL505", "timezone-path", "error",
        "`timezone` is shaped like a file path (`..`, a leading `/` or `\\`).",
        "Go rejects such names (\"time: invalid location name\"); schedulelib rejects them "
        "without touching the file system.",
        '{"timezone": "../etc/passwd", ...}',
        "Use an IANA zone name.",
    ),
    Rule(
        "SL601", "dbt-id", "error",
        "`jobId` or `accountId` of a dbt_cloud schedule is not a non-empty string.",
        "Segment's API types both as strings; a number or an empty string names no dbt Cloud "
        "job.",
        '{"strategy": "dbt_cloud", "config": {"jobId": 710963, "accountId": "259085"}}',
        'Write the ids as strings: "710963".',
    ),
    Rule(
        "SL701", "same-source-start", "warning",
        "Two or more schedules of one source (warehouse) start a run in the same minute at "
        "least once in the 365 days after --as-of, under the run's DST policy.  Each schedule "
        "involved gets one finding naming the others, how many of its starts a year are "
        "shared and the first one.",
        "Segment's Reverse ETL setup guide: \"Scheduling multiple extractions to start at the "
        "same time inside the same data warehouse causes extraction errors.\"  Schedules are "
        "grouped by the source of their model (segment_reverse_etl_model source_id, a "
        "model's sourceId), or by the model where its source is not in the files read; "
        "disabled ones run nothing and are left out; periodic schedules have no phase in "
        "their configuration and are not judged.",
        'model_id = "m1" ... spec = "0 * * * *"  and  model_id = "m2" ... spec = "0 */2 * * *" '
        "(m1 and m2 on one source)",
        "Move one of them a few minutes (`schedulelib spread PATHS --diff` proposes the "
        "fewest moves); in a pre-commit hook, read the rest of the repository with "
        "`--context`.",
    ),
    Rule(
        "SL702", "dbt-cloud-limit", "error",
        "More than five subscriptions of one model use the dbt_cloud strategy.  The finding "
        "is on the sixth and every later one, in file order.",
        "Segment's Reverse ETL docs: \"if there are 5 mappings with a dbt Cloud schedule for a "
        "model, you will not be able to create additional mappings\": the sixth is refused.",
        "six segment_destination_subscription resources with model_id = \"m1\" and strategy "
        '= "DBT_CLOUD"',
        "Give the sixth mapping another strategy, or trigger it from another model.",
    ),
    Rule(
        "SL801", "drift-changed", "error",
        "`schedulelib drift`: the subscription's schedule in the files and in the workspace "
        "snapshot start runs at different instants.  The finding says what each does in plain "
        "English and gives the first run one makes and the other does not, from --as-of.",
        "What is merged is not what runs: an edit in the app, or a Terraform apply that did "
        "not take, leaves the repository describing another schedule.",
        'files: {"strategy": "cron", "config": {"spec": "0 9 * * 1-5", "timezone": '
        '"America/New_York"}}  workspace: spec "0 14 * * 1-5" in "UTC" (apart in summer)',
        "Apply the files (terraform apply, or a Git sync), or bring the change made in the "
        "app back into the files.",
    ),
    Rule(
        "SL802", "drift-only-in-files", "error",
        "`schedulelib drift`: a schedule in the files matches no subscription of the snapshot "
        "(by id, or by name where the files give no id).",
        "A subscription deleted in the app, or one not created yet: the files promise runs "
        "that nothing makes.",
        'resource "segment_destination_subscription" "id-d1_s9" { ... }  with no s9 in the '
        "workspace",
        "Create it (apply), or remove it from the files; pull a fresh snapshot if it is new.",
    ),
    Rule(
        "SL803", "drift-only-in-workspace", "error",
        "`schedulelib drift`: a subscription of the snapshot that no schedule in the files "
        "matches.  The finding is placed on the subscription in the snapshot file.",
        "A subscription made in the app and never written down runs on a schedule nobody "
        "reviews.",
        "a snapshot subscription s7 that no file names",
        "Add it to the files (terraform import, or a Git sync export), or delete it in the app; "
        "give drift every directory that holds schedules.",
    ),
    Rule(
        "SL804", "drift-enabled-differs", "warning",
        "`schedulelib drift`: the schedule runs at the same times on both sides, but the files "
        "and the workspace disagree on whether the subscription is enabled.",
        "A disabled subscription runs nothing whatever its schedule says; turning one off in "
        "the app is a common quick fix that the files never hear of.",
        "enabled = true in the files, \"enabled\": false in the snapshot",
        "Make the files say what the workspace should do, then apply.",
    ),
    Rule(
        "SL805", "drift-equivalent", "warning",
        "`schedulelib drift`: the schedule is written differently on the two sides but starts "
        "runs at the same instants for ever (\"60m\" and \"1h\"; an alias of a zone and its "
        "canonical name; day 29-31 of February and day 29).  A note: drift still exits 0 "
        "unless warnings fail (--strict).",
        "A plan that shows a changed string is not a changed schedule; saying so saves a "
        "needless apply, and the next export will write it the workspace's way.",
        'files: {"strategy": "periodic", "config": {"interval": "60m"}}  workspace: "1h"',
        "Nothing needs to change; write it as the workspace does to quiet the note.",
    ),
    Rule(
        "SL806", "drift-unknown", "error",
        "`schedulelib drift`: a matched subscription whose schedule cannot be compared: the "
        "files know it only when Terraform runs (SL903), or one side is not a valid schedule, "
        "or the workspace has none.",
        "Checked means checked: a schedule that could not be judged is never counted as the "
        "same.",
        'schedule_config = { interval = var.interval }  with no default for var.interval',
        "Give the value statically (a default, a --var-file), or fix the schedule the finding "
        "names.",
    ),
    Rule(
        "SL807", "drift-ambiguous-match", "error",
        "`schedulelib drift`: a schedule in the files could be matched only by name, and more "
        "than one subscription fits (or more than one schedule in the files wants the same "
        "subscription, or the same id is claimed twice).",
        "Pairing on a guess would compare the wrong schedules and could call a change the "
        "same; the ambiguity is reported instead.",
        "two subscriptions named \"Daily users\" for one destination and model, and a file "
        "that gives no id",
        "Give the subscription id in the files (an import block, a Git sync resource name, an "
        "\"id\" field).",
    ),
    Rule(
        "SL901", "unreadable-file", "error",
        "A file could not be read (missing, no permission, a symbolic link loop, or not a "
        "regular file: a FIFO or a device named on the command line), a directory could not "
        "be searched, or a file's bytes are not UTF-8 text.",
        "A configuration file that cannot be read cannot be checked, and nothing is skipped in "
        "silence; the command exits 2 for files and directories that cannot be opened at all. "
        "Special files and dangling links found by a directory search are skipped with a note "
        "instead.",
        "config.json: [Errno 2] No such file or directory",
        "Check the path, permissions and encoding (save the file as UTF-8).",
    ),
    Rule(
        "SL902", "empty-file", "error",
        "Text given to the API as schedule configuration (`scan(..., everything=True)`) is "
        "empty, or holds no document.",
        "An empty file usually means a failed export or an unsaved editor buffer. Files are "
        "first judged on whether they are about schedules at all (docs/decisions.md D23), and "
        "an empty file is not, so it is skipped.",
        "(a file of zero bytes)",
        "Write the configuration, or remove the file.",
    ),
    Rule(
        "SL903", "not-static", "warning",
        "A Terraform schedule holds a value the files alone do not give: a resource or data "
        "attribute, a variable without a value, a function schedulelib does not evaluate, an "
        "expression Terraform would refuse, or a for_each it cannot expand. The message says "
        "which value and why. Such a schedule is never counted as checked.",
        "schedulelib reads files statically and cannot check what it cannot see; it says so "
        "instead of passing the schedule.",
        "config = jsonencode({ interval = data.segment_settings.s.interval })",
        "Write the value literally (or through locals and variables that have values), or "
        "check the plan: terraform show -json.",
    ),
    Rule(
        "SL904", "file-too-large", "error",
        "A configuration file is larger than the limit schedulelib reads (16 MiB; 256 MiB for "
        "a workspace snapshot written by `schedulelib pull`).",
        "Schedule configuration is small; a huge file is almost always the wrong file.",
        "(a 2 GB log file named config.json)",
        "Point schedulelib at the configuration files themselves.",
    ),
    Rule(
        "SL905", "no-schedule", "warning",
        "A file named on the command line names a schedule key (`reverseETLSchedule`, "
        "`reverse_etl_schedule`, `schedule_strategy`) but holds no schedule, not even one "
        "set to null.",
        "The key is there, so the file is about schedules, yet nothing was checked: the key "
        "may sit in a comment or a string, or under a name schedulelib does not read. Files "
        "that do not mention schedules at all are skipped without this warning, and "
        "`reverseETLSchedule: null` says plainly that there is no schedule "
        "(docs/decisions.md D23).",
        '{"name": "my model", "note": "reverseETLSchedule comes later"}',
        "Check that the schedule is where schedulelib looks for it; directories are searched "
        "without this warning.",
    ),
    Rule(
        "SL910", "terraform-schedule-block", "error",
        "A Terraform schedule attribute (reverse_etl_schedule, schedule_config) is written as "
        "a nested block, without '='.",
        "The Segment provider declares them as attributes: `terraform validate` rejects the "
        "block form, and schedulelib would otherwise find no schedule there at all.",
        'reverse_etl_schedule { strategy = "MANUAL" }',
        "Write it as an attribute: reverse_etl_schedule = { strategy = \"MANUAL\" }.",
    ),
    Rule(
        "SL911", "plan-format-version", "error",
        "A Terraform plan or state JSON (terraform show -json) declares a format_version whose "
        "major version is not 0 or 1.",
        "Terraform's JSON output format asks readers to reject a major version they do not "
        "know: its meaning may have changed.",
        '{"format_version": "2.0", "resource_changes": [{"type": '
        '"segment_destination_subscription", ...}]}',
        "Produce the JSON with a Terraform release that writes format 1.x, or report the new "
        "format.",
    ),
    Rule(
        "SL920", "unused-suppression", "warning",
        "A `# schedulelib: ignore[CODE]` comment names a code that is not found on the line "
        "it applies to.",
        "A suppression outlives the problem it was written for and would silently hide the "
        "next, different problem on that line (ruff's RUF100 does the same).",
        "spec: \"0 9 * * *\"  # schedulelib: ignore[SL407]",
        "Remove the code from the comment, or the whole comment.",
    ),
    Rule(
        "SL921", "bad-suppression", "error",
        "An ignore comment that cannot be used: a bare `# schedulelib: ignore` without codes, "
        "an empty `ignore[]`, or an unknown code.",
        "A bare ignore would hide every finding on the line, including ones a later version "
        "adds; a misspelt code would hide nothing while looking as if it did.",
        "interval: 5m  # schedulelib: ignore",
        "Name the codes the finding shows: `# schedulelib: ignore[SL203]` (several: "
        "`ignore[SL409, SL504]`).",
    ),
    Rule(
        "SL922", "internal-error", "error",
        "Reading or checking one file failed inside schedulelib itself.",
        "This is a bug, never a problem of the file; the other files are still checked and "
        "reported, and the command exits 2 so that CI does not take the run for a verdict.",
        "(any file that makes schedulelib raise an exception)",
        "Please report it with the file (or a copy without secrets) and the message; no "
        "selection or comment silences this code.",
    ),
    Rule(
        "SL940", "not-a-snapshot", "error",
        "A file given to `audit` (or another snapshot reader) is not a schedulelib snapshot: "
        "not JSON, no `schedulelibSnapshot` key, or a format version this release does not "
        "read.",
        "The audit needs the history window and the sync statuses that only `schedulelib "
        "pull` writes; guessing from another file would report runs as missed that were "
        "never recorded.",
        '{"destinations": [...]}  (an API response saved by hand)',
        "Write the file with `schedulelib pull -o FILE --history 14d`, or upgrade schedulelib "
        "for a newer format.",
    ),
    Rule(
        "SL941", "bad-snapshot-entry", "error",
        "An entry of a snapshot cannot be used: a sync status without `syncId`, `syncStatus` "
        "or an RFC 3339 `startedAt` with a UTC offset, a subscription without `id` or "
        "`modelId`, a `history` that is not two date-times.",
        "Every sync is placed on the time line by its start; a start without a UTC offset "
        "could be hours off.",
        '{"syncId": "y1", "syncStatus": "SUCCESS", "startedAt": "2026-11-24 10:00"}',
        "Pull the snapshot again; if it was edited by hand, write times as "
        "`2026-11-24T10:00:00Z`.",
    ),
)
