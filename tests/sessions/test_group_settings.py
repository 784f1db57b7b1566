"""A group's schedule and facilitators, changed on its settings page by a supervisor of its
program (and in the Django admin), with days as checkboxes; the coming sessions follow."""

import re
from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from sessions import services as ss
from sessions.models import TherapySession
from tests.sessions.helpers import MON_9, local_starts


def _checkbox(html, name, value):
    (tag,) = re.findall(rf'<input type="checkbox"[^>]*name="{name}" value="{value}"[^>]*>', html)
    return tag


def _post(group, clinician, **extra):
    return {
        "schedule_days": ["1", "3"],
        "start_time": "13:00",
        "duration_minutes": "120",
        "location": "Room 7",
        "capacity": "10",
        "facilitators": [clinician.pk],
        **extra,
    }


def test_supervisor_moves_the_group_to_tuesday_and_thursday(
    client, clock, group, supervisor, clinician
):
    clock.move_to("2026-11-08 12:00-05:00", tick=False)  # Sunday
    ss.group_schedule_generate(weeks=1, start=MON_9)  # Mon/Wed/Fri 09:00
    client.force_login(supervisor)
    response = client.post(
        reverse("sessions:group-settings", args=[group.pk]), _post(group, clinician)
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.schedule_days == [1, 3] and group.start_time == time(13)
    scheduled = TherapySession.objects.filter(group=group, status="scheduled")
    assert local_starts(scheduled)[:2] == ["Tue 10 Nov 13:00", "Thu 12 Nov 13:00"]
    assert TherapySession.objects.filter(group=group, status="cancelled").count() == 3


def test_the_page_shows_days_as_checkboxes(client, group, supervisor):
    client.force_login(supervisor)
    html = client.get(reverse("sessions:group-settings", args=[group.pk])).content.decode()
    assert _checkbox(html, "schedule_days", 0).endswith("checked>")  # Mon, Wed, Fri
    assert not _checkbox(html, "schedule_days", 1).endswith("checked>")
    assert "Wednesday" in html and 'type="time"' in html


def test_only_clinical_staff_are_offered_as_facilitators(client, group, supervisor, intake):
    client.force_login(supervisor)
    html = client.get(reverse("sessions:group-settings", args=[group.pk])).content.decode()
    assert f'name="facilitators" value="{intake.pk}"' not in html


def test_a_posted_intake_coordinator_is_refused(client, clock, group, supervisor, intake):
    client.force_login(supervisor)
    response = client.post(
        reverse("sessions:group-settings", args=[group.pk]),
        {**_post(group, intake), "facilitators": [intake.pk]},
    )
    assert "Select a valid choice" in response.content.decode()
    assert list(group.facilitators.all()) != [intake]


def test_the_service_refuses_a_non_clinical_facilitator(clock, group, supervisor, intake):
    with pytest.raises(ValidationError) as exc:
        ss.group_settings_update(group=group, user=supervisor, data={}, facilitators=[intake])
    assert "Facilitators are clinicians or supervisors" in exc.value.message_dict["facilitators"][0]


def test_no_day_ticked_keeps_what_was_typed(client, group, supervisor, clinician):
    client.force_login(supervisor)
    response = client.post(
        reverse("sessions:group-settings", args=[group.pk]),
        _post(group, clinician, schedule_days=[], location="Garden room"),
    )
    html = response.content.decode()
    assert "This field is required" in html and 'value="Garden room"' in html


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_time": time(23, 30)}, "start_time"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"schedule_days": [1, 1]}, "schedule_days"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_implausible_schedules_are_refused(clock, group, supervisor, change, field):
    with pytest.raises(ValidationError) as exc:
        ss.group_settings_update(group=group, user=supervisor, data=change)
    assert field in exc.value.message_dict


def test_a_change_is_audited(clock, group, supervisor):
    ss.group_settings_update(group=group, user=supervisor, data={"location": "Room 8"})
    event = AuditEvent.objects.get(object_type="therapy_sessions.therapygroup")
    assert event.detail.startswith("settings changed: location")


def test_a_clinician_facilitating_it_cannot_change_it(client, group, clinician):
    client.force_login(clinician)
    assert client.get(reverse("sessions:group-settings", args=[group.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        ss.group_settings_update(group=group, user=clinician, data={"location": "x"})


def test_another_programs_supervisor_gets_404(client, group, sud_program):
    from iop.accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(username="other-supervisor", role=Role.SUPERVISOR)
    sud_program.supervisors.add(other)
    client.force_login(other)
    assert client.get(reverse("sessions:group-settings", args=[group.pk])).status_code == 404


def test_intake_is_refused(client, group, intake):
    client.force_login(intake)
    assert client.get(reverse("sessions:group-settings", args=[group.pk])).status_code == 404


def test_the_group_page_links_to_it_for_its_supervisor_only(client, group, supervisor, clinician):
    url = reverse("sessions:group-settings", args=[group.pk])
    client.force_login(supervisor)
    assert url in client.get(reverse("sessions:group", args=[group.pk])).content.decode()
    client.force_login(clinician)
    assert url not in client.get(reverse("sessions:group", args=[group.pk])).content.decode()


def test_the_admin_edits_days_with_checkboxes_and_limits_facilitators(
    client, group, admin_user_role, intake
):
    client.force_login(admin_user_role)
    html = client.get(f"/admin/therapy_sessions/therapygroup/{group.pk}/change/").content.decode()
    assert "checked" in _checkbox(html, "schedule_days", 4)
    assert f'name="facilitators" value="{intake.pk}"' not in html


def test_the_admin_saves_the_days_and_the_coming_sessions_follow(
    client, clock, group, admin_user_role, clinician
):
    ss.group_schedule_generate(weeks=1, start=MON_9)  # Mon/Wed/Fri 09:00
    client.force_login(admin_user_role)
    response = client.post(
        f"/admin/therapy_sessions/therapygroup/{group.pk}/change/",
        {
            "name": group.name,
            "program": group.program_id,
            "kind": group.kind,
            **_post(group, clinician, schedule_days=["0", "2", "4"], start_time="10:00"),
            "delivery": "in_person",
            "is_active": "on",
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
            "enrollments-MIN_NUM_FORMS": "0",
            "enrollments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    scheduled = local_starts(TherapySession.objects.filter(group=group, status="scheduled"))
    assert {"Mon 09 Nov 10:00", "Wed 11 Nov 10:00", "Fri 13 Nov 10:00"} <= set(scheduled)
    assert not any(start.endswith("09:00") for start in scheduled)
