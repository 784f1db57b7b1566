"""The chart's Sessions tab's attendance rows and upcoming sessions, drawn in Python: a row
through the template language resolved a dozen variables, a date and up to two URLs, and the
page's 25 rows (and 10 upcoming) were most of drawing the tab (issue 14). The HTML is the
template's it replaces, byte for byte (tests/sessions/test_chart_sessions_tab.py holds the
two the same)."""

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString

from iop.markup import format_safe
from patients.links import url_with_ids
from sessions.templatetags.today_tags import day_hour_minute, session_url

register = template.Library()

ROW = (
    "<tr><td>{opens}{starts} · {title}{closes}</td><td>{status}{note}</td>"
    "<td>{minutes}</td></tr>\n      "
)
NOTE = ' · <a href="{}">note</a>'


@register.simple_tag
def attendance_rows(attendance, patient, openable, noted):
    """The tab's attendance rows (`patient_history.attendance_page`'s records): each session
    linked when the user may open it (`openable`, session ids), and its note from the chart
    when it holds a part for the patient (`noted`)."""
    rows = []
    for record in attendance:
        session, pk = record.session, record.session_id
        is_open = pk in openable
        rows.append(
            format_safe(
                ROW,
                opens=format_safe('<a href="{}">', session_url(pk)) if is_open else "",
                starts=day_hour_minute(session.starts_at),
                title=session.group.name if session.group else session.get_kind_display(),
                closes=format_safe("</a>") if is_open else "",
                status=record.get_status_display(),
                note=format_safe(NOTE, url_with_ids("sessions:chart-note", patient.pk, pk))
                if pk in noted
                else "",
                minutes=localize(record.minutes_attended),
            )
        )
    # Safe: each row is format_safe's, every value in it escaped.
    return SafeString("".join(rows))  # nosec B703 B308


UPCOMING = "<li>{starts} {title}</li>"


@register.simple_tag
def upcoming_items(upcoming, openable):
    """The tab's upcoming sessions (`patient_history.upcoming_for`'s), each linked when the
    user may open it (`openable`, session ids)."""
    items = []
    for session in upcoming:
        starts = day_hour_minute(session.starts_at)
        if session.pk in openable:
            starts = format_safe('<a href="{}">{}</a>', session_url(session.pk), starts)
        title = session.group.name if session.group else session.get_kind_display()
        items.append(format_safe(UPCOMING, starts=starts, title=title))
    # Safe: each item is format_safe's, every value in it escaped.
    return SafeString("".join(items))  # nosec B703 B308
