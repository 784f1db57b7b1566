"""Plausibility rules for dates, written once and called by the services.

Each check raises a ValidationError keyed by the field it names (the API answers 400 with field
errors, a page shows the message beside the field and keeps what was typed). The ranges:

- A date of birth is on or after 1 January 1900 and not in the future.
- A session is booked or moved to a time from one year back (sessions recorded late) to two
  years ahead of today; nothing in an outpatient program is planned further out.
- A consent is signed, and an episode is referred and admitted, on or after 1 January 1900
  and not in the future (they record something that has happened).
- A treatment plan's goal or objective is due on or after the plan's start (the episode's
  admission, or the day the plan was started) and at most two years ahead of today.
- Related dates keep their order: an objective is due no later than its goal (when both are
  set), an admission no earlier than the referral, a discharge no earlier than the admission
  and not in the future (`Episode.clean`, which the episode transitions call).

Pages must also survive any value already stored (a row written before these rules, or by
hand): `week_start_or_none` and `capped_add` never raise on dates near `date.min`/`date.max`,
and `id_or_none` reads an id from a query string.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_DATE = date(1900, 1, 1)
SESSION_YEARS_BACK = 1
SESSION_YEARS_AHEAD = 2
TARGET_YEARS_AHEAD = 2


def _as_date(value):
    if isinstance(value, datetime):
        try:
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        except OverflowError:  # local time of the first or last hours of the calendar
            return value.date()
    return value


def _years_from(day, years):
    """`day` moved by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _refuse(field, message, code):
    raise ValidationError({field: ValidationError(message, code=code)} if field else message)


def not_in_future(value, *, field, what="The date"):
    """On or after 1 January 1900 and not after today (a datetime: not after now)."""
    if value is None:
        return
    if isinstance(value, datetime) and value > timezone.now() + timedelta(minutes=5):
        _refuse(field, f"{what} is in the future.", "future")
    if _as_date(value) > timezone.localdate():
        _refuse(field, f"{what} is in the future.", "future")
    if _as_date(value) < EARLIEST_DATE:
        _refuse(field, f"{what} is before {EARLIEST_DATE.year}; check the year.", "implausible")


def plausible_date_of_birth(day, *, field=None):
    """A date of birth: from 1 January 1900 to today."""
    not_in_future(day, field=field, what="The date of birth")


def session_time_in_range(starts_at, *, field="starts_at"):
    """A session's start: from one year back to two years ahead of today."""
    if starts_at is None:
        return
    today = timezone.localdate()
    earliest = _years_from(today, -SESSION_YEARS_BACK)
    latest = _years_from(today, SESSION_YEARS_AHEAD)
    day = _as_date(starts_at)
    if day < earliest:
        _refuse(
            field,
            f"Sessions are booked from {earliest:%-d %b %Y} (one year back) onwards; "
            "check the date.",
            "too_early",
        )
    if day > latest:
        _refuse(
            field,
            f"Sessions are booked up to {latest:%-d %b %Y} (two years ahead); check the date.",
            "too_late",
        )


def target_date_in_range(day, *, start, field="target_date"):
    """A plan item's due date: not before the plan's start, at most two years ahead."""
    if day is None:
        return
    if start is not None and day < start:
        _refuse(
            field,
            f"The target date is before the plan's start ({start:%-d %b %Y}).",
            "before_start",
        )
    latest = _years_from(timezone.localdate(), TARGET_YEARS_AHEAD)
    if day > latest:
        _refuse(
            field,
            f"The target date is more than {TARGET_YEARS_AHEAD} years ahead "
            f"(latest {latest:%-d %b %Y}).",
            "too_late",
        )


def dates_in_order(earlier, later, *, field, message):
    """`earlier` is on or before `later` when both are set; otherwise `field` gets `message`."""
    if earlier is not None and later is not None and _as_date(earlier) > _as_date(later):
        _refuse(field, message, "order")


# --- Reading dates safely on pages ---------------------------------------------------------


LARGEST_ID = 2**63 - 1  # a BigAutoField's range


def id_or_none(text):
    """A query parameter naming a row's id, or None when it cannot be one (not digits, or
    beyond the id range, which the database would refuse with an error)."""
    if not text or not text.isdecimal() or not text.isascii() or int(text) > LARGEST_ID:
        return None
    return int(text)


def capped_add(value, delta):
    """A date or datetime moved by a timedelta, stopping at the calendar's ends instead of
    overflowing (a stored 9999-12-31 session still has an end time to show)."""
    try:
        return value + delta
    except OverflowError:
        forward = delta > timedelta(0)
        if isinstance(value, datetime):
            end = datetime.max if forward else datetime.min
            return end.replace(tzinfo=value.tzinfo)
        return date.max if forward else date.min


def week_start_or_none(text):
    """The Monday of the week a `?week=` value names, or None when it is not a date or too
    near the calendar's ends to page a week either way."""
    try:
        day = date.fromisoformat(text or "")
    except (TypeError, ValueError):
        return None
    if not date.min + timedelta(days=14) <= day <= date.max - timedelta(days=14):
        return None
    return day - timedelta(days=day.weekday())
