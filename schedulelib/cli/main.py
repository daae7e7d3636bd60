"""The ``schedulelib`` command: thin.  Parse arguments, call the library, render, exit.

Exit status: 0 nothing to report, 1 findings, 2 usage error or a file that cannot be read.

Start-up time matters (a pre-commit hook runs on every commit), so this module imports click
and nothing else: each command lives in its own module (``validate``, ``show``, ``calendar``,
``workspace``), imported only when that command runs, and each imports what it needs.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import Any

import click

from schedulelib.cli._common import EXIT_FINDINGS, EXIT_OK

#: Every command, with the line ``--help`` shows for it.  A command's module is imported only
#: when that command runs (:func:`_load`), so ``validate`` never pays for ``calendar``.
COMMANDS: dict[str, str] = {
    "validate": "Check every schedule in files and directories.",
    "next": "The next runs of SCHEDULE (a file, '-', or inline JSON).",
    "explain": "Say in plain English what a schedule does, DST included.",
    "calendar": "Preview when schedules run: a week or month calendar.",
    "pull": "Read a workspace (read only) into a snapshot file.",
    "audit": "Compare a snapshot's sync history with its schedules.",
    "spread": "Propose start minutes that part schedules of one source.",
    "drift": "Compare the schedules in files with a workspace snapshot.",
    "rule": "Explain rule CODE (SL407 or a name), or list every rule.",
    "schema": "Print the JSON Schema (2020-12) of a schedule.",
    "lsp": "Run the language server (LSP) for editors, on stdin/stdout.",
}


def _load(name: str) -> click.Command:
    """The command ``name`` of :data:`COMMANDS`, imported now."""
    command: click.Command
    if name == "validate":
        from schedulelib.cli.validate import validate as command
    elif name == "next":
        from schedulelib.cli.show import next_command as command
    elif name == "explain":
        from schedulelib.cli.show import explain_command as command
    elif name == "rule":
        from schedulelib.cli.show import rule_command as command
    elif name == "schema":
        from schedulelib.cli.show import schema_command as command
    elif name == "calendar":
        from schedulelib.cli.calendar import calendar_command as command
    elif name == "pull":
        from schedulelib.cli.workspace import pull_command as command
    elif name == "audit":
        from schedulelib.cli.workspace import audit_command as command
    elif name == "lsp":
        from schedulelib.cli.lsp import lsp_command as command
    elif name == "spread":
        from schedulelib.cli.spread import spread_command as command
    elif name == "drift":
        from schedulelib.cli.drift import drift_command as command
    else:
        raise KeyError(name)
    return command


class _LazyGroup(click.Group):
    """A group whose subcommands are imported only when they are run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.add_command(_load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) > 1:
            return super().__call__(*args, **kwargs)
        return run(args[0] if args else None)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The same line whether or not the command was loaded already.
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name]) for name in self.list_commands(ctx)])


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from schedulelib._support.version import __version__
    from schedulelib.core.zones import tzdata_version

    click.echo(f"schedulelib {__version__} (IANA time zone data {tzdata_version()})")
    ctx.exit(EXIT_OK)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version and the time zone data release, then exit.")
def cli() -> None:
    """Validate and simulate Segment Reverse ETL sync schedules (reverseETLSchedule)."""


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    # A command imports most of what it runs on first use, and the collector's default
    # threshold (a young collection every 700 allocations) makes those imports pay for dozens
    # of collections of objects that live as long as the process.  A larger threshold for the
    # run, as mypy sets one, keeps collecting cycles, only less often (docs/decisions.md D55).
    threshold = gc.get_threshold()
    if 0 < threshold[0] < 50_000:  # 0: automatic collection is off, and stays off
        gc.set_threshold(50_000, *threshold[1:])
    try:
        return _run(argv)
    finally:
        gc.set_threshold(*threshold)


def _run(argv: Sequence[str] | None) -> int:
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="schedulelib",
                          standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except BrokenPipeError:  # `schedulelib ... | head`
        sys.stderr.close()
        return EXIT_FINDINGS
    return result if isinstance(result, int) else EXIT_OK


#: The console script (``schedulelib = "schedulelib.cli.main:main"``): calling it returns the exit
#: status (``main()``, ``main(["validate", "x.json"])``), and it is the click group itself, so
#: ``CliRunner().invoke(main, [...])`` works too.
main = cli


