from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

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


@lru_cache(maxsize=64)
def _reversed(name, prefix, urlconf):
    """A nav link's URL (none takes arguments): reversed once per script prefix and URLconf,
    what `reverse` reads besides the name, not on every page (eleven reversals, about half a
    millisecond a page)."""
    return reverse(name, urlconf=urlconf)


def _items(user):
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF

    def url(name):
        return _reversed(name, prefix, urlconf)

    items = [("Today", url("today"))]
    if user.has_role(*Role.CLINICAL):
        items.append(("Caseload", url("patients:caseload")))
        items.append(("Schedule", url("sessions:week")))
        items.append(("Groups", url("sessions:groups")))
        items.append(("Reports", url("reports:dashboard")))
    if user.has_role(Role.INTAKE, Role.SUPERVISOR):
        items.append(("Intake", url("patients:intake-queue")))
    if user.has_role(Role.SUPERVISOR):
        items.append(("Emergency reviews", url("patients:emergency-reviews")))
        items.append(("Plan libraries", url("plans:libraries")))
    if user.has_role(Role.BILLER, Role.SUPERVISOR):
        items.append(("Authorizations", url("billing:worklist")))
        items.append(("Claims", url("claims:lines")))
    if user.is_staff and (user.has_role(Role.ADMIN) or user.is_superuser):
        items.append(("Admin", url("admin:index")))
    if user.has_role(*api_roles()):
        items.append(("API", url("api-docs")))
    return items
