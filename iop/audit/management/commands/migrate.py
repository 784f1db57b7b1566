"""`migrate` as the owner role when DATABASE_OWNER_URL is set, then the app role's grants.

The app's own role (DATABASE_URL) owns nothing, so it cannot create or alter tables; rather than
a second settings module, the one command that changes the schema switches its connection to
the owner's user and password (same database) before it starts."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate

from iop.audit.dbroles import RoleError, app_role_grant, use_owner_connection


class Command(migrate.Command):
    help = (
        migrate.Command.help
        + " With DATABASE_OWNER_URL set: connects as that (owner) role, then grants DATABASE_URL's"
        " role the app's privileges (see db_grant_app_role)."
    )

    def handle(self, *args, **options):
        app_role = use_owner_connection(options["database"])
        super().handle(*args, **options)
        if app_role:
            try:
                app_role_grant(app_role, using=options["database"])
            except RoleError as exc:
                raise CommandError(str(exc)) from None
            if options["verbosity"]:
                self.stdout.write(
                    f"Migrated as {settings.DATABASE_OWNER['USER']!r}; {app_role!r} may only "
                    "SELECT and INSERT the audit tables."
                )
