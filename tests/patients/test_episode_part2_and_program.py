"""An admitted episode's Part 2 flag (`is_sud`) and program change only by a supervisor of its
program (or a clinical director), with a reason, on the audit trail; intake coordinators,
clinicians and other programs' supervisors are refused, in the services, the API and the
chart page. Before admission, intake coordinators set both on the referral as before."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from patients import services
from patients.models import EpisodeChange
from tests.factories import UserFactory
from tests.fixtures.patients import PART2_CONSENT


@pytest.fixture
def supervisor_b(sud_program):
    user = UserFactory(username="supervisor_b", role=Role.SUPERVISOR)
    sud_program.supervisors.add(user)
    return user


@pytest.fixture
def covered(episode, intake):
    """The fixture episode (program A, admitted) with a Part 2 consent in force."""
    services.consent_record(
        patient=episode.patient, user=intake, data={**PART2_CONSENT, "signed_by_name": "Pat Doe"}
    )
    return episode


def _part2_url(episode):
    return reverse("episode-part2", args=[episode.pk])


# --- the services ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["intake", "clinician", "supervisor_b"])
def test_others_cannot_set_the_part2_flag(request, covered, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.episode_part2_set(episode=covered, is_sud=True, reason="SUD care.", user=user)
    covered.refresh_from_db()
    assert covered.is_sud is False
    assert not EpisodeChange.objects.exists()


def test_the_programs_supervisor_sets_it_with_a_reason_audited(covered, supervisor):
    change = services.episode_part2_set(
        episode=covered, is_sud=True, reason="Alcohol use disorder diagnosed.", user=supervisor
    )
    covered.refresh_from_db()
    assert covered.is_sud is True
    assert (change.field, change.old_value, change.new_value) == ("is_sud", "not SUD", "SUD")
    assert change.reason == "Alcohol use disorder diagnosed."
    event = AuditEvent.objects.filter(object_type="patients.episode", user=supervisor).last()
    assert event.patient_id == covered.patient_id
    assert "is_sud not SUD → SUD" in event.detail
    assert "Alcohol" not in event.detail  # the reason stays out of the trail


def test_a_reason_is_required(covered, supervisor):
    with pytest.raises(ValidationError) as refused:
        services.episode_part2_set(episode=covered, is_sud=True, reason="  ", user=supervisor)
    assert "reason" in refused.value.message_dict


def test_a_director_sets_it_in_any_program(make_episode, clinician, sud_program, director):
    episode = make_episode(clinician=clinician, program_=sud_program, is_sud=True)
    services.episode_part2_set(
        episode=episode, is_sud=False, reason="Recorded in error.", user=director
    )
    episode.refresh_from_db()
    assert episode.is_sud is False


def test_the_programs_supervisor_moves_the_episode_with_a_reason(
    episode, supervisor, sud_program, supervisor_b
):
    with pytest.raises(PermissionDenied):
        services.episode_program_change(
            episode=episode, program=sud_program, reason="Transfer.", user=supervisor_b
        )
    change = services.episode_program_change(
        episode=episode, program=sud_program, reason="Needs SUD treatment.", user=supervisor
    )
    episode.refresh_from_db()
    assert episode.program == sud_program
    assert (change.old_value, change.new_value) == ("Adult Mental Health IOP", "Substance Use IOP")
    assert AuditEvent.objects.filter(
        object_type="patients.episode", detail__startswith="program Adult"
    ).exists()


@pytest.mark.parametrize("who", ["intake", "clinician"])
def test_others_cannot_move_the_episode(request, episode, sud_program, who):
    with pytest.raises(PermissionDenied):
        services.episode_program_change(
            episode=episode,
            program=sud_program,
            reason="Transfer.",
            user=request.getfixturevalue(who),
        )


def test_a_group_member_moves_only_after_leaving_the_group(enroll, supervisor, sud_program):
    episode = enroll()
    with pytest.raises(ValidationError, match="group enrolments"):
        services.episode_program_change(
            episode=episode, program=sud_program, reason="Transfer.", user=supervisor
        )


def test_a_plain_update_no_longer_flips_an_admitted_episodes_flag(covered, supervisor):
    with pytest.raises(ValidationError) as refused:
        services.episode_update(episode=covered, user=supervisor, data={"is_sud": True})
    assert "reason" in refused.value.message_dict["is_sud"][0]


def test_other_programs_supervisors_do_not_change_an_admitted_episode(
    episode, supervisor_b, clinician2
):
    with pytest.raises(PermissionDenied):
        services.episode_update(
            episode=episode, user=supervisor_b, data={"primary_clinician": clinician2}
        )


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("intake", 403), ("clinician", 403)])
def test_the_api_refuses_intake_and_clinicians(api_client, request, covered, who, status):
    api_client.force_authenticate(request.getfixturevalue(who))
    answer = api_client.post(_part2_url(covered), {"is_sud": True, "reason": "SUD care."})
    assert answer.status_code == status
    covered.refresh_from_db()
    assert covered.is_sud is False


def test_the_api_hides_the_episode_from_another_programs_supervisor(
    api_client, covered, supervisor_b
):
    api_client.force_authenticate(supervisor_b)
    answer = api_client.post(_part2_url(covered), {"is_sud": True, "reason": "SUD care."})
    assert answer.status_code == 404


def test_the_api_refuses_intake_flipping_is_sud_on_an_admitted_episode(api_client, covered, intake):
    api_client.force_authenticate(intake)
    answer = api_client.patch(reverse("episode-detail", args=[covered.pk]), {"is_sud": True})
    assert answer.status_code == 403
    covered.refresh_from_db()
    assert covered.is_sud is False


def test_the_api_asks_the_programs_supervisor_for_a_reason(api_client, covered, supervisor):
    api_client.force_authenticate(supervisor)
    assert api_client.post(_part2_url(covered), {"is_sud": True}).status_code == 400
    answer = api_client.post(_part2_url(covered), {"is_sud": True, "reason": "SUD care."})
    assert answer.status_code == 200
    assert answer.json()["new_value"] == "SUD"
    moved = api_client.post(
        reverse("episode-program", args=[covered.pk]), {"program": 999_999, "reason": "x"}
    )
    assert moved.status_code == 400


def test_intake_still_sets_is_sud_on_a_referral(api_client, make_episode, intake):
    referral = make_episode(status="referred")
    api_client.force_authenticate(intake)
    answer = api_client.patch(reverse("episode-detail", args=[referral.pk]), {"is_sud": True})
    assert answer.status_code == 200
    referral.refresh_from_db()
    assert referral.is_sud is True


# --- the chart page ---------------------------------------------------------------------------


def _page(episode):
    return reverse("patients:episode-classification", args=[episode.patient_id, episode.pk])


def test_the_summary_links_the_page_for_the_programs_supervisor_only(
    client, covered, supervisor, clinician
):
    client.force_login(supervisor)
    chart = reverse("patients:chart", args=[covered.patient_id])
    assert _page(covered) in client.get(chart).content.decode()
    client.force_login(clinician)
    assert _page(covered) not in client.get(chart).content.decode()


@pytest.mark.parametrize(("who", "status"), [("clinician", 403), ("intake", 404)])
def test_the_page_refuses_others(client, request, covered, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_page(covered)).status_code == status
    answer = client.post(_page(covered), {"change": "part2", "is_sud": "on", "reason": "x"})
    assert answer.status_code == status
    covered.refresh_from_db()
    assert covered.is_sud is False


def test_the_page_records_the_change_with_its_reason(client, covered, supervisor):
    client.force_login(supervisor)
    refused = client.post(_page(covered), {"change": "part2", "is_sud": "on", "reason": ""})
    assert "This field is required" in refused.content.decode()
    client.post(_page(covered), {"change": "part2", "is_sud": "on", "reason": "SUD care."})
    covered.refresh_from_db()
    assert covered.is_sud is True
    page = client.get(_page(covered)).content.decode()
    assert "SUD care." in page and "not SUD → SUD" in page
