"""What the plans service tests share: the clock, real PHQ-9 results, activation and a
plan's content as a user sees it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from patients import services as patient_services
from plans import services
from plans.models import Goal, Intervention, Objective, Problem, TreatmentPlan

NY = ZoneInfo("America/New_York")  # settings.TIME_ZONE

AFTERCARE = {
    "step_down_level": "OP",
    "follow_up_appointments": "Dr Lee, Riverside Clinic, 22 April 2025 at 10:00",
    "support_groups": "SMART Recovery, Thursday evenings",
    "relapse_prevention": "Daily mood log; call my sister when sleep slips two nights running.",
    "medications": "Sertraline 100 mg daily",
    "crisis_resources": "988 Suicide & Crisis Lifeline: call or text 988",
}


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def travel(moment):
    return time_machine.travel(moment, tick=False)


def phq9(patient, user, total, when):
    """A real PHQ-9 result with the given total (item 9 answered 0, so no risk alert)."""
    answers = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    assert sum(answers) == total
    response = patient_services.measure_record(
        patient=patient,
        instrument_code="PHQ9",
        responses=answers,
        user=user,
        administered_at=when,
    )
    assert response.total_score == total
    return response


def activate(plan, user, name="Pat Doe"):
    return services.plan_activate(plan=plan, user=user, patient_ack_name=name)


def objective_of(plan):
    return Objective.objects.get(goal__problem__plan=plan)


def tree(plan):
    """The plan's content, without primary keys, in display order."""

    def interventions(o):
        return [
            (i.position, i.modality, i.description, i.frequency, i.responsible_id)
            for i in o.interventions.all()
        ]

    def objectives(g):
        return [
            (o.position, o.description, o.target_date, o.measure_instrument, o.measure_target)
            + (o.lineage, interventions(o))
            for o in g.objectives.all()
        ]

    def goals(p):
        return [
            (g.position, g.client_words, g.target_date, g.status, objectives(g))
            for g in p.goals.all()
        ]

    return [
        (p.position, p.description, p.diagnosis_code, goals(p))
        for p in Problem.objects.filter(plan=plan)
    ]


def snapshot(plan):
    """Everything a user could see change about a plan."""
    row = TreatmentPlan.objects.values(
        "status",
        "summary",
        "revision",
        "updated_at",
        "updated_by",
        "signed_by",
        "next_review_due",
        "ended_at",
    ).get(pk=plan.pk)
    counts = [m.objects.count() for m in (Problem, Goal, Objective, Intervention)]
    return row, tree(plan), counts
