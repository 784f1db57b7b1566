"""The report's addresses, each keeping the filters of the page it is reached from."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from reports.selectors import chart_as_table


def report_query(scope):
    return urlencode(scope.query())


def drill_url(slug, key, scope):
    return reverse("reports:drill", args=[slug, key]) + "?" + report_query(scope)


def charts_data(sections, scope):
    """What static/js/reports.js draws: {canvas id: {kind, unit, labels, series: [{label,
    values, links}]}}, each point's link its drill-down (None when it has none)."""
    data = {}
    for section in sections:
        for chart in section.charts:
            data[chart_id(section, chart)] = {
                "kind": chart.kind,
                "unit": chart.unit,
                "title": chart.title,
                "labels": [str(label) for label in chart.labels],
                "series": [
                    {
                        "label": series.label,
                        "values": list(series.values),
                        "links": [
                            drill_url(section.slug, key, scope) if key else None
                            for key in (series.drill or [None] * len(series.values))
                        ],
                    }
                    for series in chart.series
                ],
            }
    return data


def chart_id(section, chart):
    return f"chart-{section.slug}-{chart.key}"


def dashboard_sections(sections):
    """Each section with its charts' canvas ids and data as rows, as the template reads them."""
    return [
        {
            "section": section,
            "charts": [
                {
                    "id": chart_id(section, chart),
                    "chart": chart,
                    "rows": chart_as_table(chart),
                    # nothing but 0 and "–": empty axes say nothing, a sentence does
                    "blank": not any(v for series in chart.series for v in series.values),
                }
                for chart in section.charts
            ],
        }
        for section in sections
    ]


def sections_html(sections, scope):
    """The dashboard's sections as HTML: figures, charts' tables and tables with their links
    (a thousand values at scale; rendered once per computation, reports/cached.py)."""
    context = {"sections": dashboard_sections(sections), "report_query": report_query(scope)}
    return render_to_string("reports/_sections.html", context)
