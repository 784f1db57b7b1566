"""Plans signed before content hashes existed get theirs now, so that every signed plan has a
hash and `verify_signatures` treats a blank one as a mismatch.

Self-contained: a frozen copy of the plan hashing as it was when this migration was written
(historical models from `apps.get_model`), so that later changes to the app's code cannot
change what it computes."""

import hashlib
import json

from django.db import migrations


def _digest(content):
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


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
                objectives.append(
                    {
                        "position": objective.position,
                        "lineage": str(objective.lineage),
                        "description": objective.description,
                        "target_date": objective.target_date,
                        "measure_instrument": objective.measure_instrument,
                        "measure_target": objective.measure_target,
                        "interventions": interventions,
                    }
                )
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


# SafetyPlan.SECTIONS as they were (historical models have no class attributes).
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
    return _digest(plan_content(plan))


def safety_plan_hash(plan):
    return _digest(safety_plan_content(plan))


def hash_signed(apps, schema_editor):
    for name, compute in (("TreatmentPlan", plan_hash), ("SafetyPlan", safety_plan_hash)):
        model = apps.get_model("plans", name)
        for plan in model.objects.exclude(signed_at=None).filter(content_hash=""):
            model.objects.filter(pk=plan.pk).update(content_hash=compute(plan))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_signed_content_hash"),
    ]

    operations = [migrations.RunPython(hash_signed, migrations.RunPython.noop)]
