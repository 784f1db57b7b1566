import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """The hash chain's fields (nullable until 0004 chains the events already there) and the
    verification checkpoints."""

    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("ok", models.BooleanField()),
                (
                    "verified_seq",
                    models.PositiveBigIntegerField(
                        help_text="The newest event the run reached (0: an empty trail)."
                    ),
                ),
                ("head_hash", models.CharField(blank=True, max_length=64)),
                ("events", models.PositiveBigIntegerField(default=0, help_text="Events checked.")),
                ("problems", models.PositiveIntegerField(default=0)),
                (
                    "summary",
                    models.CharField(
                        blank=True, help_text="The first problems found.", max_length=500
                    ),
                ),
                ("task_id", models.CharField(blank=True, max_length=64)),
            ],
            options={"ordering": ["-at", "-id"], "get_latest_by": ["at", "id"]},
        ),
    ]
