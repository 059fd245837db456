"""Periodic background jobs: a registry, and one pass of the scheduler.

Apps register jobs with ``@periodic_job``. Every job must be idempotent (running it twice does
nothing twice) and safe with several workers: the scheduler claims a due run with one conditional
UPDATE, and each job claims the rows it works on with ``SELECT … FOR UPDATE SKIP LOCKED`` (on
SQLite, IMMEDIATE transactions serialise writers instead). A job that was not run for a while
(worker down) simply finds more rows due on its next run: jobs work from the data, not from how
often they ran.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plumbing.models import ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """A function run every ``every``; it returns how many items it handled (for the log)."""

    name: str
    every: timedelta
    function: Callable[[], int]


_JOBS: dict[str, PeriodicJob] = {}


def periodic_job(name: str, *, every: timedelta):
    """Register the decorated function as a periodic job named ``name``."""

    def decorator(function: Callable[[], int]) -> Callable[[], int]:
        _JOBS[name] = PeriodicJob(name=name, every=every, function=function)
        return function

    return decorator


def registered_jobs() -> list[PeriodicJob]:
    return list(_JOBS.values())


def claim_run(job: PeriodicJob, now: datetime) -> bool:
    """Claim the job's due run for this worker; False if it is not due or another worker has it."""
    ScheduledJob.objects.bulk_create([ScheduledJob(name=job.name, next_run_at=now)], ignore_conflicts=True)
    claimed = ScheduledJob.objects.filter(Q(name=job.name), Q(next_run_at__lte=now)).update(
        next_run_at=now + job.every, last_started_at=now
    )
    return claimed == 1


def run_due_jobs(now: datetime | None = None) -> dict[str, int]:
    """Run every job that is due, once; a failing job is logged and does not stop the others.

    Returns the number of items each job that ran handled.
    """
    now = now or timezone.now()
    results = {}
    for job in registered_jobs():
        if not claim_run(job, now):
            continue
        started = time.monotonic()
        try:
            results[job.name] = job.function()
        except Exception as error:
            logger.exception("Job %s failed", job.name)
            ScheduledJob.objects.filter(name=job.name).update(last_error=repr(error)[:2000])
            continue
        ScheduledJob.objects.filter(name=job.name).update(last_finished_at=timezone.now(), last_error="")
        # Idle passes are the common case; log them only when debugging.
        level = logging.INFO if results[job.name] else logging.DEBUG
        logger.log(
            level, "Job %s handled %s item(s) in %.2f s", job.name, results[job.name], time.monotonic() - started
        )
    return results


def for_each_row_locked(queryset, handle: Callable, batch_size: int = 100) -> int:
    """Call ``handle(row)`` for every row of ``queryset``, each in a transaction of its own with
    the row locked (``SELECT … FOR UPDATE SKIP LOCKED``), and return the sum of what it returns.

    One short transaction per row, not per batch: a reminder writes to its recipients' stream
    versions, and a long transaction would hold those rows locked against every other write
    that notifies the same people (and against a second worker). A row another worker holds is
    skipped; the row is read again under the lock, so one that is no longer due is skipped too.
    """
    handled = 0
    last_pk = 0
    while True:
        ids = list(queryset.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        for pk in ids:
            with transaction.atomic():
                row = queryset.filter(pk=pk).select_for_update(skip_locked=True, of=("self",)).first()
                if row is not None:
                    handled += handle(row)
        if len(ids) < batch_size:
            return handled
        last_pk = ids[-1]
