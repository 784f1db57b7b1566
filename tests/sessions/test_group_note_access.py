"""Who reads which parts of a group note: the group's facilitators and supervisors all of it;
a clinician on one attendee's care team who does not run the group, the shared part and their
own patient's part only (the other attendees not even named), audited; intake nothing."""

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Patient
from sessions import services as ss
from tests.factories import UserFactory

DAP = {"data": "Distress tolerance: TIPP.", "assessment": "Engaged.", "plan": "Practise."}
ARLO = "Practised paced breathing; named work stress as a trigger."
BECK = "Disclosed a relapse on Saturday; agreed to call her sponsor."


@pytest.fixture
def group_note(enroll, make_episode, todays_session, clinician, clinician2):
    """Today's group, run by Casey Morgan (`clinician`): Arlo (on clinician2's caseload) and
    Beck (Casey's own) attended; the note is written, not yet signed."""
    arlo = enroll(make_episode(clinician=clinician2, last_name="Arlo"))
    beck = enroll(last_name="Beck")
    Patient.objects.filter(pk=beck.patient_id).update(legal_first_name="Bea")
    for episode in (arlo, beck):
        ss.attendance_mark(
            session=todays_session, episode=episode, status="present", user=clinician
        )
    note = ss.note_start(session=todays_session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=DAP,
        entries={
            arlo.patient_id: {"text": ARLO, "risk_level": "none"},
            beck.patient_id: {"text": BECK, "risk_level": "low"},
        },
    )
    return note, arlo.patient, beck.patient


def signed(group_note, clinician):
    note, arlo, beck = group_note
    return ss.note_sign(note=note, user=clinician), arlo, beck


def chart_note(patient, note):
    return reverse("sessions:chart-note", args=[patient.pk, note.session_id])


def test_the_care_team_clinician_reads_the_shared_part_and_their_patients_part(
    client, group_note, clinician, clinician2
):
    note, arlo, beck = signed(group_note, clinician)
    client.force_login(clinician2)
    # The session page of a group run by someone else leads to the note from Arlo's chart.
    response = client.get(reverse("sessions:session", args=[note.session_id]))
    assert response.url == chart_note(arlo, note)
    # The redirect is a read with no object, recorded as before (the page records it itself).
    redirected = AuditEvent.objects.get(object_type="therapy_sessions.therapysession list")
    assert (redirected.user, redirected.action, redirected.patient_id) == (clinician2, "view", None)
    html = client.get(response.url).content.decode()
    assert ARLO in html
    assert DAP["data"] in html
    assert "DAP note by Casey Morgan; signed by Casey Morgan 18 Nov 2026 10:00." in html
    assert BECK not in html
    assert "Beck" not in html and "Bea" not in html  # not even the other attendee's name
    event = AuditEvent.objects.get(object_type="therapy_sessions.progressnote", action="view")
    assert (event.user, event.patient_id, event.object_id) == (clinician2, arlo.pk, str(note.pk))
    # Beck is not on clinician2's caseload: her chart, and her part, stay closed.
    assert client.get(chart_note(beck, note)).status_code == 404


def test_the_api_gives_the_care_team_clinician_only_their_patients_part(
    api_client, group_note, clinician, clinician2
):
    note, arlo, beck = signed(group_note, clinician)
    ss.addendum_add(note=note, text="Bea's sponsor called back.", user=clinician)
    api_client.force_authenticate(clinician2)
    data = api_client.get(reverse("note-detail", args=[note.pk])).json()
    assert data["shared"] == DAP
    assert [(e["patient"], e["text"]) for e in data["entries"]] == [(arlo.pk, ARLO)]
    assert "Beck" not in str(data) and "Bea" not in str(data)
    assert data["addenda"] == []
    # The list names the note (its facts); the parts are the detail's.
    listed = api_client.get(reverse("note-list")).json()["results"]
    assert [(n["id"], n["session"], n["status"]) for n in listed] == [
        (note.pk, note.session_id, "signed")
    ]
    assert "entries" not in listed[0] and "Beck" not in str(listed)
    assert AuditEvent.objects.filter(
        user=clinician2, object_id=str(note.pk), patient_id=arlo.pk, action="view"
    ).exists()
    # Reading is all: the note's writes stay with the session's clinicians.
    refused = api_client.post(reverse("note-addenda", args=[note.pk]), {"text": "Mine."})
    assert refused.status_code == 403


def test_a_draft_is_not_shown_to_the_care_team_clinician(
    api_client, client, group_note, clinician2
):
    note, arlo, _ = group_note
    api_client.force_authenticate(clinician2)
    assert api_client.get(reverse("note-detail", args=[note.pk])).status_code == 404
    client.force_login(clinician2)
    html = client.get(chart_note(arlo, note)).content.decode()
    assert "it can be read here once it is signed" in html
    assert ARLO not in html and DAP["data"] not in html


@pytest.mark.parametrize("who", ["clinician", "supervisor"])
def test_the_facilitator_and_supervisors_read_every_part(
    api_client, client, group_note, clinician, supervisor, who
):
    note, arlo, beck = signed(group_note, clinician)
    user = {"clinician": clinician, "supervisor": supervisor}[who]
    client.force_login(user)
    html = client.get(reverse("sessions:session", args=[note.session_id])).content.decode()
    assert ARLO in html and BECK in html
    api_client.force_authenticate(user)
    data = api_client.get(reverse("note-detail", args=[note.pk])).json()
    assert {e["text"] for e in data["entries"]} == {ARLO, BECK}


