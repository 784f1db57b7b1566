"""Changes to a user's roles, flags and password in the Django admin, made by an admin-role
user (not a superuser): audited with the real actor, refused where the rules say, revoking
API tokens, and told to the supervisors."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken

from iop.accounts.models import User
from iop.accounts.roles import Role
from iop.accounts.services import SELF_CHANGE_REFUSED
from iop.audit.models import AuditEvent
from tests.factories import UserFactory

NEW_PASSWORD = "a-fresh-long-passphrase-77"


@pytest.fixture
def admin_client(client, admin_user_role):
    client.force_login(admin_user_role)
    return client


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def form_data(user, **overrides):
    """The change form as the admin page posts it, for `user` as stored, with overrides."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "credentials": user.credentials,
    }
    flags = {"is_active": user.is_active, "is_staff": user.is_staff}
    flags.update({k: v for k, v in overrides.items() if k.startswith("is_")})
    data.update({k: "on" for k, v in flags.items() if v})
    data.update({k: v for k, v in overrides.items() if not k.startswith("is_")})
    return data


def roles(*names):
    return [g.pk for g in Group.objects.filter(name__in=names)]


def events_for(user):
    return AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))


def test_a_role_change_is_audited_with_the_real_actor(admin_client, admin_user_role, clinician):
    admin_client.post(change_url(clinician), form_data(clinician, groups=roles(Role.SUPERVISOR)))
    event = events_for(clinician).get()
    assert clinician.roles == {Role.SUPERVISOR}
    assert (event.user, event.detail) == (admin_user_role, "roles +supervisor -clinician")


def test_flag_changes_are_audited_one_event_each(admin_client, admin_user_role, clinician):
    admin_client.post(change_url(clinician), form_data(clinician, is_staff=True))
    admin_client.post(
        change_url(clinician), form_data(User.objects.get(pk=clinician.pk), is_active=False)
    )
    details = list(events_for(clinician).order_by("id").values_list("user", "detail"))
    assert details == [(admin_user_role.pk, "staff granted"), (admin_user_role.pk, "deactivated")]


def test_an_admin_cannot_make_anyone_superuser(admin_client, clinician):
    admin_client.post(change_url(clinician), form_data(clinician, is_superuser=True))
    clinician.refresh_from_db()
    assert not clinician.is_superuser


def test_a_superuser_can_grant_superuser_and_it_is_audited(client, clinician):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.post(change_url(clinician), form_data(clinician, is_superuser=True))
    clinician.refresh_from_db()
    assert clinician.is_superuser
    assert events_for(clinician).get().detail == "superuser granted"


def test_an_admin_cannot_change_their_own_roles(admin_client, admin_user_role):
    response = admin_client.post(
        change_url(admin_user_role),
        form_data(admin_user_role, groups=roles(Role.ADMIN, Role.SUPERVISOR), is_staff=True),
    )
    assert response.status_code == 200
    assert SELF_CHANGE_REFUSED.replace("'", "&#x27;") in response.content.decode()
    assert User.objects.get(pk=admin_user_role.pk).roles == {Role.ADMIN}


def test_an_admin_can_still_edit_their_own_name(admin_client, admin_user_role):
    admin_client.post(
        change_url(admin_user_role),
        form_data(admin_user_role, first_name="Alex", is_staff=True),
    )
    assert User.objects.get(pk=admin_user_role.pk).first_name == "Alex"


def test_an_admin_cannot_change_a_superusers_account(admin_client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = admin_client.post(change_url(root), form_data(root, is_staff=True, is_active=False))
    root.refresh_from_db()
    assert response.status_code == 403
    assert root.is_active


def test_an_admin_cannot_set_a_superusers_password(admin_client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    before = root.password
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = admin_client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"}
    )
    root.refresh_from_db()
    assert response.status_code == 403
    assert root.password == before


def set_password_in_admin(admin_client, user):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    return admin_client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"}
    )


def test_a_password_set_in_the_admin_is_audited_and_ends_tokens(
    admin_client, admin_user_role, clinician
):
    AuthToken.objects.create(user=clinician)
    response = set_password_in_admin(admin_client, clinician)
    assert response.status_code == 302
    event = events_for(clinician).get(detail="password set")
    assert event.user == admin_user_role
    assert not AuthToken.objects.filter(user=clinician).exists()


def test_a_password_set_in_the_admin_signs_the_user_out(
    client, admin_user_role, clinician, django_user_model
):
    from django.test import Client

    users_browser = Client()
    users_browser.force_login(clinician)
    assert users_browser.get(reverse("today")).status_code == 200
    client.force_login(admin_user_role)
    set_password_in_admin(client, clinician)
    response = users_browser.get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_deactivating_or_removing_a_role_revokes_api_tokens(admin_client, clinician, supervisor):
    AuthToken.objects.create(user=clinician)
    AuthToken.objects.create(user=supervisor)
    admin_client.post(change_url(clinician), form_data(clinician, is_active=False))
    admin_client.post(change_url(supervisor), form_data(supervisor, groups=[]))
    assert not AuthToken.objects.filter(user__in=[clinician, supervisor]).exists()
    assert events_for(supervisor).filter(detail="api tokens revoked (1): role removed").exists()


def test_adding_a_role_keeps_the_tokens(admin_client, clinician):
    AuthToken.objects.create(user=clinician)
    admin_client.post(
        change_url(clinician), form_data(clinician, groups=roles(Role.CLINICIAN, Role.INTAKE))
    )
    assert AuthToken.objects.filter(user=clinician).count() == 1


def test_a_role_change_is_emailed_to_the_supervisors(
    admin_client, clinician, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            change_url(clinician), form_data(clinician, groups=roles(Role.SUPERVISOR))
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [supervisor.email]
    assert "admin changed the roles of clinician: roles +supervisor -clinician" in message.body


def test_the_deactivate_action_is_audited_and_spares_oneself(
    admin_client, admin_user_role, clinician
):
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [clinician.pk, admin_user_role.pk]},
    )
    clinician.refresh_from_db()
    admin_user_role.refresh_from_db()
    assert (clinician.is_active, admin_user_role.is_active) == (False, True)
    assert events_for(clinician).get().user == admin_user_role


def test_a_user_created_in_the_admin_is_audited_with_the_actor(admin_client, admin_user_role):
    admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newhire",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    newhire = User.objects.get(username="newhire")
    assert events_for(newhire).get().user == admin_user_role
    assert events_for(newhire).get().detail == "created"


def test_the_service_itself_refuses_what_the_admin_hides(admin_user_role, clinician):
    from django.core.exceptions import ValidationError

    from iop.accounts import services

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root.email = "elsewhere@example.org"
    with pytest.raises(ValidationError):
        services.user_update(user=admin_user_role, target=root)
    clinician.is_superuser = True
    with pytest.raises(ValidationError):
        services.user_update(user=admin_user_role, target=clinician)
    assert not User.objects.filter(pk=clinician.pk, is_superuser=True).exists()


def test_an_admin_changes_their_own_password_only_with_the_current_one(
    admin_client, admin_user_role, password
):
    # Acceptance probe: the admin's own user page set a new password without the current one.
    url = reverse("admin:auth_user_password_change", args=[admin_user_role.pk])
    response = set_password_in_admin(admin_client, admin_user_role)
    admin_user_role.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change")
    assert admin_user_role.check_password(password)
    assert admin_client.get(url)["Location"] == reverse("accounts:password-change")
