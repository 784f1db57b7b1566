"""A stand-in for a patient-data page and endpoint, to test the audit mixins on their own."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import include, path
from django.views.generic import DetailView, ListView
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from iop.accounts.models import User
from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin, AuditedViewSetMixin

PATIENT_ID = 4242


class RecordQuerysetMixin:
    """Each user may see only their own record here, as a clinician sees only their caseload."""

    def get_queryset(self):
        return User.objects.filter(pk=self.request.user.pk)

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        obj.audit_patient_id = PATIENT_ID
        return obj


class RecordDetail(LoginRequiredMixin, AuditedViewMixin, RecordQuerysetMixin, DetailView):
    model = User
    template_name = "404.html"


class RecordList(LoginRequiredMixin, AuditedViewMixin, RecordQuerysetMixin, ListView):
    model = User
    template_name = "404.html"


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]


class RecordViewSet(AuditedViewSetMixin, RecordQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RecordSerializer
    queryset = User.objects.none()
    allowed_roles = Role.ALL


router = SimpleRouter()
router.register("records", RecordViewSet, basename="record")

urlpatterns = [
    path("records/<int:pk>/", RecordDetail.as_view()),
    path("records/", RecordList.as_view()),
    path("api/", include(router.urls)),
    path("", include("iop.urls")),
]
