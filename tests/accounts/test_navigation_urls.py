"""The navigation's links are reversed once per script prefix and URLconf, not on every page:
what it shows is still what `reverse` gives, under the prefix the request is served at."""

from django.test import RequestFactory
from django.urls import clear_script_prefix, reverse, set_script_prefix

from iop.accounts.context_processors import navigation


def _links(user):
    request = RequestFactory().get("/")
    request.user = user
    return {item["label"]: item["url"] for item in navigation(request)["nav_items"]}


def test_the_links_are_what_reverse_gives(supervisor):
    links = _links(supervisor)
    assert links["Today"] == reverse("today")
    assert links["Caseload"] == reverse("patients:caseload")
    assert links["Authorizations"] == reverse("billing:worklist")


def test_a_script_prefix_is_in_the_links(supervisor):
    _links(supervisor)  # the links without a prefix, kept
    set_script_prefix("/iop/")
    try:
        links = _links(supervisor)
        assert links["Today"] == reverse("today")
        assert links["Today"].startswith("/iop/")
    finally:
        clear_script_prefix()
    assert not _links(supervisor)["Today"].startswith("/iop/")
