"""Serializers for the sessions API. Every write goes through `sessions.services`."""

from functools import partial

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iop.api import strict
from iop.api.rows import RowsListSerializer
from iop.validation import LARGEST_ID
from patients.api.serializers import ClinicianField, UserRefSerializer, user_ref_of
from patients.models import Episode, Patient
from sessions import services
from sessions.api.permissions import require_runner
from sessions.models import (
    Addendum,
    Attendance,
    AttendanceCorrection,
    NoteEntry,
    ProgressNote,
    TherapySession,
)
from sessions.selectors import (
    readable_patient_ids,
    roster_episode,
)
from sessions.services.notes import PSYCHOTHERAPY_LIMIT


class ScopedEpisodeField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Episode.objects.filter(
            patient__in=Patient.objects.for_user(self.context["request"].user).values("pk")
        )


class ScopedSessionField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return TherapySession.objects.for_user(self.context["request"].user)


class FamilyMemberSerializer(strict.Serializer):
    name = serializers.CharField(max_length=120)
    relationship = serializers.CharField(max_length=60)


class RosterRowSerializer(strict.Serializer):
    episode = serializers.IntegerField()
    patient = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField(allow_null=True)
    minutes_attended = serializers.IntegerField(allow_null=True)
    billing_codes = serializers.ListField(child=serializers.CharField())
    bundled_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Per diem: the day's components, not billable."
    )
    billing_note = serializers.CharField(help_text='e.g. "per-diem threshold not met".')


class SessionSerializer(strict.ModelSerializer):
    clinicians = ClinicianField(many=True)
    episode = ScopedEpisodeField(required=False, allow_null=True)
    family_members = FamilyMemberSerializer(many=True, required=False)
    roster = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = TherapySession
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "kind",
            "delivery",
            "starts_at",
            "duration_minutes",
            "location",
            "telehealth_link",
            "topic",
            "group",
            "clinicians",
            "episode",
            "patient",
            "status",
            "cancel_reason",
            "patient_present",
            "place_of_service",
            "telehealth_modifier",
            "family_members",
            "roster",
            "note",
            "series",
        ]
        # The topic is named when the note is started (sessions.services.session_topic_set).
        read_only_fields = ["group", "patient", "status", "topic", "series", "cancel_reason"]

    # A list's rows (`RowsListSerializer`): a page of values (`SessionViewSet`), its clinicians
    # and family members read with it (`sessions.api.views.attach_people`), the note's id as
    # `note_pk`; no roster.
    value_getters = {
        "clinicians": "clinicians_of",
        "family_members": "family_members_of",
        "roster": "no_roster",
        "note": "note_of",
    }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["family_members"] = [
            {"name": m.name, "relationship": m.relationship} for m in instance.family_members.all()
        ]
        return data

    def clinicians_of(self, row):
        return list(row["clinician_ids"])

    def family_members_of(self, row):
        return row["family_rows"]

    def no_roster(self, row):
        return []

    def note_of(self, row):
        return row["note_pk"]

    @extend_schema_field(RosterRowSerializer(many=True))
    def get_roster(self, obj):
        return getattr(obj, "roster_rows", None) or []

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_note(self, obj):
        note = getattr(obj, "note", None) if hasattr(obj, "note") else None
        return note.pk if note else None


class CancelSerializer(strict.Serializer):
    reason = serializers.CharField(max_length=500)


class RescheduleSerializer(strict.Serializer):
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(required=False, min_value=5, max_value=600)


class RecurrenceSerializer(strict.Serializer):
    """Every `every_weeks` weeks on `weekdays` (0 = Monday), until a date or for `count`."""

    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), min_length=1, max_length=7
    )
    every_weeks = serializers.IntegerField(required=False, default=1, min_value=1, max_value=8)
    until = serializers.DateField(required=False, allow_null=True, default=None)
    count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2, max_value=60
    )


class SeriesSerializer(SessionSerializer):
    """A session to book as a recurring series: its fields and the `recurrence`."""

    recurrence = RecurrenceSerializer(write_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "recurrence"]


class CancelFollowingSerializer(strict.Serializer):
    reason = serializers.CharField(max_length=500)


