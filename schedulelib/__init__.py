"""schedulelib: validate and simulate Segment Reverse ETL sync schedules, exactly."""

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


def __getattr__(name: str) -> object:
    # The run-time analysis is imported on first use: validation does not need it.
    if name == "analyze":
        from .analysis import analyze

        return analyze
    raise AttributeError(f"module 'schedulelib' has no attribute {name!r}")


__all__ = [
    "Cron",
    "CronExpr",
    "CronSyntaxError",
    "DbtCloud",
    "Diagnostic",
    "Duration",
    "DurationError",
    "Manual",
    "Periodic",
    "Schedule",
    "ScheduleError",
    "SpecificDays",
    "__version__",
    "analyze",
    "check",
    "load",
    "parse_cron",
    "parse_duration",
    "schema",
]
