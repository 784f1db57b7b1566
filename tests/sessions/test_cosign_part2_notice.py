"""The co-signature queue shows a SUD program's group notes: it carries the Part 2 notice then
(on the screen, and in full when printed), like every page that shows a SUD patient's record."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iop.accounts.roles import Role
from patients.part2 import REDISCLOSURE_NOTICE
from sessions.models import NoteEntry, ProgressNote
from tests.factories import TherapyGroupFactory, TherapySessionFactory, UserFactory


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
