"""The `cosignature` job: a note still waiting for a co-signature 72 h after it was signed
alerts the supervisors, once per note; co-signing closes the alert."""

from datetime import datetime, timedelta

import pytest

from iop.jobs.registry import JOBS, run_job
from patients.models import Alert
from sessions import services as ss
from sessions.jobs import cosignature_alerts
from tests.fixtures.sessions import NEW_YORK

SIGNED = datetime(2026, 11, 18, 10, 0, tzinfo=NEW_YORK)  # the `todays_session` clock


@pytest.fixture
def awaiting(enroll, todays_session, clinician):
    """Casey Morgan, a trainee, signed today's group note at 10:00 on Wed 18 Nov."""
    clinician.is_trainee = True
    clinician.save()
    episode = enroll(last_name="Ames")
    ss.attendance_mark(session=todays_session, episode=episode, status="present", user=clinician)
    note = ss.note_start(session=todays_session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared={"data": "Sleep skills.", "assessment": "Engaged.", "plan": "Practise."},
        entries={episode.patient_id: {"text": "Slept six hours twice.", "risk_level": "none"}},
    )
    return ss.note_sign(note=note, user=clinician)


def test_no_alert_at_71_hours_one_at_73_and_none_doubled(clock, awaiting):
    assert awaiting.status == "awaiting_cosign"
    clock.move_to(SIGNED + timedelta(hours=71), tick=False)
    assert cosignature_alerts() == {"alerts": 0, "resolved": 0}
    clock.move_to(SIGNED + timedelta(hours=73), tick=False)
    assert cosignature_alerts() == {"alerts": 1, "resolved": 0}
    assert cosignature_alerts() == {"alerts": 0, "resolved": 0}  # a second run: no duplicate
    alert = Alert.objects.get(dedupe_key=f"note_cosign:{awaiting.pk}")
    assert alert.title == (
        "Casey Morgan's note on the MWF process group session of Wed 18 Nov awaits "
        "co-signature (72 h)"
    )
    assert (alert.priority, alert.status, alert.patient) == (Alert.Priority.HIGH, "open", None)
    assert alert.detail == (
        "Signed Wed 18 Nov 10:00; a supervisor other than the author co-signs it."
    )


def test_exactly_72_hours_alerts(clock, awaiting):
    clock.move_to(SIGNED + timedelta(hours=72), tick=False)
    assert cosignature_alerts()["alerts"] == 1


def test_cosigning_closes_the_alert(clock, awaiting, supervisor):
    clock.move_to(SIGNED + timedelta(hours=80), tick=False)
    cosignature_alerts()
    ss.note_cosign(note=awaiting, user=supervisor)
    assert cosignature_alerts() == {"alerts": 0, "resolved": 1}
    alert = Alert.objects.get(dedupe_key=f"note_cosign:{awaiting.pk}")
    assert alert.status == "closed"
    assert alert.action_taken == "Closed automatically: the note was co-signed."


def test_supervisors_see_it_on_today(clock, client, awaiting, supervisor, clinician2):
    clock.move_to(SIGNED + timedelta(hours=73), tick=False)
    run_job("cosignature")
    for user, sees in ((supervisor, True), (clinician2, False)):
        client.force_login(user)
        html = client.get("/today/").content.decode()
        assert ("awaits co-signature (72 h)" in html) is sees, user


def test_the_job_is_in_the_one_registry():
    job = JOBS["cosignature"]
    assert (job.task, job.function) == ("sessions.cosignature", "sessions.tasks.cosignature_job")
