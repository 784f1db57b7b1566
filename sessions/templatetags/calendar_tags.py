"""The calendars' grids and the week grid (a clinician's schedule, a group's page), drawn in
Python: through the template language each session of a month (30 for a group's) or of a
clinician's week resolved a dozen variables, a date or three and a URL or two, and each of
the month's 42 days two dates, and they were most of drawing the pages (issue 14). The HTML
is the templates' it replaces (sessions/calendar.html's rows, its _calendar_session.html and
_week_grid.html's days), byte for byte (tests/sessions/test_calendar_tags.py holds them the
same)."""

from urllib.parse import quote

from django import template
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.safestring import SafeString

from iop.markup import esc, format_safe
from patients.links import url_with_id
from sessions.models import TherapySession
from sessions.templatetags.today_tags import day_hour_minute, hour_minute, session_url

register = template.Library()

SESSION = (
    '<div class="calendar-session small mb-1{muted}" data-testid="calendar-session">\n'
    '  <a href="{url}"{struck}>{starts}–{ends} {title}</a>\n'
    '  <span class="badge text-bg-{style}">{status}</span>\n'
    "  {reschedule}\n"
    "</div>\n"
)
BUSY = (
    '<div class="calendar-session small mb-1 text-body-secondary" data-testid="calendar-busy">'
    "{starts}–{ends} booked</div>\n"
)
RESCHEDULE = (
    '<a class="d-inline-block" href="{url}?next={back}">Reschedule'
    '<span class="visually-hidden"> {when}</span></a>'
)
# Safe: constants.
MUTED = SafeString(" text-body-secondary")  # nosec B703 B308
STRUCK = SafeString(' class="text-decoration-line-through"')  # nosec B703 B308
STATUS_STYLES = {"completed": "success", "scheduled": "secondary"}
KIND_LABELS = dict(TherapySession.Kind.choices)
STATUS_LABELS = dict(TherapySession.Status.choices)


def _title(session):
    if session.group:
        return session.group.name
    if session.patient:
        return format_safe("{} · {}", _kind(session), session.patient.display_name)
    return _kind(session)


def _kind(session):
    """`session.get_kind_display()`, without flattening the field's choices for each."""
    return KIND_LABELS.get(session.kind, session.kind)


@register.simple_tag
def calendar_sessions(sessions, return_to):
    """A calendar cell's sessions: each the reader may open (`session.visible`) linked, with
    its status and, when `session.reschedulable`, a link to reschedule it that comes back to
    `return_to`; any other only as booked."""
    back = None
    drawn = []
    for session in sessions:
        starts, ends = hour_minute(session.starts_at), hour_minute(session.ends_at)
        if not session.visible:
            drawn.append(format_safe(BUSY, starts=starts, ends=ends))
            continue
        cancelled = session.status == "cancelled"
        reschedule = ""
        if session.reschedulable:
            back = back or quote(return_to)  # `return_to|urlencode`
            reschedule = format_safe(
                RESCHEDULE,
                url=url_with_id("sessions:reschedule", session.pk),
                back=back,
                when=day_hour_minute(session.starts_at),
            )
        drawn.append(
            format_safe(
                SESSION,
                muted=MUTED if cancelled else "",
                url=session_url(session.pk),
                struck=STRUCK if cancelled else "",
                starts=starts,
                ends=ends,
                title=_title(session),
                style=STATUS_STYLES.get(session.status, "warning"),
                status=STATUS_LABELS.get(session.status, session.status),
                reschedule=reschedule,
            )
        )
    # Safe: each session is format_safe's, every value in it escaped.
    return SafeString("".join(drawn))  # nosec B703 B308


WEEK_ROW = '<tr>\n      <th scope="row">{hour:02d}:00</th>\n      {cells}\n    </tr>'
WEEK_CELL = "<td{today}>{sessions}</td>"
# Safe: a constant.
TODAY_CELL = SafeString(' class="table-info"')  # nosec B703 B308


