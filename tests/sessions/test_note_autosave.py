"""The note editor saves its draft in the background (answering JSON), with the same
revision check as "Save draft"."""

import pytest
from django.urls import reverse

from sessions import services
from sessions.models import ProgressNote


@pytest.fixture
def draft(client, clinician, enroll, todays_session):
    episode = enroll()
    services.attendance_mark(
        session=todays_session, episode=episode, status="present", user=clinician
    )
    client.force_login(clinician)
    return services.note_start(session=todays_session, user=clinician), episode


def post_data(note, episode, text):
    return {
        "revision": note.revision,
        "shared_data": "Skills group on sleep.",
        "shared_assessment": "Engaged.",
        "shared_plan": "Practise nightly.",
        f"entry_{episode.patient_id}_text": text,
        f"entry_{episode.patient_id}_risk_level": "none",
    }


def autosave(client, note, data):
    return client.post(reverse("sessions:note-autosave", args=[note.session_id]), data)


def test_an_autosave_keeps_the_draft_and_gives_the_time_and_revision(client, draft):
    note, episode = draft

    response = autosave(client, note, post_data(note, episode, "Talked about sleep."))

    assert response.status_code == 200
    assert response.json()["saved"] == "10:00"  # the clock of `todays_session`
    assert response.json()["revision"] == note.revision + 1
    note.refresh_from_db()
    assert (note.status, note.entries.get().text) == ("draft", "Talked about sleep.")


def test_an_autosave_over_a_newer_save_is_a_409_and_changes_nothing(client, draft):
    note, episode = draft
    autosave(client, note, post_data(note, episode, "Saved in another tab."))

    stale = autosave(client, note, post_data(note, episode, "Typed here."))  # old revision

    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Not saved:")
    assert note.entries.get().text == "Saved in another tab."


def test_an_autosave_after_signing_is_a_409(client, clinician, draft):
    note, episode = draft
    client.post(
        reverse("sessions:note", args=[note.session_id]),
        {**post_data(note, episode, "Described the week."), "sign": "1"},
    )
    note.refresh_from_db()
    assert note.status == ProgressNote.Status.SIGNED

    response = autosave(client, note, post_data(note, episode, "Changed after signing."))

    assert response.status_code == 409
    assert note.entries.get().text == "Described the week."


def test_the_note_editor_offers_autosave(client, draft):
    note, _episode = draft

    page = client.get(reverse("sessions:session", args=[note.session_id])).content.decode()

    assert (
        f'data-autosave-url="{reverse("sessions:note-autosave", args=[note.session_id])}"' in page
    )
