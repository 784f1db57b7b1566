from django.db import migrations

from iop.accounts.roles import sync_role_permissions


class Migration(migrations.Migration):
    """The admin role loses clinical content and API tokens (issue 12): the role groups are
    set to exactly ROLE_PERMISSIONS. DRF's plain-text token table goes (knox replaces it)."""

    dependencies = [
        ("accounts", "0003_alter_user_managers"),
        ("audit", "0002_append_only_trigger"),
        ("jobs", "0001_initial"),
        ("patients", "0008_item9_alerts_set_no_risk_level"),
        ("plans", "0005_review_draft"),
        ("therapy_sessions", "0009_group_telehealth_place_and_modifier"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
        # Tokens kept in clear by rest_framework.authtoken, no longer installed.
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
