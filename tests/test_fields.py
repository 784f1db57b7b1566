"""Fields and forms drawn by `iop.fields` are crispy-forms' HTML byte for byte: every field of a
made-up form of each kind, then every form class of the project, unbound, with initial values,
bound with typed values and bound with errors, each drawn both ways from its own instance
(crispy keeps its classes on the widget)."""

import datetime
import importlib
from pathlib import Path

import crispy_bootstrap5
import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import Context, Engine
from django.utils.safestring import mark_safe

from iop import widgets
from iop.fields import as_field, as_form

ROOT = Path(__file__).resolve().parent.parent
# crispy-bootstrap5's own templates, without the project's (templates/bootstrap5/), which draw
# checkbox and radio lists with iop.fields too.
CRISPY = Engine(
    dirs=[Path(crispy_bootstrap5.__file__).parent / "templates"],
    libraries={
        name: f"crispy_forms.templatetags.{name}"
        for name in ("crispy_forms_field", "crispy_forms_filters", "crispy_forms_utils")
    }
    | {"l10n": "django.templatetags.l10n"},
)
CHOICES = [("", "—"), ("a", "A & <b>"), ("b", 'B\'s "choice"')]


class Kinds(forms.Form):
    required_text = forms.CharField(max_length=20, help_text=mark_safe("Help <b>as is</b>"))
    text = forms.CharField(required=False, label="Text <i>&</i>", initial="x'y")
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    tel = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    number = forms.IntegerField(min_value=0, help_text="Whole minutes.")
    decimal = forms.DecimalField(required=False, widget=forms.NumberInput(attrs={"step": "0.5"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    secret = forms.CharField(widget=forms.PasswordInput)
    shown_secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    url = forms.URLField(required=False, assume_scheme="https")
    choice = forms.ChoiceField(choices=CHOICES)
    optional_choice = forms.ChoiceField(choices=CHOICES, required=False, help_text="One.")
    grouped = forms.ChoiceField(
        required=False, choices=[("Group <1>", [("1", "One")]), ("2", "Two")]
    )
    quick = forms.ChoiceField(choices=CHOICES, widget=widgets.Select(attrs={"data-x": ""}))
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    quick_many = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=widgets.SelectMultiple, help_text="Some."
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    required_notes = forms.CharField(widget=forms.Textarea(attrs={"class": "mono"}))
    agree = forms.BooleanField(help_text="Tick to agree.")
    flag = forms.BooleanField(required=False, label="")
    boxes = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, required=False
    )
    required_boxes = forms.MultipleChoiceField(
        choices=[("G", [("x", "X")]), ("y", "Y")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Any.",
    )
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)
    since = forms.DateField(required=False, show_hidden_initial=True, help_text="Changed?")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False, initial="h<")
    disabled = forms.CharField(disabled=True, required=False, initial="fixed")
    # Left to crispy: a widget not drawn here, an id of its own.
    file = forms.FileField(required=False)
    own_id = forms.CharField(required=False, widget=forms.TextInput(attrs={"id": "mine"}))


def crispy_field(field):
    """`{{ field|as_crispy_field }}`, drawn by crispy's own templates."""
    if getattr(field.form, "helper", None) is not None:
        return as_crispy_field(field)
    context = {"field": field, "form_show_errors": True, "form_show_labels": True}
    return CRISPY.get_template("bootstrap5/field.html").render(Context(context))


def crispy_form(form):
    """`{{ form|crispy }}`, drawn by crispy's own templates."""
    context = {
        "form": form,
        "field_template": "bootstrap5/field.html",
        "form_show_errors": True,
        "form_show_labels": True,
    }
    return CRISPY.get_template("bootstrap5/uni_form.html").render(Context(context))


TYPED = {
    "required_text": "typed <b>",
    "text": "",
    "email": "a@example.org",
    "tel": "555 0100",
    "number": "12",
    "decimal": "1.5",
    "day": "2026-03-04",
    "time": "09:30",
    "at": "2026-03-04T09:30",
    "secret": "s3cret",
    "shown_secret": "s<3",
    "url": "https://example.org/?a=1&b=2",
    "choice": "a",
    "optional_choice": "",
    "grouped": "1",
    "quick": "b",
    "many": ["a", "b"],
    "quick_many": ["b"],
    "notes": "line 1\nline <2>",
    "required_notes": "x",
    "agree": "on",
    "boxes": ["b"],
    "required_boxes": ["x", "y"],
    "radio": "a",
    "hidden": "h",
    "since": "2026-03-01",
    "initial-since": "2026-02-01",
}
INITIAL = {
    **TYPED,
    "day": datetime.date(2026, 3, 4),
    "at": datetime.datetime(2026, 3, 4, 9, 30),
    "agree": True,
    "number": 7,
}


def _states(form_class, make=None):
    """Each state of a form, as a function making a fresh instance of it."""
    make = make or form_class
    return {
        "unbound": lambda: make(),
        "initial": lambda: make(initial=INITIAL),
        "typed": lambda: make(data=TYPED),
        "refused": lambda: make(data={"number": "-1", "day": "no", "choice": "zz"}),
        "prefixed": lambda: make(prefix="p", initial={"text": "z"}),
        "no ids": lambda: make(auto_id=False),
    }


@pytest.mark.parametrize("state", list(_states(Kinds)))
def test_each_field_is_drawn_as_crispy_draws_it(state):
    make = _states(Kinds)[state]
    for name in Kinds.base_fields:
        assert str(as_field(make()[name])) == str(crispy_field(make()[name])), name


@pytest.mark.parametrize("state", list(_states(Kinds)))
def test_a_form_is_drawn_as_crispy_draws_it(state):
    make = _states(Kinds)[state]
    assert str(as_form(make())) == str(crispy_form(make()))


def test_a_field_drawn_twice_is_drawn_as_crispy_draws_it_twice():
    ours, theirs = Kinds(), Kinds()
    first = [str(as_field(ours[name])) + str(ours[name]) for name in ("text", "choice", "agree")]
    again = [
        str(crispy_field(theirs[name])) + str(theirs[name]) for name in ("text", "choice", "agree")
    ]
    assert first == again
    assert str(as_field(ours["text"])) == str(crispy_field(theirs["text"]))


def test_a_field_with_an_error_is_drawn_by_crispy():
    form = Kinds(data={})
    assert "is-invalid" in str(as_field(form["number"]))
    assert 'class="alert' not in str(as_form(Kinds(data=TYPED)))


# --- every form class of the project ------------------------------------------------------


def _project_form_classes():
    for path in sorted(ROOT.glob("*/**/forms.py")) + sorted(ROOT.glob("*/**/*_forms.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests"}:
            continue
        module = importlib.import_module(".".join(relative.with_suffix("").parts))
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
                and value.base_fields
            ):
                yield value


PROJECT_FORMS = sorted(set(_project_form_classes()), key=lambda c: f"{c.__module__}.{c.__name__}")


def _made(form_class):
    """The form as its own `__init__` makes it when that needs nothing more, or else (most need
    a patient or a user) its declared fields as Django's (or a ModelForm's) constructor makes
    them."""
    try:
        form_class()
    except TypeError:
        pass
    else:
        return form_class
    base = forms.BaseModelForm if issubclass(form_class, forms.BaseModelForm) else forms.BaseForm

    def make(**kwargs):
        form = form_class.__new__(form_class)
        base.__init__(form, **kwargs)
        for name, field in list(form.fields.items()):
            if getattr(field, "queryset", True) is None:  # set by the form's own __init__
                del form.fields[name]
        return form

    return make


def _typed_for(form):
    """A value each field accepts, from its choices where it has some."""
    data = {}
    for name, field in form.fields.items():
        widget = field.widget
        choices = [value for value, _ in getattr(field, "choices", []) if value not in ("", None)]
        if isinstance(field, forms.MultipleChoiceField) or getattr(
            widget, "allow_multiple_selected", False
        ):
            data[name] = [str(choice) for choice in choices[:2]]
        elif choices:
            data[name] = str(choices[0])
        elif isinstance(field, forms.BooleanField):
            data[name] = "on"
        elif isinstance(field, forms.DateTimeField):
            data[name] = "2026-03-04T09:30"
        elif isinstance(field, forms.DateField):
            data[name] = "2026-03-04"
        elif isinstance(field, forms.TimeField):
            data[name] = "09:30"
        elif isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            data[name] = "3"
        elif isinstance(field, forms.EmailField):
            data[name] = "a@example.org"
        else:
            data[name] = "Typed <b>&</b> 'text'"
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", PROJECT_FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_project_form_is_drawn_as_crispy_draws_it(form_class):
    make = _made(form_class)
    typed = _typed_for(make())
    states = {
        "unbound": lambda: make(),
        "initial": lambda: make(initial=typed),
        "typed": lambda: make(data=typed),
        "refused": lambda: make(data={}),
    }
    for state, new in states.items():
        for name in new().fields:
            ours, theirs = str(as_field(new()[name])), str(crispy_field(new()[name]))
            assert ours == theirs, (state, name)
        assert str(as_form(new())) == str(crispy_form(new())), state


def test_the_project_has_forms_to_check():
    assert len(PROJECT_FORMS) > 40
