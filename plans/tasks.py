"""Celery tasks for plans: open reviews ahead of their due date, flag overdue ones."""

from celery import shared_task

from iop.jobs.registry import run_job
from iop.jobs.retry import RETRY
from plans.jobs import reviews_flag_overdue, reviews_open_due


def reviews_job(*, task_id=""):
    return {**reviews_open_due(), **reviews_flag_overdue()}


@shared_task(name="plans.reviews", bind=True, **RETRY)
def reviews(self):
    run_job("reviews", task_id=self.request.id or "")
