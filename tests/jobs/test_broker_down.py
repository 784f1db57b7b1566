"""Redis (the broker) down: saves still succeed, the task waits in the outbox, and the
`pending_tasks` sweep publishes it once the broker is back, where it runs exactly once."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iop.jobs.models import JobRun, PendingTask
from iop.jobs.outbox import pending_tasks_publish
from iop.jobs.tasks import heartbeat
from sessions.models import TherapySession
from tests.conftest import wait_for

# The publication after commit is what fails: these tests commit.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def book_within_48_hours(client, clinician, episode, hours=3):
    """The booking page, for a session in a few hours: its reminder job is enqueued."""
    starts_at = timezone.localtime(timezone.now() + timedelta(hours=hours))
    client.force_login(clinician)
    return client.post(
        reverse("sessions:new"),
        {
            "kind": "individual",
            "episode": episode.pk,
            "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "50",
            "delivery": "in_person",
            "location": "Room 2",
            "clinicians": [clinician.pk],
        },
    )


@committed
def test_a_session_booked_with_the_broker_down_is_saved_and_its_job_waits(
    client, clinician, episode, broker_down
):
    response = book_within_48_hours(client, clinician, episode)
    assert response.status_code == 302
    session = TherapySession.objects.get()
    assert response["Location"] == session.get_absolute_url()
    waiting = PendingTask.objects.get()
    assert waiting.task == "sessions.reminders"
    assert waiting.attempts == 1
    assert "127.0.0.1:1" in waiting.last_error


@committed
def test_the_sweep_leaves_everything_waiting_while_the_broker_is_still_down(broker_down):
    heartbeat.delay_on_commit()
    heartbeat.delay_on_commit()
    assert PendingTask.objects.count() == 2
    counts = pending_tasks_publish()
    assert counts == {"published": 0, "refused": 1, "waiting": 2}
    assert sorted(PendingTask.objects.values_list("attempts", flat=True)) == [1, 2]


def test_a_rolled_back_transaction_leaves_nothing_to_publish(db):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        heartbeat.delay_on_commit()
        assert PendingTask.objects.count() == 1
        raise Rollback
    assert not PendingTask.objects.exists()


def test_a_countdown_beyond_the_visibility_timeout_is_refused_before_commit(db, settings):
    with pytest.raises(ValueError, match="CELERY_MAX_COUNTDOWN"):
        heartbeat.apply_async_on_commit(countdown=settings.CELERY_MAX_COUNTDOWN + 1)
    assert not PendingTask.objects.exists()


@pytest.mark.services
@committed
def test_the_job_of_saves_made_while_the_broker_was_down_runs_once_it_is_back(
    client, clinician, episode, broker_down, celery_worker_process
):
    assert book_within_48_hours(client, clinician, episode, hours=3).status_code == 302
    assert book_within_48_hours(client, clinician, episode, hours=6).status_code == 302
    assert TherapySession.objects.count() == 2
    first, second = PendingTask.objects.order_by("created_at")
    broker_back = broker_down
    broker_back()

    # Both bookings asked for the same job: one run after both does the work of each.
    call_command("publish_pending_tasks")
    succeeded = JobRun.objects.filter(outcome=JobRun.Outcome.SUCCESS)
    run = wait_for(lambda: succeeded.filter(task_id=first.task_id).first())
    assert run is not None, "the worker did not run the reminder job"
    assert run.job == "reminders"
    assert not PendingTask.objects.exists()

    # A second sweep publishes nothing; a marker sent afterwards proves nothing else came.
    assert pending_tasks_publish() == {"published": 0, "refused": 0, "waiting": 0}
    marker = uuid.uuid4().hex
    heartbeat.apply_async(task_id=marker)
    assert wait_for(lambda: JobRun.objects.filter(task_id=marker).exists())
    assert JobRun.objects.filter(task_id=first.task_id).count() == 1
    assert not JobRun.objects.filter(task_id=second.task_id).exists()


@pytest.mark.services
@committed
def test_a_task_published_after_commit_runs_once_and_leaves_no_row(celery_worker_process):
    with transaction.atomic():
        heartbeat.delay_on_commit()
        task_id = PendingTask.objects.values_list("task_id", flat=True).get()
    assert not PendingTask.objects.exists()
    assert wait_for(lambda: JobRun.objects.filter(task_id=task_id).exists())
