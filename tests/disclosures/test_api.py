"""The API: the accounting read-only and scoped to the caller's patients; rights requests
recorded through the same service as the page."""

import pytest

from disclosures.models import RightsRequest
from disclosures.services import release_create
from tests.disclosures.helpers import release_data


@pytest.fixture
def released(sud_episode, clinician, consent):
    return release_create(
        patient=sud_episode.patient,
        episode=sud_episode,
        user=clinician,
        data=release_data(consent=consent(sud_episode)),
    )


def test_accounting_lists_the_patients_disclosures(api_client, clinician, released):
    api_client.force_authenticate(clinician)
    rows = api_client.get(f"/api/v1/disclosures/?patient={released.patient_id}").json()
    assert [(r["id"], r["recipient_name"]) for r in rows["results"]] == [
        (released.pk, "Riverside Primary Care")
    ]


def test_disclosures_cannot_be_changed_through_the_api(api_client, clinician, released):
    api_client.force_authenticate(clinician)
    response = api_client.patch(f"/api/v1/disclosures/{released.pk}/", {"recipient_name": "X"})
    assert response.status_code == 405


def test_clinician_off_the_care_team_gets_404(api_client, clinician2, released):
    api_client.force_authenticate(clinician2)
    assert api_client.get(f"/api/v1/disclosures/{released.pk}/").status_code == 404


def test_intake_is_refused_the_accounting_api(api_client, intake, released):
    api_client.force_authenticate(intake)
    assert api_client.get("/api/v1/disclosures/").status_code == 403


def test_rights_request_recorded_with_its_due_date(api_client, intake, mh_episode):
    api_client.force_authenticate(intake)
    response = api_client.post(
        "/api/v1/rights-requests/",
        {"patient": mh_episode.patient_id, "kind": "accounting", "received_on": "2026-10-20"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["due_on"] == "2026-11-19"
    assert RightsRequest.objects.get().recorded_by == intake


def test_rights_request_in_the_future_is_a_400(api_client, intake, mh_episode):
    api_client.force_authenticate(intake)
    response = api_client.post(
        "/api/v1/rights-requests/",
        {"patient": mh_episode.patient_id, "kind": "access", "received_on": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "received_on" in response.json()


def test_intake_reads_requests_without_their_details(api_client, intake, clinician, mh_episode):
    from datetime import date

    from disclosures.services import rights_request_record

    rights_request_record(
        patient=mh_episode.patient,
        user=intake,
        kind="amendment",
        received_on=date(2026, 11, 2),
        details="Correct the date of her last drink.",
    )
    api_client.force_authenticate(intake)
    assert "details" not in api_client.get("/api/v1/rights-requests/").json()["results"][0]
    api_client.force_authenticate(clinician)
    row = api_client.get("/api/v1/rights-requests/").json()["results"][0]
    assert row["details"] == "Correct the date of her last drink."
