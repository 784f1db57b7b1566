"""The chart at the scale of a long record: each tab reads what it shows, a page at a time,
in the same number of queries however long the history, and says how much there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Alert
from patients.services import measure_record
from tests import history
from tests.queries import query_counts

TABS = ("chart", "intake", "measures", "consents", "alerts")


def tab_urls(patient):
    urls = [reverse(f"patients:{tab}", args=[patient.pk]) for tab in TABS]
    urls += [
        reverse("plans:patient-plan", args=[patient.pk]),
        reverse("plans:history", args=[patient.pk]),
        reverse("sessions:chart", args=[patient.pk]),
        reverse("disclosures:accounting", args=[patient.pk]),
    ]
    return urls


def grow(episode, size, *, program, clinician):
    """`size` of everything the chart lists: results, alerts, consents, past episodes (with
    their intake, plan versions and reviews), plan versions, attendance."""
    patient = episode.patient
    history.measures(patient, size * 3)
    history.measures(patient, size * 3, instrument="GAD7")
    history.alerts(episode, size * 3)
    history.alerts(episode, size, status=Alert.Status.OPEN)
    history.consents(patient, size)
    for n in range(size):
        history.past_episode(
            patient, program=program, clinician=clinician, versions=size, year=2010 + n
        )
    history.plan_versions(episode, size * 3, first_version=100 * size)
    history.attended_sessions(episode, size * 10, clinician=clinician)


@pytest.mark.parametrize("user", ["clinician", "supervisor"])
def test_every_chart_tab_runs_the_same_queries_for_a_short_or_a_long_history(
    client, request, clock, episode, program, clinician, user
):
    """A record with one of everything, then with 12 times as much (past episodes, plan
    versions and reviews, results, alerts, consents, attendance): no tab runs a query more."""
    grow(episode, 1, program=program, clinician=clinician)
    client.force_login(request.getfixturevalue(user))
    urls = tab_urls(episode.patient)
    query_counts(client, urls)  # what a first request caches is not counted
    short = query_counts(client, urls)
    grow(episode, 12, program=program, clinician=clinician)
    assert query_counts(client, urls) == short


def test_the_intake_tab_runs_the_same_queries_for_one_or_many_episodes(
    client, clock, episode, program, clinician
):
    client.force_login(clinician)
    urls = [reverse("patients:intake", args=[episode.patient_id])]
    query_counts(client, urls)  # what a first request caches is not counted
    one = query_counts(client, urls)
    for year in (2015, 2017, 2019):
        history.past_episode(episode.patient, program=program, clinician=clinician, year=year)
    html = client.get(urls[0]).content.decode()
    assert html.count(">Presenting problem<") == 4
    assert query_counts(client, urls) == one


def test_a_chart_tab_runs_the_same_queries_with_or_without_a_risk_screen(
    client, clock, clinician, patient
):
    """The header reads the current risk once: with none (no C-SSRS, no assessment) the
    safety-plan check used to read it again."""
    client.force_login(clinician)
    urls = [reverse("patients:consents", args=[patient.pk])]
    query_counts(client, urls)  # what a first request caches is not counted
    without = query_counts(client, urls)
    measure_record(
        patient=patient,
        instrument_code="CSSRS",
        responses=[False, False, False, False, False, False, None],
        user=clinician,
    )
    assert query_counts(client, urls) == without


# --- measures ---------------------------------------------------------------------------------


def test_the_measures_chart_shows_the_latest_points_and_says_how_many_there_are(
    client, clinician, patient
):
    history.measures(patient, 40)
    client.force_login(clinician)
    response = client.get(reverse("patients:measures", args=[patient.pk]))
    (series,) = response.context["chart_data"]
    assert len(series["points"]) == 26 and series["total"] == 40
    assert [p["total"] for p in series["points"][-2:]] == [10, 11]  # 38 % 28, 39 % 28
    assert "(the latest 26 of 40 results)" in response.content.decode()


def test_the_measures_tab_shows_the_latest_score_and_band_and_links_to_older_results(
    client, clinician, patient
):
    history.measures(patient, 30)
    measure_record(patient=patient, instrument_code="PHQ9", responses=[2] * 8 + [0], user=clinician)
    client.force_login(clinician)
    response = client.get(reverse("patients:measures", args=[patient.pk]))
    html = response.content.decode()
    newest = response.context["responses"][0]
    assert (newest.total_score, newest.severity) == (16, "moderately severe")
    (series,) = response.context["chart_data"]
    assert series["points"][-1] == {
        "date": newest.administered_at.date().isoformat(),
        "total": 16,
        "severity": "moderately severe",
    }
    assert {"low": 15, "high": 19, "label": "moderately severe"} in series["bands"]
    assert len(response.context["responses"]) == 25
    assert "1–25 of 31 results" in html
    assert 'href="?page=2#results">Older results<' in html


def test_the_older_results_page_holds_the_oldest(client, clinician, patient):
    history.measures(patient, 30)
    client.force_login(clinician)
    response = client.get(reverse("patients:measures", args=[patient.pk]), {"page": 2})
    assert [r.total_score for r in response.context["responses"]] == [4, 3, 2, 1, 0]
    assert "26–30 of 30 results" in response.content.decode()
    assert "Newer results" in response.content.decode()


def test_the_summary_shows_each_instruments_latest_result(client, clinician, patient):
    history.measures(patient, 30)
    history.measures(patient, 3, instrument="GAD7")
    client.force_login(clinician)
    response = client.get(reverse("patients:chart", args=[patient.pk]))
    latest = {m.instrument: m.total_score for m in response.context["latest_measures"]}
    assert latest == {"PHQ9": 1, "GAD7": 2}  # 29 % 28, 2


# --- alerts -----------------------------------------------------------------------------------


def test_the_alerts_tab_pages_and_says_how_many(client, clinician, episode):
    history.alerts(episode, 30)
    client.force_login(clinician)
    url = reverse("patients:alerts", args=[episode.patient_id])
    html = client.get(url).content.decode()
    assert html.count('data-testid="alert"') == 25
    assert "1–25 of 30 alerts" in html
    assert client.get(url, {"page": 2}).content.decode().count('data-testid="alert"') == 5


def test_the_summary_says_how_many_alerts_are_open_beyond_those_shown(client, clinician, episode):
    history.alerts(episode, 14, status=Alert.Status.OPEN)
    client.force_login(clinician)
    html = client.get(reverse("patients:chart", args=[episode.patient_id])).content.decode()
    assert html.count('data-testid="alert"') == 10
    assert "The 10 most urgent of 14 open alerts" in html


# --- the audit trail --------------------------------------------------------------------------


def test_a_chart_tab_reads_only_the_head_of_the_audit_trail(client, clinician, episode, program):
    """Each tab writes its read to the trail, which on a large program holds millions of
    events: it reads nothing of it but the chain's head (one row, by the unique `seq`)."""
    grow(episode, 2, program=program, clinician=clinician)
    client.force_login(clinician)
    for url in tab_urls(episode.patient):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        reads = [
            q["sql"]
            for q in queries
            if "audit_auditevent" in q["sql"] and not q["sql"].startswith("INSERT")
        ]
        assert len(reads) == 1, url
        assert '"seq"' in reads[0] and reads[0].endswith("LIMIT 1"), url
