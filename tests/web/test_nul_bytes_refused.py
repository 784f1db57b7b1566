"""A NUL character anywhere in the input is a 400 with a clear message, never a 500."""

import pytest
from django.urls import reverse

from patients.models import Consent


@pytest.fixture
def signed_in(client, clinician):
    client.force_login(clinician)
    return client


def test_a_search_with_a_nul_is_refused(signed_in):
    response = signed_in.get(reverse("patients:caseload"), {"q": "Pat\x00"})

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_form_post_with_a_nul_is_refused_and_stores_nothing(signed_in, patient):
    response = signed_in.post(
        reverse("patients:consent-new", args=[patient.pk]),
        {"kind": "communications", "allow_sms": "on", "signed_by_name": "Pat\x00 Doe"},
    )

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not Consent.objects.exists()


def test_an_api_json_body_with_a_nul_is_a_400_with_detail(api_client, clinician, patient):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        reverse("consent-list"),
        {"patient": patient.pk, "kind": "communications", "signed_by_name": "Pat\x00"},
        format="json",
    )

    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_text_without_a_nul_goes_through(signed_in):
    assert signed_in.get(reverse("patients:caseload"), {"q": "Pat"}).status_code == 200


def test_a_multipart_body_without_a_boundary_is_a_400_not_a_500(api_client, clinician):
    # The NUL check read the form of a multipart body whose boundary was missing: a 500.
    api_client.force_authenticate(clinician)
    response = api_client.generic(
        "POST", reverse("consent-list"), b"kind=communications", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert "detail" in response.json()
