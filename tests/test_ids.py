"""`iop.ids.in_ids` finds what `__in` finds; on PostgreSQL with one parameter, however many ids
(the driver parses each placeholder on every query)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop.ids import in_ids
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
