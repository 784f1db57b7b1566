"""Today reads whether each risk alert's patient has a safety plan, and their newest open
risk alert from a note, with the alerts themselves (`sessions.today.plan_facts`): the same
answer as `plans.selectors.safety_plans_needed` reading them in queries of its own, in two
queries fewer."""

from patients.models import Alert
from sessions.today import mark_missing_safety_plans, plan_facts
from tests.plans.safety_plan_cases import NEEDED, safety_plan_cases


def test_the_alerts_own_read_answers_as_the_selectors_queries(
    make_episode, clinician, django_assert_num_queries
):
    cases = safety_plan_cases(make_episode, clinician)

    alerts = Alert.objects.filter(kind=Alert.Kind.RISK).order_by("pk")
    with django_assert_num_queries(4):  # the alerts, the plans, the risks, the note alerts
        by_queries = mark_missing_safety_plans(list(alerts))
    with django_assert_num_queries(2):  # the alerts with both, the risks
        by_row = mark_missing_safety_plans(list(plan_facts(alerts)))
    missing = {a.patient_id for a in by_row if a.safety_plan_missing}
    assert missing == {a.patient_id for a in by_queries if a.safety_plan_missing}
    assert missing == {cases[k].patient_id for k in NEEDED}
