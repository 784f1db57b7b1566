"""Reminders with real worker processes against real Redis and PostgreSQL: two workers at once
send each reminder once; a worker killed with SIGKILL mid-batch loses and doubles nothing."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from iop.celery import app
from sessions.models import ReminderDelivery
from sessions.reminders import reminders_plan
from tests.conftest import ROOT, _database_url_for_worker, wait_for
from tests.jobs.load import build_due_reminders

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


@pytest.fixture
def workers(tmp_path):
    queue = f"iop-reminders-{uuid.uuid4().hex[:8]}"
    procs = []

    def start(name, **env_extra):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url_for_worker(),
            "CELERY_QUEUE": queue,
            "PYTHONUNBUFFERED": "1",
            "SMS_BACKEND": "tests.jobs.slow_sms.SlowFileSMSBackend",
            "TEST_SMS_DIR": str(tmp_path),
            **{k: str(v) for k, v in env_extra.items()},
        }
        log = tmp_path / f"{name}.log"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "iop",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-Q",
                queue,
                "-n",
                f"{name}-{uuid.uuid4().hex[:6]}@%h",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        assert wait_for(lambda: " ready." in log.read_text(), timeout=60), log.read_text()
        return proc

    def run_reminders():
        app.send_task("sessions.reminders", queue=queue)

    yield start, run_reminders, tmp_path
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def lines(path):
    return path.read_text().split() if path.exists() else []


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


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(due_reminders, workers):
    start, run_reminders, out = workers
    first = start("doomed", REMINDER_BATCH_SIZE=50, TEST_SMS_DELAY=0.05)
    run_reminders()
    assert wait_for(lambda: len(lines(out / "calls.log")) >= 30, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    in_flight = ReminderDelivery.objects.filter(status="sending").count()
    assert in_flight > 0, "the kill should have caught a batch in flight"
    assert ReminderDelivery.objects.filter(status="sent").count() < due_reminders

    time.sleep(1.5)  # past the (shortened) claim timeout of the dead worker
    start("rescuer", REMINDER_BATCH_SIZE=50, TEST_SMS_DELAY=0.001, REMINDER_CLAIM_TIMEOUT=1)
    run_reminders()
    sent = ReminderDelivery.objects.filter(status="sent")
    assert wait_for(lambda: sent.count() == due_reminders, timeout=90)
    delivered = lines(out / "outbox" / "sent.log")
    assert len(delivered) == len(set(delivered)) == due_reminders  # each exactly once
    assert len(list((out / "outbox").glob("reminder-*.txt"))) == due_reminders
