"""The sessions API: booking, attendance with billing codes, notes that sign and lock (409 after),
cloned parts refused, co-signature, addenda, access per role, and a query budget."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services as ss
from sessions.models import ProgressNote, TherapySession

TZ = timezone.get_current_timezone()


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(name, pk=None, action=None):
    if pk is None:
        return reverse(f"{name}-list")
    return reverse(f"{name}-{action or 'detail'}", args=[pk])


@pytest.fixture
def present(enrol, todays_session, clinician):
    def make(count):
        episodes = enrol(count)
        for episode in episodes:
            ss.attendance_mark(session=todays_session, episode=episode, status="present",
                               user=clinician)  # fmt: skip
        return episodes

    return make


def test_booking_refuses_a_double_booking_and_an_inactive_episode(
    api_client, clinician, make_episode, time_machine
):
    time_machine.move_to(datetime(2026, 11, 18, 8, tzinfo=TZ), tick=False)
    episode = make_episode(clinician=clinician)
    client = as_user(api_client, clinician)
    booking = {
        "kind": "individual",
        "starts_at": "2026-11-18T14:00:00-05:00",
        "duration_minutes": 50,
        "clinicians": [clinician.pk],
        "episode": episode.pk,
    }
    assert client.post(url("session"), booking).status_code == 201
    clash = client.post(url("session"), {**booking, "starts_at": "2026-11-18T14:30:00-05:00"})
    assert clash.status_code == 400
    assert "Casey Morgan" in str(clash.json()["clinicians"])
    referred = make_episode(clinician=clinician, status="referred")
    other = client.post(
        url("session"),
        {**booking, "episode": referred.pk, "starts_at": "2026-11-18T16:00:00-05:00"},
    )
    assert other.status_code == 400 and "episode" in other.json()
    assert TherapySession.objects.count() == 1


def test_attendance_and_billing_codes_on_the_session(
    api_client,
    clinician,
    enrol,
    todays_session,
):
    (episode,) = enrol(1)
    client = as_user(api_client, clinician)
    marked = client.post(url("attendance"), {"session": todays_session.pk, "episode": episode.pk,
                                             "status": "present"})  # fmt: skip
    assert marked.status_code == 201, marked.json()
    assert marked.json()["minutes_attended"] == 180
    roster = client.get(url("session", todays_session.pk)).json()["roster"]
    # A 3-hour group attended in full: group psychotherapy plus the IOP per-diem day code.
    assert roster == [
        {
            "episode": episode.pk,
            "patient": episode.patient_id,
            "name": episode.patient.display_name,
            "status": "present",
            "minutes_attended": 180,
            "billing_codes": ["90853", "S9480"],
        }
    ]
    bad = client.post(
        url("attendance"),
        {
            "session": todays_session.pk,
            "episode": episode.pk,
            "status": "absent_unexcused",
            "minutes": 30,
        },
    )
    assert bad.status_code == 400 and "minutes" in bad.json()


def test_a_group_note_through_the_api(api_client, clinician, present, todays_session):
    episodes = present(2)
    client = as_user(api_client, clinician)
    note = client.post(url("note"), {"session": todays_session.pk, "format": "DAP"}).json()
    assert {e["patient"] for e in note["entries"]} == {e.patient_id for e in episodes}
    shared = {"data": "Sleep skills.", "assessment": "Engaged.", "plan": "Practise."}
    same = {str(e.patient_id): {"text": "Did well.", "risk_level": "none"} for e in episodes}
    client.patch(url("note", note["id"]), {"shared": shared, "entries": same}, format="json")
    cloned = client.post(url("note", note["id"], "sign"), {})
    assert cloned.status_code == 400 and "identical" in str(cloned.json())
    own = {str(e.patient_id): {"text": f"{e.patient.legal_last_name} did well."}
           for e in episodes}  # fmt: skip
    client.patch(url("note", note["id"]), {"entries": own}, format="json")
    signed = client.post(url("note", note["id"], "sign"), {})
    assert signed.status_code == 200, signed.json()
    assert (signed.json()["status"], signed.json()["intact"]) == ("signed", True)
    assert client.patch(url("note", note["id"]), {"shared": shared}, format="json"
                        ).status_code == 409  # fmt: skip
    assert client.post(url("note", note["id"], "sign"), {}).status_code == 409
    addendum = client.post(url("note", note["id"], "addenda"), {"text": "Called the family."})
    assert addendum.status_code == 201


def test_a_trainees_note_is_cosigned_by_a_supervisor(
    api_client, clinician, supervisor, present, todays_session
):
    clinician.is_trainee = True
    clinician.save()
    (episode,) = present(1)
    note = ss.note_start(session=todays_session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared={"data": "d", "assessment": "a", "plan": "p"},
        entries={episode.patient_id: {"text": "Fine.", "risk_level": "low"}},
    )
    response = as_user(api_client, clinician).post(url("note", note.pk, "sign"), {})
    assert response.json()["status"] == "awaiting_cosign"
    assert as_user(api_client, clinician).post(url("note", note.pk, "cosign")).status_code == 403
    done = as_user(api_client, supervisor).post(url("note", note.pk, "cosign"))
    assert done.json()["status"] == "signed" and done.json()["cosigned_by"]["id"] == supervisor.pk


@pytest.mark.parametrize("resource", ["session", "note", "group"])
@pytest.mark.parametrize("role", ["admin", "intake", "clinician2", "clinician", "supervisor"])
def test_access_per_role(
    api_client,
    role_users,
    present,
    todays_session,
    day_group,
    clinician,
    resource,
    role,
):
    present(1)
    note = ss.note_start(session=todays_session, user=clinician)
    ids = {"session": todays_session.pk, "note": note.pk, "group": day_group.pk}
    client = as_user(api_client, role_users[role])
    one, many = client.get(url(resource, ids[resource])), client.get(url(resource))
    if role in ("admin", "intake"):
        assert (one.status_code, many.status_code) == (403, 403)
    elif role == "clinician2":
        assert one.status_code == 404 and many.json()["results"] == []
    else:
        assert one.status_code == 200
        assert ids[resource] in [r["id"] for r in many.json()["results"]]


def test_a_facilitator_sees_the_attendees_but_cannot_mark_others_sessions(
    api_client,
    clinician2,
    clinician,
    present,
    todays_session,
    day_group,
):
    (episode,) = present(1)  # on clinician's caseload
    day_group.facilitators.set([clinician2])
    todays_session.clinicians.set([clinician2])
    client = as_user(api_client, clinician2)
    roster = client.get(url("session", todays_session.pk)).json()["roster"]
    assert [r["patient"] for r in roster] == [episode.patient_id]
    other = ss.session_schedule(
        kind="individual",
        starts_at=todays_session.starts_at + timedelta(hours=4),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        user=clinician,
    )
    # clinician2 does not run it and the patient is not on their caseload: not even visible.
    assert client.get(url("session", other.pk)).status_code == 404


@pytest.mark.parametrize("size", [4, 12])
def test_session_detail_queries_do_not_grow_with_the_group(
    api_client,
    clinician,
    present,
    todays_session,
    size,
    django_assert_max_num_queries,
):
    present(size)
    ss.note_start(session=todays_session, user=clinician)
    client = as_user(api_client, clinician)
    with django_assert_max_num_queries(16):
        assert client.get(url("session", todays_session.pk)).status_code == 200
    note = ProgressNote.objects.get()
    with django_assert_max_num_queries(16):
        assert client.get(url("note", note.pk)).status_code == 200
