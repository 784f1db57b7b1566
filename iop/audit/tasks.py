"""Celery task for the audit trail: the nightly verification of its hash chain."""

from celery import shared_task

from iop.audit.verification import AuditChainBroken, audit_verify
from iop.jobs.registry import JOBS, run_job
from iop.jobs.retry import RETRY


def audit_verify_job(*, task_id=""):
    """Verify the chain, record the checkpoint, alert the admins on a break; a break also
    fails the run (Job runs shows it), after it is recorded."""
    result, _checkpoint = audit_verify(task_id=task_id)
    if not result.ok:
        raise AuditChainBroken(result.summary[:1000])
    return {"events": result.events, "up_to_seq": result.head_seq}


# A walk of the whole trail (about 10 µs an event): more time than the 5 minutes other tasks get.
@shared_task(
    name=JOBS["audit_verify"].task, bind=True, soft_time_limit=30 * 60, time_limit=31 * 60, **RETRY
)
def verify(self):
    """Beat, nightly: the `audit_verify` job (audit trail hash chain), recorded as a JobRun."""
    run_job("audit_verify", task_id=self.request.id or "")
