"""The dashboard's figures are kept a few minutes (reports/cached.py): never for another user
or another scope, the page says when they were computed, every view is still audited, and the
drill-downs are always current."""

from datetime import date

import pytest

from iop.audit.models import AuditEvent
from reports.cached import dashboard_key
from reports.scope import ReportScope, default_scope
from tests.reports.test_pages import DASHBOARD, drill_path, figure_value

pytestmark = pytest.mark.usefixtures("sample_section")


def test_another_supervisor_never_sees_ones_kept_figures(
    client, supervisor, supervisor_b, two_programs
):
    client.force_login(supervisor)
    assert figure_value(client.get(DASHBOARD).content.decode(), "active") == "3"
    client.force_login(supervisor_b)
    assert figure_value(client.get(DASHBOARD).content.decode(), "active") == "2"


def test_a_clinician_never_sees_their_supervisors_kept_figures(
    client, clinician_b, supervisor_b, two_programs, report_episode, program_b, clinician
):
    report_episode(clinician=clinician, admitted_days_ago=4, program_=program_b)
    client.force_login(supervisor_b)
    assert figure_value(client.get(DASHBOARD).content.decode(), "active") == "3"
    client.force_login(clinician_b)
    response = client.get(DASHBOARD)
    assert "caseload" in response.context["scope_words"]
    assert figure_value(response.content.decode(), "active") == "2"


def test_every_scope_has_its_own_key(supervisor, supervisor_b, clinician, two_programs):
    today = date(2026, 11, 27)
    base = default_scope(supervisor, today=today)
    same = default_scope(supervisor, today=today)
    others = [
        default_scope(supervisor_b, today=today),
        default_scope(clinician, today=today),
        ReportScope(user=supervisor, start=base.start, end=date(2026, 11, 26)),
        ReportScope(user=supervisor, start=base.start, end=base.end, program_id=1),
        ReportScope(user=supervisor, start=base.start, end=base.end, level_of_care="PHP"),
        ReportScope(user=supervisor, start=base.start, end=base.end, clinician_id=clinician.pk),
        ReportScope(user=supervisor, start=base.start, end=base.end, track="substance_use"),
    ]
    key = dashboard_key(base, today=today)
    assert dashboard_key(same, today=today) == key
    assert dashboard_key(base, today=date(2026, 11, 28)) != key
    assert len({key, *(dashboard_key(s, today=today) for s in others)}) == 1 + len(others)


def test_a_program_taken_from_a_supervisor_changes_their_key(supervisor, program):
    scope = default_scope(supervisor)
    before = dashboard_key(scope)
    program.supervisors.remove(supervisor)
    del supervisor._supervised_program_ids  # read once per request
    assert dashboard_key(scope) != before


def test_kept_figures_say_when_they_were_computed_and_are_audited_each_time(
    client, supervisor, two_programs, report_episode, clinician
):
    client.force_login(supervisor)
    first = client.get(DASHBOARD)
    assert b'data-testid="report-as-of">Figures as of ' in first.content
    report_episode(clinician=clinician, admitted_days_ago=2)
    kept = client.get(DASHBOARD)
    assert kept.context["computed_at"] == first.context["computed_at"]
    assert figure_value(kept.content.decode(), "active") == "3"
    assert kept.content.count(b'data-testid="report-section"') == first.content.count(
        b'data-testid="report-section"'
    )  # the kept sections' HTML is not escaped
    assert AuditEvent.objects.filter(object_type="reports.dashboard").count() == 2


def test_drill_downs_are_always_current(
    client, supervisor, two_programs, report_episode, clinician
):
    client.force_login(supervisor)
    client.get(DASHBOARD)
    report_episode(clinician=clinician, admitted_days_ago=2)
    response = client.get(drill_path("active"))
    assert len(response.context["drill"].rows) == 4
