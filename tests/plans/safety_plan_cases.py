"""Six patients whose need for a safety plan each turn on one part of the rule
(`plans.selectors.safety_plans_needed`): the cases the lists that read the rule's facts with
their own rows (Today's alerts, the caseload's plan column) are held to."""

from datetime import timedelta

from django.utils import timezone

from tests.reports.compliance_cohort import assessment, risk_alert, safety_plan

# The cases that need a safety plan.
NEEDED = ("note", "newer", "assessed")


def safety_plan_cases(make_episode, clinician):
    """{case: episode}, each with its alerts, assessments and plans written."""
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
    return cases
