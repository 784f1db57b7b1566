"""Discharge summaries in the admin: superusers only (no role holds these permissions, as for
other clinical content), read-only: a summary is prepared, edited and signed on the chart,
through the services that check who may and record it."""

from django.contrib import admin

from documents.models import DischargeSummary
from iop.audit.admin_mixins import AuditedModelAdmin


@admin.register(DischargeSummary)
class DischargeSummaryAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ["patient", "episode", "status", "signed_by", "signed_at"]
    list_filter = ["status"]
    list_select_related = ["patient", "signed_by"]
    search_fields = ["patient__mrn"]
    raw_id_fields = ["patient", "episode", "created_by", "updated_by", "signed_by"]
    readonly_fields = [
        "patient",
        "episode",
        "status",
        "record",
        "revision",
        "created_by",
        "created_at",
        "updated_by",
        "signed_by",
        "signed_at",
        "content_hash",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
