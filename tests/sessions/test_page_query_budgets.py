"""Query budgets that do not grow with the data: the session page of a signed group note (3 or
12 attendees), Today for every role and the co-signature queue (a small program or a larger
one)."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert, Episode
from sessions import services
from sessions.models import Attendance, ProgressNote
from tests.factories import (
    GroupEnrollmentFactory,
    TherapyGroupFactory,
    TherapySessionFactory,
    UserFactory,
)
from tests.fixtures.sessions import NEW_YORK
from tests.queries import query_counts

# An individual part for each attendee (alike parts are refused as a cloned note).
PARTS = [
    "Described a hard week at work and used paced breathing twice.",
    "Quiet today; said sleep has been poor since the medication change.",
    "Led the check-in and offered support to a newer member.",
    "Practised the urge-surfing exercise and rated cravings lower.",
    "Talked about an argument with her sister and what she would repeat.",
    "Left the room once, returned, and named feeling overwhelmed.",
    "Shared the relapse-prevention card he filled in over the weekend.",
    "Asked for help planning the first week back at college.",
    "Reported three days without self-harm urges, a first this month.",
    "Could not name a coping skill; we rehearsed one together.",
    "Brought a letter from the housing office and asked what it means.",
    "Role-played saying no to a friend offering a drink at the party.",
]
DAP = {"data": "Group practised TIPP.", "assessment": "Engaged.", "plan": "Practise daily."}


def signed_group_session(program, clinician, make_episode, *, size, hour, author=None):
    """A group session at `hour` on Wed 18 Nov with `size` attendees, every one present, its
    note signed (by `author`, the clinician unless told) and one attendance corrected after."""
    author = author or clinician
    group = TherapyGroupFactory(program=program, facilitators=[clinician, author])
    episodes = [make_episode(clinician=clinician) for _ in range(size)]
    for episode in episodes:
        GroupEnrollmentFactory(group=group, episode=episode, start_date=date(2026, 11, 2))
    session = TherapySessionFactory(
        group=group, starts_at=datetime(2026, 11, 18, hour, tzinfo=NEW_YORK)
    )
    for episode in episodes:
        services.attendance_mark(session=session, episode=episode, status="present", user=author)
    note = services.note_start(session=session, user=author)
    services.note_save(
        note=note,
        user=author,
        shared=DAP,
        entries={
            e.patient_id: {"text": text, "risk_level": "none"}
            for e, text in zip(episodes, PARTS, strict=False)
        },
    )
    services.note_sign(note=note, user=author)
    services.attendance_correct(
        session=session,
        episode=episodes[0],
        status="late",
        minutes=150,
        reason="Arrived at 09:30, marked present by mistake.",
        user=author,
    )
    return session


def test_a_signed_group_notes_page_runs_the_same_queries_for_3_or_12_attendees(
    client, clock, program, clinician, make_episode
):
    clock.move_to(datetime(2026, 11, 18, 16, tzinfo=NEW_YORK), tick=False)
    small = signed_group_session(program, clinician, make_episode, size=3, hour=8)
    large = signed_group_session(program, clinician, make_episode, size=12, hour=12)
    client.force_login(clinician)
    paths = [reverse("sessions:session", args=[s.pk]) for s in (small, large)]
    query_counts(client, paths)  # what a first request caches is not counted
    three, twelve = query_counts(client, paths)
    page = client.get(paths[1]).content.decode()
    assert page.count('data-testid="note-entry"') == 12
    assert three == twelve


@pytest.fixture
def grow(clinician, group, enroll, todays_session):
    """`grow(n)`: n more patients on `clinician`'s caseload (admitted 2 November), each at
    today's group, with an open alert, a note to write this week and an older one, a trainee's
    note waiting for co-signature, and below their hours last week."""
    trainee = UserFactory(username="trainee", role="clinician", is_trainee=True)
    now = timezone.now()
    made = []

    def make(count):
        for _ in range(count):
            n = len(made)
            episode = enroll()
            Episode.objects.filter(pk=episode.pk).update(admission_date=date(2026, 11, 2))
            services.attendance_mark(
                session=todays_session, episode=episode, status="present", user=clinician
            )
            Alert.objects.create(patient=episode.patient, kind="measure_due", title="PHQ-9 due")
            for starts_at in (
                now - timedelta(days=2, minutes=n),
                now - timedelta(days=40, minutes=n),
            ):
                attended(group, episode, starts_at)
            signed = attended(group, episode, now - timedelta(days=3, minutes=n))
            ProgressNote.objects.create(
                session=signed,
                author=trainee,
                status="awaiting_cosign",
                signed_by=trainee,
                signed_at=now,
            )
            made.append(episode)
        return made

    return make


def attended(group, episode, starts_at):
    session = TherapySessionFactory(group=group, starts_at=starts_at, status="completed")
    Attendance.objects.create(
        session=session, episode=episode, patient=episode.patient, status="present"
    )
    return session


def test_today_and_the_cosign_queue_run_the_same_queries_for_1_or_12_patients(
    client, grow, clinician, supervisor, director, intake
):
    pages = [
        (clinician, reverse("today")),
        (supervisor, reverse("today")),
        (director, reverse("today")),
        (intake, reverse("today")),
        (supervisor, reverse("sessions:cosign-queue")),
        (supervisor, reverse("sessions:alerts")),
        (supervisor, reverse("sessions:below-hours")),
        (clinician, reverse("sessions:notes-to-write")),
    ]

    def counts():
        row = []
        for user, path in pages:
            client.force_login(user)
            query_counts(client, [path])  # what a first request caches is not counted
            row += query_counts(client, [path])
        return row

    grow(1)
    one = counts()
    grow(11)
    client.force_login(supervisor)
    assert 'data-testid="below-more"' in client.get(reverse("today")).content.decode()
    assert counts() == one
