"""Local days as ranges of time. A filter on `starts_at__date` casts every row's time to a
date in the time zone, which no index serves; [local midnight, the next local midnight) is an
indexed range. Each end is built in the time zone itself, so the day a clock changes (DST) is
23 or 25 hours long, as it was lived."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def local_midnight(day):
    """The start of `day` in the current time zone (the program's: settings.TIME_ZONE)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_range(first, last=None):
    """(start, end): from the start of local day `first` to the start of the day after `last`
    (default: `first`), end excluded; no end (None) after the calendar's last day."""
    last = last or first
    end = None if last == date.max else local_midnight(last + timedelta(days=1))
    return local_midnight(first), end


def in_days(field, first=None, last=None):
    """A condition on the datetime `field`: within local days `first` to `last`, both
    included (either may be None: no bound)."""
    condition = Q()
    if first is not None:
        condition &= Q(**{f"{field}__gte": local_midnight(first)})
    if last is not None:
        end = day_range(last)[1]
        if end is not None:
            condition &= Q(**{f"{field}__lt": end})
    return condition
