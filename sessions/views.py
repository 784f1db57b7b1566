from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients.models import Alert


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
