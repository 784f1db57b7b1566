"""PHQ-9 item 9 is a screen, not a risk level (CLINICAL.md): alerts it raised before that rule
carried a risk level that made Today ask for a safety plan. Blank it on those alerts."""

from django.db import migrations


def blank_item9_risk_levels(apps, schema_editor):
    Alert = apps.get_model("patients", "Alert")
    MeasureResponse = apps.get_model("patients", "MeasureResponse")
    # Item 9 alerts: raised by a measure response (dedupe key "risk:measure:<pk>") that is not
    # a C-SSRS (a C-SSRS alert's level is the screener's, and stays).
    alerts = Alert.objects.filter(
        source_type="patients.measureresponse", dedupe_key__startswith="risk:measure:"
    ).exclude(risk_level="")
    pairs = list(alerts.values_list("pk", "source_id"))
    if not pairs:
        return
    cssrs = {
        str(pk)
        for pk in MeasureResponse.objects.filter(
            pk__in=[int(s) for _, s in pairs if s.isdigit()], instrument="CSSRS"
        ).values_list("pk", flat=True)
    }
    item9 = [pk for pk, source_id in pairs if source_id not in cssrs]
    Alert.objects.filter(pk__in=item9).update(risk_level="")


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0007_merge_billing_mode"),
    ]

    operations = [
        migrations.RunPython(blank_item9_risk_levels, migrations.RunPython.noop),
    ]
