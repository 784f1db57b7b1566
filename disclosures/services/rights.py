"""Patients' rights requests: recorded, answered within 30 days, audited.

Who: anyone who may open the chart records a request (intake coordinators too: requests
arrive at the front desk, and recording one shows no clinical content); answering one, and
amending a note, is for the care team and supervisors.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosures.models import RIGHTS_RESPONSE_DAYS, Amendment, RightsRequest
from disclosures.services.releases import require_release_access
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.access import access_level
from sessions.models import NoteEntry
from sessions.services import addendum_add

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


def due_date(received_on):
    return received_on + timedelta(days=RIGHTS_RESPONSE_DAYS)


@transaction.atomic
def rights_request_record(*, patient, user, kind, received_on, details="", context=None):
    if access_level(user, patient) is None:
        raise PermissionDenied("You may not open this patient's chart.")
    errors = {}
    if kind not in RightsRequest.Kind.values:
        errors["kind"] = "Choose what the patient asks for."
    if received_on is None:
        errors["received_on"] = "Give the day the request was received."
    elif received_on > timezone.localdate():
        errors["received_on"] = "The day received is in the future."
    elif received_on < timezone.localdate() - timedelta(days=366):
        # A paper request entered late, yes; one received over a year ago is a mistyped year.
        errors["received_on"] = "The day received is more than a year ago: check the year."
    if errors:
        raise ValidationError(errors)
    request = RightsRequest.objects.create(
        patient=patient,
        kind=kind,
        details=(details or "").strip(),
        received_on=received_on,
        due_on=due_date(received_on),
        recorded_by=user,
    )
    audit_change(CREATE, request, user=user, context=context, detail=f"rights request: {kind}")
    return request


def _require_clinical(user, patient):
    """The care team and the patient's supervisors; not under emergency access alone."""
    require_release_access(user, patient, "answer rights requests")


@transaction.atomic
def rights_request_answer(*, request, user, outcome, reason="", context=None):
    """Close the request with its outcome; a denial (whole or partial) needs its reason."""
    _require_clinical(user, request.patient)
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RightsRequest.Status.CLOSED:
        raise ValidationError("This request is already answered.")
    if outcome not in RightsRequest.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    reason = (reason or "").strip()
    if outcome != RightsRequest.Outcome.GRANTED and not reason:
        raise ValidationError({"outcome_reason": "Give the reason for the denial."})
    request.status = RightsRequest.Status.CLOSED
    request.outcome = outcome
    request.outcome_reason = reason
    request.answered_on = timezone.localdate()
    request.handled_by = user
    request.save()
    audit_change(UPDATE, request, user=user, context=context, detail=f"answered: {outcome}")
    return request


@transaction.atomic
def amendment_add(*, request, note, text, user, context=None):
    """An amendment of a signed note: an addendum that cites the request, in its own (hashed)
    text and through the Amendment link. The note must hold this patient's part."""
    _require_clinical(user, request.patient)
    if request.kind != RightsRequest.Kind.AMENDMENT:
        raise ValidationError("Only an amendment request is answered with an addendum.")
    if request.status != RightsRequest.Status.OPEN:
        raise ValidationError("This request is already answered.")
    if not NoteEntry.objects.filter(note=note, patient=request.patient).exists():
        raise ValidationError({"note": "This note has no part for this patient."})
    if not (text or "").strip():
        raise ValidationError({"text": "Write the amendment."})
    citation = (
        f"Amendment at the patient's request no. {request.pk} "
        f"(received {request.received_on:%-d %b %Y}): "
    )
    addendum = addendum_add(note=note, text=citation + text.strip(), user=user, context=context)
    Amendment.objects.create(request=request, addendum=addendum)
    audit_change(
        UPDATE, request, user=user, context=context, detail=f"amendment addendum {addendum.pk}"
    )
    return addendum
