"""The discharge summary's medications come from the medication list when the patient has
entries on it: the entries current at the discharge date with the discharge reconciliation's
decisions, and the changes made during the episode, on the page, frozen when signed, and in
the PDF. A patient without entries keeps the aftercare plan's (or the intake's) free text."""

from datetime import date

import pytest
from django.urls import reverse

from documents import services
from documents.models import DischargeSummary
from iop.accounts.models import User
from medications import services as medication_services
from plans import services as plan_services
from tests.documents.helpers import download
from tests.plans.helpers import AFTERCARE
from tests.queries import query_counts
from tests.sessions.helpers import MON_2, at

BUPRENORPHINE = {
    "name": "Buprenorphine/naloxone",
    "strength": "8 mg/2 mg",
    "dose": "1 film",
    "route": "sublingual",
    "frequency": "once daily",
    "prescriber_name": "Dr. Lee (community clinic)",
    "start_date": date(2026, 10, 1),
    "addiction_treatment": "moud",
}
SERTRALINE = {
    "name": "Sertraline",
    "strength": "50 mg",
    "dose": "1 tablet",
    "route": "oral",
    "frequency": "once daily",
    "prescriber_name": "Dr. Okafor (primary care)",
    "start_date": date(2026, 10, 15),
}
BUP_LINE = (
    "Buprenorphine/naloxone 8 mg/2 mg — 1 film sublingual, once daily (MOUD); prescriber: "
    "Dr. Lee (community clinic) (outside) [continued at discharge]"
)


def page(episode):
    return reverse("documents:discharge-summary", args=[episode.patient_id, episode.pk])


def pdf(episode):
    return reverse("documents:discharge-summary-pdf", args=[episode.patient_id, episode.pk])


@pytest.fixture
def on_buprenorphine(clock, sud_episode, signed_plan, clinician):
    """Admitted 2 Nov 2026 on buprenorphine and sertraline; sertraline raised to 100 mg that
    morning, then stopped at the discharge reconciliation that afternoon (buprenorphine
    continued), and discharged the same day."""
    episode, patient = sud_episode, sud_episode.patient
    bup = medication_services.medication_add(patient=patient, data=BUPRENORPHINE, user=clinician)
    sertraline = medication_services.medication_add(
        patient=patient, data=SERTRALINE, user=clinician
    )
    clock.move_to(at(MON_2, 10))
    medication_services.medication_change(
        medication=sertraline, data={"strength": "100 mg"}, user=clinician
    )
    clock.move_to(at(MON_2, 15))
    reconciliation = medication_services.reconciliation_start(
        episode=episode, occasion="discharge", user=clinician
    )
    medication_services.reconciliation_update(
        reconciliation=reconciliation,
        decisions={
            bup.pk: {"decision": "continued"},
            sertraline.pk: {"decision": "stopped", "note": "Mood stable; tapered off"},
        },
        user=clinician,
    )
    medication_services.reconciliation_sign(reconciliation=reconciliation, user=clinician)
    signed_plan(episode)
    plan_services.episode_discharge(
        episode=episode,
        aftercare=AFTERCARE,
        reason="completed",
        user=clinician,
        discharge_date=date(2026, 11, 2),
    )
    episode.refresh_from_db()
    return episode


def test_medications_at_discharge_come_from_the_list(on_buprenorphine, clinician):
    summary = services.discharge_summary_prepare(episode=on_buprenorphine, user=clinician)
    assert summary.medications.splitlines() == [
        BUP_LINE,
        "Sertraline 100 mg — stopped at discharge (Mood stable; tapered off)",
        f"Reconciled at discharge by {clinician.display_name}, 2 Nov 2026.",
    ]
    assert "Sertraline 100 mg daily" not in summary.medications  # not the aftercare's text


def test_the_changes_of_the_episode_are_on_the_page_and_frozen_when_signed(
    client, on_buprenorphine, clinician
):
    client.force_login(clinician)
    client.post(page(on_buprenorphine), {"prepare": "1"})
    html = client.get(page(on_buprenorphine)).content.decode()
    changes = [
        "2 Nov 2026 — started: Buprenorphine/naloxone 8 mg/2 mg — 1 film sublingual, once daily "
        "(MOUD); prescriber: Dr. Lee (community clinic) (outside); started 1 Oct 2026",
        "2 Nov 2026 — started: Sertraline 50 mg — 1 tablet oral, once daily; prescriber: "
        "Dr. Okafor (primary care) (outside); started 15 Oct 2026",
        "2 Nov 2026 — changed: Sertraline 100 mg: strength 50 mg → 100 mg",
        "2 Nov 2026 — stopped: Sertraline 100 mg (Mood stable; tapered off)",
        f"2 Nov 2026 — Discharge reconciliation signed by {clinician.display_name}",
    ]
    assert "Medication changes during the episode" in html
    for line in changes:
        assert f"<li>{line}</li>" in html
    summary = DischargeSummary.objects.get(episode=on_buprenorphine)
    summary = services.discharge_summary_update(
        summary=summary,
        data={"narrative": "Stable on buprenorphine.", "medications": summary.medications},
        user=clinician,
    )
    summary = services.discharge_summary_sign(summary=summary, user=clinician)
    assert summary.record["medication_list"]["changes"] == changes
    assert summary.record["medication_list"]["at_discharge"][0] == BUP_LINE
    assert summary.content_hash == summary.compute_hash()


