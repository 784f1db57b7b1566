"""Sessions are booked and moved from one year back to two years ahead (iop.validation)."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sessions import services as ss
from sessions.models import TherapySession

TZ = timezone.get_current_timezone()


def book(clinician, episode, starts_at):
    return ss.session_schedule(
        kind="individual",
        starts_at=starts_at,
        duration_minutes=50,
        clinicians=[clinician],
        user=clinician,
        episode=episode,
    )


def test_a_session_in_1999_is_refused(clock, episode, clinician):
    with pytest.raises(ValidationError) as error:
        book(clinician, episode, datetime(1999, 11, 2, 9, tzinfo=TZ))

    assert error.value.message_dict["starts_at"] == [
        "Sessions are booked from 2 Nov 2025 (one year back) onwards; check the date."
    ]


def test_sessions_one_year_back_and_two_years_ahead_are_booked(clock, episode, clinician):
    book(clinician, episode, datetime(2025, 11, 2, 9, tzinfo=TZ))
    book(clinician, episode, datetime(2028, 11, 2, 9, tzinfo=TZ))

    assert TherapySession.objects.count() == 2


def test_a_reschedule_to_9999_is_refused_and_the_session_keeps_its_time(clock, episode, clinician):
    session = book(clinician, episode, datetime(2026, 11, 3, 9, tzinfo=TZ))

    with pytest.raises(ValidationError) as error:
        ss.session_reschedule(
            session=session, starts_at=datetime(9999, 12, 31, 9, tzinfo=TZ), user=clinician
        )

    assert error.value.message_dict["starts_at"] == [
        "Sessions are booked up to 2 Nov 2028 (two years ahead); check the date."
    ]
    session.refresh_from_db()
    assert session.starts_at == datetime(2026, 11, 3, 9, tzinfo=TZ)


def test_the_api_answers_400_on_starts_at(api_client, clock, episode, clinician):
    session = book(clinician, episode, datetime(2026, 11, 3, 9, tzinfo=TZ))
    api_client.force_authenticate(clinician)

    response = api_client.post(
        reverse("session-reschedule", args=[session.pk]), {"starts_at": "9999-12-31T09:00:00Z"}
    )

    assert response.status_code == 400
    assert "two years ahead" in response.json()["starts_at"][0]


def test_the_booking_page_says_why_and_keeps_the_input(client, clock, episode, clinician):
    client.force_login(clinician)

    response = client.post(
        reverse("sessions:new"),
        {
            "kind": "individual",
            "episode": episode.pk,
            "starts_at": "1999-11-18T14:30",
            "duration_minutes": "50",
            "delivery": "in_person",
            "location": "Room 9",
            "clinicians": [clinician.pk],
        },
    )

    html = response.content.decode()
    assert "one year back" in html
    assert "Room 9" in html
    assert not TherapySession.objects.exists()
