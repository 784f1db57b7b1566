"""Three indexes of the trail that only cost its writes, dropped; nothing it is searched by.

Every event written touches every index of the table, and a list writes one event per patient
it shows. A CharField's `db_index` on PostgreSQL builds two indexes, the plain one and a LIKE-
prefix one (`varchar_pattern_ops`): nothing searches `action` or `request_id` by prefix (the
admin's search is a contains), so the prefix ones go and the plain ones stay, renamed as the
model's `Meta.indexes`. The user's own index goes too: `audit_user_at` (user, at) starts with it.

In place, without rebuilding an index of a table of millions of rows (the renames are catalog
changes). Irreversible like the migrations before it: the audit app is never migrated back.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

TABLE = "audit_auditevent"
DROPPED = (
    "audit_auditevent_action_2131bb77_like",
    "audit_auditevent_request_id_b6fdcfa6_like",
    "audit_auditevent_user_id_871f21a9",
)
# Django's name of the plain index -> the model's; with the column.
RENAMED = (
    ("audit_auditevent_action_2131bb77", "audit_action", "action"),
    ("audit_auditevent_request_id_b6fdcfa6", "audit_request_id", "request_id"),
)


def forwards(apps, schema_editor):
    qn = schema_editor.quote_name
    postgres = schema_editor.connection.vendor == "postgresql"
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {qn(name)}")
    for old, new, column in RENAMED:
        if postgres:
            schema_editor.execute(f"ALTER INDEX IF EXISTS {qn(old)} RENAME TO {qn(new)}")
        else:  # SQLite renames no index; its test databases are small
            schema_editor.execute(f"DROP INDEX IF EXISTS {qn(old)}")
        # Only if it was not there to rename.
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {qn(new)} ON {qn(TABLE)} ({qn(column)})")


def refuse(apps, schema_editor):
    raise IrreversibleError(
        "The audit trail's protections are never migrated away: "
        "audit migrations cannot be reversed (they would drop the triggers with no trace)."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_append_only_truncate_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, refuse)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(
                        choices=[
                            ("view", "view"),
                            ("create", "create"),
                            ("update", "update"),
                            ("delete", "delete"),
                            ("export", "export"),
                            ("login", "login"),
                            ("login_failed", "login failed"),
                            ("logout", "logout"),
                            ("denied", "denied"),
                        ],
                        max_length=20,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="request_id",
                    field=models.CharField(blank=True, max_length=64),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["action"], name="audit_action"),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["request_id"], name="audit_request_id"),
                ),
            ],
        ),
    ]
