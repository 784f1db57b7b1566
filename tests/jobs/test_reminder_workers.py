"""Reminders with real worker processes against real Redis and PostgreSQL: two workers at once
send each reminder once; a worker killed with SIGKILL mid-batch loses nothing and calls the
backend twice for at most the one message in flight. (Twenty kills: test_reminder_chaos.py.)"""

import signal
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from sessions.models import ReminderDelivery
from sessions.reminders import reminders_plan
from tests.conftest import wait_for
from tests.jobs.load import build_due_reminders
from tests.jobs.processes import lines

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="needs PostgreSQL (SKIP LOCKED) and Redis; CI runs it with both",
    ),
]
COUNT = 200


@pytest.fixture
def due_reminders(program, clinician):
    """COUNT patients in one group session three hours from now, each consenting to SMS."""
    build_due_reminders(program, clinician, COUNT)
    assert reminders_plan() == COUNT
    return COUNT


def test_two_workers_at_once_send_each_reminder_once(due_reminders, workers):
    start, run_reminders, out = workers
    for name in ("alpha", "beta"):
        start(name, REMINDER_BATCH_SIZE=20, TEST_SMS_DELAY=0.02)
    run_reminders()
    run_reminders()
    sent = ReminderDelivery.objects.filter(status="sent")
    assert wait_for(lambda: sent.count() == due_reminders, timeout=90)
    calls = lines(out / "calls.log")
    assert len(calls) == len(set(calls)) == due_reminders  # no reminder sent twice
    assert len(lines(out / "outbox" / "sent.log")) == due_reminders
    claimers = {c.rsplit(":", 1)[-1] for c in sent.values_list("claimed_by", flat=True)}
    assert len(claimers) == 2, "both workers should have sent some"


def test_a_worker_killed_mid_batch_doubles_at_most_the_message_in_flight(due_reminders, workers):
    start, run_reminders, out = workers
    first = start("doomed", REMINDER_BATCH_SIZE=50, TEST_SMS_DELAY=0.05)
    run_reminders()
    assert wait_for(lambda: len(lines(out / "calls.log")) >= 30, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    unsent = ReminderDelivery.objects.filter(status__in=["claimed", "sending"])
    assert unsent.count() > 1, "the kill should have caught a batch in flight"
    assert unsent.filter(status="sending").count() <= 1
    assert ReminderDelivery.objects.filter(status="sent").count() < due_reminders

    time.sleep(1.5)  # past the (shortened) claim timeout of the dead worker
    start("rescuer", REMINDER_BATCH_SIZE=50, TEST_SMS_DELAY=0.001, REMINDER_CLAIM_TIMEOUT=1)
    run_reminders()
    sent = ReminderDelivery.objects.filter(status="sent")
    assert wait_for(lambda: sent.count() == due_reminders, timeout=90)
    calls = Counter(lines(out / "calls.log"))
    assert len(calls) == due_reminders and sum(calls.values()) <= due_reminders + 1
    delivered = lines(out / "outbox" / "sent.log")
    assert len(delivered) == len(set(delivered)) == due_reminders  # each exactly once
    assert len(list((out / "outbox").glob("reminder-*.txt"))) == due_reminders
