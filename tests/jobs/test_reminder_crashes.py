"""A reminder run that dies part-way, in one process: it leaves at most the message it was
sending in doubt, the rest of its batch unsent and claimed; the next run sends those once and
the one in doubt again with the same key. (Real worker processes killed with SIGKILL:
test_reminder_chaos.py.)"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from iop.audit.models import AuditEvent
from sessions.models import ReminderDelivery
from sessions.reminders import reminders_plan, reminders_send
from tests.jobs.load import build_due_reminders
from tests.jobs.test_jobs import contactable, individual


class Killed(BaseException):
    """What the run sees of a SIGKILL: nothing after it runs (not even `except Exception`)."""


class RecordingSMS:
    """An SMS backend that records every call; `die_on_call` = n kills the run during the nth."""

    calls = []
    die_on_call = None

    def send(self, *, to, body, key):
        RecordingSMS.calls.append(key)
        if len(RecordingSMS.calls) == RecordingSMS.die_on_call:
            raise Killed


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "tests.jobs.test_reminder_crashes.RecordingSMS"
    RecordingSMS.calls, RecordingSMS.die_on_call = [], None
    return RecordingSMS


def statuses():
    return Counter(ReminderDelivery.objects.values_list("status", flat=True))


def test_a_run_killed_mid_send_doubles_only_the_message_in_flight(clock, program, clinician, sms):
    build_due_reminders(program, clinician, 10)
    reminders_plan()
    sms.die_on_call = 3
    with pytest.raises(Killed):
        reminders_send(batch_size=10)
    assert statuses() == {"sent": 2, "sending": 1, "claimed": 7}

    clock.shift(timedelta(minutes=11))  # past REMINDER_CLAIM_TIMEOUT
    counts = reminders_send(batch_size=10)
    assert (counts["released"], counts["in_doubt"], counts["sent"]) == (8, 1, 8)
    assert statuses() == {"sent": 10}
    audited = AuditEvent.objects.filter(object_type="therapy_sessions.reminderdelivery")
    assert audited.count() == 10  # the dead run's two as well, by the next run
    calls = Counter(sms.calls)
    assert len(calls) == 10  # nothing lost
    assert [key for key, n in calls.items() if n > 1] == [sms.calls[2]]  # one doubled: in flight


def test_a_run_whose_claim_was_taken_over_does_not_send(clock, program, clinician, sms):
    build_due_reminders(program, clinician, 2)
    reminders_plan()

    def taken_over(row):  # while this run sends the first, another takes the second
        ReminderDelivery.objects.filter(status="claimed").update(claimed_by="another run")

    counts = reminders_send(send_hook=taken_over)
    assert (counts["sent"], counts["lost_claim"]) == (1, 1)
    assert len(sms.calls) == 1


def test_an_email_reminder_carries_its_key_as_message_id(
    clock, make_episode, clinician, intake, settings
):
    settings.DEFAULT_FROM_EMAIL = "Clinic <reminders@clinic.example.org>"
    episode = make_episode(clinician=clinician)
    contactable(episode, intake, "email")
    individual(episode, clinician, timezone.now() + timedelta(hours=5))
    reminders_plan()
    reminders_send()
    delivery = ReminderDelivery.objects.get()
    (message,) = mail.outbox
    assert message.message()["Message-ID"] == f"<reminder-{delivery.pk}@clinic.example.org>"
