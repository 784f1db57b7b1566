"""What the screens app shows elsewhere, through `patients/extensions.py`: the chart's Screens
tab and Today's "due for a screen today"."""

from django.utils import timezone

from patients import extensions


def due_today_section(user):
    """Today's section: the user's patients with a screen due today (two queries: the count and
    the first rows)."""
    from screens.selectors import due_today

    rows = due_today(user, timezone.localdate())
    return extensions.TodaySection(
        slug="screens-due",
        heading="Due for a drug screen today",
        template="screens/_today_due.html",
        rows=list(rows[: extensions.TODAY_SECTION_ROWS]),
        count=rows.count(),
    )


def register():
    tab = extensions.ChartTab("screens", "Screens", "screens:chart")
    if tab not in extensions.chart_tabs:
        extensions.chart_tabs.append(tab)
    if due_today_section not in extensions.today_sections:
        extensions.today_sections.append(due_today_section)
