"""Every write to groups, sessions, attendance and notes; the hours ledger; billing codes.

Keyword-only, atomic, validating, audited. A signed note is never changed (SignedNoteError,
409 in the API); a note saved from a stale copy is refused (StaleNoteError).
"""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.context import AuditContext
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients import services as patient_services
from patients.models import Alert, Episode
from plans import services as plan_services
from plans.models import Objective, TreatmentPlan
from sessions.models import (
    Addendum,
    Attendance,
    FamilyMember,
    GroupEnrollment,
    NoteEntry,
    ProgressNote,
    SignedNoteError,
    StaleNoteError,
    StepDown,
    TherapyGroup,
    TherapySession,
)

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
ACTIVE_SESSION = ~Q(status=TherapySession.Status.CANCELLED)


def _audit(action, obj, *, user, request=None, detail="", patient_id=None):
    audit_record(
        action=action,
        request=request,
        user=user,
        obj=obj,
        patient_id=patient_id if patient_id is not None else obj.audit_patient_id,
        detail=detail[:300],
    )


def _local(dt):
    return timezone.localtime(dt)


# --- groups and schedules --------------------------------------------------------------------


def week_start(day):
    return day - timedelta(days=day.weekday())


@transaction.atomic
def group_enroll(*, group, episode, user, start_date=None, request=None):
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("Only patients in an active episode join groups.")
    if episode.program_id != group.program_id:
        raise ValidationError(f"{group} belongs to another program.")
    open_count = group.enrollments.filter(end_date__isnull=True).count()
    if open_count >= group.capacity:
        raise ValidationError(f"{group} is full ({group.capacity} places).")
    try:
        with transaction.atomic():
            enrollment = GroupEnrollment.objects.create(
                group=group, episode=episode, start_date=start_date or timezone.localdate()
            )
    except IntegrityError:
        raise ValidationError(f"{episode.patient} is already in {group}.") from None
    _audit(CREATE, enrollment, user=user, request=request, detail=str(group))
    return enrollment


def group_slots(group, first_day, last_day):
    """The group's session start times between two dates, in local time (DST-aware)."""
    tz = timezone.get_current_timezone()
    day = first_day
    while day <= last_day:
        if day.weekday() in group.schedule_days:
            yield datetime.combine(day, group.start_time, tzinfo=tz)
        day += timedelta(days=1)


def group_schedule_generate(*, weeks=4, start=None, group=None, user=None):
    """Create each active group's sessions for the coming weeks. Never twice for a slot: the
    (group, start) unique constraint holds even when two runs race. Returns the count made."""
    first = start or timezone.localdate()
    last = first + timedelta(weeks=weeks) - timedelta(days=1)
    groups = [group] if group else TherapyGroup.objects.filter(is_active=True)
    created = 0
    for g in groups:
        facilitators = list(g.facilitators.all())
        existing = set(
            TherapySession.objects.filter(
                group=g, starts_at__date__gte=first - timedelta(1)
            ).values_list("starts_at", flat=True)
        )
        for starts_at in group_slots(g, first, last):
            if starts_at in existing:
                continue
            try:
                with transaction.atomic():
                    session = TherapySession.objects.create(
                        kind=TherapySession.Kind.GROUP,
                        group=g,
                        starts_at=starts_at,
                        duration_minutes=g.duration_minutes,
                        location=g.location,
                        delivery=g.delivery,
                        created_by=user,
                    )
                    session.clinicians.set(facilitators)
            except IntegrityError:
                continue  # another run made it first
            created += 1
    return created


# --- scheduling ------------------------------------------------------------------------------


def _check_clinicians_free(starts_at, duration, clinicians, exclude=None):
    ends_at = starts_at + timedelta(minutes=duration)
    for clinician in clinicians:
        clashes = TherapySession.objects.filter(
            ACTIVE_SESSION, clinicians=clinician, starts_at__lt=ends_at
        )
        if exclude is not None:
            clashes = clashes.exclude(pk=exclude.pk)
        for other in clashes.filter(starts_at__gte=starts_at - timedelta(hours=12)):
            if other.ends_at > starts_at:
                start, end = _local(other.starts_at), _local(other.ends_at)
                raise ValidationError(
                    {
                        "clinicians": (
                            f"{clinician.display_name} is already booked {start:%a %d %b %H:%M}–"
                            f"{end:%H:%M} ({other.get_kind_display().lower()})."
                        )
                    }
                )


