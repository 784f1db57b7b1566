from django.urls import path

from disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("patients/<int:pk>/disclosures/", views.Accounting.as_view(), name="accounting"),
    path(
        "patients/<int:pk>/disclosures/print/",
        views.AccountingPrint.as_view(),
        name="accounting-print",
    ),
    path("patients/<int:pk>/disclosures/new/", views.ReleaseCreate.as_view(), name="release-new"),
    path(
        "patients/<int:pk>/disclosures/<int:disclosure_pk>/packet.pdf",
        views.PacketDownload.as_view(),
        name="packet",
    ),
    path(
        "patients/<int:pk>/rights-requests/new/",
        views.RightsRequestCreate.as_view(),
        name="request-new",
    ),
    path(
        "patients/<int:pk>/rights-requests/<int:request_pk>/answer/",
        views.RightsRequestAnswer.as_view(),
        name="request-answer",
    ),
    path(
        "patients/<int:pk>/rights-requests/<int:request_pk>/amend/",
        views.AmendmentCreate.as_view(),
        name="amendment-new",
    ),
]
