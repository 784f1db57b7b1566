"""A signature covers the attendance a note stated (CLINICAL.md "Signatures"): attendance changed
under a signed note without a correction, or a correction altered after it was recorded, is
named by `verify_signatures` and shown as not intact; the note in the API lists its corrections
(a care-team clinician only their own patient's); and the one canonical hash keeps the hashes
already stored for notes, addenda, corrections and plans."""

import importlib
from datetime import UTC, date, datetime
from types import SimpleNamespace as NS

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from plans.models import SafetyPlan
from plans.signatures import plan_hash, safety_plan_hash
from sessions import services as ss
from sessions.hashing import addendum_hash
from sessions.models import Attendance, AttendanceCorrection, NoteEntry, ProgressNote
from tests.sessions.helpers import MON_9, at

SHARED = {"data": "TIPP practised.", "assessment": "Engaged.", "plan": "Practise TIPP daily."}
REASON = "She was there: marked absent by mistake."


def verify(capsys):
    """`manage.py verify_signatures`: (exit status, printed lines)."""
    try:
        call_command("verify_signatures")
        status = 0
    except CommandError as error:
        status = 1
        print(error)
    return status, capsys.readouterr().out.strip().splitlines()


@pytest.fixture
def signed(monday, enroll, clinician, clock):
    """Mon 9 Nov's 180-minute group, its note signed by Casey Morgan at 13:00: Ames present,
    Brook absent (unexcused)."""
    ames, brook = monday.episode, enroll(last_name="Brook")
    ss.attendance_mark(session=monday.session, episode=ames, status="present", user=clinician)
    ss.attendance_mark(
        session=monday.session, episode=brook, status="absent_unexcused", user=clinician
    )
    clock.move_to(at(MON_9, 13), tick=False)
    note = ss.note_start(session=monday.session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=SHARED,
        entries={ames.patient_id: {"text": "Named TIPP as her plan.", "risk_level": "none"}},
    )
    note = ss.note_sign(note=note, user=clinician)
    return NS(session=monday.session, ames=ames, brook=brook, note=note)


def correct(signed, user):
    return ss.attendance_correct(
        session=signed.session, episode=signed.brook, status="present", reason=REASON, user=user
    )


def intact(note):
    return ss.note_is_intact(ProgressNote.objects.get(pk=note.pk))


# --- attendance under a signed note -----------------------------------------------------------


def test_the_signed_note_keeps_the_attendance_it_stated(signed, capsys):
    note = ProgressNote.objects.get(pk=signed.note.pk)
    assert note.signed_attendance == {
        str(signed.ames.patient_id): ["present", 180],
        str(signed.brook.patient_id): ["absent_unexcused", 0],
    }
    assert intact(note)
    assert verify(capsys)[0] == 0


def test_attendance_edited_without_a_correction_is_named(signed, api_client, clinician, capsys):
    Attendance.objects.filter(episode=signed.ames).update(minutes_attended=10, status="late")
    assert not intact(signed.note)
    status, lines = verify(capsys)
    assert status == 1
    assert lines[0] == (
        f"progress note {signed.note.pk}: patient {signed.ames.patient_id}; signed by Casey "
        "Morgan at 2026-11-09 13:00: the attendance recorded now (late, 10 min) is not what the "
        "note stated when signed, with its corrections (present, 180 min)."
    )
    assert lines[1].startswith("1 signature mismatch")
    api_client.force_authenticate(clinician)
    data = api_client.get(reverse("note-detail", args=[signed.note.pk])).json()
    assert data["intact"] is False


def test_a_correction_is_applied_and_an_edit_after_it_is_named(signed, clinician, capsys):
    correction = correct(signed, clinician)
    assert correction.hash_version == AttendanceCorrection.CHAINED
    assert intact(signed.note)
    assert verify(capsys) == (
        0,
        [
            "Every signature matches its content: checked 1 progress notes, 0 addenda, "
            "1 attendance corrections, 0 treatment plans, 0 safety plans, 0 discharge summaries, "
            "0 medication reconciliations."
        ],
    )
    Attendance.objects.filter(episode=signed.brook).update(status="absent_unexcused")
    assert not intact(signed.note)
    status, lines = verify(capsys)
    assert lines[0].endswith(
        "the attendance recorded now (absent unexcused, 180 min) is not what the note stated "
        "when signed, with its corrections (present, 180 min)."
    )
    assert f"patient {signed.brook.patient_id};" in lines[0]


