"""Consents recorded and revoked."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.validation import not_in_future
from patients.models import Consent

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


@transaction.atomic
def consent_record(*, patient, user, data, context=None):
    consent = Consent(patient=patient, recorded_by=user, **data)
    errors = {}
    if consent.kind == Consent.Kind.COMMUNICATIONS and not (
        consent.allow_email or consent.allow_sms
    ):
        errors["allow_email"] = "Tick at least one channel the patient agrees to."
    release_kinds = (Consent.Kind.RELEASE, Consent.Kind.PART2, Consent.Kind.COUNSELING_NOTES)
    consent.purposes = [p for p in Consent.Purpose.values if p in (consent.purposes or [])]
    consent.covers = [c for c in Consent.Covers.values if c in (consent.covers or [])]
    if consent.kind not in release_kinds:
        consent.purposes, consent.covers = [], []
    if consent.kind in release_kinds:
        if not consent.recipient.strip():
            errors["recipient"] = "Name who may receive the information."
        if not consent.purpose.strip():
            errors["purpose"] = "State the purpose of the disclosure."
    if consent.kind in (Consent.Kind.PART2, Consent.Kind.COUNSELING_NOTES):
        if not consent.scope.strip():
            errors["scope"] = "Describe how much and what kind of information may be disclosed."
        if not consent.expires_on and not consent.expiry_event.strip():
            errors["expires_on"] = "A Part 2 consent needs an expiry date or an ending event."
    if consent.expires_on and consent.expires_on < timezone.localdate():
        errors["expires_on"] = "The expiry date is in the past."
    try:
        not_in_future(consent.signed_at, field="signed_at", what="The signature date")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    consent.full_clean()
    consent.save()
    audit_change(CREATE, consent, user=user, context=context)
    return consent


REVOCATION_NOTE_MAX = 2000


@transaction.atomic
def consent_revoke(*, consent, user, note, context=None):
    """Revoke a consent, with the reason or how the patient revoked it (`note`, required: it
    is kept on the consent and shown with it)."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at:
        raise ValidationError("This consent is already revoked.")
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": "Say why the consent is revoked, or how the patient revoked it."}
        )
    if len(note) > REVOCATION_NOTE_MAX:
        raise ValidationError({"note": f"Keep the reason under {REVOCATION_NOTE_MAX} characters."})
    consent.revoked_at = timezone.now()
    consent.revoked_by = user
    consent.revocation_note = note
    consent.save()
    audit_change(UPDATE, consent, user=user, context=context, detail="revoked")
    return consent
