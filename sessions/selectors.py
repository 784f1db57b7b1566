"""Reads of sessions data that more than one page or endpoint needs: one home each.

The roster with attendance and billing is read here once and rendered twice (the session page
and the API's session detail); the Today page's data is `today_for(user)`.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from iop.accounts.roles import Role
from patients.models import Alert, Episode, Patient
from plans.models import DocumentStatus, SafetyPlan
from sessions.billing import billing_codes
from sessions.models import Attendance, ProgressNote, TherapySession
from sessions.services import day_minutes, hours_ledger, session_rosters

RISK_LEVELS = (ProgressNote.Risk.MODERATE, ProgressNote.Risk.HIGH)


def sessions_with_rosters(sessions, *, billing=False):
    """Attach each session's roster and attendance: `session.rows`, a list of (episode,
    attendance or None) in name order, and `session.marked`. With `billing`, also
    `session.billing`: (episode, suggested codes) for each attendee whose attendance was taken
    (the per-diem code needs each patient's whole day). A fixed number of queries per call,
    however many attend."""
    sessions = list(sessions)
    rosters = session_rosters(sessions)
    for session in sessions:
        session.rows = rosters[session.pk]
        session.marked = sum(record is not None for _, record in session.rows)
    if billing:
        _attach_billing(sessions)
    return sessions


def _attach_billing(sessions):
    by_day = defaultdict(list)
    for session in sessions:
        by_day[timezone.localtime(session.starts_at).date()].append(session)
    for day, on_day in by_day.items():
        totals = day_minutes([e.patient_id for s in on_day for e, _ in s.rows], day)
        for session in on_day:
            session.billing = [
                (
                    episode,
                    billing_codes(
                        session,
                        record,
                        episode=episode,
                        day_minutes=totals.get(episode.patient_id, 0),
                    ),
                )
                for episode, record in session.rows
                if record is not None
            ]


def session_with_roster(session):
    """One session's roster, attendance and billing (see `sessions_with_rosters`)."""
    return sessions_with_rosters([session], billing=True)[0]


# --- Today -----------------------------------------------------------------------------------


def mark_missing_safety_plans(alerts):
    """Flag moderate/high risk alerts whose patient has no current safety plan (one query)."""
    at_risk = {
        a.patient_id for a in alerts if a.kind == Alert.Kind.RISK and a.risk_level in RISK_LEVELS
    }
    covered = set(
        SafetyPlan.objects.filter(patient_id__in=at_risk, status=DocumentStatus.ACTIVE).values_list(
            "patient_id", flat=True
        )
    )
    for alert in alerts:
        alert.safety_plan_missing = (
            alert.kind == Alert.Kind.RISK
            and alert.risk_level in RISK_LEVELS
            and alert.patient_id not in covered
        )


def below_hours(user):
    """Caseload patients whose last full week was below the minimum of their level of care, each
    with that week and the week in progress (labelled so, never judged)."""
    episodes = Episode.objects.on_caseload_of(user).filter(status=Episode.Status.ACTIVE)
    episodes = list(episodes.select_related("patient", "program")[:200])
    ledger = hours_ledger(episodes, weeks=2)
    rows = []
    for episode in episodes:
        weeks = ledger[episode.pk]
        done = [w for w in weeks if not w["in_progress"]]
        if done and done[-1]["below"]:
            current = weeks[-1] if weeks[-1]["in_progress"] else None
            rows.append((episode, done[-1], current))
    return rows


def cosign_queue():
    """Trainees' signed notes waiting for a supervisor, oldest first."""
    return (
        ProgressNote.objects.filter(status=ProgressNote.Status.AWAITING_COSIGN)
        .select_related("session__group", "session__patient", "author")
        .order_by("signed_at")
    )


def today_for(user):
    """A clinician's day: their sessions with attendance sheets, alerts, notes to write and
    sign, patients below their hours; supervisors also get the notes awaiting co-signature.
    Other roles get only what the page needs to greet them."""
    clinical = user.has_role(*Role.CLINICAL)
    context = {
        "is_clinical": clinical,
        "is_intake": user.has_role(Role.INTAKE),
        "is_admin": user.has_role(Role.ADMIN),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "has_role": bool(user.roles),
    }
    if not clinical:
        return context
    day = timezone.localdate()
    sessions = sessions_with_rosters(
        TherapySession.objects.filter(clinicians=user)
        .on_day(day)
        .exclude(status=TherapySession.Status.CANCELLED)
        .select_related("group", "episode__patient", "episode__program", "note")
        .prefetch_related("clinicians")
    )
    alerts = list(Alert.objects.for_worklist(user).select_related("patient", "assigned_to")[:50])
    mark_missing_safety_plans(alerts)
    to_write = list(
        TherapySession.objects.filter(clinicians=user, starts_at__lt=timezone.now())
        .filter(status=TherapySession.Status.COMPLETED)
        .filter(
            Exists(
                Attendance.objects.filter(session=OuterRef("pk"), status__in=Attendance.ATTENDED)
            )
        )
        .filter(Q(note__isnull=True) | Q(note__status=ProgressNote.Status.DRAFT))
        .select_related("group", "patient", "note")
        .order_by("starts_at")[:30]
    )
    cosign = list(cosign_queue()[:30]) if user.has_role(Role.SUPERVISOR) else []
    context.update(
        sessions=sessions,
        alerts=alerts,
        to_write=to_write,
        cosign=cosign,
        below=below_hours(user),
    )
    return context


def readable_patient_ids(user, patient_ids):
    """Of these patients, those whose part of a group note this user may read without running
    the session: the clinical roles' own patients (care team), never intake's or admins'."""
    if not user.has_role(*Role.CLINICAL):
        return set()
    return set(
        Patient.objects.for_user(user).filter(pk__in=patient_ids).values_list("pk", flat=True)
    )


def note_entries_for(note, user):
    """The individualized parts of a note this user may read: every part for the session's
    clinicians (and supervisors); for a clinician on an attendee's care team, only their own
    patients' parts (the other attendees are not named)."""
    entries = list(note.entries.select_related("patient"))
    if note.session.is_run_by(user):
        return entries
    readable = readable_patient_ids(user, [e.patient_id for e in entries])
    return [e for e in entries if e.patient_id in readable]
