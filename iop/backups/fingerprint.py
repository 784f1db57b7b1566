"""What a database holds, to compare a restored copy with the original: each table's row count
and a hash of its content, and the migrations applied.

A table's hash is the md5 of its rows' md5s in sorted order, so it depends on the rows alone —
not on their order on disk, a primary key's collation, or the server the copy sits on.
"""

import hashlib


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _md5(text):
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


AGGREGATE = (
    "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE \"C\"), '')) "
    "FROM ({rows}) AS hashed"
)


def pg_fingerprints(cursor):
    """{table: {"rows": n, "md5": hash}} for every table of the current schema (PostgreSQL)."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [name for (name,) in cursor.fetchall()]
    result = {}
    for table in tables:
        # The table name comes from the catalogue and is quoted; nothing here is user input.
        table_rows = f"SELECT md5(t::text) AS h FROM {_quote(table)} AS t"  # noqa: S608 # nosec B608
        cursor.execute(AGGREGATE.format(rows=table_rows))
        rows, digest = cursor.fetchone()
        result[table] = {"rows": rows, "md5": digest}
    return result


def sqlite_fingerprints(connection):
    """The same for a sqlite3 connection; a row is hashed as Python's repr of its values."""
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    result = {}
    for table in tables:
        hashes = sorted(
            _md5(repr(row))
            for row in connection.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 # nosec B608
        )
        result[table] = {"rows": len(hashes), "md5": _md5("".join(hashes))}
    return result


def applied_migrations(cursor):
    """{app: [migration, ...]} in the order they were applied."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    applied = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def fingerprints_differ(expected, actual):
    """The tables whose rows differ between two fingerprints, or that only one of them has."""
    return sorted(t for t in set(expected) | set(actual) if expected.get(t) != actual.get(t))
