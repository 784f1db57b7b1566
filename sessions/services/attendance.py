"""Attendance, the roster it is taken against, planned step-downs and the hours ledger."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from sessions.models import Attendance, GroupEnrollment, StepDown, TherapySession
from sessions.services import levels
from sessions.services.scheduling import local, week_start

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


def session_rosters(sessions):
    """{session id: [(episode, its attendance or None)] in name order}: the episodes expected
    at each session (a group's enrolled episodes on that day, or the session's own patient),
    plus anyone whose attendance was taken there. Two queries for any number of sessions."""
    sessions = list(sessions)
    group_ids = {s.group_id for s in sessions if s.group_id}
    enrollments = list(
        GroupEnrollment.objects.filter(group_id__in=group_ids).select_related(
            "episode__patient", "episode__program"
        )
    )
    attendance = defaultdict(dict)
    for record in Attendance.objects.filter(session__in=sessions).select_related(
        "episode__patient", "episode__program"
    ):
        attendance[record.session_id][record.episode_id] = record
    rosters = {}
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
            ]
            known = {e.pk for e in episodes}
            episodes += [r.episode for r in marked.values() if r.episode_id not in known]
            episodes.sort(key=lambda e: (e.patient.legal_last_name, e.patient.legal_first_name))
        else:
            episodes = [session.episode] if session.episode_id else []
        rosters[session.pk] = [(episode, marked.get(episode.pk)) for episode in episodes]
    return rosters


def session_roster(session):
    """The episodes expected at a session (see `session_rosters`)."""
    if not session.is_group:
        return [session.episode] if session.episode_id else []
    return [episode for episode, _ in session_rosters([session])[session.pk]]


def default_minutes(session, status):
    if status == Attendance.Status.PRESENT:
        return session.duration_minutes
    if status == Attendance.Status.LATE:
        return max(session.duration_minutes - 15, 0)
    if status == Attendance.Status.LEFT_EARLY:
        return max(session.duration_minutes - 30, 0)
    return 0


@transaction.atomic
def attendance_mark(*, session, episode, status, user, minutes=None, context=None):
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
    audit_change(
        CREATE if created else UPDATE,
        record,
        user=user,
        context=context,
        detail=f"{status}, {minutes} min",
    )
    return record


@transaction.atomic
def step_down_record(*, episode, starts_on, ends_on, reason, user, context=None):
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
    audit_change(CREATE, step, user=user, context=context)
    return step


def hours_ledger(episodes, *, weeks=8, today=None):
    """{episode id: [week rows, oldest first]} for the last `weeks` weeks including this one.

    A row: week start, minutes and hours attended; the levels of care in force that week, the
    level judged against and its minimum (None for OP: no minimum, see `levels`); whether it is
    met, whether the week is a recorded step-down, whether it is the current week (in progress:
    never judged), whether the patient was admitted during it (not judged either), `below`
    (the week is judged and under the minimum: the one thing that alerts), `php_hint` (an IOP
    week over 19 h) and `status`, the label every page shows. Three queries for any number of
    episodes (their patient and program are expected to be loaded with them).
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
        minutes[(episode_id, week_start(local(starts_at).date()))] += mins
    steps = defaultdict(list)
    for step in StepDown.objects.filter(episode__in=episodes, ends_on__gte=first):
        steps[step.episode_id].append(step)
    changes = levels.level_changes(episodes)
    ledger = {}
    for episode in episodes:
        start = max(first, week_start(episode.admission_date)) if episode.admission_date else first
        rows = []
        week = start
        while week <= today:
            step_down = any(
                s.starts_on <= week + timedelta(days=6) and s.ends_on >= week
                for s in steps[episode.pk]
            )
            row = _ledger_row(
                episode, changes[episode.pk], week, minutes[(episode.pk, week)], today, step_down
            )
            rows.append(row)
            week += timedelta(weeks=1)
        ledger[episode.pk] = rows
    return ledger


def _ledger_row(episode, changes, week, total, today, step_down):
    hours = (Decimal(total) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    in_force, level, minimum = levels.week_standard(episode, changes, week)
    current = week == week_start(today)
    partial = bool(episode.admission_date and episode.admission_date > week)
    met = minimum is None or Decimal(total) >= minimum * 60
    below = not (met or step_down or current or partial)
    php_hint = level == levels.Level.IOP and Decimal(total) > levels.IOP_MAXIMUM * 60
    if current:
        status = "in progress"
    elif step_down:
        status = "planned step-down"
    elif minimum is None:
        status = "no minimum"
    elif partial and not met:
        status = "admitted mid-week"
    else:
        status = "met" if met else "below"
    return {
        "week": week,
        "minutes": total,
        "hours": hours,
        "levels": in_force,
        "level": level,
        "minimum": minimum,
        "met": met,
        "step_down": step_down,
        "current": current,
        "in_progress": current,
        "partial": partial,
        "below": below,
        "php_hint": php_hint,
        "status": status,
    }


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
