"""A list records which patients it showed: Today, the caseload, the intake queue's search and
every API list write one audit event per patient shown (only those on the page answered), in
one statement, so the queries a list runs do not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iop.api.urls import router
from iop.audit.models import AuditEvent
from patients.services import measure_record
from sessions.models import ProgressNote
from tests.factories import TherapySessionFactory
from tests.queries import query_counts

INSERT = 'INSERT INTO "audit_auditevent"'


def reads(object_type):
    events = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_type=object_type)
    return list(events.order_by("id"))


def shown(object_type):
    return sorted(e.patient_id for e in reads(object_type))


def audit_inserts(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return sum(INSERT in q["sql"] for q in queries.captured_queries)


def referred(make_episode, count):
    return [make_episode(status="referred") for _ in range(count)]


# --- the API ------------------------------------------------------------------------------


def test_an_api_list_records_each_patient_on_the_page(api_client, supervisor, make_episode):
    episodes = referred(make_episode, 3)
    api_client.force_authenticate(supervisor)
    rows = api_client.get(reverse("patient-list"), {"page_size": 2}).json()["results"]
    assert len(rows) == 2
    assert shown("patients.patient list") == sorted(row["id"] for row in rows)
    event = reads("patients.patient list")[0]
    assert (event.user, event.detail) == (supervisor, "patients shown: 2; filters: page_size")
    third = {e.patient_id for e in episodes} - {row["id"] for row in rows}
    assert not AuditEvent.objects.filter(patient_id__in=third).exists()


def test_an_empty_api_list_is_still_recorded_once(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    api_client.get(reverse("episode-list"))
    [event] = reads("patients.episode list")
    assert (event.patient_id, event.detail) == (None, "patients shown: 0")


def test_a_list_of_items_without_a_patient_of_their_own_records_the_plans_patient(
    api_client, clinician, episode, make_plan
):
    make_plan(episode)
    api_client.force_authenticate(clinician)
    for name in ("problem", "goal", "objective", "intervention"):
        assert len(api_client.get(reverse(f"{name}-list")).json()["results"]) == 1
        assert shown(f"plans.{name} list") == [episode.patient_id]


def test_a_group_list_records_its_enrolled_patients(api_client, clinician, enroll, group):
    enrolled = enroll.many(2)
    api_client.force_authenticate(clinician)
    api_client.get(reverse("group-list"))
    assert shown("therapy_sessions.therapygroup list") == sorted(e.patient_id for e in enrolled)


@pytest.mark.parametrize("basename", [basename for _, _, basename in router.registry])
def test_every_api_list_writes_its_audit_in_one_statement(
    api_client, supervisor, clinician, make_plan, enroll, todays_session, basename
):
    for episode in enroll.many(3):
        make_plan(episode)
        measure_record(
            patient=episode.patient, instrument_code="GAD7", responses=[1] * 7, user=clinician
        )
    api_client.force_authenticate(supervisor)
    assert audit_inserts(api_client, reverse(f"{basename}-list")) == 1
    events = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW)
    assert {e.object_type.endswith(" list") for e in events} == {True}


@pytest.mark.parametrize("basename", ["patient", "episode", "problem", "measure"])
def test_an_api_lists_queries_do_not_grow_with_its_rows(
    api_client, supervisor, clinician, make_episode, make_plan, basename
):
    def add(count):
        for _ in range(count):
            episode = make_episode(clinician=clinician)
            make_plan(episode)
            measure_record(
                patient=episode.patient, instrument_code="GAD7", responses=[1] * 7, user=clinician
            )

    add(1)
    api_client.force_authenticate(supervisor)
    paths = [reverse(f"{basename}-list")]
    query_counts(api_client, paths)  # what a first request caches is not counted
    one = query_counts(api_client, paths)
    add(5)
    before = AuditEvent.objects.count()
    assert query_counts(api_client, paths) == one
    assert AuditEvent.objects.count() - before == 6


# --- Today ----------------------------------------------------------------------------------


def test_today_records_the_patients_it_shows(client, clinician, enroll, todays_session):
    enrolled = enroll.many(3)
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    assert all(e.patient.display_name in html for e in enrolled)
    assert shown("today") == sorted(e.patient_id for e in enrolled)


def test_today_without_patients_is_recorded_once(client, clinician):
    client.force_login(clinician)
    client.get(reverse("today"))
    assert [e.patient_id for e in reads("today")] == [None]


def test_todays_queries_do_not_grow_with_its_patients(client, clinician, enroll, todays_session):
    enroll.many(1)
    client.force_login(clinician)
    paths = [reverse("today")]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    enroll.many(5)
    assert query_counts(client, paths) == one
    assert audit_inserts(client, paths[0]) == 1
    assert len(reads("today")) == 1 + 1 + 6 + 6  # one patient twice, then six twice


# --- the caseload and the intake queue ------------------------------------------------------


def test_the_caseload_records_the_patients_on_its_page(client, clinician, make_episode):
    mine = [make_episode(clinician=clinician) for _ in range(3)]
    client.force_login(clinician)
    client.get(reverse("patients:caseload"))
    assert shown("patients.episode list") == sorted(e.patient_id for e in mine)


def test_the_caseloads_queries_do_not_grow_with_its_patients(client, clinician, make_episode):
    make_episode(clinician=clinician)
    client.force_login(clinician)
    paths = [reverse("patients:caseload")]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    for _ in range(5):
        make_episode(clinician=clinician)
    assert query_counts(client, paths) == one
    assert audit_inserts(client, paths[0]) == 1


def test_the_intake_queues_search_records_the_patients_it_found(client, intake, make_episode):
    queued = make_episode(status="referred", last_name="Quill")
    make_episode(status="referred", last_name="Other")
    client.force_login(intake)
    html = client.get(reverse("patients:intake-queue"), {"q": "quill"}).content.decode()
    assert queued.patient.display_name in html
    ids = shown("patients.episode list")
    assert ids.count(queued.patient_id) == 1  # in the queue and found: recorded once
    assert "quill" not in reads("patients.episode list")[0].detail.casefold()


# --- the week's schedule and the co-signature queue ------------------------------------------


def individual_session(episode, clinician, starts_at):
    return TherapySessionFactory(
        group=None,
        kind="individual",
        episode=episode,
        patient=episode.patient,
        starts_at=starts_at,
        duration_minutes=50,
        location="Room 1",
        delivery="in_person",
        clinicians=[clinician],
    )


def test_the_week_records_its_sessions_patients(client, clinician, make_episode, clock):
    episodes = [make_episode(clinician=clinician) for _ in range(2)]
    for hour, episode in zip((10, 14), episodes, strict=True):
        individual_session(episode, clinician, timezone.now().replace(hour=hour))
    client.force_login(clinician)
    html = client.get(reverse("sessions:week")).content.decode()
    assert all(e.patient.display_name in html for e in episodes)
    assert shown("therapy_sessions.therapysession list") == sorted(e.patient_id for e in episodes)


def test_the_cosignature_queue_records_its_notes_patients(
    client, supervisor, clinician, make_episode, clock
):
    episode = make_episode(clinician=clinician)
    session = individual_session(episode, clinician, timezone.now())
    ProgressNote.objects.create(
        session=session, author=clinician, status=ProgressNote.Status.AWAITING_COSIGN
    )
    client.force_login(supervisor)
    html = client.get(reverse("sessions:cosign-queue")).content.decode()
    assert episode.patient.display_name in html
    assert shown("therapy_sessions.progressnote list") == [episode.patient_id]


def test_the_intake_queues_queries_do_not_grow_with_its_patients(client, intake, make_episode):
    make_episode(status="referred")
    client.force_login(intake)
    paths = [reverse("patients:intake-queue") + "?q=doe"]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    for _ in range(5):
        make_episode(status="referred")
    assert query_counts(client, paths) == one
    assert audit_inserts(client, paths[0]) == 1
    assert len(set(shown("patients.episode list"))) == 6


def test_the_weeks_queries_do_not_grow_with_its_sessions(client, clinician, make_episode, clock):
    def add(count):
        for _ in range(count):
            individual_session(make_episode(clinician=clinician), clinician, timezone.now())

    add(1)
    client.force_login(clinician)
    paths = [reverse("sessions:week")]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    add(5)
    assert query_counts(client, paths) == one
    assert audit_inserts(client, paths[0]) == 1
