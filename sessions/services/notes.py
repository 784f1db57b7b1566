"""Progress notes: start, save, sign, co-sign, addenda.

A signed note is never changed (SignedNoteError, 409 in the API); a note saved from a stale copy
is refused (StaleNoteError).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients import services as patient_services
from patients.models import Alert
from patients.querysets import supervises
from plans import services as plan_services
from plans.models import DocumentStatus, Objective, TreatmentPlan
from sessions.models import (
    Addendum,
    Attendance,
    NoteEntry,
    ProgressNote,
    SignedNoteError,
    StaleNoteError,
    TherapySession,
)
from sessions.services.attendance import require_not_discharged
from sessions.services.clones import clone_messages, clones_by_patient
from sessions.services.scheduling import local
from sessions.signatures import attendance_state, note_mismatches

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
UNSET = object()
# The most psychotherapy time a visit note records (plausibility).
PSYCHOTHERAPY_LIMIT = 240
MED = ProgressNote.Format.MED
PRESCRIBER_ONLY = (
    "Only a prescriber (a clinician with a prescriber credential: psychiatrist, physician, NP "
    "or PA) writes and signs a medication-management visit note."
)
MED_FORMAT_ONLY = (
    "A medication-management visit's note uses the medication-management structure (target "
    "symptoms, adherence, side effects, changes made, plan); other sessions use SOAP, DAP or BIRP."
)


def _check_format(session, format):
    """A medication-management visit has the medication-management note, and only it does."""
    is_visit = session.kind == TherapySession.Kind.MED_MGMT
    if format not in ProgressNote.Format.values:
        raise ValidationError({"format": "Choose SOAP, DAP or BIRP."})
    if is_visit != (format == MED):
        raise ValidationError({"format": MED_FORMAT_ONLY})


def note_formats(session):
    """The note structures a session's note may take: a medication-management visit's own,
    or SOAP, DAP and BIRP."""
    if session.kind == TherapySession.Kind.MED_MGMT:
        return [MED]
    formats = ProgressNote.Format
    return [formats.DAP, formats.SOAP, formats.BIRP]


def require_note_writer(session, user):
    """A medication-management visit's note is a prescriber's; other notes a clinician's."""
    if not user.has_role(*Role.CLINICAL):
        raise ValidationError("Only clinicians write progress notes.")
    if session.kind == TherapySession.Kind.MED_MGMT and not user.is_prescriber:
        raise ValidationError(PRESCRIBER_ONLY)


def _check_psychotherapy(note, minutes):
    """Psychotherapy time of a visit note: whole minutes, at most the minutes attended."""
    if minutes is None:
        return
    if note.format != MED:
        raise ValidationError(
            {"psychotherapy_minutes": "Only a medication-management visit records psychotherapy."}
        )
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError({"psychotherapy_minutes": "Give whole minutes."})
    if not 0 <= minutes <= PSYCHOTHERAPY_LIMIT:
        raise ValidationError(
            {
                "psychotherapy_minutes": "Psychotherapy time is between 0 and "
                f"{PSYCHOTHERAPY_LIMIT} minutes."
            }
        )
    attended = max((r.minutes_attended for r in _attendees(note.session)), default=None)
    if attended is not None and minutes > attended:
        raise ValidationError(
            {
                "psychotherapy_minutes": f"Psychotherapy time ({minutes} min) is more than the "
                f"visit's {attended} minutes attended."
            }
        )


# The section a note's topic starts: what happened in the session.
TOPIC_SECTION = {"DAP": "data", "SOAP": "objective", "BIRP": "intervention"}


class NoteIncompleteError(ValidationError):
    """A signature refused until parts are written, also told part by part so a page shows
    each message beside what it is about: `parts`, {patient id: {"text" or "risk_level":
    [messages]}}, and `sections`, {shared section key: message}."""

    def __init__(self, errors, *, parts, sections):
        super().__init__(errors)
        self.parts = parts
        self.sections = sections


