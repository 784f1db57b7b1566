import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers

from iop.audit.models import AuditEvent
from iop.audit.services import audit_record

LAST_ACTIVITY = "iop_last_activity"
SIGNED_IN_AT = "iop_signed_in_at"
SIGNED_OUT_REASON = "iop_signed_out_reason"
# A page's own polling sends this header; such requests keep the page fresh but are not
# the user doing anything, so they neither reset the idle clock nor keep a session alive.
BACKGROUND_HEADER = "X-IOP-Background"
# Writing the session on every click costs a query; a few seconds of slack is harmless.
ACTIVITY_RESOLUTION_SECONDS = 10


def session_start(request):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now


def is_background(request):
    return request.headers.get(BACKGROUND_HEADER) == "1"


class SessionTimeoutMiddleware:
    """Idle logoff (SESSION_IDLE_TIMEOUT) and an absolute limit (SESSION_ABSOLUTE_TIMEOUT),
    each recorded on the audit trail as a logout ("idle timeout", "absolute timeout")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session:
            now = time.time()
            started = request.session.get(SIGNED_IN_AT)
            last = request.session.get(LAST_ACTIVITY)
            if started is None or last is None:
                session_start(request)
            else:
                reason = None
                if now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
                    reason = "absolute"
                elif now - last > settings.SESSION_IDLE_TIMEOUT.total_seconds():
                    reason = "idle"
                if reason:
                    return self._sign_out(request, reason)
                resolution = min(
                    ACTIVITY_RESOLUTION_SECONDS, settings.SESSION_IDLE_TIMEOUT.total_seconds() / 4
                )
                if not is_background(request) and now - last >= resolution:
                    request.session[LAST_ACTIVITY] = now
        return self.get_response(request)

    def _sign_out(self, request, reason):
        # Recorded before the logout, while the request still says whose session it was.
        audit_record(request=request, action=AuditEvent.Action.LOGOUT, detail=f"{reason} timeout")
        logout(request)
        request.session[SIGNED_OUT_REASON] = reason
        login_url = redirect_to_login(return_address(request))["Location"]
        if request.headers.get("HX-Request") or request.path.startswith("/api/"):
            response = HttpResponse("Signed out: session timed out.", status=401)
            response["HX-Redirect"] = login_url
            return response
        return HttpResponseRedirect(login_url)


def return_address(request):
    """Where to come back to after signing in again: the page the user was on.

    On the login page itself that is its own `next` (never a login address wrapped in
    another); for an htmx request, the page that made it, not the fragment's URL."""
    login_path = resolve_url(settings.LOGIN_URL)
    if request.path == login_path:
        target = request.GET.get("next", "")
    elif request.headers.get("HX-Current-URL"):
        parts = urlsplit(request.headers["HX-Current-URL"])
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        target = request.get_full_path()
    if not target or urlsplit(target).path == login_path:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return target


class NoStoreMiddleware:
    """No browser or proxy keeps a copy of any page or API answer (they carry patient data).

    Static files never get here: whitenoise answers them earlier with long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class IntegrationAccountMiddleware:
    """An account marked as an external integration is a system outside the program, not a
    person: it signs in (accounts pages, the API's token) and reads the API, where 42 CFR
    Part 2 keeps SUD patients' records from it (`iop.api.viewsets`). Every other page
    answers 403 (audited by the refusal middleware), so a chart is never a way round."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and user.is_external_integration):
            return None
        match = request.resolver_match
        if request.path_info.startswith("/api/") or (match and match.namespace == "accounts"):
            return None
        raise PermissionDenied("This account is an external integration: it uses the API only.")
