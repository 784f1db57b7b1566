"""Medications in the admin: superusers only (no role holds these permissions, as for other
clinical content), read-only: entries are added, changed and stopped, and reconciliations
decided and signed, on the chart or through the API, by the services that check who may and
write the history and the audit trail. A signed reconciliation is never changed anywhere."""

from django.contrib import admin

from iop.audit.admin_mixins import AuditedModelAdmin
from medications.models import Medication, MedicationChange, Reconciliation, ReconciliationItem


class ReadOnlyAdmin(AuditedModelAdmin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Audit trail")
    def audit_trail(self, obj):
        return self.audit_trail_link(obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ChangeInline(ReadOnlyInline):
    model = MedicationChange
    fields = ("kind", "changes", "changed_by", "changed_at")
    readonly_fields = fields


@admin.register(Medication)
class MedicationAdmin(ReadOnlyAdmin):
    list_display = ["name", "strength", "patient", "addiction_treatment", "start_date", "stop_date"]
    list_filter = ["addiction_treatment", "route"]
    list_select_related = ["patient"]
    search_fields = ["patient__mrn", "name", "rxnorm_code"]
    raw_id_fields = ["patient", "episode", "prescriber", "created_by"]
    readonly_fields = ["audit_trail"]
    inlines = [ChangeInline]


class ItemInline(ReadOnlyInline):
    model = ReconciliationItem
    fields = ("medication", "decision", "note", "state")
    readonly_fields = fields


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = ["patient", "occasion", "status", "signed_by", "signed_at"]
    list_filter = ["occasion", "status"]
    list_select_related = ["patient", "signed_by"]
    search_fields = ["patient__mrn"]
    raw_id_fields = ["patient", "episode", "created_by", "signed_by"]
    readonly_fields = ["audit_trail", "content_hash"]
    inlines = [ItemInline]
