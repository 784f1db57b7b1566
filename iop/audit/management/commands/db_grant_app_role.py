from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from iop.audit.dbroles import RoleError, app_role_grant, use_owner_connection


class Command(BaseCommand):
    help = (
        "As the tables' owner (DATABASE_OWNER_URL when set), grant the app's PostgreSQL role "
        "SELECT/INSERT/UPDATE/DELETE on every table, USAGE/SELECT on sequences and default "
        "privileges for tables to come — but only SELECT/INSERT on the audit tables. "
        "`manage.py migrate` runs it itself when DATABASE_OWNER_URL is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "role", nargs="?", help="the app's role (default: the user of DATABASE_URL)"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, role, database, **options):
        app_user = use_owner_connection(database)
        role = role or app_user or settings.DATABASES[database].get("USER")
        if not role:
            raise CommandError("Name the app's role (DATABASE_URL has no user).")
        try:
            statements = app_role_grant(role, using=database)
        except RoleError as exc:
            raise CommandError(str(exc)) from None
        owner = connections[database].settings_dict.get("USER")
        for statement in statements:
            self.stdout.write(f"  {statement}", style_func=None)
        self.stdout.write(
            f"Role {role!r} may read and write the app's tables and only SELECT and INSERT "
            f"the audit tables (granted as {owner!r})."
        )