@transaction.atomic
def session_schedule(
    *,
    kind,
    starts_at,
    duration_minutes,
    clinicians,
    user,
    episode=None,
    delivery=TherapySession.Delivery.IN_PERSON,
    location="",
    telehealth_link="",
    family_members=(),
    patient_present=None,
    request=None,
):
    """Book an individual, family, intake, medication or workshop session.

    Refuses a clinician who is already booked then, and a patient outside an active episode.
    """
    errors = {}
    if kind == TherapySession.Kind.GROUP:
        errors["kind"] = "Group sessions come from the group's schedule."
    if not clinicians:
        errors["clinicians"] = "Choose at least one clinician."
    if duration_minutes is None or not 5 <= duration_minutes <= 600:
        errors["duration_minutes"] = "Give a duration between 5 and 600 minutes."
    if kind != TherapySession.Kind.WORKSHOP:
        allowed = {Episode.Status.ACTIVE}
        if kind == TherapySession.Kind.INTAKE_EVAL:
            allowed.add(Episode.Status.INTAKE)
        if episode is None:
            errors["episode"] = "Choose the patient (their episode of care)."
        elif episode.status not in allowed:
            errors["episode"] = (
                f"{episode.patient.display_name} is not in an active episode "
                f"({episode.get_status_display().lower()}); admit them first."
            )
    if delivery == TherapySession.Delivery.TELEHEALTH and not telehealth_link:
        errors["telehealth_link"] = "Add the telehealth link."
    if errors:
        raise ValidationError(errors)
    _check_clinicians_free(starts_at, duration_minutes, clinicians)
    session = TherapySession.objects.create(
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        delivery=delivery,
        location=location,
        telehealth_link=telehealth_link,
        episode=episode,
        patient_id=episode.patient_id if episode else None,
        created_by=user,
        patient_present=patient_present if kind == TherapySession.Kind.FAMILY else None,
    )
    session.clinicians.set(clinicians)
    for member in family_members:
        FamilyMember.objects.create(session=session, **member)
    _audit(CREATE, session, user=user, request=request)
    _remind_soon(session)
    return session


def _remind_soon(session):
    """A session booked (or moved) inside a reminder lead time is reminded at once, not at the
    next beat. Enqueued only if the transaction commits."""
    from sessions.tasks import send_reminders

    if session.starts_at - timezone.now() <= timedelta(hours=48):
        send_reminders.delay_on_commit()


@transaction.atomic
def session_reschedule(*, session, starts_at, user, duration_minutes=None, request=None):
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status != TherapySession.Status.SCHEDULED:
        raise ValidationError("Only a scheduled session can be moved.")
    duration = duration_minutes or session.duration_minutes
    _check_clinicians_free(starts_at, duration, list(session.clinicians.all()), exclude=session)
    session.starts_at, session.duration_minutes = starts_at, duration
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise ValidationError("The group already meets at that time.") from None
    _audit(UPDATE, session, user=user, request=request, detail="rescheduled")
    _remind_soon(session)
    return session


@transaction.atomic
def session_cancel(*, session, user, request=None):
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status != TherapySession.Status.SCHEDULED:
        raise ValidationError("Only a scheduled session can be cancelled.")
    session.status = TherapySession.Status.CANCELLED
    session.save(update_fields=["status"])
    _audit(UPDATE, session, user=user, request=request, detail="cancelled")
    return session


# --- attendance and the hours ledger ----------------------------------------------------------


def session_roster(session):
    """The episodes expected at a session: a group's enrolled episodes on that day, or the
    session's own patient."""
    if session.is_group:
        day = _local(session.starts_at).date()
        enrollments = GroupEnrollment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            group_id=session.group_id,
            start_date__lte=day,
        ).select_related("episode__patient", "episode__program")
        episodes = [e.episode for e in enrollments]
        marked = {a.episode_id for a in session.attendance.all()}
        extra = Episode.objects.filter(pk__in=marked - {e.pk for e in episodes}).select_related(
            "patient", "program"
        )
        return sorted(
            [*episodes, *extra],
            key=lambda e: (e.patient.legal_last_name, e.patient.legal_first_name),
        )
    return [session.episode] if session.episode_id else []


def default_minutes(session, status):
    if status == Attendance.Status.PRESENT:
        return session.duration_minutes
    if status == Attendance.Status.LATE:
        return max(session.duration_minutes - 15, 0)
    if status == Attendance.Status.LEFT_EARLY:
        return max(session.duration_minutes - 30, 0)
    return 0


