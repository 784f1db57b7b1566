"""The bundled ICD-10-CM list: what it holds, its search (code prefix or words), the lookup page
the diagnoses field uses, and the server refusing a code not in the list (page and API)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients import icd10
from patients.models import IntakeAssessment
from patients.models.intake import ICD10_CODE
from patients.services import diagnoses_check, parse_diagnoses
from tests.patients.test_api import as_user, detail

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_list_holds_valid_billable_codes_with_official_descriptions():
    codes = icd10.codes()
    assert len(codes) > 900
    assert all(ICD10_CODE.match(code) for code in codes)
    assert all(description.strip() == description and description for description in codes.values())
    assert codes["F33.1"] == "Major depressive disorder, recurrent, moderate"
    assert codes["F10.20"] == "Alcohol dependence, uncomplicated"
    assert codes["F11.23"] == "Opioid dependence with withdrawal"
    assert codes["F43.10"] == "Post-traumatic stress disorder, unspecified"
    assert codes["R45.851"] == "Suicidal ideations"
    assert codes["T14.91XA"] == "Suicide attempt, initial encounter"
    assert codes["Z59.01"] == "Sheltered homelessness"
    # Categories that have subcodes are not billable, so not in the list.
    assert not {"F33", "F10.2", "F43.1", "R45.85", "T14.91"} & set(codes)
    # Every code of the F chapter in the list is in F01–F99.
    assert all(1 <= int(c[1:3]) <= 99 for c in codes if c.startswith("F"))


@pytest.mark.parametrize(
    "query, first",
    [("f33", "F33.0"), ("F331", "F33.1"), ("r45.85", "R45.850"), ("t14.91", "T14.91XA")],
)
def test_a_code_or_its_beginning_finds_the_codes_under_it(query, first):
    found = icd10.search(query)
    assert found[0][0] == first
    assert all(code.startswith(icd10.normalize(query)) for code, _ in found)


def test_words_find_codes_whose_description_has_them_all():
    found = dict(icd10.search("recurrent depressive moderate"))
    assert found == {"F33.1": "Major depressive disorder, recurrent, moderate"}
    assert "F41.1" in dict(icd10.search("generalized anxiety"))
    assert len(icd10.search("disorder")) == icd10.SEARCH_LIMIT
    assert icd10.search("") == [] and icd10.search("zzzz nothing") == []


def test_a_diagnosis_outside_the_list_is_refused_and_a_blank_description_is_filled():
    with pytest.raises(ValidationError, match="F33, G47.00"):
        diagnoses_check([{"code": "F33"}, {"code": "G47.00"}, {"code": "F41.1"}])
    assert diagnoses_check([{"code": "f411", "description": ""}]) == [
        {"code": "F41.1", "description": "Generalized anxiety disorder"}
    ]
    assert parse_diagnoses("F33.1 Depression, recurrent") == [
        {"code": "F33.1", "description": "Depression, recurrent"}
    ]


def test_the_intake_step_refuses_a_code_not_in_the_list_keeping_the_text(
    client, intake, make_episode
):
    episode = make_episode(status="intake")
    client.force_login(intake)
    url = reverse("patients:intake-step", args=[episode.pk, "diagnoses"])
    html = client.post(url, {"diagnoses": "F41.1 GAD\nF99.9 Made up"}).content.decode()
    assert "Not a billable ICD-10-CM code in the list: F99.9" in html
    assert "F99.9 Made up" in html
    assert IntakeAssessment.objects.get(episode=episode).diagnoses == []
    html = client.get(url).content.decode()
    assert 'list="icd10-options"' in html and "Find an ICD-10-CM code" in html


def test_the_api_refuses_a_code_not_in_the_list(api_client, intake, make_episode):
    episode = make_episode(status="intake")
    client = as_user(api_client, intake)
    url = detail("assessment", IntakeAssessment.objects.get(episode=episode).pk)
    bad = client.patch(url, {"diagnoses": [{"code": "F33"}]}, format="json")
    assert bad.status_code == 400 and "F33" in str(bad.json()["diagnoses"])
    good = client.patch(url, {"diagnoses": [{"code": "F33.1"}]}, format="json")
    assert good.status_code == 200
    assert good.json()["diagnoses"] == [
        {"code": "F33.1", "description": "Major depressive disorder, recurrent, moderate"}
    ]


def test_the_lookup_answers_options_for_the_datalist(client, intake):
    client.force_login(intake)
    html = client.get(reverse("patients:icd10"), {"q": "ptsd chronic"}, **HTMX).content.decode()
    assert html.count("<option") == 0  # words must be in the description
    html = client.get(reverse("patients:icd10"), {"q": "F43.1"}, **HTMX).content.decode()
    assert re.findall(r'<option value="([^"]+)"', html) == [
        "F43.10 Post-traumatic stress disorder, unspecified",
        "F43.11 Post-traumatic stress disorder, acute",
        "F43.12 Post-traumatic stress disorder, chronic",
    ]
    assert "hx-swap-oob" not in html  # a late answer must not touch a page that moved on
    page = client.get(reverse("patients:icd10"), {"q": "suicid"}).content.decode()
    assert "R45.851" in page and "<table" in page


def test_the_lookup_is_for_intake_and_clinical_staff(
    client, clinician, supervisor, django_user_model
):
    for user in (clinician, supervisor):
        client.force_login(user)
        assert client.get(reverse("patients:icd10"), {"q": "F41"}).status_code == 200
    other = django_user_model.objects.create_user("frontdesk", password="x" * 20)
    client.force_login(other)
    assert client.get(reverse("patients:icd10"), {"q": "F41"}).status_code == 403
