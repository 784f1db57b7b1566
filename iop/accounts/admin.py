import knox.admin  # noqa: F401 - registered first, so that it can be taken away below
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from knox.models import AuthToken

from iop.accounts import services
from iop.accounts.mfa.services import mfa_reset
from iop.accounts.models import LoginThrottle, RoleGroup, User
from iop.audit.context import AuditContext

# API tokens are shown once, to their owner, when issued: no one lists them, and no one
# makes one for somebody else (an admin-made token is an impersonation).
admin.site.unregister(AuthToken)
admin.site.unregister(Group)

ROLES_HELP = (
    "What the user may see and do: intake, clinician, supervisor, director (a supervisor of "
    "every program) or admin. Supervisors are linked to their programs on the program's page."
)


@admin.register(RoleGroup)
class RoleAdmin(BaseGroupAdmin):
    """Django's auth groups are the app's roles (iop.accounts.roles): shown as roles, through
    the RoleGroup proxy (auth's own Group is unregistered above)."""

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Roles", **(extra_context or {})})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = {"title": "Role", **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra)


class RoleListFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "role"


class UserChangeRulesMixin:
    """The admin's user form checks the account rules (services.user_change_check) in clean,
    so a refused change comes back as a message on the form."""

    actor = None

    def clean(self):
        cleaned = super().clean()
        flags = {name: cleaned[name] for name in services.FLAGS if name in cleaned}
        try:
            services.user_change_check(
                user=self.actor, target=self.instance, roles=cleaned.get("groups"), flags=flags
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "email",
        "role_names",
        "is_active",
        "is_trainee",
        "prescriber_credential",
        "is_external_integration",
        "last_login",
    )
    list_filter = (
        "is_active",
        "is_staff",
        "is_trainee",
        "prescriber_credential",
        "is_external_integration",
        ("groups", RoleListFilter),
    )
    # Access comes from roles only (ROLE_PERMISSIONS): no per-user permissions to edit here.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Roles and access",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "is_external_integration",
                    "api_tokens",
                )
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
        ("Clinical", {"fields": ("credentials", "prescriber_credential", "is_trainee")}),
    )
    readonly_fields = ("api_tokens",)
    actions = ["deactivate", "reset_mfa"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, "is_superuser")
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "groups" in form.base_fields:
            form.base_fields["groups"].label = "Roles"
            form.base_fields["groups"].help_text = ROLES_HELP
        return type(form.__name__, (UserChangeRulesMixin, form), {"actor": request.user})

    def has_change_permission(self, request, obj=None):
        if obj is not None and not services.user_may_change(user=request.user, target=obj):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            services.user_create(
                user=request.user, target=obj, context=AuditContext.from_request(request)
            )
        # A change is saved with its roles in save_related, through the service.

    def save_related(self, request, form, formsets, change):
        if not change:
            return super().save_related(request, form, formsets, change)
        services.user_update(
            user=request.user,
            target=form.instance,
            roles=form.cleaned_data.get("groups"),
            context=AuditContext.from_request(request),
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, unquote(id))
        if target is not None and target.pk == request.user.pk:
            # One's own password is changed on the page that asks for the current one (a
            # session left open must not be enough to take the account).
            return redirect("accounts:password-change")
        before = target.password if target is not None else None
        response = super().user_change_password(request, id, form_url)
        if target is not None and request.method == "POST":
            target.refresh_from_db(fields=["password"])
            if target.password != before:
                services.user_password_changed(
                    user=request.user, target=target, context=AuditContext.from_request(request)
                )
        return response

    @admin.display(description="API tokens")
    def api_tokens(self, obj):
        count = services.api_tokens_active(obj) if obj.pk else 0
        return f"{count} active (shown once to their owner when issued; never listed)"

    @admin.display(description="Roles")
    def role_names(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"

    @admin.action(
        description="Disable the selected users (they lose access at once)",
        permissions=["change"],
    )
    def deactivate(self, request, queryset):
        count, context = 0, AuditContext.from_request(request)
        for target in queryset.filter(is_active=True):
            try:
                services.user_deactivate(user=request.user, target=target, context=context)
                count += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{target.get_username()}: {' '.join(error.messages)}", messages.ERROR
                )
        self.message_user(request, f"{count} user(s) disabled.")

    @admin.action(
        description="Reset two-step verification (MFA) of the selected users",
        permissions=["change"],
    )
    def reset_mfa(self, request, queryset):
        context = AuditContext.from_request(request)
        for target in queryset:
            try:
                removed = mfa_reset(target=target, user=request.user, context=context)
            except PermissionDenied as refusal:
                self.message_user(request, f"{target.username}: {refusal}", messages.ERROR)
            else:
                self.message_user(request, f"{target.username}: {removed} MFA device(s) removed.")

    def has_delete_permission(self, request, obj=None):
        # Users appear in the audit trail and on signed records: disable them instead.
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Delete a row to lift its lock before the cool-off ends."""

    list_display = ("username", "scope", "ip", "failures", "last_failure_at", "locked_until")
    list_filter = ("scope",)
    search_fields = ("username", "ip")
    readonly_fields = (
        "username",
        "scope",
        "ip",
        "failures",
        "first_failure_at",
        "last_failure_at",
        "locked_until",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
