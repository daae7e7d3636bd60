"""Finding every schedule inside JSON, YAML and Terraform files, with line and column.

A *source* is one file's text.  :func:`scan` finds the schedules in it (each a plain JSON-like
document with a way back from a JSON Pointer inside it to a line and column of the file) and the
problems of the file itself (syntax, encoding, duplicate keys).  :meth:`Scan.check` validates
every schedule with :func:`schedulelib.check` and places each diagnostic in the file.

One module per format, the shared records in one place:

* :mod:`.model`: :class:`Finding`, :class:`Found`, :class:`Scan`, ``Kind``, line tables;
* :mod:`.files`: reading files (:func:`read_file`, :func:`iter_files`, :func:`kind_of`) and
  :func:`scan`, which hands the text to the reader of its kind;
* :mod:`.json`, :mod:`.yaml`: schedules in JSON and YAML (any object under a
  ``reverseETLSchedule`` key at any depth, or a file that is itself a bare schedule);
* :mod:`.terraform` (on :mod:`.hcl`, a small HCL reader of our own): schedules of
  ``segment_destination_subscription`` and ``segment_reverse_etl_model`` resources.

This module only re-exports.
"""

from __future__ import annotations

from schedulelib.lint.sources.files import (
    MAX_BYTES,
    SKIP_DIRS,
    SUFFIXES,
    is_dir,
    iter_files,
    kind_of,
    read_file,
    relevance,
    scan,
    too_large,
    walk,
)
from schedulelib.lint.sources.model import WRAPPER_KEY, Finding, Found, Kind, Scan, Span, Subject

__all__ = [
    "MAX_BYTES",
    "SKIP_DIRS",
    "SUFFIXES",
    "WRAPPER_KEY",
    "Finding",
    "Found",
    "Kind",
    "Scan",
    "Span",
    "Subject",
    "is_dir",
    "iter_files",
    "kind_of",
    "read_file",
    "relevance",
    "scan",
    "too_large",
    "walk",
]
