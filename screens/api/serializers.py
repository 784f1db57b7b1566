"""The screens API's shapes. They check types and lengths only; every rule (who may write, the
days, the temperature, one value per analyte, closed screens) is the services'."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iop.api import strict
from patients.api.serializers import ScopedPatientField, UserRefSerializer
from screens.models import ScreenDraw, ScreenOrder, ScreenResult
from screens.panel import ANALYTE_CHOICES
from screens.services import billing_code

# The outcomes `close` records (the schema's ScreenOutcomeEnum).
CLOSE_STATUSES = [
    (ScreenOrder.Status.REFUSED.value, ScreenOrder.Status.REFUSED.label),
    (ScreenOrder.Status.MISSED.value, ScreenOrder.Status.MISSED.label),
]


@extend_schema_field(OpenApiTypes.INT)
class PatientIdField(ScopedPatientField):
    """The id of a patient the user may open."""


class ScreenResultSerializer(strict.ModelSerializer):
    entered_by = UserRefSerializer(read_only=True)

    class Meta:
        model = ScreenResult
        fields = [
            "analyte",
            "value",
            "reading",
            "explanation",
            "prescribed",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = fields


class ScreenDrawSerializer(strict.ModelSerializer):
    class Meta:
        model = ScreenDraw
        fields = [
            "id",
            "first_day",
            "last_day",
            "seed",
            "percent",
            "candidates",
            "days",
            "drawn_at",
        ]
        read_only_fields = fields


class ScreenOrderSerializer(strict.ModelSerializer):
    """A screen with its results (one per analyte of its panel, once resulted). POST orders one
    for a day of the patient's admitted episode; `collect`, `results` and `close` (refused or
    missed) move it on; a resulted, refused or missed screen answers 409 to them."""

    patient = ScopedPatientField()
    panel = serializers.ListField(child=serializers.ChoiceField(ANALYTE_CHOICES), read_only=True)
    results = ScreenResultSerializer(many=True, read_only=True)
    draw = ScreenDrawSerializer(read_only=True, allow_null=True)
    ordered_by = UserRefSerializer(
        read_only=True, allow_null=True, help_text="Null when ordered by the weekly draw job."
    )
    collected_by = UserRefSerializer(
        read_only=True, allow_null=True, help_text="Null until the screen is collected."
    )
    billing_code = serializers.SerializerMethodField()
    reason = serializers.ChoiceField(ScreenOrder.Reason.choices, required=False)
    testing = serializers.ChoiceField(ScreenOrder.Testing.choices, required=False)
    observed = serializers.BooleanField(required=False)

    class Meta:
        model = ScreenOrder
        fields = [
            "id",
            "patient",
            "episode",
            "due_date",
            "reason",
            "panel",
            "specimen",
            "testing",
            "method",
            "observed",
            "status",
            "draw",
            "ordered_by",
            "ordered_at",
            "collected_at",
            "collected_by",
            "temperature_c",
            "temperature_in_range",
            "outcome_note",
            "closed_at",
            "billing_code",
            "results",
        ]
        read_only_fields = [
            "episode",
            "specimen",
            "method",
            "status",
            "ordered_at",
            "collected_at",
            "temperature_c",
            "temperature_in_range",
            "outcome_note",
            "closed_at",
        ]

    def get_billing_code(self, order) -> str:
        """The suggested code once resulted (80305/80306/80307 or G0480–G0483), else ""."""
        return billing_code(order)


class CollectSerializer(strict.Serializer):
    collected_at = serializers.DateTimeField()
    observed = serializers.BooleanField()
    temperature_c = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ResultsSerializer(strict.Serializer):
    results = serializers.DictField(
        child=serializers.ChoiceField(ScreenResult.Value.choices),
        help_text='One value per analyte of the panel, e.g. {"BUP": "positive", "FYL": '
        '"negative"}.',
    )


class CloseSerializer(strict.Serializer):
    status = serializers.ChoiceField(CLOSE_STATUSES)
    note = serializers.CharField(max_length=500)


class ScheduleSerializer(strict.Serializer):
    patient = PatientIdField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