@transaction.atomic
def attendance_mark(*, session, episode, status, user, minutes=None, request=None):
    """Record (or correct) one patient's attendance; minutes default from the status."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if status not in Attendance.Status.values:
        raise ValidationError({"status": "Choose present, late, left early or absent."})
    if session.status == TherapySession.Status.CANCELLED:
        raise ValidationError("The session was cancelled.")
    if session.starts_at > timezone.now() + timedelta(minutes=30):
        raise ValidationError("Attendance is taken once the session has started.")
    if episode.pk not in {e.pk for e in session_roster(session)}:
        raise ValidationError({"episode": f"{episode.patient} is not on this session's roster."})
    if minutes is None:
        minutes = default_minutes(session, status)
    attended = status in Attendance.ATTENDED
    if not attended and minutes:
        raise ValidationError({"minutes": "An absence has no minutes attended."})
    if attended and not 0 < minutes <= session.duration_minutes:
        raise ValidationError(
            {"minutes": f"Minutes attended must be 1–{session.duration_minutes}."}
        )
    if status == Attendance.Status.PRESENT and minutes != session.duration_minutes:
        raise ValidationError(
            {"minutes": "Present means the whole session; mark late or left early for part of it."}
        )
    record, created = Attendance.objects.update_or_create(
        session=session,
        episode=episode,
        defaults={
            "patient_id": episode.patient_id,
            "status": status,
            "minutes_attended": minutes,
            "recorded_by": user,
            "recorded_at": timezone.now(),
        },
    )
    # A group met once anyone's attendance is taken; a one-patient session is a no-show when
    # its patient did not come.
    if session.is_group or attended:
        new_status = TherapySession.Status.COMPLETED
    else:
        new_status = TherapySession.Status.NO_SHOW
    if session.status != new_status:
        session.status = new_status
        session.save(update_fields=["status"])
    _audit(
        CREATE if created else UPDATE,
        record,
        user=user,
        request=request,
        detail=f"{status}, {minutes} min",
    )
    return record


@transaction.atomic
def step_down_record(*, episode, starts_on, ends_on, reason, user, request=None):
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = "The step-down ends before it starts."
    elif (ends_on - starts_on).days > 14:
        errors["ends_on"] = "A planned step-down lasts one to two weeks; change the level of care."
    if not reason.strip():
        errors["reason"] = "Say why the hours are planned below the minimum."
    if errors:
        raise ValidationError(errors)
    step = StepDown.objects.create(
        episode=episode,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        recorded_by=user,
    )
    _audit(CREATE, step, user=user, request=request)
    return step


def hours_ledger(episodes, *, weeks=8, today=None):
    """{episode id: [week rows, oldest first]} for the last `weeks` weeks including this one.

    A row: week start, minutes and hours attended, the program minimum, whether it is met,
    whether the week is a recorded step-down, and whether it is the current (partial) week.
    Two queries for any number of episodes.
    """
    today = today or timezone.localdate()
    episodes = list(episodes)
    first = week_start(today) - timedelta(weeks=weeks - 1)
    tz = timezone.get_current_timezone()
    since = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    minutes = defaultdict(int)
    for episode_id, starts_at, mins in (
        Attendance.objects.filter(
            episode__in=episodes, status__in=Attendance.ATTENDED, session__starts_at__gte=since
        )
        .exclude(session__status=TherapySession.Status.CANCELLED)
        .values_list("episode_id", "session__starts_at", "minutes_attended")
    ):
        minutes[(episode_id, week_start(_local(starts_at).date()))] += mins
    steps = defaultdict(list)
    for step in StepDown.objects.filter(episode__in=episodes, ends_on__gte=first):
        steps[step.episode_id].append(step)
    ledger = {}
    for episode in episodes:
        minimum = episode.program.weekly_hours_minimum
        start = max(first, week_start(episode.admission_date)) if episode.admission_date else first
        rows = []
        week = start
        while week <= today:
            total = minutes[(episode.pk, week)]
            hours = (Decimal(total) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            step_down = any(
                s.starts_on <= week + timedelta(days=6) and s.ends_on >= week
                for s in steps[episode.pk]
            )
            rows.append(
                {
                    "week": week,
                    "minutes": total,
                    "hours": hours,
                    "minimum": minimum,
                    "met": Decimal(total) >= minimum * 60,
                    "step_down": step_down,
                    "current": week == week_start(today),
                }
            )
            week += timedelta(weeks=1)
        ledger[episode.pk] = rows
    return ledger


# --- billing ---------------------------------------------------------------------------------


def billing_codes(session, attendance=None, *, day_minutes=None, episode=None):
    """Suggested codes for one patient's attendance at a session (CLINICAL.md); the biller
    confirms. `day_minutes` is that patient's attended minutes across the day, for the IOP
    per-diem code at 3 hours."""
    codes = []
    minutes = attendance.minutes_attended if attendance else session.duration_minutes
    attended = attendance is None or attendance.attended
    kind = session.kind
    if attended:
        if kind == TherapySession.Kind.INDIVIDUAL:
            if minutes >= 53:
                codes.append(("90837", "Individual psychotherapy, 53+ minutes"))
            elif minutes >= 38:
                codes.append(("90834", "Individual psychotherapy, 38–52 minutes"))
            elif minutes >= 16:
                codes.append(("90832", "Individual psychotherapy, 16–37 minutes"))
        elif kind == TherapySession.Kind.GROUP:
            codes.append(("90853", "Group psychotherapy"))
        elif kind == TherapySession.Kind.FAMILY and minutes >= 26:
            if session.patient_present:
                codes.append(("90847", "Family psychotherapy with the patient"))
            else:
                codes.append(("90846", "Family psychotherapy without the patient"))
        elif kind == TherapySession.Kind.INTAKE_EVAL:
            codes.append(("90791", "Psychiatric diagnostic evaluation"))
    if day_minutes is not None and day_minutes >= 180:
        if episode is None and attendance is not None and attendance.episode_id:
            episode = attendance.episode
        if episode is None and session.episode_id:
            episode = session.episode
    if day_minutes is not None and day_minutes >= 180 and episode is not None:
        if episode.is_sud or episode.program.is_substance_use:
            codes.append(("H0015", "Alcohol/drug intensive outpatient, per diem"))
        else:
            codes.append(("S9480", "Intensive outpatient psychiatric services, per diem"))
    return codes


def day_minutes(patient_ids, day):
    """{patient id: attended minutes on that local day} in one query."""
    totals = defaultdict(int)
    for patient_id, mins in (
        Attendance.objects.filter(
            patient_id__in=patient_ids, status__in=Attendance.ATTENDED, session__starts_at__date=day
        )
        .exclude(session__status=TherapySession.Status.CANCELLED)
        .values_list("patient_id", "minutes_attended")
    ):
        totals[patient_id] += mins
    return totals


# --- notes -----------------------------------------------------------------------------------


def _attendees(session):
    return list(
        session.attendance.filter(status__in=Attendance.ATTENDED).select_related(
            "episode", "patient"
        )
    )


@transaction.atomic
def note_start(*, session, user, format=ProgressNote.Format.DAP, request=None):
    """The session's note (created on first use) with a part for every patient who attended."""
    if not user.has_role(*Role.CLINICAL):
        raise ValidationError("Only clinicians write progress notes.")
    if format not in ProgressNote.Format.values:
        raise ValidationError({"format": "Choose SOAP, DAP or BIRP."})
    note = ProgressNote.objects.filter(session=session).first()
    if note is None:
        if session.status == TherapySession.Status.CANCELLED:
            raise ValidationError("A cancelled session has no note.")
        note = ProgressNote.objects.create(session=session, author=user, format=format)
        _audit(CREATE, note, user=user, request=request)
    if not note.is_locked:
        records = _attendees(session)
        _drop_blank_absentees(note, {r.patient_id for r in records})
        have = set(note.entries.values_list("patient_id", flat=True))
        for record in records:
            if record.patient_id not in have:
                NoteEntry.objects.create(note=note, episode=record.episode, patient=record.patient)
    return note


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
            f"This note was saved at {_local(note.updated_at):%H:%M} after you opened it. Your "
            "text was not saved; it is kept below. Review the current note and save again."
        )
    return note


