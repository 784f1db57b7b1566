"""After discharge the chart keeps the record readable: past episodes (dates, levels of care,
discharge reason), the closed plan read-only with its signer, and the aftercare plan. Access is
unchanged: the care team and supervisors, each read audited; other clinicians get 404, intake
coordinators the 403 page that sends them to the chart's intake part."""

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients import services as patient_services
from plans import services
from tests.plans.helpers import AFTERCARE, activate, at, travel


@pytest.fixture
def discharged(make_episode, make_plan, clinician):
    """Admitted 2 Nov 2026 at IOP, plan v1 signed 3 Nov, stepped down to OP on 16 Nov,
    discharged (completed) on 20 Nov with the aftercare plan."""
    with travel(at(2026, 11, 2)) as traveller:
        episode = make_episode(clinician=clinician)
        traveller.move_to(at(2026, 11, 3, 14, 30))
        plan = activate(make_plan(episode), clinician)
        traveller.move_to(at(2026, 11, 16))
        patient_services.episode_change_level_of_care(
            episode=episode, to_level="OP", reason="Stable; back at work", user=clinician
        )
        traveller.move_to(at(2026, 11, 20))
        services.episode_discharge(
            episode=episode, aftercare=AFTERCARE, reason="completed", user=clinician
        )
    episode.refresh_from_db()
    plan.refresh_from_db()
    assert (episode.status, plan.status) == ("discharged", "closed")
    return episode, plan


def plan_page(client, user, episode):
    with travel(at(2026, 11, 23)):
        client.force_login(user)
        return client.get(reverse("plans:patient-plan", args=[episode.patient_id]))


@pytest.mark.parametrize("role", ["clinician", "supervisor"])
def test_the_care_team_and_supervisors_read_the_discharged_record(
    client, discharged, role, request
):
    episode, plan = discharged
    user = request.getfixturevalue(role)
    response = plan_page(client, user, episode)
    assert response.status_code == 200
    html = response.content.decode()
    # The closed plan, read-only, with its signer and the reason it closed.
    assert "Treatment plan, version 1 (closed at discharge, read-only)" in html
    assert "Discharged: Completed the program" in html
    assert "Casey Morgan, 3 Nov 2026 14:30" in html  # signed by, at
    assert 'data-testid="problem"' in html
    assert "No treatment plan yet" not in html
    assert "Revise the plan" not in html and "Start the treatment plan" not in html
    # The past episode: dates, levels, reason, the last plan's signer.
    assert "admitted 2 Nov 2026, discharged 20 Nov 2026" in html
    assert "IOP → OP" in html
    assert "Completed the program" in html
    assert "Version 1</a> (closed), signed by Casey Morgan on 3 Nov 2026 14:30" in html
    # The aftercare plan.
    assert AFTERCARE["follow_up_appointments"] in html
    assert AFTERCARE["relapse_prevention"] in html
    assert "Standard outpatient (OP)" in html
    # The read is on the audit trail.
    assert AuditEvent.objects.filter(
        user=user, action="view", patient_id=episode.patient_id
    ).exists()


def test_the_closed_plan_version_stays_readable(client, clinician, discharged):
    episode, plan = discharged
    with travel(at(2026, 11, 23)):
        client.force_login(clinician)
        response = client.get(reverse("plans:plan", args=[plan.pk]))
    assert response.status_code == 200
    assert "Discharged: Completed the program" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("intake", 403), ("clinician2", 404)])
def test_others_still_get_no_plan(client, discharged, role, status, request):
    episode, _ = discharged
    user = request.getfixturevalue(role)
    assert plan_page(client, user, episode).status_code == status
    assert AuditEvent.objects.filter(user=user, action="denied").exists()


@pytest.mark.parametrize("role", ["clinician", "supervisor", "intake"])
def test_the_summary_lists_the_past_episode_for_every_role_that_opens_the_chart(
    client, discharged, role, request
):
    episode, _ = discharged
    with travel(at(2026, 11, 23)):
        client.force_login(request.getfixturevalue(role))
        response = client.get(reverse("patients:chart", args=[episode.patient_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "admitted 2 Nov 2026; discharged 20 Nov 2026 (Completed the program)" in html
