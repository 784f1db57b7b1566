"""The API's one router: each app registers its viewsets here (cookiecutter's api_router)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from iop.api import views
from patients.api import views as patients

router = DefaultRouter()
router.include_root_view = False
router.register("patients", patients.PatientViewSet, basename="patient")
router.register("episodes", patients.EpisodeViewSet, basename="episode")
router.register("assessments", patients.AssessmentViewSet, basename="assessment")
router.register("measures", patients.MeasureViewSet, basename="measure")
router.register("consents", patients.ConsentViewSet, basename="consent")
router.register("alerts", patients.AlertViewSet, basename="alert")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
