from django.db import migrations

from iop.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Admins see reminder deliveries and step-downs (see iop.accounts.roles)."""

    dependencies = [("therapy_sessions", "0003_reminderdelivery")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
