"""A plain list's page and count are read by shapes built from its viewset (`iop.api.shaped`):
the answer is the one the list built for the request gives, for every role, page and list, and
it is of the time the request is asked at, not the time the shape was built at."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iop.api.shaped import count_rows
from iop.shapes import enabled
from patients.models import Alert, Consent
from patients.services import emergency_access_start
from plans import services
from tests.plans.api_helpers import AFTERCARE
from tests.queries import statements

pytestmark = pytest.mark.django_db

# Each shaped list, with one of its filters: given empty (no filter), the list is not plain.
SHAPED = {
    "/api/v1/patients/": "sex",
    "/api/v1/episodes/": "status",
    "/api/v1/assessments/": "status",
    "/api/v1/consents/": "kind",
    "/api/v1/alerts/": "status",
    "/api/v1/plans/": "status",
    "/api/v1/safety-plans/": "status",
    "/api/v1/aftercare-plans/": "step_down_level",
    "/api/v1/reviews/": "status",
    "/api/v1/groups/": "kind",
}
PAGES = [{}, {"page_size": 2}, {"page_size": 2, "page": 2}, {"page_size": 2, "page": 9}]


@pytest.fixture
def program_data(make_episode, make_plan, clinician, group):
    """Six patients of the program: two at intake; one with an active plan under review
    (its review open); three more on the clinician's caseload with an alert, a consent, a draft
    plan, a safety plan and an aftercare plan each."""
    make_episode(status="intake")
    make_episode(status="intake")
    draft = make_plan(make_episode(clinician=clinician))
    active = services.plan_activate(plan=draft, user=clinician, patient_ack_name="Pat Doe")
    services.review_open(plan=active, user=clinician)
    for _ in range(3):
        episode = make_episode(clinician=clinician)
        Alert.objects.create(patient=episode.patient, kind="risk", title="Risk")
        Consent.objects.create(
            patient=episode.patient, kind="treatment", signed_by_name="P", signed_at=timezone.now()
        )
        make_plan(episode)
        services.safety_plan_start(patient=episode.patient, user=clinician)
        services.aftercare_save(episode=episode, data=AFTERCARE, user=clinician)


def answer(api_client, url, params, *, empty_filter=None):
    """The status and body of a GET, its links without the empty filter (if given)."""
    response = api_client.get(url, {**params, empty_filter: ""} if empty_filter else params)
    body = response.json()
    for link in ("next", "previous"):
        if empty_filter and body.get(link):
            parts = urlsplit(body[link])
            query = [pair for pair in parse_qsl(parts.query) if pair[0] != empty_filter]
            body[link] = urlunsplit(parts._replace(query=urlencode(query)))
    return response.status_code, body


@pytest.mark.parametrize("url", SHAPED)
@pytest.mark.parametrize("role", ["clinician", "clinician2", "supervisor", "intake"])
def test_a_plain_list_answers_as_the_list_built_for_the_request(
    api_client, program_data, url, role, request
):
    """An empty filter (no filter) makes the list build its QuerySet as before; without it the
    list is plain, read by its shapes (on PostgreSQL)."""
    api_client.force_authenticate(request.getfixturevalue(role))
    answers = []
    for params in PAGES:
        plain = answer(api_client, url, params)
        assert plain == answer(api_client, url, params, empty_filter=SHAPED[url]), (url, params)
        answers.append(plain)
    if answers[0][0] == 200:  # the role reads this list: its pages and the one past the last
        rows, count = answers[0][1]["results"], answers[0][1]["count"]
        assert answers[2][0] == (200 if count > 2 else 404)
        second = answers[2][1]["results"] if count > 2 else []
        assert answers[1][1]["results"] + second == rows[:4]
        assert answers[3][0] == 404


@pytest.mark.skipif(not enabled(), reason="shapes are read on PostgreSQL only")
def test_the_page_and_its_count_go_in_one_round_trip(api_client, program_data, supervisor):
    api_client.force_authenticate(supervisor)
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get("/api/v1/plans/", {"page_size": 2}).json()["count"] == 4
    reads = [q["sql"] for q in queries if '"plans_treatmentplan"' in q["sql"]]
    assert len(reads) == 1 and len(statements([{"sql": reads[0]}])) == 2


def test_a_list_is_of_the_time_it_is_asked_at(api_client, episode, clinician2, time_machine):
    """An emergency grant opens a patient for its minutes: the list asked again once it has
    ended leaves the patient out (the shape was built while it was in force)."""
    Alert.objects.create(patient=episode.patient, kind="risk", title="Risk")
    grant = emergency_access_start(
        patient=episode.patient, user=clinician2, reason="Crisis at the front desk, team away."
    )
    api_client.force_authenticate(clinician2)
    shown = answer(api_client, "/api/v1/alerts/", {})[1]["results"]
    assert [row["patient"] for row in shown] == [episode.patient_id]

    time_machine.move_to(grant.ends_at + timedelta(minutes=1))

    assert answer(api_client, "/api/v1/alerts/", {})[1]["results"] == []


def test_count_rows_counts_a_plain_list_only(episode):
    alerts = Alert.objects.all()
    assert list(count_rows(alerts)) == [0]
    with pytest.raises(ValueError):
        count_rows(alerts.distinct())
