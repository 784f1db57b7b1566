"""Form fields drawn as crispy-forms' Bootstrap 5 pack draws them (`{{ field|as_crispy_field }}`,
`{{ form|crispy }}`), byte for byte, from Python: crispy draws a field through a dozen templates
(~1.3 ms a field), most of a form page's time (issue 14).

The markup is `bootstrap5/field.html` and its includes as they render for a labelled field of
the widgets below, without errors, in a form without a FormHelper; anything else (a field with
errors, a FormHelper, another widget, an `id` of its own, a localized field...) is drawn by
crispy, so a refused save looks as it did. `tests/test_fields.py` draws the pages' forms'
fields both ways."""

import re

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from crispy_forms.templatetags.crispy_forms_filters import optgroups as crispy_optgroups
from django import forms
from django.conf import settings
from django.forms.formsets import BaseFormSet
from django.template.loader import get_template
from django.templatetags.l10n import unlocalize
from django.utils.safestring import SafeString

from iop.markup import esc, format_safe
from iop.widgets import Select, SelectMultiple, attrs_html, select_html

# Widgets drawn here, by their exact class (a subclass may draw itself otherwise).
INPUTS = {
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.URLInput,
    forms.TelInput,
    forms.SearchInput,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.CheckboxInput,
}
SELECTS = {forms.Select, forms.SelectMultiple, Select, SelectMultiple}
CHOICE_LISTS = {forms.CheckboxSelectMultiple, forms.RadioSelect}
KNOWN = INPUTS | SELECTS | CHOICE_LISTS | {forms.Textarea}

# bootstrap5/field.html, a labelled field (label, widget, help text and errors).
FIELD = (
    '\n\n\n    \n    <div id="div_{id}" class="mb-3{css}">\n        \n            \n'
    '            <label\n                for="{label_for}" class="form-label{required}">\n'
    "                {label}{asterisk}\n            </label>\n        \n\n        \n\n        \n"
    "            \n                \n                    \n                        {widget}\n"
    "                    \n                    \n                        {help}"
    "\n                    \n                \n            \n        \n        \n    </div>\n"
    "    \n\n"
)
# A select sits one `{% if %}` deeper.
SELECT = "\n                            {}\n                        "
CHECKBOX = (
    '\n\n\n    \n        <div class="mb-3">\n        \n    \n    <div id="div_{id}" '
    'class="form-check{css}">\n        \n\n        \n\n        \n            \n'
    "                    \n"
    "                        {widget}\n                    \n"
    '                <label for="{label_for}" class="form-check-label{required}">\n'
    "                    {label}{asterisk}\n                </label>\n                {help}"
    "\n            \n        \n        \n    </div>\n    \n        \n        </div>\n    \n\n"
)
# A list of checkboxes or radios, in a fieldset (crispy's radio_checkbox_select.html, with this
# project's override: templates/bootstrap5/layout/).
CHOICES = (
    '\n\n\n    \n    <div id="div_{id}" class="mb-3{css}">\n        \n            '
    "<fieldset{describedby}>\n            <legend\n"
    '                 class="form-label{required} fs-6">\n                {label}{asterisk}\n'
    "            </legend>\n        \n\n        \n            \n\n\n<div >\n\n    {options}"
    "\n\n</div>\n\n{help}\n\n        \n\n        \n        </fieldset>\n    </div>\n    \n\n"
)
HIDDEN = "\n\n\n    {}\n\n"
# help_text.html, and help_text_and_errors.html around it (no errors: left to crispy).
HELP = '\n    \n        <div id="{}_helptext" class="form-text">{}</div>\n    \n\n'
HELP_AND_ERRORS = "\n\n\n    \n\n\n\n\n    {}\n\n"
ASTERISK = '<span class="asteriskField">*</span>'

# bootstrap5/layout/radio_checkbox_select.html's groups and options, for a field without errors.
GROUP = "\n    {}\n    {}\n    "
OPTION = (
    '\n      <div class="form-check{}">\n        <input type="{}" class="form-check-input"  '
    'name="{}" value="{}" {}>\n        <label for="{}" class="form-check-label">\n            {}\n'
    "        </label>\n        \n     </div>\n    "
)


def check_options(field, inline_class=""):
    """The options of a checkbox or radio list, as crispy's radio_checkbox_select.html draws a
    field without errors (its loop, an include per option, drew a group's 70 facilitators in
    ~10 ms)."""
    inline = " form-check-inline" if inline_class else ""
    groups = []
    for group, options, _ in crispy_optgroups(field):
        rows = "".join(
            format_safe(
                OPTION,
                inline,
                option["type"],
                field.html_name,
                unlocalize(option["value"]),
                attrs_html(option["attrs"]),
                option["attrs"].get("id", ""),
                unlocalize(option["label"]),
            )
            for option in options
        )
        heading = format_safe("<strong>{}</strong>", group) if group else ""
        # Safe: built of escaped parts.
        groups.append(GROUP.format(heading, SafeString(rows)))  # nosec B703 B308
    # Safe: built of escaped parts.
    return SafeString("".join(groups))  # nosec B703 B308


