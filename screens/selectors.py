"""Reads of screens that the chart tab, Today and the API share."""

from django.db.models import Prefetch

from screens.models import ScreenOrder, ScreenResult
from screens.panel import ANALYTES

GRID_ORDERS = 20


def orders(patient):
    return (
        ScreenOrder.objects.filter(patient=patient)
        .select_related("collected_by", "ordered_by")
        .prefetch_related(Prefetch("results", ScreenResult.objects.order_by("analyte")))
        .order_by("-due_date", "-pk")
    )


def timeline(patient):
    """The latest screens as a grid: (dates, rows), rows = [(analyte name, [cell per date])],
    a cell a ScreenResult, or the order's status text (refused, missed, pending). Oldest left."""
    shown = list(orders(patient)[:GRID_ORDERS])[::-1]
    codes = []
    for order in shown:
        for code in order.panel:
            if code not in codes:
                codes.append(code)
    codes.sort(key=list(ANALYTES).index)
    results = {(order.pk, r.analyte): r for order in shown for r in order.results.all()}
    rows = []
    for code in codes:
        cells = []
        for order in shown:
            if (order.pk, code) in results:
                cells.append(results[(order.pk, code)])
            elif code in order.panel:
                cells.append(order.get_status_display())
            else:
                cells.append("")
        rows.append((f"{ANALYTES[code]} ({code})", cells))
    return shown, rows


def due_today(user, day):
    """The open screens due `day` of the patients on this user's caseload (primary clinician or
    care team), oldest name first."""
    from django.db.models import Q

    from patients.models import Episode

    theirs = Q(episode__primary_clinician=user) | Q(
        episode__in=Episode.objects.filter(care_team=user).values("pk")
    )
    return (
        ScreenOrder.objects.filter(theirs)
        .filter(due_date=day, status__in=(ScreenOrder.Status.ORDERED, ScreenOrder.Status.COLLECTED))
        .select_related("patient")
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
    )