def test_a_tampered_correction_is_named(signed, clinician, capsys):
    correction = correct(signed, clinician)
    AttendanceCorrection.objects.update(reason="Tampered", after_minutes=5)
    assert not intact(signed.note)
    status, lines = verify(capsys)
    assert status == 1
    assert lines[0] == (
        f"attendance correction {correction.pk}: patient {signed.brook.patient_id}; signed by "
        f"Casey Morgan at 2026-11-09 13:00: the correction to progress note {signed.note.pk} "
        "does not match its hash."
    )
    # Its "after" no longer matches the attendance either.
    assert "(present, 180 min) is not what the note stated" in lines[1]
    assert lines[2].startswith("2 signature mismatches")


def test_a_correction_is_chained_to_the_notes_hash(signed, clinician):
    correction = AttendanceCorrection.objects.get(pk=correct(signed, clinician).pk)
    assert correction.compute_hash() == correction.content_hash
    assert correction.compute_hash(note_hash="0" * 64) != correction.content_hash


def test_notes_and_corrections_hashed_before_still_verify(signed, clinician, capsys):
    """A note signed before its hash covered attendance keeps its hash (no attendance in it);
    a correction hashed before chaining keeps its own. Only corrected attendance can be checked
    for such a note: it must be the last correction's "after"."""
    note = ProgressNote.objects.get(pk=signed.note.pk)
    note.signed_attendance = None
    old_hash = note.compute_hash(list(note.entries.all()))
    ProgressNote.objects.filter(pk=note.pk).update(signed_attendance=None, content_hash=old_hash)
    correction = correct(signed, clinician)
    correction.hash_version = 1
    AttendanceCorrection.objects.filter(pk=correction.pk).update(
        hash_version=1, content_hash=correction.compute_hash()
    )
    assert intact(note)
    assert verify(capsys)[0] == 0
    Attendance.objects.filter(episode=signed.brook).update(minutes_attended=90)
    assert not intact(note)
    assert verify(capsys)[0] == 1


# --- the note in the API ----------------------------------------------------------------------


def test_the_api_note_lists_its_corrections(signed, api_client, clinician):
    correct(signed, clinician)
    api_client.force_authenticate(clinician)
    data = api_client.get(reverse("note-detail", args=[signed.note.pk])).json()
    [shown] = data["attendance_corrections"]
    assert shown["patient"] == signed.brook.patient_id
    assert shown["patient_name"] == signed.brook.patient.display_name
    assert (shown["before_status"], shown["before_minutes"]) == ("absent_unexcused", 0)
    assert (shown["after_status"], shown["after_minutes"]) == ("present", 180)
    assert shown["reason"] == REASON
    assert shown["corrected_by"]["display_name"] == "Casey Morgan"
    assert shown["corrected_at"].startswith("2026-11-09T13:00")
    assert data["intact"] is True


def test_a_care_team_clinician_sees_only_their_patients_corrections(
    api_client, enroll, make_episode, todays_session, clinician, clinician2
):
    arlo = enroll(make_episode(clinician=clinician2, last_name="Arlo"))
    beck = enroll(last_name="Beck")
    for episode in (arlo, beck):
        ss.attendance_mark(
            session=todays_session, episode=episode, status="present", user=clinician
        )
    note = ss.note_start(session=todays_session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=SHARED,
        entries={
            arlo.patient_id: {"text": "Paced breathing.", "risk_level": "none"},
            beck.patient_id: {"text": "Called her sponsor.", "risk_level": "none"},
        },
    )
    ss.note_sign(note=note, user=clinician)
    for episode, reason in ((arlo, "Arlo left at the break."), (beck, "Beck was not there.")):
        ss.attendance_correct(
            session=todays_session,
            episode=episode,
            status="absent_excused",
            reason=reason,
            user=clinician,
        )
    api_client.force_authenticate(clinician2)
    data = api_client.get(reverse("note-detail", args=[note.pk])).json()
    assert [(c["patient"], c["reason"]) for c in data["attendance_corrections"]] == [
        (arlo.patient_id, "Arlo left at the break.")
    ]
    api_client.force_authenticate(clinician)
    data = api_client.get(reverse("note-detail", args=[note.pk])).json()
    assert len(data["attendance_corrections"]) == 2


