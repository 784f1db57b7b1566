"""The note composer's fields, drawn in Python: a group's draft note has five fields per
attendee, and crispy-forms draws each through a dozen templates (most of the session page's
time with a draft, issue 14). The markup is crispy's Bootstrap 5 field's (`bootstrap5/
field.html`) for the composer's widgets; a field with an error, help text or a required
value, or another widget, is left to crispy, so a refused save looks as it did."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()

FIELD = (
    '<div id="div_{id}" class="mb-3">\n<label for="{id}" class="form-label">\n{label}\n</label>\n'
    "{widget}\n</div>\n"
)
TEXTAREA = '<textarea name="{name}"{attrs}>\n{value}</textarea>'
SELECT = '<select name="{name}"{attrs}>\n{options}\n</select>'
OPTIONS = {True: '<option value="{}" selected>{}</option>', False: '<option value="{}">{}</option>'}
CHECKBOXES = (
    '<div id="div_{id}" class="mb-3">\n<fieldset>\n<legend class="form-label fs-6">\n{label}'
    "\n</legend>\n<div>\n{boxes}\n</div>\n</fieldset>\n</div>\n"
)
CHECKBOX = (
    '<div class="form-check">\n<input type="checkbox" class="form-check-input" name="{name}" '
    'value="{value}" id="{id}"{checked}>\n<label for="{id}" class="form-check-label">\n{label}'
    "\n</label>\n</div>"
)
CHECKED = {
    True: CHECKBOX.replace("{checked}", " checked"),
    False: CHECKBOX.replace("{checked}", ""),
}
# crispy's class for each widget (its class name) before Bootstrap's.
CLASSES = {forms.Textarea: "textarea form-control", forms.Select: "select form-select"}


def _attrs(widget, field_id):
    """The widget's attributes as Django writes them (`attrs.html`), crispy's class and the
    id last."""
    attrs = {**widget.attrs, "class": CLASSES[type(widget)], "id": field_id}
    return format_html_join(
        "",
        ' {}="{}"',
        attrs.items(),
    )


def _widget(field):
    widget = field.field.widget
    value = widget.format_value(field.value())
    if type(widget) is forms.Textarea:
        attrs = _attrs(widget, field.auto_id)
        return format_html(TEXTAREA, name=field.html_name, attrs=attrs, value=value or "")
    chosen = value[0] if value else None  # a single choice: the first that matches
    options = format_html_join(
        "\n",
        "{}",
        (
            (format_html(OPTIONS[str(choice) == chosen], choice, label),)
            for choice, label in widget.choices
        ),
    )
    attrs = _attrs(widget, field.auto_id)
    return format_html(SELECT, name=field.html_name, attrs=attrs, options=options)


def _checkboxes(field):
    widget = field.field.widget
    chosen = set(widget.format_value(field.value()))
    boxes = format_html_join(
        "\n",
        "{}",
        (
            (
                format_html(
                    CHECKED[str(choice) in chosen],
                    name=field.html_name,
                    value=choice,
                    id=f"{field.auto_id}_{index}",
                    label=label,
                ),
            )
            for index, (choice, label) in enumerate(widget.choices)
        ),
    )
    return format_html(CHECKBOXES, id=field.auto_id, label=field.label, boxes=boxes)


def _drawn_here(field):
    widget = field.field.widget
    return (
        not field.errors
        and not field.help_text
        and not field.field.required
        and not field.css_classes()
        and field.auto_id
        and (type(widget) in CLASSES or type(widget) is forms.CheckboxSelectMultiple)
        # Attributes written as name="value" only, crispy's class not added to another.
        and "class" not in widget.attrs
        and not any(isinstance(value, bool) for value in widget.attrs.values())
    )


def note_field(field):
    """One field as `{{ field|as_crispy_field }}` draws it."""
    if not _drawn_here(field):
        return as_crispy_field(field)
    if type(field.field.widget) is forms.CheckboxSelectMultiple:
        return _checkboxes(field)
    return format_html(FIELD, id=field.auto_id, label=field.label, widget=_widget(field))


@register.simple_tag
def note_fields(fields):
    """The fields, one after another, each as `{{ field|as_crispy_field }}` draws it."""
    return format_html_join("", "{}", ((note_field(field),) for field in fields))
