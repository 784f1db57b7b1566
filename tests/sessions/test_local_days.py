"""A day is the program's local day (New York), found as a range of time: sessions on a day,
the minutes a patient attended that day (the per diem's threshold) and rosters of the
enrolments in force that day, at the edges — a clock change, just before and after local
midnight, an enrolment that starts the day of the session or ended the day before."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from sessions import services as ss
from sessions.days import day_range
from sessions.models import Attendance, TherapyGroup, TherapySession
from sessions.selectors import sessions_with_rosters
from tests.factories import GroupEnrollmentFactory, TherapyGroupFactory, TherapySessionFactory
from tests.sessions.helpers import NY, at

FALL_BACK = date(2026, 11, 1)  # 02:00 EDT becomes 01:00 EST: a 25-hour day
SPRING_FORWARD = date(2026, 3, 8)  # 02:00 EST becomes 03:00 EDT: a 23-hour day


@pytest.fixture
def individual(clinician, make_episode):
    episode = make_episode(clinician=clinician)

    def book(starts_at):
        return TherapySessionFactory(
            kind="individual",
            group=None,
            episode=episode,
            patient=episode.patient,
            starts_at=starts_at,
            clinicians=[clinician],
            duration_minutes=50,
            location="Room 4",
            delivery="in_person",
        )

    book.episode = episode
    return book


def on_day(day):
    return list(TherapySession.objects.on_day(day).order_by("starts_at"))


def hours(day):
    start, end = day_range(day)
    return (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(hours=1)


def test_a_day_of_a_clock_change_is_as_long_as_it_was_lived():
    assert (hours(FALL_BACK), hours(SPRING_FORWARD), hours(date(2026, 11, 18))) == (25, 23, 24)


def test_sessions_on_the_day_the_clocks_go_back(individual):
    before = individual(at(date(2026, 10, 31), 23, 59))
    first = individual(at(FALL_BACK, 0, 30))  # EDT
    late = individual(at(FALL_BACK, 23, 30))  # EST: 04:30 UTC on 2 November
    after = individual(at(date(2026, 11, 2), 0, 0))
    assert on_day(FALL_BACK) == [first, late]
    assert on_day(date(2026, 10, 31)) == [before]
    assert on_day(date(2026, 11, 2)) == [after]


def test_sessions_on_the_day_the_clocks_go_forward(individual):
    first = individual(at(SPRING_FORWARD, 0, 0))
    late = individual(at(SPRING_FORWARD, 23, 45))  # EDT: 03:45 UTC on 9 March
    individual(at(date(2026, 3, 9), 0, 0))
    assert on_day(SPRING_FORWARD) == [first, late]


def test_a_session_late_in_the_evening_is_on_its_local_day_through_the_api(
    api_client, clinician, individual
):
    late = individual(datetime(2026, 11, 18, 23, 30, tzinfo=NY))  # 04:30 UTC on the 19th
    api_client.force_authenticate(clinician)
    rows = api_client.get(reverse("session-list"), {"date": "2026-11-18"}).json()["results"]
    assert [row["id"] for row in rows] == [late.pk]
    rows = api_client.get(reverse("session-list"), {"date": "2026-11-19"}).json()["results"]
    assert rows == []


def test_minutes_attended_late_in_the_evening_count_on_that_local_day(
    clinician, individual, time_machine
):
    late = individual(at(date(2026, 11, 18), 23, 0))  # 04:00 UTC on the 19th
    early = individual(at(date(2026, 11, 19), 0, 30))
    episode = individual.episode
    for session, minutes in ((late, 50), (early, 40)):
        Attendance.objects.create(
            session=session,
            episode=episode,
            patient=episode.patient,
            status=Attendance.Status.LATE,
            minutes_attended=minutes,
        )
    patient = [episode.patient_id]
    assert ss.day_minutes(patient, date(2026, 11, 18)) == {episode.patient_id: 50}
    assert ss.day_minutes(patient, date(2026, 11, 19)) == {episode.patient_id: 40}


# --- rosters: the enrolments in force on the session's day -----------------------------------


@pytest.fixture
def enrolled(group, make_episode, clinician):
    """Episodes enrolled in the group with the given (start, end) dates."""

    def make(start, end=None):
        episode = make_episode(clinician=clinician)
        GroupEnrollmentFactory(group=group, episode=episode, start_date=start, end_date=end)
        return episode

    return make


def test_the_roster_holds_those_enrolled_on_the_sessions_day(todays_session, enrolled):
    day = date(2026, 11, 18)
    joined_that_day = enrolled(day)
    left_that_day = enrolled(date(2026, 11, 2), day)
    enrolled(date(2026, 11, 2), day - timedelta(days=1))  # ended the day before
    enrolled(day + timedelta(days=1))  # starts the day after
    assert set(ss.session_roster(todays_session)) == {joined_that_day, left_that_day}


def test_rosters_of_two_days_each_hold_their_own_days_enrolments(clock, group, enrolled):
    monday = TherapySessionFactory(group=group, starts_at=at(date(2026, 11, 16), 9))
    wednesday = TherapySessionFactory(group=group, starts_at=at(date(2026, 11, 18), 9))
    left_tuesday = enrolled(date(2026, 11, 2), date(2026, 11, 17))
    joined_tuesday = enrolled(date(2026, 11, 17))
    monday, wednesday = sessions_with_rosters([monday, wednesday])
    assert [e for e, _ in monday.rows] == [left_tuesday]
    assert [e for e, _ in wednesday.rows] == [joined_tuesday]


def test_a_roster_reads_only_the_enrolments_in_force(
    todays_session, enrolled, django_assert_num_queries
):
    """The group's history stays in the database: one query for the enrolments in force
    (with their episodes), one for the attendance, whatever the history's length."""
    current = enrolled(date(2026, 11, 2))
    for week in range(1, 30):
        ended = date(2026, 11, 2) - timedelta(weeks=week)
        enrolled(ended - timedelta(days=20), ended)
    with django_assert_num_queries(2) as queries:
        rows = ss.session_rosters([todays_session])[todays_session.pk]
    assert [e for e, _ in rows] == [current]
    assert '"end_date" >= ' in queries.captured_queries[0]["sql"]


def test_the_roster_through_the_api_at_the_enrolment_edges(
    api_client, clinician, todays_session, enrolled
):
    day = date(2026, 11, 18)
    joined_that_day = enrolled(day)
    enrolled(date(2026, 11, 2), day - timedelta(days=1))
    api_client.force_authenticate(clinician)
    roster = api_client.get(reverse("session-detail", args=[todays_session.pk])).json()["roster"]
    assert [row["episode"] for row in roster] == [joined_that_day.pk]


# --- who sees which group ---------------------------------------------------------------------


def test_a_supervisor_facilitating_a_group_of_their_program_sees_it_once(
    supervisor, group, program
):
    group.facilitators.add(supervisor)
    other = TherapyGroupFactory(name="Evening", program=program)
    assert sorted(TherapyGroup.objects.for_user(supervisor).values_list("pk", flat=True)) == sorted(
        [group.pk, other.pk]
    )


def test_the_calendars_last_day_has_no_end(individual):
    last = individual(datetime(9999, 12, 31, 12, tzinfo=NY))
    assert on_day(date(9999, 12, 31)) == [last]
