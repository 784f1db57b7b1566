"""A chart list's page and its length read in one query, answering every page number as
Django's paginator does."""

import pytest
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop.paging import CountedPagePaginator
from patients.models import Patient
from tests.factories import PatientFactory


@pytest.fixture
def patients(db):
    PatientFactory.create_batch(5)
    return Patient.objects.order_by("pk")


@pytest.mark.parametrize("number", [None, "", "x", "1", "2", "3", "0", "-1", "9", "1.5"])
def test_every_page_number_is_answered_as_django_does(patients, number):
    ours = CountedPagePaginator(patients, 2).get_page(number)
    django = Paginator(patients, 2).get_page(number)
    assert (ours.number, list(ours), ours.paginator.count) == (
        django.number,
        list(django),
        django.paginator.count,
    )
    assert (ours.start_index(), ours.end_index(), ours.has_next()) == (
        django.start_index(),
        django.end_index(),
        django.has_next(),
    )


def test_a_page_and_the_count_are_one_query(patients):
    with CaptureQueriesContext(connection) as queries:
        page = CountedPagePaginator(patients, 2).get_page("2")
        shown, total = list(page), page.paginator.count
    assert (len(shown), total, len(queries)) == (2, 5, 1)


def test_an_empty_list_is_one_empty_page(db):
    page = CountedPagePaginator(Patient.objects.order_by("pk"), 2).get_page(None)
    assert (list(page), page.paginator.count, page.number) == ([], 0, 1)


def test_a_number_past_the_end_reads_the_last_page_in_a_second_query(patients):
    with CaptureQueriesContext(connection) as queries:
        page = CountedPagePaginator(patients, 2).get_page("9")
        shown, total = list(page), page.paginator.count
    assert (shown, total, page.number, len(queries)) == ([patients.last()], 5, 3, 2)


@pytest.mark.parametrize("number", [1, 2, 3, 0, -1, 9, "2", "x"])
def test_page_answers_or_refuses_every_number_as_django_does(patients, number):
    def answer(paginator):
        try:
            page = paginator.page(number)
        except InvalidPage as refused:
            return type(refused)
        return page.number, list(page), paginator.count

    assert answer(CountedPagePaginator(patients, 2)) == answer(Paginator(patients, 2))


def test_page_reads_a_page_and_the_count_in_one_query(patients):
    with CaptureQueriesContext(connection) as queries:
        page = CountedPagePaginator(patients, 2).page(3)
        shown, total = list(page), page.paginator.count
    assert (shown, total, len(queries)) == ([patients.last()], 5, 1)
