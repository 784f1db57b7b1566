import pytest

from iop.audit.models import AuditEvent
from medications import services
from medications.models import Medication, MedicationChange, Reconciliation

LIST = "/api/v1/medications/"
RECS = "/api/v1/medication-reconciliations/"
NEW = {
    "name": "Naltrexone",
    "strength": "380 mg",
    "dose": "1 injection",
    "route": "im",
    "frequency": "every 4 weeks",
    "prescriber_name": "Dr. Patel",
    "start_date": "2026-10-15",
}


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [
        ("clinician", 200, 1),
        ("supervisor", 200, 1),
        ("clinician2", 200, 0),
        ("intake", 403, None),
        ("admin", 403, None),
    ],
)
def test_who_reads_the_list(api_client, role_users, bup, who, status, count):
    api_client.force_authenticate(role_users[who])
    response = api_client.get(LIST)
    assert response.status_code == status
    if count is not None:
        assert len(response.json()["results"]) == count


def test_a_clinician_off_the_care_team_gets_404_on_an_entry(api_client, clinician2, bup):
    api_client.force_authenticate(clinician2)
    assert api_client.get(f"{LIST}{bup.pk}/").status_code == 404


def test_adding_through_the_api_marks_naltrexone_and_audits(api_client, clinician, patient):
    api_client.force_authenticate(clinician)
    response = api_client.post(LIST, {**NEW, "patient": patient.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["addiction_treatment"] == "moud_maud"
    assert body["changes"][0]["kind"] == "added"
    assert AuditEvent.objects.filter(action="create", object_id=str(body["id"])).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "1800-01-01"}, "start_date"),
        ({"rxnorm_code": "RX-12"}, "rxnorm_code"),
        ({"prescriber_name": ""}, "prescriber_name"),
        ({"dose": 5}, "dose"),
    ],
)
def test_bad_entries_answer_400_by_field(api_client, clinician, patient, changes, field):
    api_client.force_authenticate(clinician)
    response = api_client.post(LIST, {**NEW, "patient": patient.pk, **changes}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Medication.objects.exists()


def test_a_change_writes_history_and_a_stale_one_answers_409(api_client, clinician, bup):
    api_client.force_authenticate(clinician)
    url = f"{LIST}{bup.pk}/"
    response = api_client.patch(url, {"dose": "2 films", "revision": 0}, format="json")
    assert response.status_code == 200
    assert response.json()["changes"][0]["changes"] == {"dose": ["1 film", "2 films"]}
    stale = api_client.patch(url, {"dose": "3 films", "revision": 0}, format="json")
    assert stale.status_code == 409


def test_stopping_in_the_future_answers_400(api_client, clinician, bup):
    api_client.force_authenticate(clinician)
    response = api_client.post(f"{LIST}{bup.pk}/stop/", {"stop_date": "2027-01-01"}, format="json")
    assert response.status_code == 400 and "stop_date" in response.json()


def test_a_clinician_off_the_care_team_cannot_add(api_client, clinician2, patient):
    api_client.force_authenticate(clinician2)
    response = api_client.post(LIST, {**NEW, "patient": patient.pk}, format="json")
    assert response.status_code == 400  # the patient is not one they may open
    assert not Medication.objects.exists()


def test_reconcile_and_sign_then_changes_answer_409(api_client, clinician, episode, bup):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        RECS, {"episode": episode.pk, "occasion": "admission"}, format="json"
    )
    assert response.status_code == 201, response.json()
    rec = response.json()
    assert [item["medication"] for item in rec["items"]] == [bup.pk]
    url = f"{RECS}{rec['id']}/"
    decisions = {"decisions": [{"medication": bup.pk, "decision": "continued"}]}
    assert api_client.patch(url, decisions, format="json").status_code == 200
    signed = api_client.post(f"{url}sign/", format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert api_client.patch(url, {"notes": "after"}, format="json").status_code == 409
    assert api_client.post(f"{url}sign/", format="json").status_code == 409
    assert Reconciliation.objects.get().notes == ""


def test_a_supervisor_reconciles_too(api_client, supervisor, episode, bup):
    api_client.force_authenticate(supervisor)
    response = api_client.post(
        RECS, {"episode": episode.pk, "occasion": "discharge"}, format="json"
    )
    assert response.status_code == 201


def test_signing_with_an_undecided_entry_answers_400(api_client, clinician, episode, bup):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    api_client.force_authenticate(clinician)
    response = api_client.post(f"{RECS}{rec.pk}/sign/", format="json")
    assert response.status_code == 400
    assert f"decision_{bup.pk}" in response.json()
    assert MedicationChange.objects.count() == 1


def test_an_external_integration_never_reads_a_sud_patients_medications(api_client, bup):
    from iop.accounts.roles import Role
    from tests.factories import UserFactory

    feed = UserFactory(username="feed", role=Role.DIRECTOR, is_external_integration=True)
    api_client.force_authenticate(feed)
    assert api_client.get(LIST).json()["results"] == []
    assert api_client.get(f"{LIST}{bup.pk}/").status_code == 403


def test_reading_an_entry_is_audited(api_client, clinician, bup, patient):
    api_client.force_authenticate(clinician)
    api_client.get(f"{LIST}{bup.pk}/")
    assert AuditEvent.objects.filter(
        action="view", object_type="medications.medication", patient_id=patient.pk
    ).exists()


def test_emergency_access_reads_but_a_change_answers_403(api_client, clinician2, patient, bup):
    from patients.services.emergency import emergency_access_start

    emergency_access_start(
        patient=patient, user=clinician2, reason="Overdose call from the ED, need the list"
    )
    api_client.force_authenticate(clinician2)
    assert api_client.get(f"{LIST}{bup.pk}/").status_code == 200
    response = api_client.patch(f"{LIST}{bup.pk}/", {"dose": "4 films"}, format="json")
    assert response.status_code == 403
    bup.refresh_from_db()
    assert bup.dose == "1 film"


def test_nul_in_a_reconciliation_note_answers_400(api_client, clinician, episode, bup):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    api_client.force_authenticate(clinician)
    response = api_client.patch(f"{RECS}{rec.pk}/", {"notes": "ok\x00"}, format="json")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    rec.refresh_from_db()
    assert rec.notes == ""
