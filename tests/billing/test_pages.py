"""The Billing tab, coverage and authorization pages, per role, and the billers' work list."""

from datetime import date

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from sessions.models import ProgressNote
from tests.billing.conftest import MONDAY

pytestmark = pytest.mark.django_db


def tab(patient):
    return reverse("billing:chart", args=[patient.pk])


@pytest.fixture
def users(role_users, biller, director):
    return {**role_users, "biller": biller, "director": director}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("biller", 200),
        ("clinician", 200),
        ("supervisor", 200),
        ("director", 200),
        ("intake", 200),
        ("clinician2", 404),
        ("admin", 404),
    ],
)
def test_who_opens_the_billing_tab(client, users, patient, coverage, authorize, who, status):
    authorization = authorize()
    client.force_login(users[who])
    assert client.get(tab(patient)).status_code == status
    coverage_page = reverse("billing:coverage", args=[patient.pk, coverage.pk])
    assert client.get(coverage_page).status_code == status
    auth_page = reverse("billing:authorization", args=[patient.pk, authorization.pk])
    assert client.get(auth_page).status_code == status


def test_the_tab_shows_coverage_and_the_burn_down(client, biller, patient, authorize, attend):
    authorize(number_authorized=5, used_before=3)
    attend(MONDAY, 180)
    client.force_login(biller)
    response = client.get(tab(patient))
    assert "Acme Health" in response.text
    assert "M123" in response.text
    assert "4 of 5 days used (80 %)" in response.text
    assert AuditEvent.objects.filter(
        patient_id=patient.pk, action=AuditEvent.Action.VIEW, user=biller
    ).exists()


@pytest.mark.parametrize(
    "name", ["patients:chart", "patients:intake", "patients:measures", "patients:consents"]
)
def test_a_biller_opens_no_other_page_of_the_chart(client, biller, patient, name):
    client.force_login(biller)
    assert client.get(reverse(name, args=[patient.pk])).status_code == 404


def test_a_biller_reads_no_note_text(client, biller, patient, attend, clinician):
    record = attend(MONDAY, 180)
    ProgressNote.objects.create(
        session=record.session, author=clinician, shared={"data": "Client disclosed a relapse."}
    )
    client.force_login(biller)
    session_page = reverse("sessions:session", args=[record.session.pk])
    assert client.get(session_page).status_code in (403, 404)
    assert "relapse" not in client.get(tab(patient)).text


def test_the_biller_s_chart_shows_only_the_billing_tab(client, biller, patient):
    client.force_login(biller)
    response = client.get(tab(patient))
    assert reverse("patients:intake", args=[patient.pk]) not in response.text
    assert reverse("patients:chart", args=[patient.pk]) + '"' not in response.text


def test_the_header_shows_the_burn_down_to_the_clinician(
    client, clinician, patient, authorize, attend
):
    authorize(number_authorized=5, used_before=3)
    attend(MONDAY, 180)
    client.force_login(clinician)
    response = client.get(reverse("patients:chart", args=[patient.pk]))
    assert 'data-testid="header-authorization"' in response.text
    assert "4 of 5 days used (80 %)" in response.text


def test_the_caseload_flags_an_authorization_running_low(client, clinician, authorize, attend):
    authorize(number_authorized=5, used_before=3)
    attend(MONDAY, 180)
    client.force_login(clinician)
    response = client.get(reverse("patients:caseload"))
    assert "4/5 days" in response.text
    assert "Auth 80 % used" in response.text


def test_the_chart_flags_a_day_outside_any_authorization(
    client, biller, patient, authorize, attend
):
    authorize(first_date=date(2026, 11, 3))
    attend(MONDAY, 180)
    client.force_login(biller)
    response = client.get(tab(patient))
    assert 'data-testid="unauthorized-days"' in response.text
    assert "Mon 2 Nov 2026" in response.text


def test_the_session_page_flags_a_day_outside_any_authorization(
    client, clinician, coverage, attend
):
    record = attend(MONDAY, 180)
    client.force_login(clinician)
    response = client.get(reverse("sessions:session", args=[record.session.pk]))
    assert 'data-testid="attendance-flag"' in response.text
    assert "outside any approved authorization" in response.text


