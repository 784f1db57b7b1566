"""The benchmarks' floor view (bench/pages.py) exists only when settings.BENCH is on."""

import importlib

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import iop.urls


@pytest.fixture
def bench_urls():
    """iop.urls as loaded with BENCH on; put back as configured afterwards."""
    with override_settings(BENCH=True):
        clear_url_caches()
        importlib.reload(iop.urls)
        yield
    clear_url_caches()
    importlib.reload(iop.urls)


def test_the_floor_view_is_absent_by_default(client, clinician):
    client.force_login(clinician)
    with pytest.raises(NoReverseMatch):
        reverse("bench-floor")
    assert client.get("/bench/floor/").status_code == 404


def test_with_bench_on_it_answers_signed_in_users_with_one_query(
    bench_urls, client, clinician, django_assert_max_num_queries
):
    assert client.get("/bench/floor/").status_code == 302  # to the login page
    client.force_login(clinician)
    client.get("/bench/floor/")
    with django_assert_max_num_queries(4):  # session, user, OTP devices, the one query
        assert client.get("/bench/floor/").status_code == 200
