"""The plans API: building and signing through it, 409 on signed versions and stale saves, 400
with field errors, per-role access, measure progress, reviews, safety plans, discharge."""

from datetime import date

import pytest
from django.urls import reverse

from patients.models import Episode
from patients.services import measure_record
from plans import services
from plans.models import Problem, TreatmentPlan


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(name, pk=None, action=None):
    if pk is None:
        return reverse(f"{name}-list")
    return reverse(f"{name}-{action or 'detail'}", args=[pk])


@pytest.fixture
def draft(make_plan, episode):
    return make_plan(episode)


@pytest.fixture
def active(draft, clinician):
    return services.plan_activate(plan=draft, user=clinician, patient_ack_name="Pat Doe")


def test_build_and_activate_a_plan_through_the_api(api_client, clinician, episode):
    client = as_user(api_client, clinician)
    plan = client.post(url("plan"), {"episode": episode.pk}).json()
    assert (plan["version"], plan["status"]) == (1, "draft")
    problem = client.post(url("problem"), {"plan": plan["id"], "description": "Low mood",
                                           "revision": plan["revision"]}).json()  # fmt: skip
    goal = client.post(url("goal"), {"problem": problem["id"], "client_words": "Feel better"})
    assert goal.status_code == 201, goal.json()
    objective = client.post(url("objective"), {
        "goal": goal.json()["id"], "description": "PHQ-9 below 10", "target_date": "2027-01-31",
        "measure_instrument": "PHQ9", "measure_target": 10,
    })  # fmt: skip
    assert objective.status_code == 201, objective.json()
    intervention = client.post(url("intervention"), {
        "objective": objective.json()["id"], "modality": "cbt", "frequency": "3 groups a week",
        "responsible": clinician.pk,
    })  # fmt: skip
    assert intervention.status_code == 201, intervention.json()
    signed = client.post(url("plan", plan["id"], "activate"), {"patient_ack_name": "Pat Doe"})
    assert signed.status_code == 200, signed.json()
    body = signed.json()
    assert (body["status"], body["signed_by"]["id"], body["patient_ack_name"]) == (
        "active", clinician.pk, "Pat Doe")  # fmt: skip
    assert body["problems"][0]["goals"][0]["objectives"][0]["interventions"][0]["modality"] == "cbt"
    assert body["next_review_due"]


def test_a_signed_version_answers_409_and_nothing_changes(api_client, clinician, active):
    client = as_user(api_client, clinician)
    problem = active.problems.get()
    objective = problem.goals.get().objectives.get()
    responses = [
        client.patch(url("plan", active.pk), {"summary": "Rewritten"}),
        client.post(url("problem"), {"plan": active.pk, "description": "New"}),
        client.patch(url("problem", problem.pk), {"description": "Changed"}),
        client.delete(url("problem", problem.pk)),
        client.patch(url("objective", objective.pk), {"description": "Changed"}),
        client.post(url("plan", active.pk, "activate"), {"patient_ack_name": "Again"}),
    ]
    assert [r.status_code for r in responses] == [409] * 6
    assert "cannot be changed" in responses[0].json()["detail"]
    problem.refresh_from_db()
    assert problem.description != "Changed" and Problem.objects.count() == 1


def test_a_stale_revision_answers_409(api_client, clinician, supervisor, draft):
    draft.refresh_from_db()
    seen = draft.revision
    services.plan_update(plan=draft, data={"summary": "First"}, user=supervisor, revision=seen)
    response = as_user(api_client, clinician).patch(
        url("plan", draft.pk), {"summary": "Second", "revision": seen}
    )
    assert response.status_code == 409
    assert "saved this draft" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.summary == "First"


def test_revise_makes_a_new_draft(api_client, clinician, active):
    response = as_user(api_client, clinician).post(url("plan", active.pk, "revise"))
    assert response.status_code == 201
    assert (response.json()["version"], response.json()["previous"]) == (2, active.pk)


@pytest.mark.parametrize(
    ("resource", "payload", "field"),
    [
        ("objective", {"description": "x", "target_date": "2027-01-01",
                       "measure_instrument": "PHQ9"}, "measure_target"),
        ("intervention", {"modality": "astrology", "frequency": "daily"}, "modality"),
        ("goal", {"client_words": "x", "status": "nearly"}, "status"),
    ],
)  # fmt: skip
def test_bad_items_are_400_with_field_errors(
    api_client, clinician, draft, resource, payload, field
):
    goal = draft.problems.get().goals.get()
    parent = {"objective": {"goal": goal.pk},
              "intervention": {"objective": goal.objectives.get().pk,
                               "responsible": clinician.pk},
              "goal": {"problem": draft.problems.get().pk}}[resource]  # fmt: skip
    response = as_user(api_client, clinician).post(url(resource), {**parent, **payload})
    assert response.status_code == 400
    assert field in response.json()


def test_activation_without_a_goal_is_400(api_client, clinician, episode):
    plan = services.plan_start(episode=episode, user=clinician)
    response = as_user(api_client, clinician).post(url("plan", plan.pk, "activate"),
                                                   {"patient_ack_name": "Pat"})  # fmt: skip
    assert response.status_code == 400
    assert "goals" in response.json()


def test_a_bad_rating_is_400(api_client, clinician, active):
    objective = active.problems.get().goals.get().objectives.get()
    response = as_user(api_client, clinician).post(
        url("progress"), {"objective": objective.pk, "rating": 9}
    )
    assert response.status_code == 400 and "rating" in response.json()