def _drawn_here(field):
    widget = field.field.widget
    return (
        type(widget) in KNOWN
        and field.auto_id
        and not field.errors
        and (not field.field.show_hidden_initial or field.field.hidden_widget is forms.HiddenInput)
        and not field.field.localize
        and "id" not in widget.attrs
        and (field.label or field.is_hidden or type(widget) is forms.CheckboxInput)
    )


def _with_crispy_class(widget, bootstrap_class):
    """crispy's `{% crispy_field field 'class' '...' %}`: the widget's own class name, then
    Bootstrap's, added to the widget's attributes (crispy keeps them there: so does this)."""
    class_name = type(widget).__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if not css_class:
        css_class = class_name
    elif class_name not in css_class:
        css_class += f" {class_name}"
    for name in bootstrap_class.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


def _widget_html(widget, name, value, attrs):
    """`widget.render(name, value, attrs)`, its template drawn here."""
    context = widget.get_context(name, value, attrs)["widget"]
    if type(widget) in SELECTS:
        return select_html(context)
    if type(widget) is forms.Textarea:
        return format_safe(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            attrs_html(context["attrs"]),
            context["value"] or "",
        )
    value = "" if context["value"] is None else format_safe(' value="{}"', context["value"])
    return format_safe(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        value,
        attrs_html(context["attrs"]),
    )


def _widget(field):
    """`str(field)`: BoundField.as_widget, and the hidden initial value after it for a field
    that shows one (as_hidden(only_initial=True))."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    attrs.setdefault("id", field.auto_id)
    html = _widget_html(widget, field.html_name, field.value(), attrs)
    if not field.field.show_hidden_initial:
        return html
    hidden, name, form = field.field.hidden_widget(), field.html_initial_name, field.form
    attrs = field.build_widget_attrs({}, hidden)
    attrs.setdefault("id", field.html_initial_id)
    value = form._widget_data_value(hidden, name) if name in form.data else field.value()
    return html + _widget_html(hidden, name, value, attrs)


def _help(field):
    if not field.help_text:
        return "\n"
    # crispy writes help text as it is (`|safe`): the forms' own text.
    return HELP.format(esc(field.auto_id), str(field.help_text))


def _draw(field):
    """The field as crispy's bootstrap5/field.html draws it in a form without a FormHelper."""
    widget = field.field.widget
    if field.is_hidden:
        return HIDDEN.format(_widget(field))
    required = field.field.required
    parts = {
        "id": esc(field.auto_id),
        "css": f" {esc(css)}" if (css := field.css_classes()) else "",
        "label": esc(field.label),
        "required": " requiredField" if required else "",
        "asterisk": ASTERISK if required else "",
    }
    if type(widget) in CHOICE_LISTS:
        describedby = field.aria_describedby
        return CHOICES.format(
            **parts,
            describedby=format_safe(' aria-describedby="{}"', describedby) if describedby else "",
            options=check_options(field),
            help=_help(field),
        )
    parts["label_for"] = esc(field.id_for_label)
    parts["help"] = HELP_AND_ERRORS.format(_help(field))
    if type(widget) is forms.CheckboxInput:
        _with_crispy_class(widget, "form-check-input")
        return CHECKBOX.format(**parts, widget=_widget(field))
    if type(widget) in SELECTS:
        _with_crispy_class(widget, "form-select")
        return FIELD.format(**parts, widget=SELECT.format(_widget(field)))
    _with_crispy_class(widget, "form-control")
    return FIELD.format(**parts, widget=_widget(field))


def as_field(field):
    """`{{ field|as_crispy_field }}`."""
    if getattr(field.form, "helper", None) is not None or not _drawn_here(field):
        return as_crispy_field(field)
    # Safe: every value escaped, the help text the form's own (crispy writes it as it is).
    return SafeString(_draw(field))  # nosec B703 B308


def _remove_spaces(html):
    """crispy's `{% specialspaceless %}`."""
    return re.sub("/><", "/> <", re.sub(r">\s{3,}<", "> <", html.strip()))


def _crispy_field(field):
    """bootstrap5/field.html as uni_form.html includes it."""
    return get_template("bootstrap5/field.html").render(
        {"field": field, "form_show_errors": True, "form_show_labels": True}
    )


def as_form(form):
    """`{{ form|crispy }}` (crispy's uni_form.html)."""
    if isinstance(form, BaseFormSet) or form.errors:
        return as_crispy_form(form)
    # No errors, so errors.html draws a line break.
    drawn = "".join(
        f"\n        {_draw(field) if _drawn_here(field) else _crispy_field(field)}\n    "
        for field in form
    )
    inner = f"\n    \n    \n        \n\n    \n    {drawn}\n"
    # Safe: built of escaped parts.
    return SafeString(f"\n\n{_remove_spaces(inner)}\n")  # nosec B703 B308
