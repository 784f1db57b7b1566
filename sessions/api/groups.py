"""The therapy groups' serializer (`GroupViewSet`): a group with its facilitators and current
enrolments, as a list's page reads them (`sessions.selectors.attach_facilitator_refs`,
`attach_current_enrollments`) or from the group's own rows."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iop.api import strict
from iop.api.rows import RowsListSerializer
from patients.api.serializers import UserRefSerializer
from sessions.models import TherapyGroup
from sessions.selectors import attach_current_enrollments


class EnrollmentSerializer(strict.Serializer):
    episode = serializers.IntegerField(source="episode_id")
    patient = serializers.CharField(source="episode.patient.display_name")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class GroupSerializer(strict.ModelSerializer):
    facilitators = UserRefSerializer(many=True, read_only=True)
    enrollments = serializers.SerializerMethodField()

    class Meta:
        model = TherapyGroup
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "name",
            "program",
            "kind",
            "schedule_days",
            "start_time",
            "duration_minutes",
            "capacity",
            "location",
            "delivery",
            "is_active",
            "facilitators",
            "enrollments",
        ]

    # A list's rows (`RowsListSerializer`): the facilitators as the view read them, if it did.
    row_getters = {"facilitators": "facilitators_of"}

    def facilitators_of(self, group):
        refs = getattr(group, "facilitator_refs", None)
        if refs is None:
            return self.fields["facilitators"].to_representation(group.facilitators)
        return refs

    @extend_schema_field(EnrollmentSerializer(many=True))
    def get_enrollments(self, obj):
        """As `EnrollmentSerializer` gives them, from the rows the view attached
        (`sessions.selectors.attach_current_enrollments`)."""
        if not hasattr(obj, "current_enrollments"):
            attach_current_enrollments([obj])
        return [entry for _, entry in obj.current_enrollments]
