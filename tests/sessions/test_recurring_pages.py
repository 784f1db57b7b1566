"""The schedule form's series (preview, book, refusal keeping the form) and the page that
cancels a session with the ones after it, per role."""

from datetime import date

import pytest
from django.urls import reverse

from sessions import services as ss
from sessions.models import TherapySession
from tests.sessions.helpers import MON_9, at


def _form(episode, clinician, **extra):
    return {
        "kind": "individual",
        "episode": episode.pk,
        "starts_at": "2026-11-09T14:00",
        "duration_minutes": "50",
        "delivery": "in_person",
        "location": "Room 9",
        "clinicians": [clinician.pk],
        "repeat": "on",
        "weekdays": ["0", "3"],
        "every_weeks": "1",
        "count": "4",
        **extra,
    }


def test_preview_lists_the_dates_and_books_nothing(client, clock, clinician, episode):
    client.force_login(clinician)
    response = client.post(reverse("sessions:new"), _form(episode, clinician, action="preview"))
    html = response.content.decode()
    assert "The series: 4 sessions" in html
    assert "Thu 19 Nov 2026, 14:00–14:50" in html
    assert not TherapySession.objects.exists()


def test_preview_marks_the_day_the_clinician_is_busy(client, clock, clinician, episode):
    ss.session_schedule(
        kind="workshop",
        starts_at=at(date(2026, 11, 12), 14),
        duration_minutes=60,
        clinicians=[clinician],
        user=clinician,
    )
    client.force_login(clinician)
    html = client.post(
        reverse("sessions:new"), _form(episode, clinician, action="preview")
    ).content.decode()
    assert html.count("Free") == 3
    assert "Casey Morgan is already booked Thu 12 Nov 14:00–15:00" in html


def test_scheduling_a_series_books_every_session_and_opens_the_first(
    client, clock, clinician, episode
):
    client.force_login(clinician)
    response = client.post(reverse("sessions:new"), _form(episode, clinician))
    first = TherapySession.objects.order_by("starts_at").first()
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    assert TherapySession.objects.filter(series=first.series).count() == 4


def test_a_refused_series_keeps_what_was_typed(client, clock, clinician, episode):
    ss.session_schedule(
        kind="workshop",
        starts_at=at(date(2026, 11, 16), 14),
        duration_minutes=60,
        clinicians=[clinician],
        user=clinician,
    )
    client.force_login(clinician)
    html = client.post(reverse("sessions:new"), _form(episode, clinician)).content.decode()
    assert "1 of the 4 sessions cannot be booked; nothing was booked" in html
    assert 'value="Room 9"' in html and 'value="4"' in html
    assert TherapySession.objects.filter(kind="individual").count() == 0


def test_a_series_without_an_end_is_refused_on_the_form(client, clock, clinician, episode):
    client.force_login(clinician)
    html = client.post(
        reverse("sessions:new"), _form(episode, clinician, count="")
    ).content.decode()
    assert "End the series on a date or after a number of sessions" in html


@pytest.fixture
def weekly(clock, clinician, episode):
    return ss.session_series_schedule(
        kind="individual",
        starts_at=at(MON_9, 14),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        recurrence=ss.Recurrence(weekdays=(0,), count=3),
        user=clinician,
    )


def test_the_session_page_offers_cancelling_the_rest_of_the_series(client, clinician, weekly):
    client.force_login(clinician)
    html = client.get(weekly[1].get_absolute_url()).content.decode()
    assert reverse("sessions:cancel-following", args=[weekly[1].pk]) in html


def test_the_confirmation_lists_what_will_be_cancelled(client, clinician, weekly):
    client.force_login(clinician)
    html = client.get(reverse("sessions:cancel-following", args=[weekly[1].pk])).content.decode()
    assert "Mon 16 Nov 2026, 14:00" in html and "Mon 23 Nov 2026, 14:00" in html
    assert "Mon 9 Nov 2026" not in html


def test_cancelling_without_a_reason_cancels_nothing(client, clinician, weekly):
    client.force_login(clinician)
    url = reverse("sessions:cancel-following", args=[weekly[1].pk])
    html = client.post(url, {"reason": ""}).content.decode()
    assert "Say why the sessions are cancelled." in html
    assert not TherapySession.objects.filter(status="cancelled").exists()


def test_cancelling_with_a_reason_cancels_it_and_the_later_ones(client, clinician, weekly):
    client.force_login(clinician)
    url = reverse("sessions:cancel-following", args=[weekly[1].pk])
    response = client.post(url, {"reason": "Moves to weekly OP"})
    assert response.status_code == 302
    statuses = [s.status for s in TherapySession.objects.order_by("starts_at")]
    assert statuses == ["scheduled", "cancelled", "cancelled"]


def test_a_clinician_not_running_it_cannot_cancel(client, clinician2, weekly):
    client.force_login(clinician2)
    url = reverse("sessions:cancel-following", args=[weekly[0].pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not TherapySession.objects.filter(status="cancelled").exists()


def test_the_programs_supervisor_can_cancel(client, supervisor, weekly):
    client.force_login(supervisor)
    url = reverse("sessions:cancel-following", args=[weekly[2].pk])
    assert client.post(url, {"reason": "Clinician away"}).status_code == 302
    assert TherapySession.objects.filter(status="cancelled").count() == 1


def test_intake_cannot_open_it(client, intake, weekly):
    client.force_login(intake)
    url = reverse("sessions:cancel-following", args=[weekly[0].pk])
    assert client.get(url).status_code == 404
