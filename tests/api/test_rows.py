"""A list's rows through `RowsListSerializer` read exactly as DRF's `ListSerializer` reads them."""

import datetime
import zoneinfo

import pytest
from rest_framework import serializers

from iop.api.rows import RowsListSerializer, _representer, values_of
from patients.api.serializers import EpisodeSerializer, PatientSerializer, UserRefSerializer
from patients.models import Episode, Patient
from patients.selectors import attach_care_team_refs
from plans.api.serializers import InterventionSerializer
from tests.factories import EpisodeFactory, InterventionFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def drf_rows(serializer_class, rows, **kwargs):
    child = serializer_class(**kwargs)
    return serializers.ListSerializer(child=child, instance=rows, **kwargs).data


class WithEveryKindOfField(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()  # a property
    id_as_text = serializers.CharField(source="pk")  # DRF's str(value), the builtin called
    missing = serializers.CharField(source="no_such_attribute", required=False)
    defaulted = serializers.CharField(source="no_such_attribute_either", default="d")
    shouting = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    class Meta:
        list_serializer_class = RowsListSerializer

    def get_shouting(self, patient) -> str:
        return patient.mrn.upper()


def test_every_kind_of_field_reads_as_drf_reads_it():
    patients = [EpisodeFactory().patient, PatientFactory()]

    rows = WithEveryKindOfField(patients, many=True).data

    assert isinstance(WithEveryKindOfField(many=True), RowsListSerializer)
    assert rows == drf_rows(WithEveryKindOfField, patients)
    assert "missing" not in rows[0] and rows[0]["defaulted"] == "d"
    assert rows[0]["id_as_text"] == str(patients[0].pk)


def test_a_patients_page_is_the_same_json():
    patients = [PatientFactory(), PatientFactory(preferred_name="")]

    assert PatientSerializer(patients, many=True).data == drf_rows(PatientSerializer, patients)


def test_related_ids_and_nested_users_are_the_same_json():
    users = [UserFactory(credentials="LCSW"), UserFactory(credentials="")]
    interventions = [
        InterventionFactory(objective__goal__problem__plan__created_by=user, responsible=user)
        for user in users
    ]

    assert InterventionSerializer(interventions, many=True).data == drf_rows(
        InterventionSerializer, interventions
    )
    assert UserRefSerializer(users, many=True).data == drf_rows(UserRefSerializer, users)


def test_an_episodes_care_team_read_by_the_list_is_the_same_json():
    """The episodes list reads its page as values, the care teams beside it
    (`attach_care_team_refs`): the same JSON as DRF gives the episodes."""
    episode = EpisodeFactory()
    episode.care_team.add(UserFactory(), UserFactory(credentials="LCSW"))
    episodes = Episode.objects.filter(pk=episode.pk)
    expected = drf_rows(EpisodeSerializer, list(episodes))
    rows = attach_care_team_refs(values_of(episodes, EpisodeSerializer))

    assert len(expected[0]["care_team"]) == 2
    assert EpisodeSerializer(rows, many=True).data == expected
    assert EpisodeSerializer(episodes.get()).data == expected[0]


def test_a_patients_page_read_as_values_is_the_same_json():
    patients = [PatientFactory(), PatientFactory(preferred_name="")]
    rows = values_of(Patient.objects.filter(pk__in=[p.pk for p in patients]), PatientSerializer)

    assert PatientSerializer(list(rows.order_by("pk")), many=True).data == drf_rows(
        PatientSerializer, patients
    )


def test_the_builtins_called_for_drfs_representations_are_what_drf_calls():
    """`RowPlan` calls `str` or `int` where DRF's CharField or IntegerField would: an upgrade of
    DRF that changes either must change the plan too."""
    import inspect

    from rest_framework import fields

    for kind, builtin in ((fields.CharField, "str"), (fields.IntegerField, "int")):
        body = inspect.getsource(kind.to_representation).split(":", 1)[1].strip()
        assert body == f"return {builtin}(value)", kind


TIMES = [
    datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),  # as the database gives
    datetime.datetime(2026, 7, 2, 3, 4, 5, tzinfo=datetime.UTC),  # summer time in New York
    datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
    datetime.datetime(2026, 1, 2, 3, 4, 5),  # naive
    "2026-01-02",
]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        (serializers.DateTimeField(), TIMES),
        (serializers.DateTimeField(default_timezone=datetime.UTC), TIMES),
        (serializers.DateTimeField(format="%Y"), TIMES),
        (serializers.DateField(), [datetime.date(2026, 1, 2), "2026-01-02"]),
        (serializers.DateField(format="%d/%m"), [datetime.date(2026, 1, 2)]),
        (
            serializers.ChoiceField(choices=Episode.Status.choices),
            ["active", Episode.Status.ACTIVE, "not a choice", ""],
        ),
        (serializers.ChoiceField(choices=[(1, "one"), ("2", "two")]), ["1", 1, "2", 2]),
        (serializers.BooleanField(), [True, False, 1, 0, "yes"]),
        (serializers.BigIntegerField(), [2**40, "7"]),
        (serializers.BigIntegerField(coerce_to_string=True), [2**40]),
    ],
)
def test_a_plans_shortcut_gives_what_drf_gives(field, values):
    """The times, dates, choices, booleans and big numbers of a row are sent exactly as DRF's
    own field would send them, whatever the value."""
    represent = _representer(field)

    for value in values:
        assert represent(value) == field.to_representation(value), value
        assert type(represent(value)) is type(field.to_representation(value)), value


def test_dicts_for_a_serializer_without_value_getters_read_as_drf_reads_them():
    """Only a serializer that serves pages of values (`value_getters`) has dicts read by key
    from its model; any other reads them as DRF does."""
    rows = [{"id": 1, "display_name": "Pat"}, {"id": 2, "display_name": "Sam"}]

    assert UserRefSerializer(rows, many=True).data == drf_rows(UserRefSerializer, rows)
