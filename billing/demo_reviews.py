"""Demo data for utilization reviews: on the demo authorization running low (the one with an
open "Authorization 80 % used" alert, else the clinician's first active patient's), the
patient's consent naming the payer for payment, a UR packet the primary clinician prepared and
released to the payer (in the accounting of disclosures), and the payer's concurrent review of
today, pended for the packet (a pended review extends nothing, so the authorization still runs
low on the chart)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from billing.models import Authorization
from billing.review_models import UtilizationReview
from billing.review_selectors import UR_COVERS, UR_PURPOSE, payer_name
from billing.services.reviews import review_record
from billing.services.ur_packets import ur_packet_prepare
from patients import services as patient_services
from patients.models import Alert, Consent, Episode

JUSTIFICATION = (
    "PHQ-9 has fallen but remains in the moderate range, and the patient still reports "
    "passive thoughts of death on bad days; the safety plan is in use. Behavioural activation "
    "is half done and sleep is not yet restored. Two more weeks of IOP (three group days a "
    "week and weekly individual CBT) are needed to consolidate the gains before stepping down "
    "to weekly outpatient therapy."
)


def _authorization():
    alert = (
        Alert.objects.open()
        .filter(kind=Alert.Kind.AUTH_LOW, source_type="billing.authorization")
        .order_by("pk")
        .first()
    )
    approved = Authorization.objects.approved().select_related(
        "episode__patient", "episode__primary_clinician", "coverage__payer"
    )
    if alert is not None:
        found = approved.filter(pk=alert.source_id).first()
        if found is not None:
            return found
    return (
        approved.filter(
            episode__status=Episode.Status.ACTIVE,
            episode__primary_clinician__username="clinician",
            coverage__payer__isnull=False,
        )
        .order_by("episode__patient__legal_last_name", "pk")
        .first()
    )


def seed_reviews(*, stdout):
    if UtilizationReview.objects.exists():
        stdout.write("  utilization reviews already present; left as they are")
        return
    authorization = _authorization()
    intake = get_user_model().objects.filter(username="intake").first()
    if authorization is None or intake is None:
        return
    episode = authorization.episode
    patient, clinician = episode.patient, episode.primary_clinician
    today = timezone.localdate()
    kind = Consent.Kind.PART2 if episode.is_sud else Consent.Kind.RELEASE
    consent = patient_services.consent_record(
        patient=patient,
        user=intake,
        data={
            "kind": kind,
            "recipient": payer_name(authorization),
            "purpose": "Payment: utilization review of the authorized days",
            "purposes": [UR_PURPOSE],
            "covers": list(UR_COVERS),
            "scope": "Treatment plan, attendance and hours, measure scores and risk events",
            "expires_on": today + timedelta(days=365),
            "signed_by_name": patient.legal_name,
            "signed_at": timezone.now() - timedelta(days=1),
        },
    )
    packet = ur_packet_prepare(
        authorization=authorization, user=clinician, justification=JUSTIFICATION, consent=consent
    )
    review_record(
        authorization=authorization,
        user=clinician,
        data={
            "review_date": today,
            "kind": UtilizationReview.Kind.CONCURRENT,
            "reviewer_name": "Dana Reyes, RN (care manager)",
            "reviewer_phone": "555-0142 ext 12",
            "outcome": UtilizationReview.Outcome.PENDED,
            "granted": 0,
            "next_review_date": today + timedelta(days=2),
            "notes": "Packet received; decision within two business days.",
        },
    )
    stdout.write(
        f"  a UR packet for {patient} released to {packet.disclosure.recipient_name}, "
        "and the payer's concurrent review pended"
    )
