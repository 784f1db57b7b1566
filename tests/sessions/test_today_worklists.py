"""Today's worklists are bounded and never cut silently: the notes of the last two weeks with
the older ones counted and listed on their own page; the first rows of the alerts, the patients
below their hours and the co-signature queue with their true count and a page listing every
row exactly once, in a stated order."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert
from sessions import services
from sessions.models import Attendance, ProgressNote
from sessions.today import NOTES_PAGE_DAYS, NOTES_WINDOW_DAYS, TODAY_ROWS
from sessions.views.day import PAGE_SIZE
from tests.factories import TherapySessionFactory, UserFactory
from tests.fixtures.sessions import NEW_YORK

CHART_LINK = re.compile(r'href="/patients/(\d+)/sessions/"')
SESSION_LINK = re.compile(r'href="/sessions/(\d+)/#note"')
OLDER = "sessions:older-notes-to-write"


def attended_session(group, episode, starts_at, **kw):
    """A completed session of `group` that `episode` attended, with no note."""
    session = TherapySessionFactory(group=group, starts_at=starts_at, status="completed", **kw)
    Attendance.objects.create(
        session=session,
        episode=episode,
        patient=episode.patient,
        status="present",
        minutes_attended=session.duration_minutes,
    )
    return session


def every_page(client, url, pattern):
    """The ids `pattern` finds on each page of a paginated list, page by page, and the last
    page's HTML."""
    pages, html = [], ""
    first = client.get(url).content.decode()
    count = int(re.search(r"of (\d+)</span>", first).group(1)) if "Page 1 of" in first else 1
    for number in range(1, count + 1):
        html = client.get(url, {"page": number}).content.decode()
        pages.append([int(pk) for pk in pattern.findall(html)])
    return pages, html


@pytest.fixture
def wednesday(clock):
    """The clock at 10:00 on Wednesday 18 November 2026 (the episodes made before it were
    admitted on Monday 2 November)."""

    def move():
        clock.move_to(datetime(2026, 11, 18, 10, tzinfo=NEW_YORK), tick=False)

    return move


# --- notes to write ---------------------------------------------------------------------------


def test_today_lists_the_last_two_weeks_notes_and_links_the_older_ones(
    client, clinician, group, enroll, todays_session
):
    episode = enroll()
    window_start = timezone.now() - timedelta(days=NOTES_WINDOW_DAYS)
    inside = attended_session(group, episode, window_start + timedelta(minutes=1))
    outside = attended_session(group, episode, window_start - timedelta(minutes=1))
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    listed = html.split('data-testid="notes-to-write"')[1].split("</ul>")[0]
    assert [int(pk) for pk in SESSION_LINK.findall(listed)] == [inside.pk]
    older = html.split('data-testid="older-notes"')[1].split("</p>")[0]
    assert "Sessions since Wed 4 Nov only" in older
    assert reverse("sessions:notes-to-write") in older
    page = client.get(reverse("sessions:notes-to-write")).content.decode()
    assert [int(pk) for pk in SESSION_LINK.findall(page)] == [outside.pk, inside.pk]
    assert "Showing 1–2 of 2" in page


def test_a_signed_note_is_not_on_the_list(client, clinician, group, enroll, todays_session):
    episode = enroll()
    old = attended_session(group, episode, timezone.now() - timedelta(days=40))
    ProgressNote.objects.create(session=old, author=clinician, status="signed")
    client.force_login(clinician)
    assert "Every note of a session since" in client.get(reverse("today")).content.decode()
    page = client.get(reverse("sessions:notes-to-write")).content.decode()
    assert "Every note of a session since" in page
    assert "Every note of a session before" in client.get(reverse(OLDER)).content.decode()


def test_sessions_before_the_pages_days_are_linked_never_dropped(
    client, clinician, group, enroll, todays_session
):
    """The notes page reads only its last NOTES_PAGE_DAYS days (older ones mean every session
    the clinician ever ran): it says so and links the older ones, which have a page."""
    episode = enroll()
    start = timezone.now() - timedelta(days=NOTES_PAGE_DAYS)
    inside = attended_session(group, episode, start + timedelta(hours=1))
    outside = attended_session(group, episode, start - timedelta(hours=1))
    client.force_login(clinician)
    page = client.get(reverse("sessions:notes-to-write")).content.decode()
    assert [int(pk) for pk in SESSION_LINK.findall(page)] == [inside.pk]
    span = page.split('data-testid="notes-span"')[1].split("</p>")[0]
    assert "Older sessions are not checked on this page" in span
    assert reverse(OLDER) in span
    older = client.get(reverse(OLDER)).content.decode()
    assert [int(pk) for pk in SESSION_LINK.findall(older)] == [outside.pk]
    assert "Showing 1–1 of 1" in older


