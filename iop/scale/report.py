"""What `seed_demo --scale` says when done (rows per table, the logins and their caseloads),
and the `--flush` it may start with."""

from django.apps import apps
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from iop.accounts.roles import Role, sync_role_permissions
from iop.audit.dbroles import audit_tables


def flush_database(using=DEFAULT_DB_ALIAS):
    """Empty every table, the audit trail included. On PostgreSQL the append-only tables'
    triggers refuse TRUNCATE: they are switched off around it, in the same transaction."""
    connection = connections[using]
    with transaction.atomic(using=using):
        tables = [connection.ops.quote_name(t) for t in audit_tables()]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Deferred foreign-key checks still pending would refuse the ALTER TABLE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        call_command("flush", interactive=False, verbosity=0, database=using)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    sync_role_permissions(apps)


def logins(world):
    """[(username, role, what they see)] for the main demo logins."""
    active = [e for e in world.episodes if e.status == "active"]
    rows = []
    for person in world.staff:
        if person.username not in (
            "admin",
            "director",
            "supervisor",
            "supervisor2",
            "clinician",
            "clinician2",
            "clinician3",
            "intake",
        ):
            continue
        if person.role == Role.CLINICIAN:
            mine = sum(1 for e in active if person.id in e.care_team)
            groups = sum(1 for g in world.groups if person.id in g.facilitators)
            trainee = ", trainee" if person.is_trainee else ""
            plural = "s" if groups != 1 else ""
            seen = (
                f"{mine} active patients on their care teams, runs {groups} group{plural}{trainee}"
            )
        elif person.role == Role.SUPERVISOR:
            from iop.scale.cast import SUPERVISES

            programs = [i for i in SUPERVISES.get(person.username, []) if i < len(world.programs)]
            count = sum(1 for e in active if e.program in programs)
            seen = f"supervises {len(programs)} programs, {count} active patients"
        elif person.role == Role.DIRECTOR:
            seen = f"every program, {len(active)} active patients"
        elif person.role == Role.INTAKE:
            queue = sum(1 for e in world.episodes if e.status in ("referred", "intake"))
            seen = f"every patient's intake; {queue} in the intake queue"
        else:
            seen = "the Django admin"
        rows.append((person.username, person.role, seen))
    return rows


def summary(counts, world, seconds, password):
    lines = [f"Scale data set built in {seconds / 60:.1f} min ({seconds:.0f} s).", "Rows:"]
    lines += [f"  {table:<40} {rows:>10,}" for table, rows in sorted(counts.items())]
    lines.append(f"Logins (password {password}):")
    lines += [f"  {username:<12} {role:<11} {seen}" for username, role, seen in logins(world)]
    return "\n".join(lines)
