"""Celery tasks for billing. Tasks take ids (or nothing), call services and are idempotent;
`iop.jobs.registry` declares them and runs them with a JobRun record."""

from celery import shared_task

from iop.audit.context import AuditContext
from iop.jobs.registry import JOBS, run_job
from iop.jobs.retry import RETRY


def authorization_alerts_job(*, task_id=""):
    """Alert on approved authorizations 80 % used, ending within 3 days, or due for review."""
    from billing.services import authorization_alerts

    return authorization_alerts(context=AuditContext.for_job(task_id or "manual"))


@shared_task(name=JOBS["authorization_alerts"].task, bind=True, **RETRY)
def authorization_alerts_task(self):
    """Beat, daily: the `authorization_alerts` job, recorded as a JobRun."""
    run_job("authorization_alerts", task_id=self.request.id or "")
