"""The dashboard as a PDF for a board meeting, in the app's shared frame (`iop.pdf`): the
scope in words under the letterhead, then each section's figures, tables and charts (as
tables). Aggregates only: no patient is named, so it is de-identified by nature."""

from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from iop.pdf import FONT, FONT_BOLD, WIDTH, Document, render, styles, text
from reports.formatting import display
from reports.selectors import chart_as_table, scope_in_words

AGGREGATES_ONLY = (
    "Aggregates only: no patient is named in this report. Counts of a few patients may still "
    "identify someone to those who know them: share within the organisation only."
)
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("REPEATROWS", (0, 0), (-1, 0)),
    ]
)


def _grid(header, rows, s, widths=None):
    def cell(value):
        return Paragraph(text(value), s["body"])

    data = [[cell(h) for h in header]] + [[cell(v) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    return table


def _figures(section, s):
    rows = [
        [figure.label, display(figure.value, figure.unit), figure.help]
        for figure in section.figures
    ]
    widths = [WIDTH * 0.3, WIDTH * 0.15, WIDTH * 0.55]
    return _grid(["Figure", "Value", "How it is counted"], rows, s, widths)


def _table(table, s):
    rows = [[display(cell.value, cell.unit) for cell in row] for row in table.rows]
    return [Paragraph(escape(table.title), s["h2"]), _grid(table.columns, rows, s)]


def _chart(chart, s):
    header = [""] + [series.label for series in chart.series]
    rows = [
        [label] + [display(value, chart.unit) for value, _drill in values]
        for label, values in chart_as_table(chart)
    ]
    return [Paragraph(escape(chart.title), s["h2"]), _grid(header, rows, s)]


def dashboard_story(sections, s):
    story = [Paragraph(escape(AGGREGATES_ONLY), s["body"])]
    for section in sections:
        story += [Spacer(1, 8), Paragraph(escape(section.title), s["h1"])]
        if section.figures:
            story.append(_figures(section, s))
        for table in section.tables:
            story += [Spacer(1, 4), KeepTogether(_table(table, s))]
        tabled = {table.title for table in section.tables}
        for chart in section.charts:
            if chart.title in tabled:
                continue  # a table of the same numbers is already printed: not twice on paper
            story += [Spacer(1, 4), KeepTogether(_chart(chart, s))]
        for note in section.notes:
            story.append(Paragraph(text(note), s["body"]))
    return story


def dashboard_pdf(sections, scope):
    """The PDF's bytes."""
    s = styles()
    made = timezone.localtime().strftime("%-d %b %Y %H:%M")
    document = Document(
        title="Program report",
        header_lines=[
            f"<b>Program report</b> · {escape(scope_in_words(scope))}",
            f"Prepared {made}",
        ],
        footer_notes=[escape(AGGREGATES_ONLY)],
    )
    data, _pages = render(
        document, [Paragraph("Program report", s["title"])] + dashboard_story(sections, s)
    )
    return data
