"""The PDFs of a note, a plan, the safety plan and the aftercare plan: the letterhead, the
patient, the content, who signed, "Page X of Y", the Part 2 notice on a SUD patient's pages
only, DRAFT across what is not signed; opened by whoever reads the page it comes from and
recorded as an export."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Patient
from tests.documents.conftest import NOTE_TEXT
from tests.documents.helpers import NOTICE, download, pdf_text

LETTERHEAD = {
    "CLINIC_NAME": "Riverside IOP",
    "CLINIC_ADDRESS": "12 Main St, Springfield, MA 01101",
    "CLINIC_PHONE": "555-0199",
}


def note_url(episode, note):
    return reverse("documents:note-pdf", args=[episode.patient_id, note.session_id])


# --- the progress note ----------------------------------------------------------------------


@override_settings(**LETTERHEAD)
def test_note_pdf_has_the_letterhead_the_note_the_signer_and_page_numbers(
    client, mh_episode, signed_note, clinician
):
    note = signed_note(mh_episode)
    client.force_login(clinician)
    response, pages = download(client, note_url(mh_episode, note))
    text = " ".join(pages)
    assert "Riverside IOP" in text
    assert "12 Main St, Springfield, MA 01101 · Tel. 555-0199" in text
    assert f"{mh_episode.patient.legal_name}" in text and mh_episode.patient.mrn in text
    assert NOTE_TEXT in text and "Reviewed the week." in text
    assert "Signed by: Casey Morgan, 2 Nov 2026 11:00" in text
    assert "Page 1 of 1" in pages[0]
    assert "DRAFT" not in text
    name = f"note-{mh_episode.patient.mrn}-20261102-{note.session_id}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_a_non_sud_note_carries_no_part2_notice(client, mh_episode, signed_note, clinician):
    note = signed_note(mh_episode)
    client.force_login(clinician)
    _, pages = download(client, note_url(mh_episode, note))
    assert "42 CFR" not in " ".join(pages)
    assert "Confidential health information" in pages[0]


def test_every_page_of_a_sud_note_carries_the_part2_notice(
    client, sud_episode, signed_note, clinician
):
    note = signed_note(sud_episode, text="Worked on triggers and coping. " * 400)
    client.force_login(clinician)
    _, pages = download(client, note_url(sud_episode, note))
    assert len(pages) > 1
    assert all(NOTICE in page for page in pages)
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))


def test_a_draft_note_prints_draft_for_its_clinician(client, mh_episode, signed_note, clinician):
    note = signed_note(mh_episode, sign=False)
    client.force_login(clinician)
    _, pages = download(client, note_url(mh_episode, note))
    assert "DRAFT" in pages[0]
    assert "Signed by: not signed" in pages[-1]


def test_a_unicode_name_prints(client, mh_episode, signed_note, clinician):
    Patient.objects.filter(pk=mh_episode.patient_id).update(
        legal_first_name="Łukasz", legal_last_name="Żółć-Ørsted"
    )
    note = signed_note(mh_episode)
    client.force_login(clinician)
    _, pages = download(client, note_url(mh_episode, note))
    assert "Łukasz Żółć-Ørsted" in pages[0]


@pytest.mark.parametrize("who", ["clinician2", "intake"])
def test_off_the_care_team_and_intake_get_404(request, client, mh_episode, signed_note, who):
    note = signed_note(mh_episode)
    client.force_login(request.getfixturevalue(who))
    assert client.get(note_url(mh_episode, note)).status_code == 404


def test_the_programs_supervisor_downloads_it(client, mh_episode, signed_note, supervisor):
    note = signed_note(mh_episode)
    client.force_login(supervisor)
    download(client, note_url(mh_episode, note))


def test_the_download_is_audited_as_an_export(client, mh_episode, signed_note, clinician):
    note = signed_note(mh_episode)
    client.force_login(clinician)
    download(client, note_url(mh_episode, note))
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.user, event.patient_id, event.object_id, event.detail) == (
        clinician,
        mh_episode.patient_id,
        str(note.pk),
        "pdf: progress note",
    )


# --- a group note: this patient's part only ---------------------------------------------------

ARLO = "Practised paced breathing; named work stress as a trigger."
BECK = "Disclosed a relapse on Saturday; agreed to call her sponsor."


@pytest.fixture
def group_note(enroll, make_episode, todays_session, clinician, clinician2):
    """Today's group run by `clinician`: Arlo (clinician2's patient) and Beck ("Bea Beck",
    clinician's) attended; the note is signed."""
    from sessions import services as ss

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
        shared={"data": "Distress tolerance: TIPP.", "assessment": "Engaged.", "plan": "Go on."},
        entries={
            arlo.patient_id: {"text": ARLO, "risk_level": "none"},
            beck.patient_id: {"text": BECK, "risk_level": "low"},
        },
    )
    return ss.note_sign(note=note, user=clinician), arlo, beck


