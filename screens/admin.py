"""Screens in the admin. A program's screening settings are changed here by admins and clinical
directors, through `screens.services.settings_update` (its checks and its audit event). Orders,
results and draws are read-only (superusers only, as other clinical content): they are
recorded on the chart or through the API by the services that check who may."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from iop.audit.admin_mixins import AuditedModelAdmin
from screens import services
from screens.models import ScreenDraw, ScreeningSettings, ScreenOrder, ScreenResult

SETTINGS_FIELDS = (
    "panel",
    "specimen",
    "method",
    "schedule",
    "random_percent",
    "program_weekdays",
    "fixed_weekdays",
    "auto_weekly_draw",
)


class ScreeningSettingsForm(forms.ModelForm):
    """Saved by the service in `clean` (the admin's view runs in one transaction), so its
    refusals show on this form, beside the field they name."""

    class Meta:
        model = ScreeningSettings
        fields = ("program", *SETTINGS_FIELDS)

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("program"):
            return data
        try:
            self.saved = services.settings_update(
                program=data["program"],
                data={name: data.get(name) for name in SETTINGS_FIELDS},
                user=self.request_user,
            )
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data

    def validate_unique(self):
        """One settings row per program: `settings_update` keeps it so (and has saved by now)."""


@admin.register(ScreeningSettings)
class ScreeningSettingsAdmin(admin.ModelAdmin):
    form = ScreeningSettingsForm
    list_display = [
        "program",
        "schedule",
        "random_percent",
        "method",
        "auto_weekly_draw",
        "updated_at",
    ]
    readonly_fields = ["updated_by", "updated_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "program"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.pk = form.saved.pk  # saved (and audited) by the service in the form's clean

    def has_delete_permission(self, request, obj=None):
        return False


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


class ResultInline(admin.TabularInline):
    model = ScreenResult
    extra = 0
    can_delete = False
    fields = ("analyte", "value", "reading", "explanation", "entered_by", "entered_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScreenOrder)
class ScreenOrderAdmin(ReadOnlyAdmin):
    list_display = ["patient", "due_date", "reason", "status", "observed"]
    list_filter = ["status", "reason", "testing"]
    list_select_related = ["patient"]
    search_fields = ["patient__mrn"]
    raw_id_fields = ["patient", "episode", "draw", "ordered_by", "collected_by", "closed_by"]
    readonly_fields = ["audit_trail"]
    inlines = [ResultInline]


@admin.register(ScreenDraw)
class ScreenDrawAdmin(ReadOnlyAdmin):
    list_display = ["patient", "first_day", "last_day", "seed", "percent", "drawn_at"]
    list_select_related = ["patient"]
    search_fields = ["patient__mrn"]
    raw_id_fields = ["patient", "episode", "drawn_by"]
    readonly_fields = ["audit_trail"]
