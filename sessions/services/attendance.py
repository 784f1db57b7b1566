"""Attendance, the roster it is taken against, planned step-downs and the hours ledger."""

from collections import defaultdict
from datetime import datetime, timedelta
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.errors import ConflictError
from iop.together import run
from sessions.days import in_days
from sessions.models import (
    Attendance,
    AttendanceCorrection,
    GroupEnrollment,
    NoteEntry,
    ProgressNote,
    TherapySession,
    not_counted,
)
from sessions.services.attendance_window import attendance_refusal
from sessions.services.scheduling import local, session_cancel

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


def session_rosters(sessions):
    """{session id: [(episode, its attendance or None)] in name order}: the episodes expected
    at each session (a group's enrolled episodes on that day, or the session's own patient),
    plus anyone whose attendance was taken there. Two queries for any number of sessions."""
    return run(read_session_rosters(sessions))


# What a sheet drawn without billing (Today's) reads of a roster: the marks, the enrolments'
# dates and the episode's discharge date (the roster's rule) and patient's name; no program.
SHEET = ("episode_id", "episode__patient_id", "episode__discharge_date") + tuple(
    f"episode__patient__{f}" for f in ("legal_first_name", "legal_last_name", "preferred_name")
)


def read_session_rosters(sessions, *, billing=True):
    """`session_rosters` as a reader (`iop.together`): its two reads in one turn; without
    `billing` (Today's sheets) only the columns of `SHEET` (a quarter less to build)."""
    sessions = list(sessions)
    related = ("episode__patient", "episode__program") if billing else ("episode__patient",)
    enrollments = GroupEnrollment.objects.filter(_enrolled_at(sessions)).select_related(*related)
    # Unordered (put in name order below): the model's order by session and patient name cost
    # a third of this function to build.
    records = Attendance.objects.filter(session__in=sessions).order_by().select_related(*related)
    if not billing:
        enrollments = enrollments.only("group_id", "start_date", "end_date", *SHEET)
        records = records.only("session_id", "status", "minutes_attended", *SHEET)
    enrollments, records = yield (enrollments, records)
    attendance = defaultdict(dict)
    for record in records:
        attendance[record.session_id][record.episode_id] = record
    rosters = {}
    by_name = attrgetter("patient.legal_last_name", "patient.legal_first_name")
    for session in sessions:
        marked = attendance[session.pk]
        if session.is_group:
            day = local(session.starts_at).date()
            episodes = [
                e.episode
                for e in enrollments
                if e.group_id == session.group_id
                and e.start_date <= day
                and (e.end_date is None or e.end_date >= day)
                and not discharged_before(e.episode, day)
            ]
            known = {e.pk for e in episodes}
            others = [r.episode for r in marked.values() if r.episode_id not in known]
            episodes += sorted(others, key=lambda e: (*by_name(e), e.patient_id))
            episodes.sort(key=by_name)
        elif session.episode_id and (
            session.episode_id in marked
            or not discharged_before(session.episode, local(session.starts_at).date())
        ):
            episodes = [session.episode]
        else:
            episodes = []
        rosters[session.pk] = [(episode, marked.get(episode.pk)) for episode in episodes]
    return rosters


