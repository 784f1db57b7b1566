from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html

from reports.formatting import display

register = template.Library()


@register.filter
def report_value(value, unit=""):
    """`{{ figure.value|report_value:figure.unit }}`: "81.5 %", "–" for nothing to judge."""
    return display(value, unit)


@lru_cache(maxsize=4096)
def _drill_path(slug, key):
    # A dashboard links about a thousand values; reversing each costs more than the rest of
    # its rendering. The URLconf never changes while the process runs.
    return reverse("reports:drill", args=[slug, key])


@register.simple_tag(takes_context=True)
def drill_href(context, slug, key):
    """The drill-down `key` of section `slug`, keeping the report's filters."""
    return _drill_path(slug, key) + "?" + context["report_query"]


@register.simple_tag(takes_context=True)
def report_value_link(context, slug, key, value, unit=""):
    """A value as it reads, linked to its drill-down when it has one (`key`)."""
    text = display(value, unit)
    if not key:
        return format_html("{}\n", text)
    href = drill_href(context, slug, key)
    return format_html('<a href="{}" data-testid="drill-link">{}</a>\n', href, text)


@register.simple_tag(takes_context=True)
def table_csv_href(context, slug, key, deidentified=False):
    url = reverse("reports:table-csv", args=[slug, key]) + "?" + context["report_query"]
    return url + ("&deidentified=1" if deidentified else "")
