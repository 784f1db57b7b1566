"""A release leaves the program only under a consent in force that covers the recipient, the
purpose and what is released; SUD notes need a separate counseling-notes consent; the patient's
own copy needs none and is still recorded."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosures.models import Disclosure
from disclosures.services import release_create
from iop.audit.models import AuditEvent
from patients import services as patient_services
from tests.disclosures.helpers import notes_range, release_data
from tests.sessions.helpers import NY


def release(episode, user, **overrides):
    return release_create(
        patient=episode.patient, episode=episode, user=user, data=release_data(**overrides)
    )


def refusal(episode, user, **overrides):
    before = Disclosure.objects.filter(patient=episode.patient).count()
    with pytest.raises(ValidationError) as caught:
        release(episode, user, **overrides)
    assert Disclosure.objects.filter(patient=episode.patient).count() == before
    return " ".join(caught.value.messages)


def test_release_without_a_consent_is_refused(sud_episode, clinician):
    assert "No consent chosen" in refusal(sud_episode, clinician)


def test_release_refusal_is_audited_as_denied(sud_episode, clinician):
    refusal(sud_episode, clinician)
    event = AuditEvent.objects.get(action="denied", patient_id=sud_episode.patient_id)
    assert event.detail == "release refused: consent"


def test_release_under_a_covering_part2_consent_is_recorded(sud_episode, clinician, consent):
    part2 = consent(sud_episode)
    disclosure = release(sud_episode, clinician, consent=part2)
    assert (disclosure.consent, disclosure.is_part2, disclosure.disclosed_by) == (
        part2,
        True,
        clinician,
    )
    assert disclosure.packet_pages >= 1 and bytes(disclosure.packet).startswith(b"%PDF")


def test_release_after_revocation_is_refused(sud_episode, clinician, consent, intake):
    part2 = consent(sud_episode)
    patient_services.consent_revoke(consent=part2, user=intake, note="By phone")
    assert "revoked" in refusal(sud_episode, clinician, consent=part2)


def test_revocation_after_the_form_was_filled_still_refuses(sud_episode, clinician, consent):
    """The form held the consent object from before the revocation: the service re-reads it."""
    part2 = consent(sud_episode)
    stale = type(part2).objects.get(pk=part2.pk)
    patient_services.consent_revoke(consent=part2, user=clinician, note="By letter")
    assert "revoked" in refusal(sud_episode, clinician, consent=stale)


def test_release_after_expiry_is_refused(sud_episode, clinician, consent, clock):
    part2 = consent(sud_episode, expires_on=date(2026, 11, 30))
    release(sud_episode, clinician, consent=part2)  # in force on 2 Nov
    clock.move_to(datetime(2026, 12, 1, 9, tzinfo=NY), tick=False)
    assert "expired on 30 Nov 2026" in refusal(sud_episode, clinician, consent=part2)


def test_consent_for_another_recipient_is_refused(sud_episode, clinician, consent):
    part2 = consent(sud_episode, recipient="Dr. Lee, Hilltop Clinic")
    assert "another recipient" in refusal(sud_episode, clinician, consent=part2)


def test_recipient_matches_without_case_or_extra_spaces(sud_episode, clinician, consent):
    part2 = consent(sud_episode)
    assert release(
        sud_episode, clinician, consent=part2, recipient_name="  riverside  PRIMARY care"
    )


def test_consent_for_another_purpose_is_refused(sud_episode, clinician, consent):
    part2 = consent(sud_episode, purposes=["payment"])
    message = refusal(sud_episode, clinician, consent=part2, purpose="treatment")
    assert "does not allow release for continuing treatment" in message


def test_consent_not_covering_a_section_is_refused(sud_episode, clinician, consent):
    part2 = consent(sud_episode, covers=["attendance"])
    message = refusal(sud_episode, clinician, consent=part2, sections=["plan", "attendance"])
    assert "does not cover: Treatment plan" in message


def test_sud_records_need_a_part2_consent_not_a_general_release(sud_episode, clinician, consent):
    general = consent(sud_episode, kind="release")
    assert "needs a 42 CFR Part 2 disclosure" in refusal(sud_episode, clinician, consent=general)


def test_non_sud_records_go_under_a_release_consent(mh_episode, clinician, consent):
    general = consent(mh_episode, kind="release")
    assert release(mh_episode, clinician, consent=general).is_part2 is False


def test_another_patients_consent_is_refused(sud_episode, mh_episode, clinician, consent):
    theirs = consent(mh_episode, kind="part2")
    assert "not the patient's" in refusal(sud_episode, clinician, consent=theirs)


def test_sud_notes_without_a_counseling_notes_consent_are_refused(
    sud_episode, clinician, consent, signed_note
):
    signed_note(sud_episode)
    part2 = consent(sud_episode)
    message = refusal(sud_episode, clinician, consent=part2, sections=["notes"], **notes_range())
    assert "counseling notes needs a SUD counseling notes" in message


def test_sud_notes_with_a_counseling_consent_for_another_recipient_are_refused(
    sud_episode, clinician, consent, signed_note
):
    signed_note(sud_episode)
    part2 = consent(sud_episode)
    notes = consent(sud_episode, kind="counseling_notes", recipient="Someone else")
    message = refusal(
        sud_episode,
        clinician,
        consent=part2,
        counseling_consent=notes,
        sections=["notes"],
        **notes_range(),
    )
    assert "another recipient" in message


def test_sud_notes_with_both_consents_are_released(sud_episode, clinician, consent, signed_note):
    signed_note(sud_episode)
    part2 = consent(sud_episode)
    notes = consent(sud_episode, kind="counseling_notes")
    disclosure = release(
        sud_episode,
        clinician,
        consent=part2,
        counseling_consent=notes,
        sections=["notes"],
        **notes_range(),
    )
    assert disclosure.counseling_consent == notes


def test_notes_of_a_non_sud_episode_need_no_counseling_consent(
    mh_episode, clinician, consent, signed_note
):
    signed_note(mh_episode)
    general = consent(mh_episode, kind="release")
    disclosure = release(
        mh_episode, clinician, consent=general, sections=["notes"], **notes_range()
    )
    assert disclosure.counseling_consent is None


def test_patients_own_copy_needs_no_consent_and_is_recorded(sud_episode, clinician):
    disclosure = release(sud_episode, clinician, recipient_kind="patient", recipient_name="")
    assert (disclosure.consent, disclosure.recipient_name) == (
        None,
        sud_episode.patient.legal_name,
    )
    assert list(Disclosure.objects.for_accounting(sud_episode.patient)) == [disclosure]


def test_legal_purpose_needs_its_note(sud_episode, clinician, consent):
    part2 = consent(sud_episode, purposes=["legal"])
    message = refusal(sud_episode, clinician, consent=part2, purpose="legal")
    assert "court order" in message


def test_clinician_off_the_care_team_cannot_release(sud_episode, clinician2, consent):
    part2 = consent(sud_episode)
    with pytest.raises(PermissionDenied):
        release(sud_episode, clinician2, consent=part2)


def test_intake_cannot_release(sud_episode, intake, consent):
    part2 = consent(sud_episode)
    with pytest.raises(PermissionDenied):
        release(sud_episode, intake, consent=part2)


def test_supervisor_may_release(sud_episode, supervisor, consent):
    assert release(sud_episode, supervisor, consent=consent(sud_episode))


def test_a_patient_with_any_sud_episode_needs_a_part2_consent_for_every_release(
    mh_episode, clinician, consent, sud_program
):
    """Part 2 protects the patient once any episode was SUD care (patients.part2), so a later
    mental-health episode's records leave only under a Part 2 consent, with the notice."""
    from tests.factories import EpisodeFactory

    EpisodeFactory(patient=mh_episode.patient, program=sud_program, status="declined", is_sud=True)
    general = consent(mh_episode, kind="release")
    assert "needs a 42 CFR Part 2 disclosure" in refusal(mh_episode, clinician, consent=general)
    part2 = consent(mh_episode, kind="part2")
    assert release(mh_episode, clinician, consent=part2).is_part2 is True
