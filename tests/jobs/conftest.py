"""Real Celery worker processes for the reminder tests, each on this test's own queue, sending
SMS through tests/jobs/slow_sms.py into the test's temporary folder."""

import contextlib
import os
import signal
import subprocess
import sys
import uuid

import pytest

from iop.celery import app
from tests.conftest import ROOT, _database_url_for_worker, wait_for
from tests.jobs.processes import pool_children


@pytest.fixture
def workers(tmp_path):
    """(start, run_reminders, folder): `start(name, pool="solo", **env)` starts a worker and
    waits until it is ready; `run_reminders()` queues one reminder run."""
    queue = f"iop-reminders-{uuid.uuid4().hex[:8]}"
    procs = []

    def start(name, pool="solo", **env_extra):
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
                f"--pool={pool}",
                "--concurrency=1",
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
        ready = wait_for(lambda: " ready." in log.read_text() or proc.poll() is not None, 60)
        assert ready and proc.poll() is None, log.read_text()
        return proc

    def run_reminders():
        app.send_task("sessions.reminders", queue=queue)

    yield start, run_reminders, tmp_path
    for proc in procs:
        if proc.poll() is None:
            children = pool_children(proc.pid)
            proc.kill()
            proc.wait(timeout=10)
            for child in children:  # a prefork pool outlives its killed parent
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
