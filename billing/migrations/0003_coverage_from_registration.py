"""The free-text payer and member id of a patient's registration become the first coverage
of their latest episode: a payer of that name (added to the list as "other" when it is not on
it; admins correct its kind) and a primary coverage from the episode's admission (or referral)
date. Patients with coverage already, or without a payer typed, are left alone. The text
fields stay on the patient as they were (the registration form keeps them)."""

from django.db import migrations


def coverage_from_registration(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    Episode = apps.get_model("patients", "Episode")
    Payer = apps.get_model("billing", "Payer")
    Coverage = apps.get_model("billing", "Coverage")
    payers = {p.name.lower(): p for p in Payer.objects.all()}
    for patient in Patient.objects.exclude(insurance_payer="").iterator():
        name = "".join(c for c in patient.insurance_payer.strip() if c.isprintable())[:120]
        if not name:
            continue
        episode = (
            Episode.objects.filter(patient=patient).order_by("-referral_date", "-pk").first()
        )
        if episode is None or Coverage.objects.filter(episode__patient=patient).exists():
            continue
        payer = payers.get(name.lower())
        if payer is None:
            payer = payers[name.lower()] = Payer.objects.create(name=name, kind="other")
        Coverage.objects.create(
            episode=episode,
            payer=payer,
            member_id="".join(c for c in patient.insurance_member_id if c.isprintable())[:60],
            priority="primary",
            effective_from=episode.admission_date or episode.referral_date,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_biller_role"),
    ]

    operations = [
        migrations.RunPython(coverage_from_registration, migrations.RunPython.noop),
    ]
