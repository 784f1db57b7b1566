"""A select drawn from Python is what Django's widget templates draw, byte for byte."""

from django import forms

from iop import widgets

CHOICES = [
    ("", "—"),
    (1, "Pat & <Doe>"),
    ("Morning", [("a", "Early"), ("b", "Late")]),
    (2, 'Say "hi"'),
]


def test_a_select_is_drawn_as_djangos_templates_draw_it():
    cases = [
        (widgets.Select, forms.Select, {}, "a"),
        (widgets.Select, forms.Select, {"class": "form-select", "required": True}, 1),
        (widgets.Select, forms.Select, {"disabled": False, "data-x": "1"}, None),
        (widgets.SelectMultiple, forms.SelectMultiple, {"id": "id_clinicians"}, [1, "b"]),
    ]
    # Without an optgroup (the options drawn as one run) and with one.
    for choices in ([c for c in CHOICES if not isinstance(c[1], list)], CHOICES):
        for quick, django_widget, attrs, value in cases:
            ours = quick(choices=choices).render("pick", value, attrs=attrs)
            djangos = django_widget(choices=choices).render("pick", value, attrs=attrs)
            assert ours == djangos
    assert "selected" in widgets.Select(choices=CHOICES).render("pick", "b")
