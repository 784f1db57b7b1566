"""The API's one router: each app registers its viewsets here (cookiecutter's api_router)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from billing.api import reviews as billing_reviews
from billing.api import views as billing
from billing.claims import api as claims_api
from disclosures.api import views as disclosures
from documents.api import views as documents
from iop.api import views
from medications.api import views as medications
from patients.api import views as patients
from patients.api.risk import RiskAssessmentViewSet
from plans.api import views as plans
from plans.api.library import LibraryEntryViewSet
from reports.api import views as reports
from screens.api import views as screens
from sessions.api import views as sessions

router = DefaultRouter()
router.include_root_view = False
router.register("patients", patients.PatientViewSet, basename="patient")
router.register("episodes", patients.EpisodeViewSet, basename="episode")
router.register("assessments", patients.AssessmentViewSet, basename="assessment")
router.register("measures", patients.MeasureViewSet, basename="measure")
router.register("consents", patients.ConsentViewSet, basename="consent")
router.register("alerts", patients.AlertViewSet, basename="alert")
router.register("risk-assessments", RiskAssessmentViewSet, basename="risk-assessment")
router.register("plans", plans.PlanViewSet, basename="plan")
router.register("problems", plans.ProblemViewSet, basename="problem")
router.register("goals", plans.GoalViewSet, basename="goal")
router.register("objectives", plans.ObjectiveViewSet, basename="objective")
router.register("interventions", plans.InterventionViewSet, basename="intervention")
router.register("progress", plans.ProgressViewSet, basename="progress")
router.register("reviews", plans.ReviewViewSet, basename="review")
router.register("safety-plans", plans.SafetyPlanViewSet, basename="safety-plan")
router.register("aftercare-plans", plans.AftercareViewSet, basename="aftercare-plan")
router.register("plan-library", LibraryEntryViewSet, basename="plan-library-entry")
router.register("groups", sessions.GroupViewSet, basename="group")
router.register("sessions", sessions.SessionViewSet, basename="session")
router.register("attendance", sessions.AttendanceViewSet, basename="attendance")
router.register("notes", sessions.NoteViewSet, basename="note")
router.register("disclosures", disclosures.DisclosureViewSet, basename="disclosure")
router.register("rights-requests", disclosures.RightsRequestViewSet, basename="rights-request")
router.register(
    "utilization-reviews", billing_reviews.UtilizationReviewViewSet, basename="utilization-review"
)
router.register("ur-packets", billing_reviews.UrPacketViewSet, basename="ur-packet")
router.register(
    "discharge-summaries", documents.DischargeSummaryViewSet, basename="discharge-summary"
)

router.register("medications", medications.MedicationViewSet, basename="medication")
router.register("screens", screens.ScreenOrderViewSet, basename="screen")
router.register("claim-lines", claims_api.ClaimLineViewSet, basename="claim-line")
router.register("claim-exports", claims_api.ClaimExportViewSet, basename="claim-export")
router.register(
    "medication-reconciliations",
    medications.ReconciliationViewSet,
    basename="medication-reconciliation",
)
router.register("reports", reports.ReportViewSet, basename="report")
router.register("payers", billing.PayerViewSet, basename="payer")
router.register("coverages", billing.CoverageViewSet, basename="coverage")
router.register("authorizations", billing.AuthorizationViewSet, basename="authorization")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
