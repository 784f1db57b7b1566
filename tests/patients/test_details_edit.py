"""Editing a patient's demographics and contacts from the chart: who may, the checks, the audit
of which fields changed, and a stale copy refused with the typing kept."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients import services
from patients.forms import PatientEditForm
from patients.models import Patient


@pytest.fixture
def episode(make_episode, clinician):
    return make_episode(clinician=clinician)


def posted(patient, **changes):
    data = {field: getattr(patient, field) or "" for field in PatientEditForm.Meta.fields}
    data["date_of_birth"] = patient.date_of_birth.isoformat()
    data["revision"] = patient.revision
    data.update(phone="555-0100", preferred_contact_channel="phone")
    data.update(changes)
    return data


def url(patient):
    return reverse("patients:details-edit", args=[patient.pk])


# --- the service ------------------------------------------------------------------------------


def test_the_audit_names_the_fields_changed_not_their_values(episode, clinician):
    patient = episode.patient
    services.patient_update(
        patient=patient,
        user=clinician,
        data={
            "pronouns": "they/them",
            "preferred_name": "Sam",
            "legal_last_name": patient.legal_last_name,
        },
    )
    event = AuditEvent.objects.filter(object_type="patients.patient", action="update").get()
    assert event.detail == "preferred_name, pronouns"


def test_a_save_from_an_older_copy_is_refused_naming_who_saved(episode, clinician, intake):
    patient = episode.patient
    services.patient_update(patient=patient, user=intake, data={"pronouns": "she/her"}, revision=0)
    with pytest.raises(services.StalePatientError, match="changed these details at"):
        services.patient_update(
            patient=patient, user=clinician, data={"pronouns": "they/them"}, revision=0
        )
    assert Patient.objects.get(pk=patient.pk).pronouns == "she/her"


def test_an_implausible_phone_is_refused(episode, clinician):
    with pytest.raises(ValidationError, match="7 to 15 digits"):
        services.patient_update(patient=episode.patient, user=clinician, data={"phone": "12"})


def test_email_as_the_channel_needs_an_address(episode, clinician):
    with pytest.raises(ValidationError, match="Add an e-mail address"):
        services.patient_update(
            patient=episode.patient,
            user=clinician,
            data={"preferred_contact_channel": "email", "email": ""},
        )


def test_a_clinician_off_the_care_team_may_not_change_the_details(episode, clinician2):
    with pytest.raises(PermissionDenied):
        services.patient_update(patient=episode.patient, user=clinician2, data={"pronouns": "x"})


# --- the page, per role -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clinician", "supervisor", "intake"])
def test_care_team_supervisor_and_intake_edit_the_details(request, client, episode, who):
    user = request.getfixturevalue(who)
    patient = episode.patient
    client.force_login(user)
    assert "Edit details" in client.get(reverse("patients:chart", args=[patient.pk])).text
    answer = client.post(
        url(patient),
        posted(patient, pronouns="they/them", insurance_member_id="XK-2231"),
        follow=True,
    )
    assert "Details saved." in answer.text
    assert "they/them" in answer.text
    patient.refresh_from_db()
    assert (patient.insurance_member_id, patient.revision) == ("XK-2231", 1)


def test_a_clinician_off_the_care_team_gets_404(client, episode, clinician2):
    client.force_login(clinician2)
    assert client.get(url(episode.patient)).status_code == 404


def test_an_admin_cannot_open_the_page(client, episode, admin_user_role):
    client.force_login(admin_user_role)
    assert client.get(url(episode.patient)).status_code == 404


def test_a_stale_edit_keeps_the_typing_and_shows_the_saved_values(
    client, episode, clinician, intake
):
    patient = episode.patient
    form = posted(patient, email="mine@example.org")
    services.patient_update(
        patient=patient, user=intake, data={"email": "theirs@example.org", "phone": "555-0100"}
    )
    client.force_login(clinician)
    answer = client.post(url(patient), form)
    assert answer.status_code == 200
    assert "after you opened them" in answer.text
    assert 'value="mine@example.org"' in answer.text
    assert "Email: theirs@example.org" in answer.text
    # Saving again, having compared, goes through.
    again = client.post(url(patient), {**form, "revision": 1}, follow=True)
    assert "Details saved." in again.text
    assert Patient.objects.get(pk=patient.pk).email == "mine@example.org"


def test_a_refused_edit_keeps_what_was_typed(client, episode, clinician):
    patient = episode.patient
    client.force_login(clinician)
    answer = client.post(url(patient), posted(patient, phone="abc", pronouns="xe/xem"))
    assert "7 to 15 digits" in answer.text
    assert 'value="xe/xem"' in answer.text
    assert Patient.objects.get(pk=patient.pk).revision == 0
