from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse

from iop.accounts.mfa.services import SessionState, session_state
from iop.accounts.middleware import return_address

# Reachable before the second step: signing out, the idle timer's ping, and the page that
# finishes signing in (the second step, or enrolment for those who must have MFA).
ALWAYS_OPEN = {"accounts:logout", "accounts:keepalive"}
OPEN_UNTIL = {
    SessionState.PENDING: ("accounts:mfa-verify", "Two-step verification is needed."),
    SessionState.MUST_ENROL: (
        "accounts:mfa-enrol",
        "Your account must have two-step verification: set it up first.",
    ),
}


class MFAMiddleware:
    """A signed-in session counts only once the second step is done.

    After the password, an enrolled user reaches nothing but the second-step page (pages,
    htmx, session API calls and the Django admin alike) until they give a code; a user who
    must have MFA (MFA_ENFORCED, MFA_REQUIRED_ROLES, MFA_REQUIRED_FOR_ALL) and has none
    reaches nothing but enrolment. Must come after django_otp's OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = session_state(request)
        if state in OPEN_UNTIL and not self._open(request, OPEN_UNTIL[state][0]):
            return self._hold(request, *OPEN_UNTIL[state])
        return self.get_response(request)

    @staticmethod
    def _open(request, page):
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            return False
        return name == page or name in ALWAYS_OPEN

    @staticmethod
    def _hold(request, page, message):
        url = f"{reverse(page)}?{urlencode({'next': return_address(request)})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(message, status=401)
            response["HX-Redirect"] = url
            return response
        if request.path.startswith("/api/") and "text/html" not in request.headers.get(
            "Accept", ""
        ):
            return JsonResponse({"detail": message}, status=403)
        return HttpResponseRedirect(url)
