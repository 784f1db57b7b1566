"""Calendars: a clinician's, a group's and a room's week and month, as a table; sessions
named only for those who may open them; rescheduling through the form and back."""

import re
from datetime import date

import pytest
from django.urls import reverse

from sessions import services as ss
from sessions.models import TherapySession
from tests.sessions.helpers import MON_9, at, book


def week(url, day="2026-11-09", view="week"):
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}view={view}&date={day}"


@pytest.fixture
def booked(clock, episode, clinician, group):
    ss.group_schedule_generate(weeks=2, start=MON_9)  # Mon/Wed/Fri 09:00, Room 2
    return book(clinician, starts_at=at(MON_9, 14), episode=episode, location="Room 2")


def cells(html):
    return re.findall(r'data-testid="calendar-session"', html)


def test_a_clinicians_week_shows_their_sessions_in_a_table(client, clinician, booked):
    client.force_login(clinician)
    html = client.get(
        week(reverse("sessions:calendar-clinician", args=[clinician.pk]))
    ).content.decode()
    assert "<caption" in html and "Week of 9 November 2026" in html
    assert '<th scope="col"><abbr title="Monday 9 November">Mon 9 Nov</abbr></th>' in html
    assert '<th scope="row">14:00</th>' in html
    assert len(cells(html)) == 4  # Mon, Wed, Fri group and the individual session
    assert "14:00–14:50 Individual · Pat1 Doe1" in html
    assert booked.get_absolute_url() in html


def test_the_month_shows_every_week_of_november(client, clinician, booked):
    client.force_login(clinician)
    url = week(reverse("sessions:calendar-clinician", args=[clinician.pk]), view="month")
    html = client.get(url).content.decode()
    assert "November 2026" in html
    # Sun 1 Nov falls in the week of 26 Oct; Mon 30 Nov starts a sixth week.
    assert len(re.findall(r'<th scope="row">', html)) == 6
    assert len(cells(html)) == 7  # two weeks of the group and the individual session


def test_previous_and_next_links_page_by_week(client, clinician, booked):
    client.force_login(clinician)
    html = client.get(
        week(reverse("sessions:calendar-clinician", args=[clinician.pk]))
    ).content.decode()
    assert 'href="?view=week&amp;date=2026-11-02" rel="prev"' in html
    assert 'href="?view=week&amp;date=2026-11-16" rel="next"' in html


def test_a_status_is_shown_as_text(client, clinician, booked):
    ss.session_cancel(session=booked, user=clinician, reason="Clinician ill")
    client.force_login(clinician)
    html = client.get(
        week(reverse("sessions:calendar-clinician", args=[clinician.pk]))
    ).content.decode()
    assert ">Cancelled</span>" in html


def test_a_clinician_cannot_open_anothers_calendar(client, clinician, clinician2):
    client.force_login(clinician2)
    url = reverse("sessions:calendar-clinician", args=[clinician.pk])
    assert client.get(url).status_code == 403


def test_a_supervisor_sees_a_clinicians_calendar(client, supervisor, clinician, booked):
    client.force_login(supervisor)
    html = client.get(
        week(reverse("sessions:calendar-clinician", args=[clinician.pk]))
    ).content.decode()
    assert "Pat1 Doe1" in html and len(cells(html)) == 4


def test_intake_is_refused(client, intake, clinician):
    client.force_login(intake)
    assert (
        client.get(reverse("sessions:calendar-clinician", args=[clinician.pk])).status_code == 403
    )


def test_a_groups_calendar_for_its_facilitator(client, clinician, group, booked):
    client.force_login(clinician)
    html = client.get(week(reverse("sessions:calendar-group", args=[group.pk]))).content.decode()
    assert len(cells(html)) == 3 and "MWF process group" in html


def test_a_group_calendar_is_404_to_a_clinician_not_running_it(client, clinician2, group):
    client.force_login(clinician2)
    assert client.get(reverse("sessions:calendar-group", args=[group.pk])).status_code == 404


def test_a_rooms_calendar_names_only_what_the_reader_may_open(
    client, clinician, clinician2, booked, make_episode
):
    other = make_episode(clinician=clinician2)
    book(clinician2, starts_at=at(date(2026, 11, 10), 10), episode=other, location="room 2")
    client.force_login(clinician)
    url = week(reverse("sessions:calendar-room") + "?room=Room+2")
    html = client.get(url).content.decode()
    assert len(cells(html)) == 4
    assert "10:00–10:50 booked" in html and other.patient.display_name not in html


def test_a_room_calendar_without_a_room_is_404(client, clinician):
    client.force_login(clinician)
    assert client.get(reverse("sessions:calendar-room")).status_code == 404


def test_the_reschedule_link_returns_to_the_calendar(client, clinician, booked):
    client.force_login(clinician)
    calendar = week(reverse("sessions:calendar-clinician", args=[clinician.pk]))
    html = client.get(calendar).content.decode()
    (link,) = re.findall(rf'href="(/sessions/{booked.pk}/reschedule/\?next=[^"]+)"', html)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="2026-11-09T14:00"' in form
    response = client.post(
        link.replace("&amp;", "&"),
        {"starts_at": "2026-11-10T15:00", "duration_minutes": "50", "next": calendar},
    )
    assert response.status_code == 302 and response["Location"] == calendar
    booked.refresh_from_db()
    assert booked.starts_at == at(date(2026, 11, 10), 15)


def test_a_clash_keeps_the_form_and_says_why(client, clinician, booked):
    client.force_login(clinician)
    url = reverse("sessions:reschedule", args=[booked.pk])
    html = client.post(
        url, {"starts_at": "2026-11-11T10:00", "duration_minutes": "50"}
    ).content.decode()
    assert "Casey Morgan is already booked Wed 11 Nov 09:00–12:00 (group)." in html
    assert 'value="2026-11-11T10:00"' in html
    booked.refresh_from_db()
    assert booked.starts_at == at(MON_9, 14)


def test_an_outside_next_is_not_followed(client, clinician, booked):
    client.force_login(clinician)
    url = reverse("sessions:reschedule", args=[booked.pk])
    response = client.post(
        url,
        {
            "starts_at": "2026-11-10T15:00",
            "duration_minutes": "50",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == booked.get_absolute_url()


def test_only_those_running_it_can_reschedule(client, clinician2, booked):
    client.force_login(clinician2)
    url = reverse("sessions:reschedule", args=[booked.pk])
    assert (
        client.post(url, {"starts_at": "2026-11-10T15:00", "duration_minutes": "50"}).status_code
        == 404
    )
    assert TherapySession.objects.get(pk=booked.pk).starts_at == at(MON_9, 14)


def test_calendar_start_opens_ones_own(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("sessions:calendar") + "?view=month")
    assert (
        response["Location"]
        == reverse("sessions:calendar-clinician", args=[clinician.pk]) + "?view=month"
    )


def test_a_session_is_offered_for_rescheduling_only_to_those_running_it(
    client, clinician, clinician2, episode, booked
):
    episode.care_team.add(clinician2)  # clinician2 may open the session, not run it
    url = week(reverse("sessions:calendar-room") + "?room=Room+2")
    for user, links in ((clinician, 1), (clinician2, 0)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert booked.get_absolute_url() in html
        assert len(re.findall(rf"/sessions/{booked.pk}/reschedule/", html)) == links
