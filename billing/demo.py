"""Demo data of the billing app: a payer, coverage and an approved per-diem authorization
for the clinician's first active patient by name (left with two days), then the utilization
reviews' demo (`billing.demo_reviews`)."""

from datetime import timedelta

from django.utils import timezone

from billing.demo_reviews import seed_reviews
from billing.models import Authorization, Coverage, Payer
from patients.models import Episode
from sessions.models import Attendance

PAYER = "Demo Health Plan"


def seed(*, password, stdout):
    if not Authorization.objects.exists():
        _authorization(stdout)
    seed_reviews(stdout=stdout)


def _authorization(stdout):
    episode = (
        Episode.objects.filter(
            status=Episode.Status.ACTIVE,
            primary_clinician__username="clinician",
            admission_date__isnull=False,
        )
        .select_related("patient")
        .order_by("patient__legal_last_name", "pk")
        .first()
    )
    if episode is None:
        return
    payer = Payer.objects.filter(name=PAYER).first() or Payer.objects.create(
        name=PAYER, payer_id="DHP01"
    )
    coverage = Coverage.objects.create(
        episode=episode,
        payer=payer,
        plan_name="Choice PPO",
        member_id=episode.patient.insurance_member_id or f"DHP{episode.patient_id:06d}",
        effective_from=episode.referral_date or episode.admission_date,
    )
    days = (
        Attendance.objects.filter(episode=episode, status__in=Attendance.ATTENDED)
        .dates("session__starts_at", "day")
        .count()
    )
    today = timezone.localdate()
    Authorization.objects.create(
        episode=episode,
        coverage=coverage,
        service_codes="S9480",
        number_authorized=days + 2,
        first_date=episode.admission_date,
        last_date=today + timedelta(days=10),
        reference_number=f"PA-{episode.pk:05d}",
        status=Authorization.Status.APPROVED,
        next_review_date=today + timedelta(days=2),
    )
    stdout.write(f"  {episode.patient} has an authorization with two days left")