RESOURCES = ["plan", "problem", "goal", "objective", "intervention", "review", "safety-plan"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", ["admin", "intake", "clinician2", "clinician", "supervisor"])
def test_access_per_role(api_client, role_users, active, clinician, resource, role):
    review = services.review_open(plan=active, user=clinician)
    safety = services.safety_plan_start(patient=active.patient, user=clinician)
    problem = active.problems.get()
    ids = {"plan": active.pk, "problem": problem.pk, "goal": problem.goals.get().pk,
           "objective": problem.goals.get().objectives.get().pk,
           "intervention": problem.goals.get().objectives.get().interventions.get().pk,
           "review": review.pk, "safety-plan": safety.pk}  # fmt: skip
    client = as_user(api_client, role_users[role])
    one, many = client.get(url(resource, ids[resource])), client.get(url(resource))
    if role in ("admin", "intake"):
        assert (one.status_code, many.status_code) == (403, 403)
    elif role == "clinician2":
        assert one.status_code == 404 and many.json()["results"] == []
    else:
        assert one.status_code == 200
        assert [r["id"] for r in many.json()["results"]] == [ids[resource]]


def test_measure_progress_is_read_from_real_results(api_client, clinician, active, patient):
    Episode.objects.filter(pk=active.episode_id).update(admission_date=date(2026, 1, 1))
    for responses in ([2] * 9, [2, 2, 2, 1, 1, 1, 0, 0, 0]):  # totals 18, then 9
        measure_record(patient=patient, instrument_code="PHQ9", responses=responses,
                       user=clinician)  # fmt: skip
    objective = active.problems.get().goals.get().objectives.get()
    progress = (
        as_user(api_client, clinician)
        .get(url("objective", objective.pk))
        .json()["measure_progress"]
    )
    assert (progress["baseline"], progress["latest"], progress["met"]) == (18, 9, True)
    assert progress["state"] == "met"


def test_review_open_and_complete(api_client, clinician, active):
    client = as_user(api_client, clinician)
    review = client.post(url("review"), {"plan": active.pk}).json()
    assert review["status"] == "open" and "measures" in review["prefill"]
    objective = active.problems.get().goals.get().objectives.get()
    missing = client.post(url("review", review["id"], "complete"), {"ratings": []})
    assert missing.status_code == 400 and {"decision", "summary"} <= set(missing.json())
    done = client.post(url("review", review["id"], "complete"), {
        "decision": "continue", "summary": "Steady.",
        "ratings": [{"objective": objective.pk, "rating": 3, "comment": "Good week"}],
    })  # fmt: skip
    assert done.status_code == 200, done.json()
    assert done.json()["progress"][0]["rating"] == 3


def test_safety_plan_start_edit_and_activate(api_client, clinician, patient):
    client = as_user(api_client, clinician)
    plan = client.post(url("safety-plan"), {"patient": patient.pk}).json()
    refused = client.post(url("safety-plan", plan["id"], "activate"), {"patient_ack_name": "P"})
    assert refused.status_code == 400 and "warning_signs" in refused.json()
    client.patch(url("safety-plan", plan["id"]), {
        "warning_signs": "Isolating", "coping_strategies": "Walk", "help_contacts": "Sister",
        "revision": plan["revision"],
    })  # fmt: skip
    signed = client.post(url("safety-plan", plan["id"], "activate"), {"patient_ack_name": "P"})
    assert signed.json()["status"] == "active"
    assert client.patch(url("safety-plan", plan["id"]), {"warning_signs": "x"}).status_code == 409


def test_discharge_through_the_api_needs_aftercare(api_client, clinician, active):
    client = as_user(api_client, clinician)
    transition = reverse("episode-transition", args=[active.episode_id])
    payload = {"status": "discharged", "discharge_reason": "completed"}
    refused = client.post(transition, payload)
    assert refused.status_code == 400 and "aftercare" in refused.json()
    aftercare = client.post(url("aftercare-plan"), {
        "episode": active.episode_id, "step_down_level": "OP",
        "follow_up_appointments": "Dr Lee, Tuesday", "relapse_prevention": "Call sponsor",
    })  # fmt: skip
    assert aftercare.status_code == 201, aftercare.json()
    assert client.post(transition, payload).json()["status"] == "discharged"
    active.refresh_from_db()
    assert active.status == TreatmentPlan.Status.CLOSED


@pytest.mark.parametrize("size", [1, 5])
def test_plan_detail_queries_do_not_grow_with_the_plan(
    api_client, clinician, episode, size, django_assert_max_num_queries
):
    plan = services.plan_start(episode=episode, user=clinician)
    for n in range(size):
        problem = services.problem_add(
            plan=plan, user=clinician, data={"description": f"P{n}", "diagnosis_code": ""}
        )
        goal = services.goal_add(problem=problem, user=clinician, data={"client_words": "G"})
        objective = services.objective_add(goal=goal, user=clinician, data={
            "description": "O", "target_date": date(2027, 1, 1),
            "measure_instrument": "PHQ9", "measure_target": 10})  # fmt: skip
        services.intervention_add(objective=objective, user=clinician, data={
            "modality": "cbt", "frequency": "weekly", "responsible": clinician})  # fmt: skip
    client = as_user(api_client, clinician)
    with django_assert_max_num_queries(14):
        assert client.get(url("plan", plan.pk)).status_code == 200