def test_the_pdf_lists_the_medications_and_their_changes(client, on_buprenorphine, clinician):
    services.discharge_summary_prepare(episode=on_buprenorphine, user=clinician)
    client.force_login(clinician)
    _, pages = download(client, pdf(on_buprenorphine))
    text = " ".join(pages)
    assert "Medications at discharge" in text
    assert "Buprenorphine/naloxone 8 mg/2 mg — 1 film sublingual, once daily (MOUD)" in text
    assert "[continued at discharge]" in text
    assert "Sertraline 100 mg — stopped at discharge (Mood stable; tapered off)" in text
    assert "Medication changes during the episode" in text
    assert "2 Nov 2026 — changed: Sertraline 100 mg: strength 50 mg → 100 mg" in text
    assert "2 Nov 2026 — stopped: Sertraline 100 mg (Mood stable; tapered off)" in text


def test_without_list_entries_the_summary_keeps_the_free_text(
    client, mh_episode, discharged, clinician
):
    episode = discharged(mh_episode)
    summary = services.discharge_summary_prepare(episode=episode, user=clinician)
    assert summary.medications == AFTERCARE["medications"]
    client.force_login(clinician)
    html = client.get(page(episode)).content.decode()
    assert "Medication changes during the episode" not in html
    _, pages = download(client, pdf(episode))
    text = " ".join(pages)
    assert AFTERCARE["medications"] in text
    assert "Medication changes during the episode" not in text


def test_entries_recorded_after_the_discharge_are_not_at_discharge(
    clock, on_buprenorphine, clinician
):
    clock.move_to(at(date(2026, 11, 20), 9))
    medication_services.medication_add(
        patient=on_buprenorphine.patient,
        data={**SERTRALINE, "name": "Bupropion", "start_date": date(2026, 10, 1)},
        user=clinician,
    )
    summary = services.discharge_summary_prepare(episode=on_buprenorphine, user=clinician)
    assert "Bupropion" not in summary.medications


@pytest.mark.parametrize(
    ("role", "opens"),
    [("clinician", True), ("director", True), ("intake", False), ("clinician2", False)],
)
def test_the_summary_opens_for_the_same_roles_as_before(
    client, on_buprenorphine, clinician, role, opens, request
):
    services.discharge_summary_prepare(episode=on_buprenorphine, user=clinician)
    client.force_login(request.getfixturevalue(role))
    response = client.get(page(on_buprenorphine))
    assert (response.status_code == 200) == opens, response.status_code
    assert ("Buprenorphine/naloxone" in response.content.decode()) == opens


def _patient_with_list(make_episode, signed_plan, clinician, size):
    """A SUD patient with `size` entries (every other one prescribed in the program), each
    changed once, one stopped, reconciled at discharge (all continued) and discharged; the
    discharge summary prepared. Runs on 2 Nov 2026."""
    episode = make_episode(clinician=clinician, is_sud=True)
    entries = []
    for n in range(size):
        who = {"prescriber": clinician} if n % 2 else {"prescriber_name": "Dr. Lee"}
        data = {**SERTRALINE, "name": f"Medication {n}", **who}
        if n % 2:
            data.pop("prescriber_name")
        entries.append(
            medication_services.medication_add(patient=episode.patient, data=data, user=clinician)
        )
    for entry in entries:
        medication_services.medication_change(
            medication=entry, data={"dose": "2 tablets"}, user=clinician
        )
    medication_services.medication_stop(
        medication=entries[-1], stop_date=date(2026, 11, 2), user=clinician
    )
    reconciliation = medication_services.reconciliation_start(
        episode=episode, occasion="discharge", user=clinician
    )
    medication_services.reconciliation_update(
        reconciliation=reconciliation,
        decisions={entry.pk: {"decision": "continued"} for entry in entries[:-1]},
        user=clinician,
    )
    medication_services.reconciliation_sign(reconciliation=reconciliation, user=clinician)
    signed_plan(episode)
    plan_services.episode_discharge(
        episode=episode,
        aftercare=AFTERCARE,
        reason="completed",
        user=clinician,
        discharge_date=date(2026, 11, 2),
    )
    episode.refresh_from_db()
    services.discharge_summary_prepare(episode=episode, user=clinician)
    return episode


def test_the_summary_reads_the_list_in_the_same_queries_however_long(
    client, clock, make_episode, signed_plan, clinician
):
    clinician.prescriber_credential = User.PrescriberCredential.PSYCHIATRIST
    clinician.save(update_fields=["prescriber_credential"])
    small = _patient_with_list(make_episode, signed_plan, clinician, 2)
    large = _patient_with_list(make_episode, signed_plan, clinician, 8)
    assert large.patient.pk != small.patient.pk
    client.force_login(clinician)
    query_counts(client, [page(small), pdf(small)])  # the first request's one-off reads
    small_counts = query_counts(client, [page(small), pdf(small)])
    large_counts = query_counts(client, [page(large), pdf(large)])
    assert small_counts == large_counts
    html = client.get(page(large)).content.decode()
    assert html.count("— changed: Medication") == 8


def test_the_signed_summary_in_the_api_carries_the_medication_list(
    api_client, on_buprenorphine, clinician
):
    summary = services.discharge_summary_prepare(episode=on_buprenorphine, user=clinician)
    summary = services.discharge_summary_update(
        summary=summary,
        data={"narrative": "Stable on buprenorphine.", "medications": summary.medications},
        user=clinician,
    )
    services.discharge_summary_sign(summary=summary, user=clinician)
    api_client.force_authenticate(clinician)
    response = api_client.get(f"/api/v1/discharge-summaries/{summary.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["medications"].splitlines()[0] == BUP_LINE
    assert body["record"]["medication_list"]["at_discharge"][0] == BUP_LINE
    assert (
        "2 Nov 2026 — changed: Sertraline 100 mg: strength 50 mg → 100 mg"
        in (body["record"]["medication_list"]["changes"])
    )
