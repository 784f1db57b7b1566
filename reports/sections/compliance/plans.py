"""Plan reviews on time and initial plans on time (the rules of `plans.models` and
`plans.jobs`), counted per episode in the database."""

from datetime import timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from plans.models import PlanReview, TreatmentPlan
from reports.figures import Cell, DrillDown
from reports.sections.compliance.sql import (
    ORDER,
    DaysBetween,
    SubqueryCount,
    day,
    drill_row,
    for_clinician,
    people,
)

# --- plan reviews -------------------------------------------------------------------------------


def _reviews_due(scope, today):
    """The reviews due in the range of the outer episode (none due after its discharge), with
    `done` (the local day completed) and `late_days`."""
    return (
        PlanReview.objects.filter(
            plan__episode=OuterRef("pk"), due_date__gte=scope.start, due_date__lte=scope.end
        )
        .filter(
            Q(plan__episode__discharge_date__isnull=True)
            | Q(plan__episode__discharge_date__gte=F("due_date"))
        )
        .order_by()
        .annotate(done=TruncDate("completed_at"))
        .annotate(late_days=DaysBetween(Coalesce(F("done"), day(today)), F("due_date")))
    )


def _reviews_missing(scope, today):
    """Active plans of the outer episode whose review date in the range has passed with no
    review opened at all (`plans.jobs.reviews_flag_overdue` flags them): late."""
    opened = PlanReview.objects.filter(plan=OuterRef("pk"), due_date=OuterRef("next_review_due"))
    return (
        TreatmentPlan.objects.filter(
            episode=OuterRef("pk"),
            status=TreatmentPlan.Status.ACTIVE,
            next_review_due__gte=scope.start,
            next_review_due__lte=scope.end,
            next_review_due__lt=today,
        )
        .exclude(Exists(opened))
        .order_by()
    )


COMPLETED = Q(status=PlanReview.Status.COMPLETED)


def reviews(scope, clinician=None, *, detail=False):
    """The episodes with a review due in the range, judged: `on_time` (completed on or before
    its due day), `late` (completed later, or still open after its due day, or never opened);
    a review still open on its due day (today) is not judged yet."""
    today = timezone.localdate()
    due = _reviews_due(scope, today)
    missing = _reviews_missing(scope, today)
    on_time = due.filter(COMPLETED, done__lte=F("due_date"))
    late = due.filter(
        (COMPLETED & Q(done__gt=F("due_date")))
        | (Q(status=PlanReview.Status.OPEN) & Q(due_date__lt=today))
    )
    episodes = for_clinician(scope.episodes(), "primary_clinician", clinician).annotate(
        on_time=SubqueryCount(on_time.values("pk")),
        late=SubqueryCount(late.values("pk")) + SubqueryCount(missing.values("pk")),
    )
    episodes = episodes.filter(Q(on_time__gt=0) | Q(late__gt=0))
    if detail:
        episodes = episodes.annotate(
            last_due=Subquery(due.order_by("-due_date").values("due_date")[:1]),
            most_late=Subquery(late.order_by("-late_days").values("late_days")[:1]),
            missing_due=Subquery(missing.order_by("next_review_due").values("next_review_due")[:1]),
        )
    return episodes


def drill_reviews(scope, clinician):
    today = timezone.localdate()
    rows = reviews(scope, clinician, detail=True).values(
        "on_time", "late", "last_due", "most_late", "missing_due", **people("")
    )
    out = []
    for r in rows.order_by(*ORDER):
        late_days = [d for d in (r["most_late"],) if d is not None]
        if r["missing_due"] is not None:
            late_days.append((today - r["missing_due"]).days)
        last_due = max(d for d in (r["last_due"], r["missing_due"]) if d is not None)
        out.append(
            drill_row(
                r,
                [
                    Cell(last_due),
                    Cell(r["on_time"] + r["late"]),
                    Cell(r["on_time"]),
                    Cell(r["late"]),
                    Cell(max(late_days) if late_days else None, "days"),
                ],
                dates=[0],
            )
        )
    return DrillDown(
        key="",
        title="",
        columns=["Last due", "Reviews due", "On time", "Late", "Most days late"],
        rows=out,
        date_columns=(0,),
    )


# --- initial plans ------------------------------------------------------------------------------


ON_TIME = Q(first__isnull=False, after__lte=F("program__initial_plan_days"))
LATE = Q(first__isnull=False, after__gt=F("program__initial_plan_days")) | Q(
    first__isnull=True, waited__gt=F("program__initial_plan_days")
)
PENDING = Q(first__isnull=True, waited__lte=F("program__initial_plan_days"))


def initial_plans(scope, clinician=None):
    """The episodes admitted in the range, with `first` (the local day their first plan was
    activated), `after` (days from admission to it) and `waited` (days from admission to today),
    each `on_time`, `late` or `pending` (1 or 0) by the program's `initial_plan_days`."""
    today = timezone.localdate()
    first = (
        TreatmentPlan.objects.filter(episode=OuterRef("pk"), activated_at__isnull=False)
        .order_by("activated_at")
        .values(first=TruncDate("activated_at"))[:1]
    )
    episodes = (
        for_clinician(scope.episodes(), "primary_clinician", clinician)
        .filter(admission_date__gte=scope.start, admission_date__lte=scope.end)
        .annotate(first=Subquery(first))
        .annotate(
            after=DaysBetween(F("first"), F("admission_date")),
            waited=DaysBetween(day(today), F("admission_date")),
        )
    )
    return episodes.annotate(
        on_time=Case(When(ON_TIME, then=Value(1)), default=Value(0)),
        late=Case(When(LATE, then=Value(1)), default=Value(0)),
        pending=Case(When(PENDING, then=Value(1)), default=Value(0)),
    )


def drill_initial(scope, clinician, *, pending=False):
    rows = (
        initial_plans(scope, clinician)
        .filter(PENDING if pending else ON_TIME | LATE)
        .values("admission_date", "first", "after", "program__initial_plan_days", **people(""))
        .order_by(*ORDER)
    )
    out = []
    for r in rows:
        allowed = r["program__initial_plan_days"]
        due = r["admission_date"] + timedelta(days=allowed)
        if pending:
            status = "not yet due"
        elif r["first"] is None:
            status = "late: none yet"
        else:
            status = "on time" if r["after"] <= allowed else "late"
        out.append(
            drill_row(
                r,
                [
                    Cell(r["admission_date"]),
                    Cell(due),
                    Cell(r["first"]),
                    Cell(r["after"], "days"),
                    Cell(status),
                ],
                dates=[0, 1, 2],
            )
        )
    return DrillDown(
        key="",
        title="",
        columns=["Admitted", "Plan due", "First plan activated", "Days after admission", "Status"],
        rows=out,
        date_columns=(0, 1, 2),
    )


def drill_pending(scope, clinician):
    return drill_initial(scope, clinician, pending=True)