class AttendanceSerializer(strict.ModelSerializer):
    session = ScopedSessionField()
    # Any episode on the session's roster: a facilitator takes attendance for attendees who
    # are not on their own caseload. Other ids get one answer, whether they exist or not.
    episode = serializers.IntegerField(source="episode_id", min_value=1, max_value=LARGEST_ID)
    minutes = serializers.IntegerField(
        required=False, allow_null=True, write_only=True, min_value=0
    )
    recorded_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attendance
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "session",
            "episode",
            "patient",
            "status",
            "minutes",
            "minutes_attended",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["patient", "minutes_attended", "recorded_at"]
        validators = []  # the service upserts on (session, episode)

    # A list's rows (`RowsListSerializer`): a page of values (`AttendanceViewSet`), with the
    # recording user's names (`user_ref_columns`).
    value_getters = {"episode": "episode_of", "recorded_by": "recorded_by_of"}

    def episode_of(self, row):
        return row["episode"]

    recorded_by_of = partial(user_ref_of, path="recorded_by")

    def validate(self, attrs):
        episode_id = attrs.pop("episode_id")
        episode = roster_member(self.context["request"], attrs["session"], episode_id)
        return {**attrs, "episode": episode}


def roster_member(request, session, episode_id):
    """The session's clinicians (or a supervisor) first, so that nobody else learns from the
    answer whether an id is on the roster or was discharged; then the episode on the roster."""
    require_runner(request.user, session)
    episode = roster_episode(session, episode_id)
    if episode is None:
        raise serializers.ValidationError({"episode": "Not on this session's roster."})
    return episode


class AttendanceCorrectionSerializer(strict.ModelSerializer):
    """A correction of attendance under a signed note, as recorded."""

    patient = serializers.IntegerField(source="attendance.patient_id", read_only=True)
    corrected_by = UserRefSerializer(read_only=True)

    class Meta:
        model = AttendanceCorrection
        fields = [
            "id",
            "patient",
            "before_status",
            "before_minutes",
            "after_status",
            "after_minutes",
            "reason",
            "corrected_by",
            "corrected_at",
            "content_hash",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class SessionIdField(ScopedSessionField):
    """A session id (of the sessions one may open), typed for the schema."""


class AttendanceCorrectSerializer(strict.Serializer):
    """Correct one patient's attendance under a signed note: the new status, minutes (default
    from the status) and the reason (required)."""

    session = SessionIdField()
    episode = serializers.IntegerField(min_value=1, max_value=LARGEST_ID)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)

    def validate(self, attrs):
        episode = roster_member(self.context["request"], attrs["session"], attrs["episode"])
        return {**attrs, "episode": episode}


class EntrySerializer(strict.ModelSerializer):
    patient_name = serializers.CharField(source="patient.display_name", read_only=True)

    class Meta:
        model = NoteEntry
        fields = [
            "patient",
            "patient_name",
            "episode",
            "text",
            "objectives_addressed",
            "progress_ratings",
            "risk_level",
            "risk_notes",
        ]


class AddendumSerializer(strict.ModelSerializer):
    author = UserRefSerializer(read_only=True)

    class Meta:
        model = Addendum
        fields = ["id", "text", "author", "created_at", "content_hash"]
        read_only_fields = ["author", "created_at", "content_hash"]


class EntryWriteSerializer(strict.Serializer):
    text = serializers.CharField(required=False, allow_blank=True)
    objectives = serializers.ListField(child=serializers.IntegerField(), required=False)
    ratings = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=4), required=False
    )
    risk_level = serializers.ChoiceField(
        choices=[("", "—"), *ProgressNote.Risk.choices], required=False
    )
    risk_notes = serializers.CharField(required=False, allow_blank=True)


class NoteCorrectionSerializer(AttendanceCorrectionSerializer):
    """An attendance correction as the note shows it: with the patient's name."""

    patient_name = serializers.CharField(source="attendance.patient.display_name", read_only=True)

    class Meta(AttendanceCorrectionSerializer.Meta):
        fields = [*AttendanceCorrectionSerializer.Meta.fields, "patient_name"]
        read_only_fields = fields


