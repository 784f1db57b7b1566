"""Results per analyte: each judged expected or unexpected against the medication list of the
collection day; an unexpected one alerts the episode's primary clinician."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.models import Alert
from patients.services.measures import alert_raise
from screens.models import ScreenOrder, ScreenResult
from screens.services.access import require_screen_writer
from screens.services.orders import ClosedOrderError
from screens.services.rules import judge, prescribed_on


@transaction.atomic
def results_record(*, order, values, user, context=None):
    """Record a collected screen's results, one value per analyte of its panel (`values`:
    {code: "negative" | "positive" | "invalid"}). Returns the results."""
    require_screen_writer(user, order.patient)
    order = (
        ScreenOrder.objects.select_for_update()
        .select_related("patient", "episode")
        .get(pk=order.pk)
    )
    if order.status != ScreenOrder.Status.COLLECTED:
        if order.is_closed:
            raise ClosedOrderError(f"This screen is already {order.get_status_display().lower()}.")
        raise ValidationError("Record the collection before the results.")
    if not isinstance(values, dict):
        raise ValidationError({"results": "Give one value per analyte."})
    errors = {}
    for code in order.panel:
        if values.get(code) not in ScreenResult.Value.values:
            errors[code] = "Choose negative, positive or invalid."
    extra = sorted(set(values) - set(order.panel))
    if extra:
        errors["results"] = "Not on this screen's panel: " + ", ".join(str(c)[:8] for c in extra)
    if errors:
        raise ValidationError(errors)
    prescribed = prescribed_on(order.patient, timezone.localtime(order.collected_at).date())
    results = []
    for code in order.panel:
        reading, explanation = judge(code, values[code], prescribed)
        results.append(
            ScreenResult(
                order=order,
                patient_id=order.patient_id,
                analyte=code,
                value=values[code],
                reading=reading,
                explanation=explanation,
                prescribed=code in prescribed,
                entered_by=user,
            )
        )
    ScreenResult.objects.bulk_create(results)
    order.status = ScreenOrder.Status.RESULTED
    order.closed_by = user
    order.closed_at = timezone.now()
    order.save()
    unexpected = [r for r in results if r.reading == ScreenResult.Reading.UNEXPECTED]
    flagged = [r for r in results if r.reading == ScreenResult.Reading.FLAGGED]
    audit_change(
        AuditEvent.Action.UPDATE,
        order,
        user=user,
        context=context,
        detail=f"resulted: {len(unexpected)} unexpected, {len(flagged)} invalid",
    )
    if unexpected:
        alert_raise(
            patient=order.patient,
            episode=order.episode,
            kind=Alert.Kind.UNEXPECTED_SCREEN,
            title=f"Unexpected drug screen on {order.due_date:%d %b %Y}: "
            + ", ".join(f"{r.analyte} {r.value}" for r in unexpected),
            detail=" ".join(r.explanation for r in unexpected)
            + " A clinical conversation, never an automatic discharge.",
            priority=Alert.Priority.HIGH,
            source=order,
            dedupe_key=f"screen:unexpected:{order.pk}",
            action_url=order.get_absolute_url(),
            user=user,
            context=context,
        )
    return results
