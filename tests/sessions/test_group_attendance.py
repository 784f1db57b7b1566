"""A group's attendance in one click ("All present", then adjust the few), and attendance
buttons drawn disabled, with the reason, until attendance opens half an hour before the start."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Episode
from sessions import services
from sessions.models import Attendance
from tests.factories import TherapySessionFactory, UserFactory
from tests.fixtures.sessions import NEW_YORK

HTMX = {"HTTP_HX_REQUEST": "true"}


def all_present_url(session):
    return reverse("sessions:attendance-all-present", args=[session.pk])


def marks(session):
    return dict(
        Attendance.objects.filter(session=session).values_list("patient__legal_last_name", "status")
    )


# --- the service ------------------------------------------------------------------------------


def test_all_present_marks_everyone_present_for_the_whole_session(
    enroll, todays_session, clinician
):
    episodes = enroll.many(10)
    records = services.attendance_mark_all_present(session=todays_session, user=clinician)
    assert len(records) == 10
    assert set(
        Attendance.objects.filter(session=todays_session).values_list("status", "minutes_attended")
    ) == {("present", 180)}
    # One audit event per attendee, as for a mark by hand.
    assert AuditEvent.objects.filter(
        action="create", object_type="therapy_sessions.attendance"
    ).count() == len(episodes)
    ledger = services.hours_ledger(episodes[:1], today=date(2026, 11, 18))
    assert ledger[episodes[0].pk][-1]["minutes"] == 180


def test_all_present_keeps_the_marks_already_taken(enroll, todays_session, clinician):
    late, *others = [enroll(last_name=name) for name in ("Adams", "Baker", "Cruz")]
    services.attendance_mark(session=todays_session, episode=late, status="late", user=clinician)
    records = services.attendance_mark_all_present(session=todays_session, user=clinician)
    assert len(records) == 2
    assert marks(todays_session) == {"Adams": "late", "Baker": "present", "Cruz": "present"}


def test_all_present_with_everyone_marked_says_so(enroll, todays_session, clinician):
    (episode,) = enroll.many(1)
    services.attendance_mark(session=todays_session, episode=episode, status="late", user=clinician)
    with pytest.raises(ValidationError) as error:
        services.attendance_mark_all_present(session=todays_session, user=clinician)
    assert "already taken" in error.value.messages[0]


def test_all_present_is_all_or_nothing(enroll, todays_session, clinician):
    enroll(last_name="Adams")
    later = enroll(last_name="Zeller")
    Episode.objects.filter(pk=later.pk).update(admission_date=date(2026, 11, 20))
    with pytest.raises(ValidationError) as error:
        services.attendance_mark_all_present(session=todays_session, user=clinician)
    assert "Zeller" in error.value.messages[0]
    assert "Nobody was marked present." in error.value.messages[0]
    assert not Attendance.objects.exists()


def test_all_present_before_attendance_opens_is_refused(clock, group, enroll, clinician):
    enroll.many(2)
    session = TherapySessionFactory(
        group=group, starts_at=datetime(2026, 11, 18, 9, tzinfo=NEW_YORK)
    )
    clock.move_to(datetime(2026, 11, 18, 8, 29, tzinfo=NEW_YORK), tick=False)
    with pytest.raises(ValidationError) as error:
        services.attendance_mark_all_present(session=session, user=clinician)
    assert "Attendance opens at 08:30" in error.value.messages[0]
    clock.move_to(datetime(2026, 11, 18, 8, 30, tzinfo=NEW_YORK), tick=False)
    assert len(services.attendance_mark_all_present(session=session, user=clinician)) == 2


def test_all_present_under_a_signed_note_is_refused(enroll, todays_session, clinician):
    first, second = enroll.many(2)
    services.attendance_mark(
        session=todays_session, episode=first, status="present", user=clinician
    )
    note = services.note_start(session=todays_session, user=clinician)
    services.note_save(
        note=note,
        user=clinician,
        shared={"data": "Sleep.", "assessment": "Engaged.", "plan": "Practise."},
        entries={first.patient_id: {"text": "Shared a plan.", "risk_level": "none"}},
    )
    services.note_sign(note=note, user=clinician)
    with pytest.raises(services.AttendanceLockedError):
        services.attendance_mark_all_present(session=todays_session, user=clinician)
    assert marks(todays_session) == {first.patient.legal_last_name: "present"}


# --- the page ---------------------------------------------------------------------------------


def test_the_session_page_offers_all_present_for_a_group(client, clinician, enroll, todays_session):
    enroll.many(3)
    client.force_login(clinician)
    html = client.get(todays_session.get_absolute_url()).content.decode()
    assert all_present_url(todays_session) in html
    assert "All 3 present" in html


def test_one_click_marks_the_group_and_redraws_sheet_billing_and_note_start(
    client, clinician, enroll, todays_session
):
    enroll.many(3)
    client.force_login(clinician)
    html = client.post(all_present_url(todays_session), {"billing": "1"}, **HTMX).content.decode()
    assert "<html" not in html
    assert html.count('data-testid="attendance-status">Present<') == 3
    assert html.count("90853") == 3  # the billing codes, out of band
    assert f'id="billing-{todays_session.pk}" hx-swap-oob="true"' in html
    assert "Start the note" in html  # the note can be started without a reload
    assert "All 3 present" not in html  # nobody is left to mark


def test_without_htmx_all_present_redirects_with_a_message(
    client, clinician, enroll, todays_session
):
    enroll.many(2)
    client.force_login(clinician)
    response = client.post(all_present_url(todays_session), follow=True)
    assert "2 marked present." in response.content.decode()
    assert Attendance.objects.filter(status="present").count() == 2


def test_a_refusal_is_shown_above_the_sheet(client, clinician, enroll, todays_session):
    enroll(last_name="Adams")
    later = enroll(last_name="Zeller")
    Episode.objects.filter(pk=later.pk).update(admission_date=date(2026, 11, 20))
    client.force_login(clinician)
    html = client.post(all_present_url(todays_session), **HTMX).content.decode()
    assert 'role="alert"' in html and "Nobody was marked present." in html
    assert not Attendance.objects.exists()


def test_attendance_buttons_are_disabled_with_the_reason_before_attendance_opens(
    client, clock, group, enroll, clinician
):
    enroll.many(2)
    session = TherapySessionFactory(
        group=group, starts_at=datetime(2026, 11, 18, 9, tzinfo=NEW_YORK)
    )
    clock.move_to(datetime(2026, 11, 18, 7, 0, tzinfo=NEW_YORK), tick=False)
    client.force_login(clinician)
    html = client.get(session.get_absolute_url()).content.decode()
    assert (
        "Attendance opens at 08:30 on Wed 18 Nov, half an hour before the session starts." in html
    )
    assert html.count(" disabled aria-describedby") == 10  # 5 buttons for each of 2
    assert all_present_url(session) not in html
    clock.move_to(datetime(2026, 11, 18, 8, 45, tzinfo=NEW_YORK), tick=False)
    client.logout()
    client.force_login(clinician)  # signed in again after the idle logoff
    html = client.get(session.get_absolute_url()).content.decode()
    assert " disabled" not in html and all_present_url(session) in html


def test_a_cancelled_sessions_buttons_are_disabled(client, clinician, enroll, todays_session):
    enroll.many(1)
    services.session_cancel(session=todays_session, user=clinician, reason="Room flooded")
    client.force_login(clinician)
    html = client.get(todays_session.get_absolute_url()).content.decode()
    assert "The session was cancelled." in html
    assert html.count(" disabled aria-describedby") == 5


# --- who may --------------------------------------------------------------------------------


def test_a_supervisor_of_the_program_may_mark_everyone_present(
    client, supervisor, enroll, todays_session
):
    enroll.many(2)
    client.force_login(supervisor)
    client.post(all_present_url(todays_session), **HTMX)
    assert Attendance.objects.filter(recorded_by=supervisor).count() == 2


def test_a_clinician_on_an_attendees_team_but_not_facilitating_cannot_mark_them(
    client, enroll, todays_session, make_episode
):
    other = UserFactory(role="clinician")
    episode = make_episode(clinician=other, last_name="Theirs")
    enroll(episode)
    client.force_login(other)
    # They read their own patient's part of the note from the chart; the session is not theirs.
    assert client.post(all_present_url(todays_session), **HTMX).status_code == 404
    assert not Attendance.objects.exists()


def test_a_clinician_off_the_group_gets_404(client, clinician2, enroll, todays_session):
    enroll.many(1)
    client.force_login(clinician2)
    assert client.post(all_present_url(todays_session), **HTMX).status_code == 404
    assert not Attendance.objects.exists()


def test_intake_gets_404(client, intake, enroll, todays_session):
    enroll.many(1)
    client.force_login(intake)
    assert client.post(all_present_url(todays_session), **HTMX).status_code == 404
    assert not Attendance.objects.exists()


def test_today_offers_all_present_on_a_group_card(client, clinician, enroll, todays_session):
    enroll.many(2)
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    assert all_present_url(todays_session) in html and "All 2 present" in html
    # On Today the sheet is re-drawn alone (no billing codes there).
    html = client.post(all_present_url(todays_session), **HTMX).content.decode()
    assert html.count('data-testid="attendance-status">Present<') == 2
    assert "hx-swap-oob" not in html