def test_older_notes_to_write_lists_drafts_and_no_notes_never_finished_ones(
    client, clinician, group, enroll, todays_session
):
    episode = enroll()
    before = timezone.now() - timedelta(days=NOTES_PAGE_DAYS + 1)
    sessions = [attended_session(group, episode, before + timedelta(hours=n)) for n in range(4)]
    statuses = [None, "draft", "signed", "awaiting_cosign"]
    for session, status in zip(sessions, statuses, strict=True):
        if status:
            ProgressNote.objects.create(session=session, author=clinician, status=status)
    client.force_login(clinician)
    older = client.get(reverse(OLDER)).content.decode()
    assert [int(pk) for pk in SESSION_LINK.findall(older)] == [s.pk for s in sessions[:2]]


# --- below their hours ------------------------------------------------------------------------


def test_the_supervisors_below_hours_list_reaches_every_patient_with_a_true_count(
    client, supervisor, clinician, make_episode, wednesday
):
    episodes = [make_episode(clinician=clinician) for _ in range(PAGE_SIZE + 2)]
    wednesday()  # none attended the week of 9 November: every one is below
    client.force_login(supervisor)
    today = client.get(reverse("today")).content.decode()
    assert len(CHART_LINK.findall(today)) == TODAY_ROWS
    assert f"Showing {TODAY_ROWS} of {len(episodes)}" in today
    pages, last = every_page(client, reverse("sessions:below-hours"), CHART_LINK)
    assert [len(p) for p in pages] == [PAGE_SIZE, 2]
    assert sorted(sum(pages, [])) == sorted(e.patient_id for e in episodes)
    assert f"Showing {PAGE_SIZE + 1}–{len(episodes)} of {len(episodes)}" in last


def test_the_largest_shortfall_comes_first_then_the_name(
    client, clinician, group, enroll, wednesday
):
    zed, abe, bea = (enroll(last_name=name) for name in ("Zed", "Abe", "Bea"))
    attended_session(group, abe, datetime(2026, 11, 9, 9, tzinfo=NEW_YORK))  # 3 of 9 h
    wednesday()
    client.force_login(clinician)
    html = client.get(reverse("sessions:below-hours")).content.decode()
    assert [int(pk) for pk in CHART_LINK.findall(html)] == [
        bea.patient_id,  # 0 h, by name before Zed
        zed.patient_id,  # 0 h
        abe.patient_id,  # 3 h
    ]


# --- alerts -----------------------------------------------------------------------------------


def test_today_shows_the_first_alerts_and_their_page_lists_every_one(
    client, clinician, make_episode
):
    episode = make_episode(clinician=clinician)
    alerts = [
        Alert.objects.create(patient=episode.patient, kind="measure_due", title=f"PHQ-9 due {n}")
        for n in range(TODAY_ROWS + 2)
    ]
    client.force_login(clinician)
    today = client.get(reverse("today")).content.decode()
    assert today.count('data-testid="alert"') == TODAY_ROWS
    assert f"Showing {TODAY_ROWS} of {len(alerts)}" in today
    page = client.get(reverse("sessions:alerts")).content.decode()
    titles = re.findall(r"PHQ-9 due (\d+)", page)
    assert sorted(map(int, titles)) == list(range(len(alerts)))
    assert f"Showing 1–{len(alerts)} of {len(alerts)}" in page


@pytest.mark.parametrize(
    "name", ["sessions:alerts", "sessions:below-hours", "sessions:notes-to-write", OLDER]
)
def test_the_worklists_are_for_the_clinical_roles(client, intake, name):
    client.force_login(intake)
    assert client.get(reverse(name)).status_code == 403


# --- the co-signature queue -------------------------------------------------------------------


