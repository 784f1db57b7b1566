"""The discharge summary: prepared from the record once the episode is discharged, the
narrative written on the page, signed by the primary clinician alone (the record frozen and
hashed), read in the API, and printed with the Part 2 notice for a SUD patient."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from documents import services
from documents.models import DischargeSummary, SignedSummaryError
from iop.audit.models import AuditEvent
from tests.documents.helpers import NOTICE, download
from tests.plans.helpers import phq9
from tests.sessions.helpers import MON_2, at

NARRATIVE = "Attended most groups; mood lifted; used the plan for cravings."


def page(episode):
    return reverse("documents:discharge-summary", args=[episode.patient_id, episode.pk])


def pdf(episode):
    return reverse("documents:discharge-summary-pdf", args=[episode.patient_id, episode.pk])


@pytest.fixture
def with_record(clock, signed_note, clinician):
    """Two PHQ-9 results (14, then 6: a reliable improvement) and a signed 50-minute session."""

    def make(episode):
        phq9(episode.patient, clinician, 14, at(MON_2, 8))
        signed_note(episode)
        phq9(episode.patient, clinician, 6, at(MON_2, 12))
        return episode

    return make


def prepare_and_sign(episode, user, narrative=NARRATIVE):
    summary = services.discharge_summary_prepare(episode=episode, user=user)
    summary = services.discharge_summary_update(
        summary=summary,
        data={"narrative": narrative, "medications": summary.medications, "referrals": "x"},
        user=user,
    )
    return services.discharge_summary_sign(summary=summary, user=user)


def test_the_page_prepares_it_and_the_primary_clinician_signs_it(
    client, mh_episode, with_record, discharged, clinician
):
    episode = discharged(with_record(mh_episode))
    client.force_login(clinician)
    assert "Prepare the discharge summary" in client.get(page(episode)).content.decode()
    client.post(page(episode), {"prepare": "1"})
    summary = DischargeSummary.objects.get(episode=episode)
    assert summary.medications == "Sertraline 100 mg daily"  # from the aftercare plan
    response = client.post(
        page(episode),
        {
            "narrative": NARRATIVE,
            "medications": summary.medications,
            "referrals": "Dr Lee",
            "revision": summary.revision,
            "sign": "1",
        },
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.is_signed and summary.signed_by == clinician
    assert summary.content_hash == summary.compute_hash()
    html = client.get(page(episode)).content.decode()
    assert "Signed by Casey Morgan" in html
    assert "reliable improvement" in html


def test_the_record_is_summarised(mh_episode, with_record, discharged, clinician):
    episode = discharged(with_record(mh_episode))
    summary = prepare_and_sign(episode, clinician)
    record = summary.record
    assert record["discharge_reason"] == "Completed the program"
    assert record["services"] == [
        {"kind": "Individual", "sessions": 1, "attended": 1, "hours": "0.8"}
    ]
    (phq,) = record["measures"]
    assert (phq["measure"], phq["change"]) == ("PHQ-9", "-8")
    assert phq["reliable_change"].startswith("reliable improvement")
    assert record["goals"][0]["status"] == "Not started"
    assert record["aftercare"]["step_down_level"] == "Standard outpatient (OP)"


def test_only_the_primary_clinician_signs(mh_episode, discharged, supervisor):
    episode = discharged(mh_episode)
    summary = services.discharge_summary_prepare(episode=episode, user=supervisor)
    summary = services.discharge_summary_update(
        summary=summary, data={"narrative": NARRATIVE}, user=supervisor
    )
    with pytest.raises(ValidationError, match="signed by the primary clinician"):
        services.discharge_summary_sign(summary=summary, user=supervisor)


def test_a_signed_summary_is_never_changed(mh_episode, discharged, clinician):
    summary = prepare_and_sign(discharged(mh_episode), clinician)
    with pytest.raises(SignedSummaryError):
        services.discharge_summary_update(summary=summary, data={"narrative": "x"}, user=clinician)


def test_a_stale_save_is_refused_and_the_text_kept(client, mh_episode, discharged, clinician):
    episode = discharged(mh_episode)
    summary = services.discharge_summary_prepare(episode=episode, user=clinician)
    services.discharge_summary_update(summary=summary, data={"narrative": "First"}, user=clinician)
    client.force_login(clinician)
    response = client.post(
        page(episode), {"narrative": "Mine, typed meanwhile", "revision": 0, "save": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "after you opened it" in html and "Mine, typed meanwhile" in html


def test_nul_characters_are_refused(mh_episode, discharged, clinician):
    summary = services.discharge_summary_prepare(episode=discharged(mh_episode), user=clinician)
    with pytest.raises(ValidationError):
        services.discharge_summary_update(
            summary=summary, data={"narrative": "a\x00b"}, user=clinician
        )


def test_an_open_episode_has_no_summary(mh_episode, clinician):
    with pytest.raises(ValidationError, match="once the episode is discharged"):
        services.discharge_summary_prepare(episode=mh_episode, user=clinician)


def test_intake_cannot_prepare_one(mh_episode, discharged, intake):
    with pytest.raises(PermissionDenied):
        services.discharge_summary_prepare(episode=discharged(mh_episode), user=intake)


@pytest.mark.parametrize("who", ["clinician2", "intake"])
def test_the_page_and_pdf_are_404_to_others(
    request, client, mh_episode, discharged, clinician, who
):
    episode = discharged(mh_episode)
    prepare_and_sign(episode, clinician)
    client.force_login(request.getfixturevalue(who))
    assert client.get(page(episode)).status_code == 404
    assert client.get(pdf(episode)).status_code == 404


def test_sud_summary_pdf_has_the_notice_signer_and_page_numbers(
    client, sud_episode, with_record, discharged, clinician
):
    episode = discharged(with_record(sud_episode))
    prepare_and_sign(episode, clinician)
    client.force_login(clinician)
    _, pages = download(client, pdf(episode))
    text = " ".join(pages)
    assert NARRATIVE in text
    assert "Primary clinician: Casey Morgan" in text
    assert "Sertraline 100 mg daily" in text
    assert all(NOTICE in p for p in pages)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "DRAFT" not in text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, detail="pdf: discharge summary"
    ).exists()


def test_a_draft_summary_pdf_prints_draft_without_the_notice_for_mental_health(
    client, mh_episode, discharged, clinician
):
    episode = discharged(mh_episode)
    services.discharge_summary_prepare(episode=episode, user=clinician)
    client.force_login(clinician)
    _, pages = download(client, pdf(episode))
    assert "DRAFT" in pages[0] and "42 CFR" not in " ".join(pages)


def test_the_api_reads_it_for_the_care_team_not_for_intake(
    client, mh_episode, discharged, clinician, intake
):
    summary = prepare_and_sign(discharged(mh_episode), clinician)
    client.force_login(clinician)
    url = reverse("discharge-summary-detail", args=[summary.pk])
    body = client.get(url).json()
    assert (body["status"], body["narrative"]) == ("signed", NARRATIVE)
    assert body["record"]["discharge_reason"] == "Completed the program"
    client.force_login(intake)
    assert client.get(url).status_code == 403


def test_verify_signatures_checks_summaries(mh_episode, discharged, clinician, capsys):
    summary = prepare_and_sign(discharged(mh_episode), clinician)
    call_command("verify_signatures")
    assert "1 discharge summaries" in capsys.readouterr().out
    DischargeSummary.objects.filter(pk=summary.pk).update(narrative="Rewritten")
    with pytest.raises(Exception, match="1 signature mismatch"):
        call_command("verify_signatures")


def test_the_demo_has_a_discharged_patient_with_a_signed_summary(db, settings):
    import io

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    summary = DischargeSummary.objects.select_related("patient").get()
    assert summary.is_signed and summary.patient.legal_last_name == "Kim"
    assert summary.signed_by == summary.episode.primary_clinician
    assert summary.record["measures"]
