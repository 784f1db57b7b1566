"""Groups and their schedules, and booking, moving and cancelling sessions."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.validation import session_time_in_range
from patients.models import Episode
from sessions.models import FamilyMember, TherapyGroup, TherapySession
from sessions.services.conflicts import Booking, booking_conflicts

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


def local(dt):
    return timezone.localtime(dt)


def week_start(day):
    return day - timedelta(days=day.weekday())


def group_slots(group, first_day, last_day):
    """The group's session start times between two dates, in local time (DST-aware)."""
    tz = timezone.get_current_timezone()
    day = first_day
    while day <= last_day:
        if day.weekday() in group.schedule_days:
            yield datetime.combine(day, group.start_time, tzinfo=tz)
        day += timedelta(days=1)


def group_schedule_generate(*, weeks=4, start=None, group=None, user=None):
    """Create each active group's sessions for the coming weeks. Never twice for a slot: the
    (group, start) unique constraint holds even when two runs race. Returns the count made."""
    first = start or timezone.localdate()
    last = first + timedelta(weeks=weeks) - timedelta(days=1)
    groups = [group] if group else TherapyGroup.objects.filter(is_active=True)
    created = 0
    for g in groups:
        facilitators = list(g.facilitators.all())
        existing = set(
            TherapySession.objects.filter(
                group=g, starts_at__date__gte=first - timedelta(1)
            ).values_list("starts_at", flat=True)
        )
        for starts_at in group_slots(g, first, last):
            if starts_at in existing:
                continue
            try:
                with transaction.atomic():
                    session = TherapySession.objects.create(
                        kind=TherapySession.Kind.GROUP,
                        group=g,
                        starts_at=starts_at,
                        duration_minutes=g.duration_minutes,
                        location=g.location,
                        delivery=g.delivery,
                        place_of_service=g.place_of_service,
                        telehealth_modifier=g.telehealth_modifier,
                        created_by=user,
                    )
                    session.clinicians.set(facilitators)
            except IntegrityError:
                continue  # another run made it first
            created += 1
    return created


PRESCRIBER_NEEDED = (
    "A medication-management visit needs a prescriber (a clinician with a prescriber "
    "credential: psychiatrist, physician, NP or PA) among its clinicians."
)


def prescriber_errors(kind, clinicians):
    """{"clinicians": message} when a medication-management visit has no prescriber among its
    clinicians (CLINICAL.md, "Medications and psychiatric monitoring"); {} otherwise."""
    if kind != TherapySession.Kind.MED_MGMT or not clinicians:
        return {}
    ids = [c.pk for c in clinicians]
    if get_user_model().objects.prescribers().filter(pk__in=ids).exists():
        return {}
    return {"clinicians": PRESCRIBER_NEEDED}


def require_free(booking, starts_at):
    """Refuse a time when a clinician, the room or the patient is already taken: each clash
    under its form field (clinicians, location, episode)."""
    (slot,) = booking_conflicts(booking, [starts_at])
    errors = {}
    for clash in slot.clashes:
        errors.setdefault(clash.field, []).append(clash.message)
    if errors:
        raise ValidationError(errors)


def episode_date_errors(episode, days):
    """Messages for days after the episode's discharge date (nothing is booked after it)."""
    if episode is None or not days:
        return []
    name = episode.patient.display_name
    errors = []
    if episode.discharge_date is not None and max(days) > episode.discharge_date:
        errors.append(
            f"{name} is discharged on {episode.discharge_date:%-d %b %Y}: nothing is booked "
            "after discharge."
        )
    return errors


