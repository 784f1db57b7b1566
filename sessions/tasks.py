"""Celery tasks for sessions: reminders, engagement, documentation, group schedules.

Tasks take ids (or nothing), call services, and are idempotent; `iop.jobs.registry` declares
them and runs them with a JobRun record.
"""

import socket

from celery import shared_task
from django.conf import settings

from iop.jobs.registry import JOBS, run_job
from iop.jobs.retry import RETRY
from iop.jobs.shutdown import run_limit, worker_stopping
from sessions import jobs, reminders
from sessions.services import group_schedule_generate


def reminders_job(*, task_id=""):
    """Plan the reminders now due, then send them in batches for at most REMINDER_RUN_SECONDS;
    a run that ran out of time queues the next at once. One stopped by its worker's shutdown
    leaves the rest to the next worker's catch-up run or beat's next tick (5 minutes)."""
    counts = {"planned": reminders.reminders_plan()}
    counts.update(
        reminders.reminders_send(
            worker=f"{socket.gethostname()}:{task_id}",
            task_id=task_id,
            should_stop=run_limit(settings.REMINDER_RUN_SECONDS),
        )
    )
    if counts.get("stopped") and not worker_stopping():
        send_reminders.apply_async()
    return counts


def engagement_job(*, task_id=""):
    """Alert on patients below their program's weekly hours and on repeated no-shows."""
    return jobs.engagement_alerts()


def documentation_job(*, task_id=""):
    """Alert on notes unsigned 24 h after their session (at 72 h, supervisors too)."""
    return jobs.documentation_alerts()


def cosignature_job(*, task_id=""):
    """Alert supervisors on notes still waiting for a co-signature 72 h after signing."""
    return jobs.cosignature_alerts()


def group_schedule_job(*, task_id=""):
    """Create each active group's sessions for the next GROUP_SCHEDULE_WEEKS weeks."""
    return {"created": group_schedule_generate(weeks=settings.GROUP_SCHEDULE_WEEKS)}


@shared_task(name=JOBS["reminders"].task, bind=True, **RETRY)
def send_reminders(self):
    """Beat, every 5 minutes, and after a session is booked within 48 h: the `reminders` job."""
    run_job("reminders", task_id=self.request.id or "")


@shared_task(name=JOBS["engagement"].task, bind=True, **RETRY)
def engagement(self):
    """Beat, every 6 hours: the `engagement` job (hours and no-shows), recorded as a JobRun."""
    run_job("engagement", task_id=self.request.id or "")


@shared_task(name=JOBS["documentation"].task, bind=True, **RETRY)
def documentation(self):
    """Beat, hourly: the `documentation` job (unsigned notes), recorded as a JobRun."""
    run_job("documentation", task_id=self.request.id or "")


@shared_task(name=JOBS["cosignature"].task, bind=True, **RETRY)
def cosignature(self):
    """Beat, hourly: the `cosignature` job (notes awaiting co-signature 72 h), as a JobRun."""
    run_job("cosignature", task_id=self.request.id or "")


@shared_task(name=JOBS["group_schedule"].task, bind=True, **RETRY)
def group_schedule(self):
    """Beat, nightly: the `group_schedule` job (the coming weeks' group sessions)."""
    run_job("group_schedule", task_id=self.request.id or "")
