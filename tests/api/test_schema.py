"""The OpenAPI schema says what the API really answers (bin/schemathesis checks it in CI).

Every status an endpoint can answer is documented with the error body's shape; users that may be
missing (`signed_by` of a draft, `closed_by` of an open alert) are nullable; choices the model
leaves blank allow ""; times match what the API writes; `search` is listed.
"""

import re
from functools import cache

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

WRITES = {"post", "put", "patch", "delete"}
OPEN_ROUTES = {("/api/v1/auth/token/", "post")}


@cache
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations():
    for path, methods in schema()["paths"].items():
        for method, operation in methods.items():
            if method in {"get", *WRITES}:
                yield path, method, operation


def resolve(node):
    while "$ref" in node:
        node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def prop(component, name):
    return schema()["components"]["schemas"][component]["properties"][name]


def allowed_values(node):
    """The enum values a property admits, through $ref, oneOf and allOf."""
    node = resolve(node)
    values = set(node.get("enum", []))
    for key in ("oneOf", "allOf", "anyOf"):
        for sub in node.get(key, []):
            values |= allowed_values(sub)
    return values


def missing(status, wanted):
    return sorted(
        f"{method.upper()} {path}"
        for path, method, operation in operations()
        if wanted(path, method, operation) and status not in operation["responses"]
    )


@pytest.mark.parametrize(
    "component,field",
    [
        ("Plan", "signed_by"),
        ("PlanList", "signed_by"),
        ("SafetyPlan", "signed_by"),
        ("Note", "signed_by"),
        ("Note", "cosigned_by"),
        ("Alert", "closed_by"),
        ("Alert", "assigned_to"),
        ("Consent", "revoked_by"),
        ("Review", "completed_by"),
        ("Assessment", "confirmed_by"),
    ],
)
def test_a_user_that_may_be_missing_is_nullable(component, field):
    assert prop(component, field).get("nullable") is True


def test_a_user_the_model_requires_stays_non_nullable():
    assert not prop("RiskAssessment", "signed_by").get("nullable")


@pytest.mark.parametrize(
    "component,field", [("Episode", "discharge_reason"), ("Review", "decision")]
)
def test_a_choice_the_model_leaves_blank_admits_the_empty_string(component, field):
    values = allowed_values(prop(component, field))
    assert "" in values and len(values) > 1


def test_times_are_described_as_the_api_writes_them():
    start_time = prop("Group", "start_time")
    # JSON Schema's `time` format needs a UTC offset, which the API's times never carry.
    assert start_time.get("format") != "time"
    assert re.match(start_time["pattern"], "09:00:00")
    assert re.match(start_time["pattern"], "17:30")
    assert not re.match(start_time["pattern"], "25:00:00")


def test_the_patient_list_documents_search():
    parameters = schema()["paths"]["/api/v1/patients/"]["get"]["parameters"]
    assert "search" in {p["name"] for p in parameters if p["in"] == "query"}


def test_every_route_with_an_id_documents_404():
    assert missing("404", lambda path, method, op: "{" in path) == []


def test_paginated_lists_document_404_for_a_page_past_the_last():
    assert "404" in schema()["paths"]["/api/v1/episodes/"]["get"]["responses"]


def test_every_write_documents_400_with_field_errors():
    assert missing("400", lambda path, method, op: method in WRITES) == []
    response = schema()["paths"]["/api/v1/patients/"]["post"]["responses"]["400"]
    error = resolve(response["content"]["application/json"]["schema"])
    assert error["type"] == "object" and "additionalProperties" in error


def test_reads_with_query_parameters_document_400():
    def reads_with_query(path, method, operation):
        return method == "get" and any(p["in"] == "query" for p in operation.get("parameters", []))

    assert missing("400", reads_with_query) == []


def test_every_authenticated_route_documents_401_403_and_429():
    def authenticated(path, method, op):
        return (path, method) not in OPEN_ROUTES

    assert missing("401", authenticated) == []
    assert missing("403", authenticated) == []
    assert missing("429", lambda path, method, op: True) == []


def test_the_token_endpoint_documents_refused_credentials_and_throttling():
    responses = schema()["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "400" in responses and "429" in responses


@pytest.mark.parametrize(
    "path,method",
    [
        ("/api/v1/plans/{id}/", "patch"),
        ("/api/v1/plans/{id}/activate/", "post"),
        ("/api/v1/goals/{id}/", "delete"),
        ("/api/v1/notes/{id}/", "patch"),
        ("/api/v1/notes/{id}/sign/", "post"),
        ("/api/v1/attendance/", "post"),
        ("/api/v1/reviews/{id}/complete/", "post"),
    ],
)
def test_writes_refused_on_a_signed_or_stale_record_document_409(path, method):
    response = schema()["paths"][path][method]["responses"]["409"]
    body = resolve(response["content"]["application/json"]["schema"])
    assert body["required"] == ["detail"]


def test_reads_never_document_409():
    reads = [f"{p}" for p, m, op in operations() if m == "get" and "409" in op["responses"]]
    assert reads == []


# --- what the schema now says, the API does ------------------------------------------------


@pytest.fixture
def supervisor_client(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    return api_client


def test_a_page_size_that_is_not_a_number_is_a_400(supervisor_client):
    response = supervisor_client.get(reverse("episode-list"), {"page_size": "lots"})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_large_page_size_is_read_as_the_maximum(supervisor_client):
    assert supervisor_client.get(reverse("episode-list"), {"page_size": 10_000}).status_code == 200


def test_a_query_parameter_given_twice_is_a_400(supervisor_client):
    response = supervisor_client.get(reverse("episode-list") + "?status=active&status=intake")
    assert response.status_code == 400
    assert response.json() == {"status": ["Give this parameter once."]}


def test_an_api_path_matching_no_route_answers_json(supervisor_client):
    # The router's id pattern refuses `.exe`: Django's HTML 404 page answered, not the API.
    response = supervisor_client.get("/api/v1/progress/.exe/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_path_matching_no_route_keeps_the_404_page(client, clinician):
    client.force_login(clinician)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("url,param", [("objective-list", "plan"), ("session-list", "patient")])
def test_an_id_filter_that_is_not_a_whole_number_is_a_400(supervisor_client, url, param):
    # django-filter's NumberFilter read `0.5` as a decimal and answered an empty page.
    response = supervisor_client.get(reverse(url), {param: "0.5"})
    assert response.status_code == 400
    assert param in response.json()


def test_a_boolean_filter_that_is_not_true_or_false_is_a_400(supervisor_client):
    # django-filter read `?is_sud=maybe` as no filter and answered every episode.
    response = supervisor_client.get(reverse("episode-list"), {"is_sud": "maybe"})
    assert response.status_code == 400
    assert "is_sud" in response.json()


def test_a_boolean_filter_filters(supervisor_client, episode):
    assert supervisor_client.get(reverse("episode-list"), {"is_sud": "true"}).json()["count"] == 0
    assert supervisor_client.get(reverse("episode-list"), {"is_sud": "false"}).json()["count"] == 1


def test_empty_optional_query_parameters_mean_no_filter(supervisor_client, episode):
    response = supervisor_client.get(
        reverse("episode-list"), {"status": "", "is_sud": "", "page_size": ""}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1
    parameters = schema()["paths"]["/api/v1/episodes/"]["get"]["parameters"]
    assert all(p.get("allowEmptyValue") for p in parameters if p["in"] == "query")
