import contextlib

from django.utils import timezone

from iop.jobs.models import JobRun


@contextlib.contextmanager
def job_run(*, job, task_id=""):
    """Record one run of a job: start, finish, outcome and the counts the body fills in.

    with job_run(job="reminders", task_id=self.request.id) as counts:
        counts["sent"] = send_due_reminders()
    """
    run = JobRun.objects.create(job=job, task_id=task_id or "")
    counts = {}
    try:
        yield counts
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            outcome=JobRun.Outcome.FAILED,
            counts=counts,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    JobRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), outcome=JobRun.Outcome.SUCCESS, counts=counts
    )


def heartbeat_record(*, task_id=""):
    """The smallest real job: proves a worker picks up work and can write to the database."""
    with job_run(job="heartbeat", task_id=task_id) as counts:
        counts["beats"] = 1


def heartbeat_counts(*, task_id=""):
    return {"beats": 1}
