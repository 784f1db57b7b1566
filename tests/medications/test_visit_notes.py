"""A medication-management visit's note: the prescriber's structure (target symptoms,
adherence, side effects, changes made, plan; risk as every note's re-check), psychotherapy time,
signed and locked like other notes, and linked both ways to the visit's reconciliation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.accounts.models import User
from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from medications import services as med_services
from sessions import services
from sessions.models import ProgressNote
from tests.factories import UserFactory
from tests.sessions.helpers import MON_2, at, book

SECTIONS = {
    "target_symptoms": "Cravings down from daily to twice a week; sleep 6 h.",
    "adherence": "Takes the film daily; two missed doses this week.",
    "side_effects": "Mild constipation.",
    "changes_made": "None to the dose; docusate added.",
    "plan": "Review in two weeks.",
}


@pytest.fixture
def psychiatrist(db):
    return UserFactory(
        username="drnair",
        role=Role.CLINICIAN,
        first_name="Priya",
        last_name="Nair",
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )


@pytest.fixture
def visit(episode, psychiatrist, clinician):
    session = book(
        clinician,
        starts_at=at(MON_2, 8),
        minutes=45,
        clinicians=[psychiatrist, clinician],
        episode=episode,
        kind="medication_management",
    )
    services.attendance_mark(
        session=session, episode=episode, status="present", minutes=45, user=clinician
    )
    return session


def _write(note, user, **extra):
    return services.note_save(
        note=note,
        user=user,
        shared=SECTIONS,
        entries={note.session.patient_id: {"text": "Seen with her partner.", "risk_level": "low"}},
        **extra,
    )


def test_a_prescriber_writes_and_signs_the_visit_note(visit, psychiatrist):
    note = services.note_start(session=visit, user=psychiatrist)
    assert note.format == ProgressNote.Format.MED
    assert [k for k, _ in note.sections()] == list(SECTIONS)
    _write(note, psychiatrist, psychotherapy_minutes=20)
    services.note_sign(note=note, user=psychiatrist)
    note.refresh_from_db()
    assert note.status == "signed" and note.psychotherapy_minutes == 20
    assert note.canonical_content(list(note.entries.all()))["psychotherapy_minutes"] == 20
    assert AuditEvent.objects.filter(
        object_type="therapy_sessions.progressnote", object_id=str(note.pk), detail="signed"
    ).exists()


@pytest.mark.parametrize("role", ["clinician", "supervisor"])
def test_a_clinician_or_supervisor_without_the_credential_is_refused(request, visit, role):
    user = request.getfixturevalue(role)
    with pytest.raises(ValidationError) as refusal:
        services.note_start(session=visit, user=user)
    assert "Only a prescriber" in str(refusal.value)


def test_intake_writes_no_note(visit, intake):
    with pytest.raises(ValidationError):
        services.note_start(session=visit, user=intake)


def test_a_visit_note_keeps_its_structure(visit, psychiatrist, episode, clinician):
    with pytest.raises(ValidationError) as refusal:
        services.note_start(session=visit, user=psychiatrist, format="DAP")
    assert "medication-management structure" in str(refusal.value)
    therapy = book(clinician, starts_at=at(MON_2, 9), episode=episode)
    with pytest.raises(ValidationError):
        services.note_start(session=therapy, user=clinician, format="MED")


def test_psychotherapy_time_is_at_most_the_visit(visit, psychiatrist):
    note = services.note_start(session=visit, user=psychiatrist)
    with pytest.raises(ValidationError) as refusal:
        _write(note, psychiatrist, psychotherapy_minutes=46)
    assert "more than the visit's 45 minutes" in str(refusal.value)
    with pytest.raises(ValidationError):
        _write(note, psychiatrist, psychotherapy_minutes=-1)


def test_a_signed_visit_note_answers_409_in_the_api(api_client, visit, psychiatrist):
    note = services.note_start(session=visit, user=psychiatrist)
    _write(note, psychiatrist)
    services.note_sign(note=note, user=psychiatrist)
    api_client.force_authenticate(psychiatrist)
    answer = api_client.patch(
        f"/api/v1/notes/{note.pk}/", {"psychotherapy_minutes": 30}, format="json"
    )
    assert answer.status_code == 409


def test_the_api_saves_psychotherapy_time_and_refuses_a_non_prescriber(
    api_client, visit, psychiatrist, clinician
):
    api_client.force_authenticate(clinician)
    refused = api_client.post("/api/v1/notes/", {"session": visit.pk}, format="json")
    assert refused.status_code == 400
    api_client.force_authenticate(psychiatrist)
    started = api_client.post("/api/v1/notes/", {"session": visit.pk}, format="json")
    assert started.status_code == 201 and started.json()["format"] == "MED"
    saved = api_client.patch(
        f"/api/v1/notes/{started.json()['id']}/",
        {"shared": SECTIONS, "psychotherapy_minutes": 16},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["psychotherapy_minutes"] == 16
    too_long = api_client.patch(
        f"/api/v1/notes/{started.json()['id']}/", {"psychotherapy_minutes": 99}, format="json"
    )
    assert too_long.status_code == 400 and "psychotherapy_minutes" in too_long.json()


def test_the_note_and_the_reconciliation_link_each_other(
    client, visit, psychiatrist, clinician, episode
):
    client.force_login(psychiatrist)
    page = client.get(reverse("sessions:session", args=[visit.pk])).text
    assert "Medication reconciliation at this visit" in page and "not done yet" in page
    rec = med_services.reconciliation_start(
        episode=episode, occasion="medication_visit", session=visit, user=clinician
    )
    med_services.reconciliation_sign(reconciliation=rec, user=clinician)
    page = client.get(reverse("sessions:session", args=[visit.pk])).text
    rec_url = reverse("medications:reconciliation", args=[episode.patient_id, rec.pk])
    assert rec_url in page and "signed by Casey Morgan" in page
    client.force_login(clinician)
    rec_page = client.get(rec_url).text
    assert f'href="/sessions/{visit.pk}/#note"' in rec_page


def test_the_page_composes_and_shows_the_visit_note(client, visit, psychiatrist):
    client.force_login(psychiatrist)
    url = reverse("sessions:note", args=[visit.pk])
    client.post(url, {"start": "1", "format": "MED"})
    note = ProgressNote.objects.get(session=visit)
    page = client.get(reverse("sessions:session", args=[visit.pk])).text
    assert "Psychotherapy added (minutes)" in page and "Target symptoms" in page
    data = {f"shared_{k}": v for k, v in SECTIONS.items()}
    p = visit.patient_id
    data.update(
        {
            "revision": note.revision,
            f"entry_{p}_text": "Seen alone.",
            f"entry_{p}_risk_level": "none",
            "psychotherapy_minutes": "200",
            "save": "1",
        }
    )
    refused = client.post(url, data)
    assert refused.status_code == 200 and "more than the visit" in refused.text
    assert "Cravings down" in refused.text  # nothing typed is lost
    data["psychotherapy_minutes"] = "25"
    data["sign"] = "1"
    data["revision"] = ProgressNote.objects.get(pk=note.pk).revision
    client.post(url, data)
    note.refresh_from_db()
    assert note.is_locked and note.psychotherapy_minutes == 25
    page = client.get(reverse("sessions:session", args=[visit.pk])).text
    assert "Medication management note by" in page and "25 minutes" in page


def test_a_clinician_running_the_visit_is_told_the_note_is_the_prescribers(
    client, visit, clinician
):
    client.force_login(clinician)
    page = client.get(reverse("sessions:session", args=[visit.pk])).text
    assert 'data-testid="prescriber-only"' in page and "Start the note" not in page
    refused = client.post(reverse("sessions:note", args=[visit.pk]), {"start": "1"})
    # The session page again, with the refusal beside the note's start.
    assert refused.status_code == 200 and "prescriber" in refused.text
    assert not ProgressNote.objects.filter(session=visit).exists()


def test_the_api_refuses_a_non_prescriber_as_prescriber_with_a_field_error(
    api_client, clinician, patient, psychiatrist
):
    api_client.force_authenticate(clinician)
    data = {
        "patient": patient.pk,
        "name": "Sertraline",
        "dose": "50 mg",
        "route": "oral",
        "frequency": "daily",
        "prescriber": clinician.pk,
    }
    refused = api_client.post("/api/v1/medications/", data, format="json")
    assert refused.status_code == 400 and "prescriber" in refused.json()
    accepted = api_client.post(
        "/api/v1/medications/", {**data, "prescriber": psychiatrist.pk}, format="json"
    )
    assert accepted.status_code == 201 and accepted.json()["prescriber"] == psychiatrist.pk


def test_notes_to_write_lists_the_visit_for_its_prescriber_only(
    clock, visit, psychiatrist, clinician
):
    from sessions.today import notes_to_write

    clock.move_to(at(MON_2, 10), tick=False)
    assert visit in notes_to_write(psychiatrist)
    assert visit not in notes_to_write(clinician)


def test_the_api_finds_the_reconciliation_of_a_visit(api_client, visit, clinician, episode):
    rec = med_services.reconciliation_start(
        episode=episode, occasion="medication_visit", session=visit, user=clinician
    )
    api_client.force_authenticate(clinician)
    found = api_client.get(f"/api/v1/medication-reconciliations/?session={visit.pk}").json()
    assert [r["id"] for r in found["results"]] == [rec.pk]


def test_the_chart_reads_the_signed_visit_note(client, visit, psychiatrist, clinician):
    note = services.note_start(session=visit, user=psychiatrist)
    _write(note, psychiatrist, psychotherapy_minutes=38)
    services.note_sign(note=note, user=psychiatrist)
    client.force_login(clinician)
    page = client.get(reverse("sessions:chart-note", args=[visit.patient_id, visit.pk])).text
    assert "Adherence" in page and "38 minutes" in page


def test_a_non_prescriber_saving_the_visit_draft_is_refused_with_a_message(
    client, visit, psychiatrist, clinician
):
    note = services.note_start(session=visit, user=psychiatrist)
    client.force_login(clinician)
    answer = client.post(
        reverse("sessions:note", args=[visit.pk]),
        {"revision": note.revision, "shared_plan": "Stop it.", "save": "1"},
        follow=True,
    )
    assert answer.status_code == 200 and "Only a prescriber" in answer.text
    note.refresh_from_db()
    assert note.shared == {} and note.revision == 0
