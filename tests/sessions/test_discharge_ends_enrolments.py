"""Discharge ends group enrolments on the discharge date: a discharged patient is off next week's
roster, and nothing is recorded for the episode after discharge (attendance and notes refuse
it, naming the patient; the API answers 400 and the page says why)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans import services as plan_services
from sessions import services as ss
from sessions.models import Attendance, GroupEnrollment
from tests.plans.helpers import AFTERCARE
from tests.sessions.helpers import MON_9, MON_16, WED_11, at, book, group_session


@pytest.fixture
def discharged(monday, enroll, clinician, clock):
    """Ames and Brook in the MWF group; Ames discharged on Monday 9 November (the clock at
    10:00 that day), having been marked present at that morning's group."""
    brook = enroll(last_name="Brook")
    ss.attendance_mark(
        session=monday.session, episode=monday.episode, status="present", user=clinician
    )
    plan_services.episode_discharge(
        episode=monday.episode, aftercare=AFTERCARE, reason="completed", user=clinician
    )
    monday.episode.refresh_from_db()
    monday.ames, monday.brook = monday.episode, brook
    return monday


def names(episodes):
    return [e.patient.legal_last_name for e in episodes]


def refusal(episode):
    return (
        f"{episode.patient} was discharged on 9 Nov 2026: nothing is recorded for the episode "
        "after discharge."
    )


def test_discharge_ends_the_group_enrolment_on_the_discharge_date(discharged, group):
    enrollment = GroupEnrollment.objects.get(episode=discharged.ames)
    assert (enrollment.start_date, enrollment.end_date) == (date(2026, 11, 2), date(2026, 11, 9))
    assert GroupEnrollment.objects.get(episode=discharged.brook).end_date is None


def test_a_discharged_patient_is_not_on_next_weeks_roster(discharged, group):
    # The discharge day itself still counts (and keeps its attendance).
    assert names(ss.session_roster(group_session(group, MON_9))) == ["Ames", "Brook"]
    assert names(ss.session_roster(group_session(group, WED_11))) == ["Brook"]
    assert names(ss.session_roster(group_session(group, MON_16))) == ["Brook"]


def test_marking_a_discharged_patient_present_after_discharge_is_refused(
    discharged, group, clinician, clock
):
    clock.move_to(at(MON_16, 10), tick=False)
    with pytest.raises(ValidationError) as error:
        ss.attendance_mark(
            session=group_session(group, MON_16),
            episode=discharged.ames,
            status="present",
            user=clinician,
        )
    assert error.value.message_dict == {"episode": [refusal(discharged.ames)]}
    assert not Attendance.objects.filter(session__starts_at__date=MON_16).exists()


def test_an_individual_session_after_discharge_refuses_attendance(
    monday, clinician, clock, make_episode
):
    episode = make_episode(clinician=clinician, last_name="Cole")
    session = book(clinician, starts_at=at(WED_11, 14), episode=episode)
    plan_services.episode_discharge(
        episode=episode, aftercare=AFTERCARE, reason="completed", user=clinician
    )
    episode.refresh_from_db()
    clock.move_to(at(WED_11, 15), tick=False)
    assert ss.session_roster(session) == []
    # Discharge cancelled the session (tests/sessions/test_discharge_integrity.py).
    session.refresh_from_db()
    assert session.status == "cancelled"
    with pytest.raises(ValidationError) as error:
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    assert error.value.messages == ["The session was cancelled."]
    # One left scheduled (as before discharge cancelled them) still refuses it, saying why.
    session.status = "scheduled"
    session.save(update_fields=["status"])
    with pytest.raises(ValidationError) as error:
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    assert error.value.message_dict == {"episode": [refusal(episode)]}


def test_a_note_refuses_a_part_for_an_episode_after_its_discharge(
    discharged, group, clinician, clock
):
    # Attendance recorded after discharge before the rule existed (straight into the table).
    session = group_session(group, WED_11)
    clock.move_to(at(WED_11, 13), tick=False)
    Attendance.objects.create(
        session=session,
        episode=discharged.ames,
        patient=discharged.ames.patient,
        status="present",
        minutes_attended=180,
    )
    with pytest.raises(ValidationError) as error:
        ss.note_start(session=session, user=clinician)
    assert error.value.message_dict == {"episode": [refusal(discharged.ames)]}


def test_api_marking_after_discharge_answers_400(api_client, discharged, group, clinician, clock):
    clock.move_to(at(MON_16, 10), tick=False)
    api_client.force_authenticate(clinician)
    response = api_client.post(
        reverse("attendance-list"),
        {
            "session": group_session(group, MON_16).pk,
            "episode": discharged.ames.pk,
            "status": "present",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"episode": [refusal(discharged.ames)]}


def test_page_marking_after_discharge_says_why(client, discharged, group, clinician, clock):
    clock.move_to(at(MON_16, 10), tick=False)
    session = group_session(group, MON_16)
    client.force_login(clinician)
    page = client.get(session.get_absolute_url()).content.decode()
    assert discharged.ames.patient.display_name not in page
    response = client.post(
        reverse("sessions:attendance", args=[session.pk, discharged.ames.pk]),
        {"status": "present"},
        follow=True,
    )
    assert refusal(discharged.ames) in response.content.decode()
    assert not Attendance.objects.filter(session=session).exists()
