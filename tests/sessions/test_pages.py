"""Session pages: Today, the session page (attendance and note), schedules, the chart's sessions
tab; who may open what; query budgets that do not grow with the group."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Attendance, ProgressNote, TherapySession
from tests.queries import query_counts

HTMX = {"HTTP_HX_REQUEST": "true"}


def attendance_url(session, episode):
    return reverse("sessions:attendance", args=[session.pk, episode.pk])


# --- Today and the attendance sheet -------------------------------------------------------------


def test_today_lists_my_sessions_with_their_attendance_sheet(
    client, clinician, enroll, todays_session
):
    episodes = enroll.many(2)
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    assert "MWF process group" in html
    for episode in episodes:
        assert attendance_url(todays_session, episode) in html


def test_one_click_marks_attendance_and_redraws_the_row(client, clinician, enroll, todays_session):
    (episode,) = enroll.many(1)
    client.force_login(clinician)
    response = client.post(attendance_url(todays_session, episode), {"status": "late"}, **HTMX)
    html = response.content.decode()
    assert 'data-testid="attendance-row"' in html and "<html" not in html
    assert 'value="165"' in html  # 180 minutes less 15 for late
    record = Attendance.objects.get()
    assert (record.status, record.minutes_attended) == ("late", 165)
    client.post(
        attendance_url(todays_session, episode), {"status": "late", "minutes": "120"}, **HTMX
    )
    record.refresh_from_db()
    assert record.minutes_attended == 120


def test_a_bad_minutes_value_is_explained_in_the_row(client, clinician, enroll, todays_session):
    (episode,) = enroll.many(1)
    client.force_login(clinician)
    html = client.post(
        attendance_url(todays_session, episode), {"status": "late", "minutes": "500"}, **HTMX
    ).content.decode()
    assert "Minutes attended must be 1–180." in html
    assert not Attendance.objects.exists()


def test_only_the_sessions_clinicians_take_attendance(
    client, clinician2, supervisor, enroll, todays_session
):
    (episode,) = enroll.many(1)
    client.force_login(clinician2)
    assert (
        client.post(attendance_url(todays_session, episode), {"status": "present"}).status_code
        == 404
    )
    client.force_login(supervisor)
    client.post(attendance_url(todays_session, episode), {"status": "present"})
    assert Attendance.objects.get().status == "present"


def test_today_and_the_session_page_run_the_same_queries_for_1_or_6_attendees(
    client, clinician, enroll, todays_session
):
    def attend(episodes):
        for episode in episodes:
            services.attendance_mark(
                session=todays_session, episode=episode, status="present", user=clinician
            )
        services.note_start(session=todays_session, user=clinician)  # a part for each

    (first,) = enroll.many(1)
    attend([first])
    client.force_login(clinician)
    paths = [
        reverse("today"),
        reverse("sessions:session", args=[todays_session.pk]),
        reverse("sessions:chart", args=[first.patient_id]),
    ]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    attend(enroll.many(5))
    assert todays_session.note.entries.count() == 6
    assert query_counts(client, paths) == one


# --- who may open what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("supervisor", 200), ("clinician", 200), ("clinician2", 404), ("intake", 404), ("admin", 404)],
)
def test_the_session_page_per_role(client, role_users, enroll, todays_session, role, status):
    enroll.many(1)
    client.force_login(role_users[role])
    assert client.get(reverse("sessions:session", args=[todays_session.pk])).status_code == status


def test_a_facilitator_sees_the_groups_attendees_but_not_other_patients(
    client, clinician2, group, make_episode, clinician, todays_session
):
    """clinician2 runs the group; the attendee is on clinician's caseload, not clinician2's."""
    group.facilitators.set([clinician2])
    todays_session.clinicians.set([clinician2])
    episode = make_episode(clinician=clinician, last_name="Attendee")
    services.group_enroll(
        group=group, episode=episode, user=clinician, start_date=timezone.localdate()
    )
    other = make_episode(clinician=clinician, last_name="Unrelated")
    client.force_login(clinician2)
    page = client.get(reverse("sessions:session", args=[todays_session.pk])).content.decode()
    assert "Attendee" in page
    assert client.get(reverse("patients:chart", args=[other.patient_id])).status_code == 404
    assert client.get(reverse("sessions:chart", args=[other.patient_id])).status_code == 404


def test_intake_cannot_open_the_sessions_tab(client, intake, patient):
    client.force_login(intake)
    assert client.get(reverse("sessions:chart", args=[patient.pk])).status_code == 404
    assert client.get(reverse("sessions:week")).status_code == 403


# --- the note composer --------------------------------------------------------------------------


def note_post(note, entries, **extra):
    data = {
        "revision": note.revision,
        "shared_data": "Skills group on sleep.",
        "shared_assessment": "Engaged.",
        "shared_plan": "Practise nightly.",
    }
    for patient_id, text in entries.items():
        data[f"entry_{patient_id}_text"] = text
        data[f"entry_{patient_id}_risk_level"] = "none"
    data.update(extra)
    return data


def test_a_cloned_group_note_is_refused_and_the_text_is_kept(
    client, clinician, enroll, todays_session
):
    episodes = enroll.many(2)
    for episode in episodes:
        services.attendance_mark(
            session=todays_session, episode=episode, status="present", user=clinician
        )
    note = services.note_start(session=todays_session, user=clinician)
    client.force_login(clinician)
    same = "Participated well and practised the skill."
    response = client.post(
        reverse("sessions:note", args=[todays_session.pk]),
        note_post(note, {e.patient_id: same for e in episodes}, sign="1"),
    )
    html = response.content.decode()
    for episode in episodes:
        other = next(e for e in episodes if e != episode).patient
        assert (
            f"The same as the part for {other.legal_first_name} {other.legal_last_name[0]}." in html
        )
    assert same in html
    note.refresh_from_db()
    assert note.status == "draft"


def test_signing_locks_the_note_and_only_addenda_follow(client, clinician, enroll, todays_session):
    episodes = enroll.many(2)
    for episode in episodes:
        services.attendance_mark(
            session=todays_session, episode=episode, status="present", user=clinician
        )
    note = services.note_start(session=todays_session, user=clinician)
    client.force_login(clinician)
    url = reverse("sessions:note", args=[todays_session.pk])
    texts = {
        e.patient_id: text
        for e, text in zip(
            episodes, ("Described the week.", "Asked for help with sleep."), strict=True
        )
    }
    client.post(url, note_post(note, texts, sign="1"))
    note.refresh_from_db()
    assert note.status == ProgressNote.Status.SIGNED and len(note.content_hash) == 64
    page = client.get(reverse("sessions:session", args=[todays_session.pk])).content.decode()
    assert "content matches its signature hash" in page
    client.post(url, note_post(note, {e.patient_id: "Changed" for e in episodes}, save="1"))
    assert not note.entries.filter(text="Changed").exists()
    client.post(
        reverse("sessions:addendum", args=[todays_session.pk]),
        {"text": "Late entry: called the family."},
    )
    assert note.addenda.get().text == "Late entry: called the family."


def test_the_chart_shows_the_hours_ledger(client, clinician, enroll, todays_session):
    (episode,) = enroll.many(1)
    services.attendance_mark(
        session=todays_session, episode=episode, status="left_early", user=clinician
    )
    client.force_login(clinician)
    html = client.get(reverse("sessions:chart", args=[episode.patient_id])).content.decode()
    assert "2.5" in html  # 150 minutes this week
    assert "IOP 9 h" in html  # the level of care's minimum, not the program's
    assert "in progress" in html


def test_scheduling_refuses_a_double_booking_and_keeps_the_form(
    client, clinician, episode, time_machine
):
    tz = timezone.get_current_timezone()
    time_machine.move_to(datetime(2026, 11, 18, 8, 0, tzinfo=tz), tick=False)
    services.session_schedule(
        kind="individual",
        starts_at=datetime(2026, 11, 18, 14, 0, tzinfo=tz),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        user=clinician,
    )
    client.force_login(clinician)
    response = client.post(
        reverse("sessions:new"),
        {
            "kind": "individual",
            "episode": episode.pk,
            "starts_at": "2026-11-18T14:30",
            "duration_minutes": "50",
            "delivery": "in_person",
            "location": "Room 9",
            "clinicians": [clinician.pk],
        },
    )
    html = response.content.decode()
    assert "already booked" in html
    assert "Room 9" in html
    assert TherapySession.objects.count() == 1


def test_marking_an_episode_not_on_the_roster_reveals_nothing(
    client, clinician, enroll, todays_session, make_episode
):
    enroll.many(1)
    outsider = make_episode(clinician=clinician, last_name="Outsider")
    client.force_login(clinician)
    response = client.post(attendance_url(todays_session, outsider), {"status": "present"})
    assert response.status_code == 404
    assert "Outsider" not in response.content.decode()
    assert not Attendance.objects.exists()


def test_opening_a_group_session_audits_each_attendee(client, clinician, enroll, todays_session):
    from iop.audit.models import AuditEvent

    episodes = enroll.many(3)
    client.force_login(clinician)
    client.get(reverse("sessions:session", args=[todays_session.pk]))
    viewed = AuditEvent.objects.filter(action="view", object_type="therapy_sessions.therapysession")
    assert set(viewed.exclude(patient_id=None).values_list("patient_id", flat=True)) == {
        e.patient_id for e in episodes
    }
    # The page's read of the session itself (the group's: no patient) follows them, written
    # in the same statement: one time for all.
    events = list(viewed.order_by("seq").values_list("patient_id", "detail", "at"))
    assert [(p, d) for p, d, _ in events] == [
        *sorted((e.patient_id, "session page") for e in episodes),
        (None, ""),
    ]
    assert len({at for _, _, at in events}) == 1


def test_an_unknown_note_format_is_refused_and_the_page_still_opens(
    client, clinician, enroll, todays_session
):
    (episode,) = enroll.many(1)
    services.attendance_mark(
        session=todays_session, episode=episode, status="present", user=clinician
    )
    client.force_login(clinician)
    url = reverse("sessions:note", args=[todays_session.pk])
    response = client.post(url, {"format": "XYZ", "topic": "Sleep hygiene", "start": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose SOAP, DAP or BIRP." in html
    assert 'value="Sleep hygiene"' in html  # the topic typed is kept
    assert not ProgressNote.objects.exists()
    assert client.get(reverse("sessions:session", args=[todays_session.pk])).status_code == 200


def test_cosigning_never_redirects_off_site(client, clinician, supervisor, enroll, todays_session):
    (episode,) = enroll.many(1)
    clinician.is_trainee = True
    clinician.save()
    services.attendance_mark(
        session=todays_session, episode=episode, status="present", user=clinician
    )
    note = services.note_start(session=todays_session, user=clinician)
    services.note_save(
        note=note,
        user=clinician,
        shared={"data": "d", "assessment": "a", "plan": "p"},
        entries={episode.patient_id: {"text": "Fine.", "risk_level": "none"}},
    )
    services.note_sign(note=note, user=clinician)
    client.force_login(supervisor)
    response = client.post(
        reverse("sessions:cosign", args=[todays_session.pk]), {"next": "https://evil.example/"}
    )
    assert "evil.example" not in response["Location"]


def test_an_odd_clinician_filter_on_the_schedule_is_ignored(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/schedule/?clinician=abc").status_code == 200
