"""Safety plans for moderate or high risk: the rule of `plans.selectors.safety_plans_needed`
(the latest C-SSRS or clinician risk assessment is moderate or high, or a moderate or high risk
alert from another source, a note's risk re-check, is open and newer than that assessment),
judged on the range's last day for the episodes open that day, in the database."""

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When

from patients.models import Alert, MeasureResponse, RiskAssessment
from patients.models.risk import SAFETY_PLAN_LEVELS
from plans.models import SafetyPlan
from reports.figures import Cell, DrillDown
from reports.sections.compliance.sql import (
    ORDER,
    cutoff,
    drill_row,
    for_clinician,
    local_day,
    people,
)

ASSESSED_ELSEWHERE = ["patients.measureresponse", "patients.riskassessment"]


def at_risk(scope, clinician=None):
    """The episodes open on the range's last day whose risk then called for a safety plan, with
    `level`, `source`, `risk_at` and `covered` (a safety plan in force then: 1 or 0)."""
    cut = cutoff(scope)
    patient = OuterRef("patient_id")
    cssrs = MeasureResponse.objects.filter(
        patient=patient, instrument="CSSRS", administered_at__lt=cut
    ).order_by("-administered_at", "-pk")
    assessed = RiskAssessment.objects.filter(patient=patient, signed_at__lt=cut).order_by(
        "-signed_at", "-pk"
    )
    alerts = Alert.objects.filter(
        patient=patient,
        kind=Alert.Kind.RISK,
        risk_level__in=SAFETY_PLAN_LEVELS,
        raised_at__lt=cut,
    ).filter(Q(status=Alert.Status.OPEN) | Q(closed_at__gte=cut))
    alerts = alerts.exclude(source_type__in=ASSESSED_ELSEWHERE).order_by("-raised_at")
    in_force = SafetyPlan.objects.filter(patient=patient, activated_at__lt=cut).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=cut)
    )
    episodes = for_clinician(scope.episodes(), "primary_clinician", clinician).filter(
        admission_date__lte=scope.end
    )
    episodes = episodes.filter(Q(discharge_date__isnull=True) | Q(discharge_date__gte=scope.end))
    episodes = episodes.exclude(status=episodes.model.Status.DECLINED).annotate(
        cssrs_level=Subquery(cssrs.values("severity")[:1]),
        cssrs_at=Subquery(cssrs.values("administered_at")[:1]),
        assessed_level=Subquery(assessed.values("level")[:1]),
        assessed_at=Subquery(assessed.values("signed_at")[:1]),
    )
    assessment_newer = Q(cssrs_at__isnull=True) | Q(assessed_at__gt=F("cssrs_at"))
    episodes = episodes.annotate(
        assessed_level_now=Case(
            When(Q(assessed_at__isnull=True), then=F("cssrs_level")),
            When(assessment_newer, then=F("assessed_level")),
            default=F("cssrs_level"),
        ),
        risk_at=Case(
            When(Q(assessed_at__isnull=True), then=F("cssrs_at")),
            When(assessment_newer, then=F("assessed_at")),
            default=F("cssrs_at"),
        ),
    )
    newer_alert = alerts.filter(Q(raised_at__gt=OuterRef("risk_at")))
    episodes = episodes.annotate(
        alert_any=Exists(alerts),
        alert_newer=Exists(newer_alert),
        alert_level=Subquery(alerts.values("risk_level")[:1]),
        alert_at=Subquery(alerts.values("raised_at")[:1]),
        covered=Case(When(Exists(in_force), then=Value(1)), default=Value(0)),
        plan_since=Subquery(in_force.order_by("-activated_at").values("activated_at")[:1]),
    )
    by_assessment = Q(assessed_level_now__in=SAFETY_PLAN_LEVELS)
    by_alert = (Q(risk_at__isnull=True) & Q(alert_any=True)) | Q(alert_newer=True)
    return episodes.filter(by_assessment | by_alert).annotate(
        by_assessment=Case(When(by_assessment, then=Value(1)), default=Value(0)),
        one=Value(1),
    )


def drill(scope, clinician):
    rows = (
        at_risk(scope, clinician)
        .values(
            "by_assessment",
            "assessed_level_now",
            "risk_at",
            "cssrs_at",
            "alert_level",
            "alert_at",
            "covered",
            "plan_since",
            **people(""),
        )
        .order_by(*ORDER)
    )
    out = []
    for r in rows:
        if r["by_assessment"]:
            source = "C-SSRS" if r["risk_at"] == r["cssrs_at"] else "clinician assessment"
            level, since = r["assessed_level_now"], r["risk_at"]
        else:
            source, level, since = "risk alert (note)", r["alert_level"], r["alert_at"]
        out.append(
            drill_row(
                r,
                [
                    Cell(level),
                    Cell(source),
                    Cell(local_day(since)),
                    Cell("yes" if r["covered"] else "no"),
                    Cell(local_day(r["plan_since"])),
                ],
                dates=[2, 4],
            )
        )
    return DrillDown(
        key="",
        title="",
        columns=["Risk", "From", "Since", "Safety plan in force", "Plan activated"],
        rows=out,
        date_columns=(2, 4),
    )
