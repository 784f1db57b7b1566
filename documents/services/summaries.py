"""The discharge summary: prepared from the record once the episode is discharged, edited as a
draft (a stale save refused, nothing overwritten), signed by the episode's primary clinician
alone, who signs what the record says at that moment (frozen, with a content hash)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from documents.models import (
    TEXT_LIMIT,
    DischargeSummary,
    SignedSummaryError,
    StaleSummaryError,
)
from documents.selectors import prefill, summary_record
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.access import Access, access_level, routine_clinical_access
from patients.models import Episode

EDITABLE = ("narrative", "medications", "referrals")


def require_summary_access(user, patient):
    """The care team and the supervisors of the patient's programs (not emergency access)."""
    if access_level(user, patient) != Access.CLINICAL or not routine_clinical_access(user, patient):
        raise PermissionDenied("Only the care team and supervisors write discharge summaries.")


def _clean_text(data):
    cleaned, errors = {}, {}
    for name in EDITABLE:
        value = data.get(name, "")
        if not isinstance(value, str):
            errors[name] = "Expected text."
            continue
        value = value.replace("\r\n", "\n").strip()
        if "\x00" in value:
            errors[name] = "The text holds a NUL character; remove it."
        elif len(value) > TEXT_LIMIT:
            errors[name] = f"At most {TEXT_LIMIT} characters (this has {len(value)})."
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def discharge_summary_prepare(*, episode, user, context=None):
    """The episode's summary: the draft already begun, or a new one pre-filled from the record."""
    require_summary_access(user, episode.patient)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != Episode.Status.DISCHARGED:
        raise ValidationError("A discharge summary is written once the episode is discharged.")
    existing = DischargeSummary.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    summary = DischargeSummary.objects.create(
        episode=episode,
        patient_id=episode.patient_id,
        created_by=user,
        updated_by=user,
        **prefill(episode),
    )
    audit_change(AuditEvent.Action.CREATE, summary, user=user, context=context)
    return summary


def _lock(summary, revision):
    summary = DischargeSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.is_signed:
        raise SignedSummaryError("The discharge summary is signed: it is never changed.")
    try:
        revision = None if revision in ("", None) else int(revision)
    except (TypeError, ValueError):
        raise ValidationError({"revision": "The revision must be a whole number."}) from None
    if revision is not None and revision != summary.revision:
        who = summary.updated_by.display_name if summary.updated_by else "someone else"
        when = timezone.localtime(summary.updated_at)
        raise StaleSummaryError(
            f"{who} saved this summary at {when:%H:%M} after you opened it. Your changes were "
            "not saved; they are kept below. Review the current text and save again."
        )
    return summary


@transaction.atomic
def discharge_summary_update(*, summary, data, user, revision=None, context=None):
    require_summary_access(user, summary.patient)
    text = _clean_text(data)
    summary = _lock(summary, revision)
    for name, value in text.items():
        setattr(summary, name, value)
    summary.revision += 1
    summary.updated_by = user
    summary.save()
    audit_change(AuditEvent.Action.UPDATE, summary, user=user, context=context)
    return summary


@transaction.atomic
def discharge_summary_sign(*, summary, user, revision=None, context=None):
    """Sign as the episode's primary clinician: the record as it is now is frozen into the
    summary and the content hash covers it with the narrative."""
    require_summary_access(user, summary.patient)
    summary = _lock(summary, revision)
    episode = summary.episode
    if episode.primary_clinician_id != user.pk:
        who = episode.primary_clinician.display_name if episode.primary_clinician else "nobody"
        raise ValidationError(
            f"The discharge summary is signed by the primary clinician ({who}), not by you."
        )
    if not summary.narrative.strip():
        raise ValidationError({"narrative": "Write the course of treatment before signing."})
    summary.record = summary_record(episode)
    summary.status = DischargeSummary.Status.SIGNED
    summary.signed_by = user
    summary.signed_at = timezone.now()
    summary.updated_by = user
    summary.revision += 1
    summary.content_hash = summary.compute_hash()
    summary.save()
    audit_change(AuditEvent.Action.UPDATE, summary, user=user, context=context, detail="signed")
    return summary