@register.simple_tag
def calendar_week(rows, today, return_to):
    """A week's rows (`sessions.calendar.week_rows`): an hour each, a cell per day."""
    drawn = []
    for hour, cells in rows:
        tds = "".join(
            WEEK_CELL.format(
                today=TODAY_CELL if day == today else "",
                sessions=calendar_sessions(sessions, return_to),
            )
            for day, sessions in cells
        )
        drawn.append(WEEK_ROW.format(hour=hour, cells=tds))
    # Safe: the hours are numbers, the sessions calendar_sessions' (escaped).
    return SafeString("".join(drawn))  # nosec B703 B308


MONTH_ROW = '<tr>\n      <th scope="row">{monday}</th>\n      {cells}\n    </tr>'
MONTH_CELL = (
    '<td class="{outside}{today}">\n'
    '        <div class="fw-semibold small">{today_words}{day}'
    '<span class="visually-hidden"> {month}</span></div>\n'
    "        {sessions}\n"
    "      </td>"
)


@register.simple_tag
def calendar_month(rows, today, return_to):
    """A month's rows (`sessions.calendar.month_rows`): a week each, a cell per day, the days
    outside the month muted and today marked."""
    drawn = []
    for monday, cells in rows:
        tds = "".join(
            MONTH_CELL.format(
                outside="" if in_month else "text-body-secondary ",
                today="table-info" if day == today else "",
                today_words='<span class="visually-hidden">Today, </span>' if day == today else "",
                day=day.day,  # `date:"j"`
                month=esc(MONTHS[day.month]),  # `date:"F"`
                sessions=calendar_sessions(sessions, return_to),
            )
            for day, in_month, sessions in cells
        )
        # `date:"j M"`
        drawn.append(
            MONTH_ROW.format(monday=f"{monday.day} {MONTHS_3[monday.month].title()}", cells=tds)
        )
    # Safe: dates (the month's name escaped) and calendar_sessions' (escaped).
    return SafeString("".join(drawn))  # nosec B703 B308


WEEK_DAY = (
    '\n    <section class="col" aria-label="{label}">\n'
    '      <h2 class="h6 border-bottom pb-1">{heading}</h2>\n'
    "      {sessions}\n"
    "    </section>\n  "
)
WEEK_SESSION = (
    '\n        <a class="d-block small mb-1 p-1 rounded border text-decoration-none{struck}" '
    'href="{url}">\n'
    "          <strong>{starts}</strong> {title}\n"
    '          <span class="d-block text-body-secondary">{status}{note}</span></a>\n      '
)
# Safe: constants.
NO_SESSION = SafeString('<p class="small text-body-secondary">—</p>')  # nosec B703 B308
STRUCK_MUTED = SafeString(" text-decoration-line-through text-body-secondary")  # nosec B703 B308


def _note_words(session):
    # The note is read with the session, or there is none (the reverse accessor raises).
    note = getattr(session, "note", None)
    if note is None:
        return ""
    return " · note signed" if note.is_locked else " · note draft"


@register.simple_tag
def week_grid_days(days):
    """The week grid's days (`sessions.views.scheduling.week_days`): each day's sessions
    linked, with their status and whether their note is signed or a draft."""
    drawn = []
    for day, sessions in days:
        cards = [
            format_safe(
                WEEK_SESSION,
                struck=STRUCK_MUTED if session.status == "cancelled" else "",
                url=session_url(session.pk),
                starts=hour_minute(session.starts_at),
                title=_title(session),
                status=STATUS_LABELS.get(session.status, session.status),
                note=_note_words(session),
            )
            for session in sessions
        ]
        drawn.append(
            format_safe(
                WEEK_DAY,
                # `date:'l j F'` and `date:"D j M"`
                label=f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month]}",
                heading=f"{WEEKDAYS_ABBR[day.weekday()]} {day.day} {MONTHS_3[day.month].title()}",
                # Safe: each card is format_safe's.
                sessions=SafeString("".join(cards)) if cards else NO_SESSION,  # nosec B703 B308
            )
        )
    # Safe: each day is format_safe's, every value in it escaped.
    return SafeString("".join(drawn))  # nosec B703 B308