@pytest.mark.parametrize("who", ["clinician", "clinician2"])
def test_a_group_note_pdf_holds_the_shared_part_and_this_patients_part_only(
    request, client, group_note, who
):
    note, arlo, _beck = group_note
    client.force_login(request.getfixturevalue(who))
    _, pages = download(client, note_url(arlo, note))
    text = " ".join(pages)
    assert ARLO in text and "Distress tolerance: TIPP." in text
    assert BECK not in text
    assert "Beck" not in text and "Bea" not in text


def test_a_group_note_of_another_clinicians_patient_is_404(client, group_note, clinician2):
    note, _arlo, beck = group_note
    client.force_login(clinician2)
    assert client.get(note_url(beck, note)).status_code == 404


# --- the treatment plan -------------------------------------------------------------------------


def test_plan_pdf_has_the_plan_and_both_signatures(client, mh_episode, signed_plan, clinician):
    plan = signed_plan(mh_episode)
    client.force_login(clinician)
    _, pages = download(client, reverse("documents:plan-pdf", args=[plan.pk]))
    text = " ".join(pages)
    assert "Treatment plan, version 1" in text
    goal = plan.problems.get().goals.get()
    assert goal.client_words in text
    assert "Clinician: Casey Morgan" in text
    assert f"Patient (acknowledged): {mh_episode.patient.legal_name}" in text
    assert "DRAFT" not in text and "42 CFR" not in text


def test_a_draft_plan_prints_draft(client, mh_episode, make_plan, clinician):
    plan = make_plan(mh_episode)
    client.force_login(clinician)
    _, pages = download(client, reverse("documents:plan-pdf", args=[plan.pk]))
    assert "DRAFT" in pages[0]


def test_a_sud_plan_carries_the_part2_notice(client, sud_episode, signed_plan, clinician):
    plan = signed_plan(sud_episode)
    client.force_login(clinician)
    _, pages = download(client, reverse("documents:plan-pdf", args=[plan.pk]))
    assert all(NOTICE in page for page in pages)


@pytest.mark.parametrize("who", ["clinician2", "intake"])
def test_plan_pdf_is_404_to_those_who_cannot_read_the_plan(
    request, client, mh_episode, signed_plan, who
):
    plan = signed_plan(mh_episode)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("documents:plan-pdf", args=[plan.pk])).status_code == 404


# --- the safety plan -----------------------------------------------------------------------------


def test_safety_plan_is_the_patients_copy_with_the_crisis_lines(
    client, mh_episode, safety_plan, clinician
):
    plan = safety_plan(mh_episode)
    client.force_login(clinician)
    url = reverse("documents:safety-plan-pdf", args=[mh_episode.patient_id, plan.pk])
    _, pages = download(client, url)
    text = " ".join(pages)
    assert "My safety plan — Pat1" in text
    assert "988 Suicide & Crisis Lifeline: call or text 988" in text
    assert "In an emergency, call 911" in text
    assert "4. People I can ask for help My sister Ana (555-0141)." in text
    assert "The reasons I have for living My nieces." in text
    assert "DRAFT" not in text


def test_a_draft_safety_plan_prints_draft(client, mh_episode, safety_plan, clinician):
    plan = safety_plan(mh_episode, sign=False)
    client.force_login(clinician)
    url = reverse("documents:safety-plan-pdf", args=[mh_episode.patient_id, plan.pk])
    assert "DRAFT" in pdf_text(client.get(url).content)


def test_another_patients_safety_plan_is_404(
    client, mh_episode, sud_episode, safety_plan, clinician
):
    plan = safety_plan(mh_episode)
    client.force_login(clinician)
    url = reverse("documents:safety-plan-pdf", args=[sud_episode.patient_id, plan.pk])
    assert client.get(url).status_code == 404


# --- the aftercare plan ---------------------------------------------------------------------------


def test_aftercare_pdf_after_discharge(client, sud_episode, discharged, clinician):
    episode = discharged(sud_episode)
    client.force_login(clinician)
    url = reverse("documents:aftercare-pdf", args=[episode.patient_id, episode.pk])
    _, pages = download(client, url)
    text = " ".join(pages)
    assert "Dr Lee, Riverside Clinic, 22 April 2025 at 10:00" in text
    assert "Step-down level of care: Standard outpatient (OP)" in text
    assert "Written by: Casey Morgan" in text
    assert all(NOTICE in page for page in pages)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.patient_id, event.detail) == (episode.patient_id, "pdf: aftercare plan")


def test_aftercare_pdf_is_404_to_intake(client, mh_episode, discharged, intake):
    episode = discharged(mh_episode)
    client.force_login(intake)
    url = reverse("documents:aftercare-pdf", args=[episode.patient_id, episode.pk])
    assert client.get(url).status_code == 404


# --- the links ------------------------------------------------------------------------------------


def test_the_pages_link_to_their_pdfs(
    client, mh_episode, signed_note, signed_plan, safety_plan, clinician
):
    note, plan, safety = signed_note(mh_episode), signed_plan(mh_episode), safety_plan(mh_episode)
    client.force_login(clinician)
    pid = mh_episode.patient_id
    pages = {
        reverse("sessions:chart-note", args=[pid, note.session_id]): note_url(mh_episode, note),
        reverse("sessions:session", args=[note.session_id]): note_url(mh_episode, note),
        reverse("plans:plan", args=[plan.pk]): reverse("documents:plan-pdf", args=[plan.pk]),
        reverse("plans:patient-plan", args=[pid]): reverse("documents:plan-pdf", args=[plan.pk]),
        reverse("plans:safety", args=[pid]): reverse(
            "documents:safety-plan-pdf", args=[pid, safety.pk]
        ),
    }
    for page, pdf in pages.items():
        assert f'href="{pdf}"' in client.get(page).content.decode(), page


