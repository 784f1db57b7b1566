"""Calendar grids: a week (hours down, days across) or a month (weeks down, weekdays across)
of sessions, for a clinician, a group or a room. The sessions are read once (see the views);
this only lays them out."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from iop.validation import week_start_or_none

WEEK, MONTH = "week", "month"
FIRST_HOUR, LAST_HOUR = 7, 19  # always shown; earlier or later sessions widen the grid


@dataclass
class Period:
    view: str
    anchor: date  # the Monday of the week, or the 1st of the month
    first: date  # the first day shown
    last: date  # the last day shown

    @property
    def previous(self):
        if self.view == WEEK:
            return self.anchor - timedelta(days=7)
        return (self.anchor - timedelta(days=1)).replace(day=1)

    @property
    def next(self):
        if self.view == WEEK:
            return self.anchor + timedelta(days=7)
        return (self.anchor + timedelta(days=31)).replace(day=1)

    @property
    def days(self):
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def period_from(params):
    """The week or month `?view=` and `?date=` name; this week (or month) when missing or
    not a plausible date."""
    view = MONTH if params.get("view") == MONTH else WEEK
    monday = week_start_or_none(params.get("date"))
    day = monday and date.fromisoformat(params["date"])
    day = day or timezone.localdate()
    if view == WEEK:
        anchor = day - timedelta(days=day.weekday())
        return Period(WEEK, anchor, anchor, anchor + timedelta(days=6))
    anchor = day.replace(day=1)
    month_end = (anchor + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    first = anchor - timedelta(days=anchor.weekday())
    last = month_end + timedelta(days=6 - month_end.weekday())
    return Period(MONTH, anchor, first, last)


def _by_day(sessions):
    by_day = {}
    for session in sessions:
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return by_day


def week_rows(period, sessions):
    """[(hour, [(day, [sessions starting that hour])])], hours from 07:00 to 19:00 at least."""
    by_day = _by_day(sessions)
    hours = [timezone.localtime(s.starts_at).hour for s in sessions]
    first = min([FIRST_HOUR, *hours])
    last = max([LAST_HOUR, *hours])
    rows = []
    for hour in range(first, last + 1):
        cells = []
        for day in period.days:
            starting = [
                s for s in by_day.get(day, []) if timezone.localtime(s.starts_at).hour == hour
            ]
            cells.append((day, starting))
        rows.append((hour, cells))
    return rows


def month_rows(period, sessions):
    """[(monday, [(day, in the month, [sessions])])], one row per week shown."""
    by_day = _by_day(sessions)
    days = period.days
    return [
        (days[i], [(d, d.month == period.anchor.month, by_day.get(d, [])) for d in days[i : i + 7]])
        for i in range(0, len(days), 7)
    ]
