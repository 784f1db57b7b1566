"""Celery tasks for screens. Tasks take ids (or nothing), call services and are idempotent;
`iop.jobs.registry` declares them and runs them with a JobRun record."""

from celery import shared_task

from iop.audit.context import AuditContext
from iop.jobs.registry import JOBS, run_job
from iop.jobs.retry import RETRY


def weekly_draw_job(*, task_id=""):
    """Order the coming week's screens of the admitted patients of the programs that draw them
    automatically (a screening setting)."""
    from screens.services.weekly import weekly_draw

    return weekly_draw(context=AuditContext.for_job(task_id or "manual"))


@shared_task(name=JOBS["screens_weekly_draw"].task, bind=True, **RETRY)
def weekly_draw_task(self):
    """Beat, daily at 05:15: the `screens_weekly_draw` job, recorded as a JobRun."""
    run_job("screens_weekly_draw", task_id=self.request.id or "")
