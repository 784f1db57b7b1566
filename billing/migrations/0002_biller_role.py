from django.db import migrations

from iop.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """The `biller` role (issue 18) and the billing permissions of admins and billers."""

    dependencies = [
        ("billing", "0001_payers_coverage_authorizations"),
        ("accounts", "0008_user_prescriber_credential"),
        ("patients", "0017_alert_kinds_authorizations"),
    ]

    operations = [
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
