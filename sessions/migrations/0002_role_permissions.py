from django.db import migrations

from iop.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Give the roles their permissions on the sessions models (see iop.accounts.roles)."""

    dependencies = [
        ("therapy_sessions", "0001_initial"),
        ("plans", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
