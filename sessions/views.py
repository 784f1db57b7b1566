from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients.models import Alert
from plans.models import SafetyPlan

RISK_LEVELS = ("moderate", "high")


def mark_missing_safety_plans(alerts):
    """Flag moderate/high risk alerts whose patient has no current safety plan (one query)."""
    at_risk = {a.patient_id for a in alerts if a.kind == "risk" and a.risk_level in RISK_LEVELS}
    covered = set(
        SafetyPlan.objects.filter(patient_id__in=at_risk, status="active").values_list(
            "patient_id", flat=True
        )
    )
    for alert in alerts:
        alert.safety_plan_missing = (
            alert.kind == "risk"
            and alert.risk_level in RISK_LEVELS
            and alert.patient_id not in covered
        )


@login_required
@require_safe
def today(request):
    """The landing page: a clinician's day (sessions arrive with the sessions issue)."""
    user = request.user
    alerts = []
    if user.has_role(*Role.CLINICAL):
        alerts = list(
            Alert.objects.for_worklist(user).select_related("patient", "assigned_to")[:50]
        )
        mark_missing_safety_plans(alerts)
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            object_type="today",
            detail=f"{len(alerts)} alerts",
        )
    return render(
        request,
        "today.html",
        {
            "is_clinical": user.has_role(*Role.CLINICAL),
            "is_intake": user.has_role(Role.INTAKE),
            "is_admin": user.has_role(Role.ADMIN),
            "has_role": bool(user.roles),
            "alerts": alerts,
        },
    )
