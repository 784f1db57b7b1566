"""Admin for plans: read-only for signed versions; nothing clinical is deleted here.

Plans are written on their pages (and the API), which go through the services. The admin is
for looking things up and correcting a draft's summary: a signed (non-draft) version is shown
read-only and a change to it is refused, exactly as on the page and the API.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from iop.audit.admin_mixins import AuditedModelAdmin
from iop.audit.context import AuditContext
from iop.errors import ConflictError, error_text
from plans import services
from plans.library import LibraryEntry
from plans.models import (
    AftercarePlan,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    TreatmentPlan,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProblemInline(ReadOnlyInline):
    model = Problem
    fields = ("position", "description", "diagnosis_code")
    readonly_fields = fields


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("patient", "version", "status", "signed_by", "activated_at", "next_review_due")
    list_filter = ("status",)
    search_fields = ("patient__mrn", "patient__legal_last_name")
    list_select_related = ("patient", "signed_by")
    fields = (
        "patient",
        "episode",
        "version",
        "status",
        "summary",
        "signed_by",
        "signed_at",
        "content_hash",
        "patient_ack_name",
        "patient_ack_at",
        "activated_at",
        "next_review_due",
        "ended_at",
        "close_reason",
        "previous",
        "revision",
        "audit_trail",
    )
    inlines = [ProblemInline]

    @admin.display(description="Audit trail")
    def audit_trail(self, obj):
        return self.audit_trail_link(obj)

    def get_readonly_fields(self, request, obj=None):
        editable = {"summary"} if obj is not None and obj.is_draft else set()
        return [f for f in self.fields if f not in editable]

    def has_add_permission(self, request):
        return False  # plans start from the patient's plan page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """A draft's summary goes through the service (draft check, revision, audit)."""
        try:
            services.plan_update(
                plan=obj,
                data={"summary": form.cleaned_data.get("summary", obj.summary)},
                user=request.user,
                context=AuditContext.from_request(request),
            )
        except (ValidationError, ConflictError) as error:
            messages.error(request, f"Not saved: {error}")

    def save_related(self, request, form, formsets, change):
        # Nothing else is saved here (the problems are read-only); the change message still
        # reads what each formset saved.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(PlanReview)
class PlanReviewAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("patient", "due_date", "status", "decision", "completed_by")
    list_filter = ("status", "decision")
    list_select_related = ("patient", "completed_by")
    search_fields = ("patient__mrn", "patient__legal_last_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SafetyPlan)
class SafetyPlanAdmin(PlanReviewAdmin):
    list_display = ("patient", "version", "status", "signed_by", "signed_at")
    list_filter = ("status",)
    list_select_related = ("patient", "signed_by")


@admin.register(AftercarePlan)
class AftercarePlanAdmin(PlanReviewAdmin):
    list_display = ("patient", "episode", "step_down_level", "updated_at")
    list_filter = ("step_down_level",)
    list_select_related = ("patient", "episode")


@admin.register(ProgressEntry)
class ProgressEntryAdmin(PlanReviewAdmin):
    list_display = ("patient", "objective", "rating", "recorded_by", "recorded_at")
    list_filter = ("rating",)
    list_select_related = ("patient", "objective", "recorded_by")


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    """Admins maintain every program's plan library here (supervisors on the library page);
    saves and deletions go through the service, which audits them."""

    list_display = ("text", "kind", "program", "modality", "frequency", "is_active")
    list_filter = ("program", "kind", "is_active")
    list_select_related = ("program",)
    search_fields = ("text", "frequency")
    fields = ("program", "kind", "text", "modality", "frequency", "is_active")
    actions = ["stop_offering"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields if name in form.cleaned_data}
        try:
            saved = services.library_entry_save(
                user=request.user,
                data=data,
                entry=obj if change else None,
                context=AuditContext.from_request(request),
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"Not saved: {error_text(error)}")
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.library_entry_delete(
            entry=obj, user=request.user, context=AuditContext.from_request(request)
        )

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            self.delete_model(request, entry)

    @admin.action(description="Stop offering the selected entries in the plan editor")
    def stop_offering(self, request, queryset):
        for entry in queryset:
            services.library_entry_save(
                user=request.user,
                data={"is_active": False},
                entry=entry,
                context=AuditContext.from_request(request),
            )
