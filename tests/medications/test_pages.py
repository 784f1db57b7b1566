from datetime import date

import pytest
from django.urls import reverse

from medications import services
from medications.models import Medication, Reconciliation
from patients.services.emergency import emergency_access_start
from tests.medications.conftest import BUPRENORPHINE


def tab(patient):
    return reverse("medications:chart", args=[patient.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("clinician", 200), ("supervisor", 200), ("clinician2", 404), ("intake", 404), ("admin", 404)],
)
def test_who_opens_the_medications_tab(client, role_users, patient, bup, who, status):
    client.force_login(role_users[who])
    response = client.get(tab(patient))
    assert response.status_code == status
    if status == 200:
        assert "Buprenorphine/naloxone" in response.text
        assert "MOUD (opioid use disorder)" in response.text


def test_the_tab_says_the_records_are_part_2(client, clinician, patient, bup):
    client.force_login(clinician)
    assert 'data-testid="part2-notice"' in client.get(tab(patient)).text


def test_emergency_access_reads_the_list_without_forms(client, clinician2, patient, bup):
    emergency_access_start(
        patient=patient, user=clinician2, reason="Overdose call from the ED, need the list"
    )
    client.force_login(clinician2)
    response = client.get(tab(patient))
    assert response.status_code == 200 and "Buprenorphine/naloxone" in response.text
    assert "Add a medication" not in response.text
    assert client.get(reverse("medications:new", args=[patient.pk])).status_code == 403


def test_adding_a_medication_from_the_form(client, clinician, patient):
    client.force_login(clinician)
    data = {**BUPRENORPHINE, "start_date": "2026-10-01", "addiction_treatment": ""}
    response = client.post(reverse("medications:new", args=[patient.pk]), data)
    assert response.status_code == 302
    assert Medication.objects.get().addiction_treatment == "moud"


def test_a_refused_entry_keeps_what_was_typed(client, clinician, patient):
    client.force_login(clinician)
    data = {**BUPRENORPHINE, "start_date": "1890-01-01", "rxnorm_code": "1010600"}
    response = client.post(reverse("medications:new", args=[patient.pk]), data)
    assert response.status_code == 200
    assert "before the patient was born" in response.text
    assert 'value="Dr. Lee (community clinic)"' in response.text
    assert not Medication.objects.exists()


def test_a_change_shows_in_the_history(client, clinician, patient, bup):
    client.force_login(clinician)
    url = reverse("medications:edit", args=[patient.pk, bup.pk])
    data = {**BUPRENORPHINE, "dose": "2 films", "start_date": "2026-10-01", "revision": "0"}
    data["addiction_treatment"] = "moud"
    assert client.post(url, data).status_code == 302
    assert "1 film → 2 films" in client.get(tab(patient)).text


def test_a_stop_date_in_the_future_is_refused_on_the_page(client, clinician, patient, bup):
    client.force_login(clinician)
    url = reverse("medications:stop", args=[patient.pk, bup.pk])
    response = client.post(url, {"stop_date": "2026-12-01", "reason": "Side effects"})
    assert "in the future" in response.text and 'value="Side effects"' in response.text
    bup.refresh_from_db()
    assert bup.is_active


def test_reconciling_at_admission_on_the_page(client, clinician, episode, patient, bup):
    episode.intake.medications = "Suboxone 8/2 mg daily"
    episode.intake.save()
    client.force_login(clinician)
    response = client.post(
        reverse("medications:reconciliation-start", args=[patient.pk]), {"occasion": "admission"}
    )
    rec = Reconciliation.objects.get()
    assert response.url == rec.get_absolute_url()
    assert "Suboxone 8/2 mg daily" in client.get(response.url).text
    response = client.post(
        response.url,
        {f"decision_{bup.pk}": "continued", f"note_{bup.pk}": "", "notes": "", "action": "sign"},
    )
    rec.refresh_from_db()
    assert rec.is_signed and rec.signed_by == clinician
    page = client.get(rec.get_absolute_url()).text
    assert 'data-testid="signed"' in page and "Sign the reconciliation" not in page


def test_signing_with_an_entry_undecided_says_which(client, clinician, episode, patient, bup):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    client.force_login(clinician)
    response = client.post(
        rec.get_absolute_url(),
        {f"decision_{bup.pk}": "", "notes": "Reviewed with the patient", "action": "sign"},
    )
    assert "continued, changed or stopped" in response.text
    assert "Reviewed with the patient" in response.text
    rec.refresh_from_db()
    assert not rec.is_signed


def test_stopped_entries_are_listed_apart(client, clinician, patient, bup):
    services.medication_stop(medication=bup, stop_date=date(2026, 11, 1), user=clinician)
    client.force_login(clinician)
    response = client.get(tab(patient))
    assert 'data-testid="stopped-medications"' in response.text
    assert 'data-testid="active-medications"' not in response.text


def test_the_admin_shows_a_signed_reconciliation_read_only(
    client, superuser, clinician, episode, bup
):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    services.reconciliation_update(
        reconciliation=rec, decisions={bup.pk: {"decision": "continued"}}, user=clinician
    )
    services.reconciliation_sign(reconciliation=rec, user=clinician)
    client.force_login(superuser)
    url = reverse("admin:medications_reconciliation_change", args=[rec.pk])
    response = client.get(url)
    assert response.status_code == 200 and "Save" not in response.text
    assert client.post(url, {"notes": "edited"}).status_code == 403
    rec.refresh_from_db()
    assert rec.notes == "" and rec.content_hash == rec.compute_hash()


def test_opening_the_tab_is_audited(client, clinician, patient, bup):
    from iop.audit.models import AuditEvent

    client.force_login(clinician)
    client.get(tab(patient))
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, path=tab(patient)
    ).exists()


def test_posting_to_a_signed_reconciliation_changes_nothing(client, clinician, episode, bup):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    services.reconciliation_update(
        reconciliation=rec, decisions={bup.pk: {"decision": "continued"}}, user=clinician
    )
    services.reconciliation_sign(reconciliation=rec, user=clinician)
    client.force_login(clinician)
    response = client.post(
        rec.get_absolute_url(),
        {f"decision_{bup.pk}": "stopped", "notes": "late", "action": "save"},
        follow=True,
    )
    assert "never changed" in response.text
    rec.refresh_from_db()
    assert rec.notes == "" and rec.items.get().decision == "continued"


def test_the_chart_header_names_the_moud(client, clinician, intake, patient, bup):
    client.force_login(clinician)
    assert "MOUD/MAUD" in client.get(reverse("patients:chart", args=[patient.pk])).text
    client.force_login(intake)
    assert "MOUD/MAUD" not in client.get(reverse("patients:chart", args=[patient.pk])).text