def test_intake_and_an_unrelated_clinician_read_nothing(
    api_client, client, group_note, clinician, intake
):
    note, arlo, _ = signed(group_note, clinician)
    stranger = UserFactory(username="clinician3", role="clinician")
    for user, api_status in ((intake, 403), (stranger, 404)):
        client.force_login(user)
        assert client.get(chart_note(arlo, note)).status_code == 404
        assert client.get(reverse("sessions:session", args=[note.session_id])).status_code == 404
        api_client.force_authenticate(user)
        assert api_client.get(reverse("note-detail", args=[note.pk])).status_code == api_status


def test_the_chart_links_to_a_group_note_only_once_there_is_one(
    client, enroll, todays_session, clinician
):
    # Acceptance probe: an attended group session with no note yet showed a "note" link on the
    # chart's sessions tab that answered 404.
    episode = enroll(last_name="Cole")
    ss.attendance_mark(session=todays_session, episode=episode, status="present", user=clinician)
    client.force_login(clinician)
    link = reverse("sessions:chart-note", args=[episode.patient_id, todays_session.pk])
    tab = reverse("sessions:chart", args=[episode.patient_id])
    assert f'href="{link}"' not in client.get(tab).content.decode()
    note = ss.note_start(session=todays_session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=DAP,
        entries={episode.patient_id: {"text": ARLO, "risk_level": "none"}},
    )
    assert f'href="{link}"' in client.get(tab).content.decode()
    assert client.get(link).status_code == 200


def test_the_chart_page_shows_the_care_team_clinician_no_addenda_of_a_group_note(
    client, group_note, clinician, clinician2
):
    """As the API: a group note's addenda are the whole group's (they name other attendees),
    so a clinician who does not run the group reads none of them from their patient's chart;
    the group's clinician reads them all."""
    note, arlo, beck = signed(group_note, clinician)
    ss.addendum_add(note=note, text="Bea's sponsor called back.", user=clinician)
    client.force_login(clinician2)
    html = client.get(chart_note(arlo, note)).content.decode()
    assert ARLO in html
    assert "sponsor" not in html and "Bea" not in html
    client.force_login(clinician)
    assert "Bea&#x27;s sponsor called back." in client.get(chart_note(beck, note)).content.decode()


def test_the_chart_links_a_session_only_for_those_who_may_open_it(
    client, group_note, supervisor, clinician2
):
    """Arlo's clinician (clinician2) does not run the group: the chart lists the session
    without a link to its page (a 404 for them when Arlo has no part in a note, e.g. a missed
    session); the facilitator gets the link."""
    note, arlo, _beck = group_note
    session_url = reverse("sessions:session", args=[note.session_id])
    tab = reverse("sessions:chart", args=[arlo.pk])
    client.force_login(clinician2)
    page = client.get(tab).content.decode()
    assert f'href="{session_url}"' not in page
    client.force_login(supervisor)
    assert f'href="{session_url}"' in client.get(tab).content.decode()


def test_the_notes_list_tests_a_users_patients_as_one_array(
    api_client, group_note, clinician, clinician2, supervisor
):
    """The notes list: the care team clinician sees a group note run by someone else once it
    is signed (through their patient's part), the facilitator and a supervisor always. On
    PostgreSQL each test of the user's patients carries them as one array (`id_set`,
    `in_ids`), not a literal per patient: a supervisor's 2,500 cost 24 ms of planning for a
    6 ms page. A supervisor's groups are a subquery of the list's own query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    note, _, _ = group_note

    def listed(user):
        api_client.force_authenticate(user)
        with CaptureQueriesContext(connection) as queries:
            rows = api_client.get(reverse("note-list")).json()["results"]
        sql = next(q["sql"] for q in queries if "progressnote" in q["sql"].split("FROM")[1])
        return [n["id"] for n in rows], sql

    assert listed(clinician2)[0] == []
    signed(group_note, clinician)
    for user in (clinician2, clinician, supervisor):
        ids, sql = listed(user)
        assert ids == [note.pk]
        if connection.vendor == "postgresql":
            # The sessions of their patients, and their patients' parts of a note.
            assert sql.count("::bigint[]") == 2


def test_the_chart_records_the_note_and_its_own_read_in_one_audit_transaction(
    transactional_db, client, group_note, clinician, clinician2
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    note, arlo, _ = signed(group_note, clinician)
    client.force_login(clinician2)
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(chart_note(arlo, note)).status_code == 200
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    # The note first, then the chart's own read of the patient, both filed under Arlo.
    assert [(e.object_type, e.object_id, e.patient_id, e.user) for e in events] == [
        ("therapy_sessions.progressnote", str(note.pk), arlo.pk, clinician2),
        ("patients.patient", str(arlo.pk), arlo.pk, clinician2),
    ]
    assert events[0].detail.startswith("group note from the chart")
    # Nothing ends a transaction between the two writes (one lock of the trail, not two).
    sql = [q["sql"].upper() for q in queries.captured_queries]
    writes = [i for i, text in enumerate(sql) if text.startswith('INSERT INTO "AUDIT_AUDITEVENT"')]
    between = sql[writes[0] : writes[-1]]
    assert len(writes) == 2
    assert not [text for text in between if text.startswith(("COMMIT", "BEGIN"))]
