"""An episode's dates keep their order and have happened (CLINICAL.md, "Admission and
discharge"): discharge, and a change of level of care, refused by the service, the API, the page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from patients import services
from patients.models import Episode
from plans.services import aftercare_save
from tests.plans.helpers import AFTERCARE


@pytest.fixture
def admitted_1_october(episode, clinician):
    Episode.objects.filter(pk=episode.pk).update(
        referral_date=date(2026, 9, 20), admission_date=date(2026, 10, 1)
    )
    episode.refresh_from_db()
    aftercare_save(episode=episode, user=clinician, data=AFTERCARE)
    return episode


def discharge(episode, user, day):
    return services.episode_transition(
        episode=episode,
        to_status=Episode.Status.DISCHARGED,
        user=user,
        discharge_reason=Episode.DischargeReason.COMPLETED,
        discharge_date=day,
    )


def test_a_discharge_before_the_admission_is_refused(admitted_1_october, clinician):
    with pytest.raises(ValidationError) as refusal:
        discharge(admitted_1_october, clinician, date(2026, 9, 30))
    assert refusal.value.message_dict == {
        "discharge_date": ["The discharge date is before the admission date."]
    }
    assert Episode.objects.get(pk=admitted_1_october.pk).status == Episode.Status.ACTIVE


def test_a_discharge_on_the_day_of_admission_is_accepted(admitted_1_october, clinician):
    discharge(admitted_1_october, clinician, date(2026, 10, 1))
    admitted_1_october.refresh_from_db()
    assert admitted_1_october.discharge_date == date(2026, 10, 1)


def test_a_discharge_dated_tomorrow_is_refused(admitted_1_october, clinician):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        discharge(admitted_1_october, clinician, tomorrow)
    assert refusal.value.message_dict == {
        "discharge_date": ["The discharge date is in the future."]
    }


def test_the_api_answers_400_naming_the_discharge_date(api_client, admitted_1_october, clinician):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        reverse("episode-transition", args=[admitted_1_october.pk]),
        {"status": "discharged", "discharge_reason": "completed", "discharge_date": "2026-09-30"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["discharge_date"] == ["The discharge date is before the admission date."]


def test_the_discharge_page_says_the_date_is_before_the_admission(
    client, admitted_1_october, clinician
):
    client.force_login(clinician)
    response = client.post(
        reverse("plans:discharge", args=[admitted_1_october.patient_id]),
        {
            **AFTERCARE,
            "reason": "completed",
            "discharge_date": "2026-09-30",
        },
    )
    assert "The discharge date is before the admission date." in response.content.decode()
    assert Episode.objects.get(pk=admitted_1_october.pk).status == Episode.Status.ACTIVE


def test_a_level_of_care_change_dated_ahead_is_refused(admitted_1_october, clinician):
    """The episode's level is the one in force now: a change is recorded when it happens."""
    next_week = timezone.localdate() + timedelta(days=7)
    with pytest.raises(ValidationError) as refusal:
        services.episode_change_level_of_care(
            episode=admitted_1_october,
            to_level=Episode.LevelOfCare.PHP,
            reason="Worsening",
            user=clinician,
            effective_date=next_week,
        )
    assert refusal.value.message_dict == {
        "effective_date": ["The effective date is in the future."]
    }
    admitted_1_october.refresh_from_db()
    assert admitted_1_october.level_of_care == Episode.LevelOfCare.IOP


def test_a_level_of_care_change_before_the_admission_is_refused(admitted_1_october, clinician):
    with pytest.raises(ValidationError) as refusal:
        services.episode_change_level_of_care(
            episode=admitted_1_october,
            to_level=Episode.LevelOfCare.OP,
            reason="Stepped down",
            user=clinician,
            effective_date=date(2026, 9, 1),
        )
    assert refusal.value.message_dict == {
        "effective_date": ["The effective date is before the admission."]
    }