@transaction.atomic
def session_topic_set(*, session, topic, user, context=None):
    """Name what the session is about (a skills group's skill, a psychoeducation subject): the
    session's note starts from it."""
    if not user.has_role(*Role.CLINICAL):
        raise ValidationError("Only clinicians name a session's topic.")
    topic = " ".join((topic or "").split())
    if len(topic) > TherapySession.TOPIC_MAX:
        raise ValidationError(
            {"topic": f"Keep the topic to {TherapySession.TOPIC_MAX} characters ({len(topic)})."}
        )
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status == TherapySession.Status.CANCELLED:
        raise ValidationError({"topic": "The session was cancelled."})
    if topic != session.topic:
        session.topic = topic
        session.save(update_fields=["topic"])
        audit_change(UPDATE, session, user=user, context=context, detail=f"topic: {topic}")
    return session


def _attendees(session):
    return list(
        session.attendance.filter(status__in=Attendance.ATTENDED).select_related(
            "episode", "patient"
        )
    )


@transaction.atomic
def note_start(*, session, user, format=None, topic=None, context=None):
    """The session's note (created on first use) with a part for every patient who attended.
    `format` None: the medication-management structure for a medication-management visit,
    else DAP. With `topic`, the session's topic is named first; a new note's first section of
    what happened starts from the topic."""
    require_note_writer(session, user)
    note = ProgressNote.objects.filter(session=session).first()
    if note is None:
        if format is None:
            is_visit = session.kind == TherapySession.Kind.MED_MGMT
            format = MED if is_visit else ProgressNote.Format.DAP
        _check_format(session, format)
        if session.status == TherapySession.Status.CANCELLED:
            raise ValidationError("A cancelled session has no note.")
        if topic is not None:
            session.topic = session_topic_set(
                session=session, topic=topic, user=user, context=context
            ).topic
        shared = {}
        if session.topic and format in TOPIC_SECTION:
            what = "Group topic" if session.is_group else "Topic"
            shared[TOPIC_SECTION[format]] = f"{what}: {session.topic}."
        note = ProgressNote.objects.create(
            session=session, author=user, format=format, shared=shared
        )
        audit_change(CREATE, note, user=user, context=context)
    if not note.is_locked:
        records = _attendees(session)
        for record in records:
            require_not_discharged(session, record.episode)
        _drop_blank_absentees(note, {r.patient_id for r in records} | _without_patient(session))
        have = set(note.entries.values_list("patient_id", flat=True))
        for record in records:
            if record.patient_id not in have:
                NoteEntry.objects.create(note=note, episode=record.episode, patient=record.patient)
                have.add(record.patient_id)
        if _without_patient(session) and session.patient_id not in have:
            # Family therapy without the patient: the note is about them, with no attendance.
            require_not_discharged(session, session.episode)
            NoteEntry.objects.create(
                note=note, episode=session.episode, patient_id=session.patient_id
            )
    return note


def _without_patient(session):
    """{the patient} for family therapy without the patient (who needs no attendance)."""
    return {session.patient_id} if session.without_patient and session.episode_id else set()


def _drop_blank_absentees(note, attending):
    """A part for a patient whose attendance was corrected to absent: dropped while blank; once
    written it stays (nothing typed is lost) and note_sign refuses until it is cleared."""
    blank = Q(text="", risk_level="", risk_notes="", objectives_addressed=[])
    note.entries.exclude(patient_id__in=attending).filter(blank).delete()


def _lock_note(note, revision):
    note = ProgressNote.objects.select_for_update().get(pk=note.pk)
    if note.is_locked:
        raise SignedNoteError("This note is signed and cannot be changed; add an addendum.")
    if revision is not None and int(revision) != note.revision:
        raise StaleNoteError(
            f"This note was saved at {local(note.updated_at):%H:%M} after you opened it. Your "
            "text was not saved; it is kept below. Review the current note and save again."
        )
    return note


def _objectives_for(entry):
    plan = TreatmentPlan.objects.filter(
        episode_id=entry.episode_id, status=DocumentStatus.ACTIVE
    ).first()
    if plan is None:
        return {}
    return {o.pk: o for o in Objective.objects.filter(goal__problem__plan=plan)}


