"""Changing the level of care and recording a planned step-down from the chart: the rules in
the services, who may, and what the page shows."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients import services as ps
from patients.models import Episode, LevelOfCareChange
from sessions import services as ss
from sessions.models import StepDown


@pytest.fixture
def episode(clock, make_episode, clinician):
    return make_episode(clinician=clinician, last_name="Ames")  # IOP, admitted Mon 2 Nov


def url(episode):
    return reverse("sessions:level-of-care", args=[episode.patient_id])


# --- the rules --------------------------------------------------------------------------------


def test_a_clinician_off_the_care_team_may_not_change_the_level(episode, clinician2):
    with pytest.raises(PermissionDenied):
        ps.episode_change_level_of_care(
            episode=episode, to_level="OP", reason="Improving.", user=clinician2
        )


def test_a_change_before_the_last_one_is_refused(episode, clinician, clock):
    clock.move_to(date(2026, 11, 20))
    ps.episode_change_level_of_care(
        episode=episode,
        to_level="PHP",
        reason="Worsening.",
        user=clinician,
        effective_date=date(2026, 11, 16),
    )
    with pytest.raises(ValidationError, match="before the last change"):
        ps.episode_change_level_of_care(
            episode=episode,
            to_level="IOP",
            reason="Better.",
            user=clinician,
            effective_date=date(2026, 11, 9),
        )


def test_a_step_down_of_more_than_two_weeks_is_refused(episode, clinician):
    with pytest.raises(ValidationError, match="one to two weeks"):
        ss.step_down_record(
            episode=episode,
            starts_on=date(2026, 11, 2),
            ends_on=date(2026, 11, 16),
            reason="Travel.",
            user=clinician,
        )


def test_a_step_down_before_the_admission_is_refused(episode, clinician):
    with pytest.raises(ValidationError, match="before the admission"):
        ss.step_down_record(
            episode=episode,
            starts_on=date(2026, 10, 26),
            ends_on=date(2026, 11, 1),
            reason="Travel.",
            user=clinician,
        )


def test_overlapping_step_downs_are_refused(episode, clinician):
    first = {"episode": episode, "reason": "Travel.", "user": clinician}
    ss.step_down_record(starts_on=date(2026, 11, 9), ends_on=date(2026, 11, 15), **first)
    with pytest.raises(ValidationError, match="overlaps the step-down recorded for 9 Nov"):
        ss.step_down_record(starts_on=date(2026, 11, 13), ends_on=date(2026, 11, 19), **first)


def test_an_op_episode_has_no_step_down(episode, clinician):
    Episode.objects.filter(pk=episode.pk).update(level_of_care="OP")
    with pytest.raises(ValidationError, match="OP has no weekly minimum"):
        ss.step_down_record(
            episode=episode,
            starts_on=date(2026, 11, 9),
            ends_on=date(2026, 11, 15),
            reason="Travel.",
            user=clinician,
        )


def test_an_intake_coordinator_may_not_record_a_step_down(episode, intake):
    with pytest.raises(PermissionDenied):
        ss.step_down_record(
            episode=episode,
            starts_on=date(2026, 11, 9),
            ends_on=date(2026, 11, 15),
            reason="Travel.",
            user=intake,
        )


# --- the page ---------------------------------------------------------------------------------


def test_a_clinician_changes_the_level_from_the_chart(client, episode, clinician):
    client.force_login(clinician)
    answer = client.post(
        url(episode),
        {
            "action": "level",
            "level-to_level": "OP",
            "level-effective_date": "2026-11-02",
            "level-reason": "Symptoms eased.",
        },
        follow=True,
    )
    assert "Level of care changed: IOP → OP from 2 Nov 2026." in answer.text
    assert "IOP → OP (step-down), by Casey Morgan. Symptoms eased." in answer.text
    episode.refresh_from_db()
    assert episode.level_of_care == "OP"
    assert AuditEvent.objects.filter(detail="level of care IOP → OP").exists()


def test_a_supervisor_records_a_planned_step_down_from_the_chart(client, episode, supervisor):
    client.force_login(supervisor)
    answer = client.post(
        url(episode),
        {
            "action": "step-down",
            "step-starts_on": "2026-11-09",
            "step-ends_on": "2026-11-15",
            "step-reason": "Family visit out of state.",
        },
        follow=True,
    )
    assert "Planned step-down recorded, 9 Nov to 15 Nov 2026" in answer.text
    step = StepDown.objects.get()
    assert (step.episode, step.recorded_by) == (episode, supervisor)


def test_a_refused_change_keeps_what_was_typed(client, episode, clinician):
    client.force_login(clinician)
    answer = client.post(
        url(episode),
        {
            "action": "level",
            "level-to_level": "IOP",
            "level-effective_date": "2026-11-02",
            "level-reason": "Why",
        },
    )
    assert "The episode is already at IOP." in answer.text
    assert ">\nWhy</textarea>" in answer.text
    assert not LevelOfCareChange.objects.exists()


def test_a_clinician_off_the_care_team_cannot_open_the_page(client, episode, clinician2):
    client.force_login(clinician2)
    assert client.get(url(episode)).status_code == 404


def test_an_intake_coordinator_cannot_open_the_page(client, episode, intake):
    client.force_login(intake)
    assert client.get(url(episode)).status_code == 404


def test_a_trainee_on_the_care_team_changes_the_level(client, episode, clinician2):
    episode.care_team.add(clinician2)
    client.force_login(clinician2)
    page = client.get(url(episode))
    assert 'data-testid="level-form"' in page.text


def test_the_page_finds_the_active_episode_among_the_headers(client, episode, clinician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EpisodeFactory

    EpisodeFactory(
        patient=episode.patient,
        status=Episode.Status.DISCHARGED,
        level_of_care="PHP",
        referral_date=date(2026, 12, 1),  # the header's first, by referral date
        discharge_date=date(2026, 12, 2),
    )
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url(episode))
    assert 'data-testid="current-level">IOP (intensive outpatient)<' in page.text
    episode_reads = [q for q in queries if q["sql"].startswith('SELECT "patients_episode".')]
    assert len(episode_reads) == 1  # the header's
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.DISCHARGED)
    page = client.get(url(episode))
    assert 'data-testid="current-level"' not in page.text
    assert 'data-testid="level-form"' not in page.text
