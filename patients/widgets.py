"""Widgets drawn in Python for the lists a page shows on every request (the caseload's filters).

Django draws a `<select>` through a template per option (and another for each option's
attributes): about 0.1 ms an option, ~8 ms for the caseload's filters with every clinician
listed. These draw the same HTML as Django's templates, character for character
(`tests/patients/test_widgets.py`).
"""

from django import forms
from django.utils.html import format_html, format_html_join


def _attrs(attrs):
    """As `django/forms/widgets/attrs.html`: ` name="value"`, a bare ` name` for True, nothing
    for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _options(options):
    return format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>\n',
        ((str(o["value"]), _attrs(o["attrs"]), o["label"]) for o in options),
    )


def _group(name, options):
    if not name:
        return _options(options)
    return format_html('\n  <optgroup label="{}">{}\n  </optgroup>', name, _options(options))


# Named `Select` on purpose: crispy-forms adds the widget's class name, lowercased, to its CSS
# classes ("select form-select"), and the page keeps the classes it had.
class Select(forms.Select):
    """`forms.Select`, drawn without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = format_html_join(
            "", "{}", ((_group(name, options),) for name, options, _ in widget["optgroups"])
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), groups
        )
