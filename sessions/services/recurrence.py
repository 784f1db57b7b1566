"""Recurring individual appointments: a weekly (or every N weeks) series on chosen weekdays,
until a date or for a number of sessions, booked all at once or not at all; cancelling a
session and the ones after it in its series."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.validation import session_time_in_range
from sessions.models import TherapySession
from sessions.services.conflicts import Booking, booking_conflicts
from sessions.services.scheduling import (
    cancel_reason_clean,
    episode_date_errors,
    local,
    prescriber_errors,
    session_schedule,
)

RECURRING_KINDS = (
    TherapySession.Kind.INDIVIDUAL,
    TherapySession.Kind.FAMILY,
    TherapySession.Kind.MED_MGMT,
)
MAX_OCCURRENCES = 60
MAX_EVERY_WEEKS = 8
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Recurrence:
    """Every `every_weeks` weeks on `weekdays` (0 = Monday), from the first session's day,
    `until` a date (included) or for `count` sessions."""

    weekdays: tuple
    every_weeks: int = 1
    until: date | None = None
    count: int | None = None

    def errors(self, first_day):
        errors = {}
        if not self.weekdays or not all(d in range(7) for d in self.weekdays):
            errors["weekdays"] = "Tick the weekdays it repeats on."
        if not isinstance(self.every_weeks, int) or not 1 <= self.every_weeks <= MAX_EVERY_WEEKS:
            errors["every_weeks"] = f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks."
        if (self.until is None) == (self.count is None):
            errors["until"] = "End the series on a date or after a number of sessions (one)."
        elif self.count is not None and not 2 <= self.count <= MAX_OCCURRENCES:
            errors["count"] = f"A series has 2 to {MAX_OCCURRENCES} sessions."
        elif self.until is not None and self.until <= first_day:
            errors["until"] = "The end date comes after the first session's day."
        return errors

    def days(self, first_day):
        """The series' days, the first session's day first (whatever weekday it is)."""
        monday = first_day - timedelta(days=first_day.weekday())
        days = [first_day]
        limit = self.count or MAX_OCCURRENCES + 1
        week = 0
        while len(days) < limit:
            week_monday = monday + timedelta(weeks=week * self.every_weeks)
            if self.until is not None and week_monday > self.until:
                break
            for weekday in sorted(self.weekdays):
                day = week_monday + timedelta(days=weekday)
                if day <= first_day or (self.until is not None and day > self.until):
                    continue
                if len(days) < limit:
                    days.append(day)
            week += 1
        return days


@dataclass
class Occurrence:
    starts_at: datetime
    ends_at: datetime
    problems: list


def series_starts(starts_at, recurrence):
    """The series' start times, the same local time each day (across daylight saving)."""
    first = local(starts_at)
    tz = timezone.get_current_timezone()
    return [
        datetime.combine(day, first.time().replace(tzinfo=None), tzinfo=tz)
        for day in recurrence.days(first.date())
    ]


def session_series_preview(
    *,
    kind,
    starts_at,
    duration_minutes,
    clinicians,
    episode,
    recurrence,
    delivery=TherapySession.Delivery.IN_PERSON,
    location="",
):
    """The sessions a series would book, each with what stands in its way (a clinician, the
    room or the patient already taken, a day after discharge or out of range). Raises
    ValidationError for a rule that makes no series (no weekday, no end, too many)."""
    errors = {}
    if kind not in RECURRING_KINDS:
        errors["kind"] = "Only individual, family and medication-management sessions repeat."
    errors.update(prescriber_errors(kind, clinicians))
    if starts_at is None:
        errors["starts_at"] = "Give the first session's date and time."
    else:
        errors.update(recurrence.errors(local(starts_at).date()))
    if errors:
        raise ValidationError(errors)
    starts = series_starts(starts_at, recurrence)
    if len(starts) > MAX_OCCURRENCES:
        raise ValidationError(
            {"until": f"A series has at most {MAX_OCCURRENCES} sessions; choose an earlier end."}
        )
    booking = Booking(duration_minutes, clinicians, location, delivery, episode)
    occurrences = []
    for slot in booking_conflicts(booking, starts):
        problems = slot.messages + episode_date_errors(episode, [local(slot.starts_at).date()])
        try:
            session_time_in_range(slot.starts_at)
        except ValidationError as error:
            problems += error.messages
        occurrences.append(Occurrence(slot.starts_at, slot.ends_at, problems))
    return occurrences


@transaction.atomic
def session_series_schedule(*, recurrence, user, context=None, **booking):
    """Book every session of a series in one transaction, or none: a conflict on any day is
    refused with the days and what is taken. `booking` takes `session_schedule`'s arguments.
    Returns the sessions, first to last."""
    occurrences = session_series_preview(
        kind=booking["kind"],
        starts_at=booking["starts_at"],
        duration_minutes=booking["duration_minutes"],
        clinicians=booking["clinicians"],
        episode=booking.get("episode"),
        recurrence=recurrence,
        delivery=booking.get("delivery", TherapySession.Delivery.IN_PERSON),
        location=booking.get("location", ""),
    )
    blocked = [o for o in occurrences if o.problems]
    if blocked:
        lines = [f"{local(o.starts_at):%a %-d %b %H:%M}: {' '.join(o.problems)}" for o in blocked]
        raise ValidationError(
            {
                "__all__": [
                    f"{len(blocked)} of the {len(occurrences)} sessions cannot be booked; "
                    "nothing was booked. Move the series or end it earlier.",
                    *lines,
                ]
            }
        )
    series = uuid.uuid4()
    sessions = []
    for occurrence in occurrences:
        session = session_schedule(
            **{**booking, "starts_at": occurrence.starts_at}, user=user, context=context
        )
        session.series = series
        session.save(update_fields=["series"])
        sessions.append(session)
    return sessions


def series_following(session):
    """The scheduled sessions of `session`'s series from it on (itself included)."""
    if session.series is None:
        return TherapySession.objects.filter(pk=session.pk, status=TherapySession.Status.SCHEDULED)
    return TherapySession.objects.filter(
        series=session.series,
        status=TherapySession.Status.SCHEDULED,
        starts_at__gte=session.starts_at,
    ).order_by("starts_at")


@transaction.atomic
def session_series_cancel_following(*, session, user, reason, context=None):
    """Cancel this session and the later scheduled ones of its series, with a reason (kept on
    each session, like a single cancellation). Returns how many were cancelled."""
    reason = cancel_reason_clean(reason, missing="Say why the sessions are cancelled.")
    if session.status != TherapySession.Status.SCHEDULED:
        raise ValidationError("Only a scheduled session (and those after it) can be cancelled.")
    cancelled, now = 0, timezone.now()
    for each in series_following(session).select_for_update():
        each.status = TherapySession.Status.CANCELLED
        each.cancel_reason, each.cancelled_by, each.cancelled_at = reason, user, now
        each.save(update_fields=["status", "cancel_reason", "cancelled_by", "cancelled_at"])
        audit_change(
            AuditEvent.Action.UPDATE,
            each,
            user=user,
            context=context,
            detail="cancelled with the rest of its series, reason recorded",
        )
        cancelled += 1
    return cancelled
