from django.urls import path

from patients.views import (
    caseload,
    chart,
    details,
    emergency,
    episodes,
    icd10,
    intake,
    programs,
    risk,
)

app_name = "patients"
urlpatterns = [
    path("patients/", caseload.Caseload.as_view(), name="caseload"),
    path(
        "programs/<int:pk>/settings/",
        programs.ProgramSettings.as_view(),
        name="program-settings",
    ),
    path("patients/<int:pk>/", chart.SummaryTab.as_view(), name="chart"),
    path("patients/<int:pk>/details/", details.PatientDetailsEdit.as_view(), name="details-edit"),
    path("patients/<int:pk>/intake/", chart.IntakeTab.as_view(), name="intake"),
    path("patients/<int:pk>/measures/", chart.MeasuresTab.as_view(), name="measures"),
    path(
        "patients/<int:pk>/measures/new/<str:code>/",
        chart.MeasureCreate.as_view(),
        name="measure-new",
    ),
    path("patients/<int:pk>/consents/", chart.ConsentsTab.as_view(), name="consents"),
    path("patients/<int:pk>/consents/new/", chart.ConsentCreate.as_view(), name="consent-new"),
    path(
        "patients/<int:pk>/consents/<int:consent_pk>/revoke/",
        chart.ConsentRevoke.as_view(),
        name="consent-revoke",
    ),
    path("patients/<int:pk>/alerts/", chart.AlertsTab.as_view(), name="alerts"),
    path(
        "patients/<int:pk>/alerts/<int:alert_pk>/close/",
        chart.AlertClose.as_view(),
        name="alert-close",
    ),
    path(
        "patients/<int:pk>/episodes/<int:episode_pk>/classification/",
        episodes.EpisodeClassification.as_view(),
        name="episode-classification",
    ),
    path("patients/<int:pk>/risk/", risk.RiskAssessmentPage.as_view(), name="risk"),
    path("intake/", intake.IntakeQueue.as_view(), name="intake-queue"),
    path("icd10/", icd10.Icd10Search.as_view(), name="icd10"),
    path("intake/referrals/new/", intake.ReferralCreate.as_view(), name="referral-new"),
    path(
        "intake/episodes/<int:episode_pk>/start/", intake.IntakeStart.as_view(), name="intake-start"
    ),
    path(
        "intake/episodes/<int:episode_pk>/decline/",
        intake.ReferralDecline.as_view(),
        name="referral-decline",
    ),
    path(
        "intake/episodes/<int:episode_pk>/review/",
        intake.IntakeReview.as_view(),
        name="intake-review",
    ),
    path(
        "intake/episodes/<int:episode_pk>/<slug:step>/autosave/",
        intake.IntakeAutosave.as_view(),
        name="intake-autosave",
    ),
    path(
        "intake/episodes/<int:episode_pk>/<slug:step>/",
        intake.IntakeStep.as_view(),
        name="intake-step",
    ),
]

urlpatterns += [
    path("patients/emergency/", emergency.EmergencyAccessStart.as_view(), name="emergency-start"),
    path(
        "patients/emergency/reviews/",
        emergency.EmergencyReviews.as_view(),
        name="emergency-reviews",
    ),
    path(
        "patients/emergency/reviews/<int:pk>/",
        emergency.EmergencyReviewSave.as_view(),
        name="emergency-review",
    ),
]
