"""Billing in the admin. Payers are a list admins keep, saved through
`billing.services.payer_save` (its checks and its audit event). Coverage and authorizations
are read-only here (their view audited): they are recorded on the chart's Billing tab or
through the API by the services that check who may; the card is never served from here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from billing import services
from billing.models import Authorization, Coverage, Payer
from iop.audit.admin_mixins import AuditedModelAdmin


class PayerForm(forms.ModelForm):
    class Meta:
        model = Payer
        fields = ["name", "payer_id", "kind", "active"]

    def _post_clean(self):
        """The service's rules, with its messages (not the model's generic ones)."""
        construct_instance(self, self.instance, self._meta.fields)
        try:
            services.payer_validate(self.instance)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    form = PayerForm
    list_display = ["name", "payer_id", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "payer_id"]

    def save_model(self, request, obj, form, change):
        services.payer_save(payer=obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # kept on past coverage: mark it inactive instead


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


@admin.register(Coverage)
class CoverageAdmin(ReadOnlyAdmin):
    list_display = ["episode", "payer", "self_pay", "priority", "effective_from", "effective_to"]
    list_filter = ["priority", "self_pay", "payer"]
    list_select_related = ["episode__patient", "episode__program", "payer"]
    search_fields = ["episode__patient__mrn", "member_id"]
    raw_id_fields = ["episode", "payer", "created_by", "card_uploaded_by"]
    exclude = ["card"]
    readonly_fields = ["audit_trail"]


@admin.register(Authorization)
class AuthorizationAdmin(ReadOnlyAdmin):
    list_display = [
        "episode",
        "reference_number",
        "status",
        "unit",
        "number_authorized",
        "first_date",
        "last_date",
    ]
    list_filter = ["status", "unit", "level_of_care"]
    list_select_related = ["episode__patient", "episode__program"]
    search_fields = ["episode__patient__mrn", "reference_number"]
    raw_id_fields = ["episode", "coverage", "created_by"]
    readonly_fields = ["audit_trail"]


from billing import review_admin  # noqa: E402, F401
from billing.claims import admin as claims_admin  # noqa: E402, F401
