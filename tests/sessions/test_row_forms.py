"""What the project draws faster than crispy-forms (a row form's field drawn once and filled
in per row; a checkbox list's options from Python) is what crispy-forms draws, byte for byte."""

from datetime import date
from pathlib import Path

import crispy_bootstrap5
import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import Context, Engine
from django.template.loader import get_template

from sessions.forms import EnrolmentEndForm
from sessions.group_forms import GroupSettingsForm
from sessions.templatetags.row_forms import as_crispy_row_field
from tests.factories import TherapyGroupFactory


def test_each_rows_end_date_is_drawn_as_crispy_draws_it():
    for pk, day in ((7, date(2026, 11, 27)), (10287, date(2027, 1, 3))):
        form = EnrolmentEndForm(prefix=f"end-{pk}", initial={"end_date": day})
        assert as_crispy_row_field(form["end_date"]) == as_crispy_field(form["end_date"])
        assert f'name="end-{pk}-end_date" value="{day:%Y-%m-%d}"' in as_crispy_row_field(
            form["end_date"]
        )


def test_a_refused_end_date_is_drawn_with_its_error_and_what_was_typed():
    form = EnrolmentEndForm({"end-7-end_date": "not a date"}, prefix="end-7")
    assert not form.is_valid()
    drawn = as_crispy_row_field(form["end_date"])
    assert drawn == as_crispy_field(form["end_date"])
    assert 'value="not a date"' in drawn and "Enter a valid date." in drawn


CHECKS = "bootstrap5/layout/radio_checkbox_select.html"


def crispys_own(field, inline_class=""):
    """crispy-bootstrap5's own template for a checkbox or radio list, not the project's."""
    engine = Engine(
        dirs=[Path(crispy_bootstrap5.__file__).parent / "templates"],
        libraries={
            "crispy_forms_filters": "crispy_forms.templatetags.crispy_forms_filters",
            "l10n": "django.templatetags.l10n",
        },
    )
    context = Context({"field": field, "inline_class": inline_class})
    return engine.get_template(CHECKS).render(context)


def ours(field, inline_class=""):
    return get_template(CHECKS).render({"field": field, "inline_class": inline_class})


class Lists(forms.Form):
    days = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=[(0, "Monday"), (1, "Tuesday & <Wednesday>")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick some.",
    )
    grouped = forms.ChoiceField(
        choices=[("Morning", [("a", "Early"), ("b", "Late")]), ("c", "Evening")],
        widget=forms.RadioSelect,
    )


@pytest.mark.django_db
def test_checkbox_and_radio_lists_are_drawn_as_crispy_draws_them(supervisor, clinician):
    group = TherapyGroupFactory()
    settings_form = GroupSettingsForm(instance=group, initial={"facilitators": [clinician.pk]})
    fields = [
        settings_form["facilitators"],
        settings_form["schedule_days"],
        Lists(initial={"days": [1], "grouped": "b"})["days"],
        Lists(initial={"days": [1], "grouped": "b"})["grouped"],
        Lists(prefix="row-3")["days"],
    ]
    for field in fields:
        for inline_class in ("", "inline"):
            assert ours(field, inline_class) == crispys_own(field, inline_class)
    assert 'value="1"  id="id_days_1" checked>' in ours(fields[2])


def test_a_list_with_errors_is_drawn_as_crispy_draws_it():
    field = Lists({"days": ["9"]})["days"]
    assert field.errors
    assert ours(field) == crispys_own(field)
