"""Where releases meet the other parts of issue 13: emergency access (it reads a chart, it
releases nothing), the printable accounting's Part 2 notice, the consent's name for the
recipient, a consent no longer in force chosen on a stale form, and the demo data."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from disclosures.models import Disclosure, RightsRequest
from disclosures.services import (
    amendment_add,
    packet_download,
    release_create,
    rights_request_answer,
    rights_request_record,
)
from iop.audit.models import AuditEvent
from patients.part2 import REDISCLOSURE_NOTICE
from patients.services import consent_revoke, emergency_access_start
from tests.disclosures.helpers import RECIPIENT, notes_range, release_data

REASON = "Patient in crisis at the front desk, primary clinician off today and unreachable."


def url(name, episode, *args):
    return reverse(f"disclosures:{name}", args=[episode.patient_id, *args])


@pytest.fixture
def released(sud_episode, clinician, consent):
    return release_create(
        patient=sud_episode.patient,
        episode=sud_episode,
        user=clinician,
        data=release_data(consent=consent(sud_episode)),
    )


@pytest.fixture
def under_emergency(clock, sud_episode, clinician2):
    """clinician2, off the care team, holds emergency access to the SUD patient's chart."""
    emergency_access_start(patient=sud_episode.patient, user=clinician2, reason=REASON)
    return clinician2


# --- emergency access releases nothing ----------------------------------------------------------


def test_emergency_access_reads_the_accounting_but_offers_no_release(
    client, sud_episode, released, under_emergency
):
    client.force_login(under_emergency)
    page = client.get(url("accounting", sud_episode))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="disclosure"' in text
    assert url("release-new", sud_episode) not in text
    assert url("packet", sud_episode, released.pk) not in text


def test_emergency_access_cannot_open_the_release_form_or_post_one(
    client, sud_episode, consent, under_emergency
):
    part2 = consent(sud_episode)
    client.force_login(under_emergency)
    assert client.get(url("release-new", sud_episode)).status_code == 403
    response = client.post(
        url("release-new", sud_episode),
        {
            "episode": sud_episode.pk,
            "recipient_kind": "organisation",
            "recipient_name": RECIPIENT,
            "purpose": "treatment",
            "sections": ["plan"],
            "consent": part2.pk,
        },
    )
    assert response.status_code == 403
    assert not Disclosure.objects.exists()


def test_the_release_service_refuses_emergency_access_and_audits_it(
    sud_episode, consent, under_emergency
):
    with pytest.raises(PermissionDenied, match="Emergency access"):
        release_create(
            patient=sud_episode.patient,
            episode=sud_episode,
            user=under_emergency,
            data=release_data(consent=consent(sud_episode)),
        )
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(
        user=under_emergency,
        object_type="disclosures.disclosure",
        outcome=AuditEvent.Outcome.DENIED,
    ).exists()


def test_emergency_access_cannot_download_a_released_packet(
    client, sud_episode, released, under_emergency
):
    with pytest.raises(PermissionDenied):
        packet_download(disclosure=released, user=under_emergency)
    client.force_login(under_emergency)
    assert client.get(url("packet", sud_episode, released.pk)).status_code == 403


def test_emergency_access_cannot_answer_a_request_or_amend_a_note(
    client, sud_episode, clinician, clinician2, signed_note
):
    note = signed_note(sud_episode)  # moves the clock on: the grant is started after it
    emergency_access_start(patient=sud_episode.patient, user=clinician2, reason=REASON)
    under_emergency = clinician2
    request = rights_request_record(
        patient=sud_episode.patient,
        user=clinician,
        kind=RightsRequest.Kind.AMENDMENT,
        received_on=sud_episode.admission_date,
    )
    with pytest.raises(PermissionDenied):
        rights_request_answer(request=request, user=under_emergency, outcome="granted")
    with pytest.raises(PermissionDenied):
        amendment_add(request=request, note=note, text="Changed.", user=under_emergency)
    client.force_login(under_emergency)
    assert client.get(url("request-answer", sud_episode, request.pk)).status_code == 403
    assert client.get(url("amendment-new", sud_episode, request.pk)).status_code == 403
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.OPEN


def test_a_supervisor_of_another_program_under_emergency_access_releases_nothing(
    sud_episode, consent, program
):
    from tests.factories import UserFactory

    outsider = UserFactory(username="outsider", role="supervisor")
    program.supervisors.add(outsider)
    emergency_access_start(patient=sud_episode.patient, user=outsider, reason=REASON)
    with pytest.raises(PermissionDenied, match="Emergency access"):
        release_create(
            patient=sud_episode.patient,
            episode=sud_episode,
            user=outsider,
            data=release_data(consent=consent(sud_episode)),
        )


