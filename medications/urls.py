from django.urls import path

from medications import views

app_name = "medications"
urlpatterns = [
    path("patients/<int:pk>/medications/", views.MedicationsTab.as_view(), name="chart"),
    path("patients/<int:pk>/medications/new/", views.MedicationCreate.as_view(), name="new"),
    path(
        "patients/<int:pk>/medications/<int:medication_pk>/edit/",
        views.MedicationEdit.as_view(),
        name="edit",
    ),
    path(
        "patients/<int:pk>/medications/<int:medication_pk>/stop/",
        views.MedicationStop.as_view(),
        name="stop",
    ),
    path(
        "patients/<int:pk>/medications/reconciliations/new/",
        views.ReconciliationStart.as_view(),
        name="reconciliation-start",
    ),
    path(
        "patients/<int:pk>/medications/reconciliations/<int:reconciliation_pk>/",
        views.ReconciliationDetail.as_view(),
        name="reconciliation",
    ),
]
