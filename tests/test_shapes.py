"""`iop.shapes`: a shaped read gives what its QuerySet gives, for any values, building and
compiling it once per kind of values on PostgreSQL (and every time elsewhere); a shape that
cannot be cached says so instead of sending the wrong values."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Window
from django.utils import timezone

from iop.shapes import ShapeError, shape
from iop.together import read_together
from patients.models import Episode

ON_POSTGRESQL = connection.vendor == "postgresql"
builds = []


@shape
def theirs(clinician, since, named=None, with_count=False):
    """Episodes of a clinician's, admitted from `since`, optionally of a family name."""
    builds.append(clinician)
    episodes = Episode.objects.filter(primary_clinician=clinician, admission_date__gte=since)
    if named is not None:
        episodes = episodes.filter(patient__legal_last_name=named)
    if with_count:
        episodes = episodes.annotate(total=Window(Count("pk")))
    return episodes.select_related("patient").order_by("patient__legal_last_name", "pk")


def _names(episodes):
    return [(e.patient.legal_last_name, getattr(e, "total", None)) for e in episodes]


@pytest.fixture
def two_caseloads(make_episode, clinician, supervisor):
    today = timezone.localdate()
    admitted = [("Young", 1, clinician), ("Adams", 30, clinician), ("Mills", 3, clinician)]
    for name, days_ago, user in [*admitted, ("Other", 0, supervisor)]:
        episode = make_episode(clinician=user, last_name=name)
        Episode.objects.filter(pk=episode.pk).update(
            admission_date=today - timedelta(days=days_ago)
        )
    return today


@pytest.mark.django_db
def test_a_shape_reads_what_its_queryset_reads_for_every_value(
    two_caseloads, clinician, supervisor
):
    today = two_caseloads
    builds.clear()
    week = _names(theirs(clinician, today - timedelta(days=7)))
    assert week == [("Mills", None), ("Young", None)]
    assert _names(theirs(clinician, today - timedelta(days=60))) == [
        ("Adams", None),
        ("Mills", None),
        ("Young", None),
    ]
    assert _names(theirs(supervisor, today - timedelta(days=7))) == [("Other", None)]
    assert _names(theirs(clinician, today - timedelta(days=7), named="Young")) == [("Young", None)]
    counted = theirs(clinician, today - timedelta(days=60), with_count=True)
    assert _names(counted) == [("Adams", 3), ("Mills", 3), ("Young", 3)]
    if ON_POSTGRESQL:
        # Built twice (two sets of stand-ins) per kind of values (4: a clinician; a supervisor,
        # who has other roles; a name; a count) and once more per call to check the cache's
        # SQL against the shape's (the test suite's QUERY_SHAPES_VERIFY)...
        assert len(builds) == 4 * 2 + 5
        # ...and not at all after the first call of each kind, without the check.
        from django.test import override_settings

        builds.clear()
        with override_settings(QUERY_SHAPES_VERIFY=False):
            again = _names(theirs(clinician, today - timedelta(days=7)))
        assert again == week and builds == []
    else:
        assert len(builds) == 5  # elsewhere the shape is its function


@pytest.mark.django_db
def test_a_shaped_queryset_is_read_as_it_is(two_caseloads, clinician):
    episodes = theirs(clinician, two_caseloads - timedelta(days=60))
    if ON_POSTGRESQL:
        with pytest.raises(ShapeError):
            episodes.filter(patient__legal_last_name="Young")
        with pytest.raises(ShapeError):
            episodes.count()
    # Once read, it answers from its rows like any QuerySet.
    assert len(episodes) == 3
    assert episodes.count() == 3 and episodes.exists()
    assert episodes[0].patient.legal_last_name == "Adams"


@pytest.mark.django_db
def test_shaped_querysets_read_together(two_caseloads, clinician, supervisor):
    since = two_caseloads - timedelta(days=60)
    read = read_together(
        [
            theirs(clinician, since),
            Episode.objects.filter(primary_clinician=supervisor).values_list("pk", flat=True),
            theirs(supervisor, since, with_count=True),
        ]
    )
    assert _names(read[0]) == [("Adams", None), ("Mills", None), ("Young", None)]
    assert len(read[1]) == 1
    assert _names(read[2]) == [("Other", 1)]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="shapes are cached on PostgreSQL only")
