"""The plans API: building and signing through it, 409 on signed versions and stale saves, 400
with field errors, per-role access on every endpoint, measure progress, reviews, safety plans,
discharge with aftercare, and a query count that does not grow with the plan."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iop.audit.models import AuditEvent
from patients.models import Episode
from patients.services import measure_record
from plans import services
from plans.models import (
    AftercarePlan,
    Goal,
    Intervention,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    TreatmentPlan,
)
from tests.queries import query_counts

PHQ9_18 = [2] * 9
PHQ9_9 = [2, 2, 2, 1, 1, 1, 0, 0, 0]
AFTERCARE = {
    "step_down_level": "OP",
    "follow_up_appointments": "Dr Lee, Tuesday 10:00",
    "relapse_prevention": "Call my sponsor; meetings twice a week",
}


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(name, pk=None, action=None):
    if pk is None:
        return reverse(f"{name}-list")
    return reverse(f"{name}-{action or 'detail'}", args=[pk])


def tree_ids(plan):
    problem = plan.problems.get()
    goal = problem.goals.get()
    objective = goal.objectives.get()
    return {
        "problem": problem.pk,
        "goal": goal.pk,
        "objective": objective.pk,
        "intervention": objective.interventions.get().pk,
    }


def snapshot():
    """Everything the plans API can change, to show a refused call changed nothing."""
    models = (
        TreatmentPlan,
        Problem,
        Goal,
        Objective,
        Intervention,
        ProgressEntry,
        PlanReview,
        SafetyPlan,
        AftercarePlan,
    )
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.fixture
def draft(make_plan, episode):
    return make_plan(episode)


@pytest.fixture
def active(draft, clinician):
    return services.plan_activate(plan=draft, user=clinician, patient_ack_name="Pat Doe")


# --- building and signing --------------------------------------------------------------------


def test_build_and_activate_a_plan_through_the_api(api_client, clinician, episode):
    client = as_user(api_client, clinician)
    plan = client.post(url("plan"), {"episode": episode.pk})
    assert plan.status_code == 201, plan.json()
    plan = plan.json()
    assert (plan["version"], plan["status"], plan["problems"]) == (1, "draft", [])
    problem = client.post(
        url("problem"),
        {
            "plan": plan["id"],
            "description": "Low mood",
            "diagnosis_code": "f32.1",
            "revision": plan["revision"],
        },
    )
    assert problem.status_code == 201, problem.json()
    assert problem.json()["diagnosis_code"] == "F32.1"
    assert problem.json()["revision"] == plan["revision"] + 1  # the plan's revision after it
    goal = client.post(
        url("goal"),
        {
            "problem": problem.json()["id"],
            "client_words": "Feel like myself again",
            "target_date": "2027-03-01",
            "status": "in_progress",
            "revision": problem.json()["revision"],
        },
    )
    assert goal.status_code == 201, goal.json()
    objective = client.post(
        url("objective"),
        {
            "goal": goal.json()["id"],
            "description": "PHQ-9 below 10",
            "target_date": "2027-01-31",
            "measure_instrument": "PHQ9",
            "measure_target": 10,
            "revision": goal.json()["revision"],
        },
    )
    assert objective.status_code == 201, objective.json()
    assert objective.json()["measure_progress"]["state"] == "no results yet"
    intervention = client.post(
        url("intervention"),
        {
            "objective": objective.json()["id"],
            "modality": "cbt",
            "frequency": "3 groups a week",
            "description": "Thought records",
            "responsible": clinician.pk,
            "revision": objective.json()["revision"],
        },
    )
    assert intervention.status_code == 201, intervention.json()
    signed = client.post(
        url("plan", plan["id"], "activate"),
        {
            "patient_ack_name": "Pat Doe",
            "revision": intervention.json()["revision"],
        },
    )
    assert signed.status_code == 200, signed.json()
    body = signed.json()
    assert (body["status"], body["signed_by"]["id"], body["patient_ack_name"]) == (
        "active",
        clinician.pk,
        "Pat Doe",
    )
    assert body["signed_at"] and body["patient_ack_at"] and body["next_review_due"]
    nested = body["problems"][0]["goals"][0]["objectives"][0]
    assert nested["measure_label"].startswith("PHQ-9 below 10")
    assert nested["interventions"][0]["modality"] == "cbt"
    detail = client.get(url("plan", plan["id"])).json()
    assert detail["problems"] == body["problems"]
    listed = client.get(url("plan"), {"episode": episode.pk}).json()["results"]
    assert [(p["id"], p["status"]) for p in listed] == [(plan["id"], "active")]
    assert "problems" not in listed[0]


def test_post_plan_returns_the_open_draft(api_client, clinician, draft):
    response = as_user(api_client, clinician).post(url("plan"), {"episode": draft.episode_id})
    assert response.status_code == 201, response.json()
    assert response.json()["id"] == draft.pk
    assert TreatmentPlan.objects.count() == 1


def test_editing_and_removing_items_of_a_draft(api_client, clinician, draft):
    client = as_user(api_client, clinician)
    ids = tree_ids(draft)
    changed = client.patch(url("goal", ids["goal"]), {"status": "achieved"})
    assert changed.status_code == 200 and changed.json()["status"] == "achieved"
    summary = client.patch(url("plan", draft.pk), {"summary": "Formulation"})
    assert summary.status_code == 200 and summary.json()["summary"] == "Formulation"
    moved = client.post(url("problem"), {"plan": draft.pk, "description": "Sleep"}).json()
    refused = client.patch(url("goal", ids["goal"]), {"problem": moved["id"]})
    assert refused.status_code == 400 and "problem" in refused.json()
    removed = client.delete(url("problem", ids["problem"]))
    assert removed.status_code == 204
    assert not Goal.objects.filter(pk=ids["goal"]).exists()
    assert not Intervention.objects.exists()
    assert client.put(url("plan", draft.pk), {"summary": "x"}).status_code == 405
    assert client.delete(url("plan", draft.pk)).status_code == 405


def test_a_signed_version_answers_409_and_nothing_changes(api_client, clinician, active):
    client = as_user(api_client, clinician)
    ids = tree_ids(active)
    before = snapshot()
    responses = {
        "plan summary": client.patch(url("plan", active.pk), {"summary": "Rewritten"}),
        "plan activate": client.post(
            url("plan", active.pk, "activate"), {"patient_ack_name": "Again"}
        ),
        "add problem": client.post(url("problem"), {"plan": active.pk, "description": "New"}),
        "add goal": client.post(url("goal"), {"problem": ids["problem"], "client_words": "G"}),
        "add objective": client.post(
            url("objective"), {"goal": ids["goal"], "description": "O", "target_date": "2027-01-01"}
        ),
        "add intervention": client.post(
            url("intervention"),
            {
                "objective": ids["objective"],
                "modality": "mi",
                "frequency": "weekly",
                "responsible": clinician.pk,
            },
        ),
        **{
            f"change {kind}": client.patch(url(kind, pk), body)
            for kind, pk, body in [
                ("problem", ids["problem"], {"description": "Changed"}),
                ("goal", ids["goal"], {"status": "achieved"}),
                ("objective", ids["objective"], {"description": "Changed"}),
                ("intervention", ids["intervention"], {"frequency": "daily"}),
            ]
        },
        **{f"remove {kind}": client.delete(url(kind, ids[kind])) for kind in ids},
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 409)
    assert "cannot be changed" in responses["plan summary"].json()["detail"]
    assert snapshot() == before


def test_a_stale_revision_answers_409_and_nothing_changes(api_client, clinician, supervisor, draft):
    draft.refresh_from_db()
    seen = draft.revision
    services.plan_update(plan=draft, data={"summary": "First"}, user=supervisor, revision=seen)
    ids = tree_ids(draft)
    before = snapshot()
    client = as_user(api_client, clinician)
    responses = [
        client.patch(url("plan", draft.pk), {"summary": "Second", "revision": seen}),
        client.post(url("problem"), {"plan": draft.pk, "description": "New", "revision": seen}),
        client.patch(url("goal", ids["goal"]), {"status": "achieved", "revision": seen}),
        client.delete(url("intervention", ids["intervention"]) + f"?revision={seen}"),
        client.post(
            url("plan", draft.pk, "activate"), {"patient_ack_name": "Pat", "revision": seen}
        ),
    ]
    assert [r.status_code for r in responses] == [409] * 5
    assert "saved this draft" in responses[0].json()["detail"]
    assert snapshot() == before
    fresh = client.patch(url("goal", ids["goal"]), {"status": "achieved", "revision": seen + 1})
    assert fresh.status_code == 200 and fresh.json()["revision"] == seen + 2


def test_a_revision_that_is_not_a_number_is_400(api_client, clinician, draft):
    ids = tree_ids(draft)
    response = as_user(api_client, clinician).delete(
        url("intervention", ids["intervention"]) + "?revision=abc"
    )
    assert response.status_code == 400 and "revision" in response.json()
    assert Intervention.objects.filter(pk=ids["intervention"]).exists()


def test_revise_makes_a_new_draft_that_supersedes_on_activation(api_client, clinician, active):
    client = as_user(api_client, clinician)
    response = client.post(url("plan", active.pk, "revise"))
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["status"], body["previous"]) == (2, "draft", active.pk)
    old = tree_ids(active)
    copied = body["problems"][0]["goals"][0]["objectives"][0]
    assert copied["id"] != old["objective"]
    assert copied["lineage"] == str(Objective.objects.get(pk=old["objective"]).lineage)
    signed = client.post(url("plan", body["id"], "activate"), {"patient_ack_name": "Pat Doe"})
    assert signed.status_code == 200, signed.json()
    active.refresh_from_db()
    assert active.status == TreatmentPlan.Status.SUPERSEDED
    assert client.post(url("plan", active.pk, "revise")).status_code == 409


def test_item_lists_filter_by_plan(api_client, clinician, active):
    draft = services.plan_revise(plan=active, user=clinician)
    client = as_user(api_client, clinician)
    for kind in ("problem", "goal", "objective", "intervention"):
        everything = client.get(url(kind)).json()["results"]
        of_draft = client.get(url(kind), {"plan": draft.pk}).json()["results"]
        assert len(everything) == 2
        assert [r["id"] for r in of_draft] == [tree_ids(draft)[kind]]
        assert of_draft[0]["revision"] == draft.revision


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "payload", "field"),
    [
        (
            "objective",
            {"description": "x", "target_date": "2027-01-01", "measure_instrument": "PHQ9"},
            "measure_target",
        ),
        (
            "objective",
            {"description": "x", "target_date": "2027-01-01", "measure_target": 10},
            "measure_target",
        ),
        (
            "objective",
            {
                "description": "x",
                "target_date": "2027-01-01",
                "measure_instrument": "PHQ9",
                "measure_target": 99,
            },
            "measure_target",
        ),
        (
            "objective",
            {
                "description": "x",
                "target_date": "2027-01-01",
                "measure_instrument": "CSSRS",
                "measure_target": 2,
            },
            "measure_instrument",
        ),
        ("objective", {"description": "x"}, "target_date"),
        ("intervention", {"modality": "astrology", "frequency": "daily"}, "modality"),
        ("intervention", {"modality": "cbt"}, "frequency"),
        ("goal", {"client_words": "x", "status": "nearly"}, "status"),
        ("goal", {"client_words": "x", "target_date": "soon"}, "target_date"),
        ("problem", {"description": "x", "diagnosis_code": "F41.1"}, "diagnosis_code"),
        ("problem", {"description": "x", "diagnosis_code": "nonsense"}, "diagnosis_code"),
        ("problem", {"description": ""}, "description"),
    ],
)
def test_bad_items_are_400_with_field_errors(
    api_client, clinician, draft, resource, payload, field
):
    ids = tree_ids(draft)
    parent = {
        "problem": {"plan": draft.pk},
        "goal": {"problem": ids["problem"]},
        "objective": {"goal": ids["goal"]},
        "intervention": {"objective": ids["objective"], "responsible": clinician.pk},
    }[resource]
    before = snapshot()
    response = as_user(api_client, clinician).post(url(resource), {**parent, **payload})
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert snapshot() == before


def test_a_change_that_breaks_an_objectives_measure_is_400(api_client, clinician, draft):
    objective = tree_ids(draft)["objective"]
    response = as_user(api_client, clinician).patch(
        url("objective", objective), {"measure_instrument": ""}
    )
    assert response.status_code == 400 and "measure_target" in response.json()


def test_the_responsible_staff_is_a_clinician(api_client, clinician, intake, draft):
    response = as_user(api_client, clinician).patch(
        url("intervention", tree_ids(draft)["intervention"]), {"responsible": intake.pk}
    )
    assert response.status_code == 400 and "responsible" in response.json()


def test_activation_without_a_goal_or_acknowledgement_is_400(api_client, clinician, episode):
    plan = services.plan_start(episode=episode, user=clinician)
    client = as_user(api_client, clinician)
    response = client.post(url("plan", plan.pk, "activate"), {"patient_ack_name": " "})
    assert response.status_code == 400
    assert {"goals", "patient_ack_name"} <= set(response.json())
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = client.post(
        url("plan", plan.pk, "activate"), {"patient_ack_name": "Pat", "patient_ack_at": future}
    )
    assert response.status_code == 400 and "patient_ack_at" in response.json()
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.DRAFT


@pytest.mark.parametrize("rating", [9, -1, "good", None])
def test_a_bad_rating_is_400(api_client, clinician, active, rating):
    objective = tree_ids(active)["objective"]
    response = as_user(api_client, clinician).post(
        url("progress"), {"objective": objective, "rating": rating}
    )
    assert response.status_code == 400 and "rating" in response.json()
    assert not ProgressEntry.objects.exists()


def test_progress_is_recorded_on_the_active_plan_only(api_client, clinician, draft):
    response = as_user(api_client, clinician).post(
        url("progress"), {"objective": tree_ids(draft)["objective"], "rating": 2}
    )
    assert response.status_code == 400 and "objective" in response.json()


def test_a_non_numeric_revision_is_a_400(api_client, clinician, make_plan, episode):
    plan = make_plan(episode)
    intervention = plan.problems.get().goals.get().objectives.get().interventions.get()
    api_client.force_authenticate(clinician)
    response = api_client.delete(
        reverse("intervention-detail", args=[intervention.pk]) + "?revision=abc"
    )
    assert response.status_code == 400 and "revision" in response.json()
    assert Intervention.objects.filter(pk=intervention.pk).exists()


# --- access per role -------------------------------------------------------------------------

RESOURCES = [
    "plan",
    "problem",
    "goal",
    "objective",
    "intervention",
    "progress",
    "review",
    "safety-plan",
    "aftercare-plan",
]
ROLES = ["admin", "intake", "clinician2", "clinician", "supervisor"]


@pytest.fixture
def world(active, clinician, patient):
    """One of everything the plans API shows, for `clinician`'s patient."""
    objective = active.problems.get().goals.get().objectives.get()
    progress = services.progress_record(objective=objective, rating=2, user=clinician)
    review = services.review_open(plan=active, user=clinician)
    safety = services.safety_plan_start(patient=patient, user=clinician)
    aftercare = services.aftercare_save(episode=active.episode, data=AFTERCARE, user=clinician)
    return {
        "plan": active.pk,
        **tree_ids(active),
        "progress": progress.pk,
        "review": review.pk,
        "safety-plan": safety.pk,
        "aftercare-plan": aftercare.pk,
    }


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", ROLES)
def test_read_access_per_role(api_client, role_users, world, resource, role):
    client = as_user(api_client, role_users[role])
    one, many = client.get(url(resource, world[resource])), client.get(url(resource))
    if role in ("admin", "intake"):
        assert (one.status_code, many.status_code) == (403, 403)
    elif role == "clinician2":
        assert (one.status_code, many.status_code) == (404, 200)
        assert many.json()["results"] == []
    else:
        assert (one.status_code, many.status_code) == (200, 200)
        assert [r["id"] for r in many.json()["results"]] == [world[resource]]


