"""Serializers of the safety plan and aftercare plan API (`plans.api.safety`), apart from
`plans.api.serializers` to keep that module short."""

from functools import partial

from rest_framework import serializers

from iop.api import strict
from iop.api.rows import RowsListSerializer
from patients.api.serializers import UserRefSerializer, user_ref_of
from patients.models import Episode, Patient
from plans.api.serializers import ScopedField
from plans.models import AftercarePlan, SafetyPlan


class SafetyPlanSerializer(strict.ModelSerializer):
    patient = ScopedField(model=Patient, patient_path="pk")
    signed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SafetyPlan
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "patient",
            "episode",
            "version",
            "status",
            "revision",
            *SafetyPlan.SECTIONS,
            "signed_by",
            "signed_at",
            "content_hash",
            "patient_ack_name",
            "patient_ack_at",
            "activated_at",
            "ended_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [f for f in fields if f != "patient"]
        validators = []  # writes go through the services, which check uniqueness themselves


class SafetyPlanUpdateSerializer(strict.ModelSerializer):
    """The sections of a draft safety plan."""

    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Write: the safety plan's revision the client last saw (optional); a stale "
        "one is refused with 409.",
    )

    class Meta:
        model = SafetyPlan
        fields = [*SafetyPlan.SECTIONS, "revision"]


class SafetyActivateSerializer(strict.Serializer):
    patient_ack_name = serializers.CharField(
        allow_blank=True, help_text="The name of the patient acknowledging the plan."
    )
    revision = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class AftercareSerializer(strict.ModelSerializer):
    episode = ScopedField(
        model=Episode, patient_path="patient", help_text="One aftercare plan per episode."
    )
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AftercarePlan
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "episode",
            "patient",
            "step_down_level",
            "follow_up_appointments",
            "support_groups",
            "relapse_prevention",
            "medications",
            "crisis_resources",
            "created_by",
            "updated_at",
        ]
        read_only_fields = ["patient", "updated_at"]
        validators = []  # writes go through the services, which check uniqueness themselves

    # A list's page of values (`AftercareViewSet`): the author's names with it.
    value_getters = {"created_by": "created_by_of"}

    created_by_of = partial(user_ref_of, path="created_by")
