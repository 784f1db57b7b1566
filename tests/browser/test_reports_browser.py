"""A supervisor's reports in the browser: the dashboard, a filter, a figure followed to its
patients, a bar of a chart clicked to its patients, and a de-identified CSV downloaded. Uses
the sample section of tests/reports (the pages render any section)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Episode
from tests.browser.test_accessibility_browser import axe_violations
from tests.browser.test_intake_browser import sign_in
from tests.factories import EpisodeFactory, PatientFactory
from tests.reports import sample_section

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def cohort(program, supervisor, clinician):
    """Three active patients of the supervisor's program, admitted 3, 12 and 40 days ago."""
    today = timezone.localdate()
    return [
        EpisodeFactory(
            patient=PatientFactory(legal_first_name="Ada", legal_last_name=f"Report{days}"),
            program=program,
            primary_clinician=clinician,
            status=Episode.Status.ACTIVE,
            admission_date=today - timedelta(days=days),
            referral_date=today - timedelta(days=days + 5),
        )
        for days in (3, 12, 40)
    ]


def test_supervisor_filters_drills_down_and_downloads_a_csv(page, live_server, cohort, password):
    with sample_section.installed():
        sign_in(page, live_server, "supervisor", password)
        page.get_by_role("link", name="Reports").click()
        expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
        section = page.locator('[data-section="sample"]')
        admitted = section.locator('[data-figure="admitted"]').get_by_test_id("figure-value")
        expect(admitted).to_have_text("3")

        start = (timezone.localdate() - timedelta(days=20)).isoformat()
        page.get_by_label("From").fill(start)
        page.get_by_role("button", name="Filter").click()
        expect(admitted).to_have_text("2")  # 3 and 12 days ago
        expect(page.get_by_label("From")).to_have_value(start)

        section.locator('[data-figure="active"]').get_by_role("link").click()
        expect(page.get_by_test_id("drill-title")).to_have_text("Active")
        expect(page.get_by_test_id("drill-row")).to_have_count(3)
        expect(page.get_by_role("link", name="Ada Report12")).to_be_visible()

        with page.expect_download() as download:
            page.get_by_test_id("csv-deidentified").click()
        path = Path(download.value.path())
        text = path.read_text(encoding="utf-8-sig")
        assert "deidentified" in download.value.suggested_filename
        assert "Report12" not in text and cohort[0].patient.mrn not in text
        assert text.count("\n") == 4  # the header and three patients

        # Back on the dashboard, a bar of the admissions chart opens its week's patients.
        page.go_back()
        canvas = page.locator("#chart-sample-admissions-by-week")
        expect(canvas).to_be_visible()
        point = page.evaluate(
            """() => {
              const canvas = document.getElementById("chart-sample-admissions-by-week");
              const chart = window.Chart.getChart(canvas);
              const values = chart.data.datasets[0].data;
              const i = values.findIndex((v) => v > 0);
              const bar = chart.getDatasetMeta(0).data[i];
              return {x: bar.x, y: (bar.y + bar.base) / 2};
            }"""
        )
        canvas.click(position=point)
        expect(page.get_by_test_id("drill-title")).to_contain_text("Admitted in the week of")
        expect(page.get_by_test_id("drill-row")).to_have_count(1)


def test_the_report_pages_pass_axe_and_fit_a_phone(page, live_server, cohort, password):
    """The dashboard (figures, a chart and its table, a table) and a drill-down: no serious or
    critical axe violation, and no sideways scrolling at 375 px."""
    with sample_section.installed():
        sign_in(page, live_server, "supervisor", password)
        for path in ("/reports/", "/reports/sample/drill/active/"):
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(live_server.url + path)
            assert axe_violations(page) == [], path
            page.set_viewport_size({"width": 375, "height": 812})
            page.goto(live_server.url + path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 375, f"{path}: {width} px wide"
