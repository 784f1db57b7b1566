"""Progress notes: a part per attendee, cloned parts refused, the risk re-check, signing and
locking, progress entries, addenda, stale copies, co-signature and the audit trail."""

import re
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Alert
from plans import services as plan_services
from plans.models import Objective, ProgressEntry
from sessions import services as ss
from sessions.models import (
    Addendum,
    NoteEntry,
    ProgressNote,
    SignedNoteError,
    StaleNoteError,
    TherapySession,
)
from tests.sessions.helpers import MON_9, NY, at, book

# --- progress notes ---------------------------------------------------------------------------

SHARED = {
    "data": "Group practised the TIPP distress-tolerance skill; role-plays in pairs.",
    "assessment": "Most members could name a skill to use before the weekend.",
    "plan": "Practise TIPP daily; review diary cards on Wednesday.",
}


@pytest.fixture
def attended(monday, enroll, clinician, clock):
    """Mon 9 Nov's group at 13:00: Ames present, Brook late, Cole left early, Dunn absent."""
    people = {"ames": monday.episode}
    for name in ("Brook", "Cole", "Dunn"):
        people[name.lower()] = enroll(last_name=name)
    clock.move_to(at(MON_9, 13), tick=False)
    for name, status in (
        ("ames", "present"),
        ("brook", "late"),
        ("cole", "left_early"),
        ("dunn", "absent_unexcused"),
    ):
        ss.attendance_mark(
            session=monday.session, episode=people[name], status=status, user=clinician
        )
    monday.session.refresh_from_db()
    return SimpleNamespace(session=monday.session, **people)


def texts_for(a, risk="none", overrides=None):
    """Each attendee's individualized part, all different, with a risk re-check; `overrides`
    maps patient id to other text."""
    texts = {
        a.ames.patient_id: "Named TIPP as her plan for the weekend; tearful when discussing work.",
        a.brook.patient_id: "Arrived 15 min late; quiet; practised paced breathing with a peer.",
        a.cole.patient_id: "Left at 11:30 for a medical appointment; shared a win with sleep.",
    }
    texts.update(overrides or {})
    return {pid: {"text": text, "risk_level": risk} for pid, text in texts.items()}


def write(note, user, attended_, overrides=None):
    entries = texts_for(attended_, overrides=overrides)
    return ss.note_save(note=note, user=user, shared=SHARED, entries=entries)


