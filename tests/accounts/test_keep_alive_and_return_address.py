"""Typing counts as activity (the page pings the keep-alive address), the sign-out message
gives the configured limit, and the return address after signing in is never nested."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

TODAY = reverse("today")
LOGIN = reverse("accounts:login")
KEEPALIVE = reverse("accounts:keepalive")
CASELOAD = reverse("patients:caseload")


def sign_in(client, password):
    response = client.post(LOGIN, {"username": "clinician", "password": password})
    assert response.status_code == 302


def test_a_keep_alive_ping_resets_the_idle_clock(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=10))
        assert client.post(KEEPALIVE).status_code == 204  # typing in a note
        traveller.shift(timedelta(minutes=10))  # 20 minutes after the last page load

        assert client.get(TODAY).status_code == 200


def test_a_keep_alive_ping_after_the_limit_does_not_revive_the_session(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=15, seconds=1))

        assert client.post(KEEPALIVE).status_code == 302
        assert client.get(TODAY)["Location"].startswith(LOGIN)


def test_the_message_gives_the_configured_idle_minutes(client, clinician, password, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=30, seconds=1))
        response = client.get(TODAY)
        page = client.get(response["Location"]).content.decode()

    assert "You were signed out after 30 minutes without activity." in page


def test_the_message_gives_the_configured_absolute_hours(client, clinician, password, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=8)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        for _ in range(35):  # active every 14 minutes for 8 h 10 min
            traveller.shift(timedelta(minutes=14))
            response = client.get(TODAY)
        page = client.get(response["Location"]).content.decode()

    assert "your session reached its 8-hour limit" in page


def test_the_return_address_is_the_page_the_user_was_on(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=16))

        response = client.get(CASELOAD + "?q=Pat")

    assert response["Location"] == f"{LOGIN}?next=/patients/%3Fq%3DPat"


def test_the_login_page_of_a_timed_out_session_keeps_its_next_unnested(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=16))  # the page's own countdown sends it to login

        response = client.get(f"{LOGIN}?next={CASELOAD}")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={CASELOAD}"
    signed_in_again = client.post(
        response["Location"], {"username": "clinician", "password": password, "next": CASELOAD}
    )
    assert signed_in_again["Location"] == CASELOAD


def test_a_timed_out_htmx_request_returns_to_the_page_not_the_fragment(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=16))

        response = client.post(
            "/sessions/1/attendance/2/",
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/sessions/1/",
        )

    assert response.status_code == 401
    assert response["HX-Redirect"] == f"{LOGIN}?next=/sessions/1/"
