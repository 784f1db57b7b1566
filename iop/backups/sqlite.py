"""SQLite (the embedded default of `make run`): a copy of the database file made with SQLite's
online backup API, consistent even while the web process and the worker write to it."""

import sqlite3
from contextlib import closing

from iop.backups.fingerprint import applied_migrations, sqlite_fingerprints


def dump(connection, path):
    """Copy the database to `path`; returns the manifest's database part."""
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    with closing(sqlite3.connect(path)) as copy:
        return {
            "server_version": sqlite3.sqlite_version,
            "tool": "sqlite3 online backup",
            "tables": sqlite_fingerprints(copy),
            "migrations": applied_migrations(copy.cursor()),
        }


def is_empty(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        return cursor.fetchone()[0] == 0


def restore(connection, path):
    """Copy the archive's database over the configured one (the backup API replaces it whole)."""
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as source:
        source.backup(connection.connection)


def fingerprints(connection):
    # A plain sqlite3 connection, as the backup's were taken with: Django's converts types.
    with closing(sqlite3.connect(connection.settings_dict["NAME"])) as plain:
        return sqlite_fingerprints(plain)
