"""PostgreSQL roles: the owner migrates, the app's role reads and writes — and may only INSERT
and SELECT the audit tables.

    owner role (DATABASE_OWNER_URL)  owns every table; runs `manage.py migrate`, which ends by
                                     granting the app role (`app_role_grant`)
    app role   (DATABASE_URL)        SELECT/INSERT/UPDATE/DELETE on the other tables, USAGE and
                                     SELECT on sequences, SELECT on django_migrations, and only
                                     SELECT/INSERT on the audit tables; owns nothing, no
                                     superuser, so it can neither TRUNCATE, ALTER or DROP a
                                     table, disable or drop a trigger, nor SET
                                     session_replication_role

Default privileges give the app role the ordinary ones on tables the owner creates later; the
audit tables are narrowed again by `app_role_grant`, which `migrate` runs after every migration.
"""

from django.conf import settings
from django.db import connections, transaction

READ_ONLY_TABLES = ("django_migrations",)


class RoleError(Exception):
    """The role cannot be made the app's restricted role (a clear message for the command)."""


def audit_tables():
    """The append-only tables: the audit trail's, and any model of a higher app that declares
    `append_only = True` (e.g. the accounting of disclosures). The app role may only SELECT
    and INSERT them."""
    from django.apps import apps

    from iop.audit.models import AuditCheckpoint, AuditEvent

    tables = [AuditEvent._meta.db_table, AuditCheckpoint._meta.db_table]
    tables += [
        model._meta.db_table
        for model in apps.get_models()
        if getattr(model, "append_only", False) and model._meta.db_table not in tables
    ]
    return tables


def _check(cursor, role):
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        raise RoleError(f"There is no role {role!r}: create it first (see the README).")
    if row[0]:
        raise RoleError(f"{role!r} is a superuser: the app's role must not be one.")
    cursor.execute("SELECT current_user, current_schema()")
    current, schema = cursor.fetchone()
    if current == role:
        raise RoleError(f"Connected as {role!r} itself: run this as the tables' owner.")
    cursor.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = %s", [schema])
    for (owner,) in cursor.fetchall():
        if owner == role:
            raise RoleError(
                f"{role!r} owns tables in {schema!r}: as a superuser, run "
                f"REASSIGN OWNED BY {role} TO <owner role>; then run this again."
            )
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
        if cursor.fetchone()[0]:
            raise RoleError(f"{role!r} is a member of the owner role {owner!r}.")
    return schema


def app_role_grant(role, *, using="default"):
    """Grant `role` the app's privileges on the current schema (run as the owner).
    Returns the statements run."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleError("Database roles are for PostgreSQL; SQLite has none.")
    q = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        schema = _check(cursor, role)
        r, s = q(role), q(schema)
        existing = set(connection.introspection.table_names(cursor))
        audit = ", ".join(q(t) for t in audit_tables() if t in existing)
        read_only = ", ".join(q(t) for t in READ_ONLY_TABLES if t in existing)
        statements = [
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        ]
        if read_only:
            statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {read_only} FROM {r}")
        if audit:
            statements += [
                f"REVOKE ALL ON {audit} FROM {r}",
                f"GRANT SELECT, INSERT ON {audit} TO {r}",
            ]
        for statement in statements:
            cursor.execute(statement)
    return statements


def app_role_privileges(role, table, *, using="default"):
    """The privileges `role` holds on `table` (for checks and tests)."""
    with connections[using].cursor() as cursor:
        privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
        cursor.execute(
            "SELECT " + ", ".join(["has_table_privilege(%s, %s, %s)"] * len(privileges)),
            [value for p in privileges for value in (role, table, p)],
        )
        return {p for p, held in zip(privileges, cursor.fetchone(), strict=True) if held}


def use_owner_connection(alias="default"):
    """Connect `alias` as the owner role when DATABASE_OWNER_URL is set; returns the app role
    it replaced (None when unset)."""
    owner = settings.DATABASE_OWNER
    connection = connections[alias]
    if not owner or alias != "default":
        return None
    app_role = connection.settings_dict.get("USER")
    if app_role == owner.get("USER"):
        return None
    connection.close()
    connection.settings_dict.update(USER=owner.get("USER"), PASSWORD=owner.get("PASSWORD"))
    return app_role
