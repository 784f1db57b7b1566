from django.urls import reverse
from django.utils.html import format_html

from iop.audit.models import AuditEvent
from iop.audit.services import audit_record


class AuditedModelAdmin:
    """For ModelAdmins of patient data: opening, adding and changing a record is audited,
    and each record links to its own audit trail."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(
                    request=request,
                    action=AuditEvent.Action.VIEW,
                    obj=obj,
                    patient_id=getattr(obj, "audit_patient_id", None),
                    detail="admin",
                )
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            request=request,
            action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
            obj=obj,
            patient_id=getattr(obj, "audit_patient_id", None),
            detail=("admin: " + ", ".join(form.changed_data))[:300],
        )

    @staticmethod
    def audit_trail_link(obj):
        patient_id = getattr(obj, "audit_patient_id", None)
        if not patient_id:
            return "—"
        url = reverse("admin:audit_auditevent_changelist") + f"?patient={patient_id}"
        return format_html('<a href="{}">Audit trail of this patient</a>', url)
