"""schedulelib: validate and simulate Segment Reverse ETL sync schedules, exactly."""

from typing import TYPE_CHECKING

from schedulelib._support.version import __version__ as __version__
from schedulelib.core.cron import CronExpr as CronExpr
from schedulelib.core.cron import parse_cron as parse_cron
from schedulelib.core.diagnostics import CronSyntaxError as CronSyntaxError
from schedulelib.core.diagnostics import Diagnostic as Diagnostic
from schedulelib.core.diagnostics import DurationError as DurationError
from schedulelib.core.diagnostics import ScheduleError as ScheduleError
from schedulelib.core.duration import Duration as Duration
from schedulelib.core.duration import parse_duration as parse_duration
from schedulelib.core.rules import Severity as Severity
from schedulelib.core.schedule import Cron as Cron
from schedulelib.core.schedule import DbtCloud as DbtCloud
from schedulelib.core.schedule import DstPolicy as DstPolicy
from schedulelib.core.schedule import Manual as Manual
from schedulelib.core.schedule import Periodic as Periodic
from schedulelib.core.schedule import Schedule as Schedule
from schedulelib.core.schedule import SpecificDays as SpecificDays
from schedulelib.core.schedule import analyze as analyze
from schedulelib.core.schedule import check as check
from schedulelib.core.schedule import load as load

# Names that need modules validation never imports load on first use: the JSON Schema, the
# result types of analyze() (beside the run-time engine) and finding schedules in files (the
# readers).  Type
# checkers see them as the real names they are; the module __getattr__ is hidden from them on
# purpose, so that a misspelt attribute is still an error there.
_LAZY_ANALYSIS = frozenset({"Analysis", "DstEvent", "RealGap"})
_LAZY_SCANNING = frozenset({"Finding", "ScannedFile", "ScannedSchedule", "scan_file",
                            "scan_paths", "scan_text"})
_LAZY_SAME = frozenset({"first_difference", "same_runs"})
if TYPE_CHECKING:
    from schedulelib.core.analysis import Analysis as Analysis
    from schedulelib.core.analysis import DstEvent as DstEvent
    from schedulelib.core.analysis import RealGap as RealGap
    from schedulelib.core.same import first_difference as first_difference
    from schedulelib.core.same import same_runs as same_runs
    from schedulelib.core.schema import schema as schema
    from schedulelib.lint.scanning import Finding as Finding
    from schedulelib.lint.scanning import ScannedFile as ScannedFile
    from schedulelib.lint.scanning import ScannedSchedule as ScannedSchedule
    from schedulelib.lint.scanning import scan_file as scan_file
    from schedulelib.lint.scanning import scan_paths as scan_paths
    from schedulelib.lint.scanning import scan_text as scan_text
else:

    def __getattr__(name: str) -> object:
        if name in _LAZY_ANALYSIS:
            from schedulelib.core import analysis

            return getattr(analysis, name)
        if name in _LAZY_SCANNING:
            from schedulelib.lint import scanning

            return getattr(scanning, name)
        if name in _LAZY_SAME:
            from schedulelib.core import same

            return getattr(same, name)
        if name == "schema":
            from schedulelib.core.schema import schema

            return schema
        raise AttributeError(f"module 'schedulelib' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*globals(), *_LAZY_ANALYSIS, *_LAZY_SCANNING, *_LAZY_SAME, "schema"])


__all__ = [
    "Analysis",
    "Cron",
    "CronExpr",
    "CronSyntaxError",
    "DbtCloud",
    "Diagnostic",
    "DstEvent",
    "DstPolicy",
    "Duration",
    "DurationError",
    "Finding",
    "Manual",
    "Periodic",
    "RealGap",
    "ScannedFile",
    "ScannedSchedule",
    "Schedule",
    "ScheduleError",
    "Severity",
    "SpecificDays",
    "__version__",
    "analyze",
    "check",
    "first_difference",
    "load",
    "parse_cron",
    "parse_duration",
    "same_runs",
    "scan_file",
    "scan_paths",
    "scan_text",
    "schema",
]