@transaction.atomic
def note_save(
    *,
    note,
    user,
    shared=None,
    entries=None,
    format=None,
    revision=None,
    psychotherapy_minutes=UNSET,
    context=None,
):
    """Save the draft. `entries` maps patient id to {text, objectives, ratings, risk_level,
    risk_notes}; a patient not in the note is refused. `psychotherapy_minutes` (a
    medication-management visit's; None clears it) is left as it was when not given."""
    note = _lock_note(note, revision)
    require_note_writer(note.session, user)
    errors = {}
    if format is not None:
        try:
            _check_format(note.session, format)
        except ValidationError as error:
            errors.update(error.message_dict)
        note.format = format
    if psychotherapy_minutes is not UNSET:
        try:
            _check_psychotherapy(note, psychotherapy_minutes)
        except ValidationError as error:
            errors.update(error.message_dict)
        note.psychotherapy_minutes = psychotherapy_minutes
    if shared is not None:
        keys = {k for k, _ in ProgressNote.SECTIONS.get(note.format, ())}
        note.shared = {k: (shared.get(k) or "").strip() for k in keys}
    by_patient = {e.patient_id: e for e in note.entries.all()}
    for patient_id, data in (entries or {}).items():
        entry = by_patient.get(int(patient_id))
        if entry is None:
            errors["entries"] = f"Patient {patient_id} did not attend this session."
            continue
        if "text" in data:
            entry.text = (data["text"] or "").strip()
        if "objectives" in data:
            allowed = _objectives_for(entry)
            chosen = [int(o) for o in data["objectives"] or []]
            bad = [o for o in chosen if o not in allowed]
            if bad:
                errors["entries"] = f"Objective {bad[0]} is not in {entry.patient}'s active plan."
            entry.objectives_addressed = chosen
        if "ratings" in data:
            entry.progress_ratings = {
                str(k): int(v) for k, v in (data["ratings"] or {}).items() if v not in (None, "")
            }
        if "risk_level" in data:
            if data["risk_level"] not in ("", *ProgressNote.Risk.values):
                errors["entries"] = "Choose a risk level."
            entry.risk_level = data["risk_level"] or ""
        if "risk_notes" in data:
            entry.risk_notes = (data["risk_notes"] or "").strip()
        entry.save()
    if errors:
        raise ValidationError(errors)
    note.revision += 1
    note.save()
    audit_change(UPDATE, note, user=user, context=context, patient_id=note.session.patient_id)
    return note


@transaction.atomic
def note_sign(*, note, user, revision=None, context=None):
    """Sign and lock, by the note's author only: every section and every attendee's
    individualized part written (not cloned), each with a risk re-check. Objectives addressed
    become progress entries; a moderate or high re-check raises a risk alert. A trainee's note
    waits for co-signature."""
    note = _lock_note(note, revision)
    if user.pk != note.author_id:
        raise ValidationError(
            f"Only the note's author, {note.author.display_name}, signs it. A supervisor "
            "co-signs a trainee's note once it is signed."
        )
    session = note.session
    require_note_writer(session, user)
    _check_psychotherapy(note, note.psychotherapy_minutes)
    attending = {r.patient_id for r in _attendees(session)} | _without_patient(session)
    _drop_blank_absentees(note, attending)
    entries = list(note.entries.select_related("patient", "episode"))
    for entry in entries:
        require_not_discharged(session, entry.episode)
    errors = {}
    parts = {e.patient_id: {} for e in entries}
    absent = [e for e in entries if e.patient_id not in attending]
    if absent:
        errors["attendance"] = (
            "Not marked as attending, but with a part in this note: "
            f"{', '.join(e.patient.display_name for e in absent)}. "
            "Correct the attendance, or clear their part."
        )
        for e in absent:
            parts[e.patient_id]["text"] = [
                "Not marked as attending: correct the attendance, or clear this part."
            ]
    sections = {
        key: f"Write the {label.lower()} section."
        for key, label in note.sections()
        if not note.shared.get(key, "").strip()
    }
    if sections:
        missing = [label for key, label in note.sections() if key in sections]
        errors["shared"] = "Write these sections: " + ", ".join(missing) + "."
    if not entries:
        errors["entries"] = "Take attendance first: no one attended this session."
    blank = [e for e in entries if not e.text.strip()]
    if blank:
        names = ", ".join(e.patient.display_name for e in blank)
        errors["entries"] = "Write the individualized part for: " + names + "."
        for e in blank:
            parts[e.patient_id].setdefault("text", []).append("Write this attendee's part.")
    clones = clone_messages(entries)
    if clones and "entries" not in errors:
        errors["entries"] = clones
    for patient_id, alike in clones_by_patient(entries).items():
        parts[patient_id].setdefault("text", []).extend(alike)
    no_risk = [e for e in entries if not e.risk_level]
    if no_risk:
        names = ", ".join(e.patient.display_name for e in no_risk)
        errors["risk"] = "Record the risk re-check for: " + names + "."
        for e in no_risk:
            parts[e.patient_id]["risk_level"] = ["Record the risk re-check."]
    if errors:
        parts = {patient_id: fields for patient_id, fields in parts.items() if fields}
        raise NoteIncompleteError(errors, parts=parts, sections=sections)
    now = timezone.now()
    for entry in entries:
        objectives = _objectives_for(entry)
        for objective_id in entry.objectives_addressed:
            objective = objectives.get(objective_id)
            if objective is None:
                raise ValidationError(
                    {
                        "entries": f"An objective for {entry.patient} is no "
                        "longer in the active plan."
                    }
                )
            rating = entry.progress_ratings.get(str(objective_id), 2)
            plan_services.progress_record(
                objective=objective,
                rating=rating,
                user=user,
                session_ref=session.pk,
                note=f"From the {session.get_kind_display().lower()} session of "
                f"{local(session.starts_at):%d %b %Y}.",
                recorded_at=now,
                context=context,
            )
        if entry.risk_level in (ProgressNote.Risk.MODERATE, ProgressNote.Risk.HIGH):
            patient_services.alert_raise(
                patient=entry.patient,
                episode=entry.episode,
                kind=Alert.Kind.RISK,
                title=f"Risk re-check in session: {entry.risk_level}",
                detail=entry.risk_notes or "Raised from a progress note's risk re-check.",
                priority=Alert.Priority.URGENT,
                risk_level=entry.risk_level,
                dedupe_key=f"risk:note:{note.pk}:{entry.patient_id}",
                user=user,
                context=context,
                action_url=note.get_absolute_url(),
            )
    note.signed_by, note.signed_at = user, now
    note.status = (
        ProgressNote.Status.AWAITING_COSIGN
        if note.author.is_trainee
        else ProgressNote.Status.SIGNED
    )
    note.signed_attendance = attendance_state(Attendance.objects.filter(session=session))
    note.content_hash = note.compute_hash(entries)
    note.save()
    for entry in entries:
        audit_change(
            UPDATE, note, user=user, context=context, patient_id=entry.patient_id, detail="signed"
        )
    return note