@pytest.mark.parametrize("resource", ["plan", "problem", "goal", "objective", "intervention"])
def test_reads_are_audited_with_the_patient(api_client, clinician, world, patient, resource):
    as_user(api_client, clinician).get(url(resource, world[resource]))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("pk")
    assert (event.object_id, event.patient_id) == (str(world[resource]), patient.pk)


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_browsable_api_and_options_work(api_client, clinician, world, resource):
    client = as_user(api_client, clinician)
    assert client.options(url(resource)).status_code == 200
    assert client.options(url(resource, world[resource])).status_code == 200
    page = client.get(url(resource, world[resource]), HTTP_ACCEPT="text/html")
    assert page.status_code == 200


def writes(world, clinician):
    """(name, method, url, body, status for the care team, the parent field of a create)."""
    draft = services.plan_revise(plan=TreatmentPlan.objects.get(pk=world["plan"]), user=clinician)
    d = tree_ids(draft)
    safety = {"warning_signs": "Isolating", "coping_strategies": "Walk", "help_contacts": "Sister"}
    return [
        ("start plan", "post", url("plan"), {"episode": draft.episode_id}, 201, "episode"),
        ("change plan", "patch", url("plan", draft.pk), {"summary": "S"}, 200, None),
        ("revise plan", "post", url("plan", world["plan"], "revise"), {}, 201, None),
        (
            "add problem",
            "post",
            url("problem"),
            {"plan": draft.pk, "description": "P"},
            201,
            "plan",
        ),
        ("change problem", "patch", url("problem", d["problem"]), {"description": "P2"}, 200, None),
        (
            "add goal",
            "post",
            url("goal"),
            {"problem": d["problem"], "client_words": "G"},
            201,
            "problem",
        ),
        ("change goal", "patch", url("goal", d["goal"]), {"status": "in_progress"}, 200, None),
        (
            "add objective",
            "post",
            url("objective"),
            {"goal": d["goal"], "description": "O", "target_date": "2027-02-01"},
            201,
            "goal",
        ),
        (
            "change objective",
            "patch",
            url("objective", d["objective"]),
            {"description": "O2"},
            200,
            None,
        ),
        (
            "add intervention",
            "post",
            url("intervention"),
            {
                "objective": d["objective"],
                "modality": "mi",
                "frequency": "weekly",
                "responsible": clinician.pk,
            },
            201,
            "objective",
        ),
        (
            "change intervention",
            "patch",
            url("intervention", d["intervention"]),
            {"frequency": "daily"},
            200,
            None,
        ),
        ("remove intervention", "delete", url("intervention", d["intervention"]), None, 204, None),
        (
            "record progress",
            "post",
            url("progress"),
            {"objective": world["objective"], "rating": 3},
            201,
            "objective",
        ),
        (
            "complete review",
            "post",
            url("review", world["review"], "complete"),
            {"decision": "continue", "summary": "Steady"},
            200,
            None,
        ),
        ("open review", "post", url("review"), {"plan": world["plan"]}, 201, "plan"),
        (
            "start safety plan",
            "post",
            url("safety-plan"),
            {"patient": TreatmentPlan.objects.get(pk=world["plan"]).patient_id},
            201,
            "patient",
        ),
        (
            "change safety plan",
            "patch",
            url("safety-plan", world["safety-plan"]),
            safety,
            200,
            None,
        ),
        (
            "sign safety plan",
            "post",
            url("safety-plan", world["safety-plan"], "activate"),
            {"patient_ack_name": "Pat"},
            200,
            None,
        ),
        (
            "save aftercare",
            "post",
            url("aftercare-plan"),
            {"episode": draft.episode_id, **AFTERCARE},
            200,
            "episode",
        ),
        (
            "change aftercare",
            "patch",
            url("aftercare-plan", world["aftercare-plan"]),
            {"medications": "Sertraline 50 mg"},
            200,
            None,
        ),
        (
            "sign plan",
            "post",
            url("plan", draft.pk, "activate"),
            {"patient_ack_name": "Pat"},
            200,
            None,
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(api_client, role_users, clinician, world, role):
    calls = writes(world, clinician)
    before = snapshot()
    client = as_user(api_client, role_users[role])
    got, expected = {}, {}
    for name, method, path, body, ok, parent in calls:
        response = getattr(client, method)(path, body)
        got[name] = response.status_code
        if role in ("admin", "intake"):
            expected[name] = 403
        elif role == "clinician2":
            expected[name] = 400 if parent else 404
            if parent:  # an id of someone else's record reads as one that does not exist
                assert "does not exist" in str(response.json()[parent]), (name, response.json())
        else:
            expected[name] = ok
    assert got == expected
    if role in ("admin", "intake", "clinician2"):
        assert snapshot() == before
    else:
        plans = TreatmentPlan.objects.order_by("version")
        assert [p.status for p in plans] == ["superseded", "active"]
        assert SafetyPlan.objects.get().status == SafetyPlan.Status.ACTIVE
        assert AftercarePlan.objects.get().medications == "Sertraline 50 mg"


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
    again = client.post(
        url("review", review["id"], "complete"), {"decision": "continue", "summary": "Again"}
    )
    assert again.status_code == 400
    active.refresh_from_db()
    assert active.next_review_due > date.fromisoformat(review["due_date"])


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
            "help_contacts": "Sister",
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


# --- speed -----------------------------------------------------------------------------------


def build(plan, user, size):
    for n in range(size):
        problem = services.problem_add(
            plan=plan, user=user, data={"description": f"P{n}", "diagnosis_code": ""}
        )
        for g in range(2):
            goal = services.goal_add(problem=problem, user=user, data={"client_words": f"G{g}"})
            objective = services.objective_add(
                goal=goal,
                user=user,
                data={
                    "description": "O",
                    "target_date": date(2027, 1, 1),
                    "measure_instrument": "PHQ9",
                    "measure_target": 10,
                },
            )
            services.progress_record(objective=objective, rating=1, user=user)
            for modality in ("cbt", "mi"):
                services.intervention_add(
                    objective=objective,
                    user=user,
                    data={"modality": modality, "frequency": "weekly", "responsible": user},
                )


def test_plan_detail_runs_the_same_queries_for_1_or_5_problems(api_client, clinician, make_episode):
    client = as_user(api_client, clinician)
    counts = []
    for size in (1, 5):
        episode = make_episode(clinician=clinician)
        measure_record(
            patient=episode.patient, instrument_code="PHQ9", responses=PHQ9_9, user=clinician
        )
        plan = services.plan_start(episode=episode, user=clinician)
        build(plan, clinician, size)
        query_counts(client, [url("plan", plan.pk)])  # what a first request caches is not counted
        counts.append(query_counts(client, [url("plan", plan.pk)]))
        response = client.get(url("plan", plan.pk))
        objectives = [
            o for p in response.json()["problems"] for g in p["goals"] for o in g["objectives"]
        ]
        assert len(objectives) == 2 * size
        assert all(
            o["measure_progress"]["latest"] == 9 and len(o["progress"]) == 1 for o in objectives
        )
    assert counts[0] == counts[1]


def test_plan_detail_and_item_lists_run_the_same_queries_for_1_or_5_problems(
    api_client, clinician, episode
):
    plan = services.plan_start(episode=episode, user=clinician)
    client = as_user(api_client, clinician)
    paths = [url("plan", plan.pk)] + [
        url(kind) for kind in ("problem", "goal", "objective", "intervention")
    ]
    counts = []
    for size in (1, 4):
        build(plan, clinician, size)
        row = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            row.append(len(queries))
        counts.append(row)
    assert counts[0] == counts[1]
