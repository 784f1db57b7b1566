"""Celery tasks for plans: open reviews ahead of their due date, flag overdue ones, flag late
initial plans."""

from celery import shared_task

from iop.jobs.registry import JOBS, run_job
from iop.jobs.retry import RETRY
from plans.jobs import initial_plans_flag_late, reviews_flag_overdue, reviews_open_due


def reviews_job(*, task_id=""):
    """Open the reviews coming due and alert on the overdue ones; returns the counts."""
    return {**reviews_open_due(), **reviews_flag_overdue()}


@shared_task(name=JOBS["reviews"].task, bind=True, **RETRY)
def reviews(self):
    """Beat, hourly: the `reviews` job (plan reviews due and overdue), recorded as a JobRun."""
    run_job("reviews", task_id=self.request.id or "")


def initial_plans_job(*, task_id=""):
    """Alert on active episodes whose initial plan is late; returns the counts."""
    return initial_plans_flag_late()


@shared_task(name=JOBS["initial_plans"].task, bind=True, **RETRY)
def initial_plans(self):
    """Beat, hourly: the `initial_plans` job (initial plans late), recorded as a JobRun."""
    run_job("initial_plans", task_id=self.request.id or "")
