"""A program's settings page: the measure schedule one row per instrument and the reminder
times as checkboxes (not JSON), for the program's supervisors and clinical directors; the
same widgets in the Django admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients import services
from patients.instruments import INSTRUMENTS


def _post(**extra):
    data = {
        "minimum_weekly_hours": "",
        "initial_plan_days": "3",
        "review_cadence_days": "30",
        "measure_schedule_PHQ9": "7",
        "measure_schedule_AUDITC": "28",
        "reminder_lead_hours": ["48", "2"],
    }
    data.update(extra)
    return data


def url(program):
    return reverse("patients:program-settings", args=[program.pk])


def test_supervisor_sets_the_schedule_and_reminders(client, program, supervisor):
    client.force_login(supervisor)
    response = client.post(url(program), _post())
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.measure_schedule == [
        {"instrument": "PHQ9", "every_days": 7},
        {"instrument": "AUDITC", "every_days": 28},
    ]
    assert program.reminder_lead_hours == [48, 2]


def test_the_page_shows_a_row_per_instrument_and_ticks_the_reminders(client, program, supervisor):
    client.force_login(supervisor)
    html = client.get(url(program)).content.decode()
    for instrument in INSTRUMENTS.values():
        assert f'for="id_measure_schedule_{instrument.code}">{instrument.name}<' in html
    assert 'name="measure_schedule_PHQ9" value="14"' in html
    assert 'value="24"  id="id_reminder_lead_hours_6" checked' in html


def test_a_director_can_open_it(client, program, director):
    client.force_login(director)
    assert client.get(url(program)).status_code == 200


@pytest.mark.parametrize("who", ["clinician", "intake"])
def test_clinicians_and_intake_are_refused(client, program, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(program)).status_code == 403


def test_another_programs_supervisor_gets_404(client, program, sud_program):
    from iop.accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(username="other-supervisor", role=Role.SUPERVISOR)
    sud_program.supervisors.add(other)
    client.force_login(other)
    assert client.get(url(program)).status_code == 404


def test_an_implausible_interval_is_refused_and_the_form_kept(client, program, supervisor):
    client.force_login(supervisor)
    html = client.post(url(program), _post(measure_schedule_GAD7="999")).content.decode()
    assert "Ensure this value is less than or equal to 365" in html
    assert 'value="28"' in html  # AUDIT-C as typed
    program.refresh_from_db()
    assert program.measure_schedule[0]["every_days"] == 14


def test_more_than_four_reminder_times_are_refused(client, program, supervisor):
    client.force_login(supervisor)
    html = client.post(
        url(program), _post(reminder_lead_hours=["72", "48", "24", "4", "2"])
    ).content.decode()
    assert "At most four reminder times." in html


def test_the_service_keeps_lead_hours_once_longest_first_and_audits(program, supervisor):
    services.program_settings_update(
        program=program, user=supervisor, data={"reminder_lead_hours": [2, 48, 2]}
    )
    program.refresh_from_db()
    assert program.reminder_lead_hours == [48, 2]
    event = AuditEvent.objects.get(object_type="patients.program")
    assert event.detail == "settings changed: reminder_lead_hours"


def test_the_service_refuses_a_clinician(program, clinician):
    with pytest.raises(PermissionDenied):
        services.program_settings_update(
            program=program, user=clinician, data={"review_cadence_days": 14}
        )


def test_the_service_refuses_an_instrument_twice(program, supervisor):
    twice = [{"instrument": "PHQ9", "every_days": 7}, {"instrument": "PHQ9", "every_days": 14}]
    with pytest.raises(ValidationError) as exc:
        services.program_settings_update(
            program=program, user=supervisor, data={"measure_schedule": twice}
        )
    assert exc.value.message_dict["measure_schedule"] == ["Each instrument once."]


def test_the_admin_shows_the_same_widgets(client, program, admin_user_role):
    client.force_login(admin_user_role)
    html = client.get(f"/admin/patients/program/{program.pk}/change/").content.decode()
    assert 'name="measure_schedule_GAD7"' in html
    assert 'name="reminder_lead_hours" value="24"' in html
    assert 'name="name"' in html and 'name="billing_mode"' in html


def test_the_groups_page_links_a_supervisor_to_the_settings(client, program, supervisor):
    client.force_login(supervisor)
    assert url(program) in client.get(reverse("sessions:groups")).content.decode()