# --- emergency access ---------------------------------------------------------------------------

REASON = "Patient in crisis in the lobby; the care team is away and I need the safety plan."


def test_emergency_access_prints_a_mental_health_safety_plan(
    client, mh_episode, safety_plan, clinician2
):
    from patients.services import emergency_access_start

    plan = safety_plan(mh_episode)
    emergency_access_start(patient=mh_episode.patient, user=clinician2, reason=REASON)
    client.force_login(clinician2)
    url = reverse("documents:safety-plan-pdf", args=[mh_episode.patient_id, plan.pk])
    download(client, url)


def test_emergency_access_alone_prints_no_sud_record(client, sud_episode, safety_plan, clinician2):
    from patients.services import emergency_access_start

    plan = safety_plan(sud_episode)
    emergency_access_start(patient=sud_episode.patient, user=clinician2, reason=REASON)
    client.force_login(clinician2)
    url = reverse("documents:safety-plan-pdf", args=[sud_episode.patient_id, plan.pk])
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, patient_id=sud_episode.patient_id
    ).exists()


def test_a_trainees_note_shows_the_co_signature_line_then_the_co_signer(
    client, clock, make_episode, supervisor
):
    from sessions import services as ss
    from tests.factories import UserFactory
    from tests.sessions.helpers import MON_2, at, book

    trainee = UserFactory(
        username="trainee", role="clinician", is_trainee=True, first_name="Tam", last_name="Reed"
    )
    episode = make_episode(clinician=trainee, last_name="Cole")
    session = book(trainee, starts_at=at(MON_2, 9), episode=episode)
    clock.move_to(at(MON_2, 11), tick=False)
    ss.attendance_mark(session=session, episode=episode, status="present", user=trainee)
    note = ss.note_start(session=session, user=trainee)
    ss.note_save(
        note=note,
        user=trainee,
        shared={"data": "Reviewed the week.", "assessment": "Engaged.", "plan": "Continue."},
        entries={episode.patient_id: {"text": NOTE_TEXT, "risk_level": "none"}},
    )
    note = ss.note_sign(note=note, user=trainee)
    client.force_login(supervisor)
    response = client.get(note_url(episode, note))
    assert response.status_code == 200, response.content[:300]
    text = pdf_text(response.content)
    assert "Signed by: Tam Reed, 2 Nov 2026 11:00" in text
    assert "Co-signed by (supervisor): not signed" in text
    clock.move_to(at(MON_2, 14), tick=False)
    ss.note_cosign(note=note, user=supervisor)
    client = Client()  # a new sign-in: three idle hours have passed
    client.force_login(supervisor)
    response = client.get(note_url(episode, note))
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    text = pdf_text(response.content)
    cosigner = supervisor.display_name
    assert f"Co-signed by (supervisor): {cosigner}, 2 Nov 2026 14:00" in text


# --- every document: the letterhead, and for a SUD episode the notice on each page -------------


def _each_document(episode, signed_note, safety_plan, discharged):
    """(name, url) of every printable document of `episode` (the episode ends discharged)."""
    from tests.documents.test_discharge_summary import pdf as summary_pdf
    from tests.documents.test_discharge_summary import prepare_and_sign

    note = signed_note(episode)
    safety = safety_plan(episode)
    episode = discharged(episode)  # signs a plan first
    plan = episode.treatment_plans.get()
    prepare_and_sign(episode, episode.primary_clinician)
    patient = episode.patient_id
    return [
        ("note", note_url(episode, note)),
        ("plan", reverse("documents:plan-pdf", args=[plan.pk])),
        ("safety plan", reverse("documents:safety-plan-pdf", args=[patient, safety.pk])),
        ("aftercare plan", reverse("documents:aftercare-pdf", args=[patient, episode.pk])),
        ("discharge summary", summary_pdf(episode)),
    ]


@override_settings(**LETTERHEAD)
@pytest.mark.parametrize("sud", [False, True], ids=["mental health", "SUD"])
def test_every_document_has_the_letterhead_and_a_sud_one_the_notice_on_every_page(
    request, client, sud, signed_note, safety_plan, discharged, clinician
):
    episode = request.getfixturevalue("sud_episode" if sud else "mh_episode")
    documents = _each_document(episode, signed_note, safety_plan, discharged)
    client.force_login(clinician)
    for name, url in documents:
        _, pages = download(client, url)
        assert "Riverside IOP" in pages[0], name
        assert "12 Main St, Springfield, MA 01101 · Tel. 555-0199" in pages[0], name
        assert f"Page {len(pages)} of {len(pages)}" in pages[-1], name
        if sud:
            assert all(NOTICE in page for page in pages), name
        else:
            assert not any("42 CFR" in page for page in pages), name
