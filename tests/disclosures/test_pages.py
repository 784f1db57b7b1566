"""The chart's Disclosures tab, the release form, the packet download, the printable accounting
and the rights requests pages: who may open them, what they show, what they audit."""

from datetime import date

import pytest
from django.urls import reverse

from disclosures.models import Disclosure, RightsRequest
from disclosures.services import amendment_add, release_create, rights_request_record
from iop.audit.models import AuditEvent
from tests.disclosures.helpers import RECIPIENT, release_data


@pytest.fixture
def released(sud_episode, clinician, consent):
    return release_create(
        patient=sud_episode.patient,
        episode=sud_episode,
        user=clinician,
        data=release_data(consent=consent(sud_episode)),
    )


def url(name, episode, *args):
    return reverse(f"disclosures:{name}", args=[episode.patient_id, *args])


def form_post(consent, **overrides):
    data = {
        "recipient_kind": "organisation",
        "recipient_name": RECIPIENT,
        "purpose": "treatment",
        "sections": ["plan", "attendance"],
        "consent": consent.pk if consent else "",
        **overrides,
    }
    return data


def test_chart_has_a_disclosures_tab(client, clinician, sud_episode):
    client.force_login(clinician)
    page = client.get(reverse("patients:chart", args=[sud_episode.patient_id])).content.decode()
    assert f'href="{url("accounting", sud_episode)}">Disclosures</a>' in page


def test_release_from_the_form_is_listed_in_the_accounting(client, clinician, sud_episode, consent):
    part2 = consent(sud_episode)
    client.force_login(clinician)
    response = client.post(
        url("release-new", sud_episode), form_post(part2, episode=sud_episode.pk)
    )
    assert response.status_code == 302
    page = client.get(url("accounting", sud_episode)).content.decode()
    assert "Released to Riverside Primary Care" in page
    assert page.count('data-testid="disclosure"') == 1
    assert "42 CFR Part 2 disclosure signed 2 Nov 2026" in page


def test_release_refused_by_the_rule_shows_why_and_keeps_the_form(
    client, clinician, sud_episode, consent
):
    part2 = consent(sud_episode, recipient="Dr. Lee")
    client.force_login(clinician)
    response = client.post(
        url("release-new", sud_episode), form_post(part2, episode=sud_episode.pk)
    )
    assert response.status_code == 200
    assert "This consent names another recipient (Dr. Lee)." in response.content.decode()
    assert not Disclosure.objects.exists()


def test_release_form_without_a_consent_asks_for_one(client, clinician, sud_episode):
    client.force_login(clinician)
    response = client.post(url("release-new", sud_episode), form_post(None, episode=sud_episode.pk))
    assert "Choose the consent that covers this release." in response.content.decode()


def test_revoked_consent_is_not_offered(client, clinician, sud_episode, consent, intake):
    from patients.services import consent_revoke

    part2 = consent(sud_episode)
    client.force_login(clinician)
    assert (
        "Part 2 disclosure: Riverside"
        in client.get(url("release-new", sud_episode)).content.decode()
    )
    consent_revoke(consent=part2, user=intake, note="By phone")
    client.force_login(clinician)
    page = client.get(url("release-new", sud_episode)).content.decode()
    assert "Part 2 disclosure: Riverside" not in page


def test_packet_download_is_the_packet_released_and_audited_as_export(client, clinician, released):
    client.force_login(clinician)
    response = client.get(url("packet", released.episode, released.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(released.packet)
    assert AuditEvent.objects.filter(
        action="export", object_type="disclosures.disclosure", object_id=str(released.pk)
    ).exists()


def test_clinician_off_the_care_team_gets_404(client, clinician2, released):
    client.force_login(clinician2)
    for name, args in (("accounting", ()), ("release-new", ()), ("packet", (released.pk,))):
        assert client.get(url(name, released.episode, *args)).status_code == 404


def test_intake_sees_the_accounting_without_packets(client, intake, released):
    client.force_login(intake)
    page = client.get(url("accounting", released.episode)).content.decode()
    assert 'data-testid="disclosure"' in page
    assert url("packet", released.episode, released.pk) not in page


def test_intake_is_refused_the_release_form_and_the_packet(client, intake, released):
    client.force_login(intake)
    assert client.get(url("release-new", released.episode)).status_code == 404
    assert client.get(url("packet", released.episode, released.pk)).status_code == 404


def test_accounting_view_is_audited(client, clinician, released):
    client.force_login(clinician)
    client.get(url("accounting", released.episode))
    assert AuditEvent.objects.filter(
        action="view", patient_id=released.patient_id, path=url("accounting", released.episode)
    ).exists()


def test_printable_accounting_lists_the_disclosures(client, clinician, released):
    client.force_login(clinician)
    page = client.get(url("accounting-print", released.episode)).content.decode()
    assert "Accounting of disclosures" in page and "Riverside Primary Care" in page
    assert 'class="nav' not in page  # no navigation on the printout


def test_rights_request_recorded_by_intake_is_listed_with_its_due_date(client, intake, mh_episode):
    client.force_login(intake)
    response = client.post(
        url("request-new", mh_episode), {"kind": "access", "received_on": "2026-10-01"}
    )
    assert response.status_code == 302
    page = client.get(url("accounting", mh_episode)).content.decode()
    assert "31 Oct 2026" in page and 'data-testid="overdue"' in page


def test_intake_cannot_answer_a_request(client, intake, mh_episode):
    request = rights_request_record(
        patient=mh_episode.patient, user=intake, kind="access", received_on=date(2026, 11, 2)
    )
    client.force_login(intake)
    assert client.get(url("request-answer", mh_episode, request.pk)).status_code == 404


def test_clinician_answers_a_request_from_the_chart(client, clinician, intake, mh_episode):
    request = rights_request_record(
        patient=mh_episode.patient, user=intake, kind="restriction", received_on=date(2026, 11, 2)
    )
    client.force_login(clinician)
    client.post(
        url("request-answer", mh_episode, request.pk),
        {"outcome": "partial", "outcome_reason": "Payer still billed."},
    )
    assert RightsRequest.objects.get(pk=request.pk).outcome == "partial"


def test_the_note_shows_the_amendment_citing_the_request(
    client, clinician, intake, mh_episode, signed_note
):
    note = signed_note(mh_episode)
    request = rights_request_record(
        patient=mh_episode.patient, user=intake, kind="amendment", received_on=date(2026, 11, 2)
    )
    client.force_login(clinician)
    client.post(
        url("amendment-new", mh_episode, request.pk),
        {"note": note.pk, "text": "Last drink: 28 October."},
    )
    page = client.get(
        reverse("sessions:chart-note", args=[mh_episode.patient_id, note.session_id])
    ).content.decode()
    assert f"Amendment at the patient&#x27;s request no. {request.pk}" in page


def test_amendment_service_and_page_agree(clinician, intake, mh_episode, signed_note):
    """The page's form offers only the patient's signed notes."""
    from disclosures.forms import AmendmentForm

    note = signed_note(mh_episode)
    assert list(AmendmentForm(patient=mh_episode.patient).fields["note"].queryset) == [note]
    request = rights_request_record(
        patient=mh_episode.patient, user=intake, kind="amendment", received_on=date(2026, 11, 2)
    )
    assert amendment_add(request=request, note=note, text="Fix.", user=clinician)
