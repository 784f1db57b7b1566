"""The group note composer: the session's topic carried into the shared part, every attendee's
part in one scrolling form saved at once, and a refused signature told beside each part (the
clone check, a part or a risk re-check missing) with everything typed kept."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from sessions import services
from sessions.models import ProgressNote, TherapySession
from tests.factories import UserFactory

SHARED = {"data": "Skills group.", "assessment": "Engaged.", "plan": "Practise nightly."}


@pytest.fixture
def three_present(enroll, todays_session, clinician):
    """Adams, Baker and Cruz attend today's group."""
    episodes = [enroll(last_name=name) for name in ("Adams", "Baker", "Cruz")]
    services.attendance_mark_all_present(session=todays_session, user=clinician)
    return episodes


def note_url(session):
    return reverse("sessions:note", args=[session.pk])


def part_html(html, patient_id):
    """The HTML of one attendee's part of the composer (its fieldset)."""
    match = re.search(rf'<fieldset[^>]*id="part-{patient_id}".*?</fieldset>', html, re.S)
    assert match, f"no part for patient {patient_id}"
    return match.group(0)


# --- the topic --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "section"), [("DAP", "data"), ("SOAP", "objective"), ("BIRP", "intervention")]
)
def test_the_topic_starts_the_section_of_what_happened(
    three_present, todays_session, clinician, format, section
):
    note = services.note_start(
        session=todays_session, user=clinician, format=format, topic="  Sleep   hygiene "
    )
    assert note.shared == {section: "Group topic: Sleep hygiene."}
    todays_session.refresh_from_db()
    assert todays_session.topic == "Sleep hygiene"
    assert AuditEvent.objects.filter(
        object_type="therapy_sessions.therapysession", detail="topic: Sleep hygiene"
    ).exists()


def test_a_topic_too_long_is_refused_and_nothing_starts(three_present, todays_session, clinician):
    with pytest.raises(ValidationError) as error:
        services.note_start(session=todays_session, user=clinician, topic="x" * 201)
    assert error.value.message_dict["topic"] == ["Keep the topic to 200 characters (201)."]
    assert not ProgressNote.objects.exists()
    assert TherapySession.objects.get().topic == ""


def test_starting_from_the_page_names_the_topic_and_opens_the_composer(
    client, clinician, three_present, todays_session
):
    client.force_login(clinician)
    response = client.post(
        note_url(todays_session), {"format": "DAP", "topic": "Urge surfing", "start": "1"}
    )
    assert response.status_code == 302
    html = client.get(todays_session.get_absolute_url()).content.decode()
    assert "Group topic: Urge surfing." in html
    assert 'data-testid="note-topic">Topic: Urge surfing<' in html


# --- one scrolling form -----------------------------------------------------------------------


def test_every_part_is_in_one_form_without_tabs(client, clinician, three_present, todays_session):
    services.note_start(session=todays_session, user=clinician)
    client.force_login(clinician)
    html = client.get(todays_session.get_absolute_url()).content.decode()
    assert 'role="tab"' not in html
    assert html.count('data-testid="note-part"') == 3
    assert "Each attendee's part (3)" in html
    assert 'data-risk-fill="none"' in html


def test_one_save_keeps_every_part(client, clinician, three_present, todays_session):
    note = services.note_start(session=todays_session, user=clinician)
    client.force_login(clinician)
    data = {"revision": note.revision, "save": "1"} | {f"shared_{k}": v for k, v in SHARED.items()}
    for episode in three_present:
        data[f"entry_{episode.patient_id}_text"] = f"{episode.patient.legal_last_name} spoke."
        data[f"entry_{episode.patient_id}_risk_level"] = "none"
    client.post(note_url(todays_session), data)
    assert sorted(note.entries.values_list("text", flat=True)) == [
        "Adams spoke.",
        "Baker spoke.",
        "Cruz spoke.",
    ]


# --- refusals beside each part ----------------------------------------------------------------


