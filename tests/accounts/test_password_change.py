"""A member of staff changes their own password on a page of the app."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from iop.audit.models import AuditEvent

PAGE = reverse("accounts:password-change")
NEW_PASSWORD = "a-fresh-long-passphrase-77"


def change(client, old, new=NEW_PASSWORD):
    return client.post(
        PAGE, {"old_password": old, "new_password1": new, "new_password2": new}, follow=True
    )


def test_the_user_menu_links_to_the_password_page(client, clinician):
    client.force_login(clinician)
    assert f'href="{PAGE}"' in client.get(reverse("today")).content.decode()


def test_a_password_change_keeps_this_session_and_is_audited(client, clinician, password):
    client.force_login(clinician)
    response = change(client, password)
    clinician.refresh_from_db()
    assert "Your password is changed" in response.content.decode()
    assert clinician.check_password(NEW_PASSWORD)
    assert client.get(reverse("today")).status_code == 200
    event = AuditEvent.objects.get(object_type="accounts.user", detail="password changed")
    assert (event.user, event.object_id) == (clinician, str(clinician.pk))


def test_a_password_change_signs_out_other_browsers_and_ends_tokens(client, clinician, password):
    other = Client()
    other.force_login(clinician)
    AuthToken.objects.create(user=clinician)
    client.force_login(clinician)
    change(client, password)
    assert other.get(reverse("today")).status_code == 302
    assert not AuthToken.objects.filter(user=clinician).exists()


def test_a_wrong_current_password_is_refused_with_a_message(client, clinician):
    client.force_login(clinician)
    response = change(client, "not-my-password")
    clinician.refresh_from_db()
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert not clinician.check_password(NEW_PASSWORD)


def test_a_weak_new_password_is_refused(client, clinician, password):
    client.force_login(clinician)
    response = change(client, password, new="short")
    assert "too short" in response.content.decode()


def test_the_django_admins_password_form_leads_to_the_audited_page(
    client, admin_user_role, password
):
    # The Django admin's own form changed the password with no audit event (acceptance probe).
    client.force_login(admin_user_role)
    for url in ("/admin/password_change/", "/admin/password_change/done/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, PAGE)
    client.post(
        "/admin/password_change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    admin_user_role.refresh_from_db()
    assert admin_user_role.check_password(password)
    response = change(client, password)
    assert "Your password is changed" in response.content.decode()
    assert AuditEvent.objects.filter(
        user=admin_user_role, object_type="accounts.user", detail="password changed"
    ).exists()


def test_a_password_set_with_manage_py_changepassword_is_audited(clinician, monkeypatch):
    # Acceptance probe: `manage.py changepassword` changed a password with no audit event.
    from django.contrib.auth.management.commands.changepassword import Command

    monkeypatch.setattr(Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    call_command("changepassword", clinician.username, stdout=StringIO())
    clinician.refresh_from_db()
    assert clinician.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(object_type="accounts.user", object_id=str(clinician.pk))
    assert (event.username, event.user, event.detail) == ("manage.py", None, "password set")
    assert event.path == "manage.py changepassword"
