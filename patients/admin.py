from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from iop.audit.admin_mixins import AuditedModelAdmin
from iop.audit.context import AuditContext
from patients import services
from patients.models import (
    Alert,
    Consent,
    Episode,
    IntakeAssessment,
    LevelOfCareChange,
    MeasureAnswer,
    MeasureResponse,
    Patient,
    Program,
)
from patients.models.risk import RiskAssessment
from patients.program_forms import ProgramSettingsForm


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "track",
        "weekly_hours_minimum",
        "review_cadence_days",
        "billing_mode",
        "is_active",
    )
    list_filter = ("track", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("supervisors",)
    # The measure schedule and reminder times as widgets, not JSON (the settings page's form).
    form = ProgramSettingsForm

    def get_form(self, request, obj=None, **kwargs):
        # Every field of the program, the settings form's widgets for its own.
        if kwargs.get("fields") is None:
            kwargs["fields"] = forms.ALL_FIELDS
        return super().get_form(request, obj, **kwargs)

    def save_related(self, request, form, formsets, change):
        # Who supervises a program decides who reads its records: set through the service,
        # which checks the role and audits each supervisor added or removed.
        supervisors = form.cleaned_data.pop("supervisors", None)
        super().save_related(request, form, formsets, change)
        if supervisors is not None:
            services.program_supervisors_set(
                program=form.instance,
                supervisors=supervisors,
                user=request.user,
                context=AuditContext.from_request(request),
            )


class EpisodeInline(admin.TabularInline):
    model = Episode
    fields = (
        "program",
        "status",
        "level_of_care",
        "referral_date",
        "admission_date",
        "discharge_date",
        "primary_clinician",
        "is_sud",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Patient)
class PatientAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("mrn", "legal_last_name", "legal_first_name", "date_of_birth", "created_at")
    search_fields = ("mrn", "legal_last_name", "legal_first_name", "preferred_name")
    list_filter = ("sex", "preferred_contact_channel")
    readonly_fields = ("mrn", "created_at", "created_by", "audit_trail")
    inlines = [EpisodeInline]

    @admin.display(description="Audit trail")
    def audit_trail(self, obj):
        return self.audit_trail_link(obj)

    def has_delete_permission(self, request, obj=None):
        return False


class LevelOfCareChangeInline(admin.TabularInline):
    model = LevelOfCareChange
    extra = 0
    readonly_fields = (
        "from_level",
        "to_level",
        "effective_date",
        "reason",
        "changed_by",
        "changed_at",
    )
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Episode)
class EpisodeAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = (
        "patient",
        "program",
        "status",
        "level_of_care",
        "referral_date",
        "admission_date",
        "primary_clinician",
        "is_sud",
    )
    list_filter = ("status", "program", "level_of_care", "is_sud")
    search_fields = ("patient__mrn", "patient__legal_last_name", "patient__legal_first_name")
    list_select_related = ("patient", "program", "primary_clinician")
    raw_id_fields = ("patient",)
    autocomplete_fields = ("care_team",)
    # Status and dates move only through the workflow (services.episode_transition).
    readonly_fields = (
        "status",
        "admission_date",
        "discharge_date",
        "discharge_reason",
        "decline_reason",
        "level_of_care",
        "part2_refusal_reason",
        "part2_refusal_at",
        "part2_refusal_by",
        "audit_trail",
    )
    inlines = [LevelOfCareChangeInline]
    actions = ["decline_referrals"]
    # What an admin (view only, for the group enrolment lookup) is not shown: Part 2 status
    # and the clinical reasons (why the patient was referred, discharged or declined).
    CLINICAL_FIELDS = (
        "is_sud",
        "referral_reason",
        "discharge_reason",
        "decline_reason",
        "part2_refusal_reason",
        "part2_refusal_at",
        "part2_refusal_by",
    )

    @admin.display(description="Audit trail")
    def audit_trail(self, obj):
        return self.audit_trail_link(obj)

    def _clinical_reader(self, request):
        return self.has_change_permission(request)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._clinical_reader(request):
            return fields
        return [f for f in fields if f not in self.CLINICAL_FIELDS]

    def get_list_display(self, request):
        fields = super().get_list_display(request)
        if self._clinical_reader(request):
            return fields
        return [f for f in fields if f not in self.CLINICAL_FIELDS]

    def get_list_filter(self, request):
        fields = super().get_list_filter(request)
        if self._clinical_reader(request):
            return fields
        return [f for f in fields if f not in self.CLINICAL_FIELDS]

    def lookup_allowed(self, lookup, value, request=None):
        # Nor probed through the list's query string (`?is_sud__exact=1`, `?referral_reason__
        # icontains=...`): a 400 for a reader who is not shown them.
        field = lookup.split("__", 1)[0]
        if field in self.CLINICAL_FIELDS and not (
            request is not None and self._clinical_reader(request)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_readonly_fields(self, request, obj=None):
        # Once admitted, the SUD flag, program and clinician change through the services and
        # pages (the Part 2 part of the admission rule, the care team); new rows stay editable.
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status in (Episode.Status.ACTIVE, Episode.Status.DISCHARGED):
            fields = (*fields, "is_sud", "program", "primary_clinician")
        return fields

    @admin.action(
        description="Decline the selected referrals (reason: declined by admin)",
        permissions=["change"],
    )
    def decline_referrals(self, request, queryset):
        done, context = 0, AuditContext.from_request(request)
        for episode in queryset:
            try:
                services.episode_transition(
                    episode=episode,
                    to_status=Episode.Status.DECLINED,
                    user=request.user,
                    context=context,
                    decline_reason="Declined by an administrator.",
                )
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{episode}: {' '.join(error.messages)}", messages.WARNING
                )
        self.message_user(request, f"{done} referral(s) declined.")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IntakeAssessment)
class IntakeAssessmentAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("episode", "patient", "status", "current_step", "started_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("patient__mrn", "patient__legal_last_name")
    list_select_related = ("episode__program", "patient")
    raw_id_fields = ("episode", "patient")

    def get_readonly_fields(self, request, obj=None):
        # Clinical content is written through the intake workflow, not the admin.
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeasureAnswerInline(admin.TabularInline):
    model = MeasureAnswer
    extra = 0
    readonly_fields = ("position", "item_code", "value")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MeasureResponse)
class MeasureResponseAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("patient", "instrument", "administered_at", "total_score", "severity")
    list_filter = ("instrument", "severity")
    search_fields = ("patient__mrn", "patient__legal_last_name")
    list_select_related = ("patient",)
    inlines = [MeasureAnswerInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ("patient", "kind", "signed_at", "expires_on", "state_label", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("patient__mrn", "patient__legal_last_name", "recipient")
    list_select_related = ("patient",)
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected consents")
    def revoke(self, request, queryset):
        context = AuditContext.from_request(request)
        for consent in queryset.filter(revoked_at__isnull=True):
            services.consent_revoke(
                consent=consent,
                user=request.user,
                context=context,
                note="Revoked by an administrator.",
            )


@admin.register(Alert)
class AlertAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "patient",
        "priority",
        "status",
        "assigned_to",
        "raised_at",
        "closed_at",
    )
    list_filter = ("kind", "status", "priority")
    search_fields = ("patient__mrn", "patient__legal_last_name", "title")
    list_select_related = ("patient", "assigned_to")
    date_hierarchy = "raised_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(AuditedModelAdmin, admin.ModelAdmin):
    """Read-only: a signed risk assessment is recorded on the chart (services) and never edited."""

    list_display = ("patient", "level", "signed_by", "signed_at")
    list_filter = ("level",)
    search_fields = ("patient__mrn", "patient__legal_last_name")
    list_select_related = ("patient", "signed_by")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
