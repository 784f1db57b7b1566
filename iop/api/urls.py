"""The API's one router: each app registers its viewsets here (cookiecutter's api_router)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from iop.api import views

router = DefaultRouter()
router.include_root_view = False

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
