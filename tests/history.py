"""A patient's record made long: the history a chart must page through rather than load, for
the "same queries at two sizes" tests of the chart's tabs, the plan page and the caseload."""

from datetime import timedelta

from django.utils import timezone

from patients.models import Alert, Consent, Episode, IntakeAssessment, MeasureResponse
from plans.models import PlanReview, TreatmentPlan
from sessions.models import Attendance, GroupEnrollment, TherapySession
from tests.factories import EpisodeFactory, TherapyGroupFactory, TreatmentPlanFactory


def measures(patient, count, *, instrument="PHQ9", start=None, step=timedelta(days=7)):
    """`count` scored results, oldest first, `step` apart, ending before `start` (now): the
    totals run 0, 1, 2 ... (mod 28) so the newest is `(count - 1) % 28`."""
    start = start or timezone.now()
    MeasureResponse.objects.bulk_create(
        MeasureResponse(
            patient=patient,
            instrument=instrument,
            administered_at=start - step * (count - n),
            total_score=n % 28,
            severity="minimal",
        )
        for n in range(count)
    )


def alerts(episode, count, *, status=Alert.Status.CLOSED):
    Alert.objects.bulk_create(
        Alert(
            patient=episode.patient,
            episode=episode,
            kind=Alert.Kind.LOW_ATTENDANCE,
            title=f"Below the weekly minimum ({n})",
            raised_at=timezone.now() - timedelta(days=n + 1),
            status=status,
        )
        for n in range(count)
    )


def past_episode(patient, *, program, clinician, versions=1, year=2020):
    """A discharged episode of `patient` with its intake, `versions` plan versions (the last
    one closed at discharge, the others superseded) and a review of each."""
    episode = EpisodeFactory(
        patient=patient,
        program=program,
        status=Episode.Status.DISCHARGED,
        primary_clinician=clinician,
        referral_date=timezone.datetime(year, 1, 2).date(),
        admission_date=timezone.datetime(year, 1, 5).date(),
        discharge_date=timezone.datetime(year, 6, 30).date(),
        discharge_reason=Episode.DischargeReason.COMPLETED,
    )
    if not IntakeAssessment.objects.filter(episode=episode).exists():
        IntakeAssessment.objects.create(episode=episode, patient=patient)
    plan_versions(episode, versions, last=TreatmentPlan.Status.CLOSED)
    return episode


def plan_versions(episode, count, *, last=TreatmentPlan.Status.SUPERSEDED, first_version=1):
    """`count` signed versions of the episode's plan, each with a completed review."""
    signer = episode.primary_clinician
    plans = []
    for n in range(count):
        status = last if n == count - 1 else TreatmentPlan.Status.SUPERSEDED
        plan = TreatmentPlanFactory(
            episode=episode,
            version=first_version + n,
            status=status,
            signed_by=signer,
            signed_at=timezone.now() - timedelta(days=count - n),
            patient_ack_name="Pat",
            patient_ack_at=timezone.now() - timedelta(days=count - n),
            created_by=signer,
            updated_by=signer,
        )
        PlanReview.objects.create(
            plan=plan,
            patient=episode.patient,
            due_date=timezone.localdate() - timedelta(days=30 * (count - n) + first_version),
            period_start=timezone.localdate() - timedelta(days=30 * (count - n) + 30),
            status=PlanReview.Status.COMPLETED,
            decision=PlanReview.Decision.REVISE,
            completed_by=signer,
            completed_at=timezone.now(),
        )
        plans.append(plan)
    return plans


def consents(patient, count):
    Consent.objects.bulk_create(
        Consent(
            patient=patient,
            kind=Consent.Kind.RELEASE,
            recipient=f"Dr {n}",
            purpose="Continuing care",
            signed_by_name="Pat",
            signed_at=timezone.now() - timedelta(days=n + 1),
        )
        for n in range(count)
    )


def attended_sessions(episode, count, *, group=None, clinician=None, start=None):
    """`count` past sessions of a group the episode was enrolled in (an ended enrolment),
    attended, a day apart, ending before `start` (now); and the group's sessions to come,
    which are not the patient's any more."""
    start = start or timezone.now()
    group = group or TherapyGroupFactory(
        program=episode.program, facilitators=[clinician] if clinician else None
    )
    GroupEnrollment.objects.create(
        group=group,
        episode=episode,
        start_date=(start - timedelta(days=count + 1)).date(),
        end_date=(start - timedelta(hours=1)).date(),
    )
    past = TherapySession.objects.bulk_create(
        TherapySession(kind="group", group=group, starts_at=start - timedelta(days=count - n))
        for n in range(count)
    )
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            episode=episode,
            patient=episode.patient,
            status=Attendance.Status.PRESENT,
            minutes_attended=180,
        )
        for session in past
    )
    TherapySession.objects.bulk_create(
        TherapySession(kind="group", group=group, starts_at=start + timedelta(days=n + 1))
        for n in range(count)
    )
    return group
