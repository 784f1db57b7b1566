"""/healthz: database, broker and worker heartbeat, for the compose health checks and people.

200 while the web can serve (the database answers), "degraded" when the broker or the worker
is away; 503 only when the database is down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.jobs.models import JobRun
from tests.factories import PatientFactory


def beat(ago):
    finished = timezone.now() - ago
    return JobRun.objects.create(
        job="heartbeat",
        outcome=JobRun.Outcome.SUCCESS,
        started_at=finished,
        finished_at=finished,
        counts={"beats": 1},
    )


@pytest.fixture
def fresh_heartbeat(db):
    return beat(timedelta(seconds=20))


def test_it_reports_ok_with_the_database_the_broker_and_a_fresh_heartbeat(client, fresh_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"]["status"] == "ok"
    assert report["database"]["latency_ms"] >= 0
    assert report["broker"] == {"status": "ok", "tasks_waiting": 0}
    assert report["worker"]["status"] == "ok"
    assert 15 <= report["worker"]["last_heartbeat_age_seconds"] <= 60


def test_it_is_degraded_but_up_when_the_broker_is_down(client, fresh_heartbeat, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["broker"]["status"] == "error"
    assert report["database"]["status"] == "ok"


def test_it_is_degraded_when_the_last_heartbeat_is_stale(client, db):
    beat(timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["worker"]["status"] == "stale"
    assert report["worker"]["last_heartbeat_age_seconds"] >= 600


def test_it_is_degraded_when_no_worker_has_ever_beaten(client, db):
    report = client.get("/healthz").json()
    assert report["status"] == "degraded"
    assert report["worker"] == {"status": "stale", "last_heartbeat_age_seconds": None}


def test_it_answers_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "error"
    assert report["database"] == {"status": "error"}
    assert report["worker"]["status"] == "unknown"


def test_it_names_no_patient_and_no_user_and_needs_no_sign_in(client, fresh_heartbeat):
    patient = PatientFactory(legal_first_name="Zebulon", legal_last_name="Quixley")
    response = client.get("/healthz")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Zebulon" not in body and "Quixley" not in body and patient.mrn not in body
    assert set(response.json()) == {"status", "database", "broker", "worker"}


def test_it_sets_no_cookie_and_writes_no_audit_event(client, fresh_heartbeat):
    before = AuditEvent.objects.count()
    response = client.get("/healthz")
    assert response.cookies == {}
    assert AuditEvent.objects.count() == before


def test_a_probe_from_inside_the_container_is_answered_whatever_the_host_and_scheme(
    client, settings, fresh_heartbeat
):
    """Docker's health check asks http://127.0.0.1:8000/healthz: not an allowed host of a
    deployment, and plain HTTP where the site redirects to HTTPS."""
    settings.ALLOWED_HOSTS = ["iop.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_many_probes_are_never_throttled(client, fresh_heartbeat):
    statuses = {client.get("/healthz").status_code for _ in range(100)}
    assert statuses == {200}
