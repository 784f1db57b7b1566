"""Demo treatment plans in every state, reviews past and due, safety and aftercare plans.

Runs after `patients.demo` (seed_demo follows INSTALLED_APPS order). Dates are moved into the
past after the services have run, so the plans look as if written over the last weeks.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from patients import services as patient_services
from patients.models import Alert, Episode
from plans import services
from plans.demo_library import seed_libraries
from plans.models import PlanReview, SafetyPlan, TreatmentPlan

PROBLEMS = [
    {
        "problem": "Depressed mood, withdrawal and missed work",
        "code": "F33.1",
        "goal": "I want to get up in the morning and feel like going to work again.",
        "objective": "PHQ-9 total below 10, with five working days in a row",
        "measure": ("PHQ9", 10),
        "interventions": [
            ("cbt", "3 group sessions a week", "Behavioural activation and thought records"),
            ("medication_management", "Every 4 weeks", "Sertraline review with the prescriber"),
        ],
    },
    {
        "problem": "Worry and tension that disturb sleep",
        "code": "",
        "goal": "Sleep through the night most nights.",
        "objective": "GAD-7 total below 8; sleep diary shows 6+ hours on 5 nights a week",
        "measure": ("GAD7", 8),
        "interventions": [("mindfulness", "Daily practice, reviewed weekly", "")],
    },
]


def _build(plan, user, problems, today):
    for spec in problems:
        problem = services.problem_add(
            plan=plan,
            user=user,
            data={"description": spec["problem"], "diagnosis_code": spec["code"]},
        )
        goal = services.goal_add(
            problem=problem,
            user=user,
            data={
                "client_words": spec["goal"],
                "target_date": today + timedelta(days=60),
                "status": "in_progress",
            },
        )
        instrument, target = spec["measure"]
        objective = services.objective_add(
            goal=goal,
            user=user,
            data={
                "description": spec["objective"],
                "target_date": today + timedelta(days=45),
                "measure_instrument": instrument,
                "measure_target": target,
            },
        )
        for modality, frequency, description in spec["interventions"]:
            services.intervention_add(
                objective=objective,
                user=user,
                data={
                    "modality": modality,
                    "frequency": frequency,
                    "description": description,
                    "responsible": user,
                },
            )


def _active_plan(episode, user, today, *, days_ago, problems=PROBLEMS):
    plan = services.plan_start(episode=episode, user=user)
    services.plan_update(
        plan=plan,
        user=user,
        data={"summary": "Motivated and insightful; needs structure to rebuild routine and mood."},
    )
    _build(plan, user, problems, today)
    plan = services.plan_activate(plan=plan, user=user, patient_ack_name=episode.patient.legal_name)
    _backdate(plan, days_ago, episode.program.review_cadence_days)
    plan.refresh_from_db()
    return plan


def _backdate(plan, days_ago, cadence):
    when = timezone.now() - timedelta(days=days_ago)
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        signed_at=when,
        activated_at=when,
        patient_ack_at=when,
        created_at=when,
        next_review_due=timezone.localdate(when) + timedelta(days=cadence),
    )


def seed(*, password, stdout):
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is not None:
        seed_libraries(admin=admin, stdout=stdout)
    if TreatmentPlan.objects.exists():
        stdout.write("  plans already present; left as they are")
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    today = timezone.localdate()
    episodes = {
        e.patient.legal_last_name: e
        for e in Episode.objects.filter(status=Episode.Status.ACTIVE).select_related(
            "patient", "program"
        )
    }
    casey, sam = users.get("clinician"), users.get("clinician2")
    if not episodes or casey is None or sam is None:
        return

    # Avery: v1 signed seven weeks ago, reviewed (decision: revise) and v2 active since; the
    # next review is due in a few days. A current safety plan.
    avery = episodes["Nguyen"]
    v1 = _active_plan(avery, casey, today, days_ago=49)
    review = services.review_open(plan=v1, user=casey)
    objectives = list(v1.problems.first().goals.first().objectives.all())
    services.review_complete(
        review=review,
        user=casey,
        decision="revise",
        summary="Mood improving (PHQ-9 19 → 14); sleep still poor. Add a sleep objective.",
        ratings={objectives[0].pk: (2, "Attending groups; activation plan half done.")},
    )
    v2 = services.plan_revise(plan=v1, user=casey)
    services.plan_activate(plan=v2, user=casey, patient_ack_name=avery.patient.legal_name)
    _backdate(v2, 25, avery.program.review_cadence_days)
    PlanReview.objects.filter(pk=review.pk).update(completed_at=timezone.now() - timedelta(days=26))
    TreatmentPlan.objects.filter(pk=v1.pk).update(ended_at=timezone.now() - timedelta(days=25))
    # Her moderate risk (a clinician's assessment) is why she has one; the alert it raised
    # was acknowledged when the plan was written.
    assessment = patient_services.risk_assessment_record(
        patient=avery.patient,
        episode=avery,
        level="moderate",
        rationale="Passive thoughts of death this week; no plan or intent; partner at home.",
        user=casey,
    )
    patient_services.alert_close(
        alert=Alert.objects.get(dedupe_key=f"risk:assessment:{assessment.pk}"),
        user=casey,
        action_taken="Risk assessed with Avery; safety plan written together.",
    )
    safety = services.safety_plan_start(patient=avery.patient, user=casey)
    services.safety_plan_update(
        plan=safety,
        user=casey,
        data={
            "warning_signs": "Staying in bed past noon; not answering texts.",
            "coping_strategies": "Walk the dog; shower and dress; music playlist.",
            "distractions": "Coffee shop on Main St; sister's house.",
            "help_contacts": "Partner (555-0141); friend Jo (555-0177).",
            "environment_safety": "Medications kept by partner.",
            "reasons_for_living": "My partner, my dog, my nieces.",
        },
    )
    services.safety_plan_activate(
        plan=safety, user=casey, patient_ack_name=avery.patient.legal_name
    )

    # Blake: a draft plan not yet signed (and a PHQ-9 item 9 alert asking for a C-SSRS today).
    blake = episodes["Okafor"]
    draft = services.plan_start(episode=blake, user=casey)
    _build(draft, casey, PROBLEMS[:1], today)

    # Carmen: active, review overdue.
    _active_plan(episodes["Silva"], casey, today, days_ago=33)
    # Sam's patients: active plans at different points of their cadence.
    for last_name, days in (("Marsh", 12), ("Haddad", 20), ("Stone", 27)):
        if last_name in episodes:
            _active_plan(episodes[last_name], sam, today, days_ago=days)

    # Hana: completed the program; aftercare written, discharged, plan closed.
    hana = episodes.get("Kim")
    if hana is not None:
        _active_plan(hana, casey, today, days_ago=40)
        services.episode_discharge(
            episode=hana,
            user=casey,
            reason=Episode.DischargeReason.COMPLETED,
            aftercare={
                "step_down_level": "OP",
                "follow_up_appointments": "Weekly therapy with Dr Lee, Main St clinic; first "
                "visit next Tuesday 10:00.",
                "support_groups": "Depression and Bipolar Support Alliance, Thursdays 7 pm.",
                "relapse_prevention": "Early signs: sleeping in, skipping meals. Plan: call Dr "
                "Lee, restart the activation schedule, tell partner.",
                "medications": "Sertraline 100 mg daily; prescriber review in 6 weeks.",
                "crisis_resources": "988 Suicide & Crisis Lifeline: call or text 988\n"
                "Emergency: 911",
            },
        )
    stdout.write(
        f"  {TreatmentPlan.objects.count()} plan versions, "
        f"{PlanReview.objects.count()} reviews, {SafetyPlan.objects.count()} safety plans"
    )