def test_a_biller_adds_coverage_and_what_was_typed_stays_on_error(client, biller, patient, payer):
    client.force_login(biller)
    url = reverse("billing:coverage-new", args=[patient.pk])
    data = {
        "episode": patient.episodes.get().pk,
        "payer": payer.pk,
        "member_id": "XY-99",
        "subscriber_relationship": "self",
        "priority": "primary",
        "effective_from": "2026-11-05",
        "effective_to": "2026-11-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The coverage ends before it starts." in response.text
    assert 'value="XY-99"' in response.text
    data["effective_to"] = ""
    assert client.post(url, data).status_code == 302
    assert patient.episodes.get().coverages.get().member_id == "XY-99"


def test_a_clinician_may_not_add_coverage(client, clinician, patient):
    client.force_login(clinician)
    response = client.get(reverse("billing:coverage-new", args=[patient.pk]))
    assert response.status_code == 403


def test_intake_adds_coverage_but_not_authorizations(client, intake, patient):
    client.force_login(intake)
    assert client.get(reverse("billing:coverage-new", args=[patient.pk])).status_code == 200
    url = reverse("billing:authorization-new", args=[patient.pk])
    assert client.get(url).status_code == 403


def test_a_new_authorization_starts_from_the_latest_episode_and_its_coverage(
    client, biller, patient, coverage
):
    client.force_login(biller)
    response = client.get(reverse("billing:authorization-new", args=[patient.pk]))
    html = response.content.decode()
    assert f'<option value="{coverage.episode_id}" selected>' in html
    assert f'<option value="{coverage.pk}" selected>' in html


def test_a_biller_adds_an_authorization(client, biller, patient, coverage):
    client.force_login(biller)
    url = reverse("billing:authorization-new", args=[patient.pk])
    response = client.post(
        url,
        {
            "episode": coverage.episode_id,
            "coverage": coverage.pk,
            "level_of_care": "IOP",
            "service_codes": "s9480",
            "unit": "days",
            "number_authorized": "12",
            "used_before": "0",
            "first_date": "2026-11-02",
            "last_date": "2026-11-30",
            "reference_number": "PA-77",
            "status": "approved",
            "next_review_date": "2026-11-20",
        },
    )
    assert response.status_code == 302
    authorization = coverage.authorizations.get()
    assert (authorization.service_codes, authorization.number_authorized) == ("S9480", 12)


def test_the_work_list_shows_authorizations_ending_soonest_first(client, biller, authorize):
    authorize(reference_number="LATER", last_date=date(2026, 11, 30))
    authorize(reference_number="SOONER", last_date=date(2026, 11, 6))
    client.force_login(biller)
    response = client.get(reverse("billing:worklist"))
    assert response.text.index("SOONER") < response.text.index("LATER")


def test_a_clinician_has_no_work_list(client, clinician):
    client.force_login(clinician)
    assert client.get(reverse("billing:worklist")).status_code == 403


def test_a_biller_signs_in_to_today(client, biller):
    client.force_login(biller)
    assert client.get("/").status_code in (200, 302)
    assert client.get(reverse("today")).status_code == 200


def test_a_biller_finds_a_patient_by_name_and_the_search_is_audited(client, biller, patient):
    client.force_login(biller)
    response = client.get(reverse("billing:worklist"), {"q": "Billing"})
    assert reverse("billing:chart", args=[patient.pk]) in response.text
    assert AuditEvent.objects.filter(patient_id=patient.pk, user=biller).exists()


def test_a_biller_reads_no_clinical_api(api_client, biller, patient):
    api_client.force_authenticate(biller)
    for url in ("/api/v1/patients/", "/api/v1/notes/", "/api/v1/measures/", "/api/v1/plans/"):
        assert api_client.get(url).status_code == 403


def test_the_biller_s_header_shows_no_risk_badge(client, biller, patient):
    from patients.models import Alert
    from patients.services.measures import alert_raise

    alert_raise(patient=patient, kind=Alert.Kind.RISK, title="PHQ-9 item 9", risk_level="high")
    client.force_login(biller)
    assert 'data-testid="risk-badge"' not in client.get(tab(patient)).text
