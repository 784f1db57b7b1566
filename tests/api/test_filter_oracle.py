"""A filter on a related record takes its id and nothing more: a patient the caller may not see
and an id that names no one answer alike (an empty list), so the API tells no one which
patient ids exist."""

import pytest

from iop.validation import LARGEST_ID

LISTS = ["/api/v1/episodes/", "/api/v1/measures/", "/api/v1/plans/", "/api/v1/attendance/"]


@pytest.mark.parametrize("url", LISTS)
def test_a_hidden_patient_and_no_patient_answer_alike(api_client, clinician2, episode, url):
    api_client.force_authenticate(clinician2)  # not on the episode's care team
    hidden = api_client.get(url, {"patient": episode.patient_id})
    missing = api_client.get(url, {"patient": LARGEST_ID - 1})
    assert (hidden.status_code, missing.status_code) == (200, 200)
    assert hidden.json()["results"] == missing.json()["results"] == []


def test_the_care_team_still_filters_by_patient(api_client, clinician, episode):
    api_client.force_authenticate(clinician)
    answer = api_client.get("/api/v1/episodes/", {"patient": episode.patient_id})
    assert [row["id"] for row in answer.json()["results"]] == [episode.pk]


def test_a_patient_filter_that_is_not_a_whole_number_is_a_400(api_client, clinician):
    api_client.force_authenticate(clinician)
    assert api_client.get("/api/v1/episodes/", {"patient": "x"}).status_code == 400


@pytest.mark.parametrize("value", [str(LARGEST_ID + 1), "323532611970652692558648937807872"])
def test_an_id_filter_too_large_for_the_database_is_a_400_not_a_500(api_client, clinician, value):
    """Found by the schemathesis smoke test: SQLite's driver overflowed on a 33-digit id."""
    api_client.force_authenticate(clinician)
    for url in ("/api/v1/alerts/", "/api/v1/episodes/", "/api/v1/goals/"):
        key = "plan" if "goals" in url else "patient"
        assert api_client.get(url, {key: value}).status_code == 400, url


@pytest.mark.parametrize("value", ["1.0", "1780902057703377.0", "1e3", " 1.5"])
def test_an_id_filter_takes_digits_only(api_client, clinician, episode, value):
    """Found by schemathesis: Django's IntegerField read "5.0" as 5 where the schema says
    integer."""
    api_client.force_authenticate(clinician)
    assert api_client.get("/api/v1/episodes/", {"program": value}).status_code == 400
