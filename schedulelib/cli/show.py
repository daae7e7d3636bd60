"""``next``, ``explain``, ``rule`` and ``schema``: what one schedule does, and the references."""

from __future__ import annotations

from datetime import datetime

import click

from schedulelib.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CommandError,
    DstChoice,
    configured_dst,
    parse_time,
    read_schedules,
    report_bad,
    zone,
)


@click.command("next")
@click.argument("schedule", metavar="SCHEDULE")
@click.option("-n", "--count", default=10, show_default=True, type=click.IntRange(0, 100_000),
              help="How many runs.")
@click.option("--after", metavar="ISO", help="List runs strictly after this instant (default: "
              "now); a time without an offset is read in --tz, else the schedule's zone.")
@click.option("--dst", type=DstChoice(),
              help="Whose DST behaviour: robfig/cron (Go), Debian cron, or croniter "
              "(default: `dst` of the configuration, else go).")
@click.option("--tz", "tz_name", metavar="ZONE", help="Also show each run in this IANA zone.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def next_command(ctx: click.Context, schedule: str, count: int, after: str | None,
                 dst: str | None,
                 tz_name: str | None, fmt: str) -> None:
    """The next runs of SCHEDULE (a file, '-', or inline JSON).

    Each run is shown in the schedule's zone, in --tz if given, and in UTC; runs that a DST
    change moved or repeated are marked, and wall times it skipped are listed.
    """
    from datetime import UTC

    from schedulelib.core.explain import upcoming
    from schedulelib.preview import text

    tz = zone(tz_name) if tz_name else None
    if dst is None:
        dst = configured_dst(schedule)
    good, bad = read_schedules(schedule)
    report_bad(bad)
    reports = []
    for name, value in good:
        zone_name = getattr(value, "timezone", None)
        if after is None:
            start = datetime.now(UTC)
        else:
            start = parse_time(after, "--after")
            if start.tzinfo is None:
                start = start.replace(tzinfo=tz or (zone(zone_name) if zone_name else UTC))
        reports.append(upcoming(name, value, start, count, dst=dst))
    if fmt == "json":
        click.echo(text.runs_json(reports, tz))
    else:
        click.echo(text.runs_text(reports, tz), nl=False)
    ctx.exit(EXIT_FINDINGS if bad else EXIT_OK)


# -- explain ------------------------------------------------------------------------------------


@click.command("explain", short_help="Say in plain English what a schedule does, DST included.")
@click.argument("schedule", metavar="SCHEDULE")
@click.option("--as-of", metavar="ISO", help="Look for DST changes in the year after this "
              "instant (default: now).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def explain_command(ctx: click.Context, schedule: str, as_of: str | None, fmt: str) -> None:
    """Say in plain English what SCHEDULE (a file, '-', or inline JSON) does.

    Gives the description, the cron equivalent of a specific_days schedule, the exact
    shortest gap between two runs, and what DST changes in the coming year do to it under
    each engine's policy.
    """
    from datetime import UTC

    from schedulelib.core.explain import explain
    from schedulelib.preview import text

    start = parse_time(as_of, "--as-of") if as_of else datetime.now(UTC)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    good, bad = read_schedules(schedule)
    report_bad(bad)
    items = [(name, explain(value, as_of=start)) for name, value in good]
    if fmt == "json":
        click.echo(text.explain_json(items))
    else:
        click.echo(text.explain_text(items), nl=False)
    ctx.exit(EXIT_FINDINGS if bad else EXIT_OK)


@click.command("rule", short_help="Explain rule CODE (SL407 or a name), or list every rule.")
@click.argument("code", required=False)
def rule_command(code: str | None) -> None:
    """Explain rule CODE (e.g. SL407, or its name, cron-too-frequent); without CODE, list all."""
    from schedulelib.core.rules import RULES

    if code is None:
        width = max(len(r.name) for r in RULES.values())
        for r in RULES.values():
            mark = "fixable" if r.fixable else ""
            click.echo(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {mark:<7}  {r.what}")
        return
    wanted = code.strip()
    rule = RULES.get(wanted.upper()) or next(
        (r for r in RULES.values() if r.name == wanted.lower()), None)
    if rule is None:
        import difflib

        from schedulelib.core.diagnostics import quote

        choices = list(RULES) + [r.name for r in RULES.values()]
        # Only a word of a rule's length can be a near miss (and difflib is quadratic).
        close = difflib.get_close_matches(wanted.upper() if wanted[:2].upper() == "SL"
                                          else wanted.lower(), choices, n=1) \
            if len(wanted) <= 60 else []
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise CommandError(f"no rule {quote(code)}{hint}; `schedulelib rule` lists them all")
    click.echo(f"{rule.code} {rule.name} ({rule.severity})\n\n"
               f"What\n  {rule.what}\n\nWhy\n  {rule.why}\n\n"
               f"Example\n  {rule.example}\n\nFix\n  {rule.fix}")
    if rule.fixable:
        from schedulelib.lint.ruledocs import fix_scope

        click.echo(f"\nFixable\n  schedulelib validate --fix repairs it: {fix_scope(rule)}")


@click.command("schema", short_help="Print the JSON Schema (2020-12) of a schedule.")
def schema_command() -> None:
    """Print the JSON Schema (2020-12) of a schedule, for editors and other validators."""
    import json

    from schedulelib.core.schema import schema

    click.echo(json.dumps(schema(), indent=2, ensure_ascii=False))
