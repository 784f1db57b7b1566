"""Dates of birth, consent signatures and referral/admission dates are plausible
(iop.validation): from 1900 and not in the future."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from patients import services
from patients.models import Consent, Patient

TZ = timezone.get_current_timezone()
PATIENT = {"legal_first_name": "Robin", "legal_last_name": "Hale", "sex": "female"}


def test_a_date_of_birth_in_year_1_is_refused(clock, intake):
    with pytest.raises(ValidationError) as error:
        services.patient_create(user=intake, data={**PATIENT, "date_of_birth": date(1, 1, 1)})

    assert error.value.message_dict["date_of_birth"] == [
        "The date of birth is before 1900; check the year."
    ]


def test_a_date_of_birth_on_1_january_1900_is_accepted(clock, intake):
    patient = services.patient_create(
        user=intake, data={**PATIENT, "date_of_birth": date(1900, 1, 1)}
    )

    assert patient.date_of_birth == date(1900, 1, 1)


def test_the_api_answers_400_on_a_date_of_birth_in_year_1(api_client, clock, intake):
    api_client.force_authenticate(intake)

    response = api_client.post(reverse("patient-list"), {**PATIENT, "date_of_birth": "0001-01-01"})

    assert response.status_code == 400
    assert response.json()["date_of_birth"] == ["The date of birth is before 1900; check the year."]


def test_the_referral_page_says_why_and_keeps_the_name(client, clock, intake, program):
    client.force_login(intake)

    response = client.post(
        reverse("patients:referral-new"),
        {
            "patient-legal_first_name": "Robin",
            "patient-legal_last_name": "Hale",
            "patient-date_of_birth": "0001-01-01",
            "patient-sex": "female",
            "patient-preferred_contact_channel": "phone",
            "patient-phone": "555-0100",
            "episode-program": program.pk,
            "episode-referral_source": "Primary care",
            "episode-referral_date": "2026-10-20",
            "episode-level_of_care": "IOP",
        },
    )

    html = response.content.decode()
    assert "The date of birth is before 1900; check the year." in html
    assert 'value="Hale"' in html
    assert not Patient.objects.exists()


def test_a_consent_signed_in_2027_is_refused(clock, patient, intake):
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            patient=patient,
            user=intake,
            data={
                "kind": "communications",
                "allow_sms": True,
                "signed_by_name": "Pat Doe",
                "signed_at": datetime(2027, 1, 5, 10, tzinfo=TZ),
            },
        )

    assert error.value.message_dict["signed_at"] == ["The signature date is in the future."]
    assert not Consent.objects.exists()


def test_the_consent_page_says_why_and_keeps_the_signer(client, clock, patient, intake):
    client.force_login(intake)

    response = client.post(
        reverse("patients:consent-new", args=[patient.pk]),
        {
            "kind": "communications",
            "allow_sms": "on",
            "signed_by_name": "Jordan Doe",
            "signer_relationship": "parent",
            "signed_at": "2027-01-05T10:00",
        },
    )

    html = response.content.decode()
    assert "The signature date is in the future." in html
    assert 'value="Jordan Doe"' in html


def test_the_api_answers_400_on_a_consent_signed_in_2027(api_client, clock, patient, intake):
    api_client.force_authenticate(intake)

    response = api_client.post(
        reverse("consent-list"),
        {
            "patient": patient.pk,
            "kind": "communications",
            "allow_sms": True,
            "signed_by_name": "Pat Doe",
            "signed_at": "2027-01-05T10:00:00-05:00",
        },
    )

    assert response.status_code == 400
    assert response.json()["signed_at"] == ["The signature date is in the future."]


def test_a_referral_dated_tomorrow_is_refused(clock, intake, program):
    with pytest.raises(ValidationError) as error:
        services.referral_register(
            user=intake,
            patient_data={**PATIENT, "date_of_birth": date(1990, 1, 1)},
            episode_data={
                "program": program,
                "referral_source": "Primary care",
                "referral_date": date(2026, 11, 3),
            },
        )

    assert error.value.message_dict["referral_date"] == ["The referral date is in the future."]


def test_the_admins_model_check_refuses_a_date_of_birth_in_year_1(clock, patient):
    patient.date_of_birth = date(1, 1, 1)

    with pytest.raises(ValidationError) as error:
        patient.full_clean()  # what the Django admin's form runs

    assert error.value.message_dict["date_of_birth"] == [
        "The date of birth is before 1900; check the year."
    ]


def test_the_admins_model_check_refuses_a_referral_dated_in_2999(clock, episode):
    episode.referral_date = date(2999, 1, 1)

    with pytest.raises(ValidationError) as error:
        episode.full_clean(validate_constraints=False)

    assert error.value.message_dict["referral_date"] == ["The referral date is in the future."]


def test_a_consent_signed_in_1850_is_a_400_on_signed_at(api_client, clock, patient, intake):
    api_client.force_authenticate(intake)

    response = api_client.post(
        reverse("consent-list"),
        {
            "patient": patient.pk,
            "kind": "communications",
            "allow_sms": True,
            "signed_by_name": "Pat Doe",
            "signed_at": "1850-01-01T10:00:00Z",
        },
    )

    assert response.status_code == 400
    assert response.json()["signed_at"] == ["The signature date is before 1900; check the year."]


def test_a_consent_signed_at_the_calendars_first_moment_is_refused_not_a_crash(
    clock, patient, intake
):
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            patient=patient,
            user=intake,
            data={
                "kind": "communications",
                "allow_sms": True,
                "signed_by_name": "Pat Doe",
                "signed_at": datetime.min.replace(tzinfo=UTC),
            },
        )

    assert error.value.message_dict["signed_at"] == [
        "The signature date is before 1900; check the year."
    ]
