"""A client-sent X-Request-ID is kept only when it is a well-formed id (a UUID, as 32 hex digits
or in the canonical 8-4-4-4-12 form); anything else gets a fresh id, on the answer and on the
audit trail, so nobody plants a chosen string on the trail."""

import re

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent

FRESH = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    "sent",
    [
        "3f2b8c1e9d4a4b6f8e7d6c5b4a392817",
        "3F2B8C1E9D4A4B6F8E7D6C5B4A392817",
        "3f2b8c1e-9d4a-4b6f-8e7d-6c5b4a392817",
    ],
)
def test_a_well_formed_id_is_kept(client, clinician, sent):
    client.force_login(clinician)
    response = client.get(reverse("today"), HTTP_X_REQUEST_ID=sent)
    assert response["X-Request-ID"] == sent
    assert AuditEvent.objects.get(object_type="today").request_id == sent


@pytest.mark.parametrize(
    "sent",
    [
        "aaaaaaaa",  # eight letters: the old pattern took anything of 8 to 64 such characters
        "../../etc/passwd",
        "..%2F..%2Fetc",
        "a.b.c.d.e.f.g.h",
        "x" * 64,
        "0" * 64,
        "3f2b8c1e9d4a4b6f8e7d6c5b4a39281",  # 31 hex digits
        "3f2b8c1e9d4a4b6f8e7d6c5b4a3928170",  # 33
        "3f2b8c1e-9d4a-4b6f-8e7d-6c5b4a39281z",
        "3f2b8c1e9d4a-4b6f-8e7d-6c5b4a392817",
        "robin-smith-was-here",
        " 3f2b8c1e9d4a4b6f8e7d6c5b4a392817",
    ],
)
def test_anything_else_is_replaced_by_a_fresh_id(client, clinician, sent):
    client.force_login(clinician)
    response = client.get(reverse("today"), HTTP_X_REQUEST_ID=sent)
    assert response["X-Request-ID"] != sent
    assert FRESH.fullmatch(response["X-Request-ID"])
    event = AuditEvent.objects.get(object_type="today")
    assert event.request_id == response["X-Request-ID"]


def test_without_the_header_each_request_gets_its_own_id(client, clinician):
    client.force_login(clinician)
    first = client.get(reverse("today"))["X-Request-ID"]
    second = client.get(reverse("today"))["X-Request-ID"]
    assert FRESH.fullmatch(first) and FRESH.fullmatch(second) and first != second
