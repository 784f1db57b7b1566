"""Signatures (CLINICAL.md): only the author signs, the co-signer is neither author nor signer,
every signed document shows who signed and co-signed and when, addenda, treatment plans and
safety plans carry their own content hash, and `verify_signatures` finds tampering."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from iop.accounts.roles import Role
from plans import services as plan_services
from plans.models import Objective, SafetyPlan, TreatmentPlan
from plans.signatures import plan_hash, safety_plan_hash
from sessions import services as ss
from sessions.models import Addendum, ProgressNote
from tests.factories import UserFactory
from tests.fixtures.sessions import NEW_YORK

DAP = {"data": "Sleep hygiene skills.", "assessment": "Engaged.", "plan": "Practise nightly."}
SIGNED_AT = datetime(2026, 11, 18, 10, 0, tzinfo=NEW_YORK)  # the `todays_session` clock


@pytest.fixture
def draft(enroll, todays_session, clinician):
    """A written draft of today's group note by Casey Morgan, one attendee."""
    episode = enroll(last_name="Ames")
    ss.attendance_mark(session=todays_session, episode=episode, status="present", user=clinician)
    note = ss.note_start(session=todays_session, user=clinician)
    return ss.note_save(
        note=note,
        user=clinician,
        shared=DAP,
        entries={episode.patient_id: {"text": "Slept six hours twice.", "risk_level": "none"}},
    )


@pytest.fixture
def trainee_supervisor(db, program):
    """A supervisor of `program` who is still in training: their own notes wait for a
    co-signature."""
    user = UserFactory(
        username="tsup", role=Role.SUPERVISOR, first_name="Terry", last_name="Lane", is_trainee=True
    )
    program.supervisors.add(user)
    return user


@pytest.fixture
def supervisor2(db, program):
    user = UserFactory(
        username="supervisor2", role=Role.SUPERVISOR, first_name="Sam", last_name="Ortiz"
    )
    program.supervisors.add(user)
    return user


def note_form(note, **extra):
    entry = note.entries.get()
    data = {
        "revision": note.revision,
        **{f"shared_{k}": v for k, v in DAP.items()},
        f"entry_{entry.patient_id}_text": entry.text,
        f"entry_{entry.patient_id}_risk_level": "none",
    }
    return data | extra


# --- only the author signs ---------------------------------------------------------------------

AUTHOR_ONLY = (
    "Only the note's author, Casey Morgan, signs it. A supervisor co-signs a trainee's note "
    "once it is signed."
)


def test_a_supervisor_cannot_sign_another_clinicians_note(draft, supervisor):
    with pytest.raises(ValidationError) as refusal:
        ss.note_sign(note=draft, user=supervisor)
    assert refusal.value.messages == [AUTHOR_ONLY]
    draft.refresh_from_db()
    assert (draft.status, draft.signed_by, draft.content_hash) == ("draft", None, "")


def test_the_api_answers_400_to_a_signature_by_someone_else(api_client, draft, supervisor):
    api_client.force_authenticate(supervisor)
    response = api_client.post(reverse("note-sign", args=[draft.pk]), {})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [AUTHOR_ONLY]}


def test_the_page_says_who_signs_and_keeps_the_text(client, draft, supervisor):
    client.force_login(supervisor)
    url = reverse("sessions:note", args=[draft.session_id])
    response = client.post(url, note_form(draft, sign="1"))
    html = response.content.decode()
    assert "Only the note&#x27;s author, Casey Morgan, signs it." in html
    assert "Slept six hours twice." in html
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- the co-signer is neither the author nor the signer ----------------------------------------


@pytest.fixture
def awaiting(enroll, todays_session, trainee_supervisor):
    """A note written and signed by a supervisor in training: it waits for a co-signature."""
    todays_session.clinicians.add(trainee_supervisor)
    episode = enroll(last_name="Ames")
    ss.attendance_mark(
        session=todays_session, episode=episode, status="present", user=trainee_supervisor
    )
    note = ss.note_start(session=todays_session, user=trainee_supervisor)
    ss.note_save(
        note=note,
        user=trainee_supervisor,
        shared=DAP,
        entries={episode.patient_id: {"text": "Slept six hours twice.", "risk_level": "none"}},
    )
    return ss.note_sign(note=note, user=trainee_supervisor)


SELF_COSIGN = (
    "You wrote or signed this note: another supervisor co-signs it (the co-signer is never the "
    "author or the signer)."
)


