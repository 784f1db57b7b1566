"""The report API's answers: a section (figures, tables, charts) and a drill-down, described
for the OpenAPI schema. Read-only: each renders a `reports.figures` object as it is."""

from datetime import date, datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iop.api import strict
from patients.models import Episode, Program


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "nullable": True,
        "description": "A number, a text or a date (YYYY-MM-DD); null: nothing to judge.",
    }
)
class ReportValueField(serializers.Field):
    def to_representation(self, value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        if value is None or isinstance(value, int | float | str):
            return value
        return str(value)


@extend_schema_field({"type": "number", "nullable": True})
class NumberField(serializers.Field):
    def to_representation(self, value):
        return value


class ScopeSerializer(strict.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    program = serializers.IntegerField(source="program_id", allow_null=True)
    level_of_care = serializers.ChoiceField(choices=Episode.LevelOfCare.choices, allow_blank=True)
    clinician = serializers.IntegerField(source="clinician_id", allow_null=True)
    track = serializers.ChoiceField(choices=Program.Track.choices, allow_blank=True)
    description = serializers.CharField(help_text="Whose care and which days, in words.")


class FigureSerializer(strict.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = NumberField(help_text="null: nothing to judge in the scope.")
    unit = serializers.CharField(help_text='"", "%", "days", "h"...')
    patients = serializers.IntegerField(
        allow_null=True, help_text="How many patients its drill-down lists."
    )
    help = serializers.CharField(help_text="How it is computed.")
    drill = serializers.CharField(
        source="drill_key", allow_null=True, help_text="The key of its drill-down, or null."
    )


class CellSerializer(strict.Serializer):
    value = ReportValueField()
    unit = serializers.CharField()
    drill = serializers.CharField(allow_null=True)


class TableSerializer(strict.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=CellSerializer(many=True))


class SeriesSerializer(strict.Serializer):
    label = serializers.CharField()
    values = serializers.ListField(child=NumberField())
    drill = serializers.ListField(
        child=serializers.CharField(allow_null=True),
        allow_null=True,
        help_text="Each point's drill-down key (null: none).",
    )


class ChartSerializer(strict.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=[("bar", "bar"), ("stacked", "stacked"), ("line", "line")]
    )
    labels = serializers.ListField(child=serializers.CharField())
    series = SeriesSerializer(many=True)
    unit = serializers.CharField()


class SectionSerializer(strict.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    scope = ScopeSerializer()
    figures = FigureSerializer(many=True)
    tables = TableSerializer(many=True)
    charts = ChartSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class SectionSummarySerializer(strict.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class DrillRowSerializer(strict.Serializer):
    episode = serializers.IntegerField(source="episode_id")
    patient = serializers.IntegerField(source="patient_id")
    name = serializers.CharField()
    mrn = serializers.CharField()
    program = serializers.CharField()
    cells = CellSerializer(many=True)


class DrillDownSerializer(strict.Serializer):
    section = serializers.CharField()
    key = serializers.CharField()
    title = serializers.CharField()
    scope = ScopeSerializer()
    columns = serializers.ListField(child=serializers.CharField())
    date_columns = serializers.ListField(child=serializers.IntegerField())
    count = serializers.IntegerField()
    rows = DrillRowSerializer(many=True)
