"""The packet: the patient, the recipient, the redisclosure notice and the consent's scope on
every page; the chosen sections; never another attendee's part of a group note."""

from datetime import date

from django.utils import timezone

from disclosures.notices import REDISCLOSURE_NOTICE
from disclosures.services import release_create
from tests.disclosures.helpers import notes_range, pdf_pages, release_data
from tests.plans.helpers import phq9


def release(episode, user, **overrides):
    return release_create(
        patient=episode.patient, episode=episode, user=user, data=release_data(**overrides)
    )


def long_release(episode, clinician, consent, signed_note):
    """A packet of several pages: a long note."""
    signed_note(episode, text="Worked on triggers and coping. " * 400)
    return release(
        episode,
        clinician,
        consent=consent(episode),
        counseling_consent=consent(episode, kind="counseling_notes"),
        sections=["notes", "attendance", "discharge"],
        **notes_range(),
    )


def test_every_page_carries_the_redisclosure_notice(sud_episode, clinician, consent, signed_note):
    disclosure = long_release(sud_episode, clinician, consent, signed_note)
    pages = pdf_pages(bytes(disclosure.packet))
    assert len(pages) > 1
    notice = " ".join(REDISCLOSURE_NOTICE.split())
    assert all(notice in page for page in pages)


def test_every_page_carries_the_consent_scope(sud_episode, clinician, consent, signed_note):
    disclosure = long_release(sud_episode, clinician, consent, signed_note)
    pages = pdf_pages(bytes(disclosure.packet))
    scope = "scope: Diagnosis, plan, attendance and progress notes"
    assert all(scope in page and "recipient: Riverside Primary Care" in page for page in pages)


def test_every_page_names_the_patient_and_the_recipient(
    sud_episode, clinician, consent, signed_note
):
    disclosure = long_release(sud_episode, clinician, consent, signed_note)
    patient = sud_episode.patient
    header = f"{patient.legal_name} · MRN {patient.mrn}"
    pages = pdf_pages(bytes(disclosure.packet))
    assert all(header in p and "Released to: Riverside Primary Care" in p for p in pages)


def test_packet_holds_the_chosen_sections_only(sud_episode, clinician, consent):
    disclosure = release(sud_episode, clinician, consent=consent(sud_episode))
    text = " ".join(pdf_pages(bytes(disclosure.packet)))
    assert "No signed treatment plan" in text and "Sessions recorded: 0" in text
    assert "No signed progress notes" not in text and "No measures given" not in text


def test_measures_released_with_their_scores(sud_episode, clinician, consent):
    phq9(sud_episode.patient, clinician, 14, timezone.now())
    disclosure = release(
        sud_episode, clinician, consent=consent(sud_episode), sections=["measures"]
    )
    assert "PHQ9: 14" in " ".join(pdf_pages(bytes(disclosure.packet)))


def test_a_non_sud_packet_has_no_part2_notice(mh_episode, clinician, consent):
    disclosure = release(mh_episode, clinician, consent=consent(mh_episode, kind="release"))
    text = " ".join(pdf_pages(bytes(disclosure.packet)))
    assert "42 CFR part 2" not in text and "do not redisclose" in text


def test_own_copy_says_no_consent_was_needed(sud_episode, clinician):
    disclosure = release(sud_episode, clinician, recipient_kind="patient", recipient_name="")
    pages = pdf_pages(bytes(disclosure.packet))
    assert all("no consent is required" in page for page in pages)


def test_notes_outside_the_range_are_left_out(sud_episode, clinician, consent, signed_note):
    signed_note(sud_episode, text="A note from the second of November.")
    disclosure = release(
        sud_episode,
        clinician,
        consent=consent(sud_episode),
        counseling_consent=consent(sud_episode, kind="counseling_notes"),
        sections=["notes"],
        notes_from=date(2026, 11, 3),
        notes_to=date(2026, 11, 30),
    )
    text = " ".join(pdf_pages(bytes(disclosure.packet)))
    assert "second of November" not in text and "No signed progress notes" in text


def test_a_group_note_releases_this_patients_part_only(monday, enroll, clinician, consent):
    from sessions import services as ss

    ames, brook = monday.episode, enroll(last_name="Brook")
    for episode in (ames, brook):
        ss.attendance_mark(
            session=monday.session, episode=episode, status="present", user=clinician
        )
    note = ss.note_start(session=monday.session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared={"data": "Group practised TIPP.", "assessment": "Engaged.", "plan": "Continue."},
        entries={
            ames.patient_id: {"text": "Ames named TIPP for the weekend.", "risk_level": "none"},
            brook.patient_id: {"text": "Brook spoke about her sister.", "risk_level": "none"},
        },
    )
    ss.note_sign(note=note, user=clinician)
    disclosure = release(
        ames,
        clinician,
        consent=consent(ames, kind="release"),
        sections=["notes"],
        notes_from=date(2026, 11, 9),
        notes_to=date(2026, 11, 9),
    )
    text = " ".join(pdf_pages(bytes(disclosure.packet)))
    assert "Ames named TIPP" in text and "Group practised TIPP" in text
    assert "Brook" not in text


def test_a_group_note_releases_no_other_attendees_amendment(
    monday, enroll, clinician, consent, intake
):
    """An amendment answering Brook's request is an addendum to the shared group note: Ames's
    packet carries Ames's own amendment, never Brook's (her words, her request)."""
    from disclosures.services import amendment_add, rights_request_record
    from sessions import services as ss

    ames, brook = monday.episode, enroll(last_name="Brook")
    for episode in (ames, brook):
        ss.attendance_mark(
            session=monday.session, episode=episode, status="present", user=clinician
        )
    note = ss.note_start(session=monday.session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared={"data": "Group practised TIPP.", "assessment": "Engaged.", "plan": "Continue."},
        entries={
            ames.patient_id: {"text": "Ames named TIPP.", "risk_level": "none"},
            brook.patient_id: {"text": "Spoke about family.", "risk_level": "none"},
        },
    )
    note = ss.note_sign(note=note, user=clinician)
    for episode, text in ((brook, "Her sister's relapse is not hers."), (ames, "Ames's own fix.")):
        request = rights_request_record(
            patient=episode.patient,
            user=intake,
            kind="amendment",
            received_on=date(2026, 11, 9),
        )
        amendment_add(request=request, note=note, text=text, user=clinician)
    disclosure = release(
        ames,
        clinician,
        consent=consent(ames, kind="release"),
        sections=["notes"],
        notes_from=date(2026, 11, 9),
        notes_to=date(2026, 11, 9),
    )
    text = " ".join(pdf_pages(bytes(disclosure.packet)))
    assert "Ames's own fix." in text
    assert "sister" not in text
