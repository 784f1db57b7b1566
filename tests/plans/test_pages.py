"""Plan pages: who may open them, the htmx editor, signing, revising, comparing, reviews,
safety plan and discharge, and query budgets independent of plan size."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iop.audit.models import AuditEvent
from patients.models import Episode
from patients.services import measure_record
from plans import services
from plans.models import AftercarePlan, Goal, Problem, SafetyPlan, TreatmentPlan
from tests.queries import query_counts

HTMX = {"HTTP_HX_REQUEST": "true"}


def build(plan, user, problems=1):
    for n in range(problems):
        problem = services.problem_add(
            plan=plan, user=user, data={"description": f"Problem {n}", "diagnosis_code": ""}
        )
        goal = services.goal_add(
            problem=problem,
            user=user,
            data={"client_words": f"Goal {n}", "target_date": None, "status": "not_started"},
        )
        objective = services.objective_add(
            goal=goal,
            user=user,
            data={
                "description": f"Objective {n}",
                "target_date": date(2027, 1, 31),
                "measure_instrument": "PHQ9",
                "measure_target": 10,
            },
        )
        services.intervention_add(
            objective=objective,
            user=user,
            data={
                "modality": "cbt",
                "frequency": "3 groups a week",
                "description": "",
                "responsible": user,
            },
        )
    return plan


@pytest.fixture
def draft(episode, clinician):
    return build(services.plan_start(episode=episode, user=clinician), clinician)


@pytest.fixture
def active(draft, clinician):
    return services.plan_activate(plan=draft, user=clinician, patient_ack_name="Pat Doe")


# --- who may open the plan pages ---------------------------------------------------------------


def plan_urls(plan):
    pk = plan.patient_id
    return {
        "patient-plan": reverse("plans:patient-plan", args=[pk]),
        "plan": reverse("plans:plan", args=[plan.pk]),
        "history": reverse("plans:history", args=[pk]),
        "safety": reverse("plans:safety", args=[pk]),
        "discharge": reverse("plans:discharge", args=[pk]),
        "compare": reverse("plans:compare", args=[pk, plan.pk, plan.pk]),
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("supervisor", 200), ("clinician", 200), ("clinician2", 404), ("intake", 403), ("admin", 404)],
)
def test_plan_pages_per_role(client, role_users, active, role, status):
    client.force_login(role_users[role])
    for name, url in plan_urls(active).items():
        assert client.get(url).status_code == status, name


def test_the_editor_is_for_the_care_team_only(client, clinician2, intake, draft):
    for user, status in ((clinician2, 404), (intake, 403)):
        client.force_login(user)
        assert client.get(reverse("plans:edit", args=[draft.pk])).status_code == status
        response = client.post(
            reverse("plans:add-problem", args=[draft.pk]), {"new-problem-0-description": "x"}
        )
        assert response.status_code == status
    assert Problem.objects.filter(plan=draft).count() == 1


def test_a_refused_page_is_audited(client, clinician2, active):
    client.force_login(clinician2)
    client.get(reverse("plans:plan", args=[active.pk]))
    assert AuditEvent.objects.filter(user=clinician2, action="denied").exists()


def test_intake_does_not_see_the_plan_tab(client, intake, clinician, active):
    client.force_login(intake)
    html = client.get(reverse("patients:chart", args=[active.patient_id])).content.decode()
    assert reverse("plans:patient-plan", args=[active.patient_id]) not in html
    client.force_login(clinician)
    html = client.get(reverse("patients:chart", args=[active.patient_id])).content.decode()
    assert reverse("plans:patient-plan", args=[active.patient_id]) in html


# --- the editor ---------------------------------------------------------------------------------


def test_starting_a_plan_opens_the_editor(client, clinician, episode):
    client.force_login(clinician)
    response = client.post(reverse("plans:start", args=[episode.patient_id]))
    plan = TreatmentPlan.objects.get()
    assert response.url == reverse("plans:edit", args=[plan.pk])
    assert (plan.version, plan.status) == (1, "draft")


def test_adding_a_goal_in_place_redraws_the_tree_with_the_new_revision(client, clinician, draft):
    client.force_login(clinician)
    problem = draft.problems.get()
    url = reverse("plans:add", args=[draft.pk, "goal", problem.pk])
    form = client.get(url, **HTMX)
    assert f'name="new-goal-{problem.pk}-client_words"' in form.content.decode()
    assert "<html" not in form.content.decode()
    draft.refresh_from_db()
    response = client.post(
        url,
        {
            f"new-goal-{problem.pk}-client_words": "Go back to my choir",
            f"new-goal-{problem.pk}-status": "not_started",
            f"new-goal-{problem.pk}-revision": draft.revision,
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "Go back to my choir" in html
    assert 'id="plan-tree"' in html
    assert f'id="plan-revision" value="{draft.revision + 1}" hx-swap-oob="true"' in html
    assert problem.goals.count() == 2


def test_a_bad_item_keeps_what_was_typed_and_names_the_problem(client, clinician, draft):
    client.force_login(clinician)
    goal = Goal.objects.get(problem__plan=draft)
    url = reverse("plans:add", args=[draft.pk, "objective", goal.pk])
    prefix = f"new-objective-{goal.pk}"
    response = client.post(
        url,
        {
            f"{prefix}-description": "Walk 20 minutes daily",
            f"{prefix}-target_date": "",
            f"{prefix}-measure_instrument": "PHQ9",
            f"{prefix}-measure_target": "",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#add-objective-{goal.pk}"
    assert "Walk 20 minutes daily" in html
    assert "This field is required." in html
    assert goal.objectives.count() == 1


def test_a_stale_save_is_refused_and_keeps_the_typed_text(client, clinician, supervisor, draft):
    client.force_login(clinician)
    draft.refresh_from_db()
    seen = draft.revision
    services.plan_update(
        plan=draft, data={"summary": "Supervisor's text"}, user=supervisor, revision=seen
    )
    response = client.post(
        reverse("plans:edit", args=[draft.pk]),
        {"summary-summary": "My own text", "summary-revision": seen},
        **HTMX,
    )
    html = response.content.decode()
    assert "saved this draft at" in html
    assert "My own text" in html
    draft.refresh_from_db()
    assert draft.summary == "Supervisor's text"


def test_removing_an_intervention(client, clinician, draft):
    client.force_login(clinician)
    intervention = draft.problems.get().goals.get().objectives.get().interventions.get()
    draft.refresh_from_db()
    response = client.post(
        reverse("plans:remove", args=[draft.pk, "intervention", intervention.pk]),
        {"revision": draft.revision},
        **HTMX,
    )
    assert response.status_code == 200
    assert 'data-testid="intervention"' not in response.content.decode()


def test_a_signed_version_cannot_be_edited_from_the_page(client, clinician, active):
    client.force_login(clinician)
    editor = client.get(reverse("plans:edit", args=[active.pk]))
    assert editor.url == reverse("plans:plan", args=[active.pk])
    response = client.post(
        reverse("plans:add-problem", args=[active.pk]),
        {"new-problem-0-description": "Smuggled in", "new-problem-0-revision": active.revision},
    )
    assert "cannot be changed" in response.content.decode()
    assert not Problem.objects.filter(description="Smuggled in").exists()
    problem = active.problems.get()
    client.post(reverse("plans:remove", args=[active.pk, "problem", problem.pk]))
    assert Problem.objects.filter(pk=problem.pk).exists()


# --- sign, revise, history ----------------------------------------------------------------------


def test_signing_needs_the_patients_acknowledgement(client, clinician, draft):
    client.force_login(clinician)
    url = reverse("plans:sign", args=[draft.pk])
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, {"patient_ack_name": "", "patient_ack_at": now, "attest": "on"})
    assert refused.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.post(
        url,
        {
            "patient_ack_name": "Pat Doe",
            "patient_ack_at": now,
            "attest": "on",
            "revision": draft.revision,
        },
    )
    draft.refresh_from_db()
    assert (draft.status, draft.signed_by, draft.patient_ack_name) == (
        "active",
        clinician,
        "Pat Doe",
    )


def test_signing_an_empty_plan_says_a_goal_is_needed(client, clinician, episode):
    plan = services.plan_start(episode=episode, user=clinician)
    client.force_login(clinician)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("plans:sign", args=[plan.pk]),
        {"patient_ack_name": "Pat", "patient_ack_at": now, "attest": "on"},
    )
    assert "Add at least one goal before signing." in response.content.decode()


def test_revise_then_compare_shows_what_changed(client, clinician, active):
    client.force_login(clinician)
    response = client.post(reverse("plans:revise", args=[active.pk]))
    v2 = TreatmentPlan.objects.get(version=2)
    assert response.url == reverse("plans:edit", args=[v2.pk])
    services.problem_add(
        plan=v2, user=clinician, data={"description": "Isolation", "diagnosis_code": ""}
    )
    html = client.get(reverse("plans:compare", args=[active.patient_id, active.pk, v2.pk]))
    html = html.content.decode()
    assert "1 line changed" in html
    assert "Problem 2: Isolation" in html
    history = client.get(reverse("plans:history", args=[active.patient_id])).content.decode()
    assert history.count('data-testid="plan-version"') == 2


def test_the_header_shows_plan_status_and_next_review(client, clinician, active):
    client.force_login(clinician)
    html = client.get(reverse("patients:chart", args=[active.patient_id])).content.decode()
    assert "v1 active" in html
    assert f"{active.next_review_due:%-d %b %Y}" in html


def test_the_caseload_shows_the_next_review(client, clinician, active):
    client.force_login(clinician)
    html = client.get(reverse("patients:caseload")).content.decode()
    assert "Next review" in html
    assert f"{active.next_review_due:%-d %b %Y}" in html


def test_objective_progress_is_read_from_measures(client, clinician, active, patient):
    measure_record(patient=patient, instrument_code="PHQ9", responses=[1] * 8 + [0], user=clinician)
    client.force_login(clinician)
    html = client.get(reverse("plans:plan", args=[active.pk])).content.decode()
    assert "PHQ-9 below 10" in html
    assert "latest 8" in html
    assert "met" in html


# --- reviews ------------------------------------------------------------------------------------


def test_a_review_is_prefilled_and_completed(client, clinician, active, patient):
    measure_record(patient=patient, instrument_code="PHQ9", responses=[2] * 8 + [0], user=clinician)
    client.force_login(clinician)
    opened = client.post(reverse("plans:review-open", args=[active.pk]))
    review = active.reviews.get()
    assert opened.url == reverse("plans:review", args=[review.pk])
    page = client.get(opened.url).content.decode()
    assert "PHQ-9: 16" in page
    objective = active.problems.get().goals.get().objectives.get()
    missing = client.post(opened.url, {"decision": "", "summary": ""})
    assert missing.status_code == 200
    client.post(
        opened.url,
        {
            f"rating_{objective.pk}": "2",
            f"comment_{objective.pk}": "Better",
            "decision": "continue",
            "summary": "Steady progress.",
        },
    )
    review.refresh_from_db()
    assert (review.status, review.decision) == ("completed", "continue")
    assert objective.progress.get().rating == 2


# --- safety plan and discharge -----------------------------------------------------------------


def test_a_high_risk_without_a_safety_plan_shows_on_chart_and_today(client, clinician, patient):
    measure_record(
        patient=patient,
        instrument_code="CSSRS",
        responses=[True, True, False, True, False, False, None],
        user=clinician,
    )
    client.force_login(clinician)
    chart = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert "needed: no current safety plan" in chart
    today = client.get(reverse("today")).content.decode()
    assert 'data-testid="safety-plan-missing"' in today


def test_writing_and_signing_a_safety_plan(client, clinician, patient):
    client.force_login(clinician)
    client.post(reverse("plans:safety", args=[patient.pk]))
    draft = SafetyPlan.objects.get()
    url = reverse("plans:safety-edit", args=[patient.pk])
    sections = {
        "warning_signs": "Not answering the phone",
        "coping_strategies": "Walk",
        "distractions": "Library",
        "help_contacts": "Sister",
        "professional_contacts": "988",
        "environment_safety": "Pills with sister",
        "reasons_for_living": "My kids",
        "revision": draft.revision,
    }
    missing = client.post(
        url,
        {
            **sections,
            "warning_signs": "",
            "sign": "1",
            "sign-patient_ack_name": "Pat",
            "sign-attest": "on",
        },
    )
    assert "This section is empty" in missing.content.decode()
    assert "Empty: 1. Warning signs." in missing.content.decode()
    draft.refresh_from_db()
    client.post(
        url,
        {
            **sections,
            "revision": draft.revision,
            "sign": "1",
            "sign-patient_ack_name": "Pat",
            "sign-attest": "on",
        },
    )
    draft.refresh_from_db()
    assert (draft.status, draft.warning_signs) == ("active", "Not answering the phone")


def test_discharge_needs_aftercare_then_closes_the_plan(client, clinician, active):
    client.force_login(clinician)
    url = reverse("plans:discharge", args=[active.patient_id])
    data = {
        "step_down_level": "OP",
        "follow_up_appointments": "",
        "support_groups": "",
        "relapse_prevention": "Call sponsor",
        "medications": "",
        "crisis_resources": "988",
        "reason": "completed",
        "discharge_date": timezone.localdate().isoformat(),
    }
    refused = client.post(url, data)
    assert "This field is required." in refused.content.decode()
    assert "Call sponsor" in refused.content.decode()
    assert Episode.objects.get().status == "active"
    response = client.post(url, {**data, "follow_up_appointments": "Dr Lee, Tuesday 10:00"})
    assert response.url == reverse("patients:chart", args=[active.patient_id])
    active.refresh_from_db()
    episode = Episode.objects.get()
    assert (episode.status, episode.discharge_reason) == ("discharged", "completed")
    assert (active.status, active.close_reason) == ("closed", "Discharged: Completed the program")
    assert AftercarePlan.objects.get().follow_up_appointments == "Dr Lee, Tuesday 10:00"


def test_a_future_discharge_date_is_refused(client, clinician, active):
    client.force_login(clinician)
    response = client.post(
        reverse("plans:discharge", args=[active.patient_id]),
        {"discharge_date": (timezone.localdate() + timedelta(days=3)).isoformat()},
    )
    assert "in the future" in response.content.decode()


# --- query budgets ------------------------------------------------------------------------------


def test_plan_view_and_editor_run_the_same_queries_for_1_or_6_problems(
    client, clinician, make_episode
):
    client.force_login(clinician)
    counts = []
    for size in (1, 6):
        episode = make_episode(clinician=clinician)
        plan = build(services.plan_start(episode=episode, user=clinician), clinician, problems=size)
        editor = [reverse("plans:edit", args=[plan.pk])]
        query_counts(client, editor)  # what a first request caches is not counted
        row = query_counts(client, editor)
        services.plan_activate(plan=plan, user=clinician, patient_ack_name="Pat")
        row += query_counts(
            client,
            [
                reverse("plans:plan", args=[plan.pk]),
                reverse("plans:patient-plan", args=[plan.patient_id]),
            ],
        )
        counts.append(row)
    assert counts[0] == counts[1]


def test_recording_progress_by_hand_shows_on_the_plan(client, clinician, active):
    objective = active.problems.get().goals.get().objectives.get()
    url = reverse("plans:progress", args=[active.pk, objective.pk])
    client.force_login(clinician)
    refused = client.post(url, {"rating": "", "note": "Went to choir twice"})
    assert "Went to choir twice" in refused.content.decode()
    client.post(url, {"rating": "3", "note": "Went to choir twice"})
    entry = objective.progress.get()
    assert (entry.rating, entry.recorded_by, entry.lineage) == (3, clinician, objective.lineage)
    html = client.get(reverse("plans:patient-plan", args=[active.patient_id])).content.decode()
    assert "Significant progress — Went to choir twice" in html


def test_the_admin_refuses_to_change_a_signed_version(client, superuser, active, draft):
    client.force_login(superuser)
    url = reverse("admin:plans_treatmentplan_change", args=[active.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="summary"' not in page.content.decode()  # read-only for a signed version
    client.post(url, {"summary": "Rewritten in the admin"})
    active.refresh_from_db()
    assert active.summary != "Rewritten in the admin"


def test_the_admin_edits_a_drafts_summary_through_the_service(
    client, superuser, episode, clinician
):
    plan = services.plan_start(episode=episode, user=clinician)
    client.force_login(superuser)
    url = reverse("admin:plans_treatmentplan_change", args=[plan.pk])
    assert 'name="summary"' in client.get(url).content.decode()
    # The plan's problems are shown read-only below the summary (their formset's counts).
    inline = {"problems-TOTAL_FORMS": "0", "problems-INITIAL_FORMS": "0"}
    client.post(url, {"summary": "Corrected typo", "_save": "Save", **inline})
    plan.refresh_from_db()
    assert (plan.summary, plan.revision) == ("Corrected typo", 1)
    assert AuditEvent.objects.filter(action="update", object_id=str(plan.pk)).exists()
