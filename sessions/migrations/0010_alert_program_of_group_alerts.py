from django.db import migrations


def programs_of_group_alerts(apps, schema_editor):
    """Alerts with no patient raised before alerts had a program (unsigned group notes, group
    notes awaiting co-signature): the group's program, so its supervisors see them."""
    Alert = apps.get_model("patients", "Alert")
    TherapySession = apps.get_model("therapy_sessions", "TherapySession")
    ProgressNote = apps.get_model("therapy_sessions", "ProgressNote")
    sources = {
        "therapy_sessions.therapysession": lambda pk: TherapySession.objects.filter(pk=pk)
        .values_list("group__program_id", flat=True)
        .first(),
        "therapy_sessions.progressnote": lambda pk: ProgressNote.objects.filter(pk=pk)
        .values_list("session__group__program_id", flat=True)
        .first(),
    }
    for alert in Alert.objects.filter(
        patient__isnull=True, program__isnull=True, source_type__in=sources
    ).only("pk", "source_type", "source_id"):
        if alert.source_id.isdigit():
            program_id = sources[alert.source_type](int(alert.source_id))
            if program_id is not None:
                Alert.objects.filter(pk=alert.pk).update(program_id=program_id)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0010_alert_program"),
        ("therapy_sessions", "0009_group_telehealth_place_and_modifier"),
    ]

    operations = [
        migrations.RunPython(programs_of_group_alerts, migrations.RunPython.noop),
    ]
