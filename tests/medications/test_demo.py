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


def test_the_demo_has_a_medication_visit_with_its_reconciliation_and_signed_note(db, settings):
    from sessions.models import ProgressNote

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    note = ProgressNote.objects.select_related("session", "author").get(format="MED")
    assert note.status == "signed" and note.author.username == "prescriber"
    assert note.psychotherapy_minutes == 16 and note.content_hash
    rec = Reconciliation.objects.get(session=note.session)
    assert rec.status == "signed" and rec.occasion == "medication_visit"
