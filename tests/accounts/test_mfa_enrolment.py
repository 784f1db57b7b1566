"""Setting up an authenticator, who must, and the account security page."""

import os
import subprocess
import sys
from base64 import b32encode
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iop.audit.models import AuditEvent
from tests.accounts.mfa_support import (
    ENROL,
    LOGIN,
    RECOVERY_CODES,
    SECURITY,
    VERIFY,
    code_now,
    enrol,
    sign_in_password,
    wrong_code,
)

ROOT = Path(__file__).resolve().parent.parent.parent
TODAY = reverse("today")
CODES_PAGE = reverse("accounts:mfa-recovery-codes")
enforced = override_settings(MFA_ENFORCED=True)


@enforced
def test_a_supervisor_sets_up_an_authenticator_at_first_sign_in(client, supervisor, password):
    sign_in_password(client, "supervisor", password)
    response = client.get(TODAY)
    assert response["Location"] == f"{ENROL}?next=%2Ftoday%2F"

    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    assert "<svg" in page and "QR code for your authenticator app" in page
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert "Your account must have two-step verification" in page

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        refused = client.post(ENROL, {"code": wrong_code(device), "next": TODAY})
        assert "That code is not right" in refused.content.decode()
        assert not TOTPDevice.objects.filter(user=supervisor, confirmed=True).exists()
        traveller.shift(1)  # django-otp's pause after a wrong code
        response = client.post(ENROL, {"code": code_now(device), "next": TODAY})
    assert response["Location"] == f"{CODES_PAGE}?next=%2Ftoday%2F"
    page = client.get(response["Location"]).content.decode()
    codes = set(StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in page for code in codes)
    assert client.get(TODAY).status_code == 200


def test_the_recovery_codes_are_shown_once(client, supervisor, password):
    client.force_login(supervisor)
    client.get(ENROL)
    device = TOTPDevice.objects.get(pk=_pending(supervisor))
    client.post(ENROL, {"code": code_now(device)})
    assert client.get(CODES_PAGE).status_code == 200
    again = client.get(CODES_PAGE)
    assert again["Location"] == SECURITY


def _pending(user):
    return TOTPDevice.objects.get(user=user, confirmed=False).pk


def test_enrolment_is_audited_without_the_secret(client, clinician):
    client.force_login(clinician)
    client.get(ENROL)
    client.get(ENROL)  # a reload shows the same secret: one event
    device = TOTPDevice.objects.get(pk=_pending(clinician))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(ENROL, {"code": wrong_code(device)})
        traveller.shift(1)
        client.post(ENROL, {"code": code_now(device)})
    events = list(
        AuditEvent.objects.filter(user=clinician)
        .order_by("id")
        .values_list("action", "outcome", "object_type", "detail")
    )
    assert events == [
        (
            "create",
            "success",
            "otp_totp.totpdevice",
            "MFA enrolment started (authenticator not yet confirmed)",
        ),
        ("update", "failure", "otp_totp.totpdevice", "MFA enrolment: wrong code"),
        (
            "update",
            "success",
            "otp_totp.totpdevice",
            "MFA enrolment confirmed; 10 recovery codes issued",
        ),
    ]
    assert not any(device.key in e[3] for e in events)


@enforced
@pytest.mark.parametrize("path", [TODAY, "/caseload/", "/admin/", "/accounts/security/"])
def test_a_user_who_must_have_mfa_reaches_only_enrolment(client, supervisor, path):
    client.force_login(supervisor)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


@enforced
def test_a_user_who_must_have_mfa_can_still_sign_out_and_keep_the_session(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("accounts:keepalive")).status_code == 204
    assert client.post(reverse("accounts:logout"))["Location"] == LOGIN


@enforced
def test_an_admin_must_set_up_mfa_before_the_django_admin(client, admin_user_role):
    client.force_login(admin_user_role)
    assert client.get("/admin/accounts/user/")["Location"].startswith(ENROL)


@enforced
def test_a_clinician_is_not_required_to_have_mfa_by_default(client, clinician):
    client.force_login(clinician)
    assert client.get(TODAY).status_code == 200


@override_settings(MFA_ENFORCED=True, MFA_REQUIRED_FOR_ALL=True)
def test_a_setting_requires_mfa_of_everyone(client, clinician):
    client.force_login(clinician)
    assert client.get(TODAY)["Location"].startswith(ENROL)


def test_with_mfa_not_enforced_a_supervisor_without_mfa_works_as_before(client, supervisor):
    client.force_login(supervisor)
    page = client.get(TODAY)
    assert page.status_code == 200
    assert "Account security" in page.content.decode()


def _settings_value(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "MFA_ENFORCED", "DEBUG", "DATABASE_URL"}
    }
    environment.update(env, SECRET_KEY="s" * 60)
    result = subprocess.run(
        [sys.executable, "-c", "import iop.settings as s; print(s.MFA_ENFORCED)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_mfa_is_enforced_in_production_and_off_in_the_demo():
    assert _settings_value(DEBUG="0") == "True"
    assert _settings_value(DEBUG="1") == "False"  # make run
    assert _settings_value(DEBUG="0", MFA_ENFORCED="0") == "False"


# --- the account security page ----------------------------------------------------------------


def test_the_security_page_offers_to_set_up_mfa(client, clinician):
    client.force_login(clinician)
    page = client.get(SECURITY).content.decode()
    assert "Only your password protects this account" in page
    assert ENROL in page


@pytest.fixture
def verified(client, clinician, password):
    """The clinician, enrolled and signed in with both steps."""
    device = enrol(clinician)
    sign_in_password(client, "clinician", password)
    client.post(VERIFY, {"code": RECOVERY_CODES[2]})
    return device


def test_the_security_page_shows_the_status(client, verified):
    page = client.get(SECURITY).content.decode()
    assert 'data-testid="recovery-codes-left">2<' in page


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(client, clinician, verified):
    refused = client.post(SECURITY, {"action": "regenerate", "regenerate-code": "nope1234"})
    assert "That code is not right" in refused.content.decode()

    response = client.post(
        SECURITY, {"action": "regenerate", "regenerate-code": code_now(verified)}, follow=True
    )
    new = set(StaticToken.objects.filter(device__user=clinician).values_list("token", flat=True))
    assert len(new) == 10
    assert all(code in response.content.decode() for code in new)
    assert RECOVERY_CODES[0] not in new
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, detail__startswith="MFA recovery codes regenerated"
    ).exists()


def test_removing_the_authenticator_needs_a_code(client, clinician, verified):
    refused = client.post(SECURITY, {"action": "remove", "remove-code": wrong_code(verified)})
    assert "That code is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=clinician).exists()

    client.post(SECURITY, {"action": "remove", "remove-code": RECOVERY_CODES[0]})
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert not StaticToken.objects.filter(device__user=clinician).exists()
    assert client.get(TODAY).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, detail="MFA removed by its owner (2 device(s))"
    ).exists()
    assert AuditEvent.objects.filter(
        detail="remove authenticator: recovery code used (1 left)"
    ).exists()


@enforced
def test_a_supervisor_who_removes_mfa_must_set_it_up_again(client, supervisor, password):
    device = enrol(supervisor)
    sign_in_password(client, "supervisor", password)
    client.post(VERIFY, {"code": RECOVERY_CODES[0]})
    client.post(SECURITY, {"action": "remove", "remove-code": code_now(device)})
    assert client.get(TODAY)["Location"].startswith(ENROL)
