"""Hand-built rows for the compliance section's tests: sessions with notes, co-signatures,
plans and reviews, risk and safety plans, unexpected drug screens. Built with the models
directly (the factories' way): the section reads rows, not the services that write them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from patients.models import Alert, MeasureResponse, RiskAssessment
from plans.models import PlanReview, SafetyPlan, TreatmentPlan
from reports.scope import ReportScope
from sessions.models import Attendance, NoteEntry, ProgressNote, TherapySession
from tests.factories import EpisodeFactory, PatientFactory, TherapyGroupFactory

NY = ZoneInfo("America/New_York")
# The clock of every test: Friday 20 November 2026, noon in New York.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=NY)
TODAY = NOW.date()
START = date(2026, 11, 1)


def at(day, hour=10, minute=0):
    """A New York moment on `day` of November 2026 (or a date)."""
    if isinstance(day, date):
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def scope_of(user, start=START, end=TODAY, **filters):
    return ReportScope(user=user, start=start, end=end, **filters)


def episode(program, clinician, *, last_name, admitted=date(2026, 10, 1), **extra):
    patient = PatientFactory(legal_first_name="Pat", legal_last_name=last_name)
    return EpisodeFactory(
        patient=patient,
        program=program,
        primary_clinician=clinician,
        admission_date=admitted,
        **extra,
    )


def individual(episode_, starts_at, *, clinician, minutes=50, status="completed", present=True):
    """An individual session of `episode_` with its attendance (present, or absent)."""
    session = TherapySession.objects.create(
        kind=TherapySession.Kind.INDIVIDUAL,
        starts_at=starts_at,
        duration_minutes=minutes,
        episode=episode_,
        patient=episode_.patient,
        status=status,
    )
    session.clinicians.set([clinician])
    attend(session, episode_, present=present)
    return session


def group_session(program, starts_at, episodes, *, clinician, absent=()):
    group = TherapyGroupFactory(program=program, facilitators=[clinician])
    session = TherapySession.objects.create(
        kind=TherapySession.Kind.GROUP,
        group=group,
        starts_at=starts_at,
        duration_minutes=group.duration_minutes,
        status="completed",
    )
    session.clinicians.set([clinician])
    for e in episodes:
        attend(session, e, present=True)
    for e in absent:
        attend(session, e, present=False)
    return session


def attend(session, episode_, *, present=True):
    Attendance.objects.create(
        session=session,
        episode=episode_,
        patient=episode_.patient,
        status="present" if present else "absent_unexcused",
        minutes_attended=session.duration_minutes if present else 0,
    )


def note(session, author, *, signed_at=None, status=None, cosigned_at=None, cosigner=None):
    """The session's note: a draft, or signed at `signed_at` (awaiting co-signature for a
    trainee until `cosigned_at`)."""
    if status is None:
        if signed_at is None:
            status = ProgressNote.Status.DRAFT
        elif author.is_trainee and cosigned_at is None:
            status = ProgressNote.Status.AWAITING_COSIGN
        else:
            status = ProgressNote.Status.SIGNED
    made = ProgressNote.objects.create(
        session=session,
        author=author,
        status=status,
        signed_by=author if signed_at else None,
        signed_at=signed_at,
        cosigned_by=cosigner if cosigned_at else None,
        cosigned_at=cosigned_at,
    )
    for a in session.attendance.all():
        NoteEntry.objects.create(note=made, episode=a.episode, patient=a.patient)
    return made


def plan(episode_, *, activated_at=None, next_review_due=None, status=None, version=1):
    status = status or (TreatmentPlan.Status.ACTIVE if activated_at else TreatmentPlan.Status.DRAFT)
    return TreatmentPlan.objects.create(
        episode=episode_,
        patient=episode_.patient,
        version=version,
        status=status,
        activated_at=activated_at,
        signed_at=activated_at,
        next_review_due=next_review_due,
    )


def review(plan_, due, *, completed_at=None):
    return PlanReview.objects.create(
        plan=plan_,
        patient=plan_.patient,
        due_date=due,
        period_start=due - timedelta(days=30),
        status=PlanReview.Status.COMPLETED if completed_at else PlanReview.Status.OPEN,
        completed_at=completed_at,
    )


def cssrs(episode_, level, when):
    return MeasureResponse.objects.create(
        patient=episode_.patient,
        episode=episode_,
        instrument="CSSRS",
        severity=level,
        administered_at=when,
    )


def assessment(episode_, level, when, by):
    return RiskAssessment.objects.create(
        patient=episode_.patient,
        episode=episode_,
        level=level,
        rationale="Asked directly.",
        signed_by=by,
        signed_at=when,
    )


def risk_alert(episode_, level, when, *, source_type="therapy_sessions.progressnote"):
    return Alert.objects.create(
        patient=episode_.patient,
        episode=episode_,
        kind=Alert.Kind.RISK,
        risk_level=level,
        title=f"Risk re-check in session: {level}",
        raised_at=when,
        source_type=source_type,
        source_id="1",
    )


def safety_plan(episode_, activated_at, *, ended_at=None):
    return SafetyPlan.objects.create(
        patient=episode_.patient,
        episode=episode_,
        status=SafetyPlan.Status.SUPERSEDED if ended_at else SafetyPlan.Status.ACTIVE,
        activated_at=activated_at,
        signed_at=activated_at,
        ended_at=ended_at,
    )


def screen_alert(episode_, raised_at, *, closed_at=None, by=None):
    return Alert.objects.create(
        patient=episode_.patient,
        episode=episode_,
        kind=Alert.Kind.UNEXPECTED_SCREEN,
        title="Unexpected drug screen: FYL positive",
        priority=Alert.Priority.HIGH,
        raised_at=raised_at,
        status=Alert.Status.CLOSED if closed_at else Alert.Status.OPEN,
        closed_at=closed_at,
        closed_by=by if closed_at else None,
        action_taken="Talked it through with the patient." if closed_at else "",
        source_type="screens.screenorder",
        source_id="1",
    )


def everything(program, clinician, trainee, count, *, last_name="Full"):
    """`count` episodes each with one of everything the section counts: a late note and one on
    time, a trainee's note awaiting co-signature, a review due, an initial plan, a moderate
    C-SSRS (half with a safety plan) and an unexpected screen (half followed up)."""
    made = []
    for i in range(count):
        e = episode(program, clinician, last_name=f"{last_name}{i:02d}", admitted=date(2026, 11, 2))
        s = individual(e, at(9), clinician=clinician)
        note(s, clinician, signed_at=at(9, 11))
        s = individual(e, at(10), clinician=clinician)
        note(s, clinician, signed_at=at(12, 11))
        s = individual(e, at(16), clinician=trainee)
        note(s, trainee, signed_at=at(16, 12))
        p = plan(e, activated_at=at(4), next_review_due=date(2026, 12, 4))
        review(p, date(2026, 11, 10), completed_at=at(10, 15) if i % 2 else None)
        cssrs(e, "moderate", at(6))
        if i % 2:
            safety_plan(e, at(7))
        screen_alert(e, at(12), closed_at=at(13) if i % 2 else None, by=clinician)
        made.append(e)
    return made
