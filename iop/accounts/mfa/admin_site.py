from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite


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


class IOPAdminConfig(AdminConfig):
    """django.contrib.admin, with `IOPAdminSite` as `admin.site`."""

    default_site = "iop.accounts.mfa.admin_site.IOPAdminSite"
