"""The plans API: building and signing through it, 409 on signed versions and stale saves, 400
with field errors, and a query count that does not grow with the plan."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.services import measure_record
from plans import services
from plans.models import Goal, Intervention, Objective, ProgressEntry, TreatmentPlan
from tests.plans.api_helpers import PHQ9_9, as_user, snapshot, tree_ids, url
from tests.queries import query_counts

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


def test_item_lists_are_flat_and_walk_every_item_once_by_cursor(api_client, clinician, active):
    """A list row names the items one level down by id (the item and the plan carry the
    tree); the pages, a cursor apart, give every item once, by parent then position."""
    draft = services.plan_revise(plan=active, user=clinician)
    client = as_user(api_client, clinician)
    children = {"problem": "goals", "goal": "objectives", "objective": "interventions"}
    for kind in ("problem", "goal", "objective", "intervention"):
        answer = client.get(url(kind), {"page_size": 1}).json()
        assert "count" not in answer and answer["previous"] is None
        rows = answer["results"]
        while answer["next"]:
            answer = client.get(answer["next"]).json()
            rows += answer["results"]
        expected = sorted(tree_ids(plan)[kind] for plan in (active, draft))
        assert [row["id"] for row in rows] == expected
        if kind in children:
            below = {plan.pk: tree_ids(plan) for plan in (active, draft)}
            child = {"goals": "goal", "objectives": "objective", "interventions": "intervention"}
            name = children[kind]
            assert [row[name] for row in rows] == [
                [ids[child[name]]] for ids in sorted(below.values(), key=lambda ids: ids[kind])
            ]
    objective = client.get(url("objective")).json()["results"][0]
    assert "progress" not in objective and "measure_progress" not in objective


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
            ProgressEntry.objects.create(  # the plan is a draft: data as an earlier version left it
                objective=objective,
                lineage=objective.lineage,
                patient_id=plan.patient_id,
                rating=1,
                recorded_by=user,
            )
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
