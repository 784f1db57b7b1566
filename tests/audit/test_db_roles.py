"""The app's restricted PostgreSQL role: it may INSERT and SELECT the audit trail and nothing
more — no UPDATE, DELETE or TRUNCATE, no disabling or dropping a trigger, no replica mode, no
migrating the audit app backwards — while the app itself keeps working as that role.

Each test creates a role of its own (a unique name), grants it with `db_grant_app_role` as the
tests' owner/superuser connection, and connects to the test database as that role."""

import os
import subprocess
import sys
import uuid
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from iop.audit.dbroles import app_role_privileges
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from iop.audit.verification import chain_walk
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="database roles are PostgreSQL's; CI runs this with DATABASE_URL set",
    ),
]


def _db():
    return connection.settings_dict


def _url(user):
    db = _db()
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if user == db["USER"] and db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def app_role(transactional_db):
    role = f"iop_app_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    out = StringIO()
    call_command("db_grant_app_role", role, stdout=out)
    assert "may read and write the app's tables and only SELECT and INSERT" in out.getvalue()
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def as_app(app_role):
    """A psycopg connection to the test database as the app's role (autocommit)."""
    db = _db()
    conn = psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        dbname=db["NAME"],
        user=app_role,
        autocommit=True,
    )
    yield conn
    conn.close()


def app_process(role, *args, owner=None, tmp_path):
    """manage.py as the app runs it, connected as `role` (and the owner, if given)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_OWNER_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=_url(role),
        DJANGO_SETTINGS_MODULE="iop.settings",
        VAR_DIR=str(tmp_path),
    )
    if owner:
        env["DATABASE_OWNER_URL"] = _url(owner)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def trail(transactional_db):
    for i in range(3):
        audit_record(action=AuditEvent.Action.VIEW, object_id=str(i), patient_id=i)
    return list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))


REFUSED = [
    "UPDATE audit_auditevent SET detail = 'rewritten'",
    "DELETE FROM audit_auditevent WHERE seq = 2",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    "DROP TABLE audit_auditevent",
    "SET session_replication_role = replica",
    "UPDATE audit_auditcheckpoint SET ok = true",
    "DELETE FROM audit_auditcheckpoint",
    "TRUNCATE audit_auditcheckpoint",
    "ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER USER",
]


@pytest.mark.parametrize("sql", REFUSED, ids=[s.split(" ")[0] + " " + s[-30:] for s in REFUSED])
def test_the_app_role_cannot_rewrite_the_trail(as_app, trail, sql):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app.execute(sql)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")) == trail
    assert chain_walk().ok


def test_replica_mode_then_delete_is_refused_in_one_transaction(as_app, trail):
    """The issue's recipe: SET session_replication_role = replica; DELETE ... ."""
    as_app.autocommit = False
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app.execute("SET session_replication_role = replica")
        as_app.execute("DELETE FROM audit_auditevent")
    as_app.rollback()
    assert AuditEvent.objects.count() == 3


def test_the_app_role_holds_exactly_the_privileges_it_needs(app_role):
    assert app_role_privileges(app_role, "audit_auditevent") == {"SELECT", "INSERT"}
    assert app_role_privileges(app_role, "audit_auditcheckpoint") == {"SELECT", "INSERT"}
    # The accounting of disclosures is append-only too (a model with `append_only = True`).
    assert app_role_privileges(app_role, "disclosures_disclosure") == {"SELECT", "INSERT"}
    assert app_role_privileges(app_role, "patients_patient") == {
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
    }
    assert app_role_privileges(app_role, "django_migrations") == {"SELECT"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
            [app_role],
        )
        assert cursor.fetchone() == (False, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [app_role])
        assert cursor.fetchone() == (0,)
        # Default privileges: a table the owner creates later is the app's to read and write.
        cursor.execute("CREATE TABLE later_table (id int)")
    try:
        assert app_role_privileges(app_role, "later_table") == {
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
        }
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_table")


def test_the_app_runs_as_its_role_writes_the_trail_and_verifies_it(app_role, trail, tmp_path):
    script = (
        "from iop.audit.services import audit_record, audit_record_patients\n"
        "from django.test import RequestFactory\n"
        "from patients.models import Program\n"
        "audit_record(action='export', object_type='report', object_id='7')\n"
        "audit_record_patients(action='view', request=RequestFactory().get('/g/'),"
        " obj=Program.objects.create(name='Role IOP', track='mental_health'), patient_ids=[1, 2])\n"
        "Program.objects.filter(name='Role IOP').update(name='Renamed IOP')\n"
    )
    done = app_process(app_role, "shell", "-c", script, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    verified = app_process(app_role, "audit_verify", tmp_path=tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert "The audit trail holds: 6 events, up to seq 6" in verified.stdout
    assert chain_walk().head_seq == 6


def test_migrating_audit_back_is_refused_for_the_app_role(app_role, trail, tmp_path):
    done = app_process(app_role, "migrate", "audit", "0001", tmp_path=tmp_path)
    assert done.returncode != 0
    assert "never migrated away" in done.stderr
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
            "AND NOT tgisinternal AND tgenabled = 'O'"
        )
        assert cursor.fetchone() == (2,)
    assert chain_walk().ok


def test_migrate_runs_as_the_owner_and_grants_the_app_role(app_role, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT UPDATE, DELETE ON audit_auditevent TO "{app_role}"')
    assert "UPDATE" in app_role_privileges(app_role, "audit_auditevent")
    owner = _db()["USER"]
    done = app_process(app_role, "migrate", "--noinput", owner=owner, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Migrated as {owner!r}; {app_role!r} may only SELECT and INSERT" in done.stdout
    assert app_role_privileges(app_role, "audit_auditevent") == {"SELECT", "INSERT"}


def test_the_grant_refuses_a_superuser_or_a_missing_role(transactional_db):
    with pytest.raises(CommandError, match="is a superuser"):
        call_command("db_grant_app_role", _db()["USER"], stdout=StringIO())
    with pytest.raises(CommandError, match="There is no role"):
        call_command("db_grant_app_role", "no_such_role_here", stdout=StringIO())
    connections.close_all()
