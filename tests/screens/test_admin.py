"""The admin: screening settings through the service (its checks, its audit event); orders
read-only."""

import pytest

from iop.audit.models import AuditEvent
from screens.models import ScreeningSettings

pytestmark = pytest.mark.django_db
ADD = "/admin/screens/screeningsettings/add/"


def test_settings_are_saved_through_the_service(client, superuser, program):
    client.force_login(superuser)
    data = {
        "program": program.pk,
        "panel": '["BUP", "FYL"]',
        "specimen": "urine",
        "method": "analyzer",
        "schedule": "random",
        "random_percent": "25",
        "program_weekdays": "[0, 2, 4]",
        "fixed_weekdays": "[]",
        "auto_weekly_draw": "on",
    }
    response = client.post(ADD, {**data, "random_percent": "0", "panel": '["XYZ"]'})
    assert response.status_code == 200
    assert "Unknown analyte" in response.text and "1 to 100" in response.text
    assert not ScreeningSettings.objects.exists()
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = ScreeningSettings.objects.get()
    assert saved.panel == ["BUP", "FYL"] and saved.updated_by == superuser
    assert saved.auto_weekly_draw
    assert AuditEvent.objects.filter(object_type__icontains="screeningsettings").exists()


def test_orders_are_read_only_in_the_admin(client, superuser, collected):
    client.force_login(superuser)
    url = f"/admin/screens/screenorder/{collected.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/screens/screenorder/add/").status_code == 403
