"""Backup and restore: a backup of the test database, restored into a fresh database by another
process as a clinic would (`manage.py restore`), holds the same rows in every table, keeps the
audit trail's triggers and the app role's grants, and passes audit_verify and verify_signatures.
"""

import io
import os
import subprocess
import sys
import tarfile
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from iop.backups.archive import (
    BackupError,
    archive_open,
    archive_write,
    archives_prune,
    file_entry,
)
from patients.models import Patient
from sessions.models import ProgressNote
from tests.conftest import ROOT

# The restored copy may hold more than the original in these, and only at the end: the restore
# records itself on the audit trail, and its audit_verify appends a checkpoint.
APPENDED_BY_RESTORE = {"audit_auditevent": 1, "audit_auditcheckpoint": 1}

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pg_dump; CI runs it with DATABASE_URL"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default")


@pytest.fixture
def clinic_data(settings, tmp_path, monkeypatch):
    """The demo clinic (patients, signed notes and plans, an audit trail) and an uploaded file.

    The jobs its bookings queue go nowhere: a worker another test started would run them
    later, changing the database between the backup and the comparison."""
    from django.apps import apps

    from iop.accounts.roles import sync_role_permissions
    from iop.celery import app

    monkeypatch.setattr(app, "send_task", lambda *args, **kwargs: None)

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    # The role groups seed_demo fills, in case a transactional test before this one flushed
    # them away (as tests/conftest.py's django_db_setup does for a kept database).
    sync_role_permissions(apps)
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    (settings.MEDIA_ROOT / "consents").mkdir(parents=True)
    (settings.MEDIA_ROOT / "consents" / "scan.pdf").write_bytes(b"%PDF-1.4 a signed consent")
    assert Patient.objects.exists()
    assert ProgressNote.objects.exclude(status="draft").exists()


def backup(tmp_path):
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("iop-backup-*.tar")
    return archive


def manage(*args, var_dir, **env):
    """`manage.py` in a process of its own, on the production settings module."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DATABASE_OWNER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **base,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "iop.settings",
            "VAR_DIR": str(var_dir),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- PostgreSQL ---------------------------------------------------------------------------


def pg_url(name, user=None):
    s = connection.settings_dict
    user = user or s["USER"]
    password = f":{s['PASSWORD']}" if user == s["USER"] and s.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"
    )


def pg_digests(name, prefix=None):
    """{table: (rows, md5 of its rows ordered by primary key)}; with `prefix` ({table: n}),
    of each table's first n rows only. Worked out here, apart from the code under test."""
    digests = {}
    with psycopg.connect(pg_url(name), options="-c timezone=UTC") as db:
        tables = db.execute(
            "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY k.n) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE i.indisprimary AND c.relnamespace = 'public'::regnamespace GROUP BY 1"
        ).fetchall()
        for table, pk in tables:
            limit = f"LIMIT {prefix[table][0]}" if prefix else ""
            (rows,) = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            (digest,) = db.execute(
                f"SELECT md5(string_agg(t::text, E'\\n' ORDER BY {pk})) "
                f'FROM (SELECT * FROM "{table}" ORDER BY {pk} {limit}) AS t'
            ).fetchone()
            digests[table] = (rows, digest)
    return digests


def pg_triggers(name):
    with psycopg.connect(pg_url(name)) as db:
        return db.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
            "ORDER BY 1, 2"
        ).fetchall()


@pytest.fixture
def fresh_database():
    """An empty database and an app role of this test's own, dropped afterwards."""
    suffix = uuid.uuid4().hex[:10]
    name, role = f"iop_restore_{suffix}", f"iop_app_restore_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    yield name, role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


