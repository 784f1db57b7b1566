from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import Resolver404, resolve, reverse_lazy
from django.views.decorators.http import require_POST

from iop.accounts import services
from iop.accounts.forms import LoginForm
from iop.accounts.middleware import SIGNED_OUT_REASON, session_start
from iop.audit.context import AuditContext
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record


def _count(number, unit):
    return f"{number} {unit}{'' if number == 1 else 's'}"


def signed_out_message(reason):
    """Why the user was signed out, with the limits as configured (SESSION_IDLE_MINUTES and
    SESSION_ABSOLUTE_HOURS), or None for no known reason."""
    if reason == "idle":
        minutes = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
        return (
            f"You were signed out after {_count(minutes, 'minute')} without activity. "
            "Sign in to carry on."
        )
    if reason == "absolute":
        hours = int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600)
        return f"You were signed out because your session reached its {hours}-hour limit."
    return None


def _is_admin_url(url):
    try:
        return resolve(url.split("?", 1)[0]).namespace == "admin"
    except Resolver404:
        return False


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self):
        # A signed-in user the Django admin never lets in (not staff) would be sent from the
        # admin to this page and back again without end: send them home instead. (A staff
        # user still owing the second step goes on to the admin, which asks for it.)
        url = super().get_redirect_url()
        user = self.request.user
        if url and user.is_authenticated and not user.is_staff and _is_admin_url(url):
            return ""
        return url

    def get(self, request, *args, **kwargs):
        message = signed_out_message(request.session.pop(SIGNED_OUT_REASON, None))
        if message:
            messages.info(request, message)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        session_start(self.request)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(request=request, action=AuditEvent.Action.LOGOUT)
            services.api_tokens_revoke_all(
                target=request.user,
                reason="signed out",
                user=request.user,
                context=AuditContext.from_request(request),
            )
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You are signed out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """One's own password. Django keeps this session and ends the others (the session holds
    a hash of the password); the API tokens are revoked where the password is saved."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("today")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(
            user=self.request.user,
            target=self.request.user,
            context=AuditContext.from_request(self.request),
        )
        messages.success(
            self.request,
            "Your password is changed. Other browsers signed in as you are signed out, and "
            "your API tokens no longer work.",
        )
        return response


@login_required
@require_POST
def keepalive(request):
    """The "Stay signed in" button, and typing or clicking on a page (static/js/app.js pings
    at most once a minute): deliberate user actions, so they reset the idle clock (the
    middleware records the activity of any request not marked as background)."""
    return HttpResponse(status=204)
