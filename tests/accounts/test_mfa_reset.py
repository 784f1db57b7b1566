"""Resetting a user's MFA (a lost phone): the admin action and `manage.py mfa_reset`."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from iop.accounts.mfa.services import mfa_reset
from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from tests.accounts.mfa_support import enrol
from tests.factories import UserFactory

USERS = "/admin/accounts/user/"


def has_mfa(user):
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


def reset_in_admin(client, target):
    return client.post(USERS, {"action": "reset_mfa", "_selected_action": [target.pk]}, follow=True)


def test_the_command_removes_the_users_devices_and_is_audited(clinician):
    enrol(clinician)
    out = StringIO()
    call_command("mfa_reset", "clinician", stdout=out)
    assert not has_mfa(clinician)
    assert "Removed 2 MFA device(s) of clinician" in out.getvalue()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert (event.username, event.object_type, event.object_id) == (
        "manage.py",
        "accounts.user",
        str(clinician.pk),
    )
    assert event.detail == "MFA reset from the server (manage.py mfa_reset): 2 device(s) removed"


def test_the_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("mfa_reset", "nobody")


def test_an_admin_resets_a_clinicians_mfa_in_the_django_admin(client, admin_user_role, clinician):
    enrol(clinician)
    client.force_login(admin_user_role)
    response = reset_in_admin(client, clinician)
    assert "linician: 2 MFA device(s) removed." in response.content.decode()  # capitalised
    assert not has_mfa(clinician)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert (event.user, event.object_id) == (admin_user_role, str(clinician.pk))


def test_an_admin_may_not_reset_another_admins_mfa(client, admin_user_role):
    other = UserFactory(username="admin2", role=Role.ADMIN, is_staff=True)
    enrol(other)
    client.force_login(admin_user_role)
    response = reset_in_admin(client, other)
    assert "Only a superuser may reset the MFA of an administrator" in response.content.decode()
    assert has_mfa(other)
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert refusal.outcome == AuditEvent.Outcome.DENIED
    assert refusal.object_id == str(other.pk)


def test_a_superuser_resets_an_admins_mfa(client, admin_user_role):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    enrol(admin_user_role)
    client.force_login(root)
    reset_in_admin(client, admin_user_role)
    assert not has_mfa(admin_user_role)


def test_nobody_resets_their_own_mfa_there(db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    enrol(root)
    with pytest.raises(PermissionDenied, match="use your Account security page"):
        mfa_reset(target=root, user=root)
    assert has_mfa(root)


def test_a_supervisor_may_not_reset_mfa(supervisor, clinician):
    enrol(clinician)
    with pytest.raises(PermissionDenied):
        mfa_reset(target=clinician, user=supervisor)
    assert has_mfa(clinician)
