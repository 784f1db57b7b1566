import io

from django.core.management import call_command

from medications.models import Medication, Reconciliation


def test_the_demo_has_patients_on_buprenorphine_and_naltrexone_reconciled(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    on = {
        m.patient.legal_last_name: m.addiction_treatment
        for m in Medication.objects.exclude(addiction_treatment="").select_related("patient")
    }
    assert on == {"Volkov": "moud", "Marsh": "maud"}
    signed = Reconciliation.objects.filter(occasion="admission", status="signed")
    assert signed.count() == 2
    assert all("sertraline" in r.source_text for r in signed)
    assert all(r.content_hash == r.compute_hash() for r in signed)
