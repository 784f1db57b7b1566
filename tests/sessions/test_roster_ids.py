"""An episode id sent for attendance is answered without a 500 and without telling a caller
who does not run the session anything about whose the id is."""

import pytest
from django.urls import reverse

from tests.factories import EpisodeFactory

HUGE = 2**70


@pytest.fixture
def attendee(enroll):
    return enroll()


def test_the_api_answers_400_for_an_id_beyond_the_id_range(
    api_client, clinician, todays_session, attendee
):
    api_client.force_authenticate(clinician)
    for name in ("attendance-list", "attendance-correct"):
        response = api_client.post(
            reverse(name),
            {"session": todays_session.pk, "episode": HUGE, "status": "present", "reason": "x"},
            format="json",
        )
        assert response.status_code == 400, (name, response.content)
        assert "episode" in response.json()


def test_the_attendance_page_answers_404_for_an_id_beyond_the_id_range(
    client, clinician, todays_session, attendee
):
    client.force_login(clinician)
    for name in ("sessions:attendance", "sessions:attendance-correct"):
        response = client.post(
            reverse(name, args=[todays_session.pk, HUGE]), {"status": "present", "reason": "x"}
        )
        assert response.status_code == 404, name


def test_an_id_off_the_roster_is_not_on_the_roster(api_client, clinician, todays_session, attendee):
    stranger = EpisodeFactory()
    api_client.force_authenticate(clinician)
    response = api_client.post(
        reverse("attendance-list"),
        {"session": todays_session.pk, "episode": stranger.pk, "status": "present"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["episode"] == ["Not on this session's roster."]


def test_a_clinician_who_does_not_run_the_session_is_refused_before_any_roster_check(
    api_client, clinician2, todays_session, attendee
):
    attendee.care_team.add(clinician2)  # may open the session, does not run it
    api_client.force_authenticate(clinician2)
    for name in ("attendance-list", "attendance-correct"):
        response = api_client.post(
            reverse(name),
            {
                "session": todays_session.pk,
                "episode": attendee.pk + 1000,
                "status": "present",
                "reason": "x",
            },
            format="json",
        )
        assert response.status_code in (400, 403), response.json()
        assert "roster" not in response.content.decode()
        assert "discharged" not in response.content.decode()
