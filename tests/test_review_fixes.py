"""Regressions from the permission and robustness review: bad input is a 400 (or ignored), never
a 500; changing who carries a patient is for supervisors; redirects stay on this site."""

import pytest
from django.urls import reverse


def test_an_unknown_note_format_is_refused_and_the_page_still_opens(
    client, clinician, enroll, todays_session
):
    (episode,) = enroll.many(1)
    from sessions import services as ss

    ss.attendance_mark(session=todays_session, episode=episode, status="present", user=clinician)
    client.force_login(clinician)
    url = reverse("sessions:note", args=[todays_session.pk])
    client.post(url, {"format": "XYZ", "start": "1"})
    assert client.get(reverse("sessions:session", args=[todays_session.pk])).status_code == 200


def test_a_non_numeric_revision_is_a_400(api_client, clinician, make_plan, episode):
    plan = make_plan(episode)
    intervention = plan.problems.get().goals.get().objectives.get().interventions.get()
    api_client.force_authenticate(clinician)
    response = api_client.delete(
        reverse("intervention-detail", args=[intervention.pk]) + "?revision=abc"
    )
    assert response.status_code == 400 and "revision" in response.json()
    assert intervention.__class__.objects.filter(pk=intervention.pk).exists()


@pytest.mark.parametrize(
    ("user", "url"),
    [("supervisor", "/schedule/?clinician=abc"), ("intake", "/intake/?program=%C2%B2")],
)
def test_odd_query_parameters_are_ignored(client, role_users, user, url):
    client.force_login(role_users[user])
    assert client.get(url).status_code == 200


def test_only_supervisors_change_an_admitted_patients_clinician(
    api_client, clinician, clinician2, intake, supervisor, episode
):
    url = reverse("episode-detail", args=[episode.pk])
    api_client.force_authenticate(clinician)
    assert api_client.patch(url, {"primary_clinician": clinician2.pk}).status_code == 403
    api_client.force_authenticate(intake)
    refused = api_client.patch(url, {"primary_clinician": clinician2.pk})
    assert refused.status_code == 400
    api_client.force_authenticate(supervisor)
    assert api_client.patch(url, {"primary_clinician": clinician2.pk}).status_code == 200
    episode.refresh_from_db()
    assert episode.primary_clinician == clinician2


def test_cosigning_never_redirects_off_site(client, clinician, supervisor, enroll, todays_session):
    from sessions import services as ss

    (episode,) = enroll.many(1)
    clinician.is_trainee = True
    clinician.save()
    ss.attendance_mark(session=todays_session, episode=episode, status="present", user=clinician)
    note = ss.note_start(session=todays_session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared={"data": "d", "assessment": "a", "plan": "p"},
        entries={episode.patient_id: {"text": "Fine.", "risk_level": "none"}},
    )
    ss.note_sign(note=note, user=clinician)
    client.force_login(supervisor)
    response = client.post(
        reverse("sessions:cosign", args=[todays_session.pk]), {"next": "https://evil.example/"}
    )
    assert "evil.example" not in response["Location"]
