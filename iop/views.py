from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from iop.accounts.roles import Role


@require_safe
def home(request):
    if request.user.is_authenticated:
        return redirect("today")
    return redirect("accounts:login")


@login_required
@require_safe
def today(request):
    """The landing page: a clinician's day. Later issues fill its panels."""
    user = request.user
    return render(
        request,
        "today.html",
        {
            "is_clinical": user.has_role(*Role.CLINICAL),
            "is_intake": user.has_role(Role.INTAKE),
            "is_admin": user.has_role(Role.ADMIN),
            "has_role": bool(user.roles),
        },
    )


def csrf_failure(request, reason=""):
    return render(
        request,
        "403_csrf.html",
        {"reason": reason},
        status=403,
    )


@require_safe
def favicon(request):
    """Browsers and the admin ask for /favicon.ico; ours is an SVG among the static files."""
    return redirect(static("favicon.svg"), permanent=True)
