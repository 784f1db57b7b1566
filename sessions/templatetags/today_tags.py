"""Today's session cards and lists (notes to write, below their hours, waiting for a
co-signature), drawn in Python: a card or a row through the template language resolves a dozen
variables, a date or two and a URL each, and they were most of drawing the page (issue 14).
The HTML is the templates' they replace, byte for byte; a session whose attendance sheet is
drawn still draws it from its template."""

from django import template
from django.template.defaultfilters import date, floatformat
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from patients.links import patient_url, url_with_id

register = template.Library()


def session_url(pk):
    """`{% url 'sessions:session' pk %}` without resolving the pattern for each card or row."""
    return url_with_id("sessions:session", pk)


def hour_minute(value):
    """`{{ value|date:"H:i" }}` of an aware datetime (in the current time zone), without
    `dateformat` parsing the format for each of the page's ~40 times."""
    return f"{timezone.localtime(value):%H:%M}"


def day_hour_minute(value):
    """`{{ value|date:"D j M H:i" }}` of an aware datetime: the day's and month's names as
    `dateformat` gives them (its `D` and `M`, translated), e.g. "Fri 27 Nov 09:30"."""
    value = timezone.localtime(value)
    day, month = WEEKDAYS_ABBR[value.weekday()], MONTHS_3[value.month].title()
    return f"{day} {value.day} {month} {value:%H:%M}"


def _note(session):
    # The note is read with the session, or there is none (the reverse accessor raises).
    return getattr(session, "note", None)


CARD = (
    '<article class="card mb-3" data-testid="session-card" aria-labelledby="session-{pk}">\n'
    '  <div class="card-header d-flex flex-wrap gap-2 align-items-baseline">\n'
    '    <h3 class="h6 mb-0 flex-grow-1" id="session-{pk}">\n'
    '      <a href="{url}">{starts}–{ends} · {title}</a></h3>\n'
    '    <span class="small text-body-secondary">{delivery}{location}</span>\n'
    '    <span class="badge text-bg-{style}">{status}</span>\n'
    "    {note}\n"
    "  </div>\n"
    "  {body}\n"
    "</article>\n"
)
# Safe: a constant.
NOTE_SIGNED = mark_safe('<span class="badge text-bg-success">note signed</span>')  # nosec B703 B308
NOTE_LINK = '<a class="btn btn-sm btn-outline-primary py-0" href="{}#note">Note</a>'
FOLDED = (
    '\n  <p class="card-body small mb-0" data-testid="session-folded">Over; attendance taken for '
    'all {size}: {attended} attended. <a href="{url}">Open the session</a> to correct it.</p>\n  '
)
WAITING = (
    '\n  <p class="card-body small mb-0" data-testid="session-waiting">{size} on the roster'
    "{marked}. Attendance opens at {opens}. "
    '<a href="{url}">Open the session</a> to see the roster.</p>\n  '
)
STATUS_STYLES = {"completed": "success", "scheduled": "secondary"}


def _title(session):
    if session.group:
        return session.group.name
    episode = session.episode
    name = episode.patient.display_name if episode and episode.patient else ""
    return format_html("{}: {}", session.get_kind_display(), name)


@register.simple_tag(takes_context=True)
def session_card(context, session):
    """One of Today's sessions (`today.read_todays_sessions`): its header, then the line of a folded
    or waiting session, or its attendance sheet (`_attendance_sheet.html`, as a runner)."""
    url = session_url(session.pk)
    if session.folded:
        body = format_html(FOLDED, size=session.roster_size, attended=session.attended, url=url)
    elif session.waiting:
        marked = f", {session.marked} marked" if session.marked else ""
        opens = hour_minute(session.opens_at)
        body = format_html(WAITING, size=session.roster_size, marked=marked, opens=opens, url=url)
    else:
        sheet = context.template.engine.get_template("sessions/_attendance_sheet.html")
        with context.push(session=session, runner=True):
            body = sheet.render(context)
    note = _note(session)
    return format_html(
        CARD,
        pk=session.pk,
        url=url,
        starts=hour_minute(session.starts_at),
        ends=hour_minute(session.ends_at),
        title=_title(session),
        delivery=session.get_delivery_display(),
        location=format_html(" · {}", session.location) if session.location else "",
        style=STATUS_STYLES.get(session.status, "warning"),
        status=session.get_status_display(),
        note=NOTE_SIGNED if note and note.is_locked else format_html(NOTE_LINK, url),
        body=body,
    )


