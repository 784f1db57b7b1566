"""The caseload's pages: each page the next rows in the list's order with the list's length,
however it is filtered (a page that exists read as a shape, `iop.shapes`, on PostgreSQL), a
page past the end refused, and a search by name on every page too."""

import pytest
from django.urls import reverse

from patients.views.caseload import Caseload


def page(client, **query):
    response = client.get(reverse("patients:caseload"), query)
    if response.status_code != 200:
        return response.status_code, None, []
    paginator = response.context["paginator"]
    names = [e.patient.legal_last_name for e in response.context["episodes"]]
    return response.status_code, paginator.count, names


@pytest.fixture
def five(make_episode, clinician, clinician2):
    for name in ["Evans", "Adams", "Clark", "Baker"]:
        make_episode(clinician=clinician, last_name=name)
    make_episode(clinician=clinician2, last_name="Dunn")


def test_each_page_lists_the_next_rows_with_the_lists_length(client, supervisor, five, monkeypatch):
    monkeypatch.setattr(Caseload, "paginate_by", 2)
    client.force_login(supervisor)
    assert page(client) == (200, 5, ["Adams", "Baker"])
    assert page(client, page=2) == (200, 5, ["Clark", "Dunn"])
    assert page(client, page=3) == (200, 5, ["Evans"])
    assert page(client, page=4)[0] == 404
    assert page(client, page="last") == (200, 5, ["Evans"])


def test_a_filtered_list_is_paged_as_filtered(client, supervisor, clinician, five, monkeypatch):
    monkeypatch.setattr(Caseload, "paginate_by", 2)
    client.force_login(supervisor)
    assert page(client, clinician=clinician.pk, page=2) == (200, 4, ["Clark", "Evans"])
    assert page(client, clinician=clinician.pk, page=3)[0] == 404
    assert page(client, status="discharged") == (200, 0, [])
    assert page(client, q="Dunn") == (200, 1, ["Dunn"])
    assert page(client, q="Dunn", page=2)[0] == 404


def test_a_clinician_pages_through_their_own_caseload_only(client, clinician, five, monkeypatch):
    monkeypatch.setattr(Caseload, "paginate_by", 3)
    client.force_login(clinician)
    assert page(client) == (200, 4, ["Adams", "Baker", "Clark"])
    assert page(client, page=2) == (200, 4, ["Evans"])
