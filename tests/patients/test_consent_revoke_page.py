"""Revoking a consent takes a confirmation and a reason, kept with the consent and shown."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients import services
from patients.models import Consent


@pytest.fixture
def consent(make_episode, clinician, intake):
    episode = make_episode(clinician=clinician)
    return services.consent_record(
        patient=episode.patient,
        user=intake,
        data={"kind": "communications", "allow_sms": True, "signed_by_name": "Pat Doe"},
    )


def revoke_url(consent):
    return reverse("patients:consent-revoke", args=[consent.patient_id, consent.pk])


def test_the_service_refuses_a_revocation_without_a_reason(consent, intake):
    with pytest.raises(ValidationError, match="Say why the consent is revoked"):
        services.consent_revoke(consent=consent, user=intake, note=" ")


def test_the_consents_tab_links_to_a_confirmation_page(client, consent, intake):
    client.force_login(intake)
    tab = client.get(reverse("patients:consents", args=[consent.patient_id]))
    assert f'href="{revoke_url(consent)}"' in tab.text
    page = client.get(revoke_url(consent))
    assert "Revoke the communications (reminders)?" in page.text
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def test_a_revocation_without_a_reason_keeps_the_consent(client, consent, intake):
    client.force_login(intake)
    answer = client.post(revoke_url(consent), {"note": ""})
    assert "Say why the consent is revoked" in answer.text
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


@pytest.mark.parametrize("who", ["intake", "clinician", "supervisor"])
def test_the_reason_is_kept_and_shown(request, client, consent, who):
    client.force_login(request.getfixturevalue(who))
    answer = client.post(revoke_url(consent), {"note": "Called to stop texts"}, follow=True)
    assert "Communications (reminders) revoked." in answer.text
    assert "Called to stop texts" in answer.text
    assert Consent.objects.get(pk=consent.pk).revocation_note == "Called to stop texts"


def test_a_clinician_off_the_care_team_gets_404(client, consent, clinician2):
    client.force_login(clinician2)
    assert client.post(revoke_url(consent), {"note": "x"}).status_code == 404
    assert Consent.objects.get(pk=consent.pk).revoked_at is None
