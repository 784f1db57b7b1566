"""Django's `manage.py changepassword`, audited like a password set in the admin: the event
names `manage.py` as who set it (the operator on the server), never the password."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from iop.accounts import services
from iop.audit.context import AuditContext


class Command(changepassword.Command):
    def handle(self, *args, **options):
        result = super().handle(*args, **options)
        User = get_user_model()
        target = User._default_manager.db_manager(options["database"]).get_by_natural_key(
            options["username"] or getpass.getuser()
        )
        services.user_password_changed(
            user=None,
            target=target,
            context=AuditContext(path="manage.py changepassword"),
            username="manage.py",
        )
        return result
