"""Today: a clinician's day on one page (the data is `sessions.selectors.today_for`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from iop.audit.models import AuditEvent
from iop.audit.services import audit_record_patients
from patients.part2 import part2_patient_ids
from sessions.selectors import today_for, today_patient_ids
from sessions.views.session import ATTENDANCE_BUTTONS


@login_required
@require_safe
def today(request):
    """A clinician's day: sessions with attendance sheets, notes to write and sign, alerts,
    patients below their hours; supervisors also see notes waiting for co-signature."""
    context = today_for(request.user)
    if context["is_clinical"]:
        context["statuses"] = ATTENDANCE_BUTTONS
        shown = today_patient_ids(context)
        context["is_part2"] = bool(part2_patient_ids(shown))
        # One event per patient the page shows, in one statement (a clinician with no
        # patients today still gets one, with none).
        audit_record_patients(
            action=AuditEvent.Action.VIEW,
            request=request,
            object_type="today",
            patient_ids=shown or [None],
            detail=f"{len(context['sessions'])} sessions, {len(context['alerts'])} alerts",
        )
    return render(request, "today.html", context)
