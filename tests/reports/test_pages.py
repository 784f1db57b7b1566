"""The report pages render any section (here the sample section, tests/reports/
sample_section.py): who opens them, what they show, the filters, the drill-downs, the trail."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iop.audit.models import AuditEvent
from reports import views
from reports.scope import default_scope
from tests.reports import sample_section as sample

pytestmark = pytest.mark.usefixtures("sample_section")
DASHBOARD = "/reports/"


def drill_path(key, **query):
    path = reverse("reports:drill", args=["sample", key])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def figure_value(html, key):
    """The text of the figure `key` on the dashboard."""
    start = html.index(f'data-figure="{key}"')
    value = html.index('data-testid="figure-value">', start) + len('data-testid="figure-value">')
    chunk = html[value : html.index("</p>", value)]
    return chunk.split(">")[-2].split("<")[0] if "<a" in chunk else chunk.strip()


# --- who opens the reports ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "director", "clinician"])
def test_clinical_staff_open_the_dashboard(client, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert b'data-section="sample"' in response.content


@pytest.mark.parametrize("role", ["intake", "admin_user_role"])
def test_intake_and_admins_are_refused_every_report_page(client, role, request, two_programs):
    client.force_login(request.getfixturevalue(role))
    for path in (
        DASHBOARD,
        drill_path("active"),
        reverse("reports:drill-csv", args=["sample", "active"]),
        reverse("reports:table-csv", args=["sample", "by-program"]),
        reverse("reports:dashboard-pdf"),
    ):
        assert client.get(path).status_code == 403, path


def test_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_nav_has_reports_for_clinical_staff_only(client, clinician, intake):
    client.force_login(clinician)
    assert f'href="{DASHBOARD}"'.encode() in client.get(reverse("today")).content
    client.force_login(intake)
    assert f'href="{DASHBOARD}"'.encode() not in client.get(reverse("today")).content


# --- what the dashboard counts -----------------------------------------------------------


def test_supervisor_of_program_a_never_counts_program_b(client, supervisor, two_programs):
    client.force_login(supervisor)
    html = client.get(DASHBOARD).content.decode()
    assert figure_value(html, "active") == "3"
    assert "Substance Use IOP B" not in html.split('id="section-sample"')[1]


def test_supervisor_of_program_b_counts_its_own(client, supervisor_b, two_programs):
    client.force_login(supervisor_b)
    html = client.get(DASHBOARD).content.decode()
    assert figure_value(html, "active") == "2"


def test_clinician_counts_their_caseload(client, clinician_b, two_programs):
    client.force_login(clinician_b)
    response = client.get(DASHBOARD)
    assert figure_value(response.content.decode(), "active") == "2"
    assert "caseload" in response.context["scope_words"]


def test_a_figure_with_nothing_to_judge_shows_a_dash(client, supervisor):
    client.force_login(supervisor)
    html = client.get(DASHBOARD).content.decode()
    assert figure_value(html, "mean-days") == "–"


def test_figures_show_value_unit_and_help(client, supervisor, two_programs):
    client.force_login(supervisor)
    html = client.get(DASHBOARD).content.decode()
    assert figure_value(html, "iop-share") == "66.7 %"  # 2 of the 3 active at IOP level
    assert "Share of the active patients at IOP level." in html


def test_chart_data_is_passed_as_json_and_repeated_as_a_linked_table(
    client, supervisor, two_programs
):
    client.force_login(supervisor)
    response = client.get(DASHBOARD)
    charts = response.context["charts"]
    chart = charts["chart-sample-admissions-by-week"]
    # admitted 3, 12, 30 (since discharged) and 40 days ago: all in the last 90 days
    assert sum(chart["series"][0]["values"]) == 4
    html = response.content.decode()
    assert 'id="report-charts"' in html
    drawn = sum(len(item["charts"]) for item in response.context["sections"])
    assert html.count('data-testid="chart-data"') == drawn  # one table per chart
    link = next(link for link in chart["series"][0]["links"] if link)
    assert f'href="{link.replace("&", "&amp;")}"' in html
    assert "<script>" not in html  # no inline script (CSP): the data is in a json_script


# --- the filters -------------------------------------------------------------------------


def test_filters_keep_their_values_and_narrow_the_count(client, supervisor, two_programs):
    client.force_login(supervisor)
    end = timezone.localdate()
    start = end - timedelta(days=20)
    response = client.get(DASHBOARD, {"start": start.isoformat(), "end": end.isoformat()})
    html = response.content.decode()
    assert f'value="{start.isoformat()}"' in html
    assert figure_value(html, "admitted") == "2"  # 3 and 12 days ago; not 30 or 40
    assert f"start={start.isoformat()}" in html  # the drill links keep the range


def test_bad_filters_show_errors_and_keep_what_was_typed(client, supervisor, two_programs):
    client.force_login(supervisor)
    end = timezone.localdate()
    response = client.get(
        DASHBOARD, {"start": end.isoformat(), "end": (end - timedelta(days=5)).isoformat()}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The range must start on or before its end." in html
    assert f'value="{end.isoformat()}"' in html
    response = client.get(DASHBOARD, {"start": "2026-13-45"})
    assert 'value="2026-13-45"' in response.content.decode()
    assert "Enter a valid date." in response.content.decode()


def test_a_program_outside_ones_own_is_refused_by_the_filter(client, supervisor, program_b):
    client.force_login(supervisor)
    response = client.get(DASHBOARD, {"program": program_b.pk})
    assert "Select a valid choice." in response.content.decode()


# --- drill-downs -------------------------------------------------------------------------


def test_each_figure_drills_to_as_many_patients_as_it_counts(client, supervisor, two_programs):
    client.force_login(supervisor)
    section = sample.build(default_scope(supervisor))
    for figure in section.figures:
        response = client.get(drill_path(figure.drill_key))
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == figure.patients, figure.key
        assert f"{figure.patients} patient".encode() in response.content


def test_drill_down_lists_name_linked_to_chart_mrn_program_and_columns(
    client, supervisor, two_programs
):
    client.force_login(supervisor)
    episode = two_programs["a"][0]
    html = client.get(drill_path("active")).content.decode()
    assert f'href="{reverse("patients:chart", args=[episode.patient_id])}"' in html
    assert episode.patient.mrn in html
    assert "Adult Mental Health IOP" in html
    assert "Primary clinician" in html
    assert "The programs" in html  # the scope in words
    assert two_programs["b"][0].patient.mrn not in html


def test_table_cells_drill_down(client, supervisor, program, two_programs):
    client.force_login(supervisor)
    response = client.get(drill_path(f"active:program:{program.pk}"))
    assert response.context["page"].paginator.count == 3


def test_unknown_drill_key_or_section_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get(drill_path("nope")).status_code == 404
    assert client.get(drill_path("admitted:week:not-a-date")).status_code == 404
    assert client.get(reverse("reports:drill", args=["nowhere", "active"])).status_code == 404


def test_a_long_list_is_paginated_keeping_the_filters(
    client, supervisor, two_programs, monkeypatch
):
    monkeypatch.setattr(views, "DRILL_PAGE_SIZE", 2)
    client.force_login(supervisor)
    end = timezone.localdate()
    query = {"start": (end - timedelta(days=60)).isoformat(), "end": end.isoformat()}
    response = client.get(drill_path("active"), query)
    assert len(response.context["page"].object_list) == 2
    html = response.content.decode()
    assert f"start={query['start']}&amp;end={query['end']}&amp;page=2" in html
    second = client.get(drill_path("active"), {**query, "page": 2})
    assert len(second.context["page"].object_list) == 1


# --- the audit trail ---------------------------------------------------------------------


def test_the_dashboard_is_one_audit_event_with_the_scope(client, supervisor, two_programs):
    client.force_login(supervisor)
    before = AuditEvent.objects.count()
    client.get(DASHBOARD)
    events = AuditEvent.objects.filter(object_type="reports.dashboard")
    assert AuditEvent.objects.count() == before + 1
    event = events.get()
    assert event.action == AuditEvent.Action.VIEW
    assert event.patient_id is None
    assert "scope: " in event.detail and " to " in event.detail


def test_a_drill_down_is_audited_per_patient_shown(client, supervisor, two_programs):
    client.force_login(supervisor)
    client.get(drill_path("active"))
    events = AuditEvent.objects.filter(object_type="reports.drilldown", action="view")
    shown = {e.patient_id for e in two_programs["a"][:3]}
    assert set(events.values_list("patient_id", flat=True)) == shown
    assert all(e.object_id == "sample:active" for e in events)


# --- speed -------------------------------------------------------------------------------


def _dashboard_queries(client):
    """The queries of a dashboard computed afresh (not the figures kept by reports.cached)."""
    client.get(DASHBOARD)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_patients(client, supervisor, clinician, report_episode):
    client.force_login(supervisor)
    for days in range(3):
        report_episode(clinician=clinician, admitted_days_ago=days * 5 + 1)
    small = _dashboard_queries(client)
    for days in range(27):
        report_episode(
            clinician=clinician,
            admitted_days_ago=days * 3 + 2,
            discharged_days_ago=1 if days % 3 == 0 else None,
            level_of_care="PHP" if days % 2 else "IOP",
        )
    assert _dashboard_queries(client) == small


def test_drill_down_queries_do_not_grow_with_patients(
    client, supervisor, clinician, report_episode
):
    client.force_login(supervisor)
    for days in range(3):
        report_episode(clinician=clinician, admitted_days_ago=days + 1)
    client.get(drill_path("active"))
    with CaptureQueriesContext(connection) as small:
        client.get(drill_path("active"))
    for days in range(27):
        report_episode(clinician=clinician, admitted_days_ago=days + 1)
    with CaptureQueriesContext(connection) as large:
        client.get(drill_path("active"))
    assert len(large) == len(small)


def test_a_table_title_stays_outside_its_sideways_scroll(client, supervisor, two_programs):
    """On a phone a wide table scrolls sideways in `.table-responsive`; its title is a heading
    before that box (a caption inside it was cut off at the screen's edge) naming the table."""
    client.force_login(supervisor)
    html = client.get(DASHBOARD).content.decode()
    table = html[html.index('data-table="by-program"') :]
    heading = '<h3 class="h5" id="table-sample-by-program">By program</h3>'
    assert table.index(heading) < table.index('class="table-responsive"')
    assert 'aria-labelledby="table-sample-by-program"' in table
    assert "<caption" not in html


def test_the_dashboard_explains_a_dash_and_the_patient_count(client, supervisor, two_programs):
    client.force_login(supervisor)
    html = client.get(DASHBOARD).content.decode()
    assert "A dash (–) means there is nothing to judge in the range" in html
    start = html.index('data-figure="active"')
    assert "3 patients listed</p>" in html[start : html.index("</div>", start)]


def test_a_chart_with_nothing_to_draw_says_so_instead_of_empty_axes(
    client, supervisor, two_programs
):
    client.force_login(supervisor)
    today = timezone.localdate()
    quiet = {
        "start": (today - timedelta(days=80)).isoformat(),
        "end": (today - timedelta(days=50)).isoformat(),
    }
    html = client.get(DASHBOARD, quiet).content.decode()
    assert 'id="chart-sample-admissions-by-week"' not in html  # no canvas: nobody admitted
    assert "Nothing to draw in this range: every value is 0 or –" in html
    assert 'data-testid="chart-data"' in html  # the table of zeros still follows
    html = client.get(DASHBOARD).content.decode()
    sample_part = html.split('data-section="sample"')[1].split("</section>")[0]
    assert 'id="chart-sample-admissions-by-week"' in sample_part
    assert 'data-testid="chart-blank"' not in sample_part
