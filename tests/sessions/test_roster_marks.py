"""Today's count of a session's roster and its marks (`roster_marks`, read as ids) is the
attendance sheet's (`session_rosters`, read as records): the same people, the same marks."""

from datetime import date, datetime

import pytest

from sessions.models import Attendance, TherapySession
from sessions.services.attendance import session_rosters
from sessions.services.roster_marks import roster_marks
from tests.factories import EpisodeFactory, GroupEnrollmentFactory
from tests.sessions.helpers import NY

DAY = date(2026, 11, 18)


def as_ids(rosters):
    return {
        pk: sorted((episode.pk, record and record.status) for episode, record in rows)
        for pk, rows in rosters.items()
    }


@pytest.fixture
def sessions(todays_session, group, make_episode, clinician):
    """The group's session with someone enrolled, someone who left the day before, someone
    discharged the day before, someone marked who is not enrolled; an individual session of
    a discharged patient, and one of a patient in care, marked late."""
    make = lambda: make_episode(clinician=clinician)  # noqa: E731
    enrolled, left, discharged, visitor = make(), make(), make(), make()
    GroupEnrollmentFactory(group=group, episode=enrolled, start_date=date(2026, 11, 2))
    GroupEnrollmentFactory(
        group=group, episode=left, start_date=date(2026, 11, 2), end_date=date(2026, 11, 17)
    )
    GroupEnrollmentFactory(group=group, episode=discharged, start_date=date(2026, 11, 2))
    discharged.discharge_date = date(2026, 11, 17)
    discharged.save(update_fields=["discharge_date"])
    Attendance.objects.create(
        session=todays_session, episode=visitor, patient=visitor.patient, status="present"
    )
    individual = []
    for episode, discharge in ((make(), date(2026, 11, 17)), (make(), None)):
        episode.discharge_date = discharge
        episode.save(update_fields=["discharge_date"])
        individual.append(
            TherapySession.objects.create(
                kind=TherapySession.Kind.INDIVIDUAL,
                episode=episode,
                patient=episode.patient,
                starts_at=datetime(2026, 11, 18, 13, tzinfo=NY),
                duration_minutes=50,
            )
        )
    Attendance.objects.create(
        session=individual[1],
        episode=individual[1].episode,
        patient=individual[1].patient,
        status="late",
    )
    return list(
        TherapySession.objects.filter(pk__in=[todays_session.pk] + [s.pk for s in individual])
        .select_related("episode")
        .order_by("pk")
    )


def test_the_counted_roster_is_the_sheets(sessions):
    expected = as_ids(session_rosters(sessions))
    got = {pk: sorted(rows, key=lambda r: r[0]) for pk, rows in roster_marks(sessions).items()}
    assert got == expected
    group, gone, in_care = sessions
    assert len(got[group.pk]) == 2  # the enrolled and the visitor
    assert got[gone.pk] == []
    assert got[in_care.pk] == [(in_care.episode_id, "late")]


def test_no_session_reads_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert roster_marks([]) == {}


def test_two_queries_for_any_number_of_sessions(sessions, django_assert_num_queries):
    EpisodeFactory()  # noise
    with django_assert_num_queries(2):
        roster_marks(sessions)
