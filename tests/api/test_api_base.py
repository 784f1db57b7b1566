import re

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from iop.api.pagination import StandardPagination

TOKEN = reverse("auth-token")
# The one route open to anonymous callers: it is how they stop being anonymous.
OPEN_ROUTES = {("/api/v1/auth/token/", "post")}


def schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method


def test_the_schema_lists_the_base_routes():
    assert {("/api/v1/auth/token/", "post"), ("/api/v1/me/", "get")} <= set(schema_operations())


@pytest.mark.parametrize("path,method", [op for op in schema_operations() if op not in OPEN_ROUTES])
def test_anonymous_calls_are_refused_on_every_route(api_client, db, path, method):
    url = re.sub(r"\{[^}]+\}", "1", path)
    response = getattr(api_client, method)(url, {})
    assert response.status_code in (401, 403)


def test_an_anonymous_call_gets_401_with_the_scheme_to_use(api_client, db):
    response = api_client.get(reverse("me"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_is_issued_for_a_username_and_password(api_client, clinician, password):
    response = api_client.post(TOKEN, {"username": "clinician", "password": password})
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get(reverse("me")).json()
    assert (me["username"], me["roles"]) == ("clinician", ["clinician"])


def test_a_token_request_with_missing_fields_names_them(api_client, db):
    response = api_client.post(TOKEN, {"username": "clinician"})
    assert response.status_code == 400
    assert "password" in response.json()


def test_a_wrong_password_gets_400_and_no_token(api_client, clinician):
    response = api_client.post(TOKEN, {"username": "clinician", "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_the_token_endpoint_is_throttled(api_client, db, settings):
    credentials = {"username": "x", "password": "y"}
    statuses = [
        api_client.post(TOKEN, credentials, REMOTE_ADDR="10.9.9.9").status_code for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_a_user_without_a_role_is_refused(api_client, db):
    from tests.factories import UserFactory

    api_client.force_authenticate(UserFactory(username="norole"))
    assert api_client.get(reverse("me")).status_code == 403


def test_a_view_that_names_no_roles_is_closed_to_everyone(rf, clinician):
    from rest_framework.views import APIView

    from iop.api.permissions import HasRequiredRole

    request = rf.get("/")
    request.user = clinician
    assert not HasRequiredRole().has_permission(request, APIView())


def test_page_size_is_capped():
    assert StandardPagination.max_page_size == 200
    assert StandardPagination.page_size_query_param == "page_size"


def test_the_schema_and_docs_are_served_to_signed_in_users(client, clinician):
    assert client.get(reverse("api-schema")).status_code in (401, 403)
    client.force_login(clinician)
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()
