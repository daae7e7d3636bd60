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
from .schedule import Cron as Cron
from .schedule import DbtCloud as DbtCloud
from .schedule import Manual as Manual
from .schedule import Periodic as Periodic
from .schedule import Schedule as Schedule
from .schedule import SpecificDays as SpecificDays
from .schedule import check as check
from .schedule import load as load
from .schema import schema as schema

__version__ = "0.1.0"


# Finding schedules in files needs the readers, which a plain check() never does: type
# checkers see the real names, and at run time they load on first use, so that
# `import schedulelib` stays light.
_SCANNING = ("Finding", "ScannedFile", "ScannedSchedule", "scan_file", "scan_paths",
             "scan_text")
if TYPE_CHECKING:
    from .scanning import Finding as Finding
    from .scanning import ScannedFile as ScannedFile
    from .scanning import ScannedSchedule as ScannedSchedule
    from .scanning import scan_file as scan_file
    from .scanning import scan_paths as scan_paths
    from .scanning import scan_text as scan_text
else:

    def __getattr__(name: str) -> object:
        if name in _SCANNING:
            from . import scanning

            return getattr(scanning, name)
        # The run-time analysis is imported on first use: validation does not need it.
        if name == "analyze":
            from .analysis import analyze

            return analyze
        raise AttributeError(f"module 'schedulelib' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*globals(), *_SCANNING, "analyze"])


__all__ = [
    "Cron",
    "CronExpr",
    "CronSyntaxError",
    "DbtCloud",
    "Diagnostic",
    "Duration",
    "DurationError",
    "Finding",
    "Manual",
    "Periodic",
    "ScannedFile",
    "ScannedSchedule",
    "Schedule",
    "ScheduleError",
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
