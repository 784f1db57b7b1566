"""Health and degraded operation (README, "Health and degraded operation").

`/healthz` says whether the web can serve (the database), whether it can hand work to the
workers (the broker) and whether workers are running (the age of the last heartbeat the
`heartbeat` job wrote). Only the database decides the status code: without it nothing can be
served (503, and the web container is unhealthy); without the broker or a worker, pages and
saves still work and tasks wait in the outbox (iop/jobs/outbox.py), so the answer is 200
"degraded" with the detail — restarting web would not bring Redis or a worker back.

With the database down, every other page answers a 503 with Retry-After instead of a 500.
"""

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

HEALTHZ_PATH = "/healthz"
# The heartbeat job runs every minute: five missed beats is a worker (or beat) that is gone.
HEARTBEAT_STALE_SECONDS = 300
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError)
DATABASE_DOWN_MESSAGE = "The database is unavailable right now; try again in a minute."


def database_check():
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.error("health: the database does not answer (%s)", exc)
        return {"status": "error"}
    return {"status": "ok", "latency_ms": round((time.monotonic() - started) * 1000, 1)}


def broker_check():
    """Connect to the broker once, without retrying (Redis: a PING; the embedded default's
    filesystem broker: its folders), and count the tasks still waiting for it."""
    from iop.celery import app
    from iop.jobs.models import PendingTask

    report = {"status": "ok"}
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0)
    except Exception as exc:  # whatever the transport raises when the broker is away
        logger.warning("health: the broker does not answer (%s)", exc)
        report["status"] = "error"
    with contextlib.suppress(DatabaseError):  # the database's own check says so
        report["tasks_waiting"] = PendingTask.objects.count()
    return report


def worker_check():
    """How long ago a worker last ran the heartbeat job (every minute, from beat)."""
    from iop.jobs.models import JobRun

    try:
        last = JobRun.objects.last_success_of("heartbeat")
    except DatabaseError:
        return {"status": "unknown", "last_heartbeat_age_seconds": None}
    if last is None:
        return {"status": "stale", "last_heartbeat_age_seconds": None}
    age = max(0, round((timezone.now() - last).total_seconds()))
    return {
        "status": "ok" if age <= HEARTBEAT_STALE_SECONDS else "stale",
        "last_heartbeat_age_seconds": age,
    }


def health_report():
    """The report and its HTTP status: 200 ok or degraded, 503 when the database is down."""
    database = database_check()
    broker = broker_check()
    worker = worker_check()
    if database["status"] != "ok":
        status = "error"
    elif broker["status"] != "ok" or worker["status"] != "ok":
        status = "degraded"
    else:
        status = "ok"
    report = {"status": status, "database": database, "broker": broker, "worker": worker}
    return report, 503 if status == "error" else 200


class HealthCheckMiddleware:
    """Answers GET/HEAD /healthz before anything else runs.

    First in MIDDLEWARE so that a probe from inside the container (Host: 127.0.0.1, plain
    HTTP) is neither refused by ALLOWED_HOSTS nor redirected to HTTPS, and no session, cookie,
    sign-in, audit event or throttle is involved. The answer names no patient and no user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTHZ_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        report, status = health_report()
        response = JsonResponse(report, status=status)
        response["Cache-Control"] = "no-store"
        return response


def database_unavailable(request):
    """A 503 the user can read, built without the database: JSON under /api/, else a page."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": DATABASE_DOWN_MESSAGE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """The database down is a 503 with Retry-After, never a 500 with a traceback.

    The connection is opened (or its persistent one checked) before sessions, sign-in and
    views need it; a view that loses the database half-way ends the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except DATABASE_DOWN as exc:
            logger.error("database unavailable: %s", exc)
            return database_unavailable(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.error("database unavailable: %s", exception)
            return database_unavailable(request)
        return None
