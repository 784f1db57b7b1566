"""The plans API beyond the editor: measure progress, progress entries across versions,
reviews, safety plans and discharge with aftercare."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from patients.models import Episode
from patients.services import measure_record
from plans.models import AftercarePlan, PlanReview, SafetyPlan, TreatmentPlan
from tests.plans.api_helpers import AFTERCARE, PHQ9_9, PHQ9_18, as_user, tree_ids, url

# --- measures, progress, reviews -------------------------------------------------------------


def test_measure_progress_is_read_from_real_results(api_client, clinician, active, patient):
    Episode.objects.filter(pk=active.episode_id).update(admission_date=date(2026, 1, 1))
    client = as_user(api_client, clinician)
    objective = tree_ids(active)["objective"]
    none_yet = client.get(url("objective", objective)).json()["measure_progress"]
    assert (none_yet["latest"], none_yet["state"]) == (None, "no results yet")
    for responses in (PHQ9_18, PHQ9_9):
        measure_record(patient=patient, instrument_code="PHQ9", responses=responses, user=clinician)
    progress = client.get(url("objective", objective)).json()["measure_progress"]
    assert (progress["baseline"], progress["latest"], progress["change"]) == (18, 9, -9)
    assert (progress["met"], progress["state"], progress["target"]) == (True, "met", 10)
    assert progress["instrument"] == "PHQ-9"
    in_plan = client.get(url("plan", active.pk)).json()
    assert in_plan["problems"][0]["goals"][0]["objectives"][0]["measure_progress"] == progress


def test_an_objective_without_a_measure_has_no_measure_progress(
    api_client, clinician, make_plan, episode
):
    plan = make_plan(episode, measure_instrument="")
    body = as_user(api_client, clinician).get(url("objective", tree_ids(plan)["objective"]))
    assert body.json()["measure_progress"] is None


def test_progress_entries_follow_the_objective_across_versions(api_client, clinician, active):
    client = as_user(api_client, clinician)
    objective = tree_ids(active)["objective"]
    entry = client.post(
        url("progress"), {"objective": objective, "rating": 2, "note": "Better", "session_ref": 7}
    )
    assert entry.status_code == 201, entry.json()
    assert (entry.json()["rating"], entry.json()["recorded_by"]["id"]) == (2, clinician.pk)
    draft = client.post(url("plan", active.pk, "revise")).json()
    copied = draft["problems"][0]["goals"][0]["objectives"][0]
    assert [e["id"] for e in copied["progress"]] == [entry.json()["id"]]
    detail = client.get(url("objective", objective)).json()
    assert detail["progress"][0]["note"] == "Better"
    listed = client.get(url("progress"), {"lineage": copied["lineage"]}).json()["results"]
    assert [e["id"] for e in listed] == [entry.json()["id"]]


def test_review_open_and_complete(api_client, clinician, active, patient):
    measure_record(patient=patient, instrument_code="PHQ9", responses=PHQ9_9, user=clinician)
    client = as_user(api_client, clinician)
    opened = client.post(url("review"), {"plan": active.pk})
    assert opened.status_code == 201, opened.json()
    review = opened.json()
    assert review["status"] == "open" and review["due_date"] == str(active.next_review_due)
    assert review["prefill"]["measures"][0]["instrument"] == "PHQ9"
    assert client.post(url("review"), {"plan": active.pk}).json()["id"] == review["id"]
    objective = tree_ids(active)["objective"]
    missing = client.post(url("review", review["id"], "complete"), {"ratings": []})
    assert missing.status_code == 400 and {"decision", "summary"} <= set(missing.json())
    bad = client.post(
        url("review", review["id"], "complete"),
        {
            "decision": "continue",
            "summary": "x",
            "ratings": [{"objective": objective + 999, "rating": 3}],
        },
    )
    assert bad.status_code == 400 and "ratings" in bad.json()
    done = client.post(
        url("review", review["id"], "complete"),
        {
            "decision": "continue",
            "summary": "Steady.",
            "ratings": [{"objective": objective, "rating": 3, "comment": "Good week"}],
        },
    )
    assert done.status_code == 200, done.json()
    body = done.json()
    assert (body["status"], body["decision"], body["completed_by"]["id"]) == (
        "completed",
        "continue",
        clinician.pk,
    )
    assert [(p["rating"], p["note"]) for p in body["progress"]] == [(3, "Good week")]
    # The list reads each row's entries as a prefetched list: the same as the review alone.
    listed = client.get(url("review")).json()["results"]
    assert listed == [client.get(url("review", review["id"])).json()] == [body]
    again = client.post(
        url("review", review["id"], "complete"), {"decision": "continue", "summary": "Again"}
    )
    assert again.status_code == 400
    active.refresh_from_db()
    # Completed today: the next review is due 30 days after today (the review, not its due date).
    assert active.next_review_due == timezone.localdate() + timedelta(days=30)


def test_a_draft_plan_is_not_reviewed(api_client, clinician, draft):
    response = as_user(api_client, clinician).post(url("review"), {"plan": draft.pk})
    assert response.status_code == 400
    assert not PlanReview.objects.exists()


# --- safety and aftercare plans --------------------------------------------------------------


def test_safety_plan_start_edit_and_activate(api_client, clinician, patient):
    client = as_user(api_client, clinician)
    started = client.post(url("safety-plan"), {"patient": patient.pk})
    assert started.status_code == 201, started.json()
    plan = started.json()
    assert (plan["version"], plan["status"]) == (1, "draft")
    assert "988" in plan["professional_contacts"]
    refused = client.post(url("safety-plan", plan["id"], "activate"), {"patient_ack_name": "P"})
    assert refused.status_code == 400 and "warning_signs" in refused.json()
    edited = client.patch(
        url("safety-plan", plan["id"]),
        {
            "warning_signs": "Isolating",
            "coping_strategies": "Walk",
            "distractions": "Library",
            "help_contacts": "Sister",
            "environment_safety": "Pills with sister",
            "reasons_for_living": "My kids",
            "revision": plan["revision"],
        },
    )
    assert edited.status_code == 200 and edited.json()["revision"] == plan["revision"] + 1
    stale = client.patch(
        url("safety-plan", plan["id"]), {"warning_signs": "x", "revision": plan["revision"]}
    )
    assert stale.status_code == 409
    signed = client.post(url("safety-plan", plan["id"], "activate"), {"patient_ack_name": "P"})
    assert signed.status_code == 200, signed.json()
    assert (signed.json()["status"], signed.json()["patient_ack_name"]) == ("active", "P")
    assert client.patch(url("safety-plan", plan["id"]), {"warning_signs": "x"}).status_code == 409
    assert SafetyPlan.objects.get().warning_signs == "Isolating"
    second = client.post(url("safety-plan"), {"patient": patient.pk})
    assert second.status_code == 201, second.json()
    second = second.json()
    assert (second["version"], second["warning_signs"]) == (2, "Isolating")


def test_discharge_through_the_api_needs_aftercare(api_client, clinician, active):
    client = as_user(api_client, clinician)
    transition = reverse("episode-transition", args=[active.episode_id])
    payload = {"status": "discharged", "discharge_reason": "completed"}
    refused = client.post(transition, payload)
    assert refused.status_code == 400 and "aftercare" in refused.json()
    assert Episode.objects.get(pk=active.episode_id).status == Episode.Status.ACTIVE
    incomplete = client.post(
        url("aftercare-plan"), {"episode": active.episode_id, "step_down_level": "OP"}
    )
    assert incomplete.status_code == 400
    assert {"follow_up_appointments", "relapse_prevention"} <= set(incomplete.json())
    aftercare = client.post(url("aftercare-plan"), {"episode": active.episode_id, **AFTERCARE})
    assert aftercare.status_code == 201, aftercare.json()
    assert "988" in aftercare.json()["crisis_resources"]
    discharged = client.post(transition, payload)
    assert discharged.status_code == 200, discharged.json()
    assert discharged.json()["status"] == "discharged"
    active.refresh_from_db()
    assert active.status == TreatmentPlan.Status.CLOSED
    assert "Discharged" in active.close_reason
    after = client.patch(url("aftercare-plan", aftercare.json()["id"]), {"medications": "x"})
    assert after.status_code == 400


def test_aftercare_stays_with_its_episode(api_client, clinician, episode, make_episode, role_users):
    other = make_episode(clinician=clinician)
    client = as_user(api_client, clinician)
    saved = client.post(url("aftercare-plan"), {"episode": episode.pk, **AFTERCARE}).json()
    moved = client.patch(url("aftercare-plan", saved["id"]), {"episode": other.pk})
    assert moved.status_code == 400 and "episode" in moved.json()
    resaved = client.post(
        url("aftercare-plan"),
        {"episode": episode.pk, **AFTERCARE, "support_groups": "SMART Recovery"},
    )
    assert resaved.status_code == 200 and resaved.json()["id"] == saved["id"]
    assert AftercarePlan.objects.get().support_groups == "SMART Recovery"
