"""Demo data: the payers (Demo Health Plan, which every demo patient registered with, and a
few others; one inactive), a primary coverage for each open episode from the patient's
registered payer and member id (the first coverage's source), and an approved per-diem
authorization from the admission for each active episode. The clinician's first active patient
by name has one running low (at least 80 % used), and the authorization alerts are raised, so
the chart, the caseload, the billers' work list and the alerts show it."""

import contextlib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing import services
from billing.burndown import burndowns
from billing.claims.build import claims_build
from billing.claims.export import claims_export
from billing.demo_reviews import seed_reviews
from billing.models import Authorization, Coverage, Payer
from patients.models import Episode
from sessions.billing import PER_DIEM, per_diem_code

PAYERS = [
    ("Demo Health Plan", "DHP01", Payer.Kind.COMMERCIAL, True),
    ("State Medicaid", "SMCD1", Payer.Kind.MEDICAID, True),
    ("Medicare Part B", "MCRB1", Payer.Kind.MEDICARE, True),
    ("Old Mutual Health", "OMH01", Payer.Kind.COMMERCIAL, False),
]
AUTHORIZED_DAYS = 24
SERVICE_CODES = "90853 90832 90834 90837 90846 90847"
CLAIM_DAYS = 30  # the demo's claim lines: the last month of services


def seed(*, password, stdout):
    users = {u.username: u for u in get_user_model().objects.all()}
    admin, biller = users.get("admin"), users.get("biller")
    for name, payer_id, kind, active in PAYERS:
        if not Payer.objects.filter(name=name).exists():
            services.payer_save(
                payer=Payer(name=name, payer_id=payer_id, kind=kind, active=active), user=admin
            )
    stdout.write(f"  {len(PAYERS)} payers")
    if Coverage.objects.exists() or biller is None:
        stdout.write("  coverage already present; left as it is")
        return
    episodes = (
        Episode.objects.open()
        .select_related("patient", "program", "primary_clinician")
        .order_by("patient__legal_last_name", "pk")
    )
    today = timezone.localdate()
    low, made = None, []
    for episode in episodes:
        patient = episode.patient
        coverage = services.coverage_create(
            episode=episode,
            data={
                "payer": services.payer_named(patient.insurance_payer)
                or Payer.objects.get(name="Demo Health Plan"),
                "member_id": patient.insurance_member_id or f"DHP{patient.pk:06d}",
                "plan_name": "Choice PPO",
                "effective_from": episode.referral_date,
            },
            user=biller,
        )
        if episode.status != Episode.Status.ACTIVE or episode.admission_date is None:
            continue
        # What the payer authorizes follows how the program bills (never both): per-diem days
        # of the level's per-diem code, or units of the sessions' own codes.
        if episode.program.billing_mode == PER_DIEM:
            codes, unit = (per_diem_code(episode) or ("S9480", ""))[0], Authorization.Unit.DAYS
        else:
            codes, unit = SERVICE_CODES, Authorization.Unit.UNITS
        first = episode.admission_date
        authorization = services.authorization_create(
            episode=episode,
            data={
                "coverage": coverage,
                "level_of_care": episode.level_of_care,
                "service_codes": codes,
                "unit": unit,
                "number_authorized": AUTHORIZED_DAYS,
                "first_date": first,
                "last_date": max(first + timedelta(days=41), today + timedelta(days=10)),
                "reference_number": f"PA-{episode.pk:05d}",
                "status": Authorization.Status.APPROVED,
                "next_review_date": max(first + timedelta(days=28), today + timedelta(days=5)),
            },
            user=biller,
        )
        made.append(authorization)
        clinician = episode.primary_clinician
        if low is None and clinician is not None and clinician.username == "clinician":
            low = authorization
    counted = burndowns(made, today=today)
    for authorization in made:
        used = counted[authorization.pk].used
        if authorization == low:
            _running_low(authorization, used, biller, stdout)
        elif used * 2 + 4 > AUTHORIZED_DAYS:  # well under 80 %: only one runs low
            services.authorization_update(
                authorization=authorization, data={"number_authorized": used * 2 + 4}, user=biller
            )
    counts = services.authorization_alerts()
    stdout.write(
        f"  coverage and authorizations for {episodes.count()} open episodes; alerts: {counts}"
    )
    seed_reviews(stdout=stdout)
    _claim_lines(biller, today, stdout)


def _claim_lines(biller, today, stdout):
    """The last month's claim lines, built by the biller from the signed notes (those the
    record does not support yet held with their reasons), and its first half exported."""
    first = today - timedelta(days=CLAIM_DAYS - 1)
    result = claims_build(user=biller, first_date=first, last_date=today)
    half = first + timedelta(days=CLAIM_DAYS // 2 - 1)
    exported = 0
    # Nothing issued in that half would be refused (a demo loaded on a quiet month).
    with contextlib.suppress(ValidationError):
        exported = claims_export(user=biller, first_date=first, last_date=half).line_count
    stdout.write(
        f"  claim lines of the last {CLAIM_DAYS} days: {result.issued} issued, "
        f"{result.held} held; {exported} exported"
    )


def _running_low(authorization, counted, biller, stdout):
    """Leave two days: the days counted so far, and what was used before (carried over from
    the payer's earlier authorization) to reach at least eight."""
    used_before = max(0, 8 - counted)
    services.authorization_update(
        authorization=authorization,
        data={"used_before": used_before, "number_authorized": counted + used_before + 2},
        user=biller,
    )
    stdout.write(f"  {authorization.episode.patient} has an authorization running low")
