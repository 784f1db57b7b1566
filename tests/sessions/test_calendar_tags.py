"""The calendars' grids and the week grid drawn by `calendar_tags` are the templates' they
replace, byte for byte: a week and a month, with sessions the reader may open and may not,
cancelled, reschedulable, a group's and a patient's, names that need escaping, and today; the
week grid's days with and without sessions, a signed and a draft note."""

from datetime import date

import pytest
from django.template import Context, Template

from sessions import services as ss
from sessions.calendar import month_rows, period_from, week_rows
from sessions.models import ProgressNote, TherapyGroup, TherapySession
from sessions.views.scheduling import week_days
from tests.sessions.helpers import MON_9, at, book

# sessions/_calendar_session.html as it was.
SESSION_TEMPLATE = (
    "{% if s.visible %}<div class=\"calendar-session small mb-1{% if s.status == 'cancelled' %}"
    ' text-body-secondary{% endif %}" data-testid="calendar-session">\n'
    "  <a href=\"{% url 'sessions:session' s.pk %}\"{% if s.status == 'cancelled' %}"
    ' class="text-decoration-line-through"{% endif %}>{{ s.starts_at|date:"H:i" }}–'
    '{{ s.ends_at|date:"H:i" }} {% if s.group %}{{ s.group.name }}{% else %}'
    "{{ s.get_kind_display }}{% if s.patient %} · {{ s.patient.display_name }}{% endif %}"
    "{% endif %}</a>\n"
    "  <span class=\"badge text-bg-{% if s.status == 'completed' %}success{% elif s.status == "
    "'scheduled' %}secondary{% else %}warning{% endif %}\">{{ s.get_status_display }}</span>\n"
    '  {% if s.reschedulable %}<a class="d-inline-block" href="{% url \'sessions:reschedule\' '
    's.pk %}?next={{ return_to|urlencode }}">Reschedule<span class="visually-hidden"> '
    '{{ s.starts_at|date:"D j M H:i" }}</span></a>{% endif %}\n'
    '</div>{% else %}<div class="calendar-session small mb-1 text-body-secondary" '
    'data-testid="calendar-busy">{{ s.starts_at|date:"H:i" }}–{{ s.ends_at|date:"H:i" }} '
    "booked</div>{% endif %}\n"
)
# sessions/calendar.html's rows as they were.
WEEK_TEMPLATE = Template(
    "{% for hour, cells in rows %}<tr>\n"
    '      <th scope="row">{{ hour|stringformat:"02d" }}:00</th>\n'
    '      {% for day, day_sessions in cells %}<td{% if day == today %} class="table-info"'
    "{% endif %}>{% for s in day_sessions %}" + SESSION_TEMPLATE + "{% endfor %}</td>"
    "{% endfor %}\n"
    "    </tr>{% endfor %}"
)
MONTH_TEMPLATE = Template(
    "{% for monday, cells in rows %}<tr>\n"
    '      <th scope="row">{{ monday|date:"j M" }}</th>\n'
    '      {% for day, in_month, day_sessions in cells %}<td class="{% if not in_month %}'
    'text-body-secondary {% endif %}{% if day == today %}table-info{% endif %}">\n'
    '        <div class="fw-semibold small">{% if day == today %}<span class="visually-hidden">'
    'Today, </span>{% endif %}{{ day|date:"j" }}<span class="visually-hidden"> '
    '{{ day|date:"F" }}</span></div>\n'
    "        {% for s in day_sessions %}" + SESSION_TEMPLATE + "{% endfor %}\n"
    "      </td>{% endfor %}\n"
    "    </tr>{% endfor %}"
)
WEEK_TAG = Template("{% load calendar_tags %}{% calendar_week rows today return_to %}")
MONTH_TAG = Template("{% load calendar_tags %}{% calendar_month rows today return_to %}")


@pytest.fixture
def sessions(clock, episode, clinician, group):
    TherapyGroup.objects.filter(pk=group.pk).update(name='Skills <&> "DBT"')
    ss.group_schedule_generate(weeks=2, start=MON_9)  # Mon/Wed/Fri 09:00
    book(clinician, starts_at=at(MON_9, 14), episode=episode, location="Room 2")
    book(clinician, starts_at=at(MON_9, 7), episode=episode, kind="family")
    rows = list(
        TherapySession.objects.select_related("group", "patient", "episode").order_by(
            "starts_at", "pk"
        )
    )
    rows[1].status = TherapySession.Status.CANCELLED
    rows[2].status = TherapySession.Status.COMPLETED
    for i, session in enumerate(rows):
        session.visible = i % 4 != 3
        session.reschedulable = i % 2 == 0
    return rows


@pytest.mark.parametrize("view", ["week", "month"])
def test_the_grid_is_the_templates_byte_for_byte(sessions, view):
    period = period_from({"view": view, "date": "2026-11-09"})
    rows = week_rows(period, sessions) if view == "week" else month_rows(period, sessions)
    context = Context(
        {
            "rows": rows,
            "today": date(2026, 11, 11),
            "return_to": "/calendar/group/1/?view=month&date=2026-11-01 x",
        }
    )
    template, tag = (WEEK_TEMPLATE, WEEK_TAG) if view == "week" else (MONTH_TEMPLATE, MONTH_TAG)
    drawn = tag.render(context)
    assert drawn == template.render(context)
    assert "Skills &lt;&amp;&gt; &quot;DBT&quot;" in drawn and "Individual · " in drawn
    assert "calendar-busy" in drawn and "text-decoration-line-through" in drawn
    assert "Reschedule" in drawn and "table-info" in drawn


# sessions/_week_grid.html's days as they were.
WEEK_GRID_TEMPLATE = Template(
    "{% for day, day_sessions in days %}\n"
    '    <section class="col" aria-label="{{ day|date:\'l j F\' }}">\n'
    '      <h2 class="h6 border-bottom pb-1">{{ day|date:"D j M" }}</h2>\n'
    "      {% for s in day_sessions %}\n"
    '        <a class="d-block small mb-1 p-1 rounded border text-decoration-none'
    "{% if s.status == 'cancelled' %} text-decoration-line-through text-body-secondary"
    '{% endif %}" href="{% url \'sessions:session\' s.pk %}">\n'
    '          <strong>{{ s.starts_at|date:"H:i" }}</strong> {% if s.group %}{{ s.group.name }}'
    "{% else %}{{ s.get_kind_display }}{% if s.patient %} · {{ s.patient.display_name }}"
    "{% endif %}{% endif %}\n"
    '          <span class="d-block text-body-secondary">{{ s.get_status_display }}'
    "{% if s.note %}{% if s.note.is_locked %} · note signed{% else %} · note draft{% endif %}"
    "{% endif %}</span></a>\n"
    '      {% empty %}<p class="small text-body-secondary">—</p>{% endfor %}\n'
    "    </section>\n"
    "  {% endfor %}"
)
WEEK_GRID_TAG = Template("{% load calendar_tags %}{% week_grid_days days %}")


def test_the_week_grids_days_are_the_templates_byte_for_byte(sessions, clinician):
    for session, status in zip(sessions[:2], ("signed", "draft"), strict=True):
        ProgressNote.objects.create(session=session, author=clinician, status=status)
    week = TherapySession.objects.select_related("group", "patient", "note").filter(
        pk__in=[s.pk for s in sessions]
    )
    week = list(week.order_by("starts_at", "pk"))
    week[2].status = TherapySession.Status.CANCELLED
    context = Context({"days": week_days(MON_9, week)})
    drawn = WEEK_GRID_TAG.render(context)
    assert drawn == WEEK_GRID_TEMPLATE.render(context)
    assert "note signed" in drawn and "note draft" in drawn and "—</p>" in drawn
    assert "Skills &lt;&amp;&gt; &quot;DBT&quot;" in drawn and "line-through" in drawn
