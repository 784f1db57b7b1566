from django.db import migrations

from iop.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """The `director` role (issue 13): a clinical director, a supervisor of every program."""

    dependencies = [
        ("accounts", "0005_merge_lockout_privilege"),
    ]

    operations = [
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
