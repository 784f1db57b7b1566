"""The medications API's shapes. They check types and lengths only; every rule (dates, one
prescriber, who may write, signed reconciliations) is the services'."""

from rest_framework import serializers

from iop.api import strict
from medications.models import Medication, MedicationChange, Reconciliation, ReconciliationItem
from patients.api.serializers import ClinicianField, ScopedPatientField, UserRefSerializer
from patients.models import Episode
from sessions.models import TherapySession


class MedicationChangeSerializer(strict.ModelSerializer):
    changed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = MedicationChange
        fields = ["id", "kind", "changes", "changed_by", "changed_at"]
        read_only_fields = fields


class MedicationSerializer(strict.ModelSerializer):
    """An entry with its history (newest change first). POST adds one; PATCH changes the
    fields given (with `revision`: refused with 409 if someone changed it since); `stop`
    stops it. An omitted `addiction_treatment` on POST is suggested from the name."""

    patient = ScopedPatientField()
    prescriber = ClinicianField(required=False, allow_null=True)
    prescriber_display = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    addiction_treatment = serializers.ChoiceField(
        choices=Medication.AddictionTreatment.choices, required=False, allow_blank=True
    )
    changes = MedicationChangeSerializer(many=True, read_only=True)
    revision = serializers.IntegerField(required=False, min_value=0)

    class Meta:
        model = Medication
        fields = [
            "id",
            "patient",
            "episode",
            "name",
            "rxnorm_code",
            "strength",
            "dose",
            "route",
            "frequency",
            "prescriber",
            "prescriber_name",
            "prescriber_display",
            "start_date",
            "stop_date",
            "stop_reason",
            "reason",
            "addiction_treatment",
            "is_active",
            "revision",
            "created_at",
            "updated_at",
            "changes",
        ]
        read_only_fields = ["episode", "stop_date", "stop_reason", "created_at", "updated_at"]
        # Blank or missing text is the services' to refuse, with the same message as the page.
        extra_kwargs = {
            name: {"required": False, "allow_blank": True}
            for name in ("name", "dose", "frequency", "route", "prescriber_name")
        }


class MedicationUpdateSerializer(MedicationSerializer):
    patient = serializers.PrimaryKeyRelatedField(read_only=True)


class StopSerializer(strict.Serializer):
    stop_date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    revision = serializers.IntegerField(required=False, min_value=0)


class ReconciliationItemSerializer(strict.ModelSerializer):
    medication_name = serializers.CharField(source="medication.name", read_only=True)

    class Meta:
        model = ReconciliationItem
        fields = ["medication", "medication_name", "decision", "note", "state"]
        read_only_fields = fields


class ScopedEpisodeField(serializers.PrimaryKeyRelatedField):
    """An episode of a patient the requesting user may open."""

    def get_queryset(self):
        return Episode.objects.for_user(self.context["request"].user)


class ScopedVisitField(serializers.PrimaryKeyRelatedField):
    """A session the requesting user may see (the service checks it is this episode's
    medication-management visit)."""

    def get_queryset(self):
        return TherapySession.objects.for_user(self.context["request"].user)


class ReconciliationSerializer(strict.ModelSerializer):
    """POST {episode, occasion, session} starts a draft listing the active entries (at
    admission with the intake's medications as `source_text`; `session`, optional, the
    medication-management visit it is done at); PATCH records decisions and notes; `sign`
    signs it. A signed reconciliation answers 409 to both."""

    episode = ScopedEpisodeField()
    session = ScopedVisitField(required=False, allow_null=True)
    items = ReconciliationItemSerializer(many=True, read_only=True)
    created_by = UserRefSerializer(read_only=True)
    signed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Reconciliation
        fields = [
            "id",
            "patient",
            "episode",
            "occasion",
            "session",
            "status",
            "source_text",
            "notes",
            "items",
            "created_by",
            "created_at",
            "signed_by",
            "signed_at",
            "content_hash",
        ]
        read_only_fields = [
            "patient",
            "status",
            "source_text",
            "notes",
            "created_at",
            "signed_at",
            "content_hash",
        ]


class DecisionSerializer(strict.Serializer):
    medication = serializers.IntegerField()
    decision = serializers.ChoiceField(
        choices=[c for c in ReconciliationItem.Decision.choices if c[0] != "new"],
        allow_blank=True,
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ReconciliationUpdateSerializer(strict.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    decisions = DecisionSerializer(many=True, required=False)
