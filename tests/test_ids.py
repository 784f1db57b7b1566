"""`iop.ids.in_ids` finds what `__in` finds; on PostgreSQL with one parameter, however many ids
(the driver parses each placeholder on every query). `read_by_ids` reads a QuerySet's rows,
their related rows and their order as the QuerySet does, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop.ids import in_ids, read_by_ids
from patients.models import Episode


@pytest.mark.django_db
def test_in_ids_finds_what_in_finds(make_episode, clinician):
    episodes = [make_episode(clinician=clinician) for _ in range(4)]
    wanted = [episodes[0].pk, episodes[2].pk, 10**9]  # one that does not exist
    by_in = set(Episode.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        found = set(Episode.objects.filter(in_ids("pk", wanted)).values_list("pk", flat=True))
    assert found == by_in == {episodes[0].pk, episodes[2].pk}
    assert set(Episode.objects.filter(in_ids("pk", [])).values_list("pk", flat=True)) == set()
    if connection.vendor == "postgresql":
        assert "= ANY(" in ctx.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_read_by_ids_reads_the_rows_with_their_related_rows_in_their_order(
    make_episode, clinician, supervisor, django_assert_num_queries
):
    names = ["Young", "Adams", "Mills", "Baker"]
    for name in names:
        make_episode(clinician=clinician, last_name=name)
    make_episode(clinician=supervisor)  # not theirs
    episodes = (
        Episode.objects.filter(primary_clinician=clinician)
        .select_related("patient")
        .order_by("-patient__legal_last_name", "pk")
    )
    with django_assert_num_queries(1) as ctx:
        read = [(e.pk, e.patient.legal_last_name) for e in read_by_ids(episodes)]
    assert read == [(e.pk, e.patient.legal_last_name) for e in episodes]
    assert [name for _, name in read] == sorted(names, reverse=True)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(" in ctx.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_read_by_ids_keeps_the_models_own_order_and_reads_nothing_for_none(
    make_episode, clinician, django_assert_num_queries
):
    for _ in range(3):
        make_episode(clinician=clinician)
    theirs = Episode.objects.filter(primary_clinician=clinician)
    assert list(read_by_ids(theirs)) == list(theirs)
    with django_assert_num_queries(0):
        assert list(read_by_ids(Episode.objects.none())) == []
        assert list(read_by_ids(Episode.objects.filter(pk__in=[]))) == []
