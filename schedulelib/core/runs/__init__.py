"""Run-time expansion: the upcoming runs of a schedule, under three DST policies.

Each policy reproduces one real engine, run for run (the differential tests are the proof),
and lives in its own module around the shared planning (``plan.py``):

* ``go`` (default, ``go.py``): robfig/cron v3.0.1 ``ParseStandard`` with ``CRON_TZ=<zone>``,
  iterating ``next = Next(previous)``.
* ``debian`` (``debian.py``): Debian / cronie cron as cronsim 2.8 implements it.
* ``croniter`` (``croniter.py``): croniter 7.0.0 ``get_next``.

``planner.py`` is the iterator all three share (whole days at once on dates with no offset
change, the policy's engine step elsewhere); ``periodic.py`` is the interval strategy;
``gaps.py`` serves warning SL409.
"""

from schedulelib.core.runs.periodic import iter_periodic_runs as iter_periodic_runs
from schedulelib.core.runs.plan import POLICIES as POLICIES
from schedulelib.core.runs.plan import Plan as Plan
from schedulelib.core.runs.plan import Policy as Policy
from schedulelib.core.runs.plan import check_aware as check_aware
from schedulelib.core.runs.planner import iter_cron_runs as iter_cron_runs
from schedulelib.core.runs.planner import iter_slow as iter_slow
from schedulelib.core.runs.planner import next_cron_runs as next_cron_runs
from schedulelib.core.runs.planner import plan_for as plan_for

__all__ = [
    "POLICIES",
    "Plan",
    "Policy",
    "check_aware",
    "iter_cron_runs",
    "iter_periodic_runs",
    "iter_slow",
    "next_cron_runs",
    "plan_for",
]
