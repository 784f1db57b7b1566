"""Reads with one home: groups a user runs, the roster with billing codes, Today's data."""

import pytest
from django.urls import reverse

from iop.accounts.roles import Role
from sessions import services
from sessions.models import TherapyGroup
from sessions.selectors import session_with_roster
from sessions.today import today_for


@pytest.mark.parametrize(
    ("role", "sees_the_group"),
    [
        (Role.SUPERVISOR, True),
        (Role.CLINICIAN, True),
        ("clinician2", False),
        (Role.INTAKE, False),
        (Role.ADMIN, False),
    ],
)
def test_groups_a_user_runs_per_role(role_users, group, role, sees_the_group):
    groups = TherapyGroup.objects.for_user(role_users[role])
    assert list(groups) == ([group] if sees_the_group else [])


def test_the_session_page_and_the_api_show_the_same_roster_and_codes(
    client, api_client, clinician, enroll, todays_session
):
    present, absent = enroll.many(2)
    services.attendance_mark(
        session=todays_session, episode=present, status="present", user=clinician
    )
    services.attendance_mark(
        session=todays_session, episode=absent, status="absent_excused", user=clinician
    )
    client.force_login(clinician)
    page = client.get(reverse("sessions:session", args=[todays_session.pk])).context["session"]
    api_client.force_authenticate(clinician)
    roster = api_client.get(f"/api/v1/sessions/{todays_session.pk}/").json()["roster"]

    page_codes = {episode.pk: [code for code, _ in codes] for episode, codes in page.billing}
    # Per service (the default): the group's own code only, never a per diem beside it.
    assert page_codes == {present.pk: ["90853"], absent.pk: []}
    assert {row["episode"]: row["billing_codes"] for row in roster} == page_codes
    assert [row["episode"] for row in roster] == [episode.pk for episode, _ in page.rows]


def test_the_roster_is_read_in_a_fixed_number_of_queries(
    clinician, enroll, todays_session, django_assert_num_queries
):
    for episode in enroll.many(5):
        services.attendance_mark(
            session=todays_session, episode=episode, status="present", user=clinician
        )
    # Enrolments, attendance (the day's minutes only for a per-diem program: not this one); then
    # what `attendance_flags` providers ask (billing: the episodes' approved authorizations with
    # their coverage: one query), once for all.
    with django_assert_num_queries(3):
        session_with_roster(todays_session)
    assert [record.status for _, record in todays_session.rows] == ["present"] * 5


def test_today_for_a_clinician_lists_their_sessions_and_nothing_for_intake(
    role_users, todays_session
):
    assert today_for(role_users[Role.CLINICIAN])["sessions"] == [todays_session]
    intake_day = today_for(role_users[Role.INTAKE])
    assert intake_day["is_intake"] and "sessions" not in intake_day
