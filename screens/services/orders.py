"""Screening settings, random draws, orders, collection, refusal and missed screens. Every write
checks who may make it, validates what it stores and writes its audit event."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.errors import ConflictError
from patients.models import Alert, Episode
from patients.services.measures import alert_raise
from screens.models import ScreenDraw, ScreeningSettings, ScreenOrder, Specimen
from screens.panel import clean_panel
from screens.services.access import require_screen_writer, require_settings_writer
from screens.services.days import candidate_days

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
NOTE_LIMIT = 500
DRAW_MAX_DAYS = 92
ORDER_DAYS_AHEAD = 92
TEMPERATURE_RANGE = (Decimal("32.0"), Decimal("38.0"))
PLAUSIBLE_TEMPERATURE = (Decimal("15.0"), Decimal("45.0"))


class ClosedOrderError(ConflictError):
    """A resulted, refused or missed screen is not changed (409 on the API)."""


def clean_note(value, field="outcome_note", *, required=False):
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: "The text contains a NUL character."})
    if len(value) > NOTE_LIMIT:
        raise ValidationError({field: f"At most {NOTE_LIMIT} characters."})
    if required and not value:
        raise ValidationError({field: "Say why."})
    return value


def _weekdays(value, field):
    if not isinstance(value, (list, tuple)) or any(
        not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in value
    ):
        raise ValidationError({field: "Weekdays are numbers 0 (Monday) to 6 (Sunday)."})
    return sorted(set(value))


def settings_for(program):
    """The program's screening settings (the defaults, unsaved, until someone sets them)."""
    found = ScreeningSettings.objects.filter(program=program).first()
    return found or ScreeningSettings(program=program)


@transaction.atomic
def settings_update(*, program, data, user, context=None):
    require_settings_writer(user)
    current = settings_for(program)
    errors = {}
    values = {}
    try:
        values["panel"] = clean_panel(data.get("panel", current.panel))
    except ValueError as error:
        errors["panel"] = str(error)
    for name, choices in (
        ("specimen", Specimen),
        ("method", ScreenOrder._meta.get_field("method").choices),
        ("schedule", ScreeningSettings.Schedule),
    ):
        value = data.get(name, getattr(current, name))
        allowed = [c[0] for c in choices] if isinstance(choices, list) else choices.values
        if value not in allowed:
            errors[name] = "Choose one of the options."
        values[name] = value
    percent = data.get("random_percent", current.random_percent)
    if not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= 100:
        errors["random_percent"] = "A share from 1 to 100 %."
    values["random_percent"] = percent
    auto = data.get("auto_weekly_draw", current.auto_weekly_draw)
    if not isinstance(auto, bool):
        errors["auto_weekly_draw"] = "Yes or no."
    values["auto_weekly_draw"] = auto
    for name in ("program_weekdays", "fixed_weekdays"):
        try:
            values[name] = _weekdays(data.get(name, getattr(current, name)), name)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not errors and not values["program_weekdays"]:
        errors["program_weekdays"] = "The program meets on at least one weekday."
    fixed = values["schedule"] == ScreeningSettings.Schedule.FIXED
    if not errors and fixed and not values["fixed_weekdays"]:
        errors["fixed_weekdays"] = "A fixed schedule needs at least one weekday."
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(current, name, value)
    current.updated_by = user
    created = current.pk is None
    current.save()
    audit_change(CREATE if created else UPDATE, current, user=user, context=context)
    return current


def _admitted_episode(patient):
    episode = (
        Episode.objects.filter(patient=patient, status=Episode.Status.ACTIVE)
        .select_related("program", "primary_clinician")
        .first()
    )
    if episode is None:
        raise ValidationError("Screens are ordered for an admitted patient.")
    return episode


