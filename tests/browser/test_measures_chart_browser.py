"""The measures chart as drawn: PHQ-9's axis labels do not overlap, and a woman's AUDIT-C
results carry the label of the band they are drawn in (her cut-off, 3+)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients import services
from patients.models import Patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_measures_charts_axis_and_band_labels(page, live_server, clinician, patient, password):
    now = timezone.now()
    # Scored while her sex was recorded as male (4+), then corrected: 3 is positive for her.
    Patient.objects.filter(pk=patient.pk).update(sex="male")
    patient.refresh_from_db()
    results = [([1, 1, 1], [1] * 8 + [0]), ([1, 1, 0], [2] * 6 + [0, 0, 0])]  # 3/8, 2/12
    for week, (auditc, phq9) in enumerate(results):
        at = now - timedelta(days=14 - week * 7)
        for code, answers in (("AUDITC", auditc), ("PHQ9", phq9)):
            services.measure_record(
                patient=patient,
                instrument_code=code,
                responses=answers,
                user=clinician,
                administered_at=at,
            )
    Patient.objects.filter(pk=patient.pk).update(sex="female")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("clinician")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/patients/{patient.pk}/measures/")
    expect(page.locator("canvas.measure-chart")).to_have_count(2)

    ticks = page.evaluate(
        """() => Array.from(document.querySelectorAll("canvas.measure-chart")).map(
            (c) => Chart.getChart(c).scales.y.ticks.map((t) => t.value))"""
    )
    phq9_ticks, auditc_ticks = ticks
    assert phq9_ticks == [0, 5, 10, 15, 20, 25]  # no 27 crowding the 25
    steps = {b - a for a, b in zip(auditc_ticks, auditc_ticks[1:], strict=False)}
    assert len(steps) == 1  # evenly spaced: no label drawn over another

    auditc = page.get_by_role("table", name="AUDIT-C totals")
    expect(auditc.get_by_role("row").nth(1)).to_contain_text("positive (3+)")
    expect(auditc.get_by_role("row").nth(2)).to_contain_text("negative")
    listed = page.locator("#results + .table-responsive table").get_by_role("row")
    expect(listed.filter(has_text="AUDIT-C").nth(0)).to_contain_text("negative")
    expect(listed.filter(has_text="AUDIT-C").nth(1)).to_contain_text("positive (3+)")
