"""The hours ledger reads the episodes' attendance of its weeks by the attendance's copy of its
session's start (`shortfall.weekly_minutes`) and counts only the sessions that count: not a
cancelled one, nor family therapy without the patient, whatever was put in the table."""

from sessions import services as ss
from sessions.models import Attendance, TherapySession
from tests.sessions.helpers import MON_9, at, book


def test_the_ledger_counts_only_the_sessions_that_count(clock, episode, clinician):
    counted = book(clinician, starts_at=at(MON_9, 10), episode=episode)
    family = book(
        clinician,
        starts_at=at(MON_9, 14),
        episode=episode,
        kind="family",
        patient_present=False,
        family_members=[{"name": "Jo Doe", "relationship": "mother"}],
    )
    cancelled = book(clinician, starts_at=at(MON_9, 16), episode=episode)
    TherapySession.objects.filter(pk=cancelled.pk).update(status="cancelled")
    for session, minutes in ((counted, 50), (family, 40), (cancelled, 30)):
        Attendance.objects.create(
            session=session,
            episode=episode,
            patient=episode.patient,
            status="present",
            minutes_attended=minutes,
        )
    assert ss.hours_ledger([episode], weeks=1, today=MON_9)[episode.pk][-1]["minutes"] == 50
