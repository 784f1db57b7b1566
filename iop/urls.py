from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from iop import views
from sessions import views as sessions_views

admin.site.site_header = "IOP administration"
admin.site.site_title = "IOP admin"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", sessions_views.today, name="today"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("iop.accounts.urls")),
    # One login page for everyone, so the lockout, audit and idle rules apply to admins too.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    # One password page too: it writes the audit event and revokes the API tokens (the admin's
    # own form would change the password with no trace on the audit trail).
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password-change"),
    ),
    path(
        "admin/password_change/done/",
        RedirectView.as_view(pattern_name="accounts:password-change"),
    ),
    path("admin/", admin.site.urls),
    path("", include("patients.urls")),
    path("", include("plans.urls")),
    path("", include("sessions.urls")),
    path("", include("disclosures.urls")),
    path("", include("documents.urls")),
    path("", include("medications.urls")),
    path("", include("screens.urls")),
    path("", include("reports.urls")),
    path("", include("billing.urls")),
    path("", include("billing.claims.urls")),
    path("api/v1/", include("iop.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.BENCH:
    # The floor the benchmarks measure pages against (bench/README.md); absent otherwise.
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench-floor"))

handler404 = "iop.views.not_found"
handler400 = "iop.views.bad_request"
