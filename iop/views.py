from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    if request.user.is_authenticated:
        return redirect("today")
    return redirect("accounts:login")


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
