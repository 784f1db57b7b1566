"""The caseload's rows and filters are drawn in Python (`caseload_row`, `filter_field`,
`widgets.Select`, `patient_url`) for speed; each draws what the template language drew
(a filter: crispy's HTML but for the whitespace between its tags)."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import Context, Template
from django.urls import reverse

from iop.widgets import Select
from patients.extensions import CaseloadFlag
from patients.forms import CaseloadFilterForm
from patients.links import patient_url
from patients.models import Episode
from patients.templatetags.caseload_tags import caseload_row, filter_field

# The row as the caseload's template drew it before `caseload_row`.
TEMPLATE_ROW = Template((Path(__file__).parent / "caseload_row_template.html").read_text())


def episode(**overrides):
    values = {
        "patient_id": 7,
        "patient": SimpleNamespace(display_name="Ana <b>Ruiz</b>", mrn="M0007"),
        "has_open_risk": False,
        "is_sud": False,
        "flags": [],
        "program": "IOP & more",
        "status": "active",
        "get_status_display": lambda: "Active",
        "level_of_care": "IOP",
        "primary_clinician_id": 3,
        "primary_clinician": SimpleNamespace(display_name="Dana Lee, LCSW"),
        "phq9_latest": None,
        "phq9_previous": None,
        "open_alert_count": None,
        "extra_values": ["—", "3.0 / 9 h (in progress)"],
    }
    return SimpleNamespace(**(values | overrides))


ROWS = {
    "plain": episode(),
    "risk, Part 2 and alerts": episode(has_open_risk=True, is_sud=True, open_alert_count=2),
    "flags, linked and not": episode(
        flags=[
            CaseloadFlag("No plan", "danger", "/patients/7/plan/"),
            CaseloadFlag("Review due 3 Dec", "info"),
        ]
    ),
    "no primary clinician": episode(primary_clinician_id=None, primary_clinician=None),
    "PHQ-9 alone": episode(phq9_latest=12),
    "PHQ-9 down": episode(phq9_latest=8, phq9_previous=14),
    "PHQ-9 up": episode(phq9_latest=20, phq9_previous=3),
    "PHQ-9 unchanged, no alerts": episode(phq9_latest=0, phq9_previous=0, open_alert_count=0),
    "discharged": episode(status="discharged", get_status_display=lambda: "Discharged"),
}


@pytest.mark.parametrize("case", list(ROWS))
def test_a_caseload_row_is_drawn_as_the_template_drew_it(case):
    e = ROWS[case]
    assert caseload_row(e) == TEMPLATE_ROW.render(Context({"episodes": [e]}))


@pytest.mark.parametrize("status", [value for value, _ in Episode.Status.choices])
def test_a_row_names_the_status_as_the_episode_does(status):
    e = episode(status=status, get_status_display=Episode(status=status).get_status_display)
    assert caseload_row(e) == TEMPLATE_ROW.render(Context({"episodes": [e]}))


def test_a_patient_url_is_the_reversed_url():
    for name in (
        "patients:chart",
        "patients:alerts",
        "plans:safety",
        "plans:patient-plan",
        "sessions:chart",
        "billing:chart",
    ):
        assert patient_url(name, 4321) == reverse(name, args=[4321])


class Choices(forms.Form):
    flat = forms.ChoiceField(choices=[("", "Any"), ("a&b", "A <&> B"), ("c", "C")])
    grouped = forms.ChoiceField(
        choices=[("", "Any"), ("Adults", [("1", "One"), ("2", "Two")]), ("3", "Three")]
    )


class FastChoices(Choices):
    flat = forms.ChoiceField(choices=Choices.base_fields["flat"].choices, widget=Select)
    grouped = forms.ChoiceField(choices=Choices.base_fields["grouped"].choices, widget=Select)


@pytest.mark.parametrize("data", [None, {"flat": "a&b", "grouped": "2"}, {"flat": "zz"}])
def test_the_select_draws_what_django_draws(data):
    slow, fast = Choices(data), FastChoices(data)
    for name in ("flat", "grouped"):
        attrs = {"class": "select form-select", "required": True, "data-x": False}
        assert fast[name].as_widget(attrs=attrs) == slow[name].as_widget(attrs=attrs)


def _between_tags(html):
    """HTML with the whitespace around tags dropped (what crispy's templates leave there)."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", str(html)))


@pytest.mark.parametrize(
    "data", [None, {"q": "ames", "status": "active", "risk": "open"}, {"status": "bogus"}]
)
def test_a_filter_is_drawn_as_crispy_draws_it(db, data):
    for field in CaseloadFilterForm(data):
        drawn, crispy = filter_field(field), as_crispy_field(field)
        if field.errors:
            assert drawn == crispy
        else:
            assert _between_tags(drawn) == _between_tags(crispy)
