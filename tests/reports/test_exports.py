"""CSV exports of tables and drill-downs (identified or de-identified) and the dashboard's PDF:
what the files hold, their names, and the audit trail."""

import csv
import io
import random
from datetime import date, timedelta

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from reports.exports import PSEUDONYM_HEADER, drill_csv, table_csv
from reports.figures import Cell, DrillDown, DrillRow, Table
from tests.documents.helpers import pdf_text

pytestmark = pytest.mark.usefixtures("sample_section")


def drill_csv_url(key, **query):
    url = reverse("reports:drill-csv", args=["sample", key])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows_of(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_identified_drill_csv_lists_names_and_mrns(client, supervisor, two_programs):
    client.force_login(supervisor)
    response = client.get(drill_csv_url("active"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == [
        "MRN",
        "Patient",
        "Program",
        "Admitted",
        "Level of care",
        "Primary clinician",
    ]
    mrns = {row[0] for row in rows[1:]}
    assert mrns == {e.patient.mrn for e in two_programs["a"][:3]}
    assert "deidentified" not in response["Content-Disposition"]


def test_deidentified_drill_csv_has_no_name_or_mrn_and_says_so(client, supervisor, two_programs):
    client.force_login(supervisor)
    response = client.get(drill_csv_url("active", deidentified=1))
    text = response.content.decode("utf-8-sig")
    for episode in two_programs["a"]:
        assert episode.patient.mrn not in text
        assert episode.patient.legal_last_name not in text
    rows = rows_of(response)
    assert rows[0][0] == PSEUDONYM_HEADER
    assert sorted(row[0] for row in rows[1:]) == ["P0001", "P0002", "P0003"]
    assert "deidentified" in response["Content-Disposition"]


def test_deidentified_dates_are_shifted(client, supervisor, two_programs):
    client.force_login(supervisor)
    rows = rows_of(client.get(drill_csv_url("active", deidentified=1)))
    real = sorted(e.admission_date for e in two_programs["a"][:3])
    shifted = sorted(date.fromisoformat(row[2]) for row in rows[1:])
    assert shifted != real  # each moved by 1 to 180 days (a match of all three: ~1 in 10^7)
    assert all(abs((a - b).days) <= 180 + 37 for a, b in zip(shifted, real, strict=True))


def test_each_patients_dates_move_by_one_offset_and_patients_differ():
    def row(pid, first, last):
        return DrillRow(
            pid, pid, f"Name{pid}", f"MRN{pid}", "IOP", [Cell(first), Cell(last)], (0, 1)
        )

    drill = DrillDown(
        "k",
        "t",
        ["First", "Last"],
        [row(1, date(2026, 1, 1), date(2026, 1, 31)), row(2, date(2026, 1, 1), date(2026, 1, 11))],
    )
    rows = list(csv.reader(io.StringIO(drill_csv(drill, deidentified=True, rng=random.Random(4)))))
    spans = sorted((date.fromisoformat(r[3]) - date.fromisoformat(r[2])).days for r in rows[1:])
    assert spans == [10, 30]  # intervals within a patient hold
    firsts = {date.fromisoformat(r[2]) for r in rows[1:]}
    assert len(firsts) == 2 and date(2026, 1, 1) not in firsts
    assert all(abs((d - date(2026, 1, 1)).days) <= 180 for d in firsts)


def test_a_cell_that_reads_as_a_formula_is_quoted():
    drill = DrillDown(
        "k", "t", ["Note"], [DrillRow(1, 1, "=HYPERLINK()", "M1", "IOP", [Cell("+1")])]
    )
    rows = list(csv.reader(io.StringIO(drill_csv(drill, deidentified=False))))
    assert rows[1][1] == "'=HYPERLINK()" and rows[1][3] == "'+1"


def test_a_negative_number_stays_a_number_in_both_exports():
    """A fall of 14 points is -14 in the spreadsheet, not the text '-14."""
    drill = DrillDown(
        "k", "t", ["Change", "Mean"], [DrillRow(1, 1, "Ada", "M1", "IOP", [Cell(-14), Cell(-6.5)])]
    )
    for deidentified in (False, True):
        rows = list(csv.reader(io.StringIO(drill_csv(drill, deidentified=deidentified))))
        assert rows[1][-2:] == ["-14", "-6.5"]
    table = Table("t", "T", ["Reason", "Mean change"], [[Cell("-done"), Cell(-5.4, "points")]])
    rows = list(csv.reader(io.StringIO(table_csv(table, deidentified=False))))
    assert rows[1] == ["'-done", "-5.4"]


def test_drill_csv_export_is_audited_per_patient_with_the_flag(client, supervisor, two_programs):
    client.force_login(supervisor)
    client.get(drill_csv_url("active", deidentified=1))
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert set(events.values_list("patient_id", flat=True)) == {
        e.patient_id for e in two_programs["a"][:3]
    }
    assert all(e.detail.startswith("de-identified; csv: drill-down sample:active") for e in events)
    assert all("scope: " in e.detail for e in events)
    client.get(drill_csv_url("active"))
    assert events.filter(detail__startswith="identified;").count() == 3


def test_table_csv_holds_the_table_and_is_audited(client, supervisor, two_programs):
    client.force_login(supervisor)
    url = reverse("reports:table-csv", args=["sample", "by-program"]) + "?deidentified=1"
    response = client.get(url)
    rows = rows_of(response)
    assert rows[0][0].startswith("Program (de-identified export")
    assert rows[1] == ["Adult Mental Health IOP", "3", "4"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.patient_id is None and event.object_type == "reports.table"


def test_unknown_table_is_404_and_bad_options_are_400(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("reports:table-csv", args=["sample", "nope"])).status_code == 404
    assert client.get(drill_csv_url("nope")).status_code == 404
    assert client.get(drill_csv_url("active", deidentified="yes")).status_code == 400
    response = client.get(drill_csv_url("active", start="2026-99-01"))
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content


def test_the_drill_page_offers_both_exports_and_says_identified_is_internal(
    client, supervisor, two_programs
):
    client.force_login(supervisor)
    html = client.get(reverse("reports:drill", args=["sample", "active"])).content.decode()
    assert "internal use only, by staff with a need to know" in html
    assert "deidentified=1" in html


def test_the_dashboard_pdf_has_the_scope_and_figures_but_no_patient(
    client, supervisor, two_programs
):
    client.force_login(supervisor)
    response = client.get(reverse("reports:dashboard-pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Sample: active patients and admissions" in text
    assert "The programs" in text and " to " in text
    assert "Active at IOP level" in text and "66.7 %" in text
    for episode in two_programs["a"]:
        assert episode.patient.legal_last_name not in text
        assert episode.patient.mrn not in text
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.object_type == "reports.dashboard" and event.patient_id is None


def test_the_pdf_of_bad_filters_is_400(client, supervisor):
    client.force_login(supervisor)
    end = date.today() + timedelta(days=30)
    response = client.get(reverse("reports:dashboard-pdf"), {"end": end.isoformat()})
    assert response.status_code == 400


def test_the_pdf_prints_a_chart_once_when_a_table_already_holds_its_numbers():
    """Census's admissions by week and Stays' discharge reasons are both a chart and a table on
    the dashboard; on paper the chart (printed as a table) would repeat the table."""
    from reportlab.platypus import KeepTogether

    from iop.pdf import styles
    from reports.figures import Chart, Section, Series
    from reports.pdf import dashboard_story

    week = Table("weeks", "By week", ["Week", "Admitted"], [[Cell("1–7 Sep"), Cell(2)]])
    section = Section(
        "s",
        "S",
        tables=[week],
        charts=[
            Chart("weeks", "By week", "bar", ["1–7 Sep"], [Series("Admitted", [2])]),
            Chart("levels", "By level", "bar", ["IOP"], [Series("Active", [3])]),
        ],
    )
    titles = [
        item._content[0].getPlainText()
        for item in dashboard_story([section], styles())
        if isinstance(item, KeepTogether)
    ]
    assert titles == ["By week", "By level"]
