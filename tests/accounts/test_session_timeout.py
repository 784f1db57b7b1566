from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

TODAY = reverse("today")
LOGIN = reverse("accounts:login")


def sign_in(client, password):
    response = client.post(LOGIN, {"username": "clinician", "password": password})
    assert response.status_code == 302


def test_fifteen_idle_minutes_sign_the_user_out(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=15, seconds=1))
        response = client.get(TODAY)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        page = client.get(response["Location"]).content.decode()
        assert "signed out after 15 minutes without activity" in page


def test_activity_keeps_the_session_alive(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        for _ in range(4):
            traveller.shift(timedelta(minutes=10))
            assert client.get(TODAY).status_code == 200


def test_background_requests_do_not_count_as_activity(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        for _ in range(3):
            traveller.shift(timedelta(minutes=5, seconds=1))
            client.get(TODAY, HTTP_X_IOP_BACKGROUND="1", HTTP_HX_REQUEST="true")
        response = client.get(TODAY)
        assert response.status_code == 302


def test_a_timed_out_htmx_request_tells_htmx_to_go_to_the_login_page(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=16))
        response = client.get(TODAY, HTTP_HX_REQUEST="true")
        assert response.status_code == 401
        assert response["HX-Redirect"].startswith(LOGIN)


def test_twelve_hours_is_the_limit_however_active(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        for _ in range(51):  # a request every 14 minutes, inside the idle limit: 11 h 54 min
            traveller.shift(timedelta(minutes=14))
            assert client.get(TODAY).status_code == 200
        traveller.shift(timedelta(minutes=14))  # 12 h 8 min after signing in
        response = client.get(TODAY)
        assert response.status_code == 302
        assert "12-hour limit" in client.get(response["Location"]).content.decode()


def test_stay_signed_in_resets_the_idle_clock(client, clinician, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, password)
        traveller.shift(timedelta(minutes=14))
        assert client.post(reverse("accounts:keepalive")).status_code == 204
        traveller.shift(timedelta(minutes=14))
        assert client.get(TODAY).status_code == 200