def _objectives_for(entry):
    plan = TreatmentPlan.objects.filter(episode_id=entry.episode_id, status="active").first()
    if plan is None:
        return {}
    return {o.pk: o for o in Objective.objects.filter(goal__problem__plan=plan)}


@transaction.atomic
def note_save(*, note, user, shared=None, entries=None, format=None, revision=None, request=None):
    """Save the draft. `entries` maps patient id to {text, objectives, ratings, risk_level,
    risk_notes}; a patient not in the note is refused."""
    note = _lock_note(note, revision)
    errors = {}
    if format is not None:
        if format not in ProgressNote.Format.values:
            errors["format"] = "Choose SOAP, DAP or BIRP."
        note.format = format
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
    _audit(UPDATE, note, user=user, request=request, patient_id=note.session.patient_id)
    return note


def _normalise(text):
    return " ".join(text.lower().split())


@transaction.atomic
def note_sign(*, note, user, revision=None, request=None):
    """Sign and lock: every section and every attendee's individualized part written (not
    cloned), each with a risk re-check. Objectives addressed become progress entries; a
    moderate or high re-check raises a risk alert. A trainee's note waits for co-signature."""
    note = _lock_note(note, revision)
    if user.pk != note.author_id and not user.has_role(Role.SUPERVISOR):
        raise ValidationError("Only the note's author (or a supervisor) signs it.")
    session = note.session
    attending = {r.patient_id for r in _attendees(session)}
    _drop_blank_absentees(note, attending)
    entries = list(note.entries.select_related("patient", "episode"))
    errors = {}
    absent = [e.patient.display_name for e in entries if e.patient_id not in attending]
    if absent:
        errors["attendance"] = (
            f"Not marked as attending, but with a part in this note: {', '.join(absent)}. "
            "Correct the attendance, or clear their part."
        )
    missing = [label for key, label in note.sections() if not note.shared.get(key, "").strip()]
    if missing:
        errors["shared"] = "Write these sections: " + ", ".join(missing) + "."
    if not entries:
        errors["entries"] = "Take attendance first: no one attended this session."
    blank = [e.patient.display_name for e in entries if not e.text.strip()]
    if blank:
        errors["entries"] = "Write the individualized part for: " + ", ".join(blank) + "."
    seen = {}
    for entry in entries:
        key = _normalise(entry.text)
        if key and key in seen:
            errors["entries"] = (
                f"The individualized parts for {seen[key]} and {entry.patient.display_name} are "
                "identical. Each attendee's part must describe that person (a cloned group note "
                "is refused)."
            )
            break
        seen[key] = entry.patient.display_name
    no_risk = [e.patient.display_name for e in entries if not e.risk_level]
    if no_risk:
        errors["risk"] = "Record the risk re-check for: " + ", ".join(no_risk) + "."
    if errors:
        raise ValidationError(errors)
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
                f"{_local(session.starts_at):%d %b %Y}.",
                recorded_at=now,
                context=AuditContext.from_request(request) if request is not None else None,
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
                request=request,
                action_url=note.get_absolute_url(),
            )
    note.signed_by, note.signed_at = user, now
    note.status = (
        ProgressNote.Status.AWAITING_COSIGN
        if note.author.is_trainee
        else ProgressNote.Status.SIGNED
    )
    note.content_hash = note.compute_hash(entries)
    note.save()
    for entry in entries:
        _audit(
            UPDATE, note, user=user, request=request, patient_id=entry.patient_id, detail="signed"
        )
    return note


