"""Consents say, in fields a release can match, which purposes they allow and what they cover;
a counseling-notes consent is its own kind, with a recipient, scope and expiry like Part 2."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients import services as patient_services
from patients.models import Consent


def test_consent_form_records_purposes_and_coverage(client, intake, sud_episode):
    client.force_login(intake)
    response = client.post(
        reverse("patients:consent-new", args=[sud_episode.patient_id]),
        {
            "kind": "part2",
            "recipient": "Riverside Primary Care",
            "purpose": "Continuing care",
            "purposes": ["treatment", "payment"],
            "covers": ["plan", "attendance"],
            "scope": "Plan and attendance",
            "expires_on": "2027-06-30",
            "signed_by_name": "Pat Sud",
            "signer_relationship": "self",
            "signed_at": "2026-11-02T07:30",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(patient=sud_episode.patient)
    assert (consent.purposes, consent.covers) == (["treatment", "payment"], ["plan", "attendance"])
    page = client.get(reverse("patients:consents", args=[sud_episode.patient_id])).content
    assert b"Purposes allowed: Continuing treatment, Payment." in page


def test_counseling_notes_consent_needs_scope_and_expiry(intake, sud_episode):
    with pytest.raises(ValidationError) as caught:
        patient_services.consent_record(
            patient=sud_episode.patient,
            user=intake,
            data={
                "kind": "counseling_notes",
                "recipient": "Riverside Primary Care",
                "purpose": "Continuing care",
                "signed_by_name": "Pat Sud",
            },
        )
    assert set(caught.value.message_dict) == {"scope", "expires_on"}


def test_a_treatment_consent_keeps_no_release_fields(intake, sud_episode):
    consent = patient_services.consent_record(
        patient=sud_episode.patient,
        user=intake,
        data={"kind": "treatment", "signed_by_name": "Pat Sud", "purposes": ["payment"]},
    )
    assert consent.purposes == []
