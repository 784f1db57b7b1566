"""The second step after the password, for users with an authenticator (MFA)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import modify_settings
from django.urls import reverse
from django.utils import timezone

from iop.audit.models import AuditEvent
from tests.accounts.mfa_support import (
    LOGIN,
    RECOVERY_CODES,
    VERIFY,
    code_now,
    enrol,
    sign_in_password,
    wrong_code,
)

TODAY = reverse("today")


@pytest.fixture
def device(clinician):
    return enrol(clinician)


def test_after_the_password_an_enrolled_user_is_asked_for_a_code(client, device, password):
    response = sign_in_password(client, "clinician", password)
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Ftoday%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Two-step verification" in page
    assert 'autocomplete="one-time-code"' in page


@pytest.mark.parametrize(
    "path", ["/today/", "/caseload/", "/accounts/security/", "/accounts/login/"]
)
def test_without_the_code_no_page_opens(client, device, password, path):
    sign_in_password(client, "clinician", password)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_without_the_code_the_api_refuses_the_session(client, device, password):
    sign_in_password(client, "clinician", password)
    response = client.get(reverse("me"))
    assert response.status_code == 403
    assert "Two-step verification" in response.json()["detail"]


def test_without_the_code_an_htmx_request_is_sent_to_the_second_step(client, device, password):
    sign_in_password(client, "clinician", password)
    response = client.get(TODAY, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(VERIFY)


def test_the_right_code_finishes_signing_in_on_the_page_asked_for(client, device, password):
    sign_in_password(client, "clinician", password)
    response = client.post(VERIFY, {"code": code_now(device), "next": "/caseload/"})
    assert response.status_code == 302
    assert response["Location"] == "/caseload/"
    assert client.get(TODAY).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN, detail="sign-in: second step with the authenticator app"
    ).exists()


def test_the_second_step_does_not_send_the_user_to_another_site(client, device, password):
    sign_in_password(client, "clinician", password)
    response = client.post(VERIFY, {"code": code_now(device), "next": "https://evil.example/"})
    assert response["Location"] == TODAY


def test_a_code_with_spaces_is_accepted(client, device, password):
    sign_in_password(client, "clinician", password)
    code = code_now(device)
    response = client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302


def test_a_wrong_code_is_refused_and_audited(client, device, password):
    sign_in_password(client, "clinician", password)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(TODAY).status_code == 302
    failure = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failure.username == "clinician"
    assert failure.detail == "sign-in: second step refused, wrong code"


def test_a_code_works_only_once(client, device, password):
    code = code_now(device)
    sign_in_password(client, "clinician", password)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in_password(client, "clinician", password)
    response = client.post(VERIFY, {"code": code})
    assert "That code is not right" in response.content.decode()


def test_wrong_codes_in_a_row_make_the_user_wait(client, device, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_password(client, "clinician", password)
        client.post(VERIFY, {"code": wrong_code(device)})
        traveller.shift(timedelta(seconds=1))
        client.post(VERIFY, {"code": wrong_code(device)})
        response = client.post(VERIFY, {"code": code_now(device)})
        assert "wait 2 second(s)" in response.content.decode()
        traveller.shift(timedelta(seconds=2))
        assert client.post(VERIFY, {"code": code_now(device)}).status_code == 302


def test_wrong_codes_count_toward_the_login_lockout(client, device, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_password(client, "clinician", password)
        for _ in range(5):
            traveller.shift(timedelta(seconds=20))  # past django-otp's growing pauses
            response = client.post(VERIFY, {"code": wrong_code(device)}, REMOTE_ADDR="10.0.0.1")
        assert response["Location"] == LOGIN
        assert "_auth_user_id" not in client.session
        again = sign_in_password(client, "clinician", password)
        assert "Too many failed sign-in attempts" in again.content.decode()


def test_a_recovery_code_signs_in_once(client, device, password):
    sign_in_password(client, "clinician", password)
    response = client.post(VERIFY, {"code": RECOVERY_CODES[0].upper()}, follow=True)
    assert "You signed in with a recovery code; 2 left" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN, detail="sign-in: second step with a recovery code (2 left)"
    ).exists()
    client.post(reverse("accounts:logout"))
    sign_in_password(client, "clinician", password)
    response = client.post(VERIFY, {"code": RECOVERY_CODES[0]})
    assert "That code is not right" in response.content.decode()


def test_signing_out_works_before_the_second_step(client, device, password):
    sign_in_password(client, "clinician", password)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_second_step_needs_the_password_first(client, device):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_enrolled_user_gives_the_code_even_with_mfa_not_enforced(
    client, device, password, settings
):
    settings.MFA_ENFORCED = False
    sign_in_password(client, "clinician", password)
    assert client.get(TODAY)["Location"].startswith(VERIFY)


def test_a_user_without_mfa_signs_in_with_the_password_alone(client, clinician, password):
    sign_in_password(client, "clinician", password)
    assert client.get(TODAY).status_code == 200
    assert client.get(VERIFY)["Location"] == TODAY


# --- the Django admin is no way around it ---------------------------------------------------


@pytest.fixture
def admin_device(admin_user_role):
    return enrol(admin_user_role)


def test_the_admin_asks_for_the_second_step_first(client, admin_device, password):
    sign_in_password(client, "admin", password)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_now(admin_device)})
    assert client.get("/admin/accounts/user/").status_code == 200


@modify_settings(MIDDLEWARE={"remove": "iop.accounts.mfa.middleware.MFAMiddleware"})
def test_the_admin_site_itself_refuses_a_session_without_the_second_step(
    client, admin_device, password
):
    sign_in_password(client, "admin", password)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_without_mfa_opens_the_admin_when_it_is_not_enforced(client, admin_user_role):
    client.force_login(admin_user_role)
    assert client.get("/admin/accounts/user/").status_code == 200