def test_the_author_and_signer_cannot_cosign(awaiting, trainee_supervisor, supervisor2):
    assert awaiting.status == "awaiting_cosign"
    with pytest.raises(ValidationError) as refusal:
        ss.note_cosign(note=awaiting, user=trainee_supervisor)
    assert refusal.value.messages == [SELF_COSIGN]
    done = ss.note_cosign(note=awaiting, user=supervisor2)
    assert (done.status, done.signed_by, done.cosigned_by) == (
        "signed",
        trainee_supervisor,
        supervisor2,
    )


def test_the_api_and_the_page_refuse_a_self_cosignature(
    api_client, client, awaiting, trainee_supervisor
):
    api_client.force_authenticate(trainee_supervisor)
    response = api_client.post(reverse("note-cosign", args=[awaiting.pk]))
    assert (response.status_code, response.json()) == (400, {"non_field_errors": [SELF_COSIGN]})
    client.force_login(trainee_supervisor)
    page = client.post(reverse("sessions:cosign", args=[awaiting.session_id]), follow=True)
    html = page.content.decode()
    assert "You wrote or signed this note: another supervisor co-signs it" in html
    assert ">Co-sign</button>" not in html  # no button for one's own note
    awaiting.refresh_from_db()
    assert awaiting.cosigned_by is None


def test_signer_and_cosigner_with_times_on_the_page_and_in_the_api(
    api_client, client, clock, awaiting, supervisor2
):
    clock.move_to(datetime(2026, 11, 19, 8, 30, tzinfo=NEW_YORK), tick=False)
    ss.note_cosign(note=awaiting, user=supervisor2)
    client.force_login(supervisor2)
    html = client.get(reverse("sessions:session", args=[awaiting.session_id])).content.decode()
    assert (
        "DAP note by Terry Lane; signed by Terry Lane 18 Nov 2026 10:00; co-signed by Sam Ortiz "
        "19 Nov 2026 08:30." in " ".join(html.split())
    )
    api_client.force_authenticate(supervisor2)
    data = api_client.get(reverse("note-detail", args=[awaiting.pk])).json()
    assert data["signed_by"]["display_name"] == "Terry Lane"
    assert data["cosigned_by"]["display_name"] == "Sam Ortiz"
    assert data["signed_at"] == "2026-11-18T10:00:00-05:00"
    assert data["cosigned_at"] == "2026-11-19T08:30:00-05:00"


# --- content hashes: addenda, treatment plans, safety plans ------------------------------------


def verify(capsys):
    """`manage.py verify_signatures`: (exit status, printed lines)."""
    try:
        call_command("verify_signatures")
        status = 0
    except CommandError as error:
        status = 1
        print(error)
    return status, capsys.readouterr().out.strip().splitlines()


def test_an_addendum_has_its_own_hash_chained_to_the_note(draft, clinician, capsys):
    note = ss.note_sign(note=draft, user=clinician)
    addendum = ss.addendum_add(note=note, text="Called the family after group.", user=clinician)
    assert len(addendum.content_hash) == 64
    stored = Addendum.objects.get()
    assert stored.content_hash == stored.compute_hash() == addendum.content_hash
    assert ss.note_is_intact(note)
    assert verify(capsys) == (
        0,
        [
            "Every signature matches its content: checked 1 progress notes, 1 addenda, "
            "0 attendance corrections, 0 treatment plans, 0 safety plans, 0 discharge summaries, "
            "0 medication reconciliations."
        ],
    )
    Addendum.objects.filter(pk=addendum.pk).update(text="Did not call the family.")
    assert not ss.note_is_intact(note)
    status, lines = verify(capsys)
    patient = note.entries.get().patient_id
    assert status == 1
    assert lines[0] == (
        f"addendum {addendum.pk}: patient {patient}; signed by Casey Morgan at 2026-11-18 10:00: "
        "the content does not match its signature hash."
    )
    assert lines[1].startswith("1 signature mismatch (checked 1 progress notes, 1 addenda")


def test_a_tampered_note_is_named(draft, clinician, capsys):
    note = ss.note_sign(note=draft, user=clinician)
    entry = note.entries.get()
    type(entry).objects.filter(pk=entry.pk).update(text="Slept well every night.")
    status, lines = verify(capsys)
    assert status == 1
    assert lines[0] == (
        f"progress note {note.pk}: patient {entry.patient_id}; signed by Casey Morgan at "
        "2026-11-18 10:00: the content does not match its signature hash."
    )


@pytest.fixture
def active_plan(make_episode, make_plan, clinician, clock):
    episode = make_episode(clinician=clinician, last_name="Plan")
    plan = make_plan(episode)
    return plan_services.plan_activate(plan=plan, user=clinician, patient_ack_name="Pat Plan")