def _enrolled_at(sessions):
    """The enrolments in force on the day of each group session: (group, day) pairs, each
    enrolled that day or before and not ended before it. Nothing for no group session."""
    wanted = Q(pk__in=[])
    for group_id, day in {(s.group_id, local(s.starts_at).date()) for s in sessions if s.group_id}:
        wanted |= Q(group_id=group_id, start_date__lte=day) & (
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
    return wanted


def session_roster(session):
    """The episodes expected at a session (see `session_rosters`)."""
    if not session.is_group:
        if not session.episode_id:
            return []
        if discharged_before(session.episode, local(session.starts_at).date()):
            return [e for e, _ in session_rosters([session])[session.pk]]
        return [session.episode]
    return [episode for episode, _ in session_rosters([session])[session.pk]]


def default_minutes(session, status):
    if status == Attendance.Status.PRESENT:
        return session.duration_minutes
    if status == Attendance.Status.LATE:
        return max(session.duration_minutes - 15, 0)
    if status == Attendance.Status.LEFT_EARLY:
        return max(session.duration_minutes - 30, 0)
    return 0


class AttendanceLockedError(ConflictError):
    """The session's note is signed: attendance changes only as a correction (API 409)."""


def note_is_signed(session):
    """Whether the session's note is signed (or awaiting co-signature, or co-signed)."""
    return (
        ProgressNote.objects.filter(session=session)
        .exclude(status=ProgressNote.Status.DRAFT)
        .exists()
    )


def discharged_before(episode, day):
    """Whether the episode was discharged before `day` (nothing is recorded for it after)."""
    return episode.discharge_date is not None and day > episode.discharge_date


def admitted_after(episode, day):
    """Whether the episode was admitted after `day` (nothing is recorded for it before)."""
    return episode.admission_date is not None and day < episode.admission_date


def require_in_care(session, episode):
    """Refuse recording anything for an episode at a session on a day it was not in care:
    after its discharge date, or before its admission date (an intake evaluation excepted: it
    comes before admission)."""
    day = local(session.starts_at).date()
    if discharged_before(episode, day):
        raise ValidationError(
            {
                "episode": f"{episode.patient} was discharged on "
                f"{episode.discharge_date:%-d %b %Y}: nothing is recorded for the episode "
                "after discharge."
            }
        )
    if session.kind != TherapySession.Kind.INTAKE_EVAL and admitted_after(episode, day):
        raise ValidationError(
            {
                "episode": f"{episode.patient} was admitted on "
                f"{episode.admission_date:%-d %b %Y}: nothing is recorded for the episode "
                f"on {day:%-d %b %Y}, before admission."
            }
        )


require_not_discharged = require_in_care  # the name the notes and the API call it by


def _checked_minutes(session, episode, status, minutes):
    """Validate a mark (or a correction) of one patient at a session; the minutes to record."""
    if status not in Attendance.Status.values:
        raise ValidationError({"status": "Choose present, late, left early or absent."})
    refusal = attendance_refusal(session)
    if refusal:
        raise ValidationError(refusal)
    if session.without_patient:
        raise ValidationError(
            {
                "status": "Family therapy without the patient: no attendance is taken for the "
                "patient, and its minutes do not count toward their hours."
            }
        )
    require_in_care(session, episode)
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
    return minutes


def _record(session, episode, status, minutes, user):
    """Save the attendance and the session's status that follows from it."""
    record, created = Attendance.objects.update_or_create(
        session=session,
        episode=episode,
        defaults={
            "patient_id": episode.patient_id,
            "session_starts_at": session.starts_at,
            "status": status,
            "minutes_attended": minutes,
            "recorded_by": user,
            "recorded_at": timezone.now(),
        },
    )
    # A group met once anyone's attendance is taken; a one-patient session is a no-show when
    # its patient did not come.
    if session.is_group or status in Attendance.ATTENDED:
        new_status = TherapySession.Status.COMPLETED
    else:
        new_status = TherapySession.Status.NO_SHOW
    if session.status != new_status:
        session.status = new_status
        session.save(update_fields=["status"])
    return record, created


@transaction.atomic
def attendance_mark(*, session, episode, status, user, minutes=None, context=None):
    """Record (or change) one patient's attendance; minutes default from the status. Once the
    session's note is signed this is refused: use `attendance_correct` with a reason."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if note_is_signed(session):
        raise AttendanceLockedError(
            "The note for this session is signed, so its attendance is part of the record: "
            "correct it with a reason instead."
        )
    minutes = _checked_minutes(session, episode, status, minutes)
    record, created = _record(session, episode, status, minutes, user)
    audit_change(
        CREATE if created else UPDATE,
        record,
        user=user,
        context=context,
        detail=f"{status}, {minutes} min",
    )
    return record


@transaction.atomic
def attendance_correct(*, session, episode, status, reason, user, minutes=None, context=None):
    """Correct attendance under a signed note: the reason is required; the change is kept as an
    append-only correction shown on the note, audited; billing follows the new attendance."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if not note_is_signed(session):
        raise ValidationError("The note is not signed yet: change the attendance directly.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the attendance is corrected."})
    minutes = _checked_minutes(session, episode, status, minutes)
    before = Attendance.objects.filter(session=session, episode=episode).first()
    before_status = before.status if before else ""
    before_minutes = before.minutes_attended if before else 0
    if (before_status, before_minutes) == (status, minutes):
        raise ValidationError({"status": "That is the attendance already recorded."})
    record, _ = _record(session, episode, status, minutes, user)
    correction = AttendanceCorrection(
        attendance=record,
        before_status=before_status,
        before_minutes=before_minutes,
        after_status=status,
        after_minutes=minutes,
        reason=reason,
        corrected_by=user,
        corrected_at=timezone.now(),
        hash_version=AttendanceCorrection.CHAINED,
    )
    correction.content_hash = correction.compute_hash(note_hash=session.note.content_hash)
    correction.save()
    audit_change(
        UPDATE,
        record,
        user=user,
        context=context,
        detail=f"corrected after signing: {correction.summary}; reason: {reason}",
    )
    audit_change(CREATE, correction, user=user, context=context)
    return correction


