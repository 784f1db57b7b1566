"""The utilization-review packet: prepared by a clinician for the payer, it leaves the program,
so it is a disclosure and goes through the disclosures app's release rule
(`disclosures.services.release_create`): a consent in force naming the payer, allowing
payment and covering the plan, measures and attendance (for an SUD patient, a 42 CFR Part 2
consent); the redisclosure notice and the consent's scope on every page; a row in the
accounting of disclosures (when, what, to whom, under which consent, by whom) holding the PDF.

Who prepares and downloads one: the patient's care team and the supervisors of the patient's
program (the release rule's `require_release_access`; never under emergency access). A biller
sees that a packet was sent (when, by whom, to whom) and never its content: the packet holds
the plan, risk events and the clinician's justification, clinical text a biller never reads
(DESIGN.md).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.review_models import UrPacket
from billing.review_selectors import (
    UR_COVERS,
    UR_PURPOSE,
    UR_TITLE,
    payer_name,
    ur_packet_sections,
    ur_period,
)
from billing.services.reviews import plain_text
from disclosures.models import Disclosure
from disclosures.services import PreparedPacket, release_create
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change

JUSTIFICATION_LIMIT = 6000
JUSTIFICATION_MINIMUM = 20


def _justification(text):
    text = plain_text(text, "justification", JUSTIFICATION_LIMIT, multiline=True)
    if len(text) < JUSTIFICATION_MINIMUM:
        raise ValidationError(
            {
                "justification": "Write the case for continued stay (at least "
                f"{JUSTIFICATION_MINIMUM} characters): what remains to treat and why at this "
                "level of care."
            }
        )
    return text


def ur_packet_prepare(*, authorization, user, justification, consent, context=None):
    """Prepare the UR packet of `authorization`, release it to the payer under `consent` and
    record it (a `UrPacket` with the justification, the disclosure with the PDF). Answers the
    UrPacket. ValidationError (field errors; a refused release is audited as denied by the
    disclosures app) or PermissionDenied."""
    episode = authorization.episode
    patient = episode.patient
    payer = payer_name(authorization)
    if not payer:
        raise ValidationError(
            {"consent": "This authorization is under self-pay coverage: there is no payer."}
        )
    text = _justification(justification)
    period_from, period_to = ur_period(authorization)
    now = timezone.now()

    def content():
        return ur_packet_sections(
            authorization,
            period_from=period_from,
            period_to=period_to,
            justification=text,
            clinician=user,
        )

    def recorded(disclosure):
        packet = UrPacket(
            authorization=authorization,
            disclosure=disclosure,
            period_from=period_from,
            period_to=period_to,
            justification=text,
            prepared_by=user,
            prepared_at=now,
        )
        packet.full_clean(exclude=["disclosure"])
        packet.save()
        audit_change(
            AuditEvent.Action.CREATE,
            packet,
            user=user,
            context=context,
            detail=f"UR packet for authorization {authorization.pk}; disclosure {disclosure.pk}",
        )
        recorded.packet = packet

    reference = authorization.reference_number or f"#{authorization.pk}"
    data = {
        "recipient_kind": Disclosure.RecipientKind.ORGANISATION,
        "recipient_name": payer,
        "recipient_address": "",
        "recipient_contact": "",
        "purpose": UR_PURPOSE,
        "purpose_note": f"Utilization review, authorization {reference}",
        "sections": list(UR_COVERS),
        "consent": consent,
    }
    release_create(
        patient=patient,
        episode=episode,
        user=user,
        data=data,
        context=context,
        prepared=PreparedPacket(title=UR_TITLE, content=content, recorded=recorded),
    )
    return recorded.packet
