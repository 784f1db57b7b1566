"""Measures scored and stored item by item; the alerts every app raises, and closing them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.instruments import InstrumentError, get_instrument
from patients.models import Alert, EmergencyAccess, MeasureAnswer, MeasureResponse

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


@transaction.atomic
def measure_record(
    *, patient, instrument_code, responses, user, episode=None, administered_at=None, context=None
):
    """Score and store one administration item by item; raise a risk alert when it calls for one.

    Raises ValidationError naming the item for a missing, extra or out-of-range answer, and
    stores nothing then.
    """
    try:
        instrument = get_instrument(instrument_code)
    except KeyError:
        raise ValidationError({"instrument": f"Unknown instrument {instrument_code!r}."}) from None
    if administered_at and timezone.localdate(administered_at) < patient.date_of_birth:
        raise ValidationError({"administered_at": "This is before the patient's date of birth."})
    if episode is None:
        episode = patient.episodes.open().first() or patient.episodes.first()
    program = episode.program if episode else None
    try:
        answers = instrument.validate(responses)
        score = instrument.score(
            answers, sex=patient.sex, pcl5_cutoff=program.pcl5_cutoff if program else 33
        )
    except InstrumentError as exc:
        raise ValidationError(
            {"responses": [f"{k}: {v}" if k != "responses" else v for k, v in exc.errors.items()]}
        ) from None
    response = MeasureResponse.objects.create(
        patient=patient,
        episode=episode,
        instrument=instrument.code,
        administered_at=administered_at or timezone.now(),
        total_score=score.total,
        severity=score.severity,
        flags=list(score.flags),
        subscores=score.subscores,
        recorded_by=user,
    )
    MeasureAnswer.objects.bulk_create(
        MeasureAnswer(response=response, position=i, item_code=item.code, value=int(answer))
        for i, (item, answer) in enumerate(zip(instrument.items, answers, strict=True), start=1)
    )
    audit_change(CREATE, response, user=user, context=context)
    if response.raises_risk_alert:
        risk_alert_from_measure(response=response, user=user, context=context)
    return response


def risk_alert_from_measure(*, response, user=None, context=None):
    """The risk alert a measure raises. A C-SSRS at moderate or high sets that risk level and
    asks for the safety plan; PHQ-9 item 9 is a screen: its alert asks for a C-SSRS (or a
    clinician's risk assessment) today and sets no risk level (CLINICAL.md)."""
    instrument = response.definition
    if response.instrument == "CSSRS":
        level = response.severity
        title = f"C-SSRS screener: {level} suicide risk"
        detail = "Same-day follow-up needed: review or create the safety plan."
        action_url = ""
    else:
        level = ""
        title = (
            f"{instrument.name} item 9 (thoughts of death or self-harm) answered above 0: "
            "C-SSRS needed today"
        )
        detail = (
            "Same-day follow-up: give a C-SSRS screener or record a clinician's risk assessment "
            "today. The risk level and any safety plan follow from that assessment."
        )
        action_url = reverse("patients:risk", args=[response.patient_id])
    return alert_raise(
        patient=response.patient,
        episode=response.episode,
        kind=Alert.Kind.RISK,
        title=title,
        detail=detail,
        priority=Alert.Priority.URGENT,
        risk_level=level,
        source=response,
        dedupe_key=f"risk:measure:{response.pk}",
        action_url=action_url,
        user=user,
        context=context,
    )


def alert_raise(
    *,
    patient,
    kind,
    title,
    episode=None,
    detail="",
    priority=Alert.Priority.ROUTINE,
    risk_level="",
    source=None,
    dedupe_key="",
    assigned_to=None,
    action_url="",
    program=None,
    user=None,
    context=None,
):
    """Raise an alert once. Every app raises its alerts here; a repeated dedupe_key is a no-op.

    Assigned to the episode's primary clinician unless told otherwise; the supervisors of
    `program` (the episode's unless told otherwise, e.g. a group's) and the clinical directors
    see it in their queue.
    """
    if episode is None and patient is not None:
        episode = patient.episodes.open().first()
    if assigned_to is None and episode is not None:
        assigned_to = episode.primary_clinician
    if program is None and episode is not None:
        program = episode.program
    if dedupe_key:
        existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                patient=patient,
                episode=episode,
                program=program,
                kind=kind,
                title=title[:200],
                detail=detail,
                priority=priority,
                risk_level=risk_level,
                assigned_to=assigned_to,
                source_type=source._meta.label_lower if source is not None else "",
                source_id=str(source.pk) if source is not None else "",
                dedupe_key=dedupe_key,
                action_url=action_url,
            )
    except IntegrityError:
        # Raised concurrently by another process: the constraint kept it to one.
        return Alert.objects.get(dedupe_key=dedupe_key)
    audit_change(CREATE, alert, user=user, context=context)
    return alert


def _reviews_emergency_alert(user, alert):
    """Whether `user` may close an emergency access alert: a supervisor who reviews that
    access (of the patient's programs, or a director), never its holder (a supervisor of
    another program who broke the glass reads the chart's alerts meanwhile)."""
    if not user.has_role(Role.SUPERVISOR):
        return False
    grants = EmergencyAccess.objects.for_reviewer(user).exclude(user=user)
    return grants.filter(pk=alert.source_id or None).exists()


@transaction.atomic
def alert_close(*, alert, user, action_taken="", context=None):
    """Close an alert. A risk alert needs an acknowledgement of what was done."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_open:
        raise ValidationError(
            f"This alert was already closed by {alert.closed_by} at "
            f"{timezone.localtime(alert.closed_at):%Y-%m-%d %H:%M}."
        )
    if alert.kind == Alert.Kind.EMERGENCY_ACCESS and not _reviews_emergency_alert(user, alert):
        # Else whoever broke the glass (who reads this chart meanwhile), a clinician or a
        # supervisor of another program, could close the alert about it.
        raise ValidationError(
            "Alerts of emergency access close when a supervisor reviews the access."
        )
    action_taken = (action_taken or "").strip()
    if alert.needs_acknowledgement and not action_taken:
        raise ValidationError(
            {"action_taken": "Record what was done (e.g. risk assessed, safety plan reviewed)."}
        )
    alert.status = Alert.Status.CLOSED
    alert.closed_by = user
    alert.closed_at = timezone.now()
    alert.action_taken = action_taken
    alert.save()
    audit_change(UPDATE, alert, user=user, context=context, detail="acknowledged")
    return alert
