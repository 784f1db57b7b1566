"""Password spraying from many addresses: a username that fails too often from anywhere is paused
everywhere for a cool-off (never for good), known or not, and an admin can lift the pause."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from iop.accounts.models import LoginThrottle
from iop.audit.models import AuditEvent

LOGIN = reverse("accounts:login")
TOKEN = reverse("auth-token")
PAUSED = "Sign-in is paused"
LOCKED_DETAIL = "account locked: too many failures from all addresses"


def attempt(client, username, password, n):
    """A sign-in from the n-th address of a documentation range (one per attacker machine)."""
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=f"198.51.100.{n}"
    )


def spray(client, username, count, start=1):
    for n in range(start, start + count):
        attempt(client, username, f"guess-number-{n}", n)


def _page(html, username):
    """The page less what differs by design: the CSRF token and the username typed."""
    return re.sub(r'(value|content)="[A-Za-z0-9]{40,}"', "", html).replace(username, "USER")


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_failures_from_many_addresses_pause_the_account_until_the_cool_off(
    client, clinician, password, frozen
):
    spray(client, "clinician", 25)
    response = attempt(client, "clinician", password, 26)
    assert response.status_code == 200
    assert PAUSED in response.content.decode()
    assert "_auth_user_id" not in client.session

    frozen.shift(timedelta(minutes=14, seconds=50))
    assert attempt(client, "clinician", password, 27).status_code == 200
    frozen.shift(timedelta(seconds=15))
    response = attempt(client, "clinician", password, 28)
    assert response.status_code == 302
    assert response["Location"] == reverse("today")


def test_the_api_token_endpoint_is_paused_too(client, api_client, clinician, password, frozen):
    spray(client, "clinician", 20)
    response = api_client.post(
        TOKEN, {"username": "clinician", "password": password}, REMOTE_ADDR="198.51.100.99"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_nineteen_failures_from_many_addresses_do_not_pause(client, clinician, password, frozen):
    spray(client, "clinician", 19)
    assert attempt(client, "clinician", password, 99).status_code == 302


def test_failures_spread_beyond_the_window_do_not_add_up(client, clinician, password, frozen):
    spray(client, "clinician", 19)
    frozen.shift(timedelta(minutes=61))
    spray(client, "clinician", 19, start=100)
    assert attempt(client, "clinician", password, 200).status_code == 302


def test_the_pause_is_audited_once_when_it_starts(client, clinician, frozen):
    spray(client, "clinician", 25)
    locked = AuditEvent.objects.filter(detail=LOCKED_DETAIL)
    assert locked.count() == 1
    event = locked.get()
    assert (event.action, event.outcome, event.username, event.ip) == (
        AuditEvent.Action.LOGIN_FAILED,
        AuditEvent.Outcome.DENIED,
        "clinician",
        "198.51.100.20",
    )


def test_trying_on_during_the_pause_does_not_prolong_it(client, clinician, password, frozen):
    spray(client, "clinician", 20)
    for minute in range(14):
        frozen.shift(timedelta(minutes=1))
        spray(client, "clinician", 3, start=50 + 3 * minute)
    frozen.shift(timedelta(minutes=1, seconds=5))
    assert attempt(client, "clinician", password, 250).status_code == 302


def test_an_unknown_username_is_paused_the_same_way(client, clinician, frozen):
    spray(client, "nobody-here", 25)
    unknown = attempt(client, "nobody-here", "anything-at-all", 26).content.decode()
    spray(client, "clinician", 25)
    known = attempt(client, "clinician", "anything-at-all", 26).content.decode()
    assert PAUSED in unknown and PAUSED in known
    assert _page(unknown, "nobody-here") == _page(known, "clinician")
    assert AuditEvent.objects.filter(detail=LOCKED_DETAIL).count() == 2


def test_an_admin_lifts_the_pause_by_deleting_its_throttle(
    client, clinician, admin_user_role, password, frozen
):
    from django.test import Client

    spray(client, "clinician", 20)
    row = LoginThrottle.objects.get(username="clinician", scope=LoginThrottle.Scope.ACCOUNT)
    admin = Client()
    admin.force_login(admin_user_role)
    listing = admin.get("/admin/accounts/loginthrottle/?scope=account").content.decode()
    assert "all addresses" in listing
    response = admin.post(f"/admin/accounts/loginthrottle/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert attempt(client, "clinician", password, 21).status_code == 302