def test_note_start_makes_a_part_for_each_attendee_not_absentees(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    assert (note.format, note.status, note.author) == ("DAP", "draft", clinician)
    assert set(note.entries.values_list("patient_id", flat=True)) == {
        attended.ames.patient_id,
        attended.brook.patient_id,
        attended.cole.patient_id,
    }
    # Starting again returns the same note and adds no duplicate parts.
    assert ss.note_start(session=attended.session, user=clinician).pk == note.pk
    assert NoteEntry.objects.filter(note=note).count() == 3


def test_a_late_attendance_mark_joins_the_note_on_the_next_start(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    ss.attendance_mark(
        session=attended.session, episode=attended.dunn, status="late", user=clinician
    )
    ss.note_start(session=attended.session, user=clinician)
    assert note.entries.count() == 4


def test_a_part_follows_an_attendance_correction_to_absent(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    # Cole was marked "left early" by mistake: she never came.
    ss.attendance_mark(
        session=attended.session, episode=attended.cole, status="absent_excused", user=clinician
    )
    entries = texts_for(attended)
    del entries[attended.cole.patient_id]
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    note = ss.note_sign(note=note, user=clinician)
    assert note.status == "signed"
    assert set(note.entries.values_list("patient_id", flat=True)) == {
        attended.ames.patient_id,
        attended.brook.patient_id,
    }
    assert ss.note_is_intact(note)


def test_a_written_part_for_a_patient_now_absent_blocks_signing_and_is_kept(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    ss.attendance_mark(
        session=attended.session, episode=attended.cole, status="absent_unexcused", user=clinician
    )
    ss.note_start(session=attended.session, user=clinician)  # the page reloads
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["attendance"][0]
    assert attended.cole.patient.display_name in message
    assert attended.ames.patient.display_name not in message
    kept = NoteEntry.objects.get(note=note, patient=attended.cole.patient)
    assert kept.text.startswith("Left at 11:30")
    # Marked back as attending, the note signs with her part.
    ss.attendance_mark(
        session=attended.session, episode=attended.cole, status="left_early", user=clinician
    )
    assert ss.note_sign(note=note, user=clinician).status == "signed"
    assert note.entries.count() == 3


def test_only_clinical_staff_start_notes_and_not_for_cancelled_sessions(
    attended, intake, clinician, clock, episode
):
    with pytest.raises(ValidationError):
        ss.note_start(session=attended.session, user=intake)
    clock.move_to(at(MON_9, 13), tick=False)
    later = book(clinician, starts_at=at(MON_9, 15), episode=episode)
    later = ss.session_cancel(session=later, user=clinician, reason="Holiday")
    with pytest.raises(ValidationError) as exc:
        ss.note_start(session=later, user=clinician)
    assert "cancelled" in exc.value.messages[0]


def test_signing_needs_every_shared_section(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    ss.note_save(
        note=note, user=clinician, shared={**SHARED, "plan": "  "}, entries=texts_for(attended)
    )
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    assert exc.value.message_dict["shared"] == ["Write these sections: Plan."]
    note.refresh_from_db()
    assert note.status == "draft"


def test_a_soap_note_needs_the_soap_sections(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician, format="SOAP")
    write(note, clinician, attended)  # DAP keys: Assessment and Plan are SOAP sections too
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    assert exc.value.message_dict["shared"] == ["Write these sections: Subjective, Objective."]


def test_signing_needs_each_individualized_part(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended, {attended.brook.patient_id: "   "})
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["entries"][0]
    assert message.startswith("Write the individualized part for:")
    assert attended.brook.patient.display_name in message
    assert attended.ames.patient.display_name not in message


@pytest.mark.parametrize(
    "clone",
    [
        "Engaged well; practised TIPP with a peer.",
        "  engaged WELL;   practised tipp with a PEER.\n",
    ],
)
def test_identical_individualized_parts_are_refused_as_a_cloned_note(attended, clinician, clone):
    note = ss.note_start(session=attended.session, user=clinician)
    write(
        note,
        clinician,
        attended,
        {
            attended.ames.patient_id: "Engaged well; practised TIPP with a peer.",
            attended.cole.patient_id: clone,
        },
    )
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["entries"][0]
    assert "identical" in message
    assert "cloned" in message
    note.refresh_from_db()
    assert (note.status, note.content_hash) == ("draft", "")


def test_signing_needs_a_risk_recheck_for_each_attendee(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    entries = texts_for(attended)
    entries[attended.cole.patient_id]["risk_level"] = ""
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["risk"][0]
    assert attended.cole.patient.display_name in message
    assert attended.ames.patient.display_name not in message


def test_a_note_with_no_attendees_cannot_be_signed(monday, clinician):
    ss.attendance_mark(
        session=monday.session, episode=monday.episode, status="absent_excused", user=clinician
    )
    note = ss.note_start(session=monday.session, user=clinician)
    ss.note_save(note=note, user=clinician, shared=SHARED)
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    assert "Take attendance first" in exc.value.message_dict["entries"][0]


def test_a_signed_note_is_locked_with_an_intact_hash(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    note = ss.note_sign(note=note, user=clinician)
    note.refresh_from_db()
    assert note.status == "signed"
    assert (note.signed_by, note.signed_at) == (clinician, at(MON_9, 13))
    assert re.fullmatch(r"[0-9a-f]{64}", note.content_hash)
    assert ss.note_is_intact(note) is True
    # A change behind the app's back (raw SQL, a restored backup) breaks the seal.
    NoteEntry.objects.filter(note=note, patient=attended.ames.patient).update(text="Altered.")
    assert ss.note_is_intact(note) is False


def test_a_signed_note_refuses_every_change(attended, clinician, supervisor):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    ss.note_sign(note=note, user=clinician)
    with pytest.raises(SignedNoteError):
        ss.note_save(note=note, user=clinician, shared={**SHARED, "plan": "Changed."})
    with pytest.raises(SignedNoteError):
        ss.note_sign(note=note, user=clinician)
    with pytest.raises(SignedNoteError):
        write(note, supervisor, attended)
    note.refresh_from_db()
    assert note.shared["plan"] == SHARED["plan"]
    assert ss.note_is_intact(note)
    # note_start on a signed note adds no parts for an attendee corrected to late.
    ss.attendance_correct(
        session=attended.session,
        episode=attended.dunn,
        status="late",
        reason="Arrived late; marked absent by mistake.",
        user=clinician,
    )
    ss.note_start(session=attended.session, user=clinician)
    assert note.entries.count() == 3


def test_objectives_addressed_become_progress_entries_when_signed(attended, clinician, make_plan):
    plan = make_plan(attended.ames)
    plan_services.plan_activate(plan=plan, user=clinician, patient_ack_name="Pat")
    objective = Objective.objects.get(goal__problem__plan=plan)
    brook_plan = make_plan(attended.brook)
    plan_services.plan_activate(plan=brook_plan, user=clinician, patient_ack_name="Pat")
    brook_objective = Objective.objects.get(goal__problem__plan=brook_plan)
    note = ss.note_start(session=attended.session, user=clinician)
    entries = texts_for(attended)
    entries[attended.ames.patient_id].update(objectives=[objective.pk], ratings={objective.pk: 3})
    entries[attended.brook.patient_id].update(objectives=[brook_objective.pk])  # no rating
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    assert not ProgressEntry.objects.exists()  # a draft records nothing yet

    ss.note_sign(note=note, user=clinician)

    ames_entry = ProgressEntry.objects.get(objective=objective)
    assert ames_entry.session_ref == attended.session.pk
    assert ames_entry.rating == 3
    assert ames_entry.patient_id == attended.ames.patient_id
    assert ames_entry.recorded_by == clinician
    assert "09 Nov 2026" in ames_entry.note
    assert ProgressEntry.objects.get(objective=brook_objective).rating == 2  # "some progress"
    assert ProgressEntry.objects.count() == 2


def test_an_objective_outside_the_patients_active_plan_is_refused(attended, clinician, make_plan):
    draft = make_plan(attended.ames)  # never activated
    drafted = Objective.objects.get(goal__problem__plan=draft)
    other = make_plan(attended.brook)
    plan_services.plan_activate(plan=other, user=clinician, patient_ack_name="Pat")
    brooks = Objective.objects.get(goal__problem__plan=other)
    note = ss.note_start(session=attended.session, user=clinician)
    for objective in (drafted, brooks):
        entries = texts_for(attended)
        entries[attended.ames.patient_id]["objectives"] = [objective.pk]
        with pytest.raises(ValidationError) as exc:
            ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
        assert "active plan" in exc.value.message_dict["entries"][0]
    ames = NoteEntry.objects.get(note=note, patient=attended.ames.patient)
    assert ames.objectives_addressed == []


@pytest.mark.parametrize(
    ("level", "alerts"), [("none", 0), ("low", 0), ("moderate", 1), ("high", 1)]
)
def test_a_moderate_or_high_risk_recheck_raises_a_risk_alert(attended, clinician, level, alerts):
    note = ss.note_start(session=attended.session, user=clinician)
    entries = texts_for(attended)
    entries[attended.cole.patient_id].update(risk_level=level, risk_notes="Passive SI this week.")
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    assert not Alert.objects.filter(kind="risk").exists()
    ss.note_sign(note=note, user=clinician)
    risk = Alert.objects.filter(kind="risk", status="open")
    assert risk.count() == alerts
    if alerts:
        alert = risk.get()
        assert alert.patient_id == attended.cole.patient_id
        assert alert.risk_level == level
        assert alert.detail == "Passive SI this week."


def test_addenda_only_on_a_signed_note_and_never_blank(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    with pytest.raises(ValidationError) as exc:
        ss.addendum_add(note=note, text="Late entry.", user=clinician)
    assert "still a draft" in exc.value.messages[0]
    note = ss.note_sign(note=note, user=clinician)
    with pytest.raises(ValidationError) as exc:
        ss.addendum_add(note=note, text="  \n ", user=clinician)
    assert "text" in exc.value.message_dict
    addendum = ss.addendum_add(note=note, text="  Called Ms Cole's GP as agreed.  ", user=clinician)
    assert (addendum.text, addendum.author) == ("Called Ms Cole's GP as agreed.", clinician)
    assert list(Addendum.objects.filter(note=note)) == [addendum]
    assert ss.note_is_intact(note)  # an addendum does not touch the signed content


def test_a_stale_copy_is_refused(attended, clinician, clinician2):
    note = ss.note_start(session=attended.session, user=clinician)
    assert note.revision == 0
    saved = ss.note_save(note=note, user=clinician, shared=SHARED, revision=0)
    assert saved.revision == 1
    with pytest.raises(StaleNoteError):
        ss.note_save(
            note=note,
            user=clinician,
            revision=0,
            shared={**SHARED, "plan": "Overwrites the other edit."},
        )
    saved.refresh_from_db()
    assert saved.shared["plan"] == SHARED["plan"]
    ss.note_save(note=note, user=clinician, entries=texts_for(attended), revision=1)
    with pytest.raises(StaleNoteError):
        ss.note_sign(note=note, user=clinician, revision=1)
    assert ss.note_sign(note=note, user=clinician, revision=2).status == "signed"


def test_only_the_author_signs(attended, clinician, clinician2, supervisor):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    for other in (clinician2, supervisor):  # a supervisor co-signs, never signs another's note
        with pytest.raises(ValidationError) as exc:
            ss.note_sign(note=note, user=other)
        assert "author" in exc.value.messages[0]
    signed = ss.note_sign(note=note, user=clinician)
    assert (signed.status, signed.signed_by) == ("signed", clinician)


def test_an_individual_session_note(clock, episode, clinician):
    session = book(clinician, starts_at=at(MON_9, 14), episode=episode, minutes=53)
    clock.move_to(at(MON_9, 15), tick=False)
    ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    note = ss.note_start(session=session, user=clinician, format="BIRP")
    ss.note_save(
        note=note,
        user=clinician,
        shared={
            "behavior": "Calm, on time.",
            "intervention": "Behavioural activation plan.",
            "response": "Chose two activities.",
            "plan": "Review Thursday.",
        },
        entries={episode.patient_id: {"text": "Reports sleeping 6 h.", "risk_level": "low"}},
    )
    note = ss.note_sign(note=note, user=clinician)
    assert note.status == "signed"
    assert ss.note_is_intact(note)


# --- co-signature -----------------------------------------------------------------------------


def signed_by(user, attended_):
    note = ss.note_start(session=attended_.session, user=user)
    write(note, user, attended_)
    return ss.note_sign(note=note, user=user)


def test_a_trainees_note_waits_for_a_supervisors_cosignature(attended, clinician, supervisor):
    clinician.is_trainee = True
    clinician.save()
    note = signed_by(clinician, attended)
    note.refresh_from_db()
    assert note.status == "awaiting_cosign"
    assert note.is_locked
    assert ss.note_is_intact(note)
    with pytest.raises(SignedNoteError):
        write(note, clinician, attended)

    cosigned = ss.note_cosign(note=note, user=supervisor)
    cosigned.refresh_from_db()
    assert cosigned.status == "signed"
    assert cosigned.cosigned_by == supervisor
    assert cosigned.cosigned_at == at(MON_9, 13)
    assert cosigned.signed_by == clinician


def test_a_clinician_cannot_cosign(attended, clinician, clinician2):
    clinician.is_trainee = True
    clinician.save()
    note = signed_by(clinician, attended)
    for user in (clinician2, clinician):
        with pytest.raises(ValidationError) as exc:
            ss.note_cosign(note=note, user=user)
        assert "supervisor" in exc.value.messages[0]
    note.refresh_from_db()
    assert (note.status, note.cosigned_by) == ("awaiting_cosign", None)


def test_cosigning_a_note_not_awaiting_it_is_refused(attended, clinician, supervisor):
    note = ss.note_start(session=attended.session, user=clinician)
    with pytest.raises(ValidationError) as exc:
        ss.note_cosign(note=note, user=supervisor)  # still a draft
    assert "not waiting for a co-signature" in exc.value.messages[0]
    write(note, clinician, attended)
    ss.note_sign(note=note, user=clinician)  # not a trainee: signed outright
    with pytest.raises(ValidationError) as exc:
        ss.note_cosign(note=note, user=supervisor)
    assert "not waiting for a co-signature" in exc.value.messages[0]
    note.refresh_from_db()
    assert note.cosigned_by is None


# --- the audit trail --------------------------------------------------------------------------


def test_signing_writes_an_update_event_per_attendee(attended, clinician):
    note = signed_by(clinician, attended)
    events = AuditEvent.objects.filter(action="update", detail="signed")
    assert sorted(events.values_list("patient_id", flat=True)) == sorted(
        [attended.ames.patient_id, attended.brook.patient_id, attended.cole.patient_id]
    )
    for event in events:
        assert event.user == clinician
        assert event.object_type == "therapy_sessions.progressnote"
        assert event.object_id == str(note.pk)
        assert event.outcome == "success"
    assert not events.filter(patient_id=attended.dunn.patient_id).exists()


def test_attendance_marks_are_audited(attended, clinician):
    marks = AuditEvent.objects.filter(object_type="therapy_sessions.attendance")
    assert sorted(marks.values_list("patient_id", "detail")) == sorted(
        [
            (attended.ames.patient_id, "present, 180 min"),
            (attended.brook.patient_id, "late, 165 min"),
            (attended.cole.patient_id, "left_early, 150 min"),
            (attended.dunn.patient_id, "absent_unexcused, 0 min"),
        ]
    )
    assert set(marks.values_list("action", flat=True)) == {"create"}


# --- two attendees: progress entries, risk, the admin, the plan review ---------------------------


@pytest.fixture
def ames_and_bell(group, make_episode, clinician, time_machine):
    time_machine.move_to(datetime(2026, 11, 18, 13, tzinfo=NY), tick=False)
    people = [make_episode(clinician=clinician, last_name=n) for n in ("Ames", "Bell")]
    for e in people:
        ss.group_enroll(group=group, episode=e, user=clinician, start_date=date(2026, 11, 18))
    ss.group_schedule_generate(start=date(2026, 11, 18), weeks=1)
    session = TherapySession.objects.get(starts_at__date=date(2026, 11, 18))
    for e in people:
        ss.attendance_mark(session=session, episode=e, status="present", user=clinician)
    return session, people


BRIEF_SHARED = {"data": "Sleep skills.", "assessment": "Engaged.", "plan": "Practise nightly."}


def test_a_signed_note_records_progress_and_raises_a_risk_alert(
    ames_and_bell, clinician, make_plan
):
    session, (ames, bell) = ames_and_bell
    plan = plan_services.plan_activate(
        plan=make_plan(ames), user=clinician, patient_ack_name="Ames"
    )
    objective = plan.problems.get().goals.get().objectives.get()
    note = ss.note_start(session=session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=BRIEF_SHARED,
        entries={
            ames.patient_id: {
                "text": "Ames tried the routine.",
                "objectives": [objective.pk],
                "ratings": {objective.pk: 3},
                "risk_level": "none",
            },
            bell.patient_id: {
                "text": "Bell listened.",
                "risk_level": "moderate",
                "risk_notes": "Passive thoughts this week.",
            },
        },
    )
    ss.note_sign(note=note, user=clinician)
    entry = ProgressEntry.objects.get()
    assert (entry.objective, entry.rating, entry.session_ref) == (objective, 3, session.pk)
    from patients.models import Alert

    alert = Alert.objects.get(kind="risk")
    assert (alert.patient, alert.risk_level) == (bell.patient, "moderate")


def test_an_objective_from_another_patients_plan_is_refused(ames_and_bell, clinician, make_plan):
    session, (ames, bell) = ames_and_bell
    plan = plan_services.plan_activate(
        plan=make_plan(ames), user=clinician, patient_ack_name="Ames"
    )
    objective = plan.problems.get().goals.get().objectives.get()
    note = ss.note_start(session=session, user=clinician)
    with pytest.raises(Exception, match="not in"):
        ss.note_save(
            note=note, user=clinician, entries={bell.patient_id: {"objectives": [objective.pk]}}
        )


def test_a_signed_note_is_refused_in_the_admin(ames_and_bell, clinician, client, superuser):
    session, people = ames_and_bell
    note = ss.note_start(session=session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=BRIEF_SHARED,
        entries={
            e.patient_id: {"text": text, "risk_level": "none"}
            for e, text in zip(
                people, ("Present; quiet until the role-play.", "Led the check-in."), strict=True
            )
        },
    )
    ss.note_sign(note=note, user=clinician)
    signed_hash = ProgressNote.objects.get().content_hash
    client.force_login(superuser)
    change = reverse("admin:therapy_sessions_progressnote_change", args=[note.pk])
    page = client.get(change)
    assert page.status_code == 200
    client.post(change, {"format": "SOAP"})
    note.refresh_from_db()
    assert (note.format, note.content_hash) == ("DAP", signed_hash)
    assert ss.note_is_intact(note)


def test_a_plan_review_is_prefilled_with_attendance_and_hours(
    ames_and_bell, clinician, make_plan, client
):
    from plans import services as plan_services_

    session, (ames, _) = ames_and_bell
    plan = plan_services_.plan_activate(
        plan=make_plan(ames), user=clinician, patient_ack_name="Ames"
    )
    review = plan_services_.review_open(plan=plan, user=clinician)
    attendance = review.prefill["attendance"]
    assert (attendance["sessions"], attendance["attended"]) == (1, 1)
    assert attendance["weeks"][-1]["hours"] == "3.0"
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[review.pk])).content.decode()
    assert "Attended 1 of 1 sessions" in html
