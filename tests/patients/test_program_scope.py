"""Supervisors see their programs only (DESIGN.md, roles): a supervisor of program A sees
nothing of program B — not its patients' charts, caseload rows, alerts, referrals, groups,
sessions or notes awaiting co-signature, in the pages or the API, whatever the filters — and
a clinical director (the `director` role) sees both."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iop.accounts.roles import Role
from patients import services
from patients.models import Episode, Patient
from sessions.models import ProgressNote, TherapyGroup, TherapySession
from tests.factories import TherapyGroupFactory, TherapySessionFactory, UserFactory


@pytest.fixture
def supervisor_b(sud_program):
    user = UserFactory(username="supervisor_b", role=Role.SUPERVISOR)
    sud_program.supervisors.add(user)
    return user


@pytest.fixture
def world(program, sud_program, make_episode, clinician, clinician2, supervisor, supervisor_b):
    """Program A (`program`, supervised by `supervisor`) and program B (`sud_program`,
    supervised by `supervisor_b`), each with an admitted patient, a referral, a group with a
    session, an individual session, an open alert and a trainee's note awaiting co-signature."""
    trainee = UserFactory(username="trainee", role=Role.CLINICIAN, is_trainee=True)
    rows = {}
    for key, prog, clin, name in (
        ("a", program, clinician, "Alvarez"),
        ("b", sud_program, clinician2, "Bergstrom"),
    ):
        episode = make_episode(clinician=clin, program_=prog, last_name=name)
        referral = make_episode(status="referred", program_=prog, last_name=f"{name}ref")
        group = TherapyGroupFactory(name=f"{name} group", program=prog, facilitators=[clin])
        group_session = TherapySessionFactory(group=group, clinicians=[clin, trainee])
        individual = TherapySessionFactory(
            kind="individual",
            group=None,
            episode=episode,
            patient=episode.patient,
            clinicians=[clin],
            duration_minutes=50,
            location="",
            delivery="in_person",
        )
        note = ProgressNote.objects.create(
            session=group_session,
            author=trainee,
            status=ProgressNote.Status.AWAITING_COSIGN,
            signed_by=trainee,
            signed_at=timezone.now() - timedelta(hours=1),
        )
        alert = services.alert_raise(
            patient=episode.patient, kind="no_shows", title=f"{name} missed sessions"
        )
        rows[key] = {
            "program": prog,
            "episode": episode,
            "patient": episode.patient,
            "referral": referral,
            "group": group,
            "group_session": group_session,
            "individual": individual,
            "note": note,
            "alert": alert,
        }
    return rows


# --- the querysets: one rule for every page and endpoint ----------------------------------------


def test_a_supervisor_opens_the_patients_of_their_program_only(world, supervisor):
    patients = set(Patient.objects.for_user(supervisor))
    assert world["a"]["patient"] in patients
    assert world["b"]["patient"] not in patients


def test_a_supervisor_keeps_a_patient_of_their_care_team_in_another_program(
    world, supervisor, make_episode, sud_program
):
    episode = make_episode(clinician=supervisor, program_=sud_program, last_name="Carter")
    assert episode.patient in Patient.objects.for_user(supervisor)


def test_a_supervisor_keeps_the_discharged_patients_of_their_program(world, supervisor):
    Episode.objects.filter(pk=world["a"]["episode"].pk).update(
        status="discharged", discharge_date=timezone.localdate()
    )
    assert world["a"]["patient"] in Patient.objects.for_user(supervisor)


def test_a_director_opens_every_patient(world, director):
    patients = set(Patient.objects.for_user(director))
    assert {world["a"]["patient"], world["b"]["patient"]} <= patients


def test_a_supervisor_of_no_program_opens_no_patient(world):
    loner = UserFactory(username="loner", role=Role.SUPERVISOR)
    assert not Patient.objects.for_user(loner).exists()


# --- pages ------------------------------------------------------------------------------------


def test_the_other_programs_chart_is_a_404(client, world, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("patients:chart", args=[world["a"]["patient"].pk])).status_code == 200
    assert client.get(reverse("patients:chart", args=[world["b"]["patient"].pk])).status_code == 404


