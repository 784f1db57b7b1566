"""Adding, changing and stopping a medication entry: each writes the entry, its history row
(who, when, each field's old and new value) and the audit event, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.errors import ConflictError
from medications.models import Medication, MedicationChange
from medications.services.access import require_medication_writer
from medications.services.validation import FIELDS, check_stop, clean_entry, clean_text
from patients.models import Episode


class StaleMedicationError(ConflictError):
    """Someone changed the entry after this editor loaded it."""


def _value(value):
    """A field's value as the history stores it (JSON)."""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def current_episode(patient, *, episodes=None):
    """The episode an entry is recorded in: the open one, else the latest. `episodes`: all
    the patient's episodes when already read (the chart header's): no query then."""
    if episodes is not None:
        open_ones = [e for e in episodes if e.is_open]
        return max(open_ones or episodes, key=lambda e: e.pk, default=None)
    episodes = Episode.objects.filter(patient=patient)
    episode = episodes.filter(status__in=Episode.OPEN_STATUSES).order_by("-pk").first()
    return episode or episodes.order_by("-pk").first()


@transaction.atomic
def medication_add(*, patient, data, user, context=None):
    """A new entry on the list (active unless `data` gives a stop date of the past)."""
    require_medication_writer(user, patient)
    fields = clean_entry(data, patient=patient)
    stop_date = data.get("stop_date")
    errors = {}
    stop_reason = clean_text("stop_reason", data.get("stop_reason"), errors)
    if errors:
        raise ValidationError(errors)
    if stop_date is not None:
        check_stop(stop_date, start_date=fields["start_date"])
    medication = Medication(
        patient=patient,
        episode=current_episode(patient),
        created_by=user,
        stop_date=stop_date,
        stop_reason=stop_reason if stop_date else "",
        **fields,
    )
    medication.save()
    MedicationChange.objects.create(
        medication=medication,
        patient=patient,
        kind=MedicationChange.Kind.ADDED,
        changed_by=user,
        changes={
            name: [None, _value(getattr(medication, name))]
            for name in (*FIELDS, "stop_date")
            if getattr(medication, name) not in (None, "")
        },
    )
    audit_change(AuditEvent.Action.CREATE, medication, user=user, context=context)
    return medication


def _lock(medication, revision):
    medication = Medication.objects.select_for_update().get(pk=medication.pk)
    if revision in ("", None):
        return medication
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        raise ValidationError({"revision": "The revision must be a whole number."}) from None
    if revision != medication.revision:
        when = timezone.localtime(medication.updated_at)
        raise StaleMedicationError(
            f"This entry was changed at {when:%H:%M} after you opened it. Your changes were not "
            "saved; they are kept below. Review the entry and save again."
        )
    return medication


@transaction.atomic
def medication_change(*, medication, data, user, revision=None, context=None):
    """Change an active entry's fields (those `data` gives; the others stay). Nothing changed:
    no history row, no event."""
    require_medication_writer(user, medication.patient)
    medication = _lock(medication, revision)
    if not medication.is_active:
        raise ValidationError("A stopped medication is not changed; add it again if restarted.")
    merged = {name: getattr(medication, name) for name in FIELDS}
    merged.update({name: value for name, value in data.items() if name in FIELDS})
    if "prescriber" in data and data["prescriber"] is not None and "prescriber_name" not in data:
        merged["prescriber_name"] = ""
    if "prescriber_name" in data and data["prescriber_name"] and "prescriber" not in data:
        merged["prescriber"] = None
    fields = clean_entry(
        merged, patient=medication.patient, kept_prescriber_id=medication.prescriber_id
    )
    changes = {}
    for name, value in fields.items():
        old = getattr(medication, name)
        if _value(old) != _value(value):
            changes[name] = [_value(old), _value(value)]
            setattr(medication, name, value)
    if not changes:
        return medication
    medication.revision += 1
    medication.save()
    MedicationChange.objects.create(
        medication=medication,
        patient_id=medication.patient_id,
        kind=MedicationChange.Kind.CHANGED,
        changed_by=user,
        changes=changes,
    )
    audit_change(
        AuditEvent.Action.UPDATE,
        medication,
        user=user,
        context=context,
        detail="changed: " + ", ".join(sorted(changes)),
    )
    return medication


@transaction.atomic
def medication_stop(*, medication, stop_date, reason="", user, revision=None, context=None):
    require_medication_writer(user, medication.patient)
    medication = _lock(medication, revision)
    if not medication.is_active:
        raise ValidationError("This medication is already stopped.")
    errors = {}
    reason = clean_text("stop_reason", reason, errors)
    if errors:
        raise ValidationError(errors)
    check_stop(stop_date, start_date=medication.start_date)
    medication.stop_date = stop_date
    medication.stop_reason = reason
    medication.revision += 1
    medication.save()
    MedicationChange.objects.create(
        medication=medication,
        patient_id=medication.patient_id,
        kind=MedicationChange.Kind.STOPPED,
        changed_by=user,
        changes={
            "stop_date": [None, stop_date.isoformat()],
            **({"stop_reason": ["", reason]} if reason else {}),
        },
    )
    audit_change(AuditEvent.Action.UPDATE, medication, user=user, context=context, detail="stopped")
    return medication
