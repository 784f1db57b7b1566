"""The audit trail's admin list on a trail of millions: it never counts (nor lists the dates
or users of) the whole trail, and says when it stopped counting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iop.audit.models import AuditEvent
from iop.audit.paginators import BoundedCountPaginator
from iop.audit.services import audit_record
from tests.queries import query_counts

URL = "admin:audit_auditevent_changelist"


@pytest.fixture
def admin_client(client, admin_user_role):
    client.force_login(admin_user_role)
    return client


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "CAP", 20)


def trail(count, **fields):
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditEvent.Action.VIEW, object_type="patients.patient", **fields)
        for _ in range(count)
    )


def trail_reads(client, params=None):
    """The statements the list ran over the trail (the whole page)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(URL), params or {})
    assert response.status_code == 200
    sql = [q["sql"] for q in queries if "audit_auditevent" in q["sql"]]
    return response.content.decode(), sql


def test_the_list_says_more_than_the_cap_instead_of_counting_every_event(admin_client, small_cap):
    trail(30)
    html, sql = trail_reads(admin_client)
    assert "More than 20 audit events" in html
    counts = [s for s in sql if "COUNT(" in s]
    assert counts and all("LIMIT 21" in s for s in counts)
    assert not [s for s in sql if "DISTINCT" in s]  # no date hierarchy, no list of users


def test_a_list_under_the_cap_gives_its_count(admin_client, small_cap):
    trail(5, patient_id=7)
    trail(30, patient_id=8)
    html, _ = trail_reads(admin_client, {"patient": "7"})
    assert "5 audit events" in html and "More than" not in html


def test_the_list_filters_by_username(admin_client, clinician, clinician2):
    audit_record(action=AuditEvent.Action.VIEW, user=clinician, object_type="wanted")
    audit_record(action=AuditEvent.Action.VIEW, user=clinician2, object_type="other")
    html, _ = trail_reads(admin_client, {"username": clinician.username})
    assert "wanted" in html and "other" not in html


def test_the_lists_queries_do_not_grow_with_the_trail(admin_client, small_cap, clock):
    trail(3)
    paths = [reverse(URL), reverse(URL) + "?patient=7"]
    query_counts(admin_client, paths)  # what a first request caches is not counted
    few = query_counts(admin_client, paths)
    trail(40)
    trail(40, patient_id=7)
    assert query_counts(admin_client, paths) == few
