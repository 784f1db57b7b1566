from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.http import require_safe

from patients.models import Patient


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


def not_found(request, exception):
    """A path under /api/ that matches no route (`/api/v1/plans/1.5/`) answers the API's JSON
    404, as the schema documents; pages keep the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """Django's own 400 (a malformed or oversized request) in JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


@login_required
@require_safe
def bench_floor(request):
    """The benchmarks' floor: signed in, through every middleware, one indexed query and no
    template. Mounted only when settings.BENCH is on (bench/pages.py's server)."""
    found = Patient.objects.filter(pk=request.user.pk).exists()
    return HttpResponse("yes" if found else "no", content_type="text/plain")
