"""Array parameters written as one string (iop/pgarrays.py) read back as the values given:
the audit trail's list write and the sessions' id sets pass hundreds of values this way, so a
quoting mistake would store a patient's event with the wrong detail or break the chain."""

import pytest
from django.db import connection
from django.test import RequestFactory

from iop.audit import chain
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record_patients
from iop.audit.verification import audit_verify
from iop.pgarrays import int_array, text_array

pytestmark = pytest.mark.django_db

TRICKY = [
    "",
    "plain",
    "a,b",
    "{braces}",
    'say "hi"',
    "back\\slash",
    'end\\"',
    "NULL",
    "null",
    "  spaced  ",
    "line\nbreak\ttab",
    "é ü 漢 🙂",
    "'single'",
]


def test_the_literals_are_postgresqls_array_syntax():
    assert int_array([3, None, 10**12]) == "{3,NULL,1000000000000}"
    assert text_array(['a"b', None, "c\\d"]) == '{"a\\"b",NULL,"c\\\\d"}'
    assert int_array([]) == text_array([]) == "{}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array input")
def test_every_string_and_number_reads_back_as_itself():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, n FROM unnest(%s::text[], %s::bigint[]) WITH ORDINALITY AS r(t, n, i)"
            " ORDER BY i",
            [text_array([*TRICKY, None]), int_array([*range(len(TRICKY)), None])],
        )
        rows = cursor.fetchall()
    assert rows == [*zip(TRICKY, range(len(TRICKY)), strict=True), (None, None)]


def test_a_lists_events_keep_their_details_and_the_chain_holds(clinician):
    request = RequestFactory().get("/patients/")
    request.user = clinician
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        object_type="patients list",
        patient_ids=[None],
        detail="first",
        also=[(n + 1, detail) for n, detail in enumerate(TRICKY)],
    )
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.detail for e in events] == ["first", *TRICKY]
    assert [e.patient_id for e in events] == [None, *range(1, len(TRICKY) + 1)]
    assert all(e.hash == chain.event_hash(chain.stored_values(e), e.prev_hash) for e in events)
    result, _ = audit_verify()
    assert result.ok, result.summary
