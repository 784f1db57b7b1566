"""Attendance carries its session's start (`session_starts_at`), which the weekly hours read
by episode and week: every writer keeps it equal to the session's, or a patient's minutes
would be counted in a week their session was not in."""

from sessions import services as ss
from sessions.models import Attendance
from tests.sessions.helpers import MON_2, MON_9, MON_16, at, book


def test_marking_attendance_copies_the_sessions_start(monday, clinician):
    record = ss.attendance_mark(
        session=monday.session, episode=monday.episode, status="late", user=clinician
    )
    record.refresh_from_db()
    assert record.session_starts_at == monday.session.starts_at == at(MON_9, 9)


def test_any_other_writer_gets_the_sessions_start(clock, episode, clinician):
    clock.move_to(at(MON_2, 8), tick=False)
    session = book(clinician, starts_at=at(MON_9, 10), episode=episode)
    record = Attendance.objects.create(
        session=session, episode=episode, patient=episode.patient, status="present"
    )
    assert Attendance.objects.get(pk=record.pk).session_starts_at == at(MON_9, 10)


def test_a_moved_session_moves_its_attendance_and_its_minutes_to_the_new_week(
    clock, episode, clinician
):
    clock.move_to(at(MON_2, 8), tick=False)
    session = book(clinician, starts_at=at(MON_9, 10), episode=episode)
    Attendance.objects.create(
        session=session,
        episode=episode,
        patient=episode.patient,
        status="present",
        minutes_attended=50,
    )
    ss.session_reschedule(session=session, starts_at=at(MON_16, 11), user=clinician)
    record = Attendance.objects.get(session=session)
    assert record.session_starts_at == at(MON_16, 11)
    weeks = {w["week"]: w["minutes"] for w in ss.hours_ledger([episode], today=MON_16)[episode.pk]}
    assert (weeks.get(MON_9, 0), weeks[MON_16]) == (0, 50)


def test_a_bulk_writer_gets_the_sessions_start_too(clock, episode, clinician):
    """bulk_create calls no `save`; the queryset fills the copy (a history helper's bulk
    rows once failed the NOT NULL column)."""
    clock.move_to(at(MON_2, 8), tick=False)
    session = book(clinician, starts_at=at(MON_9, 10), episode=episode)
    Attendance.objects.bulk_create(
        [Attendance(session=session, episode=episode, patient=episode.patient, status="present")]
    )
    assert Attendance.objects.get(session=session).session_starts_at == at(MON_9, 10)