NOTE_ROW = (
    '\n  <li class="mb-1"><a href="{url}#note">{title}</a>\n'
    '    <span class="small text-body-secondary">{starts} · {state}</span></li>\n'
)


def _note_row(session):
    if session.group:
        title = session.group.name
    else:
        name = session.patient.display_name if session.patient else ""
        title = format_html("{} · {}", session.get_kind_display(), name)
    return {
        "url": session_url(session.pk),
        "title": title,
        "starts": day_hour_minute(session.starts_at),
        "state": "draft" if _note(session) else "not started",
    }


@register.simple_tag
def notes_to_write_list(sessions):
    """Sessions needing a note (`today.notes_to_write`'s rows), a link to each one's note."""
    rows = format_html_join("", NOTE_ROW, (_note_row(s) for s in sessions))
    return format_html('<ul class="list-unstyled mb-0" data-testid="notes-to-write">{}</ul>', rows)


BELOW_ROW = (
    '\n  <li><a href="{url}">{name}</a>\n'
    '    <span class="small">{hours} of {minimum} h {level} (week of {week}){current}</span></li>\n'
)
THIS_WEEK = "; this week {} h so far, in progress"


@register.simple_tag
def below_hours_list(rows):
    """Patients below their hours last week (`today.below_hours`'s rows: episode, last week,
    this week so far), a link to each one's sessions tab. The figures go through the filters
    the template used (`localize`, `floatformat`, `date`), so they read the same."""
    rows = format_html_join(
        "",
        BELOW_ROW,
        (
            {
                "url": patient_url("sessions:chart", episode.patient_id),
                "name": episode.patient.display_name,
                "hours": localize(week["hours"]),
                "minimum": floatformat(week["minimum"], "-1"),
                "level": localize(week["level"]),
                "week": date(week["week"], "j M"),
                "current": format_html(THIS_WEEK, localize(current["hours"])) if current else "",
            }
            for episode, week, current in rows
        ),
    )
    return format_html('<ul class="list-unstyled mb-0" data-testid="below-hours">{}</ul>', rows)


COSIGN_DAY = '\n  <dt class="mt-1" data-testid="cosign-day">{day}</dt>\n  {authors}\n'
COSIGN_AUTHOR = (
    '<dd class="mb-1 ms-2" data-testid="cosign-group">{name}, {count} note{plural}:\n    '
    "{links}</dd>\n  "
)
COSIGN_LINK = '<a href="{}#note">{} {}</a>'


def _cosign_link(note):
    session = note.session
    title = session.group.name if session.group else session.patient.display_name
    return (session_url(note.session_id), title, hour_minute(session.starts_at))


@register.simple_tag
def cosign_groups(groups):
    """Notes waiting for a co-signature by session date, one line per trainee and day
    (`today.group_cosign`'s groups), a link to each note."""
    days = format_html_join(
        "",
        COSIGN_DAY,
        (
            {
                "day": date(day, "D j M"),
                "authors": format_html_join(
                    "",
                    COSIGN_AUTHOR,
                    (
                        {
                            "name": author.display_name,
                            "count": len(notes),
                            "plural": "" if len(notes) == 1 else "s",
                            "links": format_html_join(", ", COSIGN_LINK, map(_cosign_link, notes)),
                        }
                        for author, notes in authors
                    ),
                ),
            }
            for day, authors in groups
        ),
    )
    return format_html('\n<dl class="mb-0 small" data-testid="cosign-list">{}</dl>', days)