def test_the_director_opens_both_charts(client, world, director):
    client.force_login(director)
    for key in "ab":
        url = reverse("patients:chart", args=[world[key]["patient"].pk])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("query", ["", "?status=active", "?program={b}", "?q=Bergstrom"])
def test_the_caseload_shows_the_own_program_only(client, world, supervisor, query):
    client.force_login(supervisor)
    url = reverse("patients:caseload") + query.format(b=world["b"]["program"].pk)
    page = client.get(url).content.decode()
    assert world["b"]["patient"].mrn not in page
    if not query:
        assert world["a"]["patient"].mrn in page


def test_the_directors_caseload_shows_both(client, world, director):
    client.force_login(director)
    page = client.get(reverse("patients:caseload")).content.decode()
    assert world["a"]["patient"].mrn in page and world["b"]["patient"].mrn in page


def test_today_shows_the_own_programs_alerts_and_cosignatures_only(client, world, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("today")).content.decode()
    assert "Alvarez missed sessions" in page
    assert "Bergstrom missed sessions" not in page
    assert "Alvarez group" in page  # the note awaiting co-signature
    assert "Bergstrom group" not in page


def test_the_directors_today_shows_both(client, world, director):
    client.force_login(director)
    page = client.get(reverse("today")).content.decode()
    assert "Alvarez missed sessions" in page and "Bergstrom missed sessions" in page


def test_the_cosign_queue_lists_the_own_programs_notes(client, world, supervisor, director):
    client.force_login(supervisor)
    page = client.get(reverse("sessions:cosign-queue")).content.decode()
    assert "Alvarez group" in page
    assert "Bergstrom group" not in page
    client.force_login(director)
    page = client.get(reverse("sessions:cosign-queue")).content.decode()
    assert "Alvarez group" in page and "Bergstrom group" in page


def test_a_supervisor_cannot_cosign_the_other_programs_note(client, world, supervisor):
    client.force_login(supervisor)
    note = world["b"]["note"]
    client.post(reverse("sessions:cosign", args=[note.session_id]))
    note.refresh_from_db()
    assert note.status == ProgressNote.Status.AWAITING_COSIGN


def test_groups_and_sessions_of_the_other_program_are_hidden(client, world, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("sessions:groups")).content.decode()
    assert "Alvarez group" in page and "Bergstrom group" not in page
    b = world["b"]
    assert client.get(reverse("sessions:group", args=[b["group"].pk])).status_code == 404
    for session in (b["group_session"], b["individual"]):
        assert client.get(reverse("sessions:session", args=[session.pk])).status_code == 404
    a = world["a"]
    assert client.get(reverse("sessions:session", args=[a["group_session"].pk])).status_code == 200


def test_the_director_opens_the_other_programs_group_and_session(client, world, director):
    client.force_login(director)
    b = world["b"]
    assert client.get(reverse("sessions:group", args=[b["group"].pk])).status_code == 200
    assert client.get(reverse("sessions:session", args=[b["individual"].pk])).status_code == 200


def test_another_clinicians_week_shows_the_own_programs_sessions(
    client, world, supervisor, clinician2
):
    client.force_login(supervisor)
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    url = reverse("sessions:week") + f"?clinician={clinician2.pk}&week={week.isoformat()}"
    page = client.get(url).content.decode()
    assert "Bergstrom" not in page


def test_the_intake_queue_shows_a_supervisor_their_programs_referrals(
    client, world, supervisor, intake
):
    client.force_login(supervisor)
    page = client.get(reverse("patients:intake-queue")).content.decode()
    assert "Alvarezref" in page and "Bergstromref" not in page
    client.force_login(intake)
    page = client.get(reverse("patients:intake-queue")).content.decode()
    assert "Alvarezref" in page and "Bergstromref" in page


# --- the API ----------------------------------------------------------------------------------


def _ids(answer):
    body = answer.json()
    return {row["id"] for row in (body["results"] if isinstance(body, dict) else body)}


