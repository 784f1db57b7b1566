"""The claim lines pages: who opens them, what they show (never note text), a bad range
refused with what was typed kept, the export downloaded again byte for byte, the superbill."""

import pytest
from django.urls import reverse

from billing.claim_models import ClaimExport, ClaimLine
from iop.audit.models import AuditEvent
from sessions import services as ss
from tests.billing import claim_world
from tests.billing.claim_world import build, sign
from tests.sessions.helpers import MON_9

# The shared fixtures (pytest finds them as this module's attributes).
biller, monday, payer = claim_world.biller, claim_world.monday, claim_world.payer

LINES = reverse("claims:lines")
RANGE = {"first_date": "2026-11-09", "last_date": "2026-11-09"}


@pytest.fixture
def issued(monday, clinician, biller):  # noqa: F811
    day = monday()
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    build(biller)
    return day


def test_billing_staff_see_the_lines_and_never_the_note_text(client, issued, biller):
    client.force_login(biller)
    page = client.get(LINES, RANGE).content.decode()
    assert "90853" in page and "Ames" in page and "AUTH-1" in page
    assert "Part for" not in page and "Skills review" not in page  # the note's text
    # The session page (and its note) stays closed to them.
    response = client.get(reverse("sessions:session", args=[issued.group.pk]))
    assert response.status_code in (403, 404)
    assert AuditEvent.objects.filter(
        object_type="billing.claimline list", patient_id=issued.ames.patient_id
    ).exists()


def test_clinicians_and_intake_get_403(client, issued, clinician, intake):
    for user in (clinician, intake):
        client.force_login(user)
        assert client.get(LINES).status_code == 403
        assert client.post(reverse("claims:build"), {}).status_code == 403


def test_a_supervisor_of_another_program_sees_none_of_these_lines(
    client, issued, django_user_model, sud_program
):
    from tests.factories import UserFactory

    other = UserFactory(username="sup-b", role="supervisor")
    sud_program.supervisors.add(other)
    client.force_login(other)
    page = client.get(LINES, RANGE).content.decode()
    assert "Ames" not in page and "No claim lines in this range" in page


def test_a_bad_range_is_refused_beside_the_field_keeping_what_was_typed(client, issued, biller):
    client.force_login(biller)
    response = client.post(
        reverse("claims:build"), {"range-first_date": "2026-11-09", "range-last_date": "2026-11-08"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be on or after the first" in page
    assert 'value="2026-11-08"' in page


def test_build_then_export_then_the_file_is_the_same_each_time(client, issued, biller):
    client.force_login(biller)
    data = {"range-first_date": "2026-11-09", "range-last_date": "2026-11-09"}
    response = client.post(reverse("claims:export-create"), data)
    batch = ClaimExport.objects.get()
    assert response.url == reverse("claims:export", args=[batch.pk])
    first = client.get(reverse("claims:export-csv", args=[batch.pk]))
    second = client.get(reverse("claims:export-csv", args=[batch.pk]))
    assert first["Content-Type"].startswith("text/csv")
    assert first.content == second.content == batch.csv.encode()
    assert (
        AuditEvent.objects.filter(action="export", patient_id=issued.ames.patient_id).count() >= 3
    )
    again = client.post(reverse("claims:export-create"), data).content.decode()
    assert "No issued lines to export" in again


def test_void_needs_a_reason_and_the_next_build_issues_the_service_again(client, issued, biller):
    client.force_login(biller)
    line = ClaimLine.objects.get()
    url = reverse("claims:void", args=[line.pk])
    assert "Void claim line" in client.get(url).content.decode()
    assert "This field is required" in client.post(url, {"reason": " "}).content.decode()
    client.post(url, {"reason": "Wrong member id."})
    assert ClaimLine.objects.get(pk=line.pk).status == "voided"
    client.post(
        reverse("claims:build"), {"range-first_date": "2026-11-09", "range-last_date": "2026-11-09"}
    )
    assert ClaimLine.objects.filter(replaces=line, status="issued").exists()


def test_the_superbill_is_a_pdf_of_the_month_and_audited(client, issued, biller):
    client.force_login(biller)
    url = reverse("claims:superbill", args=[issued.ames.patient_id, 2026, 11])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f"superbill-{issued.ames.patient.mrn}-2026-11.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="export", patient_id=issued.ames.patient_id, detail__contains="superbill"
    ).exists()
    assert (
        client.get(reverse("claims:superbill", args=[issued.ames.patient_id, 2026, 10])).status_code
        == 404
    )
    assert (
        client.get(reverse("claims:superbill", args=[issued.ames.patient_id, 2026, 13])).status_code
        == 404
    )


def test_claim_lines_and_exports_are_read_only_in_the_admin(client, issued, biller, superuser):
    from billing.claims.export import claims_export

    batch = claims_export(user=biller, first_date=MON_9, last_date=MON_9)
    line = ClaimLine.objects.get()
    client.force_login(superuser)
    assert client.get(f"/admin/billing/claimline/{line.pk}/change/").status_code == 200
    assert client.get(f"/admin/billing/claimexport/{batch.pk}/change/").status_code == 200
    assert client.get("/admin/billing/claimline/add/").status_code == 403
    assert client.post(f"/admin/billing/claimline/{line.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(action="view", object_id=str(line.pk), detail="admin").exists()
