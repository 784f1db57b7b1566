"""A clinician's alert, consent and plan lists read their page and its count in one statement
(`iop.api.counted`): the count, the links and a page past the last answer as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Alert
from tests.queries import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(patient):
    return [Alert.objects.create(patient=patient, kind="risk", title=f"a{n}") for n in range(3)]


def page(api_client, user, **params):
    api_client.force_authenticate(user)
    return api_client.get(reverse("alert-list"), {"page_size": 2, **params})


def test_the_first_page_counts_every_alert(api_client, clinician, alerts):
    body = page(api_client, clinician).json()

    assert (body["count"], len(body["results"]), body["previous"]) == (3, 2, None)
    assert "page=2" in body["next"]


def test_the_last_page_counts_every_alert_too(api_client, clinician, alerts):
    body = page(api_client, clinician, page=2).json()

    assert (body["count"], len(body["results"]), body["next"]) == (3, 1, None)


def test_the_pages_hold_every_alert_once(api_client, clinician, alerts):
    ids = [
        row["id"] for n in (1, 2) for row in page(api_client, clinician, page=n).json()["results"]
    ]

    assert sorted(ids) == sorted(alert.pk for alert in alerts)


def test_a_page_past_the_last_is_a_404(api_client, clinician, alerts):
    assert page(api_client, clinician, page=3).status_code == 404


def test_page_last_is_the_last_page(api_client, clinician, alerts):
    body = page(api_client, clinician, page="last").json()

    assert (body["count"], len(body["results"])) == (3, 1)


def test_an_empty_list_counts_none(api_client, clinician, patient):
    body = page(api_client, clinician).json()

    assert (body["count"], body["results"]) == (0, [])


def test_a_page_number_beyond_any_offset_is_a_404(api_client, clinician, alerts):
    assert page(api_client, clinician, page=10**30).status_code == 404


def alert_statements(api_client, user):
    api_client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(reverse("alert-list")).status_code == 200
    return [sql for sql in statements(queries) if '"patients_alert"' in sql]


def test_a_clinicians_count_comes_with_the_page(api_client, clinician, alerts):
    assert len(alert_statements(api_client, clinician)) == 1


def test_a_supervisors_page_is_counted_on_its_own(api_client, supervisor, alerts):
    """Their list is walked in an index's order and stops when the page is full: a count
    beside each row would read every row. (Both in one round trip: `iop.api.shaped`.)"""
    assert len(alert_statements(api_client, supervisor)) == 2