# --- one canonical hash, the same values ------------------------------------------------------


class Rel:
    def __init__(self, *items):
        self.items = items

    def order_by(self, *fields):
        return list(self.items)


AT = datetime(2026, 11, 9, 18, 0, tzinfo=UTC)


def plan_tree():
    intervention = NS(
        position=0, modality="CBT", description="Schlaf", frequency="weekly", responsible_id=2
    )
    objective = NS(
        position=0,
        lineage="00000000-0000-0000-0000-000000000001",
        description="Sleep ≥ 6h",
        target_date=date(2026, 12, 1),
        measure_instrument="PHQ-9",
        measure_target="<10",
        target_kind="",  # no other target: the hash is the one before such targets existed
        interventions=Rel(intervention),
    )
    goal = NS(
        position=0,
        client_words="Dormir",
        target_date=date(2026, 12, 31),
        status="active",
        objectives=Rel(objective),
    )
    problem = NS(position=0, description="Insomnia", diagnosis_code="G47.00", goals=Rel(goal))
    return NS(
        pk=9,
        episode_id=3,
        version=2,
        summary="Résumé",
        patient_ack_name="Ana Ames",
        problems=Rel(problem),
    )


SAFETY = {
    "pk": 6,
    "patient_id": 3,
    "version": 1,
    "patient_ack_name": "Ana",
    "warning_signs": "Insomnie",
}
ADDENDUM = NS(note_id=4, text="Ergänzung", author_id=2, created_at=AT)

# Computed with the code before the hashing was made one helper.
NOTE_HASH = "77c89d56664d3ab452cb4e7170b160298d8faf088eef9e0b2e10d6c3311aacd6"
ADDENDUM_HASH = "7faca89874b7606ddc9eba6d7a5f970a786b5f155cd6bc1d912c7ab1cfc4d0c5"
PLAN_HASH = "c9fa582de22c91140c757273fd95ee9f577db62460d46aefd9893558e0b10375"
SAFETY_HASH = "924bb9b2223410fc7be15f1da4b2668bbc79106de61b9b128321b80128bb4729"
CORRECTION_HASH = "07437b295e681e791e60200e659245f761bd595e896ca5303e040554024f6d76"


def test_hashes_of_fixed_content_are_unchanged():
    note = ProgressNote(
        session_id=7,
        format="DAP",
        shared={"data": "Grüße — TIPP", "assessment": "ok", "plan": "p"},
    )
    entries = [
        NoteEntry(patient_id=12, text="Naïve ✓", risk_level="low", objectives_addressed=[3, 1]),
        NoteEntry(patient_id=5, text="b", risk_level="none", objectives_addressed=[]),
    ]
    assert note.compute_hash(entries) == NOTE_HASH
    assert addendum_hash(ADDENDUM, "abc") == ADDENDUM_HASH
    assert plan_hash(plan_tree()) == PLAN_HASH
    assert safety_plan_hash(SafetyPlan(**SAFETY, coping_strategies="walk")) == SAFETY_HASH
    correction = AttendanceCorrection(
        attendance_id=11,
        before_status="absent_unexcused",
        after_status="present",
        after_minutes=180,
        reason="Était là — erreur",
        corrected_by_id=2,
        corrected_at=AT,
    )
    assert correction.compute_hash() == CORRECTION_HASH


def test_the_data_migrations_hash_with_their_own_frozen_copy():
    plans = importlib.import_module("plans.migrations.0004_hash_plans_signed_before")
    addenda = importlib.import_module("sessions.migrations.0006_hash_addenda_added_before")
    for module, function in ((plans, "plan_hash"), (plans, "safety_plan_hash")):
        assert getattr(module, function).__module__ == module.__name__
    assert addenda.addendum_hash.__module__ == addenda.__name__
    assert plans.plan_hash(plan_tree()) == PLAN_HASH
    assert plans.safety_plan_hash(SafetyPlan(**SAFETY, coping_strategies="walk")) == SAFETY_HASH
    assert addenda.addendum_hash(ADDENDUM, "abc") == ADDENDUM_HASH
