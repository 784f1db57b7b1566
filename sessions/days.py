"""Local days as ranges of time. A filter on `starts_at__date` casts every row's time to a
date in the time zone, which no index serves; [local midnight, the next local midnight) is an
indexed range. Each end is built in the time zone itself, so the day a clock changes (DST) is
23 or 25 hours long, as it was lived."""

from datetime import datetime, time, timedelta

from django.utils import timezone


def local_midnight(day):
    """The start of `day` in the current time zone (the program's: settings.TIME_ZONE)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_range(first, last=None):
    """(start, end): from the start of local day `first` to the start of the day after `last`
    (default: `first`), end excluded."""
    return local_midnight(first), local_midnight((last or first) + timedelta(days=1))
