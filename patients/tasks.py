"""Celery tasks for patients: measure-due alerts from each program's schedule."""

from celery import shared_task

from iop.jobs.registry import run_job
from iop.jobs.retry import RETRY
from patients.jobs import measures_due_alerts


def measures_due_job(*, task_id=""):
    return measures_due_alerts()


@shared_task(name="patients.measures_due", bind=True, **RETRY)
def measures_due(self):
    run_job("measures_due", task_id=self.request.id or "")
