"""The Celery app. Configuration lives in settings (CELERY_*); the jobs and their schedule in
`iop/jobs/registry.py`."""

import os
from datetime import datetime, timedelta

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.signals import import_modules, worker_ready

from iop.jobs.registry import beat_schedule, catch_up_tasks
from iop.runtime import ensure_var_dirs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")


def refuse_a_countdown_past_the_visibility_timeout(options):
    """Redis redelivers an unacknowledged message after its visibility timeout; a message
    delayed beyond it would run twice. Jobs that need a later run are rescheduled by beat."""
    from django.conf import settings

    limit = timedelta(seconds=settings.CELERY_MAX_COUNTDOWN)
    countdown = options.get("countdown")
    eta = options.get("eta")
    if countdown is not None and timedelta(seconds=countdown) > limit:
        raise ValueError(f"countdown {countdown}s exceeds CELERY_MAX_COUNTDOWN")
    if isinstance(eta, datetime) and eta - datetime.now(eta.tzinfo) > limit:
        raise ValueError(f"eta {eta} is further ahead than CELERY_MAX_COUNTDOWN")


class IopTask(DjangoTask):
    """Base task: refuses a countdown the broker could not keep, and enqueues after commit
    through the outbox, so a broker outage delays a task but never fails the request that
    asked for it (iop/jobs/outbox.py)."""

    def apply_async(
        self,
        args=None,
        kwargs=None,
        task_id=None,
        producer=None,
        link=None,
        link_error=None,
        shadow=None,
        **options,
    ):
        refuse_a_countdown_past_the_visibility_timeout(options)
        return super().apply_async(
            args, kwargs, task_id, producer, link, link_error, shadow, **options
        )

    def apply_async_on_commit(self, args=None, kwargs=None, **options):
        """Recorded in the caller's transaction, published after it commits (or, if the
        broker is down then, by the `pending_tasks` job once it is back)."""
        from iop.jobs.outbox import task_enqueue_on_commit

        refuse_a_countdown_past_the_visibility_timeout(options)
        task_enqueue_on_commit(task=self.name, args=args, kwargs=kwargs, options=options)

    def delay_on_commit(self, *args, **kwargs):
        self.apply_async_on_commit(args, kwargs)


app = Celery("iop", task_cls=IopTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One beat schedule for every job (DESIGN.md, "Background jobs"), from the one list of jobs.
app.conf.beat_schedule = beat_schedule()

# Catch up when a worker starts: every job is idempotent, so running each once at start covers
# whatever was due while nothing ran (and makes `make run` show alerts and reminders at once).
CATCH_UP_TASKS = catch_up_tasks()


@import_modules.connect
def make_var_dirs(sender=None, **kwargs):
    # Sent when a worker or beat loads the task modules, before either opens the broker's
    # folders or beat's schedule file.
    ensure_var_dirs()


@worker_ready.connect
def catch_up(sender=None, **kwargs):
    from django.conf import settings

    if getattr(settings, "CELERY_CATCH_UP_ON_START", False):
        for task in CATCH_UP_TASKS:
            app.send_task(task)