@transaction.atomic
def note_cosign(*, note, user, context=None):
    if not user.has_role(Role.SUPERVISOR):
        raise ValidationError("Only a supervisor co-signs a trainee's note.")
    note = ProgressNote.objects.select_for_update().get(pk=note.pk)
    if not supervises(user, note.session.owning_program_id):
        raise ValidationError(
            "Only a supervisor of the session's program co-signs its notes (or a clinical "
            "director)."
        )
    if note.status != ProgressNote.Status.AWAITING_COSIGN:
        raise ValidationError("This note is not waiting for a co-signature.")
    if user.pk in (note.author_id, note.signed_by_id):
        raise ValidationError(
            "You wrote or signed this note: another supervisor co-signs it (the co-signer is "
            "never the author or the signer)."
        )
    note.status = ProgressNote.Status.SIGNED
    note.cosigned_by, note.cosigned_at = user, timezone.now()
    note.save()
    audit_change(
        UPDATE,
        note,
        user=user,
        context=context,
        patient_id=note.session.patient_id,
        detail="co-signed",
    )
    return note


@transaction.atomic
def addendum_add(*, note, text, user, context=None):
    if not note.is_locked:
        raise ValidationError("The note is still a draft: edit it instead of adding an addendum.")
    if not (text or "").strip():
        raise ValidationError({"text": "Write the addendum."})
    addendum = Addendum(note=note, text=text.strip(), author=user, created_at=timezone.now())
    addendum.content_hash = addendum.compute_hash()
    addendum.save()
    audit_change(CREATE, addendum, user=user, context=context, patient_id=note.session.patient_id)
    return addendum


def note_is_intact(note, records=None):
    """Whether a signed note, and each of its addenda, still matches the hash taken when it was
    signed (or added), with its attendance corrections and the attendance it stated: the same
    checks as `manage.py verify_signatures`. `records`: see `note_mismatches`."""
    if note_mismatches(note, records=records):
        return False
    return all(a.content_hash == a.compute_hash() for a in note.addenda.all())
