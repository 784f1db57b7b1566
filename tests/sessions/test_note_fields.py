"""The note composer's fields drawn in Python look as crispy-forms draws them."""

import re

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from sessions.templatetags.note_fields import note_field


class PartForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    risk = forms.ChoiceField(
        required=False,
        choices=[("", "—"), ("none", "No risk indicated"), ("low", "Low")],
        widget=forms.Select(attrs={"data-risk-select": ""}),
    )
    objectives = forms.TypedMultipleChoiceField(
        label="Plan objectives addressed",
        required=False,
        coerce=int,
        choices=[(1, "Sleep <7 h & more"), (2, "Walk daily")],
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.IntegerField(required=False, help_text="Only psychotherapy time.")


def folded(html):
    return re.sub(r"\s*>\s*", ">", re.sub(r"\s*<\s*", "<", re.sub(r"\s+", " ", str(html)))).strip()


def test_an_unbound_part_looks_as_crispy_draws_it():
    form = PartForm(initial={"text": "Said <b>hi</b>", "risk": "low", "objectives": [2]})
    for name in ("text", "risk", "objectives"):
        assert folded(note_field(form[name])) == folded(as_crispy_field(form[name]))


def test_a_typed_part_keeps_what_was_typed():
    form = PartForm(data={"text": "typed", "risk": "none", "objectives": ["1", "2"]})
    drawn = folded(note_field(form["objectives"]))
    assert drawn == folded(as_crispy_field(form["objectives"]))
    assert drawn.count(" checked") == 2


def test_a_field_with_an_error_or_help_text_is_left_to_crispy():
    form = PartForm(data={"objectives": ["9"]})
    form.is_valid()
    assert "is-invalid" in str(note_field(form["objectives"]))
    assert "Only psychotherapy time." in str(note_field(form["minutes"]))
