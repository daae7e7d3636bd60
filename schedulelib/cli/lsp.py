"""``schedulelib lsp``: the language server, on standard input and output (the optional extra
``schedulelib[lsp]``; nothing else in the command line imports it)."""

from __future__ import annotations

import click

from schedulelib.cli._common import CommandError


@click.command("lsp", short_help="Run the language server (LSP) on standard input and output.")
@click.option("--stdio", is_flag=True, help="Speak LSP on standard input and output (the only "
              "transport, and the default; accepted because editors pass it).")
def lsp_command(stdio: bool) -> None:
    """Run the language server on standard input and output, for editors (docs/editors.md):
    diagnostics as you type, hover with the next runs, quick fixes and zone-name completion."""
    try:
        from schedulelib.lsp.server import serve
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] in ("pygls", "lsprotocol", "cattrs",
                                                               "attrs"):
            raise CommandError(
                f"schedulelib lsp needs the optional extra 'lsp' ({exc.name} is not "
                "installed): pip install 'schedulelib[lsp]' (in a clone: pip install -e "
                "'.[lsp]'); see docs/editors.md") from None
        raise
    serve()
