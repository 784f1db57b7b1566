"""The patients app's rules and reads, reached without HTTP: services and QuerySet methods."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from iop.audit.context import AuditContext
from iop.audit.models import AuditEvent
from patients import services
from patients.models import Episode, Patient

PATIENT = {"legal_first_name": "Robin", "legal_last_name": "Hale", "sex": "female"}


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_a_patient_born_tomorrow_is_refused_by_the_service_beside_the_date(intake):
    with pytest.raises(ValidationError) as refusal:
        services.patient_create(user=intake, data={**PATIENT, "date_of_birth": tomorrow()})
    assert refusal.value.message_dict == {"date_of_birth": ["The date of birth is in the future."]}
    assert not Patient.objects.exists()


def test_a_future_date_of_birth_is_reported_with_the_other_field_errors(intake):
    data = {**PATIENT, "legal_first_name": "", "date_of_birth": tomorrow()}
    with pytest.raises(ValidationError) as refusal:
        services.patient_create(user=intake, data=data)
    assert set(refusal.value.message_dict) == {"legal_first_name", "date_of_birth"}


def test_a_patient_cannot_be_changed_to_a_future_date_of_birth(intake, patient):
    born = patient.date_of_birth
    with pytest.raises(ValidationError) as refusal:
        services.patient_update(patient=patient, user=intake, data={"date_of_birth": tomorrow()})
    assert "date_of_birth" in refusal.value.message_dict
    patient.refresh_from_db()
    assert patient.date_of_birth == born


def test_a_referral_for_a_patient_born_tomorrow_registers_nothing(intake, program):
    with pytest.raises(ValidationError) as refusal:
        services.referral_register(
            user=intake,
            patient_data={**PATIENT, "date_of_birth": tomorrow()},
            episode_data={"program": program, "referral_source": "Primary care"},
        )
    assert "date_of_birth" in refusal.value.message_dict
    assert not Episode.objects.exists()


def test_a_service_records_where_the_change_came_from(intake):
    context = AuditContext(user=intake, ip="10.0.0.7", request_id="req-1", path="/referrals/new/")
    patient = services.patient_create(
        user=intake, data={**PATIENT, "date_of_birth": date(1990, 1, 1)}, context=context
    )
    event = AuditEvent.objects.get(object_id=str(patient.pk), action=AuditEvent.Action.CREATE)
    assert (event.user, event.ip, event.request_id, event.path, event.patient_id) == (
        intake,
        "10.0.0.7",
        "req-1",
        "/referrals/new/",
        patient.pk,
    )


def test_a_clinicians_caseload_is_the_episodes_whose_care_team_they_are_on(
    make_episode, clinician, clinician2, supervisor
):
    mine = make_episode(clinician=clinician)
    theirs = make_episode(clinician=clinician2)
    referral = make_episode(status="referred")
    assert list(Episode.objects.on_caseload_of(clinician)) == [mine]
    assert list(Episode.objects.on_caseload_of(clinician2)) == [theirs]
    assert set(Episode.objects.on_caseload_of(supervisor)) == {mine, theirs, referral}
