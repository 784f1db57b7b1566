"""Unexpected drug screens followed up: the screens app's `unexpected_screen` alerts (an
unexpected result, or a refusal, which it treats the same way) raised in the range, and
whether a clinician has acknowledged them (closed the alert, saying what was done)."""

from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from patients.models import Alert
from reports.figures import Cell, DrillDown
from reports.sections.compliance.sql import (
    ORDER,
    SecondsBetween,
    drill_row,
    for_clinician,
    local_day,
    moment,
    people,
)
from sessions.days import in_days

FOLLOWED_UP = Q(status=Alert.Status.CLOSED)


def unexpected(scope, clinician=None):
    rows = Alert.objects.filter(
        kind=Alert.Kind.UNEXPECTED_SCREEN, episode__in=scope.episodes().values("pk")
    ).filter(in_days("raised_at", scope.start, scope.end))
    rows = for_clinician(rows, "episode__primary_clinician", clinician).order_by()
    now = moment(timezone.now())
    return rows.annotate(
        open_for=SecondsBetween(now, F("raised_at")),
        answered_in=SecondsBetween(F("closed_at"), F("raised_at")),
    )


def _counts():
    return {
        "alerts": Count("pk"),
        "followed": Count("pk", filter=FOLLOWED_UP),
        "episodes": Count("episode", distinct=True),
    }


def by_clinician(scope):
    rows = unexpected(scope).values(clinician=F("episode__primary_clinician_id"))
    return {row.pop("clinician"): row for row in rows.annotate(**_counts())}


def days(seconds):
    return None if seconds is None else round(seconds / 86400, 1)


def drill(scope, clinician):
    rows = (
        unexpected(scope, clinician)
        .values(**people("episode"))
        .annotate(
            first=Min("raised_at"),
            alerts=Count("pk"),
            followed=Count("pk", filter=FOLLOWED_UP),
            slowest=Max("answered_in", filter=FOLLOWED_UP),
            open_for=Max("open_for", filter=~FOLLOWED_UP),
        )
        .order_by(*ORDER)
    )
    return DrillDown(
        key="",
        title="",
        columns=[
            "First raised",
            "Unexpected screens",
            "Followed up",
            "Slowest follow-up (days)",
            "Open for (days)",
        ],
        rows=[
            drill_row(
                r,
                [
                    Cell(local_day(r["first"])),
                    Cell(r["alerts"]),
                    Cell(r["followed"]),
                    Cell(days(r["slowest"]), "days"),
                    Cell(days(r["open_for"]), "days"),
                ],
                dates=[0],
            )
            for r in rows
        ],
        date_columns=(0,),
    )
