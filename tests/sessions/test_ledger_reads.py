"""The hours ledger reads a few episodes' attendance by episode and many episodes' by the
weeks' sessions (`shortfall.weekly_minutes`); both count the same sessions: not a cancelled
one, nor family therapy without the patient, whatever was put in the table."""

import pytest

from sessions import services as ss
from sessions.models import Attendance, TherapySession
from sessions.services import shortfall
from tests.sessions.helpers import MON_9, at, book


@pytest.mark.parametrize("few", [shortfall.FEW_EPISODES, 0])
def test_the_ledger_counts_the_same_sessions_read_either_way(
    clock, episode, clinician, monkeypatch, few
):
    monkeypatch.setattr(shortfall, "FEW_EPISODES", few)
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
