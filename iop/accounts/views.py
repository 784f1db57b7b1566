from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from iop.accounts.forms import LoginForm
from iop.accounts.middleware import SIGNED_OUT_REASON, session_start
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record

SIGNED_OUT_MESSAGES = {
    "idle": "You were signed out after 15 minutes without activity. Sign in to carry on.",
    "absolute": "You were signed out because your session reached its 12-hour limit.",
}


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        reason = request.session.pop(SIGNED_OUT_REASON, None)
        if reason in SIGNED_OUT_MESSAGES:
            messages.info(request, SIGNED_OUT_MESSAGES[reason])
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        session_start(self.request)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(request=request, action=AuditEvent.Action.LOGOUT)
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You are signed out.")
        return response


@login_required
@require_POST
def keepalive(request):
    """The "Stay signed in" button: a deliberate user action, so it resets the idle clock."""
    return HttpResponse(status=204)
