"""The session page per role: a supervisor of the program runs a group's attendance and note; a
clinician on one attendee's care team who does not facilitate reads only their patient's part
from the chart, with no attendance buttons; intake staff are not shown the session."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from sessions import services
from sessions.models import Attendance, ProgressNote
from tests.browser.test_group_attendance_browser import group_session
from tests.browser.test_intake_browser import sign_in
from tests.factories import GroupEnrollmentFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_supervisor_of_the_program_takes_attendance_and_writes_the_note(
    page, live_server, program, clinician, supervisor, make_episode, password
):
    session = group_session(program, clinician, make_episode, size=2)
    sign_in(page, live_server, supervisor.username, password)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_role("button", name="All 2 present").click()
    expect(page.get_by_test_id("attendance-status").filter(has_text="Present")).to_have_count(2)
    page.get_by_label("Topic").fill("Values")
    page.get_by_role("button", name="Start the note").click()
    expect(page.get_by_test_id("note-form").get_by_label("Data")).to_have_value(
        "Group topic: Values."
    )
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {supervisor.pk}
    assert ProgressNote.objects.get().author == supervisor


def test_a_clinician_not_facilitating_reads_only_their_patients_part(
    page, live_server, program, clinician, make_episode, password
):
    session = group_session(program, clinician, make_episode, size=2)
    other = UserFactory(username="other", role="clinician")
    theirs = make_episode(clinician=other, last_name="Theirs")
    GroupEnrollmentFactory(
        group=session.group, episode=theirs, start_date=session.starts_at.date() - timedelta(days=7)
    )
    services.attendance_mark_all_present(session=session, user=clinician)
    note = services.note_start(session=session, user=clinician, topic="Values")
    services.note_save(
        note=note,
        user=clinician,
        shared={"data": "Group topic: Values.", "assessment": "Engaged.", "plan": "Practise."},
        entries={
            e.patient_id: {"text": f"{e.patient.legal_last_name} {text}", "risk_level": "none"}
            for e, text in zip(
                [a.episode for a in session.attendance.select_related("episode__patient")],
                ("named family as a value.", "chose honesty, with an example.", "said work."),
                strict=True,
            )
        },
    )
    services.note_sign(note=note, user=clinician)

    sign_in(page, live_server, "other", password)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    expect(page).to_have_url(
        f"{live_server.url}/patients/{theirs.patient_id}/sessions/{session.pk}/note/"
    )
    parts = page.get_by_test_id("note-entry")
    expect(parts).to_have_count(1)  # of 3
    expect(parts).to_contain_text("Pat3 Theirs")
    expect(page.get_by_role("button", name="Present")).to_have_count(0)


def test_intake_staff_are_not_shown_the_session(
    page, live_server, program, clinician, intake, make_episode, password
):
    session = group_session(program, clinician, make_episode, size=1)
    sign_in(page, live_server, intake.username, password)
    # Asked for directly (the browser would log the 404 as a console error).
    assert page.request.get(f"{live_server.url}{session.get_absolute_url()}").status == 404
    expect(page.get_by_role("button", name="All 1 present")).to_have_count(0)  # not on Today