@postgres_only
@committed
def test_a_backup_restores_into_a_fresh_database_whole(
    clinic_data, fresh_database, tmp_path, settings
):
    archive = backup(tmp_path)
    source = connection.settings_dict["NAME"]
    original = pg_digests(source)
    name, role = fresh_database
    as_owner = {"DATABASE_URL": pg_url(name, role), "DATABASE_OWNER_URL": pg_url(name)}
    restored_var = tmp_path / "restored"

    done = manage("restore", str(archive), var_dir=restored_var, **as_owner)

    assert done.returncode == 0, done.stderr
    assert "Every signature matches its content" in done.stdout
    assert "The audit trail holds" in done.stdout
    copy = pg_digests(name)
    assert set(copy) == set(original)
    for table, (rows, _) in original.items():
        assert copy[table][0] == rows + APPENDED_BY_RESTORE.get(table, 0), table
    assert pg_digests(name, prefix=original) == {
        table: (copy[table][0], digest) for table, (_, digest) in original.items()
    }
    assert original["patients_patient"][0] > 0 and original["audit_auditevent"][0] > 0
    assert pg_triggers(name) == pg_triggers(source) != []
    scan = restored_var / "media" / "consents" / "scan.pdf"
    assert scan.read_bytes() == b"%PDF-1.4 a signed consent"

    # The app's role got its grants back: it reads the chart, and may not rewrite the trail;
    # the triggers refuse even the owner.
    with psycopg.connect(pg_url(name, role)) as app:
        assert app.execute("SELECT count(*) FROM patients_patient").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("UPDATE audit_auditevent SET detail = 'rewritten'")
    with psycopg.connect(pg_url(name)) as owner, pytest.raises(Exception, match="append-only"):
        owner.execute("DELETE FROM audit_auditevent")

    # The checks, run again as the clinic runs them: as the app's role.
    as_app = {"DATABASE_URL": pg_url(name, role)}
    for command in ("audit_verify", "verify_signatures"):
        done = manage(command, var_dir=restored_var, **as_app)
        assert done.returncode == 0, done.stdout + done.stderr

    # A second restore over the now full database is refused, and changes nothing.
    before = pg_digests(name)
    done = manage("restore", str(archive), var_dir=restored_var, **as_owner)
    assert done.returncode != 0
    assert "Refusing to overwrite" in done.stderr
    assert pg_digests(name) == before


# --- SQLite (make run) ---------------------------------------------------------------------


def sqlite_digests(path):
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as db:
        tables = [
            t
            for (t,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: list(db.execute(f'SELECT * FROM "{t}" ORDER BY rowid')) for t in tables}


@sqlite_only
@committed
def test_the_embedded_sqlite_database_backs_up_and_restores(clinic_data, tmp_path):
    archive = backup(tmp_path)
    original = sqlite_digests(connection.settings_dict["NAME"])
    restored_var = tmp_path / "restored"

    done = manage("restore", str(archive), var_dir=restored_var)

    assert done.returncode == 0, done.stderr
    assert "Every signature matches its content" in done.stdout
    copy = sqlite_digests(restored_var / "iop.sqlite3")
    assert set(copy) == set(original)
    for table, rows in original.items():
        assert len(copy[table]) == len(rows) + APPENDED_BY_RESTORE.get(table, 0), table
        assert copy[table][: len(rows)] == rows, table
    assert (restored_var / "media" / "consents" / "scan.pdf").exists()
    done = manage("restore", str(archive), var_dir=restored_var)
    assert done.returncode != 0 and "Refusing to overwrite" in done.stderr


# --- the archive --------------------------------------------------------------------------


def small_archive(tmp_path):
    staging = tmp_path / "staging"
    (staging / "media").mkdir(parents=True)
    (staging / "database.dump").write_bytes(b"the database")
    (staging / "media" / "scan.pdf").write_bytes(b"a scan")
    manifest = {
        "format": 1,
        "database": {
            "vendor": connection.vendor,
            "file": "database.dump",
            **file_entry(staging / "database.dump"),
        },
        "media": {"scan.pdf": file_entry(staging / "media" / "scan.pdf")},
        "migrations": {},
        "tables": {},
    }
    return archive_write(staging=staging, manifest=manifest, destination=tmp_path / "a.tar")


def test_an_archive_is_readable_by_its_owner_only_and_opens_whole(tmp_path):
    archive = small_archive(tmp_path)
    assert archive.stat().st_mode & 0o777 == 0o600
    manifest = archive_open(archive, tmp_path / "out")
    assert (tmp_path / "out" / "media" / "scan.pdf").read_bytes() == b"a scan"
    assert manifest["media"]["scan.pdf"]["bytes"] == 6


@pytest.mark.django_db
def test_an_altered_archive_is_refused_before_anything_is_restored(tmp_path):
    archive = small_archive(tmp_path)
    altered = tmp_path / "altered.tar"
    with tarfile.open(archive) as src, tarfile.open(altered, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else b""
            if member.name == "media/scan.pdf":
                data = b"a fake"  # same length, other content
            dst.addfile(member, io.BytesIO(data) if member.isfile() else None)
    with pytest.raises(BackupError, match="media/scan.pdf does not match its checksum"):
        archive_open(altered, tmp_path / "out")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(altered), stdout=io.StringIO())
    assert Patient.objects.count() == 0


def test_only_the_newest_archives_are_kept(tmp_path):
    names = [f"iop-backup-2026112{d}T020000Z.tar" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "unrelated.tar").write_bytes(b"")
    (tmp_path / ".staging-now").mkdir()  # a backup under way
    stale = tmp_path / ".staging-killed"  # one killed yesterday
    stale.mkdir()
    os.utime(stale, (0, 0))
    deleted = archives_prune(tmp_path, keep=2)
    assert [p.name for p in deleted] == names[:3]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*names[3:], "unrelated.tar", ".staging-now"])