def require_nothing_after_discharge(episode):
    """Discharge guard: refuse a discharge date earlier than the episode's latest attended
    attendance or note entry (nothing is recorded for an episode after its discharge)."""
    day = episode.discharge_date
    if day is None:
        return
    after = datetime.combine(day + timedelta(days=1), datetime.min.time())
    after = timezone.make_aware(after, timezone.get_current_timezone())
    attended = (
        Attendance.objects.filter(
            episode=episode, status__in=Attendance.ATTENDED, session__starts_at__gte=after
        )
        .exclude(session__status=TherapySession.Status.CANCELLED)
        .order_by("-session__starts_at")
        .values_list("session__starts_at", flat=True)
        .first()
    )
    noted = (
        NoteEntry.objects.filter(episode=episode, note__session__starts_at__gte=after)
        .order_by("-note__session__starts_at")
        .values_list("note__session__starts_at", flat=True)
        .first()
    )
    if attended or noted:
        what, when = ("Attendance", attended) if attended else ("A progress note", noted)
        raise ValidationError(
            {
                "discharge_date": f"{what} is recorded on {local(when):%-d %b %Y}, "
                "after this discharge date."
            }
        )


@transaction.atomic
def sessions_cancel_at_discharge(*, episode, user, context=None):
    """Discharge hook: the episode's own sessions (individual, family, medication management)
    still scheduled on a day after the discharge date are cancelled, each audited."""
    after = datetime.combine(episode.discharge_date + timedelta(days=1), datetime.min.time())
    after = timezone.make_aware(after, timezone.get_current_timezone())
    for session in TherapySession.objects.filter(
        episode=episode, status=TherapySession.Status.SCHEDULED, starts_at__gte=after
    ).order_by("starts_at"):
        session_cancel(
            session=session,
            user=user,
            reason=f"The patient was discharged on {episode.discharge_date:%-d %b %Y}.",
            context=context,
        )


@transaction.atomic
def enrollments_end_at_discharge(*, episode, user, context=None):
    """Discharge hook: the episode's group enrolments end on the discharge date; one that
    would only have started after it is removed."""
    day = episode.discharge_date
    for enrollment in GroupEnrollment.objects.filter(episode=episode).select_related("episode"):
        if enrollment.start_date > day:
            audit_change(
                AuditEvent.Action.DELETE,
                enrollment,
                user=user,
                context=context,
                detail="removed at discharge: it had not started",
            )
            enrollment.delete()
        elif enrollment.end_date is None or enrollment.end_date > day:
            enrollment.end_date = day
            enrollment.save(update_fields=["end_date"])
            audit_change(
                UPDATE, enrollment, user=user, context=context, detail=f"ended at discharge {day}"
            )


def attended_between(patient_ids, first, last):
    """The attended Attendance rows, with their sessions, by start time, of these patients from
    local day `first` to `last` (both included). Cancelled sessions and family therapy without
    the patient do not count."""
    return (
        Attendance.objects.filter(
            in_days("session__starts_at", first, last),
            patient_id__in=patient_ids,
            status__in=Attendance.ATTENDED,
        )
        .exclude(not_counted("session__"))
        .select_related("session")
        .order_by("session__starts_at", "session_id")
    )


def day_attendance(patient_ids, day):
    """{patient id: [attended Attendance, with its session, by start time]} on that local day,
    in one query (see `attended_between`)."""
    by_patient = defaultdict(list)
    for record in attended_between(patient_ids, day, day):
        by_patient[record.patient_id].append(record)
    return by_patient


def day_minutes(patient_ids, day):
    """{patient id: attended minutes on that local day} in one query (see `day_attendance`)."""
    return {
        patient_id: sum(r.minutes_attended for r in records)
        for patient_id, records in day_attendance(patient_ids, day).items()
    }
