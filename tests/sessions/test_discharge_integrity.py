"""An episode is in care from its admission date to its discharge date, and the record keeps to it:
a discharge cannot be backdated before recorded attendance, the hours ledger stops at the
discharge week, discharge cancels the patient's own later sessions (and their reminders stop),
and attendance before the admission date is refused, naming the patient and the date."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from iop.audit.models import AuditEvent
from patients.models import Episode
from plans import services as plan_services
from sessions import services as ss
from sessions.models import Attendance, NoteEntry, ProgressNote, ReminderDelivery
from sessions.reminders import reminders_plan
from tests.jobs.test_jobs import contactable
from tests.plans.helpers import AFTERCARE
from tests.sessions.helpers import MON_2, MON_9, MON_16, WED_11, at, book, group_session

THU_12 = date(2026, 11, 12)


# --- 1. a discharge date before recorded attendance ----------------------------------------------


def test_a_discharge_backdated_before_recorded_attendance_is_refused(
    monday,
    group,
    clinician,
    clock,
):
    clock.move_to(at(WED_11, 13), tick=False)
    ss.attendance_mark(
        session=group_session(group, WED_11),
        episode=monday.episode,
        status="present",
        user=clinician,
    )
    with pytest.raises(ValidationError) as error:
        plan_services.episode_discharge(
            episode=monday.episode,
            aftercare=AFTERCARE,
            reason="completed",
            user=clinician,
            discharge_date=MON_9,
        )
    assert error.value.message_dict == {
        "discharge_date": ["Attendance is recorded on 11 Nov 2026, after this discharge date."]
    }
    monday.episode.refresh_from_db()
    assert (monday.episode.status, monday.episode.discharge_date) == ("active", None)
    # The day of the last attendance is a good discharge date; the session's note still starts.
    plan_services.episode_discharge(
        episode=monday.episode,
        aftercare=AFTERCARE,
        reason="completed",
        user=clinician,
        discharge_date=WED_11,
    )
    monday.episode.refresh_from_db()
    assert monday.episode.discharge_date == WED_11
    assert ss.note_start(session=group_session(group, WED_11), user=clinician).entries.count() == 1


def test_an_absence_after_the_date_does_not_block_it_but_a_note_entry_does(
    monday,
    group,
    clinician,
    clock,
):
    clock.move_to(at(WED_11, 13), tick=False)
    session = group_session(group, WED_11)
    ss.attendance_mark(
        session=session, episode=monday.episode, status="absent_excused", user=clinician
    )
    note = ProgressNote.objects.create(session=session, author=clinician)
    NoteEntry.objects.create(note=note, episode=monday.episode, patient=monday.episode.patient)
    with pytest.raises(ValidationError) as error:
        plan_services.episode_discharge(
            episode=monday.episode,
            aftercare=AFTERCARE,
            reason="completed",
            user=clinician,
            discharge_date=MON_9,
        )
    assert error.value.message_dict == {
        "discharge_date": ["A progress note is recorded on 11 Nov 2026, after this discharge date."]
    }
    NoteEntry.objects.all().delete()
    plan_services.episode_discharge(
        episode=monday.episode,
        aftercare=AFTERCARE,
        reason="completed",
        user=clinician,
        discharge_date=MON_9,
    )
    monday.episode.refresh_from_db()
    assert monday.episode.discharge_date == MON_9


# --- 2. the hours ledger stops at the discharge week ---------------------------------------------


def test_the_ledger_lists_no_week_after_the_discharge_week_and_does_not_judge_it(
    monday,
    group,
    clinician,
    clock,
):
    # Present Mon 2 (3 h) and Mon 9 (3 h); discharged Wed 11 Nov.
    clock.move_to(at(WED_11, 13), tick=False)
    for day in (MON_2, MON_9):
        ss.attendance_mark(
            session=group_session(group, day),
            episode=monday.episode,
            status="present",
            user=clinician,
        )
    plan_services.episode_discharge(
        episode=monday.episode, aftercare=AFTERCARE, reason="completed", user=clinician
    )
    monday.episode.refresh_from_db()

    rows = ss.hours_ledger([monday.episode], weeks=8, today=date(2026, 11, 27))[monday.episode.pk]

    # Admitted Mon 2 Nov: no week before it; discharged Wed 11: none after that week.
    assert [r["week"] for r in rows] == [MON_2, MON_9]
    assert [r["hours"] for r in rows] == [3, 3]
    assert [r["status"] for r in rows] == ["below", "discharged mid-week"]
    assert [r["below"] for r in rows] == [True, False]


# --- 3. discharge cancels the patient's later sessions; reminders stop ---------------------------


def test_discharge_cancels_the_patients_own_sessions_after_the_discharge_date(
    monday,
    clinician,
    clock,
):
    episode = monday.episode
    same_day = book(clinician, starts_at=at(MON_9, 15), episode=episode)
    later = [
        book(clinician, starts_at=at(WED_11, 14), episode=episode),
        book(clinician, starts_at=at(THU_12, 10), episode=episode, kind="family"),
        book(clinician, starts_at=at(MON_16, 14), episode=episode),
    ]
    plan_services.episode_discharge(
        episode=episode, aftercare=AFTERCARE, reason="completed", user=clinician
    )
    for session in [same_day, *later]:
        session.refresh_from_db()
    assert same_day.status == "scheduled"  # the discharge day itself is still in care
    assert [s.status for s in later] == ["cancelled"] * 3
    assert all(s.cancel_reason.startswith("The patient was discharged on") for s in later)
    assert (
        AuditEvent.objects.filter(
            object_type="therapy_sessions.therapysession",
            detail="cancelled, reason recorded",
            user=clinician,
        ).count()
        == 3
    )


def test_no_reminder_for_a_discharged_episodes_session(monday, clinician, clock, intake):
    episode = monday.episode
    contactable(episode, intake)
    session = book(clinician, starts_at=at(WED_11, 14), episode=episode, location="Room 2")
    # Discharged on Mon 9 with the session left scheduled (as before the hook existed).
    Episode.objects.filter(pk=episode.pk).update(status="discharged", discharge_date=MON_9)
    clock.move_to(session.starts_at - timedelta(hours=20), tick=False)
    assert reminders_plan() == 0
    assert not ReminderDelivery.objects.exists()


# --- 4. attendance before admission ---------------------------------------------------------------


def test_attendance_before_the_admission_date_is_refused(monday, clinician, clock):
    episode = monday.episode
    session = book(clinician, starts_at=at(MON_9, 14), episode=episode)
    Episode.objects.filter(pk=episode.pk).update(admission_date=WED_11)
    episode.refresh_from_db()
    clock.move_to(at(MON_9, 15), tick=False)
    with pytest.raises(ValidationError) as error:
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    assert error.value.message_dict == {
        "episode": [
            f"{episode.patient} was admitted on 11 Nov 2026: nothing is recorded for the "
            "episode on 9 Nov 2026, before admission."
        ]
    }
    assert not Attendance.objects.exists()
