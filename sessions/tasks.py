"""Celery tasks for sessions: reminders, engagement, documentation, group schedules.

Tasks take ids (or nothing), call services, and are idempotent; `iop.jobs.registry` runs them
with a JobRun record.
"""

import socket

from celery import shared_task
from django.conf import settings

from iop.jobs.registry import run_job
from iop.jobs.retry import RETRY
from sessions import jobs, reminders
from sessions.services import group_schedule_generate


def reminders_job(*, task_id=""):
    counts = {"planned": reminders.reminders_plan()}
    counts.update(
        reminders.reminders_send(worker=f"{socket.gethostname()}:{task_id}", task_id=task_id)
    )
    return counts


def engagement_job(*, task_id=""):
    return jobs.engagement_alerts()


def documentation_job(*, task_id=""):
    return jobs.documentation_alerts()


def group_schedule_job(*, task_id=""):
    return {"created": group_schedule_generate(weeks=settings.GROUP_SCHEDULE_WEEKS)}


@shared_task(name="sessions.reminders", bind=True, **RETRY)
def send_reminders(self):
    run_job("reminders", task_id=self.request.id or "")


@shared_task(name="sessions.engagement", bind=True, **RETRY)
def engagement(self):
    run_job("engagement", task_id=self.request.id or "")


@shared_task(name="sessions.documentation", bind=True, **RETRY)
def documentation(self):
    run_job("documentation", task_id=self.request.id or "")


@shared_task(name="sessions.group_schedule", bind=True, **RETRY)
def group_schedule(self):
    run_job("group_schedule", task_id=self.request.id or "")