@pytest.mark.parametrize(
    ("route", "key"),
    [
        ("patient-list", "patient"),
        ("episode-list", "episode"),
        ("alert-list", "alert"),
        ("group-list", "group"),
        ("session-list", "individual"),
    ],
)
def test_api_lists_hold_the_own_program_only(api_client, world, supervisor, route, key):
    api_client.force_authenticate(supervisor)
    ids = _ids(api_client.get(reverse(route)))
    assert world["a"][key].pk in ids
    assert world["b"][key].pk not in ids


@pytest.mark.parametrize(
    "route",
    ["patient-detail", "episode-detail", "alert-detail", "group-detail", "session-detail"],
)
def test_api_details_of_the_other_program_are_404(api_client, world, supervisor, route):
    api_client.force_authenticate(supervisor)
    b = world["b"]
    obj = {
        "patient-detail": b["patient"],
        "episode-detail": b["episode"],
        "alert-detail": b["alert"],
        "group-detail": b["group"],
        "session-detail": b["individual"],
    }[route]
    assert api_client.get(reverse(route, args=[obj.pk])).status_code == 404


@pytest.mark.parametrize("route", ["episode-list", "group-list"])
def test_filtering_on_the_other_program_answers_nothing(api_client, world, supervisor, route):
    api_client.force_authenticate(supervisor)
    answer = api_client.get(reverse(route), {"program": world["b"]["program"].pk})
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        assert _ids(answer) == set()


def test_filtering_on_the_other_programs_patient_answers_nothing(api_client, world, supervisor):
    api_client.force_authenticate(supervisor)
    answer = api_client.get(reverse("episode-list"), {"patient": world["b"]["patient"].pk})
    assert answer.status_code == 400 or _ids(answer) == set()


def test_the_director_lists_both_programs(api_client, world, director):
    api_client.force_authenticate(director)
    ids = _ids(api_client.get(reverse("patient-list")))
    assert {world["a"]["patient"].pk, world["b"]["patient"].pk} <= ids
    answer = api_client.get(reverse("episode-list"), {"program": world["b"]["program"].pk})
    assert world["b"]["episode"].pk in _ids(answer)


def test_a_new_supervisor_of_program_b_sees_it_at_once(api_client, world, supervisor):
    world["b"]["program"].supervisors.add(supervisor)
    api_client.force_authenticate(supervisor)
    assert world["b"]["patient"].pk in _ids(api_client.get(reverse("patient-list")))
    assert TherapyGroup.objects.for_user(supervisor).filter(pk=world["b"]["group"].pk).exists()
    assert TherapySession.objects.for_user(supervisor).filter(program_b_session(world)).exists()


def program_b_session(world):
    from django.db.models import Q

    return Q(pk=world["b"]["group_session"].pk)


# --- alerts without a patient, and whom a patient's alerts go to ------------------------------


def test_a_group_alert_reaches_the_groups_program_supervisors_and_directors(
    world, supervisor, supervisor_b, director
):
    from patients.models import Alert

    alert = services.alert_raise(
        patient=None,
        kind="note_unsigned",
        title="Bergstrom group note unsigned 72 h",
        program=world["b"]["program"],
    )
    assert alert not in Alert.objects.for_worklist(supervisor)
    assert alert in Alert.objects.for_worklist(supervisor_b)
    assert alert in Alert.objects.for_worklist(director)


def test_a_patients_supervisors_are_their_programs_else_the_directors(
    world, supervisor, supervisor_b, director, make_episode, clinician
):
    from patients.models import Program
    from patients.selectors import supervisors_of_patient

    assert list(supervisors_of_patient(world["a"]["patient"])) == [supervisor]
    assert list(supervisors_of_patient(world["b"]["patient"])) == [supervisor_b]
    unsupervised = Program.objects.create(name="Adolescent IOP", track="adolescent")
    episode = make_episode(clinician=clinician, program_=unsupervised)
    assert list(supervisors_of_patient(episode.patient)) == [director]


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_supervisors_see_their_own_programs(db, settings):
    import io

    from django.core.management import call_command

    from iop.accounts.models import User

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    sam, riley, dana = (
        User.objects.get(username=u) for u in ("supervisor", "supervisor2", "director")
    )
    sud = {e.patient for e in Episode.objects.filter(program__name="Substance Use IOP")}
    assert sud and sud <= set(Patient.objects.for_user(riley))
    assert not sud & set(Patient.objects.for_user(sam))
    assert Patient.objects.for_user(dana).count() == Patient.objects.count()


