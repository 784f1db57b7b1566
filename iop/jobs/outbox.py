"""Enqueueing that survives a broker outage: a transactional outbox.

`task.delay_on_commit(...)` (iop.celery.IopTask) writes a PendingTask row in the caller's
transaction. After commit the row is published and deleted; if the broker is down the publish
fails fast (the CELERY_BROKER_* settings bound it to about a second), the row stays and the
page or API call that asked for the task still succeeds. The `pending_tasks` job (beat, every
minute; once when a worker starts; by hand, `manage.py publish_pending_tasks`) publishes what
is left once the broker is back.

Exactly once in effect: a row is published only by whoever holds its lock, and deleted in the
same transaction, so the request and the sweep never both publish it. Rows waiting with the
same task and arguments go with it: one run after all their saves does the work of each. A
crash between the broker taking a task and that deletion committing publishes it again under
the same task id; every job is idempotent (DESIGN.md, "Background jobs").
"""

import functools
import logging
import uuid

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from iop.jobs.models import PendingTask

logger = logging.getLogger(__name__)

PUBLISHED, GONE, REFUSED = "published", "gone", "refused"
SWEEP_LIMIT = 500


def task_enqueue_on_commit(*, task, args=None, kwargs=None, options=None):
    """Record `task` (a task name) for the broker; publish it once the transaction commits.

    Returns the task id. `options` are apply_async's, stored as JSON (queue, priority,
    countdown counted from publication).
    """
    options = dict(options or {})
    pending = PendingTask.objects.create(
        task=task,
        args=list(args or ()),
        kwargs=dict(kwargs or {}),
        task_id=options.pop("task_id", None) or str(uuid.uuid4()),
        options=options,
    )
    transaction.on_commit(functools.partial(_publish_after_commit, pending.pk), robust=True)
    return pending.task_id


def _publish_after_commit(pk):
    # Runs inside the request that asked for the task: nothing here may fail it.
    try:
        _publish(pk)
    except DatabaseError as exc:
        logger.warning("pending task %s: not published, the database failed (%s)", pk, exc)


def _publish(pk):
    """Hand one pending task to the broker and delete it: PUBLISHED, REFUSED (kept for the
    sweep) or GONE (published by someone else, or being published right now)."""
    from iop.celery import app

    with transaction.atomic():
        waiting = PendingTask.objects.select_for_update(skip_locked=True)
        pending = waiting.filter(pk=pk).first()
        if pending is None:
            return GONE
        # The same task with the same arguments, asked for by saves already committed: one
        # run after all of them does their work (jobs are idempotent), so it goes once.
        same = list(
            waiting.filter(
                task=pending.task,
                args=pending.args,
                kwargs=pending.kwargs,
                options=pending.options,
            )
            .exclude(pk=pk)
            .values_list("pk", flat=True)
        )
        try:
            app.send_task(
                pending.task,
                args=pending.args,
                kwargs=pending.kwargs,
                task_id=pending.task_id,
                **pending.options,
            )
        except Exception as exc:  # whatever the transport raises when the broker is away
            PendingTask.objects.filter(pk=pk).update(
                attempts=F("attempts") + 1,
                last_attempt_at=timezone.now(),
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            logger.warning("task %s (%s): the broker refused it: %s", pending.task, pk, exc)
            return REFUSED
        PendingTask.objects.filter(pk__in=[pk, *same]).delete()
    return PUBLISHED


def pending_tasks_publish(*, limit=SWEEP_LIMIT):
    """Publish the tasks still waiting for the broker, oldest first; stop at the first refusal
    (the broker is still down: the next sweep tries again)."""
    counts = {"published": 0, "refused": 0}
    waiting = PendingTask.objects.order_by("created_at").values_list("pk", flat=True)[:limit]
    for pk in list(waiting):
        outcome = _publish(pk)
        if outcome == PUBLISHED:
            counts["published"] += 1
        elif outcome == REFUSED:
            counts["refused"] += 1
            break
    counts["waiting"] = PendingTask.objects.count()
    return counts


def pending_tasks_job(*, task_id=""):
    return pending_tasks_publish()
