"""API tokens: hashed at rest, shown once, expiring, revocable, never listed in the admin."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken

from iop.audit.models import AuditEvent
from tests.factories import UserFactory

TOKEN = reverse("auth-token")
ME = reverse("me")


def issue(api_client, username, password):
    response = api_client.post(TOKEN, {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def me_with(api_client, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    status = api_client.get(ME).status_code
    api_client.credentials()
    return status


def test_a_token_is_stored_only_as_a_digest(api_client, clinician, password):
    token = issue(api_client, "clinician", password)["token"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert not any(token in str(value) for value in rows[0])


def test_each_request_gets_a_new_token_shown_once(api_client, clinician, password):
    first = issue(api_client, "clinician", password)["token"]
    second = issue(api_client, "clinician", password)["token"]
    assert first != second
    assert me_with(api_client, first) == me_with(api_client, second) == 200


def test_a_token_expires_after_the_configured_hours(api_client, clinician, password, settings):
    assert settings.API_TOKEN_TTL_HOURS == 12
    body = issue(api_client, "clinician", password)
    expiry = parse_datetime(body["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(hours=12))) < timedelta(minutes=1)
    with time_machine.travel(timezone.now() + timedelta(hours=12, minutes=1)):
        assert me_with(api_client, body["token"]) == 401


def test_a_token_works_until_it_expires(api_client, clinician, password):
    token = issue(api_client, "clinician", password)["token"]
    with time_machine.travel(timezone.now() + timedelta(hours=11, minutes=50)):
        assert me_with(api_client, token) == 200


def test_delete_revokes_the_callers_own_token_only(api_client, clinician, password):
    mine = issue(api_client, "clinician", password)["token"]
    other = issue(api_client, "clinician", password)["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {mine}")
    assert api_client.delete(TOKEN).status_code == 204
    api_client.credentials()
    assert me_with(api_client, mine) == 401
    assert me_with(api_client, other) == 200
    assert AuditEvent.objects.filter(
        object_type="accounts.user", object_id=str(clinician.pk), detail="api token revoked"
    ).exists()


def test_delete_without_a_token_is_401(api_client, db):
    response = api_client.delete(TOKEN)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_stale_token_header_does_not_stop_asking_for_a_new_one(api_client, clinician, password):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token-any-more")
    response = api_client.post(TOKEN, {"username": "clinician", "password": password})
    assert response.status_code == 200


def test_issuing_a_token_is_audited_without_the_token(api_client, clinician, password):
    token = issue(api_client, "clinician", password)["token"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="accounts.user")
    assert (event.user, event.detail) == (clinician, "api token issued")
    assert token[:8] not in f"{event.detail} {event.path} {event.object_id}"


def test_signing_out_of_the_pages_revokes_the_api_tokens(client, api_client, clinician, password):
    token = issue(api_client, "clinician", password)["token"]
    client.force_login(clinician)
    client.post(reverse("accounts:logout"))
    assert me_with(api_client, token) == 401


def test_a_password_saved_anywhere_revokes_the_api_tokens(api_client, clinician, password):
    # The shell and `manage.py changepassword` go through set_password and save, as the admin
    # and the password page do.
    token = issue(api_client, "clinician", password)["token"]
    clinician.set_password("another-long-passphrase-42")
    clinician.save()
    assert me_with(api_client, token) == 401


def test_other_saves_of_the_user_keep_the_tokens(api_client, clinician, password):
    token = issue(api_client, "clinician", password)["token"]
    clinician.first_name = "Casey-Jo"
    clinician.save()
    assert me_with(api_client, token) == 200


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_no_one_lists_api_tokens_in_the_admin(client, admin_user_role, who):
    user = admin_user_role
    if who == "superuser":
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    AuthToken.objects.create(user=admin_user_role)
    client.force_login(user)
    assert client.get("/admin/knox/authtoken/").status_code == 404
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404


def test_the_admin_shows_a_count_of_active_tokens_not_the_tokens(
    client, admin_user_role, clinician
):
    _, token = AuthToken.objects.create(user=clinician)
    client.force_login(admin_user_role)
    html = client.get(reverse("admin:accounts_user_change", args=[clinician.pk])).content.decode()
    assert "1 active" in html
    assert token[:15] not in html
