"""Every background job by name: what beat runs, what `manage.py run_job` runs by hand, and what
admins see under Background jobs → Job runs. A job is a function `(task_id) -> counts`."""

from django.utils.module_loading import import_string

from iop.jobs.services import job_run

JOBS = {
    "heartbeat": ("Heartbeat", "iop.jobs.services.heartbeat_counts"),
    "reminders": ("Session reminders", "sessions.tasks.reminders_job"),
    "reviews": ("Plan reviews due and overdue", "plans.tasks.reviews_job"),
    "measures_due": ("Measures due", "patients.tasks.measures_due_job"),
    "engagement": ("Engagement: hours and no-shows", "sessions.tasks.engagement_job"),
    "documentation": ("Unsigned notes", "sessions.tasks.documentation_job"),
    "group_schedule": ("Group sessions for the coming weeks", "sessions.tasks.group_schedule_job"),
}


def run_job(name, *, task_id=""):
    """Run one job now, recording its run (start, end, outcome, counts)."""
    _, path = JOBS[name]
    with job_run(job=name, task_id=task_id) as counts:
        counts.update(import_string(path)(task_id=task_id))
    return counts
