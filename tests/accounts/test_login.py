import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from iop.accounts.models import User
from iop.audit.models import AuditEvent

LOGIN = reverse("accounts:login")


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_shows_the_login_page_with_labelled_fields(client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("username", "password"):
        assert re.search(rf'<label\s+for="id_{field}"', html), field


def test_clinician_signs_in_and_lands_on_today(client, clinician, password):
    response = attempt(client, "clinician", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("today")
    assert "Today" in client.get(reverse("today")).content.decode()


def test_a_wrong_password_says_so_and_keeps_the_username(client, clinician):
    response = attempt(client, "clinician", "not-the-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "That username and password do not match" in html
    assert 'value="clinician"' in html


def test_each_login_and_failed_login_is_audited(client, clinician, password):
    attempt(client, "clinician", "wrong-one")
    attempt(client, "clinician", password)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "username", "ip"))
    assert actions == [
        (AuditEvent.Action.LOGIN_FAILED, "clinician", "10.0.0.1"),
        (AuditEvent.Action.LOGIN, "clinician", "10.0.0.1"),
    ]


def test_five_failures_lock_the_username_from_that_address(client, clinician, password):
    for _ in range(5):
        attempt(client, "clinician", "wrong")
    response = attempt(client, "clinician", password)
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, clinician, password):
    for _ in range(4):
        attempt(client, "clinician", "wrong")
    assert attempt(client, "clinician", password).status_code == 302


def test_the_lock_lifts_after_the_fifteen_minute_cool_off(client, clinician, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            attempt(client, "clinician", "wrong")
        traveller.shift(timedelta(minutes=14, seconds=50))
        assert attempt(client, "clinician", password).status_code == 200
        traveller.shift(timedelta(seconds=15))
        assert attempt(client, "clinician", password).status_code == 302


def test_a_lock_does_not_shut_out_colleagues_behind_the_same_address(
    client, clinician, clinician2, password
):
    for _ in range(5):
        attempt(client, "clinician", "wrong", ip="10.0.0.9")
    assert attempt(client, "clinician2", password, ip="10.0.0.9").status_code == 302


def test_a_lock_from_one_address_does_not_lock_the_user_elsewhere(client, clinician, password):
    for _ in range(5):
        attempt(client, "clinician", "wrong", ip="203.0.113.7")
    assert attempt(client, "clinician", password, ip="10.0.0.1").status_code == 302


def test_the_username_is_matched_without_regard_to_case(client, clinician, password):
    for name in ["Clinician", "CLINICIAN", "clinician", "cLinician", "clinicIAN"]:
        attempt(client, name, "wrong")
    assert attempt(client, "clinician", password).status_code == 200


def test_the_api_token_endpoint_is_locked_too(api_client, clinician, password):
    url = reverse("auth-token")
    for _ in range(5):
        api_client.post(url, {"username": "clinician", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    response = api_client.post(
        url, {"username": "clinician", "password": password}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_disabled_user_cannot_sign_in(client, clinician, password):
    clinician.is_active = False
    clinician.save()
    assert attempt(client, "clinician", password).status_code == 200


def test_a_disabled_user_loses_their_open_session_at_the_next_request(client, clinician):
    client.force_login(clinician)
    assert client.get(reverse("today")).status_code == 200
    User.objects.filter(pk=clinician.pk).update(is_active=False)
    response = client.get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_disabled_users_api_token_stops_working(api_client, clinician, password):
    token = api_client.post(
        reverse("auth-token"), {"username": "clinician", "password": password}
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(reverse("me")).status_code == 200
    User.objects.filter(pk=clinician.pk).update(is_active=False)
    assert api_client.get(reverse("me")).status_code == 401


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_stored_with_argon2(db):
    from django.conf import settings as live

    from iop import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = User.objects.create_user("someone", password="a-long-enough-passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert live.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.mark.parametrize("weak", ["short1", "password1234", "12345678901234", "clinician-x"])
def test_weak_passwords_are_refused(clinician, weak):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(weak, user=clinician)


def test_sign_out_ends_the_session(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "You are signed out." in response.content.decode()
    assert client.get(reverse("today")).status_code == 302


def test_the_admin_login_is_the_one_login_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_signed_in_user_without_admin_access_is_not_sent_round_the_admin_forever(
    client, clinician, password
):
    # /admin/ -> the login page -> /admin/ -> ... for a signed-in clinician (acceptance probe):
    # the 403 page instead, saying so.
    client.force_login(clinician)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == []
    assert response.status_code == 403
    other = type(client)()
    response = other.post(
        f"{LOGIN}?next=/admin/", {"username": clinician.username, "password": password}
    )
    assert response["Location"] == reverse("today")


def test_staff_signing_in_for_the_admin_still_goes_to_the_admin(client, admin_user_role, password):
    response = client.post(
        f"{LOGIN}?next=/admin/", {"username": admin_user_role.username, "password": password}
    )
    assert response["Location"] == "/admin/"
