"""The caseload's plan column reads whether each patient has a safety plan, and their newest
risk alert from a note, with the episodes' plans (`plans.selectors.caseload_plan_annotations`,
read with the caseload's own rows): its "No safety plan" flags answer as
`plans.selectors.safety_plans_needed` reading them in queries of its own, in one query for
the whole column."""

from datetime import timedelta

from django.utils import timezone

from patients.models import Episode
from patients.views.caseload import caseload_rows
from plans.hooks import next_review_column
from plans.selectors import safety_plans_needed
from tests.plans.safety_plan_cases import NEEDED, safety_plan_cases
from tests.reports.compliance_cohort import risk_alert


def test_the_columns_own_read_answers_as_the_selectors_queries(
    make_episode, clinician, django_assert_num_queries
):
    cases = safety_plan_cases(make_episode, clinician)
    # Needed, but the episode is closed: the caseload flags open episodes only.
    cases["discharged"] = make_episode(clinician=clinician)
    risk_alert(cases["discharged"], "high", timezone.now() - timedelta(days=1))
    discharged = cases["discharged"].pk

    episodes = list(caseload_rows().filter(pk__in=[e.pk for e in cases.values()]))
    for episode in episodes:
        if episode.pk == discharged:
            episode.status = Episode.Status.DISCHARGED  # as the page would read it
    with django_assert_num_queries(1):  # the risks (the plan and safety facts: with the rows)
        column = next_review_column(episodes)
    flagged = {
        e.patient_id
        for e in episodes
        if any(f.label == "No safety plan" for f in column.flags.get(e.pk, []))
    }
    by_queries = safety_plans_needed([e.patient_id for e in episodes if e.is_open])
    assert flagged == by_queries
    assert flagged == {cases[k].patient_id for k in NEEDED}
