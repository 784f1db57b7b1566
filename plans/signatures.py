"""Content hashes of signed treatment plans and safety plans: what the signature covers.

The hash is taken when the plan is signed into force (`plan_activate`, `safety_plan_activate`)
and re-computed by `manage.py verify_signatures`. It covers the whole signed content and not the
signature's own time, so the record of who signed and when is not part of what is hashed.
"""

from iop.hashing import content_sha256


def plan_content(plan):
    """The treatment plan as signed: summary, acknowledgement, and every problem, goal,
    objective and intervention with their fields, in order."""
    problems = []
    for problem in plan.problems.order_by("position", "pk"):
        goals = []
        for goal in problem.goals.order_by("position", "pk"):
            objectives = []
            for objective in goal.objectives.order_by("position", "pk"):
                interventions = [
                    {
                        "position": i.position,
                        "modality": i.modality,
                        "description": i.description,
                        "frequency": i.frequency,
                        "responsible": i.responsible_id,
                    }
                    for i in objective.interventions.order_by("position", "pk")
                ]
                entry = {
                    "position": objective.position,
                    "lineage": str(objective.lineage),
                    "description": objective.description,
                    "target_date": objective.target_date,
                    "measure_instrument": objective.measure_instrument,
                    "measure_target": objective.measure_target,
                    "interventions": interventions,
                }
                if objective.target_kind:  # absent from plans signed before such targets
                    entry["target"] = [
                        objective.target_kind,
                        objective.target_weeks,
                        objective.target_options,
                    ]
                objectives.append(entry)
            goals.append(
                {
                    "position": goal.position,
                    "client_words": goal.client_words,
                    "target_date": goal.target_date,
                    "status": goal.status,
                    "objectives": objectives,
                }
            )
        problems.append(
            {
                "position": problem.position,
                "description": problem.description,
                "diagnosis_code": problem.diagnosis_code,
                "goals": goals,
            }
        )
    return {
        "plan": plan.pk,
        "episode": plan.episode_id,
        "version": plan.version,
        "summary": plan.summary,
        "patient_ack_name": plan.patient_ack_name,
        "problems": problems,
    }


# SafetyPlan.SECTIONS, repeated here so that the migration that hashes plans signed before
# hashing (with historical models, which have no class attributes) computes the same hash.
SAFETY_SECTIONS = (
    "warning_signs",
    "coping_strategies",
    "distractions",
    "help_contacts",
    "professional_contacts",
    "environment_safety",
    "reasons_for_living",
)


def safety_plan_content(plan):
    """The safety plan as signed: every section and the acknowledgement."""
    return {
        "plan": plan.pk,
        "patient": plan.patient_id,
        "version": plan.version,
        "patient_ack_name": plan.patient_ack_name,
        "sections": {name: getattr(plan, name) for name in SAFETY_SECTIONS},
    }


def plan_hash(plan):
    return content_sha256(plan_content(plan))


def safety_plan_hash(plan):
    return content_sha256(safety_plan_content(plan))
