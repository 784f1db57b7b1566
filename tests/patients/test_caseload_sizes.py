"""The caseload (and the intake coordinator's queue) at two sizes: the same queries whatever
the number of patients and the length of their records."""

import pytest
from django.urls import reverse

from patients.services import measure_record
from tests import history
from tests.queries import query_counts

LIST_OF = {
    "clinician": "patients:caseload",
    "supervisor": "patients:caseload",
    "director": "patients:caseload",
    "intake": "patients:intake-queue",
}


@pytest.mark.parametrize("role", list(LIST_OF))
def test_the_caseload_runs_the_same_queries_for_few_or_many_patients(
    client, request, clock, make_episode, clinician, clinician2, program, role
):
    def add(count):
        for _ in range(count):
            mine = make_episode(clinician=clinician)
            shared = make_episode(clinician=clinician2)
            shared.care_team.add(clinician)  # on the team, not the primary clinician
            referral = make_episode(status="referred")
            for episode in (mine, shared):
                history.past_episode(episode.patient, program=program, clinician=clinician)
                history.measures(episode.patient, 6)
                measure_record(
                    patient=episode.patient,
                    instrument_code="PHQ9",
                    responses=[1] * 9,
                    user=clinician,
                )
            history.alerts(mine, 3)
            assert referral.status == "referred"

    add(1)
    client.force_login(request.getfixturevalue(role))
    paths = [reverse(LIST_OF[role])]
    query_counts(client, paths)  # what a first request caches is not counted
    few = query_counts(client, paths)
    add(4)
    assert query_counts(client, paths) == few


def test_a_clinician_on_the_team_and_primary_is_listed_once(client, clinician, make_episode):
    episode = make_episode(clinician=clinician)  # the primary clinician is on the team too
    assert episode.care_team.filter(pk=clinician.pk).exists()
    client.force_login(clinician)
    rows = client.get(reverse("patients:caseload")).context["episodes"]
    assert [e.pk for e in rows] == [episode.pk]


def test_a_broad_intake_search_says_how_many_match_beyond_those_listed(
    client, intake, make_episode, monkeypatch
):
    from patients.views.intake import IntakeQueue

    monkeypatch.setattr(IntakeQueue, "MATCHES_SHOWN", 3)
    for _ in range(5):
        make_episode(status="referred", last_name="Quill")
    client.force_login(intake)
    response = client.get(reverse("patients:intake-queue"), {"q": "quill"})
    assert len(response.context["matches"]) == 3
    assert "The first 3 of 5 patients matching" in response.content.decode()
