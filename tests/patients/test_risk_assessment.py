"""Risk: PHQ-9 item 9 asks for a C-SSRS the same day; the risk level and the safety-plan
requirement come from the latest C-SSRS or a clinician's signed risk assessment."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients import services
from patients.models import Alert, RiskAssessment
from patients.selectors import current_risk
from plans.selectors import safety_plan_needed

PHQ9_ITEM9 = [3, 3, 3, 3, 3, 3, 3, 3, 1]  # total 25, item 9 = 1
CSSRS_MODERATE = [True, True, True, False, False, False, None]
API = reverse("risk-assessment-list")


def phq9_item9(patient, user):
    return services.measure_record(
        patient=patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=user
    )


# --- PHQ-9 item 9 is a screen ------------------------------------------------------------


def test_item9_asks_for_a_cssrs_today_and_sets_no_risk_level(patient, clinician):
    phq9_item9(patient, clinician)

    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.priority, alert.risk_level) == ("risk", Alert.Priority.URGENT, "")
    assert alert.title.endswith("C-SSRS needed today")
    assert "C-SSRS" in alert.detail and "risk assessment" in alert.detail
    assert alert.action_url == reverse("patients:risk", args=[patient.pk])
    assert current_risk(patient) is None
    assert safety_plan_needed(patient) is False


def test_after_item9_the_chart_header_says_an_alert_is_open_not_risk_high(
    client, clinician, patient
):
    phq9_item9(patient, clinician)
    client.force_login(clinician)
    html = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert "Risk alert open: risk not yet assessed" in html
    assert "Risk: high" not in html
    assert "needed: no current safety plan" not in html


# --- the clinician's risk assessment ------------------------------------------------------


def test_a_high_risk_assessment_is_signed_raises_an_alert_and_requires_a_safety_plan(
    patient, clinician
):
    assessment = services.risk_assessment_record(
        patient=patient, level="high", rationale=" Plan and intent this week. ", user=clinician
    )

    assert (assessment.level, assessment.rationale) == ("high", "Plan and intent this week.")
    assert (assessment.signed_by, assessment.signed_at is not None) == (clinician, True)
    alert = Alert.objects.get(patient=patient)
    assert (alert.risk_level, alert.title) == ("high", "Clinician risk assessment: high risk")
    assert current_risk(patient).level == "high"
    assert safety_plan_needed(patient) is True


@pytest.mark.parametrize("level", ["none", "low"])
def test_none_or_low_raises_no_alert_and_needs_no_safety_plan(patient, clinician, level):
    services.risk_assessment_record(
        patient=patient, level=level, rationale="Denies thoughts.", user=clinician
    )
    assert not Alert.objects.exists()
    assert current_risk(patient).level == level
    assert safety_plan_needed(patient) is False


def test_the_latest_of_cssrs_and_clinician_assessment_sets_the_level(patient, clinician):
    services.measure_record(
        patient=patient, instrument_code="CSSRS", responses=CSSRS_MODERATE, user=clinician
    )
    assert (current_risk(patient).level, current_risk(patient).source) == ("moderate", "C-SSRS")
    assert safety_plan_needed(patient) is True

    services.risk_assessment_record(
        patient=patient, level="low", rationale="Method thoughts gone; no intent.", user=clinician
    )
    risk = current_risk(patient)
    assert (risk.level, risk.source) == ("low", "clinician assessment")
    assert safety_plan_needed(patient) is False


def test_a_risk_assessment_needs_a_rationale_and_a_level(patient, clinician):
    with pytest.raises(ValidationError) as error:
        services.risk_assessment_record(
            patient=patient, level="severe", rationale="  ", user=clinician
        )
    assert set(error.value.message_dict) == {"level", "rationale"}
    assert not RiskAssessment.objects.exists()


def test_an_intake_coordinator_cannot_record_a_risk_assessment(patient, intake):
    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.risk_assessment_record(patient=patient, level="low", rationale="x", user=intake)


# --- API -------------------------------------------------------------------------------------


def test_the_api_records_a_signed_assessment(api_client, clinician, patient):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        API, {"patient": patient.pk, "level": "moderate", "rationale": "Thoughts of method."}
    )
    body = response.json()
    assert response.status_code == 201, body
    assert (body["level"], body["signed_by"]["id"]) == ("moderate", clinician.pk)
    assert Alert.objects.get(patient=patient).risk_level == "moderate"
    listed = api_client.get(API, {"patient": patient.pk}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["level"] for r in rows] == ["moderate"]


def test_the_api_answers_400_without_a_rationale(api_client, clinician, patient):
    api_client.force_authenticate(clinician)
    response = api_client.post(API, {"patient": patient.pk, "level": "high", "rationale": "   "})
    assert response.status_code == 400
    assert "rationale" in response.json()
    assert not RiskAssessment.objects.exists()


def test_the_api_refuses_intake_coordinators(api_client, intake, patient):
    api_client.force_authenticate(intake)
    response = api_client.post(API, {"patient": patient.pk, "level": "low", "rationale": "x"})
    assert response.status_code == 403


# --- the page --------------------------------------------------------------------------------


def test_the_page_records_an_assessment_and_says_a_safety_plan_is_required(
    client, clinician, patient
):
    client.force_login(clinician)
    url = reverse("patients:risk", args=[patient.pk])
    response = client.post(url, {"level": "high", "rationale": "Plan and intent."}, follow=True)
    html = response.content.decode()
    assert "Risk assessment signed: high risk. A risk alert was raised and a safety plan is" in html
    assert "Risk: high" in html
    assert "signed by Casey Morgan" in html
    assert "needed: no current safety plan" in html


def test_the_page_keeps_the_level_when_the_rationale_is_missing(client, clinician, patient):
    client.force_login(clinician)
    url = reverse("patients:risk", args=[patient.pk])
    response = client.post(url, {"level": "moderate", "rationale": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in html
    assert 'value="moderate" selected' in html
    assert not RiskAssessment.objects.exists()


def test_the_page_is_closed_to_intake_coordinators(client, intake, patient):
    client.force_login(intake)
    assert client.get(reverse("patients:risk", args=[patient.pk])).status_code in (403, 404)


def test_current_risks_reads_each_patients_latest_of_either_source_at_once(patient, clinician):
    """Batched (the caseload, Today): per patient the newest C-SSRS (the higher id on a tie)
    and the newest assessment; an assessment replaces the C-SSRS only when strictly newer."""
    from datetime import timedelta

    from django.utils import timezone

    from patients.models import MeasureResponse
    from patients.selectors import current_risks
    from tests.factories import PatientFactory

    other, without = PatientFactory(), PatientFactory()
    at = timezone.now() - timedelta(days=2)
    low = [False, False, False, False, False, False, None]
    for p, responses in ((patient, low), (patient, CSSRS_MODERATE), (other, CSSRS_MODERATE)):
        services.measure_record(
            patient=p, instrument_code="CSSRS", responses=responses, user=clinician
        )
    MeasureResponse.objects.filter(instrument="CSSRS").update(administered_at=at)
    for p in (patient, other):
        services.risk_assessment_record(
            patient=p, level="high", rationale="Plan and intent stated.", user=clinician
        )
    RiskAssessment.objects.filter(patient=patient).update(signed_at=at)  # a tie: C-SSRS kept
    risks = current_risks([patient.pk, other.pk, without.pk])
    assert (risks[patient.pk].level, risks[patient.pk].source) == ("moderate", "C-SSRS")
    assert (risks[other.pk].level, risks[other.pk].source) == ("high", "clinician assessment")
    assert without.pk not in risks
