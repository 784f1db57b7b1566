"""An objective's target of "negative drug screens for N weeks" (optionally of some analytes),
registered with the plans app through `patients.extensions.objective_targets`.

Progress is read from the screens of the plan's episode up to today: the run of clean weeks
started at the first clean screen after the last one that was not (a refused or missed screen,
or a result of a targeted analyte not read as expected: an unexpected or invalid one); a
screen collected but not yet resulted counts for nothing yet."""

from django.db.models import Prefetch
from django.utils import timezone

from patients import extensions
from screens.models import ScreenOrder, ScreenResult
from screens.panel import ANALYTE_CHOICES, clean_panel

KIND = "screens_negative"
MISSED = (ScreenOrder.Status.REFUSED, ScreenOrder.Status.MISSED)


def clean(weeks, options):
    """The analytes, known codes in panel order; none: every analyte screened."""
    if not options:
        return []
    return clean_panel(options)


def describe(objective):
    which = f" ({', '.join(objective.target_options)})" if objective.target_options else ""
    weeks = objective.target_weeks
    return f"Negative drug screens{which} for {weeks} week{'s' if weeks != 1 else ''}"


def _day(d):
    return f"{d:%-d %b %Y}"


def _screen_events(plan, today):
    """(day, clean, what) of each closed screen of the plan's episode up to today, oldest
    first; two queries."""
    results = Prefetch("results", ScreenResult.objects.order_by("analyte"))
    orders = (
        ScreenOrder.objects.filter(
            episode_id=plan.episode_id,
            status__in=(ScreenOrder.Status.RESULTED, *MISSED),
            due_date__lte=today,
        )
        .prefetch_related(results)
        .order_by("due_date", "pk")
    )
    for order in orders:
        day = timezone.localdate(order.collected_at) if order.collected_at else order.due_date
        yield day, order


def _clean(order, analytes):
    """(clean, why not) of one closed screen for these analytes (all when empty)."""
    if order.status in MISSED:
        return False, f"screen {order.get_status_display().lower()}"
    for result in order.results.all():
        if analytes and result.analyte not in analytes:
            continue
        if result.reading != ScreenResult.Reading.EXPECTED:
            return False, f"{result.analyte} {result.get_value_display().lower()}"
    return True, ""


def progress(plan, objectives):
    """{objective id: {"label", "weeks", "target", "since", "screens", "met", "state",
    "reset"}}: two queries for all of a plan's objectives of this kind."""
    today = timezone.localdate()
    events = list(_screen_events(plan, today))
    found = {}
    for objective in objectives:
        start, count, reset = None, 0, ""
        for day, order in events:
            clean_screen, why = _clean(order, objective.target_options)
            if not clean_screen:
                start, count, reset = None, 0, f"{why} on {_day(day)}"
            elif start is None:
                start, count = day, 1
            else:
                count += 1
        weeks = (today - start).days // 7 if start else 0
        met = start is not None and weeks >= objective.target_weeks
        if met:
            state = "met"
        elif objective.target_date < today:
            state = "not met by the target date"
        elif start is None:
            state = "no clean screen yet"
        else:
            state = "not yet met"
        found[objective.pk] = {
            "label": describe(objective),
            "weeks": weeks,
            "target": objective.target_weeks,
            "since": _day(start) if start else "",
            "screens": count,
            "met": met,
            "state": state,
            "reset": reset,
        }
    return found


TARGET = extensions.ObjectiveTarget(
    kind=KIND,
    label="Negative drug screens",
    options=tuple(ANALYTE_CHOICES),
    clean=clean,
    describe=describe,
    progress=progress,
)
