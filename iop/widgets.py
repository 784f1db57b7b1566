"""Selects drawn from Python as Django's widget templates draw them (select.html,
select_option.html, attrs.html), byte for byte: the templates include two more per option, and
the schedule form's patient and clinician lists and the caseload's filters (a hundred options
and more) spent most of their page's time there (`tests/sessions/test_widgets.py`,
`tests/patients/test_caseload_rows.py`)."""

from django import forms
from django.utils.html import format_html, format_html_join


def _attrs(attrs):
    """django/forms/widgets/attrs.html."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', f"{value}"))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _options(choices):
    """select_option.html for each option, as select.html's loop includes it (an option
    without attributes, most of them, skips attrs.html's join)."""
    return format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>\n',
        (
            (
                f"{option['value']}",
                _attrs(option["attrs"]) if option["attrs"] else "",
                option["label"],
            )
            for option in choices
        ),
    )


class QuickSelectMixin:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if not any(label for label, _, _ in widget["optgroups"]):
            # Django makes each option outside an optgroup a group of its own: drawn as one
            # run, not a join per option (a hundred-option list: 2.1 -> 1 ms).
            options = _options(
                option for _, choices, _ in widget["optgroups"] for option in choices
            )
            return format_html(
                '<select name="{}"{}>{}\n</select>',
                widget["name"],
                _attrs(widget["attrs"]),
                options,
            )
        groups = format_html_join(
            "",
            "{}",
            (
                (
                    format_html(
                        '\n  <optgroup label="{}">{}\n  </optgroup>', label, _options(choices)
                    )
                    if label
                    else _options(choices),
                )
                for label, choices, _ in widget["optgroups"]
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), groups
        )


# Named as Django's: crispy-forms gives a field's input its widget's class name as a CSS class.
class Select(QuickSelectMixin, forms.Select):
    pass


class SelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass
