"""The sessions API: booking, moving and cancelling, filters, attendance with billing codes,
notes that sign and lock (409 after), cloned parts refused, stale saves refused, co-signature,
addenda, access per role on every endpoint, and a query budget."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services as ss
from sessions.models import TherapySession
from tests.queries import query_counts

TZ = timezone.get_current_timezone()
DAY = datetime(2026, 11, 18, tzinfo=TZ)  # the `todays_session` day (a Wednesday, EST)
DAP = {"data": "Sleep skills.", "assessment": "Engaged.", "plan": "Practise."}


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(name, pk=None, action=None):
    if pk is None:
        return reverse(f"{name}-list")
    return reverse(f"{name}-{action or 'detail'}", args=[pk])


def at(hour, minute=0):
    return DAY.replace(hour=hour, minute=minute)


def book(clinician, episode, hour, *, kind="individual", minutes=50, **extra):
    return ss.session_schedule(
        kind=kind,
        starts_at=at(hour),
        duration_minutes=minutes,
        clinicians=[clinician],
        episode=episode,
        user=clinician,
        **extra,
    )


def ids(response):
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def present(enroll, todays_session, clinician):
    def make(count):
        episodes = enroll.many(count)
        for episode in episodes:
            ss.attendance_mark(
                session=todays_session, episode=episode, status="present", user=clinician
            )
        return episodes

    return make


@pytest.fixture
def signed_note(present, todays_session, clinician):
    (episode,) = present(1)
    note = ss.note_start(session=todays_session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=DAP,
        entries={episode.patient_id: {"text": "Fine.", "risk_level": "none"}},
    )
    return ss.note_sign(note=note, user=clinician)


# --- booking, moving, cancelling ----------------------------------------------------------------


def test_booking_refuses_a_double_booking_and_an_inactive_episode(
    api_client, clinician, make_episode, time_machine
):
    time_machine.move_to(at(8), tick=False)
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


@pytest.mark.parametrize(
    "change,field",
    [
        ({"delivery": "telehealth"}, "telehealth_link"),
        ({"kind": "group"}, "kind"),
        ({"clinicians": []}, "clinicians"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"telehealth_link": "not a link"}, "telehealth_link"),
    ],
)
def test_a_bad_booking_names_the_field(
    api_client, clinician, make_episode, time_machine, change, field
):
    time_machine.move_to(at(8), tick=False)
    episode = make_episode(clinician=clinician)
    booking = {
        "kind": "individual",
        "starts_at": "2026-11-18T14:00:00-05:00",
        "clinicians": [clinician.pk],
        "episode": episode.pk,
        **change,
    }
    response = as_user(api_client, clinician).post(url("session"), booking, format="json")
    assert response.status_code == 400 and field in response.json()


def test_a_family_session_records_its_members_and_is_billed_with_the_patient(
    api_client, clinician, make_episode, time_machine
):
    time_machine.move_to(at(10), tick=False)
    episode = make_episode(clinician=clinician)
    client = as_user(api_client, clinician)
    members = [{"name": "Sam Doe", "relationship": "Mother"}]
    booked = client.post(
        url("session"),
        {
            "kind": "family",
            "starts_at": "2026-11-18T09:00:00-05:00",
            "duration_minutes": 50,
            "clinicians": [clinician.pk],
            "episode": episode.pk,
            "family_members": members,
            "patient_present": True,
        },
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    assert booked.json()["family_members"] == members
    client.post(
        url("attendance"),
        {"session": booked.json()["id"], "episode": episode.pk, "status": "present"},
    )
    detail = client.get(url("session", booked.json()["id"])).json()
    assert (detail["status"], detail["roster"][0]["billing_codes"]) == ("completed", ["90847"])


def test_the_list_shows_each_sessions_clinicians_and_family_members_as_its_detail_does(
    api_client, clinician, clinician2, make_episode, time_machine
):
    time_machine.move_to(at(8), tick=False)
    episode = make_episode(clinician=clinician)
    client = as_user(api_client, clinician)
    members = [
        {"name": "Sam Doe", "relationship": "Mother"},
        {"name": "Alex Doe", "relationship": "Brother"},
    ]
    for hour, family in ((9, members), (11, [])):
        booked = client.post(
            url("session"),
            {
                "kind": "family",
                "starts_at": f"2026-11-18T{hour:02}:00:00-05:00",
                "clinicians": [clinician2.pk, clinician.pk],
                "episode": episode.pk,
                "family_members": family,
                "patient_present": True,
            },
            format="json",
        )
        assert booked.status_code == 201, booked.json()

    rows = client.get(url("session")).json()["results"]

    assert [row["family_members"] for row in rows] == [members, []]
    for row in rows:
        detail = client.get(url("session", row["id"])).json()
        assert (row["clinicians"], row["family_members"]) == (
            detail["clinicians"],
            detail["family_members"],
        )


def test_a_session_is_moved_and_cancelled(api_client, clinician, make_episode, time_machine):
    time_machine.move_to(at(8), tick=False)
    episode = make_episode(clinician=clinician)
    first, _second = book(clinician, episode, 14), book(clinician, episode, 16)
    client = as_user(api_client, clinician)
    clash = client.post(
        url("session", first.pk, "reschedule"), {"starts_at": "2026-11-18T16:20:00-05:00"}
    )
    assert clash.status_code == 400 and "Casey Morgan" in str(clash.json())
    moved = client.post(
        url("session", first.pk, "reschedule"),
        {"starts_at": "2026-11-18T15:00:00-05:00", "duration_minutes": 45},
    )
    assert moved.status_code == 200
    assert (moved.json()["starts_at"], moved.json()["duration_minutes"]) == (
        "2026-11-18T15:00:00-05:00",
        45,
    )
    no_reason = client.post(url("session", first.pk, "cancel"))
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    cancelled = client.post(url("session", first.pk, "cancel"), {"reason": "Clinician ill"})
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert cancelled.json()["cancel_reason"] == "Clinician ill"
    assert client.post(url("session", first.pk, "cancel"), {"reason": "Again"}).status_code == 400
    again = client.post(
        url("session", first.pk, "reschedule"), {"starts_at": "2026-11-18T17:00:00-05:00"}
    )
    assert again.status_code == 400


def test_a_care_team_clinician_who_does_not_run_the_session_reads_it_but_cannot_change_it(
    api_client, clinician, clinician2, make_episode, time_machine
):
    time_machine.move_to(at(10), tick=False)
    episode = make_episode(clinician=clinician)
    episode.care_team.add(clinician2)
    session = book(clinician, episode, 9)
    client = as_user(api_client, clinician2)
    assert client.get(url("session", session.pk)).status_code == 200
    assert client.post(url("session", session.pk, "cancel")).status_code == 403
    moved = client.post(url("session", session.pk, "reschedule"), {"starts_at": at(15)})
    assert moved.status_code == 403
    mark = {"session": session.pk, "episode": episode.pk, "status": "present"}
    assert client.post(url("attendance"), mark).status_code == 403
    assert client.post(url("note"), {"session": session.pk}).status_code == 403


def test_sessions_filter_by_day_patient_kind_and_status(
    api_client, clinician, enroll, make_episode, todays_session
):
    (enrolled,) = enroll.many(1)
    outsider = make_episode(clinician=clinician)
    individual = book(clinician, enrolled, 8)
    ss.attendance_mark(session=individual, episode=enrolled, status="present", user=clinician)
    client = as_user(api_client, clinician)

    def listed(**params):
        return ids(client.get(url("session"), params))

    assert listed(date="2026-11-18") == [individual.pk, todays_session.pk]
    assert todays_session.pk not in listed(date="2026-11-19")
    # A group session has no patient of its own: its enrolled patients find it.
    assert listed(date="2026-11-18", patient=enrolled.patient_id) == [
        individual.pk,
        todays_session.pk,
    ]
    assert listed(patient=outsider.patient_id) == []
    assert listed(kind="individual") == [individual.pk]
    assert listed(status="completed") == [individual.pk]
    assert client.get(url("session"), {"date": "18/11/2026"}).status_code == 400


def test_groups_show_schedule_facilitators_and_current_enrollments(
    api_client, clinician, enroll, group
):
    (episode,) = enroll.many(1)
    group = as_user(api_client, clinician).get(url("group", group.pk)).json()
    assert (group["start_time"], group["duration_minutes"], group["schedule_days"]) == (
        "09:00:00",
        180,
        [0, 2, 4],
    )
    assert [f["id"] for f in group["facilitators"]] == [clinician.pk]
    assert [(e["episode"], e["patient"]) for e in group["enrollments"]] == [
        (episode.pk, episode.patient.display_name)
    ]


def test_a_listed_group_reads_as_its_detail(
    api_client, clinician, clinician2, supervisor, enroll, group
):
    """The list reads its page's facilitators and enrolments as plain values
    (`attach_facilitator_refs`, `attach_current_enrollments`): each row is the detail's answer,
    the facilitators in the users' order with their credentials."""
    enroll.many(2)
    clinician2.credentials = "LMHC"
    clinician2.save()
    group.facilitators.add(clinician2)
    client = as_user(api_client, supervisor)

    rows = client.get(url("group"), {"page_size": 200}).json()["results"]

    assert [row["id"] for row in rows] == [group.pk]
    assert rows[0] == client.get(url("group", group.pk)).json()
    assert len(rows[0]["facilitators"]) == 2 and len(rows[0]["enrollments"]) == 2
    assert any(f["display_name"].endswith(", LMHC") for f in rows[0]["facilitators"])


# --- attendance and billing ---------------------------------------------------------------------


def test_attendance_and_billing_codes_on_the_session(
    api_client,
    clinician,
    enroll,
    todays_session,
):
    (episode,) = enroll.many(1)
    client = as_user(api_client, clinician)
    marked = client.post(
        url("attendance"),
        {"session": todays_session.pk, "episode": episode.pk, "status": "present"},
    )
    assert marked.status_code == 201, marked.json()
    assert marked.json()["minutes_attended"] == 180
    roster = client.get(url("session", todays_session.pk)).json()["roster"]
    # A 3-hour group attended in full, billed per service (the default): group psychotherapy
    # only; the per diem never stacks on it.
    assert roster == [
        {
            "episode": episode.pk,
            "patient": episode.patient_id,
            "name": episode.patient.display_name,
            "status": "present",
            "minutes_attended": 180,
            "billing_codes": ["90853"],
            "bundled_codes": [],
            "billing_note": "",
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


def test_the_per_diem_code_comes_when_the_patients_day_reaches_three_hours(
    api_client, clinician, enroll, todays_session
):
    (episode,) = enroll.many(1)
    episode.program.billing_mode = "per_diem"
    episode.program.save()
    client = as_user(api_client, clinician)
    client.post(
        url("attendance"), {"session": todays_session.pk, "episode": episode.pk, "status": "late"}
    )  # 165 of 180 minutes
    group_codes = client.get(url("session", todays_session.pk)).json()["roster"][0]
    assert group_codes["billing_codes"] == ["90853"]
    assert group_codes["billing_note"] == "per-diem threshold not met (165 of 180 min)"
    individual = book(clinician, episode, 8)
    corrected = client.post(
        url("attendance"), {"session": individual.pk, "episode": episode.pk, "status": "present"}
    )
    assert corrected.status_code == 201
    # 215 minutes: one S9480 line for the day, on its first session (the 08:00 individual),
    # with the day's sessions bundled; the group shows its code as bundled, not billable.
    individual_row = client.get(url("session", individual.pk)).json()["roster"][0]
    assert individual_row["billing_codes"] == ["S9480"]
    assert individual_row["bundled_codes"] == ["90834", "90853"]
    group_row = client.get(url("session", todays_session.pk)).json()["roster"][0]
    assert group_row["billing_codes"] == []
    assert group_row["bundled_codes"] == ["90853"]
    assert group_row["billing_note"] == "bundled into the day's S9480"


def test_marking_again_corrects_the_record(api_client, clinician, enroll, todays_session):
    (episode,) = enroll.many(1)
    client = as_user(api_client, clinician)
    mark = {"session": todays_session.pk, "episode": episode.pk}
    client.post(url("attendance"), {**mark, "status": "present"})
    client.post(url("attendance"), {**mark, "status": "left_early", "minutes": 120})
    rows = client.get(url("attendance"), {"session": todays_session.pk}).json()["results"]
    assert [(r["status"], r["minutes_attended"]) for r in rows] == [("left_early", 120)]


@pytest.mark.parametrize("which", ["not enrolled", "no such episode"])
def test_attendance_is_only_for_the_sessions_roster(
    api_client, clinician, make_episode, todays_session, which
):
    episode_id = make_episode(clinician=clinician).pk if which == "not enrolled" else 99999
    response = as_user(api_client, clinician).post(
        url("attendance"), {"session": todays_session.pk, "episode": episode_id, "status": "late"}
    )
    assert response.status_code == 400
    assert response.json() == {"episode": ["Not on this session's roster."]}


def test_a_facilitator_sees_and_marks_the_attendees_but_not_others_sessions(
    api_client,
    clinician2,
    clinician,
    enroll,
    todays_session,
    group,
):
    (episode,) = enroll.many(1)  # on clinician's caseload, not clinician2's
    group.facilitators.set([clinician2])
    todays_session.clinicians.set([clinician2])
    client = as_user(api_client, clinician2)
    marked = client.post(
        url("attendance"),
        {"session": todays_session.pk, "episode": episode.pk, "status": "present"},
    )
    assert marked.status_code == 201, marked.json()
    roster = client.get(url("session", todays_session.pk)).json()["roster"]
    assert [(r["patient"], r["status"]) for r in roster] == [(episode.patient_id, "present")]
    other = book(clinician, episode, 14)
    # clinician2 does not run it and the patient is not on their caseload: not even visible.
    assert client.get(url("session", other.pk)).status_code == 404
    assert other.pk not in ids(client.get(url("session")))


def test_a_clinician_sees_their_patients_attendance_at_a_group_run_by_someone_else(
    api_client, clinician, clinician2, enroll, todays_session, group
):
    (episode,) = enroll.many(1)
    group.facilitators.set([clinician2])
    todays_session.clinicians.set([clinician2])
    ss.attendance_mark(session=todays_session, episode=episode, status="late", user=clinician2)
    rows = as_user(api_client, clinician).get(url("attendance"), {"patient": episode.patient_id})
    assert [(r["session"], r["status"]) for r in rows.json()["results"]] == [
        (todays_session.pk, "late")
    ]


# --- notes --------------------------------------------------------------------------------------


def test_a_group_note_through_the_api(api_client, clinician, present, todays_session):
    episodes = present(2)
    client = as_user(api_client, clinician)
    note = client.post(url("note"), {"session": todays_session.pk, "format": "DAP"}).json()
    assert {e["patient"] for e in note["entries"]} == {e.patient_id for e in episodes}
    same = {str(e.patient_id): {"text": "Did well.", "risk_level": "none"} for e in episodes}
    client.patch(url("note", note["id"]), {"shared": DAP, "entries": same}, format="json")
    cloned = client.post(url("note", note["id"], "sign"), {})
    assert cloned.status_code == 400 and "identical" in str(cloned.json())
    own = {
        str(e.patient_id): {"text": text}
        for e, text in zip(episodes, ("Did well.", "Left early, upset by a call."), strict=True)
    }
    client.patch(url("note", note["id"]), {"entries": own}, format="json")
    signed = client.post(url("note", note["id"], "sign"), {})
    assert signed.status_code == 200, signed.json()
    assert (signed.json()["status"], signed.json()["intact"]) == ("signed", True)
    assert client.patch(url("note", note["id"]), {"shared": DAP}, format="json").status_code == 409
    assert client.post(url("note", note["id"], "sign"), {}).status_code == 409
    addendum = client.post(url("note", note["id"], "addenda"), {"text": "Called the family."})
    assert addendum.status_code == 201
    assert [a["text"] for a in client.get(url("note", note["id"])).json()["addenda"]] == [
        "Called the family."
    ]


def test_a_draft_saved_from_a_stale_revision_is_refused(
    api_client, clinician, present, todays_session
):
    (episode,) = present(1)
    client = as_user(api_client, clinician)
    note = client.post(url("note"), {"session": todays_session.pk}).json()
    entry = {str(episode.patient_id): {"text": "Quiet today.", "risk_level": "low"}}
    saved = client.patch(
        url("note", note["id"]),
        {"shared": DAP, "entries": entry, "revision": note["revision"]},
        format="json",
    )
    assert saved.json()["revision"] == note["revision"] + 1
    stale = client.patch(
        url("note", note["id"]), {"shared": {}, "revision": note["revision"]}, format="json"
    )
    assert stale.status_code == 409 and "after you opened it" in stale.json()["detail"]
    assert (
        client.post(url("note", note["id"], "sign"), {"revision": note["revision"]}).status_code
        == 409
    )
    assert client.get(url("note", note["id"])).json()["shared"]["data"] == DAP["data"]


def test_a_draft_changes_format_and_keeps_the_new_sections(
    api_client, clinician, present, todays_session
):
    present(1)
    client = as_user(api_client, clinician)
    note = client.post(url("note"), {"session": todays_session.pk}).json()
    soap = {"subjective": "s", "objective": "o", "assessment": "a", "plan": "p", "data": "x"}
    saved = client.patch(
        url("note", note["id"]), {"format": "SOAP", "shared": soap}, format="json"
    ).json()
    assert (saved["format"], sorted(saved["shared"])) == (
        "SOAP",
        ["assessment", "objective", "plan", "subjective"],
    )
    bad = client.patch(url("note", note["id"]), {"format": "XYZ"}, format="json")
    assert bad.status_code == 400 and "format" in bad.json()


def test_entries_name_only_the_attendees(api_client, clinician, present, todays_session):
    present(1)
    client = as_user(api_client, clinician)
    note = client.post(url("note"), {"session": todays_session.pk}).json()
    for entries in ({"99999": {"text": "x"}}, {"abc": {"text": "x"}}):
        response = client.patch(url("note", note["id"]), {"entries": entries}, format="json")
        assert response.status_code == 400 and "entries" in response.json()


def test_an_addendum_needs_a_signed_note_and_text(
    api_client, clinician, present, todays_session, signed_note
):
    client = as_user(api_client, clinician)
    assert client.post(url("note", signed_note.pk, "addenda"), {"text": " "}).status_code == 400
    assert (
        client.post(url("note", signed_note.pk, "addenda"), ["x"], format="json").status_code == 400
    )


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
        shared=DAP,
        entries={episode.patient_id: {"text": "Fine.", "risk_level": "low"}},
    )
    response = as_user(api_client, clinician).post(url("note", note.pk, "sign"), {})
    assert response.json()["status"] == "awaiting_cosign"
    assert as_user(api_client, clinician).post(url("note", note.pk, "cosign")).status_code == 403
    done = as_user(api_client, supervisor).post(url("note", note.pk, "cosign"))
    assert done.json()["status"] == "signed" and done.json()["cosigned_by"]["id"] == supervisor.pk


def test_a_note_that_needs_no_cosignature_is_refused_one(api_client, supervisor, signed_note):
    response = as_user(api_client, supervisor).post(url("note", signed_note.pk, "cosign"))
    assert response.status_code == 400


# --- access per role ----------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["session", "note", "group", "attendance"])
@pytest.mark.parametrize("role", ["admin", "intake", "clinician2", "clinician", "supervisor"])
def test_access_per_role(
    api_client,
    role_users,
    present,
    todays_session,
    group,
    clinician,
    resource,
    role,
):
    present(1)
    note = ss.note_start(session=todays_session, user=clinician)
    client = as_user(api_client, role_users[role])
    many = client.get(url(resource))
    if resource == "attendance":
        one = None
        expected = todays_session.pk
        listed = [r["session"] for r in many.json().get("results", [])]
    else:
        expected = {"session": todays_session.pk, "note": note.pk, "group": group.pk}[resource]
        one = client.get(url(resource, expected)).status_code
        listed = [r["id"] for r in many.json().get("results", [])]
    if role in ("admin", "intake"):
        assert (one or 403, many.status_code) == (403, 403)
    elif role == "clinician2":
        assert (one or 404, listed) == (404, [])
    else:
        assert (one or 200, expected in listed) == (200, True)


@pytest.mark.parametrize("role", ["admin", "intake"])
def test_every_write_is_refused_to_admins_and_intake(
    api_client, role_users, enroll, todays_session, signed_note, role
):
    (episode,) = enroll.many(1)
    client = as_user(api_client, role_users[role])
    writes = [
        (url("session"), {"kind": "individual", "starts_at": at(15), "episode": episode.pk}),
        (url("session", todays_session.pk, "cancel"), {}),
        (url("session", todays_session.pk, "reschedule"), {"starts_at": at(15)}),
        (
            url("attendance"),
            {"session": todays_session.pk, "episode": episode.pk, "status": "present"},
        ),
        (url("note"), {"session": todays_session.pk}),
        (url("note", signed_note.pk, "sign"), {}),
        (url("note", signed_note.pk, "cosign"), {}),
        (url("note", signed_note.pk, "addenda"), {"text": "x"}),
    ]
    statuses = [client.post(path, data).status_code for path, data in writes]
    statuses.append(client.patch(url("note", signed_note.pk), {"shared": DAP}).status_code)
    assert statuses == [403] * 9


def test_an_unrelated_clinician_gets_404_on_every_action(
    api_client, clinician2, todays_session, signed_note
):
    client = as_user(api_client, clinician2)
    statuses = [
        client.post(url("session", todays_session.pk, "cancel")).status_code,
        client.post(
            url("session", todays_session.pk, "reschedule"), {"starts_at": at(15)}
        ).status_code,
        client.patch(url("note", signed_note.pk), {"shared": DAP}, format="json").status_code,
        client.post(url("note", signed_note.pk, "sign"), {}).status_code,
        client.post(url("note", signed_note.pk, "addenda"), {"text": "x"}).status_code,
    ]
    assert statuses == [404] * 5
    refused = client.post(url("note"), {"session": todays_session.pk})
    assert refused.status_code == 400 and "session" in refused.json()


def test_there_is_no_put_or_delete(api_client, supervisor, todays_session, signed_note):
    client = as_user(api_client, supervisor)
    assert client.put(url("note", signed_note.pk), {}).status_code == 405
    assert client.delete(url("note", signed_note.pk)).status_code == 405
    assert client.delete(url("session", todays_session.pk)).status_code == 405


# --- speed --------------------------------------------------------------------------------------


def test_detail_and_list_queries_are_the_same_for_1_or_6_attendees(
    api_client, clinician, present, todays_session
):
    present(1)
    note = ss.note_start(session=todays_session, user=clinician)
    client = as_user(api_client, clinician)
    paths = [
        url("session", todays_session.pk),
        url("note", note.pk),
        url("note"),
        url("attendance"),
        url("group"),
        url("session"),
    ]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    present(5)
    ss.note_start(session=todays_session, user=clinician)  # a part for each newcomer
    assert note.entries.count() == 6
    assert len(client.get(url("attendance")).json()["results"]) == 6
    assert query_counts(client, paths) == one
