"""PostgreSQL: `pg_dump` and `pg_restore` (found on PATH, or in PG_BIN), run with the role
Django connects as (the owner when DATABASE_OWNER_URL is set).

The dump's row counts and hashes come from the very snapshot `pg_dump` copies (it is exported
by the transaction that counts, `pg_dump --snapshot`), so the manifest describes the dump
exactly even while the clinic keeps working. A restore leaves out the dump's owners and grants
(`--no-owner --no-acl`: the roles of another server may not exist) — the tables belong to the
role restoring, and the app's role is granted again as `migrate` does — and keeps everything
else, the audit tables' append-only triggers included. It runs in one transaction: a restore
that fails leaves the database as empty as it was.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.db import transaction

from iop.backups.archive import BackupError
from iop.backups.fingerprint import applied_migrations, pg_fingerprints

LIBPQ = {"NAME": "PGDATABASE", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "HOST": "PGHOST"}
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}


def _env(settings_dict):
    """The connection for libpq's tools, in the environment (a password never on argv)."""
    env = dict(os.environ)
    for key, var in LIBPQ.items():
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PORT"):
        env["PGPORT"] = str(settings_dict["PORT"])
    for key, var in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(key):
            env[var] = str(settings_dict["OPTIONS"][key])
    return env


def _tool(name):
    folder = os.environ.get("PG_BIN")
    path = str(Path(folder) / name) if folder else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client of the server's major "
            "version (or point PG_BIN at its bin folder)."
        )
    return path


def _start(name, args, settings_dict):
    return subprocess.Popen(  # a fixed tool, an argument list, no shell
        [_tool(name), *args],
        env=_env(settings_dict),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(name, process):
    out, err = process.communicate()
    if process.returncode:
        raise BackupError(f"{name} failed ({process.returncode}): {err.strip()[-2000:]}")
    return out.strip()


def _run(name, args, settings_dict):
    return _finish(name, _start(name, args, settings_dict))


def tool_version(name):
    return _run(name, ["--version"], {})


def dump(connection, path):
    """Dump the database to `path`; returns the manifest's database part."""
    settings_dict = connection.settings_dict
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        pg_dump = _start(
            "pg_dump",
            ["--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
            settings_dict,
        )
        try:
            # Counted while pg_dump copies the same snapshot, on another core.
            tables = pg_fingerprints(cursor)
            migrations = applied_migrations(cursor)
        finally:
            _finish("pg_dump", pg_dump)
    return {
        "server_version": server_version,
        "tool": tool_version("pg_dump"),
        "tables": tables,
        "migrations": migrations,
    }


def is_empty(connection):
    """No table, sequence, view or function in the schema the app uses."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
            " AND relnamespace = current_schema()::regnamespace)"
            " + (SELECT count(*) FROM pg_proc WHERE pronamespace = current_schema()::regnamespace)"
        )
        return cursor.fetchone()[0] == 0


def schema_reset(connection):
    """Drop the app's schema with everything in it and create it again, empty (`--force`)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = q(cursor.fetchone()[0])
        cursor.execute(f"DROP SCHEMA {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")


def restore(connection, path):
    """Restore the dump at `path` into the (empty) database, then gather planner statistics."""
    settings_dict = connection.settings_dict
    connection.close()
    _run(
        "pg_restore",
        [
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(path),
        ],
        settings_dict,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def fingerprints(connection):
    with connection.cursor() as cursor:
        return pg_fingerprints(cursor)