@transaction.atomic
def note_cosign(*, note, user, request=None):
    if not user.has_role(Role.SUPERVISOR):
        raise ValidationError("Only a supervisor co-signs a trainee's note.")
    note = ProgressNote.objects.select_for_update().get(pk=note.pk)
    if note.status != ProgressNote.Status.AWAITING_COSIGN:
        raise ValidationError("This note is not waiting for a co-signature.")
    if note.author_id == user.pk:
        raise ValidationError("A note is co-signed by someone other than its author.")
    note.status = ProgressNote.Status.SIGNED
    note.cosigned_by, note.cosigned_at = user, timezone.now()
    note.save()
    _audit(
        UPDATE,
        note,
        user=user,
        request=request,
        patient_id=note.session.patient_id,
        detail="co-signed",
    )
    return note


@transaction.atomic
def addendum_add(*, note, text, user, request=None):
    if not note.is_locked:
        raise ValidationError("The note is still a draft: edit it instead of adding an addendum.")
    if not (text or "").strip():
        raise ValidationError({"text": "Write the addendum."})
    addendum = Addendum.objects.create(note=note, text=text.strip(), author=user)
    _audit(CREATE, addendum, user=user, request=request, patient_id=note.session.patient_id)
    return addendum


def note_is_intact(note):
    """Whether a signed note still matches the hash taken when it was signed."""
    return note.content_hash == note.compute_hash(list(note.entries.all()))
