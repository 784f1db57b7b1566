"""Lists that show a SUD patient's record carry the Part 2 notice (on the screen, and in full
when printed), like every such page: the co-signature queue with a SUD group's note, a week's
schedule with a SUD patient's individual session."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iop.accounts.roles import Role
from patients.part2 import REDISCLOSURE_NOTICE
from sessions.models import NoteEntry, ProgressNote
from tests.factories import (
    EpisodeFactory,
    GroupEnrollmentFactory,
    TherapyGroupFactory,
    TherapySessionFactory,
    UserFactory,
)
from tests.sessions.helpers import MON_2, at, book


@pytest.fixture
def queued_note(make_episode, clinician):
    """A trainee's group note awaiting co-signature, with one attendee's part."""

    def make(program, **episode_extra):
        trainee = UserFactory(role=Role.CLINICIAN, is_trainee=True)
        episode = make_episode(clinician=clinician, program_=program, **episode_extra)
        group = TherapyGroupFactory(name="Evening group", program=program, facilitators=[clinician])
        session = TherapySessionFactory(group=group, clinicians=[clinician, trainee])
        note = ProgressNote.objects.create(
            session=session,
            author=trainee,
            status=ProgressNote.Status.AWAITING_COSIGN,
            signed_by=trainee,
            signed_at=timezone.now() - timedelta(hours=1),
        )
        NoteEntry.objects.create(note=note, episode=episode, patient=episode.patient)
        return note

    return make


def test_a_sud_groups_note_in_the_queue_brings_the_part2_notice(
    client, director, queued_note, sud_program
):
    queued_note(sud_program, is_sud=True)
    client.force_login(director)
    page = client.get(reverse("sessions:cosign-queue")).content.decode()
    assert "Evening group" in page
    assert 'data-testid="part2-notice"' in page
    assert REDISCLOSURE_NOTICE in page


def test_a_queue_without_sud_patients_has_no_notice(client, director, queued_note, program):
    queued_note(program)
    client.force_login(director)
    page = client.get(reverse("sessions:cosign-queue")).content.decode()
    assert "Evening group" in page
    assert 'data-testid="part2-notice"' not in page


@pytest.mark.parametrize("is_sud", [True, False])
def test_the_week_with_a_sud_patients_session_carries_the_notice(
    client, clock, clinician, make_episode, sud_program, program, is_sud
):
    episode = make_episode(
        clinician=clinician, is_sud=is_sud, program_=sud_program if is_sud else program
    )
    book(clinician, starts_at=at(MON_2, 14), episode=episode)
    client.force_login(clinician)
    page = client.get(reverse("sessions:week"), {"week": MON_2.isoformat()}).content.decode()
    assert episode.patient.display_name in page
    assert ('data-testid="part2-notice"' in page) is is_sud


@pytest.mark.parametrize("earlier_sud", [True, False])
def test_the_group_page_carries_the_notice_for_an_attendee_once_treated_for_sud(
    client, clinician, make_episode, program, sud_program, earlier_sud
):
    """Part 2 follows the patient, not the episode: an enrolled patient whose earlier,
    discharged episode was a SUD one brings the notice to the group's page."""
    episode = make_episode(clinician=clinician, program_=program)
    if earlier_sud:
        EpisodeFactory(
            patient=episode.patient, program=sud_program, status="discharged", is_sud=True
        )
    group = TherapyGroupFactory(name="Evening group", program=program, facilitators=[clinician])
    GroupEnrollmentFactory(group=group, episode=episode)
    client.force_login(clinician)
    page = client.get(reverse("sessions:group", args=[group.pk])).content.decode()
    assert episode.patient.display_name in page
    assert ('data-testid="part2-notice"' in page) is earlier_sud