@transaction.atomic
def session_schedule(
    *,
    kind,
    starts_at,
    duration_minutes,
    clinicians,
    user,
    episode=None,
    delivery=TherapySession.Delivery.IN_PERSON,
    location="",
    telehealth_link="",
    family_members=(),
    patient_present=None,
    place_of_service="",
    telehealth_modifier="",
    context=None,
):
    """Book an individual, family, intake, medication or workshop session.

    Refuses a clinician who is already booked then, and a patient outside an active episode.
    A telehealth session records its place of service (02/10) and modifier (95/93).
    """
    errors = {}
    if kind == TherapySession.Kind.GROUP:
        errors["kind"] = "Group sessions come from the group's schedule."
    if not clinicians:
        errors["clinicians"] = "Choose at least one clinician."
    errors.update(prescriber_errors(kind, clinicians))
    if duration_minutes is None or not 5 <= duration_minutes <= 600:
        errors["duration_minutes"] = "Give a duration between 5 and 600 minutes."
    if kind != TherapySession.Kind.WORKSHOP:
        allowed = {Episode.Status.ACTIVE}
        if kind == TherapySession.Kind.INTAKE_EVAL:
            allowed.add(Episode.Status.INTAKE)
        if episode is None:
            errors["episode"] = "Choose the patient (their episode of care)."
        elif episode.status not in allowed:
            errors["episode"] = (
                f"{episode.patient.display_name} is not in an active episode "
                f"({episode.get_status_display().lower()}); admit them first."
            )
    if delivery == TherapySession.Delivery.TELEHEALTH:
        if not telehealth_link:
            errors["telehealth_link"] = "Add the telehealth link."
        if place_of_service not in dict(TherapySession.POS):
            errors["place_of_service"] = (
                "Choose the place of service: 02 (not at home) or 10 (at home)."
            )
        if telehealth_modifier not in dict(TherapySession.MODIFIERS):
            errors["telehealth_modifier"] = (
                "Choose the modifier: 95 (audio-video) or 93 (audio-only)."
            )
    else:
        place_of_service = telehealth_modifier = ""
    try:
        session_time_in_range(starts_at)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    day_errors = episode_date_errors(episode, [local(starts_at).date()])
    if day_errors:
        raise ValidationError({"starts_at": day_errors})
    booking = Booking(duration_minutes, clinicians, location, delivery, episode)
    require_free(booking, starts_at)
    session = TherapySession.objects.create(
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        delivery=delivery,
        location=location,
        telehealth_link=telehealth_link,
        place_of_service=place_of_service,
        telehealth_modifier=telehealth_modifier,
        episode=episode,
        patient_id=episode.patient_id if episode else None,
        created_by=user,
        patient_present=patient_present if kind == TherapySession.Kind.FAMILY else None,
    )
    session.clinicians.set(clinicians)
    for member in family_members:
        FamilyMember.objects.create(session=session, **member)
    audit_change(CREATE, session, user=user, context=context)
    _remind_soon(session)
    return session


def _remind_soon(session):
    """A session booked (or moved) inside a reminder lead time is reminded at once, not at the
    next beat. Enqueued only if the transaction commits."""
    from sessions.tasks import send_reminders

    if session.starts_at - timezone.now() <= timedelta(hours=48):
        send_reminders.delay_on_commit()


@transaction.atomic
def session_reschedule(*, session, starts_at, user, duration_minutes=None, context=None):
    session_time_in_range(starts_at)
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status != TherapySession.Status.SCHEDULED:
        raise ValidationError("Only a scheduled session can be moved.")
    duration = duration_minutes or session.duration_minutes
    if not 5 <= duration <= 600:
        raise ValidationError({"duration_minutes": "Give a duration between 5 and 600 minutes."})
    day_errors = episode_date_errors(session.episode, [local(starts_at).date()])
    if day_errors:
        raise ValidationError({"starts_at": day_errors})
    clinicians = list(session.clinicians.all())
    no_prescriber = prescriber_errors(session.kind, clinicians)
    if no_prescriber:
        raise ValidationError(
            "None of this medication-management visit's clinicians is a prescriber any more: "
            "cancel it and book it with a prescriber."
        )
    booking = Booking(
        duration,
        clinicians,
        session.location,
        session.delivery,
        session.episode,
        exclude_ids=(session.pk,),
    )
    require_free(booking, starts_at)
    session.starts_at, session.duration_minutes = starts_at, duration
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise ValidationError("The group already meets at that time.") from None
    # Its attendance carries its start (the weekly hours read it by episode and time).
    session.attendance.update(session_starts_at=starts_at)
    audit_change(UPDATE, session, user=user, context=context, detail="rescheduled")
    _remind_soon(session)
    return session


CANCEL_REASON_MAX = TherapySession._meta.get_field("cancel_reason").max_length


def cancel_reason_clean(reason, *, missing="Say why the session is cancelled."):
    """A cancellation's reason, stripped; refused when blank, too long or unstorable."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {CANCEL_REASON_MAX} characters."})
    if "\x00" in reason:
        raise ValidationError({"reason": "The reason holds a character that cannot be stored."})
    return reason


@transaction.atomic
def session_cancel(*, session, user, reason, context=None):
    """Cancel a scheduled session, saying why (kept on the session and shown with it)."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status != TherapySession.Status.SCHEDULED:
        raise ValidationError("Only a scheduled session can be cancelled.")
    reason = cancel_reason_clean(reason)
    session.status = TherapySession.Status.CANCELLED
    session.cancel_reason, session.cancelled_by = reason, user
    session.cancelled_at = timezone.now()
    session.save(update_fields=["status", "cancel_reason", "cancelled_by", "cancelled_at"])
    audit_change(UPDATE, session, user=user, context=context, detail="cancelled, reason recorded")
    return session
