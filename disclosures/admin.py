"""Read-only: disclosures are append-only, and rights requests change through the chart's
services (audited there). Only superusers see them (no role holds these permissions)."""

from django.contrib import admin

from disclosures.models import Amendment, Disclosure, RightsRequest
from iop.audit.admin_mixins import AuditedModelAdmin


class ReadOnlyAdmin(AuditedModelAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ["disclosed_at", "patient", "recipient_name", "purpose", "is_part2"]
    list_filter = ["purpose", "is_part2", "recipient_kind"]
    list_select_related = ["patient"]
    search_fields = ["patient__mrn", "recipient_name"]
    exclude = ["packet"]
    raw_id_fields = ["patient", "episode", "consent", "counseling_consent", "disclosed_by"]


@admin.register(RightsRequest)
class RightsRequestAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "patient", "kind", "due_on", "status", "outcome"]
    list_filter = ["kind", "status", "outcome"]
    list_select_related = ["patient"]
    search_fields = ["patient__mrn"]
    raw_id_fields = ["patient", "recorded_by", "handled_by"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["request", "addendum"]
    raw_id_fields = ["request", "addendum"]
