"""Attendance carries its session's start, and the hours index is by episode and that time: a
caseload's weeks are one index range per episode. Filled from the sessions for existing rows."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Attendance = apps.get_model("therapy_sessions", "Attendance")
    TherapySession = apps.get_model("therapy_sessions", "TherapySession")
    starts = TherapySession.objects.filter(pk=models.OuterRef("session_id")).values("starts_at")
    Attendance.objects.update(session_starts_at=models.Subquery(starts))


class Migration(migrations.Migration):
    dependencies = [
        ("therapy_sessions", "0018_note_finished_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="session_starts_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attendance",
            name="session_starts_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.RemoveIndex(model_name="attendance", name="attendance_hours"),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                fields=["episode", "session_starts_at"],
                include=("session", "status", "minutes_attended"),
                name="attendance_hours",
            ),
        ),
    ]
