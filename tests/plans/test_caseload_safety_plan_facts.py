"""The caseload's plan column reads whether each patient has a safety plan, and their newest
risk alert from a note, with the episodes' plans (`plans.selectors.caseload_plan_facts`): its
"No safety plan" flags answer as `plans.selectors.safety_plans_needed` reading them in
queries of its own, in two queries for the whole column."""

from datetime import timedelta

from django.utils import timezone

from patients.models import Episode
from plans.hooks import next_review_column
from plans.selectors import safety_plans_needed
from tests.reports.compliance_cohort import assessment, risk_alert, safety_plan


def test_the_columns_own_read_answers_as_the_selectors_queries(
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
    # Needed, but the episode is closed: the caseload flags open episodes only.
    cases["discharged"] = make_episode(clinician=clinician)
    risk_alert(cases["discharged"], "high", ago(1))
    cases["discharged"].status = Episode.Status.DISCHARGED  # as the page would read it

    episodes = list(cases.values())
    with django_assert_num_queries(2):  # the episodes' plan and safety facts, the risks
        column = next_review_column(episodes)
    flagged = {
        e.patient_id
        for e in episodes
        if any(f.label == "No safety plan" for f in column.flags.get(e.pk, []))
    }
    by_queries = safety_plans_needed([e.patient_id for e in episodes if e.is_open])
    assert flagged == by_queries
    assert flagged == {cases[k].patient_id for k in ("note", "newer", "assessed")}
