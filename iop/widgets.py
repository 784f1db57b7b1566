"""Selects drawn from Python as Django's widget templates draw them (select.html,
select_option.html, attrs.html), byte for byte: the templates include two more per option, and
the schedule form's patient and clinician lists and the caseload's filters (a hundred options
and more) spent most of their page's time there (`tests/sessions/test_widgets.py`,
`tests/patients/test_caseload_rows.py`)."""

from django import forms
from django.utils.safestring import SafeString

from iop.markup import esc, format_safe


def attrs_html(attrs):
    """django/forms/widgets/attrs.html."""
    # Safe: names and values escaped.
    return SafeString(  # nosec B703 B308
        "".join(
            f" {esc(name)}" if value is True else f' {esc(name)}="{esc(format(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def _options(choices):
    """select_option.html for each option, as select.html's loop includes it (an option
    without attributes, most of them, skips attrs.html's join)."""
    option = '\n  <option value="{}"{}>{}</option>\n'
    # Safe: values and labels escaped.
    return SafeString(  # nosec B703 B308
        "".join(
            option.format(
                esc(format(o["value"])),
                attrs_html(o["attrs"]) if o["attrs"] else "",
                esc(o["label"]),
            )
            for o in choices
        )
    )


def select_html(widget):
    """select.html for a select's widget context (`Widget.get_context()["widget"]`)."""
    optgroups = widget["optgroups"]
    if not any(label for label, _, _ in optgroups):
        # Django makes each option outside an optgroup a group of its own: drawn as one
        # run, not a join per option (a hundred-option list: 2.1 -> 1 ms).
        groups = _options(option for _, choices, _ in optgroups for option in choices)
    else:
        groups = "".join(
            format_safe('\n  <optgroup label="{}">{}\n  </optgroup>', label, _options(choices))
            if label
            else _options(choices)
            for label, choices, _ in optgroups
        )
    return format_safe(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        attrs_html(widget["attrs"]),
        # Safe: built of escaped parts.
        SafeString(groups),  # nosec B703 B308
    )


class QuickSelectMixin:
    def render(self, name, value, attrs=None, renderer=None):
        return select_html(self.get_context(name, value, attrs)["widget"])


# Named as Django's: crispy-forms gives a field's input its widget's class name as a CSS class.
class Select(QuickSelectMixin, forms.Select):
    pass


class SelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass
