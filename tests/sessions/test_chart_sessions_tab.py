"""The chart's Sessions tab on a long record: attendance a page at a time, newest first, and
what is coming up from the patient's own sessions and the groups they are in now."""

from datetime import timedelta

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from sessions import patient_history
from sessions.models import Attendance, TherapyGroup, TherapySession
from sessions.patient_history import ATTENDANCE_PER_PAGE
from tests import history
from tests.factories import TherapyGroupFactory, TherapySessionFactory
from tests.queries import query_counts


def tab(patient):
    return reverse("sessions:chart", args=[patient.pk])


def test_attendance_pages_newest_first_and_says_how_many(client, clinician, episode, clock):
    history.attended_sessions(episode, 30, clinician=clinician)
    client.force_login(clinician)
    first = client.get(tab(episode.patient))
    rows = first.context["attendance"]
    assert len(rows) == 25
    assert rows[0].session.starts_at > rows[1].session.starts_at > rows[-1].session.starts_at
    html = first.content.decode()
    assert "1–25 of 30 sessions recorded" in html
    assert 'href="?page=2#attendance-history">Older attendance<' in html
    older = client.get(tab(episode.patient), {"page": 2}).context["attendance"]
    assert len(older) == 5 and older[0].session.starts_at < rows[-1].session.starts_at


def test_upcoming_holds_the_patients_current_groups_not_those_they_left(
    client, clinician, enroll, todays_session
):
    episode = enroll()
    friday = TherapySessionFactory(
        group=todays_session.group, starts_at=todays_session.starts_at + timedelta(days=2)
    )
    left = history.attended_sessions(episode, 3, clinician=clinician)  # an ended enrolment
    client.force_login(clinician)
    upcoming = client.get(tab(episode.patient)).context["upcoming"]
    assert [s.pk for s in upcoming] == [friday.pk]
    assert left.sessions.filter(starts_at__gt=timezone.now()).count() == 3


def test_upcoming_looks_four_weeks_ahead_and_counts_what_it_does_not_list(
    client, clinician, enroll, todays_session
):
    episode = enroll()
    group = todays_session.group
    now = timezone.now()
    for day in range(1, 15):  # 14 sessions in the next two weeks, one in five weeks
        TherapySessionFactory(group=group, starts_at=now + timedelta(days=day))
    TherapySessionFactory(group=group, starts_at=now + timedelta(weeks=5))
    TherapySessionFactory(
        group=group, starts_at=now + timedelta(hours=30), status=TherapySession.Status.CANCELLED
    )
    client.force_login(clinician)
    response = client.get(tab(episode.patient))
    assert len(response.context["upcoming"]) == 10
    assert response.context["upcoming_total"] == 14
    assert "The first 10 of 14 sessions in the next 4 weeks." in response.content.decode()


def test_the_tabs_queries_do_not_grow_with_the_patients_sessions(
    client, clinician, enroll, todays_session
):
    episode = enroll()
    client.force_login(clinician)
    paths = [tab(episode.patient), tab(episode.patient) + "?page=2"]
    # Page 2 exists from the start (a page past the end is read in a second query).
    history.attended_sessions(episode, ATTENDANCE_PER_PAGE + 1, clinician=clinician)
    query_counts(client, paths)  # what a first request caches is not counted
    few = query_counts(client, paths)
    for _ in range(3):
        history.attended_sessions(episode, 20, clinician=clinician)
    assert query_counts(client, paths) == few


def test_the_hours_chart_labels_the_week_in_progress_and_only_it(client, clinician, episode, clock):
    episode.admission_date = timezone.localdate() - timedelta(weeks=3)
    episode.save(update_fields=["admission_date"])
    client.force_login(clinician)
    chart = client.get(tab(episode.patient)).context["ledger_chart"]
    assert chart["inProgress"][-1] is True and not any(chart["inProgress"][:-1])
    assert chart["labels"][-1].endswith(" (in progress)")
    assert not any("in progress" in label for label in chart["labels"][:-1])


# The rows as the tab's template drew them before `attendance_rows` (history_tags.py).
ROWS_TEMPLATE = Template(
    "{% for a in attendance %}<tr><td>{% if a.session_id in openable_sessions %}"
    "<a href=\"{% url 'sessions:session' a.session_id %}\">{% endif %}"
    '{{ a.session.starts_at|date:"D j M H:i" }} · {% if a.session.group %}'
    "{{ a.session.group.name }}{% else %}{{ a.session.get_kind_display }}{% endif %}"
    "{% if a.session_id in openable_sessions %}</a>{% endif %}</td><td>"
    "{{ a.get_status_display }}{% if a.session_id in noted_sessions %} · "
    "<a href=\"{% url 'sessions:chart-note' patient.pk a.session_id %}\">note</a>{% endif %}"
    "</td><td>{{ a.minutes_attended }}</td></tr>\n      {% endfor %}"
)


def individual_session(clinician, episode, starts_at):
    """A 50-minute in-person individual session of the episode's patient, run by `clinician`."""
    return TherapySessionFactory(
        kind=TherapySession.Kind.INDIVIDUAL,
        group=None,
        duration_minutes=50,
        location="",
        delivery=TherapySession.Delivery.IN_PERSON,
        clinicians=[clinician],
        episode=episode,
        patient=episode.patient,
        starts_at=starts_at,
    )


ROWS_TAG = Template(
    "{% load history_tags %}"
    "{% attendance_rows attendance patient openable_sessions noted_sessions %}"
)


def test_the_attendance_rows_are_the_templates_byte_for_byte(clinician, episode, clock):
    group = TherapyGroupFactory(program=episode.program, name='Skills <&> "DBT"')
    history.attended_sessions(episode, 4, group=group, clinician=clinician)
    own = individual_session(clinician, episode, timezone.now() - timedelta(hours=3))
    Attendance.objects.create(
        session=own,
        episode=episode,
        patient=episode.patient,
        status=Attendance.Status.ABSENT_EXCUSED,
        minutes_attended=0,
    )
    attendance = list(patient_history.attendance_page(episode.patient, None))
    ids = [a.session_id for a in attendance]
    context = Context(
        {
            "attendance": attendance,
            "patient": episode.patient,
            # Some rows linked, some not; some with a note, some without.
            "openable_sessions": set(ids[::2]),
            "noted_sessions": set(ids[1:3]),
        }
    )
    drawn = ROWS_TAG.render(context)
    assert drawn == ROWS_TEMPLATE.render(context)
    assert "Skills &lt;&amp;&gt; &quot;DBT&quot;" in drawn and "Individual" in drawn


# The upcoming list's items as the tab's template drew them before `upcoming_items`.
UPCOMING_TEMPLATE = Template(
    "{% for s in upcoming %}<li>{% if s.pk in openable_sessions %}"
    '<a href="{% url \'sessions:session\' s.pk %}">{{ s.starts_at|date:"D j M H:i" }}</a>'
    '{% else %}{{ s.starts_at|date:"D j M H:i" }}{% endif %} {% if s.group %}'
    "{{ s.group.name }}{% else %}{{ s.get_kind_display }}{% endif %}</li>{% endfor %}"
)
UPCOMING_TAG = Template("{% load history_tags %}{% upcoming_items upcoming openable_sessions %}")


def test_the_upcoming_items_are_the_templates_byte_for_byte(
    clinician, enroll, todays_session, clock
):
    episode = enroll()
    TherapyGroup.objects.filter(pk=todays_session.group_id).update(name="Skills <&> 'DBT'")
    now = timezone.now()
    for day in (1, 2, 3):
        TherapySessionFactory(group=todays_session.group, starts_at=now + timedelta(days=day))
    individual_session(clinician, episode, now + timedelta(days=1, hours=2))
    upcoming, _ = patient_history.upcoming_for(episode.patient)
    ids = [s.pk for s in upcoming]
    context = Context({"upcoming": upcoming, "openable_sessions": set(ids[::2])})
    drawn = UPCOMING_TAG.render(context)
    assert drawn == UPCOMING_TEMPLATE.render(context)
    assert "Skills &lt;&amp;&gt; &#x27;DBT&#x27;" in drawn and "Individual" in drawn
    assert drawn.count("<a href=") == len(ids[::2]) and len(ids) == 4


def test_a_shown_session_of_another_patient_links_as_that_patients_chart_would(
    clinician, clinician2, make_episode, episode, clock
):
    """`session_links` asks about the user's other patients only when a shown session is
    another patient's: such a session opens to one who may open that patient's chart, and to
    no one else, as `TherapySession.objects.for_user` has it."""
    now = timezone.now()
    theirs = make_episode(clinician=clinician)  # another patient of the same clinician
    strangers = make_episode(clinician=clinician2)  # another clinician's patient
    own = individual_session(clinician, episode, now - timedelta(days=1))
    shared = individual_session(clinician2, theirs, now - timedelta(days=2))
    closed = individual_session(clinician2, strangers, now - timedelta(days=3))
    group = TherapySessionFactory(starts_at=now - timedelta(days=4), clinicians=[clinician2])
    shown = {
        own.pk: episode.patient_id,
        shared.pk: theirs.patient_id,
        closed.pk: strangers.patient_id,
        group.pk: None,
    }
    openable, _ = patient_history.session_links(clinician, episode.patient, [], shown)
    expected = set(
        TherapySession.objects.for_user(clinician)
        .filter(pk__in=list(shown))
        .values_list("pk", flat=True)
    )
    assert openable == expected == {own.pk, shared.pk}
    # Without another patient's session among them, the same answer for those shown.
    mine = {own.pk: episode.patient_id, group.pk: None}
    assert patient_history.session_links(clinician, episode.patient, [], mine)[0] == {own.pk}