def test_the_cosign_queue_lists_every_note_once_by_session_date(
    client, supervisor, group, enroll, todays_session
):
    trainee = UserFactory(username="trainee", role="clinician", is_trainee=True)
    episode = enroll()
    now = timezone.now()
    notes = []
    for n in range(PAGE_SIZE + 2):
        # Signed in the reverse order of their sessions: the queue goes by the session's date.
        session = attended_session(group, episode, now - timedelta(days=30 - n, hours=1))
        notes.append(
            ProgressNote.objects.create(
                session=session,
                author=trainee,
                status="awaiting_cosign",
                signed_by=trainee,
                signed_at=now - timedelta(minutes=n),
            )
        )
    client.force_login(supervisor)
    today = client.get(reverse("today")).content.decode()
    assert f"Showing {TODAY_ROWS} of {len(notes)}" in today
    pages, last = every_page(client, reverse("sessions:cosign-queue"), SESSION_LINK)
    assert [len(p) for p in pages] == [PAGE_SIZE, 2]
    assert sum(pages, []) == [note.session_id for note in notes]
    assert f"Showing {PAGE_SIZE + 1}–{len(notes)} of {len(notes)}" in last


# --- today's sessions -------------------------------------------------------------------------


def test_a_session_over_with_everyones_attendance_taken_folds_to_one_line(
    client, clock, clinician, enroll, todays_session
):
    present, absent = enroll.many(2)
    for episode, status in ((present, "present"), (absent, "absent_excused")):
        services.attendance_mark(
            session=todays_session, episode=episode, status=status, user=clinician
        )
    client.force_login(clinician)
    during = client.get(reverse("today")).content.decode()
    assert during.count('data-testid="attendance-row"') == 2
    clock.move_to(datetime(2026, 11, 18, 12, 30, tzinfo=NEW_YORK), tick=False)
    client.logout()  # signed in again after the idle logoff
    client.force_login(clinician)
    after = client.get(reverse("today")).content.decode()
    assert 'data-testid="attendance-row"' not in after
    assert "attendance taken for all 2: 1 attended" in after


def test_a_session_whose_attendance_is_not_open_yet_shows_one_line_with_its_roster_count(
    client, clock, clinician, group, enroll
):
    enroll.many(3)
    clock.move_to(datetime(2026, 11, 18, 10, tzinfo=NEW_YORK), tick=False)
    later = TherapySessionFactory(
        group=group, starts_at=datetime(2026, 11, 18, 14, tzinfo=NEW_YORK)
    )
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    assert 'data-testid="attendance-row"' not in html
    line = html[html.index('data-testid="session-waiting"') :]
    line = line[: line.index("</p>")]
    assert "3 on the roster" in line
    assert "Attendance opens at 13:30" in line
    assert f'href="{reverse("sessions:session", args=[later.pk])}"' in line
    assert "14:00–17:00 · MWF process group" in html  # the card's heading stays
    # Half an hour before the start the sheet is drawn, buttons enabled.
    clock.move_to(datetime(2026, 11, 18, 13, 30, tzinfo=NEW_YORK), tick=False)
    client.logout()  # signed in again after the idle logoff
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    assert 'data-testid="session-waiting"' not in html
    assert html.count('data-testid="attendance-row"') == 3
    assert 'data-testid="attendance-closed"' not in html


def test_today_groups_the_cosignatures_by_session_date_and_trainee(
    client, supervisor, group, enroll, todays_session
):
    trainee = UserFactory(username="trainee", role="clinician", is_trainee=True)
    other = UserFactory(username="trainee2", role="clinician", is_trainee=True)
    episode = enroll()
    now = timezone.now()
    # Two days: three notes of one trainee on the first (the same group, three times), and
    # one of each trainee on the second.
    plan = [(2, trainee, 3), (2, trainee, 2), (2, trainee, 1), (1, trainee, 1), (1, other, 2)]
    for days, author, hours in plan:
        session = attended_session(group, episode, now - timedelta(days=days, hours=hours))
        ProgressNote.objects.create(
            session=session,
            author=author,
            status="awaiting_cosign",
            signed_by=author,
            signed_at=now,
        )
    client.force_login(supervisor)
    html = client.get(reverse("today")).content.decode()
    listed = html[html.index('data-testid="cosign-list"') :]
    assert listed.count('data-testid="cosign-day"') == 2
    assert listed.count('data-testid="cosign-group"') == 3  # not one row per note
    assert listed.count("3 notes:") == 1 and listed.count("1 note:") == 2
    # Oldest session date first.
    first, second = (timezone.localdate(now - timedelta(days=d)) for d in (2, 1))
    assert listed.index(f"{first:%a} {first.day} {first:%b}") < listed.index(
        f"{second:%a} {second.day} {second:%b}"
    )
    assert len(SESSION_LINK.findall(listed)) == 5


def test_today_shows_alerts_first_then_sessions_then_notes(client, clinician):
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    positions = [html.index(f'id="today-{name}"') for name in ("alerts", "sessions", "notes")]
    assert positions == sorted(positions)
