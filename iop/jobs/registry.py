"""Every background job, declared once.

From this list come beat's schedule (`beat_schedule`), what a worker catches up on when it
starts, what `manage.py run_job` runs by hand, and what admins see under Background jobs →
Job runs. A job's function takes `task_id` and returns counts; each app's Celery task calls
`run_job` with the job's name, under the task name given here.

Task names are a contract with messages already queued: never rename one.
"""

from dataclasses import dataclass

from celery.schedules import crontab
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    function: str  # dotted path of `(*, task_id) -> dict of counts`
    task: str  # the Celery task name
    schedule: crontab
    catch_up: bool = True  # run once when a worker starts (every job is idempotent)


JOBS = {
    job.name: job
    for job in (
        Job(
            "heartbeat",
            "Heartbeat",
            "iop.jobs.services.heartbeat_counts",
            "iop.jobs.heartbeat",
            crontab(minute="*"),
            catch_up=False,
        ),
        Job(
            "pending_tasks",
            "Tasks waiting for the broker",
            "iop.jobs.outbox.pending_tasks_job",
            "iop.jobs.pending_tasks",
            crontab(minute="*"),
        ),
        Job(
            "reminders",
            "Session reminders",
            "sessions.tasks.reminders_job",
            "sessions.reminders",
            crontab(minute="*/5"),
        ),
        Job(
            "reviews",
            "Plan reviews due and overdue",
            "plans.tasks.reviews_job",
            "plans.reviews",
            crontab(minute=10),
        ),
        Job(
            "initial_plans",
            "Initial treatment plans late",
            "plans.tasks.initial_plans_job",
            "plans.initial_plans",
            crontab(minute=15),
        ),
        Job(
            "documentation",
            "Unsigned notes",
            "sessions.tasks.documentation_job",
            "sessions.documentation",
            crontab(minute=20),
        ),
        Job(
            "cosignature",
            "Notes awaiting co-signature",
            "sessions.tasks.cosignature_job",
            "sessions.cosignature",
            crontab(minute=25),
        ),
        Job(
            "engagement",
            "Engagement: hours and no-shows",
            "sessions.tasks.engagement_job",
            "sessions.engagement",
            crontab(minute=30, hour="*/6"),
        ),
        Job(
            "measures_due",
            "Measures due",
            "patients.tasks.measures_due_job",
            "patients.measures_due",
            crontab(minute=40, hour=6),
        ),
        Job(
            "authorization_alerts",
            "Authorizations running low, ending or due for review",
            "billing.tasks.authorization_alerts_job",
            "billing.authorization_alerts",
            crontab(minute=50, hour=6),
        ),
        Job(
            "screens_weekly_draw",
            "Drug screens: the coming week drawn",
            "screens.tasks.weekly_draw_job",
            "screens.weekly_draw",
            crontab(minute=15, hour=5),
        ),
        Job(
            "group_schedule",
            "Group sessions for the coming weeks",
            "sessions.tasks.group_schedule_job",
            "sessions.group_schedule",
            crontab(minute=0, hour=2),
        ),
        Job(
            "audit_verify",
            "Audit trail verification",
            "iop.audit.tasks.audit_verify_job",
            "audit.verify",
            crontab(minute=30, hour=3),
        ),
    )
}


def beat_schedule():
    """Beat's schedule, keyed by job name."""
    return {job.name: {"task": job.task, "schedule": job.schedule} for job in JOBS.values()}


def catch_up_tasks():
    """The tasks a worker sends once when it starts, to cover whatever fell due meanwhile."""
    return [job.task for job in JOBS.values() if job.catch_up]


def run_job(name, *, task_id=""):
    """Run one job now, recording its run (start, end, outcome, counts)."""
    # Imported here: the Celery app reads this module before Django's models are loaded.
    from iop.jobs.services import job_run

    job = JOBS[name]
    with job_run(job=name, task_id=task_id) as counts:
        counts.update(import_string(job.function)(task_id=task_id))
    return counts
