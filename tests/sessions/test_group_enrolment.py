"""Enrolling a patient in a group and ending the enrolment, from the chart and from the group's
page: the rules in the service, who may, and what each page shows."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Episode
from sessions import services as ss
from sessions.models import Attendance, GroupEnrollment
from tests.factories import TherapyGroupFactory, TherapySessionFactory
from tests.fixtures.sessions import NEW_YORK

NOV_2, NOV_9 = date(2026, 11, 2), date(2026, 11, 9)


@pytest.fixture
def episode(clock, make_episode, clinician):
    return make_episode(clinician=clinician, last_name="Ames")  # admitted Mon 2 Nov


# --- the rules --------------------------------------------------------------------------------


def test_an_enrolment_is_audited_with_its_group_and_date(episode, group, clinician):
    enrollment = ss.group_enroll(group=group, episode=episode, user=clinician, start_date=NOV_9)
    event = AuditEvent.objects.filter(object_type="therapy_sessions.groupenrollment").get()
    assert (enrollment.start_date, event.patient_id) == (NOV_9, episode.patient_id)
    assert event.detail == f"{group} from 2026-11-09"


def test_an_enrolment_before_the_admission_is_refused(episode, group, clinician):
    with pytest.raises(ValidationError, match="before the admission"):
        ss.group_enroll(group=group, episode=episode, user=clinician, start_date=date(2026, 11, 1))


def test_an_enrolment_a_year_ahead_is_refused(episode, group, clinician):
    with pytest.raises(ValidationError, match="more than a year ahead"):
        ss.group_enroll(group=group, episode=episode, user=clinician, start_date=date(2028, 1, 1))


def test_a_second_enrolment_in_the_same_group_is_refused_even_one_ending_later(
    episode, group, clinician
):
    first = ss.group_enroll(group=group, episode=episode, user=clinician, start_date=NOV_2)
    ss.group_enrollment_end(enrollment=first, end_date=date(2026, 11, 20), user=clinician)
    with pytest.raises(ValidationError, match="already in"):
        ss.group_enroll(group=group, episode=episode, user=clinician, start_date=NOV_9)


def test_a_full_group_counts_enrolments_ending_later(clock, group, make_episode, clinician):
    group.capacity = 1
    group.save()
    first = make_episode(clinician=clinician)
    enrollment = ss.group_enroll(group=group, episode=first, user=clinician)
    ss.group_enrollment_end(enrollment=enrollment, end_date=date(2026, 11, 30), user=clinician)
    with pytest.raises(ValidationError, match=r"full \(1 places\)"):
        ss.group_enroll(group=group, episode=make_episode(clinician=clinician), user=clinician)
    # From the day after the first one's last day, the place is free.
    later = ss.group_enroll(
        group=group,
        episode=make_episode(clinician=clinician),
        user=clinician,
        start_date=date(2026, 12, 1),
    )
    assert later.start_date == date(2026, 12, 1)


def test_an_inactive_group_takes_no_one(episode, group, clinician):
    group.is_active = False
    group.save()
    with pytest.raises(ValidationError, match="no longer meets"):
        ss.group_enroll(group=group, episode=episode, user=clinician)


def test_an_end_before_the_start_is_refused(episode, group, clinician):
    enrollment = ss.group_enroll(group=group, episode=episode, user=clinician, start_date=NOV_9)
    with pytest.raises(ValidationError, match="before the enrolment started"):
        ss.group_enrollment_end(enrollment=enrollment, end_date=NOV_2, user=clinician)


def test_an_end_before_attendance_taken_in_the_group_is_refused(clock, episode, group, clinician):
    enrollment = ss.group_enroll(group=group, episode=episode, user=clinician, start_date=NOV_2)
    session = TherapySessionFactory(
        group=group, starts_at=datetime(2026, 11, 4, 9, tzinfo=NEW_YORK)
    )
    clock.move_to(datetime(2026, 11, 4, 10, tzinfo=NEW_YORK), tick=False)
    ss.attendance_mark(
        session=session, episode=episode, status=Attendance.Status.PRESENT, user=clinician
    )
    with pytest.raises(ValidationError, match="attended .* on 4 Nov 2026, after this end date"):
        ss.group_enrollment_end(enrollment=enrollment, end_date=date(2026, 11, 3), user=clinician)


def test_a_clinician_off_the_care_team_may_not_enrol_or_end(episode, group, clinician, clinician2):
    with pytest.raises(PermissionDenied):
        ss.group_enroll(group=group, episode=episode, user=clinician2)
    enrollment = ss.group_enroll(group=group, episode=episode, user=clinician)
    with pytest.raises(PermissionDenied):
        ss.group_enrollment_end(enrollment=enrollment, end_date=NOV_9, user=clinician2)


def test_an_intake_coordinator_may_not_enrol(episode, group, intake):
    with pytest.raises(PermissionDenied):
        ss.group_enroll(group=group, episode=episode, user=intake)


def test_a_supervisor_of_the_program_enrols_anyone_in_it(episode, group, supervisor):
    assert ss.group_enroll(group=group, episode=episode, user=supervisor).group == group


# --- the chart's groups page ------------------------------------------------------------------


def test_a_clinician_enrols_their_patient_from_the_chart(client, episode, group, clinician):
    client.force_login(clinician)
    url = reverse("sessions:chart-groups", args=[episode.patient_id])
    page = client.get(url)
    assert "MWF process group" in page.text and "12 of 12 places free" in page.text
    answer = client.post(
        url, {"action": "enrol", "group": group.pk, "start_date": "2026-11-09"}, follow=True
    )
    assert "enrolled in MWF process group from 9 Nov 2026" in answer.text
    assert GroupEnrollment.objects.get(episode=episode).start_date == NOV_9


def test_a_refused_enrolment_keeps_what_was_typed(client, episode, group, clinician):
    client.force_login(clinician)
    url = reverse("sessions:chart-groups", args=[episode.patient_id])
    answer = client.post(url, {"action": "enrol", "group": group.pk, "start_date": "2026-10-01"})
    assert answer.status_code == 200
    assert "before the admission" in answer.text
    assert 'value="2026-10-01"' in answer.text
    assert not GroupEnrollment.objects.exists()


def test_a_clinician_ends_an_enrolment_from_the_chart(client, episode, group, clinician):
    enrollment = ss.group_enroll(group=group, episode=episode, user=clinician)
    client.force_login(clinician)
    url = reverse("sessions:chart-groups", args=[episode.patient_id])
    answer = client.post(
        url,
        {
            "action": "end",
            "enrollment": enrollment.pk,
            f"end-{enrollment.pk}-end_date": "2026-11-13",
        },
        follow=True,
    )
    assert "Enrolment in MWF process group ended." in answer.text
    enrollment.refresh_from_db()
    assert enrollment.end_date == date(2026, 11, 13)


def test_a_supervisor_sees_the_chart_groups_page_with_the_form(client, episode, group, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("sessions:chart-groups", args=[episode.patient_id]))
    assert 'data-testid="enrol-form"' in page.text


def test_an_intake_coordinator_cannot_open_the_chart_groups_page(client, episode, intake):
    client.force_login(intake)
    url = reverse("sessions:chart-groups", args=[episode.patient_id])
    assert client.get(url).status_code == 404


def test_a_clinician_off_the_care_team_cannot_post_an_enrolment(client, episode, group, clinician2):
    client.force_login(clinician2)
    url = reverse("sessions:chart-groups", args=[episode.patient_id])
    answer = client.post(url, {"action": "enrol", "group": group.pk, "start_date": "2026-11-09"})
    assert answer.status_code == 404
    assert not GroupEnrollment.objects.exists()


# --- the group's page -------------------------------------------------------------------------


def test_a_facilitator_enrols_a_patient_of_theirs_from_the_group_page(
    client, episode, group, clinician, make_episode, clinician2
):
    someone_elses = make_episode(clinician=clinician2, last_name="Zed")
    client.force_login(clinician)
    page = client.get(reverse("sessions:group", args=[group.pk]))
    assert "Pat1 Ames" in page.text and "Zed" not in page.text
    answer = client.post(
        reverse("sessions:group-enrol", args=[group.pk]),
        {"action": "enrol", "episode": episode.pk, "start_date": "2026-11-02"},
        follow=True,
    )
    assert "Pat1 Ames enrolled from 2 Nov 2026." in answer.text
    refused = client.post(
        reverse("sessions:group-enrol", args=[group.pk]),
        {"action": "enrol", "episode": someone_elses.pk, "start_date": "2026-11-02"},
    )
    assert "Select a valid choice" in refused.text
    assert GroupEnrollment.objects.count() == 1


def test_a_supervisor_ends_an_enrolment_from_the_group_page(client, episode, group, supervisor):
    enrollment = ss.group_enroll(group=group, episode=episode, user=supervisor)
    client.force_login(supervisor)
    answer = client.post(
        reverse("sessions:group-enrol", args=[group.pk]),
        {
            "action": "end",
            "enrollment": enrollment.pk,
            f"end-{enrollment.pk}-end_date": "2026-11-02",
        },
        follow=True,
    )
    assert "Pat1 Ames&#x27;s enrolment ends 2 Nov 2026." in answer.text


def test_a_clinician_who_does_not_run_the_group_cannot_post_to_it(
    client, clock, make_episode, program, clinician2
):
    other = TherapyGroupFactory(name="Other group", program=program)
    episode = make_episode(clinician=clinician2)
    client.force_login(clinician2)
    answer = client.post(
        reverse("sessions:group-enrol", args=[other.pk]),
        {"action": "enrol", "episode": episode.pk, "start_date": "2026-11-02"},
    )
    assert answer.status_code == 404


def test_the_admin_shows_enrolments_read_only(client, episode, group, clinician, admin_user_role):
    ss.group_enroll(group=group, episode=episode, user=clinician)
    client.force_login(admin_user_role)
    page = client.get(reverse("admin:therapy_sessions_therapygroup_change", args=[group.pk]))
    assert page.status_code == 200
    assert "enrol and end them on the group&#x27;s page in the app" in page.text
    assert 'name="enrollments-0-episode"' not in page.text


def test_a_patient_in_every_group_of_the_program_is_told_so_not_shown_an_empty_list(
    client, episode, group, clinician
):
    ss.group_enroll(group=group, episode=episode, user=clinician, start_date=NOV_9)
    client.force_login(clinician)
    page = client.get(reverse("sessions:chart-groups", args=[episode.patient_id])).text
    assert 'data-testid="enrol-form"' not in page
    assert "is already in every active group of" in page
    assert "there is no other group to enrol in" in page


def test_only_the_active_episode_is_offered_groups_on_the_chart(client, episode, group, clinician):
    client.force_login(clinician)
    url = reverse("sessions:chart-groups", args=[episode.patient_id])
    assert 'data-testid="enrol-form"' in client.get(url).text
    # Still open, but not active yet (back in intake): no group to join from the chart.
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.INTAKE)
    assert 'data-testid="enrol-form"' not in client.get(url).text
