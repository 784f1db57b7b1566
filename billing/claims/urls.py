from django.urls import path

from billing.claims import views

app_name = "claims"
urlpatterns = [
    path("billing/claims/", views.ClaimLines.as_view(), name="lines"),
    path("billing/claims/build/", views.ClaimsBuild.as_view(), name="build"),
    path("billing/claims/export/", views.ClaimsExport.as_view(), name="export-create"),
    path("billing/claims/<int:pk>/void/", views.ClaimLineVoid.as_view(), name="void"),
    path("billing/claims/exports/", views.ClaimExports.as_view(), name="exports"),
    path("billing/claims/exports/<int:pk>/", views.ClaimExportDetail.as_view(), name="export"),
    path(
        "billing/claims/exports/<int:pk>/claim-lines.csv",
        views.ClaimExportCsv.as_view(),
        name="export-csv",
    ),
    path(
        "billing/patients/<int:pk>/superbill/<int:year>-<int:month>.pdf",
        views.Superbill.as_view(),
        name="superbill",
    ),
]
