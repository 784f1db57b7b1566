"""Celery tasks for patients: measure-due alerts from each program's schedule."""

from celery import shared_task

from iop.jobs.registry import JOBS, run_job
from iop.jobs.retry import RETRY
from patients.jobs import measures_due_alerts


def measures_due_job(*, task_id=""):
    """Alert on the measures each active episode's program schedule says are due."""
    return measures_due_alerts()


@shared_task(name=JOBS["measures_due"].task, bind=True, **RETRY)
def measures_due(self):
    """Beat, daily: the `measures_due` job, recorded as a JobRun."""
    run_job("measures_due", task_id=self.request.id or "")
