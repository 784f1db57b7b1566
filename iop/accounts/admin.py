from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied

from iop.accounts.mfa.services import mfa_reset
from iop.accounts.models import LoginThrottle, User
from iop.audit.context import AuditContext


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "email",
        "role_names",
        "is_active",
        "is_trainee",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_trainee", "groups")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Clinical", {"fields": ("credentials", "is_trainee")}),
    )
    actions = ["deactivate", "reset_mfa"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def role_names(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"

    @admin.action(description="Disable the selected users (they lose access at once)")
    def deactivate(self, request, queryset):
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
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