def _check_day(day, episode, field="due_date"):
    if not hasattr(day, "isoformat") or isinstance(day, datetime):
        raise ValidationError({field: "Enter a date."})
    if episode.admission_date and day < episode.admission_date:
        raise ValidationError({field: "The day is before the admission."})
    if day > timezone.localdate() + timedelta(days=ORDER_DAYS_AHEAD):
        raise ValidationError({field: f"At most {ORDER_DAYS_AHEAD} days ahead."})


def _new_order(*, episode, day, reason, user, draw=None, observed=False, testing=None):
    found = settings_for(episode.program)
    order = ScreenOrder(
        patient=episode.patient,
        episode=episode,
        draw=draw,
        due_date=day,
        reason=reason,
        panel=list(found.panel),
        specimen=found.specimen,
        method=found.method,
        observed=observed,
        testing=testing or ScreenOrder.Testing.PRESUMPTIVE,
        ordered_by=user,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        raise ValidationError({"due_date": "A screen is already ordered that day."}) from None
    return order


@transaction.atomic
def screens_schedule(*, patient, first_day, last_day, user, seed=None, context=None):
    """Order the screens of a period by the program's schedule. Random: a share of the
    episode's attendance days of the period (`days.candidate_days`) never drawn nor ordered
    before, drawn with a recorded seed (a `ScreenDraw`); fixed: each fixed weekday. Returns the
    new orders."""
    require_screen_writer(user, patient)
    return episode_screens_schedule(
        episode=_admitted_episode(patient),
        first_day=first_day,
        last_day=last_day,
        user=user,
        seed=seed,
        context=context,
    )


@transaction.atomic
def episode_screens_schedule(*, episode, first_day, last_day, user, seed=None, context=None):
    """`screens_schedule` of an admitted episode, for a caller that has checked who may: the
    service above, or the weekly draw job (`user` None: drawn and ordered by no one, the audit
    events carrying the job's task id)."""
    patient = episode.patient
    _check_day(first_day, episode, "first_day")
    _check_day(last_day, episode, "last_day")
    if last_day < first_day:
        raise ValidationError({"last_day": "The period ends after it starts."})
    if (last_day - first_day).days >= DRAW_MAX_DAYS:
        raise ValidationError({"last_day": f"A period of at most {DRAW_MAX_DAYS} days."})
    found = settings_for(episode.program)
    taken = set(
        ScreenOrder.objects.filter(
            episode=episode, due_date__range=(first_day, last_day)
        ).values_list("due_date", flat=True)
    )
    for days in ScreenDraw.objects.filter(episode=episode).values_list("days", flat=True):
        taken.update(datetime.fromisoformat(d).date() for d in days)
    period = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    if found.schedule == ScreeningSettings.Schedule.FIXED:
        days = [d for d in period if d.weekday() in found.fixed_weekdays and d not in taken]
        orders = [
            _new_order(episode=episode, day=d, reason=ScreenOrder.Reason.SCHEDULED, user=user)
            for d in days
        ]
    else:
        days = candidate_days(episode, first_day, last_day, found.program_weekdays)
        candidates = [d.isoformat() for d in days if d not in taken]
        if not candidates:
            raise ValidationError(
                {"first_day": "Every program day of this period was already drawn or ordered."}
            )
        seed = secrets.randbits(62) if seed is None else seed
        picked = ScreenDraw.pick(seed, candidates, found.random_percent)
        draw = ScreenDraw.objects.create(
            episode=episode,
            patient=patient,
            first_day=first_day,
            last_day=last_day,
            seed=seed,
            percent=found.random_percent,
            candidates=candidates,
            days=picked,
            drawn_by=user,
        )
        audit_change(CREATE, draw, user=user, context=context, detail=f"{len(picked)} days")
        orders = [
            _new_order(
                episode=episode,
                day=datetime.fromisoformat(d).date(),
                reason=ScreenOrder.Reason.RANDOM,
                user=user,
                draw=draw,
            )
            for d in sorted(picked)
        ]
    for order in orders:
        audit_change(CREATE, order, user=user, context=context)
    return orders


@transaction.atomic
def order_create(
    *,
    patient,
    due_date,
    user,
    reason=ScreenOrder.Reason.CLINICAL,
    observed=False,
    testing=None,
    context=None,
):
    """One screen ordered by hand (for cause, or a scheduled one moved)."""
    require_screen_writer(user, patient)
    episode = _admitted_episode(patient)
    _check_day(due_date, episode)
    if reason not in ScreenOrder.Reason.values:
        raise ValidationError({"reason": "Choose one of the options."})
    if testing not in (None, *ScreenOrder.Testing.values):
        raise ValidationError({"testing": "Choose one of the options."})
    order = _new_order(
        episode=episode,
        day=due_date,
        reason=reason,
        user=user,
        observed=bool(observed),
        testing=testing,
    )
    audit_change(CREATE, order, user=user, context=context)
    return order


def _lock_open(order):
    order = ScreenOrder.objects.select_for_update().select_related("episode").get(pk=order.pk)
    if order.is_closed:
        raise ClosedOrderError(f"This screen is already {order.get_status_display().lower()}.")
    return order


@transaction.atomic
def order_collect(
    *, order, collected_at, observed, temperature_c=None, note="", user, context=None
):
    """The specimen was collected: when, by whom, observed or not, and for urine the temperature
    (32–38 °C is in range; out of range is recorded, and says so)."""
    require_screen_writer(user, order.patient)
    order = _lock_open(order)
    if order.status != ScreenOrder.Status.ORDERED:
        raise ClosedOrderError("This screen is already collected.")
    if not isinstance(collected_at, datetime):
        raise ValidationError({"collected_at": "Enter the date and time of collection."})
    if collected_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"collected_at": "The collection is not in the future."})
    if timezone.localtime(collected_at).date() < order.due_date - timedelta(days=1):
        raise ValidationError({"collected_at": "The collection is before the screen was due."})
    if order.specimen == Specimen.URINE:
        if temperature_c in (None, ""):
            raise ValidationError({"temperature_c": "A urine specimen's temperature is checked."})
        try:
            temperature = Decimal(str(temperature_c)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise ValidationError({"temperature_c": "Enter degrees Celsius, e.g. 34.5."}) from None
        low, high = PLAUSIBLE_TEMPERATURE
        if not low <= temperature <= high:
            raise ValidationError({"temperature_c": "Enter degrees Celsius between 15 and 45."})
        order.temperature_c = temperature
        order.temperature_in_range = TEMPERATURE_RANGE[0] <= temperature <= TEMPERATURE_RANGE[1]
    order.outcome_note = clean_note(note)
    order.observed = bool(observed)
    order.collected_at = collected_at
    order.collected_by = user
    order.status = ScreenOrder.Status.COLLECTED
    order.save()
    audit_change(UPDATE, order, user=user, context=context, detail="collected")
    return order


@transaction.atomic
def order_close(*, order, status, note, user, context=None):
    """A refusal or a missed screen, recorded as such with the reason. A refusal alerts the
    primary clinician (a clinical conversation, as an unexpected result is)."""
    require_screen_writer(user, order.patient)
    if status not in (ScreenOrder.Status.REFUSED, ScreenOrder.Status.MISSED):
        raise ValidationError({"status": "A screen is closed as refused or missed."})
    order = _lock_open(order)
    order.outcome_note = clean_note(note, required=True)
    order.status = status
    order.closed_by = user
    order.closed_at = timezone.now()
    order.save()
    audit_change(UPDATE, order, user=user, context=context, detail=status)
    if status == ScreenOrder.Status.REFUSED:
        alert_raise(
            patient=order.patient,
            episode=order.episode,
            kind=Alert.Kind.UNEXPECTED_SCREEN,
            title=f"Drug screen refused on {order.due_date:%d %b %Y}",
            detail=order.outcome_note,
            priority=Alert.Priority.HIGH,
            source=order,
            dedupe_key=f"screen:refused:{order.pk}",
            action_url=order.get_absolute_url(),
            user=user,
            context=context,
        )
    return order
