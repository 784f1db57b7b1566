"""AUDIT-C wording and its "Never" rule; the measures chart shades each patient's own bands
(AUDIT-C by the patient's sex, PCL-5 by the program's cut-off)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients import services
from patients.instruments import InstrumentError, get_instrument
from patients.models import MeasureResponse, Patient

AUDITC = get_instrument("AUDITC")


def test_auditc_item2_reads_as_in_clinical_md():
    assert AUDITC.items[1].text == (
        "How many standard drinks containing alcohol do you have on a typical day when you are "
        "drinking?"
    )


@pytest.mark.parametrize(
    ("answers", "refused_items"),
    [
        ([0, 1, 0], {"item 2"}),
        ([0, 0, 2], {"item 3"}),
        ([0, 4, 4], {"item 2", "item 3"}),
    ],
)
def test_never_drinking_with_drinks_reported_is_refused(answers, refused_items):
    with pytest.raises(InstrumentError) as error:
        AUDITC.validate(answers)
    assert set(error.value.errors) == refused_items
    assert all('Item 1 is "Never"' in m for m in error.value.errors.values())


@pytest.mark.parametrize(("answers", "total"), [([0, 0, 0], 0), ([1, 0, 0], 1), ([1, 2, 1], 4)])
def test_consistent_answers_still_score(answers, total):
    assert AUDITC.score(AUDITC.validate(answers), sex="male").total == total


def test_the_service_refuses_never_with_drinks_and_stores_nothing(patient, clinician):
    with pytest.raises(ValidationError) as error:
        services.measure_record(
            patient=patient, instrument_code="AUDITC", responses=[0, 2, 0], user=clinician
        )
    assert error.value.message_dict["responses"][0].startswith('item 2: Item 1 is "Never"')
    assert not MeasureResponse.objects.exists()


def test_the_api_answers_400_for_never_with_drinks(api_client, clinician, patient):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        reverse("measure-list"),
        {"patient": patient.pk, "instrument": "AUDITC", "responses": [0, 0, 1]},
    )
    assert response.status_code == 400
    assert 'item 3: Item 1 is "Never"' in str(response.json()["responses"])


def test_the_form_shows_the_refusal_beside_the_item(client, clinician, patient):
    client.force_login(clinician)
    url = reverse("patients:measure-new", args=[patient.pk, "AUDITC"])
    response = client.post(
        url, {"item_1": "0", "item_2": "3", "item_3": "0", "administered_at": "2026-11-20T10:00"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["item_2"][0].startswith('item 2: Item 1 is "Never"')
    assert not MeasureResponse.objects.exists()


# --- chart bands ----------------------------------------------------------------------------


def chart_series(client, patient, code):
    response = client.get(reverse("patients:measures", args=[patient.pk]))
    return next(s for s in response.context["chart_data"] if s["code"] == code)


@pytest.mark.parametrize(
    ("sex", "negative_high", "positive_low"),
    [("male", 3, 4), ("female", 2, 3), ("unknown", 2, 3)],
)
def test_the_auditc_chart_shades_the_patients_own_positive_band(
    client, clinician, patient, sex, negative_high, positive_low
):
    Patient.objects.filter(pk=patient.pk).update(sex=sex)
    patient.refresh_from_db()
    services.measure_record(
        patient=patient, instrument_code="AUDITC", responses=[1, 1, 1], user=clinician
    )
    client.force_login(clinician)
    bands = chart_series(client, patient, "AUDITC")["bands"]
    assert bands == [
        {"low": 0, "high": negative_high, "label": "negative"},
        {"low": positive_low, "high": 12, "label": f"positive ({positive_low}+)"},
    ]


def test_the_pcl5_chart_uses_the_programs_cutoff(client, clinician, patient):
    program = patient.episodes.get().program
    program.pcl5_cutoff = 31
    program.save()
    response = services.measure_record(
        patient=patient, instrument_code="PCL5", responses=[2] * 16 + [0] * 4, user=clinician
    )
    assert (response.total_score, response.severity) == (32, "provisional PTSD")
    client.force_login(clinician)
    bands = chart_series(client, patient, "PCL5")["bands"]
    assert bands == [
        {"low": 0, "high": 30, "label": "below cutoff"},
        {"low": 31, "high": 80, "label": "provisional PTSD (31+)"},
    ]


def test_the_pcl5_chart_defaults_to_33(client, clinician, patient):
    services.measure_record(
        patient=patient, instrument_code="PCL5", responses=[1] * 20, user=clinician
    )
    client.force_login(clinician)
    bands = chart_series(client, patient, "PCL5")["bands"]
    assert [b["low"] for b in bands] == [0, 33]


def test_a_womans_auditc_is_labelled_by_her_own_cutoff_even_if_scored_before(
    client, clinician, patient
):
    """Scored while her sex was recorded as male (3 was negative at 4+), then corrected: the
    chart, the results and the summary label the 3 as the band it is drawn in."""
    Patient.objects.filter(pk=patient.pk).update(sex="male")
    patient.refresh_from_db()
    response = services.measure_record(
        patient=patient, instrument_code="AUDITC", responses=[1, 1, 1], user=clinician
    )
    assert response.severity == "negative"
    Patient.objects.filter(pk=patient.pk).update(sex="female")
    client.force_login(clinician)
    series = chart_series(client, patient, "AUDITC")
    assert [p["severity"] for p in series["points"]] == ["positive (3+)"]
    page = client.get(reverse("patients:measures", args=[patient.pk]))
    assert [r.shown_severity for r in page.context["responses"]] == ["positive (3+)"]
    summary = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert "AUDIT-C: 3, positive (3+)" in summary


def test_a_result_without_bands_keeps_its_own_label():
    assert AUDITC.severity_for(2, sex="female") == "negative"
    assert AUDITC.severity_for(3, sex="male") == "negative"
    assert AUDITC.severity_for(4, sex="male") == "positive (4+)"
    assert get_instrument("PHQ9").severity_for(12) == "moderate"
