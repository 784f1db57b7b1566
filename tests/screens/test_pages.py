"""The Screens tab, a screen's page and Today's section, as the care team uses them."""

from datetime import date

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Alert
from patients.services.emergency import emergency_access_start
from screens import services
from screens.models import ScreenOrder
from tests.screens.conftest import negatives

pytestmark = pytest.mark.django_db


def tab(patient):
    return reverse("screens:chart", args=[patient.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("clinician", 200), ("supervisor", 200), ("clinician2", 404), ("intake", 404), ("admin", 404)],
)
def test_who_opens_the_screens_tab(client, role_users, patient, collected, who, status):
    client.force_login(role_users[who])
    response = client.get(tab(patient))
    assert response.status_code == status
    assert client.get(collected.get_absolute_url()).status_code == status


def test_the_timeline_shows_an_unexpected_result_per_analyte(client, clinician, bup, collected):
    services.results_record(
        order=collected,
        values=negatives(collected, BUP="positive", FYL="positive"),
        user=clinician,
    )
    client.force_login(clinician)
    response = client.get(tab(collected.patient))
    assert 'data-testid="screen-timeline"' in response.text
    assert "Fentanyl (FYL)" in response.text
    assert "Positive <strong>(unexpected)</strong>" in response.text
    assert "80305" in response.text
    assert 'data-testid="part2-notice"' in response.text
    assert AuditEvent.objects.filter(
        patient_id=collected.patient_id, action=AuditEvent.Action.VIEW
    ).exists()


def test_order_collect_and_result_from_the_pages(client, clinician, patient, bup):
    client.force_login(clinician)
    response = client.post(
        tab(patient),
        {
            "action": "order",
            "due_date": "2026-11-02",
            "reason": "clinical",
            "testing": "presumptive",
            "observed": "on",
        },
    )
    assert response.status_code == 302
    order = ScreenOrder.objects.get()
    url = order.get_absolute_url()
    response = client.post(
        url,
        {
            "action": "collect",
            "collected_at": "2026-11-02T07:30",
            "observed": "on",
            "temperature_c": "39.5",
        },
    )
    order.refresh_from_db()
    assert order.status == "collected" and order.temperature_in_range is False
    data = {"action": "results", **negatives(order, BUP="positive", COC="positive")}
    assert client.post(url, data).status_code == 302
    page = client.get(url).text
    assert "Cocaine positive, not prescribed." in page
    assert "out of range 32–38 °C" in page
    alert = Alert.objects.get(kind=Alert.Kind.UNEXPECTED_SCREEN)
    assert "COC positive" in alert.title
    today = client.get(reverse("today")).text
    assert "COC positive" in today


def test_a_refused_collection_keeps_what_was_typed(client, clinician, patient):
    order = services.order_create(patient=patient, due_date=date(2026, 11, 2), user=clinician)
    client.force_login(clinician)
    response = client.post(
        order.get_absolute_url(),
        {
            "action": "collect",
            "collected_at": "2026-11-02T07:30",
            "temperature_c": "hot",
            "note": "cup leaked",
        },
    )
    assert response.status_code == 200
    assert "Enter degrees Celsius" in response.text
    assert 'value="cup leaked"' in response.text
    assert ScreenOrder.objects.get().status == "ordered"


def test_today_lists_who_is_due_for_a_screen(client, clinician, clinician2, patient):
    services.order_create(patient=patient, due_date=date(2026, 11, 2), user=clinician)
    client.force_login(clinician)
    response = client.get(reverse("today"))
    assert 'data-testid="today-screens-due"' in response.text
    assert patient.display_name in response.text.split('data-testid="today-screens-due"')[1]
    client.force_login(clinician2)
    assert "No one on your caseload is due" in client.get(reverse("today")).text


def test_emergency_access_reads_without_forms(client, clinician2, patient, collected):
    emergency_access_start(patient=patient, user=clinician2, reason="ED call, need the screens")
    client.force_login(clinician2)
    response = client.get(tab(patient))
    assert response.status_code == 200 and "Order the screen" not in response.text
    response = client.post(tab(patient), {"action": "order", "due_date": "2026-11-03"})
    assert response.status_code == 403
