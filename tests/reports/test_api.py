"""`/api/v1/reports/...`: the same sections, rules and audit trail as the pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iop.audit.models import AuditEvent

pytestmark = pytest.mark.usefixtures("sample_section")
BASE = "/api/v1/reports/"


@pytest.mark.parametrize("role", ["supervisor", "director", "clinician"])
def test_clinical_staff_list_the_sections(api_client, role, request):
    api_client.force_authenticate(request.getfixturevalue(role))
    response = api_client.get(BASE)
    assert response.status_code == 200
    assert {"slug": "sample", "title": "Sample: active patients and admissions"} in response.json()


@pytest.mark.parametrize("role", ["intake", "admin_user_role"])
def test_intake_and_admins_are_refused(api_client, role, request):
    api_client.force_authenticate(request.getfixturevalue(role))
    for path in (BASE, f"{BASE}sample/", f"{BASE}sample/drill/active/"):
        assert api_client.get(path).status_code == 403, path


def test_a_section_as_json(api_client, supervisor, two_programs):
    api_client.force_authenticate(supervisor)
    data = api_client.get(f"{BASE}sample/").json()
    figures = {f["key"]: f for f in data["figures"]}
    assert figures["active"]["value"] == 3 and figures["active"]["drill"] == "active"
    assert figures["iop-share"]["value"] == 66.7 and figures["iop-share"]["unit"] == "%"
    assert data["tables"][0]["rows"][0][1] == {
        "value": 3,
        "unit": "",
        "drill": data["tables"][0]["rows"][0][1]["drill"],
    }
    assert data["charts"][0]["kind"] == "bar"
    assert data["scope"]["description"].startswith("The programs")


def test_supervisor_b_counts_only_program_b(api_client, supervisor_b, two_programs):
    api_client.force_authenticate(supervisor_b)
    figures = {f["key"]: f for f in api_client.get(f"{BASE}sample/").json()["figures"]}
    assert figures["active"]["value"] == 2


def test_a_figure_with_nothing_to_judge_is_null(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    figures = {f["key"]: f for f in api_client.get(f"{BASE}sample/").json()["figures"]}
    assert figures["mean-days"]["value"] is None


def test_filters_narrow_and_bad_filters_are_400_with_field_errors(
    api_client, supervisor, program_b, two_programs
):
    api_client.force_authenticate(supervisor)
    end = timezone.localdate()
    start = (end - timedelta(days=20)).isoformat()
    data = api_client.get(f"{BASE}sample/", {"start": start}).json()
    assert {f["key"]: f["value"] for f in data["figures"]}["admitted"] == 2
    assert data["scope"]["start"] == start
    response = api_client.get(f"{BASE}sample/", {"start": "soon", "program": program_b.pk})
    assert response.status_code == 400
    assert set(response.json()) == {"start", "program"}
    huge = api_client.get(f"{BASE}sample/", {"program": "99999999999999999999999"})
    assert huge.status_code == 400


def test_the_drill_down_lists_the_figures_patients(api_client, supervisor, two_programs):
    api_client.force_authenticate(supervisor)
    data = api_client.get(f"{BASE}sample/drill/active/").json()
    assert data["count"] == 3 == len(data["rows"])
    assert {r["patient"] for r in data["rows"]} == {e.patient_id for e in two_programs["a"][:3]}
    assert data["columns"] == ["Admitted", "Level of care", "Primary clinician"]
    assert data["rows"][0]["cells"][0]["value"].count("-") == 2  # an ISO date


def test_unknown_section_or_key_is_404(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    assert api_client.get(f"{BASE}nowhere/").status_code == 404
    assert api_client.get(f"{BASE}sample/drill/nope/").status_code == 404


def test_reads_are_audited(api_client, supervisor, two_programs):
    api_client.force_authenticate(supervisor)
    api_client.get(f"{BASE}sample/")
    section = AuditEvent.objects.get(object_type="reports.section")
    assert section.object_id == "sample" and "scope: " in section.detail
    api_client.get(f"{BASE}sample/drill/active/")
    drill = AuditEvent.objects.filter(object_type="reports.drilldown")
    assert set(drill.values_list("patient_id", flat=True)) == {
        e.patient_id for e in two_programs["a"][:3]
    }
    assert AuditEvent.objects.filter(action="view").count() == 4  # nothing recorded twice
    api_client.get(BASE)
    assert AuditEvent.objects.filter(object_type="reports.section list").count() == 1


def _queries(api_client, path):
    api_client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(path).status_code == 200
    return len(queries)


def test_section_and_drill_queries_do_not_grow_with_patients(
    api_client, supervisor, clinician, report_episode
):
    api_client.force_authenticate(supervisor)
    for days in range(3):
        report_episode(clinician=clinician, admitted_days_ago=days + 1)
    small = [
        _queries(api_client, f"{BASE}sample/"),
        _queries(api_client, f"{BASE}sample/drill/active/"),
    ]
    for days in range(27):
        report_episode(clinician=clinician, admitted_days_ago=days + 2, level_of_care="PHP")
    large = [
        _queries(api_client, f"{BASE}sample/"),
        _queries(api_client, f"{BASE}sample/drill/active/"),
    ]
    assert large == small
