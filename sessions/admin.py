"""Admin for groups and schedules; sessions, attendance and notes are shown read-only.

A signed note is never edited here (nor on its page or in the API): only addenda, on the page.
"""

from django import forms
from django.contrib import admin, messages

from iop.audit.admin_mixins import AuditedModelAdmin
from iop.audit.context import AuditContext
from sessions.group_forms import GroupSettingsForm
from sessions.models import (
    Addendum,
    Attendance,
    AttendanceCorrection,
    GroupEnrollment,
    NoteEntry,
    ProgressNote,
    ReminderDelivery,
    StepDown,
    TherapyGroup,
    TherapySession,
)
from sessions.services import group_schedule_generate, group_sessions_follow
from sessions.services.groups import SETTINGS_FIELDS


class EnrollmentInline(admin.TabularInline):
    """Who is in the group, read-only: patients are enrolled and enrolments ended on the group's
    page or the patient's chart, where the rules (care team, places, dates) are checked."""

    model = GroupEnrollment
    extra = 0
    fields = ("episode", "start_date", "end_date")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "Enrolments (enrol and end them on the group's page in the app)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TherapyGroup)
class TherapyGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "kind", "schedule_label", "capacity", "is_active")
    list_filter = ("program", "kind", "is_active")
    search_fields = ("name",)
    inlines = [EnrollmentInline]
    actions = ["generate_sessions"]
    # Days as checkboxes, a start time and a duration (not JSON); facilitators among clinical
    # staff only, checked by the service's rule (the group settings page's form).
    form = GroupSettingsForm

    def get_form(self, request, obj=None, **kwargs):
        if kwargs.get("fields") is None:
            kwargs["fields"] = forms.ALL_FIELDS
        return super().get_form(request, obj, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        followed = {*SETTINGS_FIELDS, "facilitators", "is_active"}
        if change and followed & set(form.changed_data):
            cancelled = group_sessions_follow(
                group=form.instance, user=request.user, context=AuditContext.from_request(request)
            )
            if cancelled:
                messages.info(
                    request, f"{cancelled} coming sessions off the new schedule cancelled."
                )

    @admin.action(description="Generate sessions for the next 4 weeks")
    def generate_sessions(self, request, queryset):
        created = sum(group_schedule_generate(weeks=4, group=group) for group in queryset)
        messages.success(request, f"{created} sessions created (existing slots are kept).")


class ReadOnlyAdmin(AuditedModelAdmin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("patient", "status", "minutes_attended", "recorded_by", "recorded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TherapySession)
class TherapySessionAdmin(ReadOnlyAdmin):
    list_display = ("starts_at", "kind", "group", "patient", "status", "duration_minutes")
    list_filter = ("kind", "status", "group")
    date_hierarchy = "starts_at"
    list_select_related = ("group", "patient")
    inlines = [AttendanceInline]


class EntryInline(admin.StackedInline):
    model = NoteEntry
    extra = 0
    readonly_fields = ("patient", "text", "objectives_addressed", "risk_level", "risk_notes")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AddendumInline(admin.TabularInline):
    model = Addendum
    extra = 0
    readonly_fields = ("author", "created_at", "text", "content_hash")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressNote)
class ProgressNoteAdmin(ReadOnlyAdmin):
    list_display = (
        "session",
        "format",
        "status",
        "author",
        "signed_by",
        "signed_at",
        "cosigned_by",
        "cosigned_at",
    )
    list_filter = ("status", "format")
    list_select_related = (
        "session__group",
        "session__patient",
        "author",
        "signed_by",
        "cosigned_by",
    )
    readonly_fields = ("content_hash",)
    inlines = [EntryInline, AddendumInline]


@admin.register(AttendanceCorrection)
class AttendanceCorrectionAdmin(ReadOnlyAdmin):
    """Corrections of attendance under signed notes: made on the session page or the API
    (reason required), never here."""

    list_display = ("attendance", "before_status", "after_status", "corrected_by", "corrected_at")
    list_select_related = ("attendance__patient", "corrected_by")


@admin.register(StepDown)
class StepDownAdmin(ReadOnlyAdmin):
    list_display = ("episode", "starts_on", "ends_on", "reason")


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyAdmin):
    """What was sent, when, how, and failures after their retries."""

    list_display = (
        "session",
        "patient",
        "lead_hours",
        "channel",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "channel", "lead_hours")
    list_select_related = ("session__group", "patient")
    search_fields = ("patient__mrn", "patient__legal_last_name", "to")
    date_hierarchy = "next_attempt_at"
