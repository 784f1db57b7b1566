import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from iop.accounts.models import User
from iop.jobs.registry import run_job
from patients.models import Alert
from screens.models import ScreenDraw, ScreeningSettings, ScreenOrder, ScreenResult

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_month_of_screens_with_one_unexpected(client, api_client, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    patients = set(ScreenOrder.objects.values_list("patient__legal_last_name", flat=True))
    assert patients == {"Volkov", "Marsh"}
    assert ScreenDraw.objects.count() == 2
    drawing = ScreeningSettings.objects.filter(auto_weekly_draw=True)
    assert [s.program.name for s in drawing] == ["Substance Use IOP"]
    assert all(draw.replay() == draw.days for draw in ScreenDraw.objects.all())
    unexpected = ScreenResult.objects.filter(reading="unexpected")
    assert [(r.patient.legal_last_name, r.analyte) for r in unexpected] == [("Volkov", "FYL")]
    assert ScreenOrder.objects.filter(status="missed").count() == 1
    alert = Alert.objects.get(kind=Alert.Kind.UNEXPECTED_SCREEN)
    clinician = User.objects.get(username="clinician")
    assert alert.assigned_to == clinician
    client.force_login(clinician)
    today = client.get(reverse("today")).text
    assert "FYL positive" in today
    assert "Due for a drug screen today" in today and "Volkov" in today
    chart = client.get(reverse("screens:chart", args=[alert.patient_id])).text
    assert "Fentanyl (FYL)" in chart and "(unexpected)" in chart
    api_client.force_authenticate(clinician)
    rows = api_client.get("/api/v1/screens/", {"patient": alert.patient_id}).json()["results"]
    assert any(r["due_date"] == timezone.localdate().isoformat() for r in rows)
    assert any(result["reading"] == "unexpected" for row in rows for result in row["results"])
    counts = run_job("screens_weekly_draw", task_id="demo")
    assert (counts["scheduled"], counts["errors"]) == (2, 0)  # Volkov's and Marsh's next week
