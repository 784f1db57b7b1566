"""Graceful shutdown: SIGTERM to gunicorn lets the request in flight finish; SIGTERM to a Celery
worker lets the reminders batch in flight finish, and the rest is left for the next worker —
each reminder sent once. Real processes, as `docker stop` or `make run`'s Ctrl-C stop them."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import pytest
import yaml
from django.conf import settings

from iop.celery import app
from iop.jobs.models import JobRun
from sessions.models import ReminderDelivery
from sessions.reminders import reminders_plan
from tests.conftest import ROOT, _database_url_for_worker, wait_for
from tests.jobs.load import build_due_reminders

pytestmark = [pytest.mark.services]  # one xdist group with the other real-worker tests
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def env_for_child(**extra):
    return {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "PYTHONUNBUFFERED": "1",
        **{k: str(v) for k, v in extra.items()},
    }


def test_gunicorn_finishes_the_request_in_flight_on_sigterm(django_db_setup, tmp_path):
    started = tmp_path / "started"
    log = tmp_path / "gunicorn.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "iop.wsgi"]
        + ["--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=ROOT,
        env=env_for_child(
            DJANGO_SETTINGS_MODULE="tests.ops.slow_settings",
            ALLOWED_HOSTS="127.0.0.1",
            TEST_SLOW_STARTED=started,
            TEST_SLOW_SECONDS=2,
        ),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        listening = wait_for(lambda: re.search(r"Listening at: http://([\d.:]+)", log.read_text()))
        assert listening, log.read_text()
        answer = {}

        def request():
            with urllib.request.urlopen(f"http://{listening[1]}/slow/", timeout=30) as r:
                answer.update(status=r.status, body=r.read().decode(), at=time.monotonic())

        client = threading.Thread(target=request)
        client.start()
        assert wait_for(started.exists, timeout=30), log.read_text()
        proc.send_signal(signal.SIGTERM)
        terminated_at = time.monotonic()
        client.join(timeout=30)

        assert answer.get("status") == 200, log.read_text()
        assert answer["body"].startswith("done")
        assert answer["at"] - terminated_at > 1, "the request should still have been running"
        assert proc.wait(timeout=30) == 0
        assert "Handling signal: term" in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def lines(path):
    return path.read_text().split() if path.exists() else []


@pytest.fixture
def reminders_worker(tmp_path):
    """Start `celery worker` processes on a queue of this test's own, with a slow SMS backend
    that logs every call."""
    queue = f"iop-shutdown-{uuid.uuid4().hex[:8]}"
    procs = []

    def start(name, **extra):
        log = tmp_path / f"{name}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "iop", "worker", "--pool=solo"]
            + ["--without-mingle", "--without-gossip", "--without-heartbeat", "-Q", queue]
            + ["-n", f"{name}-{uuid.uuid4().hex[:6]}@%h", "--loglevel=INFO"],
            cwd=ROOT,
            env=env_for_child(
                DJANGO_SETTINGS_MODULE="tests.settings",
                CELERY_QUEUE=queue,
                SMS_BACKEND="tests.jobs.slow_sms.SlowFileSMSBackend",
                TEST_SMS_DIR=tmp_path,
                **extra,
            ),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        assert wait_for(lambda: " ready." in log.read_text(), timeout=60), log.read_text()
        return proc, log

    yield start, lambda: app.send_task("sessions.reminders", queue=queue)
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


@committed
def test_a_worker_stopped_mid_batch_finishes_the_batch_and_leaves_the_rest(
    program, clinician, reminders_worker, tmp_path
):
    build_due_reminders(program, clinician, 45)
    assert reminders_plan() == 45
    start, run_reminders = reminders_worker
    worker, log = start("stopping", REMINDER_BATCH_SIZE=15, TEST_SMS_DELAY=0.1)
    run_reminders()
    assert wait_for(lambda: len(lines(tmp_path / "calls.log")) >= 3, timeout=60), log.read_text()

    worker.send_signal(signal.SIGTERM)  # a warm shutdown, as `docker stop` sends

    assert worker.wait(timeout=60) == 0, log.read_text()
    calls = lines(tmp_path / "calls.log")
    assert len(calls) == len(set(calls)) == 15, "the batch in flight, whole, and no more"
    assert ReminderDelivery.objects.filter(status="sent").count() == 15
    assert not ReminderDelivery.objects.filter(status__in=["claimed", "sending"]).exists()
    run = JobRun.objects.get(job="reminders")
    assert run.outcome == JobRun.Outcome.SUCCESS and run.counts["stopped"] == 1

    # The next worker's run (its catch-up at start, or beat's next tick) sends the rest, once.
    start("next", REMINDER_BATCH_SIZE=15, TEST_SMS_DELAY=0.001)
    run_reminders()
    sent = ReminderDelivery.objects.filter(status="sent")
    assert wait_for(lambda: sent.count() == 45, timeout=60)
    calls = lines(tmp_path / "calls.log")
    assert len(calls) == len(set(calls)) == 45


def test_the_stop_grace_periods_outlast_what_they_wait_for():
    """docker compose sends SIGKILL after stop_grace_period: web's must outlast gunicorn's
    graceful_timeout, the worker's a reminders run (REMINDER_RUN_SECONDS) and one more batch."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    def seconds(value):
        number, unit = re.fullmatch(r"(\d+)(s|m)", value).groups()
        return int(number) * (60 if unit == "m" else 1)

    assert services["web"]["stop_signal"] == "SIGTERM"
    assert seconds(services["web"]["stop_grace_period"]) > conf.graceful_timeout
    assert services["worker"]["stop_signal"] == "SIGTERM"
    assert seconds(services["worker"]["stop_grace_period"]) >= 2 * settings.REMINDER_RUN_SECONDS


@pytest.mark.django_db
def test_a_reminders_run_out_of_time_stops_between_batches_and_queues_the_rest(
    program, clinician, settings, monkeypatch
):
    from sessions import tasks

    build_due_reminders(program, clinician, 5)
    settings.REMINDER_BATCH_SIZE = 2
    settings.REMINDER_RUN_SECONDS = 0  # out of time as soon as the first batch is done
    queued = []
    monkeypatch.setattr(tasks.send_reminders, "apply_async", lambda *a, **k: queued.append(1))

    counts = tasks.reminders_job(task_id="t")

    assert counts["sent"] == 2 and counts["stopped"] == 1
    assert ReminderDelivery.objects.filter(status="pending").count() == 3
    assert queued == [1], "the rest goes on in a run of its own"
