from django.db import migrations

from iop.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Admins maintain the plan libraries in the Django admin (see iop.accounts.roles)."""

    dependencies = [
        ("plans", "0006_plan_library"),
        ("therapy_sessions", "0012_merge_reminders_and_note_indexes"),
        ("accounts", "0006_director_role"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
