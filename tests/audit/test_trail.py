import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from iop.audit.models import AppendOnlyError, AuditEvent
from iop.audit.searches import search_marker
from iop.audit.services import audit_record
from tests.audit.urls import PATIENT_ID

pytestmark = pytest.mark.urls("tests.audit.urls")


@pytest.fixture
def event(db):
    return audit_record(action=AuditEvent.Action.EXPORT, object_type="report", object_id="1")


def test_an_event_cannot_be_changed_through_the_orm(event):
    event.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_an_event_cannot_be_deleted_through_the_orm(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger exists on PostgreSQL; CI runs this with DATABASE_URL set",
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET detail = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_in_raw_sql(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_a_page_view_of_patient_data_is_recorded(client, clinician):
    client.force_login(clinician)
    client.get(f"/records/{clinician.pk}/", REMOTE_ADDR="10.2.3.4")
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.user, event.patient_id, event.object_id, event.ip) == (
        clinician,
        PATIENT_ID,
        str(clinician.pk),
        "10.2.3.4",
    )
    assert event.object_type == "accounts.user"
    assert len(event.request_id) == 32


def test_a_list_view_is_recorded_once(client, clinician):
    client.force_login(clinician)
    client.get("/records/?q=smith")
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.object_type == "accounts.user list"
    assert event.detail == f"patients shown: 0; {search_marker('smith')}"
    assert "smith" not in event.detail


def test_a_refused_page_is_recorded_as_denied(client, clinician, clinician2):
    client.force_login(clinician)
    response = client.get(f"/records/{clinician2.pk}/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert (event.user, event.object_id, event.outcome) == (
        clinician,
        str(clinician2.pk),
        AuditEvent.Outcome.DENIED,
    )


def test_an_api_read_is_recorded(api_client, clinician):
    api_client.force_authenticate(clinician)
    assert api_client.get(f"/api/records/{clinician.pk}/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.patient_id == PATIENT_ID


def test_a_refused_api_read_is_recorded_as_denied(api_client, clinician, clinician2):
    api_client.force_authenticate(clinician)
    assert api_client.get(f"/api/records/{clinician2.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, object_id=str(clinician2.pk)
    ).exists()


def test_an_anonymous_api_call_is_recorded_as_denied(api_client, db):
    assert api_client.get("/api/records/").status_code == 401
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, user=None).exists()


# --- the admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_client_role(client, admin_user_role):
    client.force_login(admin_user_role)
    return client


def test_the_admin_lists_events_read_only(admin_client_role, event):
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    response = admin_client_role.get(url)
    assert response.status_code == 200
    assert 'name="detail"' not in response.content.decode()
    assert admin_client_role.post(url, {"detail": "x"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client_role.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


def test_the_admin_filters_by_patient_and_date_range(admin_client_role, db):
    audit_record(action=AuditEvent.Action.VIEW, patient_id=7, object_type="wanted")
    audit_record(action=AuditEvent.Action.VIEW, patient_id=8, object_type="other")
    url = reverse("admin:audit_auditevent_changelist")
    html = admin_client_role.get(url, {"patient": "7", "action": "view"}).content.decode()
    assert "wanted" in html and "other" not in html
    html = admin_client_role.get(url, {"from": "2001-01-01", "to": "2001-01-31"}).content.decode()
    assert "wanted" not in html


def test_a_clinician_cannot_open_the_audit_trail_in_the_admin(client, clinician):
    clinician.is_staff = True
    clinician.save()
    client.force_login(clinician)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 403
