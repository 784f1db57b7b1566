"""Celery's prefork pool, noticing a killed pool process within 0.1 s instead of 5 s.

Celery replaces a dead pool process (and hands its task out again) when its pool is next
maintained: at once when the exit is seen, and every 5 s in any case. In this environment the
exit of a replacement process is not always seen, so a test that kills one twenty times would
mostly wait; it starts its worker with `--pool=custom` and
CELERY_CUSTOM_WORKER_POOL=tests.jobs.quickpool:TaskPool. Nothing else
about the worker changes.
"""

from celery.concurrency import asynpool, prefork


class AsynPool(asynpool.AsynPool):
    @property
    def timers(self):
        return {self.maintain_pool: 0.1}


class TaskPool(prefork.TaskPool):
    Pool = AsynPool
