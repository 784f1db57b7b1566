"""Serializers for the patients API. Every write goes through `patients.services`."""

from functools import cache, partial

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iop.accounts.models import display_name
from iop.api import strict
from iop.api.rows import RowsListSerializer
from patients.instruments import INSTRUMENTS
from patients.models import (
    Alert,
    Consent,
    Episode,
    EpisodeChange,
    MeasureResponse,
    Patient,
    Program,
)
from patients.models.consents import consent_state
from patients.models.measures import answers_as_given
from patients.models.patients import display_name as patient_display_name
from patients.services import check_date_of_birth


class UserRefSerializer(strict.Serializer):
    id = serializers.IntegerField(read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        list_serializer_class = RowsListSerializer


# What `UserRefSerializer` reads of a user (`User.display_name`): a list's prefetch of users
# loads these columns only.
USER_REF_FIELDS = ("id", "username", "first_name", "last_name", "credentials")


def user_ref_unread(*paths):
    """The columns of the users a list selects along `paths` that `UserRefSerializer` does
    not read, for `.defer()`: a page of 200 rows reads 5 of each user's 15 columns."""
    return [
        f"{path}__{field.name}"
        for path in paths
        for field in get_user_model()._meta.concrete_fields
        if field.name not in USER_REF_FIELDS
    ]


def user_refs():
    """The users of a prefetch serialised by `UserRefSerializer`: only what it reads."""
    return get_user_model().objects.only(*USER_REF_FIELDS)


def user_ref_columns(*paths):
    """The columns `UserRefSerializer` reads of the users at `paths` (foreign keys), for a
    list read as values: `<path>_ref_<column>`, what `user_ref_of` reads."""
    names = USER_REF_FIELDS[1:]
    return {f"{path}_ref_{name}": F(f"{path}__{name}") for path in paths for name in names}


def user_ref_of(row, path):
    """`UserRefSerializer`'s reading of the user at `path` of a row of values: its id (the
    foreign key under `path`) and `display_name` from its columns (`user_ref_columns`). A
    serializer's `value_getters` name it as `partial(user_ref_of, path=...)`: a partial is
    no method, so the row plan calls it with the row alone, one call a row."""
    user_id = row[path]
    if user_id is None:
        return None
    username, first, last, credentials = map(row.__getitem__, _user_ref_keys(path))
    return {"id": user_id, "display_name": display_name(username, first, last, credentials)}


@cache
def _user_ref_keys(path):
    """The keys of `user_ref_columns(path)` in a row, in `display_name`'s order: spelled once
    per path, not for each of a page's 200 rows."""
    return tuple(f"{path}_ref_{name}" for name in USER_REF_FIELDS[1:])


class ScopedPatientField(serializers.PrimaryKeyRelatedField):
    """A patient id the requesting user may open; any other id reads as "does not exist"."""

    def get_queryset(self):
        return Patient.objects.for_user(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ClinicianField(serializers.PrimaryKeyRelatedField):
    """The id of an active clinician or supervisor."""

    def get_queryset(self):
        return get_user_model().objects.clinical_staff()


class PatientSerializer(strict.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Patient
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "mrn",
            "display_name",
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "date_of_birth",
            "pronouns",
            "sex",
            "gender_identity",
            "phone",
            "email",
            "preferred_contact_channel",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "insurance_payer",
            "insurance_member_id",
            "created_at",
        ]
        read_only_fields = ["mrn", "created_at"]

    # A list's rows (`RowsListSerializer`): a page of values (`PatientViewSet`).
    value_getters = {"display_name": "display_name_of"}

    def display_name_of(self, row):
        names = (row["preferred_name"], row["legal_first_name"], row["legal_last_name"])
        return patient_display_name(*names)

    def validate_date_of_birth(self, value):
        check_date_of_birth(value)
        return value


class EpisodeSerializer(strict.ModelSerializer):
    patient = ScopedPatientField()
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.filter(is_active=True))
    primary_clinician = ClinicianField(required=False, allow_null=True)
    care_team = UserRefSerializer(many=True, read_only=True)
    # Blank until discharge (read-only fields lose the model's blank otherwise).
    discharge_reason = serializers.ChoiceField(
        choices=Episode.DischargeReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Episode
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "patient",
            "program",
            "status",
            "referral_source",
            "referral_date",
            "referral_reason",
            "admission_date",
            "discharge_date",
            "discharge_reason",
            "decline_reason",
            "level_of_care",
            "primary_clinician",
            "care_team",
            "is_sud",
            "part2_refusal_reason",
            "part2_refusal_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "part2_refusal_reason",
            "part2_refusal_at",
            "status",
            "admission_date",
            "discharge_date",
            "discharge_reason",
            "decline_reason",
            "created_at",
            "updated_at",
        ]

    # A list's rows (`RowsListSerializer`): a page of values (`EpisodeViewSet`), its care
    # teams read with it (`attach_care_team_refs`, already in `UserRefSerializer`'s shape).
    value_getters = {"care_team": "care_team_of"}

    def care_team_of(self, row):
        return row["care_team_refs"]


class EpisodeUpdateSerializer(strict.ModelSerializer):
    """What may change on an episode outside its transitions."""

    primary_clinician = ClinicianField(required=False, allow_null=True)

    class Meta:
        model = Episode
        fields = ["referral_source", "referral_reason", "primary_clinician", "is_sud"]


class EpisodeTransitionSerializer(strict.Serializer):
    status = serializers.ChoiceField(choices=Episode.Status.choices)
    decline_reason = serializers.CharField(required=False, allow_blank=True)
    discharge_reason = serializers.ChoiceField(
        choices=Episode.DischargeReason.choices, required=False
    )
    discharge_date = serializers.DateField(required=False)
    admission_date = serializers.DateField(required=False)


class LevelOfCareChangeSerializer(strict.Serializer):
    level_of_care = serializers.ChoiceField(choices=Episode.LevelOfCare.choices)
    reason = serializers.CharField()
    effective_date = serializers.DateField(required=False)


class MeasureSerializer(strict.ModelSerializer):
    patient = ScopedPatientField()
    instrument = serializers.ChoiceField(
        choices=list(INSTRUMENTS),
        help_text="PHQ9, GAD7, AUDITC, DAST10, CSSRS or PCL5.",
    )
    responses = serializers.ListField(
        child=serializers.JSONField(allow_null=True),
        help_text=(
            "Item answers in item order. PHQ-9, GAD-7, AUDIT-C and PCL-5: integers. DAST-10 and "
            "C-SSRS: booleans; C-SSRS sends items 1-6 then 6b (past 3 months), with items 3-5 "
            "null after a no to item 2 and 6b null after a no to item 6."
        ),
    )
    administered_at = serializers.DateTimeField(required=False)
    recorded_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MeasureResponse
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "patient",
            "episode",
            "instrument",
            "administered_at",
            "responses",
            "total_score",
            "severity",
            "flags",
            "subscores",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = [
            "episode",
            "total_score",
            "severity",
            "flags",
            "subscores",
            "created_at",
        ]

    # A list's rows (`RowsListSerializer`): a page of values (`MeasureViewSet`), with the
    # answers (`attach_answer_values`) and the recording user's names (`user_ref_columns`).
    value_getters = {"responses": "responses_of", "recorded_by": "recorded_by_of"}

    def responses_of(self, row):
        return answers_as_given(row["instrument"], row["answer_values"])

    recorded_by_of = partial(user_ref_of, path="recorded_by")

    def validate_administered_at(self, value):
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise serializers.ValidationError("The date given is in the future.")
        return value


class ConsentSerializer(strict.ModelSerializer):
    patient = ScopedPatientField()
    state = serializers.CharField(read_only=True)
    recorded_by = UserRefSerializer(read_only=True, allow_null=True)
    revoked_by = UserRefSerializer(read_only=True, allow_null=True)
    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.Purpose.choices), required=False
    )
    covers = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.Covers.choices), required=False
    )

    class Meta:
        model = Consent
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "patient",
            "kind",
            "state",
            "allow_email",
            "allow_sms",
            "recipient",
            "purpose",
            "purposes",
            "covers",
            "scope",
            "expires_on",
            "expiry_event",
            "signed_by_name",
            "signer_relationship",
            "signed_at",
            "recorded_by",
            "revoked_at",
            "revoked_by",
            "revocation_note",
        ]
        read_only_fields = ["revoked_at", "revocation_note"]

    # A list's rows (`RowsListSerializer`): a page of values (`ConsentViewSet`).
    value_getters = {
        "state": "state_of",
        "recorded_by": "recorded_by_of",
        "revoked_by": "revoked_by_of",
    }

    def state_of(self, row):
        return str(consent_state(revoked_at=row["revoked_at"], expires_on=row["expires_on"]))

    recorded_by_of = partial(user_ref_of, path="recorded_by")
    revoked_by_of = partial(user_ref_of, path="revoked_by")