def test_a_signed_treatment_plan_has_a_stable_hash_over_every_part(active_plan, capsys):
    stored = TreatmentPlan.objects.get(pk=active_plan.pk)
    assert len(stored.content_hash) == 64
    assert plan_hash(stored) == stored.content_hash  # stable when re-read
    assert verify(capsys)[0] == 0
    objective = Objective.objects.get(goal__problem__plan=active_plan)
    Objective.objects.filter(pk=objective.pk).update(measure_target=15)  # below 15, not 10
    assert plan_hash(stored) != stored.content_hash
    status, lines = verify(capsys)
    assert status == 1
    assert lines[0] == (
        f"treatment plan {active_plan.pk}: patient {active_plan.patient_id}; signed by Casey "
        "Morgan at 2026-11-02 08:00: the content does not match its signature hash."
    )


def test_a_signed_safety_plan_has_a_hash_over_every_section(make_episode, clinician, clock, capsys):
    episode = make_episode(clinician=clinician, last_name="Safe")
    draft = plan_services.safety_plan_start(patient=episode.patient, user=clinician)
    sections = {
        "warning_signs": "Not sleeping; pulling away from friends.",
        "coping_strategies": "Walk the dog; cold water on the face.",
        "distractions": "The library café.",
        "help_contacts": "Sister, 555-0111.",
        "environment_safety": "Medicines kept by my sister.",
        "reasons_for_living": "My dog; my niece.",
    }
    draft = plan_services.safety_plan_update(plan=draft, data=sections, user=clinician)
    plan = plan_services.safety_plan_activate(plan=draft, user=clinician, patient_ack_name="Sam")
    stored = SafetyPlan.objects.get(pk=plan.pk)
    assert safety_plan_hash(stored) == stored.content_hash != ""
    for name in ("reasons_for_living", "environment_safety"):  # any section is covered
        SafetyPlan.objects.filter(pk=plan.pk).update(**{name: "Changed afterwards."})
        assert safety_plan_hash(SafetyPlan.objects.get(pk=plan.pk)) != stored.content_hash
    status, lines = verify(capsys)
    assert status == 1
    assert lines[0].startswith(f"safety plan {plan.pk}: patient {episode.patient_id}; signed by")


def test_plan_and_addendum_hashes_are_in_the_api(api_client, active_plan, clinician):
    api_client.force_authenticate(clinician)
    data = api_client.get(reverse("plan-detail", args=[active_plan.pk])).json()
    assert data["content_hash"] == TreatmentPlan.objects.get(pk=active_plan.pk).content_hash
    assert data["signed_by"]["display_name"] == "Casey Morgan"


def test_a_draft_note_is_not_checked(draft, capsys):
    assert ProgressNote.objects.get().status == "draft"
    assert verify(capsys)[1] == [
        "Every signature matches its content: checked 0 progress notes, 0 addenda, "
        "0 attendance corrections, 0 treatment plans, 0 safety plans, 0 discharge summaries, "
        "0 medication reconciliations."
    ]


def test_plan_pages_show_the_signer_and_the_time(client, active_plan, clinician):
    client.force_login(clinician)
    plan_page = client.get(reverse("plans:plan", args=[active_plan.pk])).content.decode()
    assert "Casey Morgan, 2 Nov 2026 08:00" in plan_page
    history = client.get(reverse("plans:history", args=[active_plan.patient_id]))
    assert "Casey Morgan, 2 Nov 2026 08:00" in history.content.decode()


def test_the_session_page_shows_a_signed_notes_parts_and_addenda_read_in_one_turn(
    client, draft, clinician, django_assert_num_queries
):
    """The page reads the note, its parts and its addenda by the session, together
    (`sessions.session_note`): each part and addendum points back at the note, and listing
    them asks nothing more of the database."""
    from django.urls import reverse

    from iop.together import run
    from sessions.session_note import read_session_note

    note = ss.note_sign(note=draft, user=clinician)
    ss.addendum_add(note=note, text="Called the family after group.", user=clinician)
    read = run(read_session_note(note.session_id))
    with django_assert_num_queries(0):
        entries, addenda = list(read.entries.all()), list(read.addenda.all())
        assert [e.note is read for e in entries] == [True]
        assert [(a.note is read, a.author.pk) for a in addenda] == [(True, clinician.pk)]
    client.force_login(clinician)
    html = client.get(reverse("sessions:session", args=[note.session_id])).content.decode()
    assert "Called the family after group." in html
    assert "Slept six hours twice." in html
