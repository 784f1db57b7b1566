from celery import shared_task

from iop.jobs.registry import JOBS, run_job
from iop.jobs.services import heartbeat_record


@shared_task(name=JOBS["heartbeat"].task, bind=True)
def heartbeat(self):
    """Record that a worker ran a task just now (admin: Background jobs → Job runs)."""
    heartbeat_record(task_id=self.request.id or "")


@shared_task(name=JOBS["pending_tasks"].task, bind=True)
def publish_pending_tasks(self):
    """Beat, every minute, and when a worker starts: publish the tasks the broker refused
    while it was down (the `pending_tasks` job, iop/jobs/outbox.py)."""
    run_job("pending_tasks", task_id=self.request.id or "")
