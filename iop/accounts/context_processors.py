from django.conf import settings
from django.urls import reverse

from iop.accounts.mfa.services import SessionState, session_state
from iop.accounts.roles import Role
from iop.api.roles import api_roles


def navigation(request):
    """The navigation bar's links for the signed-in user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # Signed in with the password only: nothing to go to until the second step is done.
    mfa_incomplete = session_state(request) in (SessionState.PENDING, SessionState.MUST_ENROL)
    items = [] if mfa_incomplete else _items(user)
    return {
        "nav_items": [{"label": label, "url": url} for label, url in items],
        "mfa_incomplete": mfa_incomplete,
        "idle_timeout_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "autosave_seconds": settings.AUTOSAVE_SECONDS,
    }


def _items(user):
    items = [("Today", reverse("today"))]
    if user.has_role(*Role.CLINICAL):
        items.append(("Caseload", reverse("patients:caseload")))
        items.append(("Schedule", reverse("sessions:week")))
        items.append(("Groups", reverse("sessions:groups")))
        items.append(("Reports", reverse("reports:dashboard")))
    if user.has_role(Role.INTAKE, Role.SUPERVISOR):
        items.append(("Intake", reverse("patients:intake-queue")))
    if user.has_role(Role.SUPERVISOR):
        items.append(("Emergency reviews", reverse("patients:emergency-reviews")))
        items.append(("Plan libraries", reverse("plans:libraries")))
    if user.has_role(Role.BILLER, Role.SUPERVISOR):
        items.append(("Authorizations", reverse("billing:worklist")))
        items.append(("Claims", reverse("claims:lines")))
    if user.is_staff and (user.has_role(Role.ADMIN) or user.is_superuser):
        items.append(("Admin", reverse("admin:index")))
    if user.has_role(*api_roles()):
        items.append(("API", reverse("api-docs")))
    return items