class NoteListSerializer(strict.ModelSerializer):
    """A note in a list: who wrote, signed and co-signed it and when, its status and the hash
    taken at signing; its parts, addenda, attendance corrections and `intact` (the hash checked
    again) are on the note's detail."""

    session = serializers.PrimaryKeyRelatedField(read_only=True)
    author = UserRefSerializer(read_only=True)
    signed_by = UserRefSerializer(read_only=True, allow_null=True)
    cosigned_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProgressNote
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "session",
            "format",
            "status",
            "revision",
            "author",
            "signed_by",
            "signed_at",
            "content_hash",
            "cosigned_by",
            "cosigned_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    # A list's rows (`RowsListSerializer`): a page of values (`sessions.api.notes.list_values`),
    # the users from their names' columns.
    value_getters = {user: f"{user}_of" for user in ("author", "signed_by", "cosigned_by")}

    author_of = partial(user_ref_of, path="author")
    signed_by_of = partial(user_ref_of, path="signed_by")
    cosigned_by_of = partial(user_ref_of, path="cosigned_by")


class NoteSerializer(strict.ModelSerializer):
    session = ScopedSessionField()
    author = UserRefSerializer(read_only=True)
    signed_by = UserRefSerializer(read_only=True, allow_null=True)
    cosigned_by = UserRefSerializer(read_only=True, allow_null=True)
    entries = EntrySerializer(many=True, read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)
    attendance_corrections = serializers.SerializerMethodField()
    intact = serializers.SerializerMethodField()

    class Meta:
        model = ProgressNote
        fields = [
            "id",
            "session",
            "format",
            "shared",
            "psychotherapy_minutes",
            "status",
            "revision",
            "author",
            "signed_by",
            "signed_at",
            "content_hash",
            "cosigned_by",
            "cosigned_at",
            "intact",
            "entries",
            "addenda",
            "attendance_corrections",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "shared",
            "psychotherapy_minutes",
            "status",
            "revision",
            "signed_at",
            "content_hash",
            "cosigned_at",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance):
        """For a clinician who does not run the session: the shared part and their own
        patients' parts and attendance corrections only (the others are left out, names too),
        no addenda."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not instance.session.is_run_by(request.user):
            corrections = data["attendance_corrections"]
            readable = readable_patient_ids(
                request.user,
                [e["patient"] for e in data["entries"]] + [c["patient"] for c in corrections],
            )
            data["entries"] = [e for e in data["entries"] if e["patient"] in readable]
            data["addenda"] = []
            data["attendance_corrections"] = [c for c in corrections if c["patient"] in readable]
        return data

    @extend_schema_field(NoteCorrectionSerializer(many=True))
    def get_attendance_corrections(self, obj):
        """Attendance corrected after signing: when, by whom, whose, before → after, why."""
        if "attendance" in getattr(obj.session, "_prefetched_objects_cache", {}):
            # The detail's note comes with its session's attendance and its corrections.
            corrections = sorted(
                (c for a in obj.session.attendance.all() for c in a.corrections.all()),
                key=lambda c: (c.corrected_at, c.pk),
            )
        else:
            corrections = (
                AttendanceCorrection.objects.filter(attendance__session_id=obj.session_id)
                .select_related("attendance__patient", "corrected_by")
                .order_by("corrected_at", "pk")
            )
        return NoteCorrectionSerializer(corrections, many=True).data

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_intact(self, obj):
        """For a signed note: whether its content still matches the hash taken at signing."""
        return services.note_is_intact(obj) if obj.is_locked else None


class NoteUpdateSerializer(strict.Serializer):
    format = serializers.ChoiceField(choices=ProgressNote.Format.choices, required=False)
    shared = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    entries = serializers.DictField(child=EntryWriteSerializer(), required=False)
    revision = serializers.IntegerField(required=False, allow_null=True)
    psychotherapy_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=PSYCHOTHERAPY_LIMIT,
        help_text="Medication-management visits: psychotherapy minutes added (null clears).",
    )


class SignSerializer(strict.Serializer):
    revision = serializers.IntegerField(required=False, allow_null=True)
