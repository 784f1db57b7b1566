"""Break the glass: emergency access to a chart off one's care team, and its review.

A clinician who is not on a patient's care team may open the chart in an emergency: they give
a reason, the chart opens for `EMERGENCY_ACCESS_MINUTES`, everything they do to that record
meanwhile is marked "emergency access" on the audit trail (`patients.access`), and each of the
patient's supervisors gets an alert and reviews the access afterwards.

Only clinicians break the glass. Supervisors already see their patients; intake coordinators
already see every patient's demographics, consents and intake, and break the glass into no
clinical content (plans, notes, alerts); admins never open charts.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change, audit_record
from patients.access import forget_emergency_grants
from patients.models import Alert, EmergencyAccess, Patient
from patients.selectors import emergency_patient_by_mrn, supervisors_of_patient
from patients.services.measures import alert_close, alert_raise

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
REASON_MIN_CHARS = 20
REASON_MIN_WORDS = 3
TEXT_MAX_CHARS = 1000


def _plausible_text(text, *, field, what):
    """Stripped text without control characters (a NUL above all), at most 1000 characters."""
    text = (text or "").strip()
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        raise ValidationError({field: f"The {what} contains control characters; retype it."})
    if len(text) > TEXT_MAX_CHARS:
        raise ValidationError({field: f"Keep the {what} under {TEXT_MAX_CHARS} characters."})
    return text


def emergency_reason_clean(reason):
    """A reason a reviewer can judge: at least 20 characters and three words, not filler."""
    text = _plausible_text(reason, field="reason", what="reason")
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    letters = {c.lower() for c in text if c.isalpha()}
    if len(text) < REASON_MIN_CHARS or len(words) < REASON_MIN_WORDS or len(letters) < 5:
        raise ValidationError(
            {
                "reason": ValidationError(
                    "Say what the emergency is and why you need this chart (at least "
                    f"{REASON_MIN_CHARS} characters, in words): your supervisors review it.",
                    code="reason",
                )
            }
        )
    return text


def _refusal(patient, user):
    """Why this user may not break the glass into this chart: (message, code), or None."""
    if not (user and user.is_authenticated and user.is_active):
        return "Your account cannot open charts.", "inactive"
    if user.is_superuser or user.has_role(Role.ADMIN):
        return "Administrators do not open charts, not even in an emergency.", "admin"
    if not user.has_role(*Role.CLINICAL):
        return (
            "Emergency access is for clinicians: intake keeps to demographics, consents and "
            "intake, which you already see. Ask the care team or a supervisor.",
            "not_clinician",
        )
    if Patient.objects.for_user(user).filter(pk=patient.pk).exists():
        return "You already have access to this chart.", "has_access"
    return None


def emergency_access_start(*, patient, user, reason, context=None):
    """Open `patient`'s chart to `user` for `EMERGENCY_ACCESS_MINUTES`, with a reason; alert
    the patient's supervisors. Refused (and the refusal audited) for anyone who already has
    access, admins, inactive accounts and non-clinicians; a reason that says nothing is
    refused too."""
    refusal = _refusal(patient, user)
    if refusal is not None:
        message, code = refusal
        audit_record(
            action=AuditEvent.Action.DENIED,
            context=context,
            user=user if user and user.is_authenticated else None,
            object_type=EmergencyAccess._meta.label_lower,
            patient_id=patient.pk,
            outcome=AuditEvent.Outcome.DENIED,
            detail=f"emergency access refused: {code}",
        )
        raise ValidationError(message, code=code)
    reason = emergency_reason_clean(reason)
    with transaction.atomic():
        now = timezone.now()
        grant = EmergencyAccess.objects.create(
            user=user,
            patient=patient,
            reason=reason,
            started_at=now,
            ends_at=now + timedelta(minutes=settings.EMERGENCY_ACCESS_MINUTES),
        )
        forget_emergency_grants(user)
        audit_change(CREATE, grant, user=user, context=context, detail="started")
        _alert_supervisors(grant, user=user, context=context)
    return grant


def emergency_access_start_by_mrn(*, mrn, user, reason, context=None):
    """`emergency_access_start` for the patient with exactly this MRN (the break-the-glass
    form). The reason is checked first, so probing MRNs costs a reason each time; an MRN that
    names no patient is refused and audited like any refusal."""
    emergency_reason_clean(reason)
    patient = emergency_patient_by_mrn(mrn)
    if patient is None:
        audit_record(
            action=AuditEvent.Action.DENIED,
            context=context,
            user=user,
            object_type=EmergencyAccess._meta.label_lower,
            outcome=AuditEvent.Outcome.DENIED,
            detail="emergency access refused: unknown MRN",
        )
        raise ValidationError(
            {"mrn": ValidationError("No patient has this MRN. Check it.", code="unknown_mrn")}
        )
    return emergency_access_start(patient=patient, user=user, reason=reason, context=context)


def _alert_supervisors(grant, *, user, context):
    until = timezone.localtime(grant.ends_at)
    episode = grant.patient.episodes.open().first()
    for supervisor in supervisors_of_patient(grant.patient):
        if supervisor.pk == user.pk:
            continue
        alert_raise(
            patient=grant.patient,
            episode=episode,
            kind=Alert.Kind.EMERGENCY_ACCESS,
            title=f"Emergency access to this chart by {user.display_name}",
            detail=f"Open until {until:%H:%M}. Reason given: {grant.reason}",
            priority=Alert.Priority.HIGH,
            source=grant,
            dedupe_key=f"emergency:{grant.pk}:{supervisor.pk}",
            assigned_to=supervisor,
            action_url=reverse("patients:emergency-reviews"),
            user=user,
            context=context,
        )


@transaction.atomic
def emergency_access_review(*, access, user, status, note="", context=None):
    """A supervisor's review of an emergency access: appropriate, or a concern (with a note).

    Not of one's own access, once only; it closes the access's alerts.
    """
    if not (user.is_active and user.has_role(Role.SUPERVISOR)):
        raise PermissionDenied("Only supervisors review emergency access.")
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.user_id == user.pk:
        raise ValidationError("Another supervisor reviews your own emergency access.")
    # The supervisors of the patient's programs review (a director: all), not whoever holds a
    # grant or a care-team place on the patient.
    if not EmergencyAccess.objects.for_reviewer(user).filter(pk=access.pk).exists():
        raise PermissionDenied("This patient is not in your programs.")
    if access.is_reviewed:
        raise ValidationError(
            f"Already reviewed by {access.reviewed_by} at "
            f"{timezone.localtime(access.reviewed_at):%Y-%m-%d %H:%M}."
        )
    if status not in (EmergencyAccess.Review.REVIEWED, EmergencyAccess.Review.CONCERN):
        raise ValidationError({"review_status": "Choose reviewed or concern raised."})
    note = _plausible_text(note, field="review_note", what="note")
    if status == EmergencyAccess.Review.CONCERN and not note:
        raise ValidationError({"review_note": "Say what the concern is."})
    access.review_status = status
    access.reviewed_by = user
    access.reviewed_at = timezone.now()
    access.review_note = note
    access.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_note"])
    audit_change(UPDATE, access, user=user, context=context, detail=f"review: {status}")
    label = EmergencyAccess.Review(status).label.lower()
    alerts = Alert.objects.open().filter(
        source_type=EmergencyAccess._meta.label_lower, source_id=str(access.pk)
    )
    for alert in alerts:
        alert_close(
            alert=alert,
            user=user,
            action_taken=f"Emergency access {label} by {user.display_name}.",
            context=context,
        )
    return access
