"""The medications API: the list's entries and their reconciliations, with the rules of the
chart's pages (the services'). Clinicians and supervisors read what the chart shows them; the
care team and supervisors write; intake coordinators and admins get 403."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action

from iop.api.viewsets import IOPViewSet
from medications import services
from medications.api import serializers as s
from medications.models import Medication, MedicationChange, Reconciliation, ReconciliationItem

WRITE_FIELDS = (
    "name",
    "rxnorm_code",
    "strength",
    "dose",
    "route",
    "frequency",
    "prescriber",
    "prescriber_name",
    "start_date",
    "reason",
    "addiction_treatment",
)


class MedicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Medication entries with their history. `?patient=<id>`, `?active=true|false`."""

    serializer_class = s.MedicationSerializer
    queryset = Medication.objects.all()
    patient_path = "patient"
    filterset_fields = ["patient", "addiction_treatment", "route"]
    conflict_actions = ("partial_update", "stop")

    def get_queryset(self):
        rows = (
            super()
            .get_queryset()
            .select_related("prescriber")
            .prefetch_related(
                Prefetch(
                    "changes",
                    MedicationChange.objects.select_related("changed_by").order_by(
                        "-changed_at", "-pk"
                    ),
                )
            )
            .order_by("patient_id", "name", "pk")
        )
        active = self.request.query_params.get("active")
        if active in ("true", "false"):
            rows = rows.filter(stop_date__isnull=active == "true")
        return rows

    def present(self, medication, status_code=status.HTTP_200_OK):
        return self.respond(
            s.MedicationSerializer, self.get_queryset().get(pk=medication.pk), status_code
        )

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        medication = services.medication_add(
            patient=data.pop("patient"),
            data={name: data.get(name) for name in WRITE_FIELDS},
            user=request.user,
            context=self.audit_context,
        )
        return self.present(medication, status.HTTP_201_CREATED)

    @extend_schema(request=s.MedicationUpdateSerializer, responses=s.MedicationSerializer)
    def partial_update(self, request, *args, **kwargs):
        medication = self.get_object()
        payload = s.MedicationUpdateSerializer(
            medication, data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        revision = data.pop("revision", None)
        medication = services.medication_change(
            medication=medication,
            data={name: value for name, value in data.items() if name in WRITE_FIELDS},
            revision=revision,
            user=request.user,
            context=self.audit_context,
        )
        return self.present(medication)

    @extend_schema(request=s.StopSerializer, responses=s.MedicationSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        medication = self.get_object()
        payload = s.StopSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        medication = services.medication_stop(
            medication=medication,
            stop_date=data["stop_date"],
            reason=data.get("reason", ""),
            revision=data.get("revision"),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(medication)


class ReconciliationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Reconciliations at admission, medication-management visits and discharge.
    `?patient=<id>`, `?episode=<id>`, `?status=draft|signed`, `?session=<id>` (the one done
    at that medication-management visit: the visit note's reconciliation)."""

    serializer_class = s.ReconciliationSerializer
    queryset = Reconciliation.objects.all()
    patient_path = "patient"
    filterset_fields = ["patient", "episode", "occasion", "status", "session"]
    conflict_actions = ("partial_update", "sign")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("created_by", "signed_by")
            .prefetch_related(
                Prefetch(
                    "items",
                    ReconciliationItem.objects.select_related("medication").order_by("pk"),
                )
            )
            .order_by("-created_at", "-pk")
        )

    def present(self, reconciliation, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=reconciliation.pk)
        return self.respond(s.ReconciliationSerializer, fresh, status_code)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reconciliation = services.reconciliation_start(
            episode=payload.validated_data["episode"],
            occasion=payload.validated_data["occasion"],
            session=payload.validated_data.get("session"),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(reconciliation, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReconciliationUpdateSerializer, responses=s.ReconciliationSerializer)
    def partial_update(self, request, *args, **kwargs):
        reconciliation = self.get_object()
        payload = s.ReconciliationUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        decisions = {
            row["medication"]: {"decision": row["decision"], "note": row.get("note", "")}
            for row in data.get("decisions", [])
        }
        reconciliation = services.reconciliation_update(
            reconciliation=reconciliation,
            decisions=decisions,
            notes=data.get("notes"),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(reconciliation)

    @extend_schema(request=None, responses=s.ReconciliationSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        reconciliation = services.reconciliation_sign(
            reconciliation=self.get_object(), user=request.user, context=self.audit_context
        )
        return self.present(reconciliation)
