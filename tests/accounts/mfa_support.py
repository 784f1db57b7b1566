"""Helpers for the MFA tests: an enrolled user, and the code their authenticator shows now."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:mfa-verify")
ENROL = reverse("accounts:mfa-enrol")
SECURITY = reverse("accounts:security")
RECOVERY_CODES = ["aaaa2222", "bbbb3333", "cccc4444"]


def enrol(user):
    """A confirmed authenticator and three recovery codes for `user`; returns the device."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in RECOVERY_CODES:
        StaticToken.objects.create(device=static, token=code)
    return device


def code_now(device):
    """What the user's authenticator app shows at this moment (as the app computes it)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device):
    return f"{(int(code_now(device)) + 1) % 1_000_000:06d}"


def sign_in_password(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
