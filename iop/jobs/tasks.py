from celery import shared_task

from iop.jobs.registry import JOBS
from iop.jobs.services import heartbeat_record


@shared_task(name=JOBS["heartbeat"].task, bind=True)
def heartbeat(self):
    """Record that a worker ran a task just now (admin: Background jobs → Job runs)."""
    heartbeat_record(task_id=self.request.id or "")
