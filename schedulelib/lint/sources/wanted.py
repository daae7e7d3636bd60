"""The Terraform session a run has asked for, made when a Terraform file is first read.

The engine asks for it at the start of a run (with the run's ``--var-file`` files);
:func:`schedulelib.lint.sources.tfmodule.current` makes it the first time a Terraform reader
needs it.  So a run whose files are all JSON and YAML, or whose ``.tf`` files are none of
schedulelib's business, never loads the Terraform reader.  Kept apart from ``tfmodule`` so
that asking costs no import of it.
"""

from __future__ import annotations

from contextvars import ContextVar


class Wanted:
    """A run's request for a Terraform session, and the session once made."""

    __slots__ = ("given", "roots", "session", "var_files")

    def __init__(self, var_files: tuple[str, ...] = (), roots: tuple[str, ...] = ()) -> None:
        self.var_files = var_files
        #: The paths the run was given: module blocks under them that call a module set its
        #: variables (decision D57).
        self.roots = roots
        #: The ``tfmodule.Session`` once made (typed loosely: this module imports no reader).
        self.session: object = None
        #: How many of the session's ``var_scans`` are the ``--var-file`` files.
        self.given = 0


WANTED: ContextVar[Wanted | None] = ContextVar("schedulelib_terraform_wanted", default=None)
