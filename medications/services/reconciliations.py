"""Reconciliation (CLINICAL.md): at admission, at a medication-management visit and at
discharge, each active entry is marked continued, changed or stopped, entries added meanwhile
are new, and whoever reconciled signs it. Signing stops the entries marked stopped, freezes
each entry's state and hashes it all; a signed reconciliation is never changed (409)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from medications.models import (
    TEXT_LIMIT,
    Medication,
    MedicationChange,
    Reconciliation,
    ReconciliationItem,
    SignedReconciliationError,
)
from medications.services.access import require_medication_writer
from medications.services.entries import medication_stop
from patients.models import Episode, IntakeAssessment
from sessions.models import TherapySession

SIGNED = "The reconciliation is signed: it is never changed."
Decision = ReconciliationItem.Decision
REVIEW_DECISIONS = (Decision.CONTINUED, Decision.CHANGED, Decision.STOPPED)


def intake_medications(episode):
    """What the intake assessment recorded under medications, as written ("" if none)."""
    intake = IntakeAssessment.objects.filter(episode=episode).only("medications").first()
    return intake.medications if intake else ""


def _check_visit(session, *, episode, occasion):
    """A visit named is this episode's medication-management session, held (not cancelled or
    missed), and reconciled once."""
    if session is None:
        return
    if occasion != Reconciliation.Occasion.MEDICATION_VISIT:
        raise ValidationError({"session": "Only a medication-visit reconciliation names a visit."})
    if session.kind != TherapySession.Kind.MED_MGMT or session.episode_id != episode.pk:
        raise ValidationError(
            {"session": "Choose a medication-management visit of this patient's episode."}
        )
    if session.status in (TherapySession.Status.CANCELLED, TherapySession.Status.NO_SHOW):
        raise ValidationError({"session": "That visit did not take place."})
    if Reconciliation.objects.filter(session=session).exists():
        raise ValidationError({"session": "That visit's medications are already reconciled."})


@transaction.atomic
def reconciliation_start(*, episode, occasion, user, session=None, context=None):
    """A draft listing the patient's active entries, each still to decide. At admission its
    source is the intake's free-text medications; at a medication-management visit it may name
    the visit (`session`)."""
    require_medication_writer(user, episode.patient)
    if occasion not in Reconciliation.Occasion.values:
        raise ValidationError({"occasion": "Choose admission, a medication visit or discharge."})
    _check_visit(session, episode=episode, occasion=occasion)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status in (Episode.Status.DECLINED, Episode.Status.REFERRED):
        raise ValidationError({"episode": "Medications are reconciled once intake has begun."})
    if Reconciliation.objects.filter(episode=episode, status=Reconciliation.Status.DRAFT).exists():
        raise ValidationError(
            {"episode": "A reconciliation of this episode is already open: finish it first."}
        )
    source = intake_medications(episode) if occasion == Reconciliation.Occasion.ADMISSION else ""
    try:
        with transaction.atomic():
            reconciliation = Reconciliation.objects.create(
                patient_id=episode.patient_id,
                episode=episode,
                occasion=occasion,
                session=session,
                source_text=source,
                created_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            {"episode": "A reconciliation of this episode is already open: finish it first."}
        ) from None
    active = Medication.objects.filter(patient_id=episode.patient_id, stop_date=None)
    ReconciliationItem.objects.bulk_create(
        [ReconciliationItem(reconciliation=reconciliation, medication=m) for m in active]
    )
    audit_change(AuditEvent.Action.CREATE, reconciliation, user=user, context=context)
    return reconciliation


def _lock(reconciliation):
    reconciliation = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
    if reconciliation.is_signed:
        raise SignedReconciliationError(SIGNED)
    return reconciliation


def _clean_note(value, field, limit, errors):
    if not isinstance(value, str):
        errors[field] = "Expected text."
        return ""
    value = value.replace("\r\n", "\n").strip()
    if "\x00" in value:
        errors[field] = "The text holds a NUL character; remove it."
    elif len(value) > limit:
        errors[field] = f"At most {limit} characters (this has {len(value)})."
    return value


@transaction.atomic
def reconciliation_update(*, reconciliation, user, decisions=None, notes=None, context=None):
    """Record decisions ({medication id: {"decision": ..., "note": ...}}) and the notes of a
    draft. Only the entries it lists are decided here; entries added since it was started are
    "new" when it is signed."""
    require_medication_writer(user, reconciliation.patient)
    reconciliation = _lock(reconciliation)
    errors = {}
    items = {item.medication_id: item for item in reconciliation.items.all()}
    changed = []
    for medication_id, choice in (decisions or {}).items():
        key = f"decision_{medication_id}"
        item = items.get(_as_int(medication_id))
        if item is None:
            errors[key] = "This medication is not on this reconciliation."
            continue
        decision = (choice or {}).get("decision", item.decision)
        if decision not in (*REVIEW_DECISIONS, Decision.UNDECIDED):
            errors[key] = "Choose continued, changed or stopped."
            continue
        note = _clean_note((choice or {}).get("note", item.note), key, 300, errors)
        if (decision, note) != (item.decision, item.note):
            item.decision, item.note = decision, note
            changed.append(item)
    if notes is not None:
        reconciliation.notes = _clean_note(notes, "notes", TEXT_LIMIT, errors)
    if errors:
        raise ValidationError(errors)
    ReconciliationItem.objects.bulk_update(changed, ["decision", "note"])
    reconciliation.revision += 1
    reconciliation.save()
    audit_change(AuditEvent.Action.UPDATE, reconciliation, user=user, context=context)
    return reconciliation


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def reconciliation_sign(*, reconciliation, user, context=None):
    """Sign as the one who reconciled: every listed entry decided (one marked changed was
    changed since the reconciliation began), those marked stopped stop today, entries added
    since it began join as new; each entry's state is frozen and the whole is hashed."""
    require_medication_writer(user, reconciliation.patient)
    reconciliation = _lock(reconciliation)
    items = list(reconciliation.items.select_related("medication"))
    errors = {}
    changed_since = set(
        MedicationChange.objects.filter(
            patient_id=reconciliation.patient_id,
            kind=MedicationChange.Kind.CHANGED,
            changed_at__gte=reconciliation.created_at,
        ).values_list("medication_id", flat=True)
    )
    for item in items:
        key = f"decision_{item.medication_id}"
        if item.decision == Decision.UNDECIDED:
            errors[key] = f"Mark {item.medication} continued, changed or stopped."
        elif item.decision == Decision.CHANGED and item.medication_id not in changed_since:
            errors[key] = f"{item.medication} is marked changed: change the entry first."
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    for item in items:
        if item.decision == Decision.STOPPED and item.medication.is_active:
            item.medication = medication_stop(
                medication=item.medication,
                stop_date=today,
                reason=(item.note or "Stopped at reconciliation")[:200],
                user=user,
                context=context,
            )
    listed = {item.medication_id for item in items}
    added = Medication.objects.filter(
        patient_id=reconciliation.patient_id, created_at__gte=reconciliation.created_at
    ).exclude(pk__in=listed)
    items += ReconciliationItem.objects.bulk_create(
        [
            ReconciliationItem(reconciliation=reconciliation, medication=m, decision=Decision.NEW)
            for m in added
        ]
    )
    for item in items:
        item.state = item.medication.state()
    ReconciliationItem.objects.bulk_update(items, ["state"])
    reconciliation.status = Reconciliation.Status.SIGNED
    reconciliation.signed_by = user
    reconciliation.signed_at = timezone.now()
    reconciliation.revision += 1
    reconciliation.content_hash = reconciliation.compute_hash(items)
    reconciliation.save()
    audit_change(
        AuditEvent.Action.UPDATE, reconciliation, user=user, context=context, detail="signed"
    )
    return reconciliation


DISCHARGE_UNRECONCILED = (
    "Reconcile the medications at discharge first: the patient has current medications and this "
    "episode has no signed discharge reconciliation (Medications tab)."
)


def require_discharge_reconciliation(episode):
    """A discharge guard (`patients.extensions`): a patient with current medications leaves
    with them reconciled, in a signed discharge reconciliation of this episode. A patient with
    none on the list has nothing to reconcile."""
    on_medication = Medication.objects.filter(patient_id=episode.patient_id, stop_date=None)
    if not on_medication.exists():
        return
    reconciled = Reconciliation.objects.filter(
        episode_id=episode.pk,
        occasion=Reconciliation.Occasion.DISCHARGE,
        status=Reconciliation.Status.SIGNED,
    )
    if not reconciled.exists():
        raise ValidationError(DISCHARGE_UNRECONCILED)
