"""The API's recurring series: booked all at once or refused with the days, and cancelled
from a session on, with a reason."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from sessions import services as ss
from sessions.models import TherapySession

TZ = timezone.get_current_timezone()


def _series(client, clinician, episode, **recurrence):
    return client.post(
        reverse("session-series"),
        {
            "kind": "individual",
            "starts_at": "2026-11-09T14:00:00-05:00",
            "duration_minutes": 50,
            "clinicians": [clinician.pk],
            "episode": episode.pk,
            "location": "Room 5",
            "recurrence": {"weekdays": [0, 3], **recurrence},
        },
        format="json",
    )


def test_a_series_is_booked_and_answered_as_its_sessions(api_client, clock, clinician, episode):
    api_client.force_authenticate(clinician)
    response = _series(api_client, clinician, episode, count=3)
    assert response.status_code == 201
    body = response.json()
    assert [s["starts_at"][:16] for s in body] == [
        "2026-11-09T14:00",
        "2026-11-12T14:00",
        "2026-11-16T14:00",
    ]
    assert len({s["series"] for s in body}) == 1


def test_a_taken_day_refuses_the_whole_series(api_client, clock, clinician, episode):
    ss.session_schedule(
        kind="workshop",
        starts_at=datetime(2026, 11, 12, 14, tzinfo=TZ),
        duration_minutes=60,
        clinicians=[clinician],
        user=clinician,
    )
    api_client.force_authenticate(clinician)
    response = _series(api_client, clinician, episode, count=3)
    assert response.status_code == 400
    assert "1 of the 3 sessions cannot be booked" in str(response.json())
    assert not TherapySession.objects.filter(kind="individual").exists()


def test_a_series_without_an_end_is_a_400_with_the_field(api_client, clock, clinician, episode):
    api_client.force_authenticate(clinician)
    response = _series(api_client, clinician, episode)
    assert response.status_code == 400 and "until" in response.json()


def test_a_weekday_out_of_range_is_a_400(api_client, clock, clinician, episode):
    api_client.force_authenticate(clinician)
    response = _series(api_client, clinician, episode, count=2, weekdays=[9])
    assert response.status_code == 400 and "recurrence" in response.json()


def test_cancel_following_needs_a_reason_and_cancels_the_rest(
    api_client, clock, clinician, episode
):
    api_client.force_authenticate(clinician)
    ids = [s["id"] for s in _series(api_client, clinician, episode, count=3).json()]
    path = reverse("session-cancel-following", args=[ids[1]])
    assert api_client.post(path, {}, format="json").status_code == 400
    response = api_client.post(path, {"reason": "Moves to OP"}, format="json")
    assert response.json() == {"cancelled": 2}
    assert TherapySession.objects.get(pk=ids[0]).status == "scheduled"


def test_intake_cannot_book_a_series(api_client, clock, intake, clinician, episode):
    api_client.force_authenticate(intake)
    assert _series(api_client, clinician, episode, count=2).status_code in (403, 404)