# --- the printable accounting, the recipient's name, a stale consent -----------------------------


def test_the_printable_accounting_of_a_sud_patient_carries_the_part2_notice(
    client, clinician, sud_episode, mh_episode, released
):
    client.force_login(clinician)
    sud = client.get(url("accounting-print", sud_episode)).content.decode()
    assert 'data-testid="part2-print-notice"' in sud
    assert REDISCLOSURE_NOTICE in sud
    mh = client.get(url("accounting-print", mh_episode)).content.decode()
    assert REDISCLOSURE_NOTICE not in mh


def test_the_accounting_names_the_recipient_as_the_consent_does(clinician, sud_episode, consent):
    disclosure = release_create(
        patient=sud_episode.patient,
        episode=sud_episode,
        user=clinician,
        data=release_data(
            consent=consent(sud_episode), recipient_name="  riverside   PRIMARY care "
        ),
    )
    assert disclosure.recipient_name == RECIPIENT


def test_a_consent_revoked_after_the_form_was_loaded_is_refused_with_a_reason(
    client, clinician, sud_episode, consent
):
    part2 = consent(sud_episode)
    client.force_login(clinician)
    assert client.get(url("release-new", sud_episode)).status_code == 200
    consent_revoke(consent=part2, user=clinician, note="By phone.")
    response = client.post(
        url("release-new", sud_episode),
        {
            "episode": sud_episode.pk,
            "recipient_kind": "organisation",
            "recipient_name": RECIPIENT,
            "purpose": "treatment",
            "sections": ["plan"],
            "consent": part2.pk,
        },
    )
    assert response.status_code == 200
    assert "revoked or has expired" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_a_one_page_packet_is_announced_as_one_page(client, clinician, sud_episode, consent):
    part2 = consent(sud_episode)
    client.force_login(clinician)
    response = client.post(
        url("release-new", sud_episode),
        {
            "episode": sud_episode.pk,
            "recipient_kind": "organisation",
            "recipient_name": RECIPIENT,
            "purpose": "treatment",
            "sections": ["plan"],
            "consent": part2.pk,
        },
        follow=True,
    )
    assert Disclosure.objects.get().packet_pages == 1
    assert f"Released to {RECIPIENT} (1 page) and recorded" in response.content.decode()


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_has_a_sud_patient_whose_notes_can_be_released(db, settings):
    """seed_demo: a SUD patient's Part 2 and counseling-notes consents name the same recipient,
    so a release of the plan, notes and attendance goes through in the demo."""
    from django.core.management import call_command

    from iop.accounts.models import User
    from patients.models import Consent, Episode

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    episode = Episode.objects.filter(is_sud=True, status=Episode.Status.ACTIVE).first()
    part2 = Consent.objects.get(patient=episode.patient, kind=Consent.Kind.PART2)
    counseling = Consent.objects.get(patient=episode.patient, kind=Consent.Kind.COUNSELING_NOTES)
    user = episode.primary_clinician or User.objects.get(username="director")
    disclosure = release_create(
        patient=episode.patient,
        episode=episode,
        user=user,
        data=release_data(
            recipient_name=part2.recipient,
            sections=["plan", "notes", "attendance"],
            consent=part2,
            counseling_consent=counseling,
            **notes_range(),
        ),
    )
    assert disclosure.counseling_consent == counseling


def test_a_rights_requests_texts_are_kept_in_brief(client, clinician, sud_episode):
    client.force_login(clinician)
    response = client.post(
        url("request-new", sud_episode),
        {"kind": "access", "received_on": "2026-11-01", "details": "x" * 2001},
    )
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    api = client.post(
        reverse("rights-request-list"),
        {"patient": sud_episode.patient_id, "kind": "access", "received_on": "2026-11-01"}
        | {"details": "x" * 2001},
        content_type="application/json",
    )
    assert api.status_code == 400 and "details" in api.json()
    assert not RightsRequest.objects.exists()


def test_an_answers_reason_is_kept_in_brief(client, clinician, sud_episode):
    request = rights_request_record(
        patient=sud_episode.patient,
        user=clinician,
        kind=RightsRequest.Kind.ACCESS,
        received_on=sud_episode.admission_date,
    )
    client.force_login(clinician)
    response = client.post(
        url("request-answer", sud_episode, request.pk),
        {"outcome": "denied", "outcome_reason": "x" * 2001},
    )
    assert "at most 2000 characters" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.OPEN


def test_a_disclosures_url_is_its_packet(released, sud_episode):
    assert released.get_absolute_url() == url("packet", sud_episode, released.pk)
