"""A Redis broker that stops answering costs a publish (and a worker's command) seconds, never
forever: the transport has a connect and a socket timeout. Run in a child process started with
REDIS_URL set, as production is."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
INHERITED = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VAR_DIR", "STATIC_ROOT"}

OPTIONS = """
import json, django
django.setup()
from iop.celery import app
print(json.dumps(app.conf.broker_transport_options))
"""

PUBLISH = """
import django, time
django.setup()
from iop.celery import app
started = time.monotonic()
try:
    app.send_task("iop.jobs.tasks.heartbeat")
except Exception as error:
    print(type(error).__name__)
print(round(time.monotonic() - started, 1))
"""


def run(code, redis_url, tmp_path, timeout=60):
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED}
    environment.update(
        DJANGO_SETTINGS_MODULE="iop.settings",
        DEBUG="1",
        REDIS_URL=redis_url,
        VAR_DIR=str(tmp_path / "var"),
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_redis_broker_has_connect_and_socket_timeouts(tmp_path):
    result = run(OPTIONS, "redis://redis.example.org:6379/0", tmp_path)
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["socket_connect_timeout"] == 1  # a publish gives up on a dead host at once
    # Longer than the 1 s BRPOP a worker waits on the server, short enough not to hang anyone.
    assert 1 < options["socket_timeout"] <= 5
    assert options["socket_keepalive"] is True
    assert options["visibility_timeout"] == 2 * 60 * 60


def test_publishing_to_a_redis_that_never_answers_fails_within_seconds(tmp_path):
    # A listening socket that accepts the connection and never replies: a hung Redis.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        port = hung.getsockname()[1]
        result = run(PUBLISH, f"redis://127.0.0.1:{port}/0", tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    error, seconds = result.stdout.split()
    assert error == "OperationalError"
    assert float(seconds) < 10
