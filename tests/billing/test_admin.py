"""The admin: payers kept through the service (its checks, its audit event); coverage and
authorizations read-only."""

import pytest

from billing.models import Payer
from iop.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ADD = "/admin/billing/payer/add/"


def test_payers_are_saved_through_the_service(client, superuser, payer):
    client.force_login(superuser)
    data = {"name": "ACME health", "payer_id": "", "kind": "commercial", "active": "on"}
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "already on the list" in response.text
    response = client.post(ADD, {**data, "name": "Northwind Health"})
    assert response.status_code == 302
    assert Payer.objects.filter(name="Northwind Health").exists()
    assert AuditEvent.objects.filter(object_type="billing.payer", action="create").exists()


def test_coverage_and_authorizations_are_read_only_in_the_admin(client, superuser, authorize):
    authorization = authorize()
    client.force_login(superuser)
    url = f"/admin/billing/authorization/{authorization.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/billing/authorization/add/").status_code == 403
    assert client.get("/admin/billing/coverage/add/").status_code == 403
    assert AuditEvent.objects.filter(
        action="view", object_id=str(authorization.pk), detail="admin"
    ).exists()