def test_the_refusal_carries_each_attendees_problems(three_present, todays_session, clinician):
    adams, baker, cruz = three_present
    note = services.note_start(session=todays_session, user=clinician)
    services.note_save(
        note=note,
        user=clinician,
        shared={"data": "Skills group.", "assessment": "", "plan": "Practise."},
        entries={
            adams.patient_id: {"text": "Practised the skill well today.", "risk_level": "none"},
            baker.patient_id: {"text": "Practised the skill well today."},
        },
    )
    with pytest.raises(services.NoteIncompleteError) as error:
        services.note_sign(note=note, user=clinician)
    parts = error.value.parts
    assert parts[adams.patient_id] == {
        "text": [
            "The same as the part for Pat2 B. once names are removed: write what was "
            "individual to this attendee."
        ]
    }
    assert parts[baker.patient_id]["risk_level"] == ["Record the risk re-check."]
    assert parts[cruz.patient_id] == {
        "text": ["Write this attendee's part."],
        "risk_level": ["Record the risk re-check."],
    }
    assert error.value.sections == {"assessment": "Write the assessment section."}
    # The API's message (by field) is unchanged.
    assert "Write these sections: Assessment." in error.value.message_dict["shared"]


def test_the_page_shows_each_message_beside_its_part_and_keeps_the_text(
    client, clinician, three_present, todays_session
):
    adams, baker, cruz = three_present
    note = services.note_start(session=todays_session, user=clinician)
    client.force_login(clinician)
    same = "Practised the breathing skill and rated distress lower."
    data = {"revision": note.revision, "sign": "1"} | {f"shared_{k}": v for k, v in SHARED.items()}
    data |= {
        f"entry_{adams.patient_id}_text": same,
        f"entry_{adams.patient_id}_risk_level": "none",
        f"entry_{baker.patient_id}_text": same,
        f"entry_{baker.patient_id}_risk_level": "low",
        f"entry_{cruz.patient_id}_text": "Cruz left early for an appointment.",
        f"entry_{cruz.patient_id}_risk_notes": "Asked about the crisis line.",
    }
    html = client.post(note_url(todays_session), data).content.decode()
    assert "Not signed: what is missing is shown beside each part below." in html
    adams_part = part_html(html, adams.patient_id)
    assert "The same as the part for Pat2 B." in adams_part and same in adams_part
    assert "The same as the part for Pat1 A." in part_html(html, baker.patient_id)
    cruz_part = part_html(html, cruz.patient_id)
    assert "Record the risk re-check." in cruz_part
    assert "Cruz left early" in cruz_part and "Asked about the crisis line." in cruz_part
    assert "The same as" not in cruz_part
    # The top links to the parts to fix.
    assert f'href="#part-{adams.patient_id}" class="alert-link"' in html
    assert f'href="#part-{cruz.patient_id}" class="alert-link"' in html
    note.refresh_from_db()
    assert note.status == "draft"


def test_a_missing_shared_section_is_shown_beside_it(
    client, clinician, three_present, todays_session
):
    note = services.note_start(session=todays_session, user=clinician)
    client.force_login(clinician)
    data = {"revision": note.revision, "sign": "1", "shared_data": "Skills."}
    for episode in three_present:
        data[f"entry_{episode.patient_id}_text"] = f"{episode.patient.legal_last_name} was here."
        data[f"entry_{episode.patient_id}_risk_level"] = "none"
    html = client.post(note_url(todays_session), data).content.decode()
    assert "Write the assessment section." in html and "Write the plan section." in html
    assert "Adams was here." in html


# --- who may ----------------------------------------------------------------------------------


def test_a_supervisor_of_the_program_may_write_the_note(
    client, supervisor, three_present, todays_session
):
    client.force_login(supervisor)
    client.post(note_url(todays_session), {"format": "DAP", "topic": "Values", "start": "1"})
    note = ProgressNote.objects.get()
    assert note.author == supervisor and note.shared == {"data": "Group topic: Values."}


def test_a_clinician_on_an_attendees_team_reads_their_part_from_the_chart(
    client, enroll, todays_session, make_episode, clinician
):
    other = UserFactory(role="clinician")
    theirs = enroll(make_episode(clinician=other, last_name="Theirs"))
    services.attendance_mark_all_present(session=todays_session, user=clinician)
    client.force_login(other)
    response = client.get(todays_session.get_absolute_url())
    assert response.status_code == 302
    assert response.url == reverse(
        "sessions:chart-note", args=[theirs.patient_id, todays_session.pk]
    )
    response = client.post(note_url(todays_session), {"format": "DAP", "start": "1"})
    assert response.status_code == 404
    assert not ProgressNote.objects.exists()


@pytest.mark.parametrize("who", ["clinician2", "intake"])
def test_staff_off_the_session_get_404(client, request, three_present, todays_session, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(todays_session.get_absolute_url()).status_code == 404
    response = client.post(note_url(todays_session), {"format": "DAP", "topic": "X", "start": "1"})
    assert response.status_code == 404
    assert not ProgressNote.objects.exists()
    assert TherapySession.objects.get().topic == ""