class RevokeSerializer(strict.Serializer):
    note = serializers.CharField(
        max_length=2000, help_text="Why the consent is revoked, or how the patient revoked it."
    )


class AlertSerializer(strict.ModelSerializer):
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Alert
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "patient",
            "episode",
            "kind",
            "priority",
            "risk_level",
            "title",
            "detail",
            "action_url",
            "status",
            "assigned_to",
            "raised_at",
            "closed_by",
            "closed_at",
            "action_taken",
        ]
        read_only_fields = fields

    # A list's rows (`RowsListSerializer`): a page of values (`AlertViewSet`).
    value_getters = {"assigned_to": "assigned_to_of", "closed_by": "closed_by_of"}

    assigned_to_of = partial(user_ref_of, path="assigned_to")
    closed_by_of = partial(user_ref_of, path="closed_by")


class AcknowledgeSerializer(strict.Serializer):
    action_taken = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="What was done. Required to close a risk alert.",
    )


class Part2RefusalSerializer(strict.Serializer):
    reason = serializers.CharField(help_text="Why the patient declines a Part 2 consent.")


class Part2ChangeSerializer(strict.Serializer):
    is_sud = serializers.BooleanField(help_text="Whether the episode is SUD care (Part 2).")
    reason = serializers.CharField(help_text="Why the flag changes (kept with the change).")


class ProgramChangeSerializer(strict.Serializer):
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.filter(is_active=True))
    reason = serializers.CharField(help_text="Why the episode moves (kept with the change).")


class EpisodeChangeSerializer(strict.ModelSerializer):
    changed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = EpisodeChange
        fields = ["id", "field", "old_value", "new_value", "reason", "changed_by", "changed_at"]
