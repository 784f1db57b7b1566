"""Today reads whether each risk alert's patient has a safety plan, and their newest open
risk alert from a note, with the alerts themselves (`sessions.today.plan_facts`): the same
answer as `plans.selectors.safety_plans_needed` reading them in queries of its own, in two
queries fewer."""

from datetime import timedelta

from django.utils import timezone

from patients.models import Alert
from sessions.today import mark_missing_safety_plans, plan_facts
from tests.reports.compliance_cohort import assessment, risk_alert, safety_plan


def test_the_alerts_own_read_answers_as_the_selectors_queries(
    make_episode, clinician, django_assert_num_queries
):
    now = timezone.now()
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    cases = {}
    # A note's high risk, no assessment: needed.
    cases["note"] = make_episode(clinician=clinician)
    risk_alert(cases["note"], "high", ago(1))
    # The same with an active safety plan: not needed.
    cases["covered"] = make_episode(clinician=clinician)
    risk_alert(cases["covered"], "high", ago(1))
    safety_plan(cases["covered"], ago(3))
    # A note's alert older than a low assessment: not needed; newer than it: needed.
    cases["older"] = make_episode(clinician=clinician)
    risk_alert(cases["older"], "moderate", ago(5))
    assessment(cases["older"], "low", ago(2), clinician)
    cases["newer"] = make_episode(clinician=clinician)
    assessment(cases["newer"], "low", ago(5), clinician)
    risk_alert(cases["newer"], "moderate", ago(2))
    # A screen's alert alone, its assessment low: not needed (the assessment judges).
    cases["screened"] = make_episode(clinician=clinician)
    assessment(cases["screened"], "low", ago(5), clinician)
    risk_alert(cases["screened"], "high", ago(2), source_type="patients.measureresponse")
    # A moderate clinician assessment, the alert a low one: needed.
    cases["assessed"] = make_episode(clinician=clinician)
    assessment(cases["assessed"], "moderate", ago(3), clinician)
    risk_alert(cases["assessed"], "low", ago(1))

    alerts = Alert.objects.filter(kind=Alert.Kind.RISK).order_by("pk")
    with django_assert_num_queries(4):  # the alerts, the plans, the risks, the note alerts
        by_queries = mark_missing_safety_plans(list(alerts))
    with django_assert_num_queries(2):  # the alerts with both, the risks
        by_row = mark_missing_safety_plans(list(plan_facts(alerts)))
    missing = {a.patient_id for a in by_row if a.safety_plan_missing}
    assert missing == {a.patient_id for a in by_queries if a.safety_plan_missing}
    assert missing == {cases[k].patient_id for k in ("note", "newer", "assessed")}
