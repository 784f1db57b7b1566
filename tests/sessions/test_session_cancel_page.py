"""Cancelling a session takes a confirmation and a reason, kept with the session and shown."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iop.audit.models import AuditEvent
from sessions import services as ss
from sessions.models import TherapySession


@pytest.fixture
def session(make_episode, clinician):
    episode = make_episode(clinician=clinician)
    return ss.session_schedule(
        kind="individual",
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        user=clinician,
    )


def cancel_url(session):
    return reverse("sessions:cancel", args=[session.pk])


def test_the_session_page_links_to_a_confirmation_not_a_one_click_cancel(
    client, session, clinician
):
    client.force_login(clinician)
    page = client.get(session.get_absolute_url())
    assert f'href="{cancel_url(session)}"' in page.text
    confirm = client.get(cancel_url(session))
    assert "Cancel this session?" in confirm.text
    assert TherapySession.objects.get(pk=session.pk).status == "scheduled"


def test_a_cancellation_without_a_reason_is_refused(client, session, clinician):
    client.force_login(clinician)
    answer = client.post(cancel_url(session), {"reason": "  "})
    assert "Say why the session is cancelled." in answer.text
    assert TherapySession.objects.get(pk=session.pk).status == "scheduled"


def test_the_reason_is_kept_shown_and_audited_without_its_text(client, session, clinician):
    client.force_login(clinician)
    answer = client.post(cancel_url(session), {"reason": "Patient in hospital"}, follow=True)
    assert "Session cancelled." in answer.text
    assert "Cancelled by Casey Morgan" in answer.text and "Patient in hospital" in answer.text
    saved = TherapySession.objects.get(pk=session.pk)
    assert (saved.status, saved.cancel_reason, saved.cancelled_by) == (
        "cancelled",
        "Patient in hospital",
        clinician,
    )
    event = AuditEvent.objects.filter(detail__startswith="cancelled").get()
    assert "hospital" not in event.detail


def test_a_supervisor_of_the_program_cancels_with_a_reason(client, session, supervisor):
    client.force_login(supervisor)
    client.post(cancel_url(session), {"reason": "Clinic closed"})
    assert TherapySession.objects.get(pk=session.pk).cancel_reason == "Clinic closed"


def test_a_care_team_clinician_who_does_not_run_it_gets_403(client, session, clinician2):
    session.episode.care_team.add(clinician2)
    client.force_login(clinician2)
    assert client.get(cancel_url(session)).status_code == 403
    assert client.post(cancel_url(session), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("who", ["intake", "admin_user_role"])
def test_intake_and_admin_cannot_cancel(request, client, session, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(cancel_url(session), {"reason": "x"}).status_code == 404
    assert TherapySession.objects.get(pk=session.pk).status == "scheduled"
