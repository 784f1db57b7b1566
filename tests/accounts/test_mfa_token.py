"""The API token endpoint asks enrolled users for their second factor (`otp`)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from iop.audit.models import AuditEvent
from tests.accounts.mfa_support import RECOVERY_CODES, code_now, enrol, wrong_code

TOKEN = reverse("auth-token")


@pytest.fixture
def device(clinician):
    return enrol(clinician)


def ask(api_client, password, **extra):
    return api_client.post(TOKEN, {"username": "clinician", "password": password, **extra})


def test_without_otp_an_enrolled_user_gets_no_token(api_client, device, password):
    response = ask(api_client, password)
    assert response.status_code == 400
    assert "otp" in response.json()
    assert "token" not in response.json()


def test_a_wrong_otp_is_refused_and_audited(api_client, device, password):
    response = ask(api_client, password, otp=wrong_code(device))
    assert response.status_code == 400
    assert "That code is not right" in response.json()["otp"][0]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, detail="API token: second step refused, wrong code"
    ).exists()


def test_the_right_otp_gives_a_token_that_works(api_client, device, password):
    response = ask(api_client, password, otp=code_now(device))
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get(reverse("me")).status_code == 200


def test_a_recovery_code_gives_a_token_once(api_client, device, password):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert ask(api_client, password, otp=RECOVERY_CODES[1]).status_code == 200
        traveller.shift(timedelta(seconds=1))
        assert ask(api_client, password, otp=RECOVERY_CODES[1]).status_code == 400


def test_a_user_without_mfa_needs_no_otp(api_client, clinician, password):
    assert ask(api_client, password).status_code == 200


@override_settings(MFA_ENFORCED=True)
def test_a_supervisor_who_must_have_mfa_gets_no_token_before_setting_it_up(
    api_client, supervisor, password
):
    response = api_client.post(TOKEN, {"username": "supervisor", "password": password})
    assert response.status_code == 400
    assert "set up an authenticator app" in response.json()["otp"][0]
