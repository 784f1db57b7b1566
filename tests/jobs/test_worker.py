"""The jobs pipeline end to end: a real `celery worker` process, the real broker (Redis in CI,
the filesystem broker on the embedded default) and the test database."""

import uuid

import pytest
from django.db import transaction

from iop.jobs.models import JobRun
from iop.jobs.tasks import heartbeat
from tests.conftest import wait_for

pytestmark = pytest.mark.services
# The worker is another process: it sees only committed data, so these tests commit, and the
# flush after them is undone by restoring what the migrations made.
with_worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def runs():
    return JobRun.objects.filter(job="heartbeat")


@with_worker
def test_a_worker_runs_the_heartbeat(celery_worker_process):
    heartbeat.delay()
    run = wait_for(lambda: runs().filter(outcome=JobRun.Outcome.SUCCESS).first())
    assert run is not None, "the worker did not record a heartbeat"
    assert run.counts == {"beats": 1}
    assert run.finished_at >= run.started_at


@with_worker
def test_a_task_enqueued_after_commit_runs(celery_worker_process):
    with transaction.atomic():
        heartbeat.delay_on_commit()
    assert wait_for(lambda: runs().exists())


@with_worker
def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(celery_worker_process):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        heartbeat.delay_on_commit()
        raise Rollback
    # A marker sent afterwards: once it has run, anything queued before it would have too.
    marker = uuid.uuid4().hex
    heartbeat.apply_async(task_id=marker)
    assert wait_for(lambda: runs().filter(task_id=marker).exists())
    assert list(runs().values_list("task_id", flat=True)) == [marker]


def test_the_broker_is_redis_when_redis_url_is_set(settings):
    from iop.celery import app

    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
        visibility = app.conf.broker_transport_options["visibility_timeout"]
        assert visibility > settings.CELERY_MAX_COUNTDOWN
    else:
        assert app.conf.broker_url == "filesystem://"


def test_a_countdown_beyond_the_visibility_timeout_is_refused(settings):
    with pytest.raises(ValueError, match="CELERY_MAX_COUNTDOWN"):
        heartbeat.apply_async(countdown=settings.CELERY_MAX_COUNTDOWN + 1)


def test_the_celery_app_is_configured_for_reliability():
    from iop.celery import app

    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert "heartbeat" in conf.beat_schedule


def test_admins_see_the_last_runs(db, client, admin_user_role):
    from iop.jobs.services import heartbeat_record

    heartbeat_record(task_id="abc")
    client.force_login(admin_user_role)
    html = client.get("/admin/jobs/jobrun/").content.decode()
    assert "heartbeat" in html and "success" in html


@with_worker
def test_booking_a_session_in_a_rolled_back_transaction_enqueues_no_reminder_job(
    celery_worker_process, program
):
    """session_schedule enqueues the reminder job after commit; a rollback enqueues nothing."""
    from django.utils import timezone

    from iop.jobs.tasks import heartbeat as marker_task
    from sessions.services import session_schedule
    from tests.factories import EpisodeFactory, UserFactory

    clinician = UserFactory(role="clinician")
    episode = EpisodeFactory(program=program, primary_clinician=clinician)

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        session_schedule(
            kind="individual",
            starts_at=timezone.now() + timezone.timedelta(hours=3),
            duration_minutes=50,
            clinicians=[clinician],
            episode=episode,
            user=clinician,
        )
        raise Rollback
    marker = uuid.uuid4().hex
    marker_task.apply_async(task_id=marker)
    assert wait_for(lambda: runs().filter(task_id=marker).exists())
    assert not JobRun.objects.filter(job="reminders").exists()

    # The same booking committed does run the job.
    session_schedule(
        kind="individual",
        starts_at=timezone.now() + timezone.timedelta(hours=3),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        user=clinician,
    )
    assert wait_for(lambda: JobRun.objects.filter(job="reminders", outcome="success").exists())
