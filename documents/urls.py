from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path(
        "patients/<int:pk>/sessions/<int:session_pk>/note.pdf",
        views.NotePdf.as_view(),
        name="note-pdf",
    ),
    path("plans/<int:plan_pk>/plan.pdf", views.PlanPdf.as_view(), name="plan-pdf"),
    path(
        "patients/<int:pk>/safety-plan/<int:plan_pk>/safety-plan.pdf",
        views.SafetyPlanPdf.as_view(),
        name="safety-plan-pdf",
    ),
    path(
        "patients/<int:pk>/aftercare/<int:episode_pk>/aftercare.pdf",
        views.AftercarePdf.as_view(),
        name="aftercare-pdf",
    ),
]
urlpatterns += [
    path(
        "patients/<int:pk>/discharge-summary/<int:episode_pk>/",
        views.DischargeSummaryPage.as_view(),
        name="discharge-summary",
    ),
    path(
        "patients/<int:pk>/discharge-summary/<int:episode_pk>/summary.pdf",
        views.DischargeSummaryPdf.as_view(),
        name="discharge-summary-pdf",
    ),
]
