from django import template
from django.urls import reverse

from reports.formatting import display

register = template.Library()


@register.filter
def report_value(value, unit=""):
    """`{{ figure.value|report_value:figure.unit }}`: "81.5 %", "–" for nothing to judge."""
    return display(value, unit)


@register.simple_tag(takes_context=True)
def drill_href(context, slug, key):
    """The drill-down `key` of section `slug`, keeping the report's filters."""
    return reverse("reports:drill", args=[slug, key]) + "?" + context["report_query"]


@register.simple_tag(takes_context=True)
def table_csv_href(context, slug, key, deidentified=False):
    url = reverse("reports:table-csv", args=[slug, key]) + "?" + context["report_query"]
    return url + ("&deidentified=1" if deidentified else "")