@pytest.mark.django_db
def test_a_parameter_computed_from_a_value_is_refused(two_caseloads, clinician, settings):
    @shape
    def admitted_in_week_of(user, start):
        return Episode.objects.filter(
            primary_clinician=user, admission_date__range=(start, start + timedelta(days=6))
        )

    with pytest.raises(ShapeError, match="computed from a value"):
        list(admitted_in_week_of(clinician, two_caseloads - timedelta(days=6)))
    # Without the check (production) it is built every call, and reads what it should.
    settings.QUERY_SHAPES_VERIFY = False
    admitted_in_week_of.compiled.clear()
    assert len(admitted_in_week_of(clinician, two_caseloads - timedelta(days=6))) == 2
    assert len(admitted_in_week_of(clinician, two_caseloads - timedelta(days=36))) == 1


@pytest.mark.skipif(not ON_POSTGRESQL, reason="shapes are cached on PostgreSQL only")
@pytest.mark.django_db
def test_a_value_taken_from_elsewhere_is_caught_by_the_check(clock, two_caseloads, clinician):
    @shape
    def admitted_this_week(user):
        week_ago = timezone.localdate() - timedelta(days=7)  # not a value: kept from 1st call
        return Episode.objects.filter(primary_clinician=user, admission_date__gte=week_ago)

    assert len(admitted_this_week(clinician)) == 2
    clock.move_to(timezone.now() + timedelta(days=5), tick=False)
    with pytest.raises(ShapeError, match="parameter"):
        admitted_this_week(clinician)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="shapes are cached on PostgreSQL only")
@pytest.mark.django_db
def test_users_of_other_roles_are_other_shapes(two_caseloads, clinician, supervisor):
    @shape
    def visible(user):
        if user.has_role("supervisor"):
            return Episode.objects.order_by("pk")
        return Episode.objects.filter(primary_clinician=user).order_by("pk")

    assert len(visible(clinician)) == 3
    assert len(visible(supervisor)) == 4
    assert len(visible.compiled) == 2


@pytest.mark.skipif(not ON_POSTGRESQL, reason="shapes are cached on PostgreSQL only")
@pytest.mark.django_db
def test_a_shape_keeps_a_bounded_number_of_compilations(two_caseloads, clinician, monkeypatch):
    @shape(key=("start",))
    def page_of(user, start):
        return Episode.objects.filter(primary_clinician=user).order_by("pk")[start : start + 1]

    monkeypatch.setattr("iop.shapes.MAX_KINDS", 2)
    for start in range(5):  # a page number each: the first two compiled, the rest built
        assert len(page_of(clinician, start)) == (1 if start < 3 else 0)
    assert len(page_of.compiled) == 2


@pytest.mark.django_db
def test_a_list_of_ids_is_one_value_of_any_length(two_caseloads, clinician, settings):
    from iop.ids import in_ids

    @shape
    def episodes_of(patient_ids, since):
        if not patient_ids:
            return Episode.objects.none()
        return Episode.objects.filter(in_ids("patient_id", patient_ids), admission_date__gte=since)

    mine = sorted(
        Episode.objects.filter(primary_clinician=clinician).values_list("patient", flat=True)
    )
    since = two_caseloads - timedelta(days=60)
    assert len(episodes_of(mine, since)) == 3
    assert len(episodes_of(mine[:1], since)) == 1
    assert len(episodes_of([*mine, 10**9], since)) == 3
    assert len(episodes_of(mine, two_caseloads)) == 0
    assert len(episodes_of([], since)) == 0
    if ON_POSTGRESQL:
        # One compilation for a list of some, whatever its length; none for none (nothing read).
        assert list(episodes_of.compiled.values())[0] is not None
        assert len(episodes_of.compiled) == 2 and list(episodes_of.compiled.values())[1] is None

        @shape
        def in_a_literal_list(patient_ids):  # one parameter per id: refused
            return Episode.objects.filter(patient_id__in=patient_ids)

        with pytest.raises(ShapeError, match="cannot be cached"):
            in_a_literal_list(mine)
        settings.QUERY_SHAPES_VERIFY = False
        in_a_literal_list.compiled.clear()
        assert len(in_a_literal_list(mine[:2])) == 2  # built every call: still right
