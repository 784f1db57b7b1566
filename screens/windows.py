"""Drug screens over a span of days, for the pages of other apps (through
`patients/extensions.py`, `screens.hooks`): a plan review's period, an episode, and the run of
clean weeks an objective may target.

Each function reads a fixed number of queries however long the record, and returns text and
numbers only (a signed discharge summary freezes it as JSON)."""

from datetime import datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from screens.models import ScreenOrder, ScreenResult
from screens.panel import ANALYTES

COLLECTED = (ScreenOrder.Status.COLLECTED, ScreenOrder.Status.RESULTED)
MISSED = (ScreenOrder.Status.REFUSED, ScreenOrder.Status.MISSED)


def _day(d):
    return f"{d:%-d %b %Y}" if d else "—"


def _instant(value, next_day=False):
    """An aware instant: a date's first moment (of the day after, with `next_day`); an aware
    datetime as it is; None stays None (open)."""
    if value is None or isinstance(value, datetime):
        return value
    day = value + timedelta(days=1) if next_day else value
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _orders(queryset):
    results = Prefetch("results", ScreenResult.objects.order_by("analyte"))
    return list(queryset.prefetch_related(results).order_by("due_date", "pk"))


def _when(order):
    """The day a screen counts on: its collection; a refused or missed one its due day."""
    if order.collected_at is not None:
        return timezone.localdate(order.collected_at)
    return order.due_date


def summarize(orders):
    """Screens as text: each collected one with its results, the unexpected results, and the
    refused and missed counts.

    {"collected": n, "screens": [{"date", "status", "results": [{"analyte", "name", "value",
     "unexpected", "explanation"}]}], "unexpected": [{"date", "analyte", "name", "value",
     "explanation"}], "refused": n, "missed": n}"""
    screens, unexpected = [], []
    refused = missed = 0
    for order in orders:
        if order.status == ScreenOrder.Status.REFUSED:
            refused += 1
            continue
        if order.status == ScreenOrder.Status.MISSED:
            missed += 1
            continue
        when = _day(_when(order))
        results = []
        for result in order.results.all():
            row = {
                "analyte": result.analyte,
                "name": ANALYTES.get(result.analyte, result.analyte),
                "value": result.get_value_display(),
                "unexpected": result.reading == ScreenResult.Reading.UNEXPECTED,
                "explanation": result.explanation,
            }
            results.append(row)
            if row["unexpected"]:
                unexpected.append({"date": when, **{k: row[k] for k in row if k != "unexpected"}})
        screens.append({"date": when, "status": order.get_status_display(), "results": results})
    return {
        "collected": len(screens),
        "screens": screens,
        "unexpected": unexpected,
        "refused": refused,
        "missed": missed,
    }


def screens_between(patient, start, end):
    """The screens collected from `start` to `end` (dates, inclusive, or aware instants, `end`
    excluded; None: to now) and those refused or missed then (by when they were closed), as
    `summarize` gives them: two queries."""
    since, until = _instant(start), _instant(end, next_day=True)
    collected = Q(status__in=COLLECTED, collected_at__gte=since)
    closed = Q(status__in=MISSED, closed_at__gte=since)
    if until is not None:
        collected &= Q(collected_at__lt=until)
        closed &= Q(closed_at__lt=until)
    patient_id = getattr(patient, "pk", patient)
    return summarize(
        _orders(ScreenOrder.objects.filter(Q(patient_id=patient_id), collected | closed))
    )


def episode_screens(episode):
    """The episode's screens (collected, refused or missed): two queries."""
    return summarize(
        _orders(ScreenOrder.objects.filter(episode_id=episode.pk, status__in=COLLECTED + MISSED))
    )
