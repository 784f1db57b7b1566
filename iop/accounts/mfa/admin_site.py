from functools import wraps

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import PermissionDenied


class IOPAdminSite(AdminSite):
    """The Django admin, open only to a session that has done its second step (or whose user
    has no MFA and needs none). MFAMiddleware already holds such sessions back; this keeps the
    admin closed even if the middleware were left out."""

    def has_permission(self, request):
        from iop.accounts.mfa.services import SessionState, session_state

        return super().has_permission(request) and session_state(request) in (
            SessionState.VERIFIED,
            SessionState.OPEN,
        )

    def admin_view(self, view, cacheable=False):
        """A signed-in user who is not staff gets the 403 page. Django's admin sends them to its
        login page, which is ours, which sends a signed-in user back: a loop between the two."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refuse_signed_in_non_staff(request, *args, **kwargs):
            from iop.accounts.mfa.services import SessionState, session_state

            user = request.user
            signed_in = user.is_authenticated and session_state(request) in (
                SessionState.VERIFIED,
                SessionState.OPEN,
            )
            if signed_in and not self.has_permission(request):
                raise PermissionDenied("The Django admin is for administrators.")
            return inner(request, *args, **kwargs)

        return refuse_signed_in_non_staff


class IOPAdminConfig(AdminConfig):
    """django.contrib.admin, with `IOPAdminSite` as `admin.site`."""

    default_site = "iop.accounts.mfa.admin_site.IOPAdminSite"
