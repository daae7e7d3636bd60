"""schedulelib: validate and simulate Segment Reverse ETL sync schedules, exactly."""

from typing import TYPE_CHECKING

from .cron import CronExpr as CronExpr
from .cron import parse_cron as parse_cron
from .duration import Duration as Duration
from .duration import parse_duration as parse_duration
from .errors import CronSyntaxError as CronSyntaxError
from .errors import Diagnostic as Diagnostic
from .errors import DurationError as DurationError
from .errors import ScheduleError as ScheduleError
from .errors import Severity as Severity
from .schedule import Cron as Cron
from .schedule import DbtCloud as DbtCloud
from .schedule import DstPolicy as DstPolicy
from .schedule import Manual as Manual
from .schedule import Periodic as Periodic
from .schedule import Schedule as Schedule
from .schedule import SpecificDays as SpecificDays
from .schedule import analyze as analyze
from .schedule import check as check
from .schedule import load as load
from .schema import schema as schema

__version__ = "0.1.0"

# Names that need modules validation never imports load on first use: the result types of
# analyze() (beside the run-time engine) and finding schedules in files (the readers).  Type
# checkers see them as the real names they are; the module __getattr__ is hidden from them on
# purpose, so that a misspelt attribute is still an error there.
_LAZY = {"Analysis": "analysis", "DstEvent": "analysis", "RealGap": "analysis",
         "Finding": "scanning", "ScannedFile": "scanning", "ScannedSchedule": "scanning",
         "scan_file": "scanning", "scan_paths": "scanning", "scan_text": "scanning"}
if TYPE_CHECKING:
    from .analysis import Analysis as Analysis
    from .analysis import DstEvent as DstEvent
    from .analysis import RealGap as RealGap
    from .scanning import Finding as Finding
    from .scanning import ScannedFile as ScannedFile
    from .scanning import ScannedSchedule as ScannedSchedule
    from .scanning import scan_file as scan_file
    from .scanning import scan_paths as scan_paths
    from .scanning import scan_text as scan_text
else:

    def __getattr__(name: str) -> object:
        if name in _LAZY:
            from importlib import import_module

            return getattr(import_module(f".{_LAZY[name]}", __name__), name)
        raise AttributeError(f"module 'schedulelib' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*globals(), *_LAZY])


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
    "load",
    "parse_cron",
    "parse_duration",
    "scan_file",
    "scan_paths",
    "scan_text",
    "schema",
]