# --- admins set a program's supervisors --------------------------------------------------------


def _program_form(program, supervisors):
    return {
        "name": program.name,
        "track": program.track,
        "initial_plan_days": 3,
        "review_cadence_days": 30,
        "measure_schedule_PHQ9": 14,  # the admin's widgets: a row per instrument
        "reminder_lead_hours": ["24", "2"],  # and checkboxes
        "pcl5_cutoff": 33,
        "billing_mode": "per_service",
        "per_diem_threshold_minutes": 180,
        "is_active": "on",
        "supervisors": [u.pk for u in supervisors],
    }


def test_an_admin_sets_the_supervisors_audited(client, admin_user_role, sud_program, clinician):
    from iop.audit.models import AuditEvent

    riley = UserFactory(username="riley", role=Role.SUPERVISOR)
    client.force_login(admin_user_role)
    url = reverse("admin:patients_program_change", args=[sud_program.pk])
    assert client.post(url, _program_form(sud_program, [riley])).status_code == 302
    assert list(sud_program.supervisors.all()) == [riley]
    event = AuditEvent.objects.get(object_type="patients.program")
    assert (event.user, event.detail) == (
        admin_user_role,
        f"supervisor riley (user {riley.pk}) added",
    )
    # Only users with the supervisor role may be chosen.
    page = client.post(url, _program_form(sud_program, [clinician])).content.decode()
    assert "Select a valid choice" in page
    assert list(sud_program.supervisors.all()) == [riley]


def test_a_session_looked_up_by_row_is_open_to_the_same_users(
    world, clinician, clinician2, supervisor, supervisor_b, director, intake
):
    """`for_user_by_row` and `get_for_user` (one session's page) are `for_user`, tested row by
    row."""
    trainee = TherapySession.clinicians.through.objects.values_list("user", flat=True)
    users = [clinician, clinician2, supervisor, supervisor_b, director, intake]
    users.append(type(clinician).objects.get(pk=trainee.exclude(user__in=users).first()))
    seen = set()
    for user in users:
        for row in world.values():
            for session in (row["group_session"], row["individual"]):
                one = TherapySession.objects.filter(pk=session.pk)
                seen.add(one.for_user(user).exists())
                assert one.for_user_by_row(user).exists() == one.for_user(user).exists()
                found = TherapySession.objects.prefetch_related("clinicians").get_for_user(
                    user, session.pk
                )
                assert (found is not None) == one.for_user(user).exists()
    assert seen == {True, False}


def test_a_patient_looked_up_by_row_is_open_to_the_same_users_at_the_same_level(
    world, clinician, clinician2, supervisor, supervisor_b, director, intake
):
    """`for_user_by_row` (one patient's chart) is `for_user`, tested row by row, and the access
    level its row carries is the one `access_level` finds with queries of its own."""
    from django.http import Http404

    from patients.access import access_level, get_patient_for_user
    from patients.services import emergency_access_start

    patients = list(Patient.objects.all())
    reason = "Crisis call overnight, the care team unreachable"
    emergency_access_start(patient=world["a"]["patient"], user=clinician2, reason=reason)
    seen = set()
    for user in (clinician, clinician2, supervisor, supervisor_b, director, intake):
        for patient in patients:
            one = Patient.objects.filter(pk=patient.pk)
            by_row = one.for_user_by_row(user).first()
            seen.add(by_row is not None)
            assert (by_row is not None) == one.for_user(user).exists()
            if by_row is not None:
                assert access_level(user, by_row) == access_level(user, patient)
            # The chart's own read tests the row without the filter: the same users refused.
            try:
                opened = get_patient_for_user(user, patient.pk)
            except Http404:
                opened = None
            assert (opened is not None) == (by_row is not None)
            if opened is not None:
                assert opened.access == access_level(user, patient)
    assert seen == {True, False}
