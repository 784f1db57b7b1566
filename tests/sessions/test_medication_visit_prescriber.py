"""A medication-management visit has a prescriber among its clinicians (CLINICAL.md,
"Medications and psychiatric monitoring"): refused otherwise by the service, so by the
schedule page (under the clinicians field), the API (400) and a recurring series alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.accounts.models import User
from iop.accounts.roles import Role
from sessions import services as ss
from sessions.models import TherapySession
from tests.factories import UserFactory
from tests.sessions.helpers import MON_9, at, book

MED = TherapySession.Kind.MED_MGMT
NEEDED = "needs a prescriber"


@pytest.fixture
def psychiatrist(db):
    return UserFactory(
        username="drnair",
        role=Role.CLINICIAN,
        last_name="Nair",
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )


def test_a_visit_without_a_prescriber_is_refused_under_clinicians(clock, clinician, episode):
    with pytest.raises(ValidationError) as error:
        book(clinician, starts_at=at(MON_9, 14), episode=episode, kind=MED)
    assert NEEDED in error.value.message_dict["clinicians"][0]
    assert not TherapySession.objects.exists()


def test_a_visit_with_a_prescriber_among_its_clinicians_is_booked(
    clock, clinician, psychiatrist, episode
):
    visit = book(
        clinician,
        starts_at=at(MON_9, 14),
        episode=episode,
        kind=MED,
        clinicians=[clinician, psychiatrist],
    )
    assert set(visit.clinicians.all()) == {clinician, psychiatrist}


def test_an_inactive_prescriber_does_not_count(clock, clinician, psychiatrist, episode):
    psychiatrist.is_active = False
    psychiatrist.save()
    with pytest.raises(ValidationError) as error:
        book(
            clinician,
            starts_at=at(MON_9, 14),
            episode=episode,
            kind=MED,
            clinicians=[clinician, psychiatrist],
        )
    assert NEEDED in error.value.message_dict["clinicians"][0]


def test_other_kinds_need_no_prescriber(clock, clinician, episode):
    assert book(clinician, starts_at=at(MON_9, 14), episode=episode).kind == "individual"


def test_a_series_without_a_prescriber_books_nothing(clock, clinician, episode):
    with pytest.raises(ValidationError) as error:
        ss.session_series_schedule(
            kind=MED,
            starts_at=at(MON_9, 14),
            duration_minutes=30,
            clinicians=[clinician],
            episode=episode,
            recurrence=ss.Recurrence(weekdays=(0,), count=3),
            user=clinician,
        )
    assert NEEDED in error.value.message_dict["clinicians"][0]
    assert not TherapySession.objects.exists()


def test_a_visit_whose_prescriber_lost_the_credential_is_not_moved(
    clock, clinician, psychiatrist, episode
):
    visit = book(psychiatrist, starts_at=at(MON_9, 14), episode=episode, kind=MED, minutes=30)
    psychiatrist.prescriber_credential = ""
    psychiatrist.save()
    with pytest.raises(ValidationError, match="is a prescriber any more"):
        ss.session_reschedule(session=visit, starts_at=at(MON_9, 16), user=psychiatrist)
    visit.refresh_from_db()
    assert visit.starts_at == at(MON_9, 14)


def test_the_schedule_page_shows_the_refusal_under_clinicians(client, clock, clinician, episode):
    client.force_login(clinician)
    response = client.post(
        reverse("sessions:new"),
        {
            "kind": MED,
            "episode": episode.pk,
            "starts_at": "2026-11-09T14:00",
            "duration_minutes": "30",
            "delivery": "in_person",
            "location": "Room 9",
            "clinicians": [clinician.pk],
        },
    )
    assert response.status_code == 200
    assert NEEDED in response.context["form"].errors["clinicians"][0]
    assert not TherapySession.objects.exists()


def test_the_api_answers_400_on_clinicians(api_client, clock, clinician, psychiatrist, episode):
    api_client.force_authenticate(clinician)
    payload = {
        "kind": MED,
        "starts_at": "2026-11-09T14:00:00-05:00",
        "duration_minutes": 30,
        "clinicians": [clinician.pk],
        "episode": episode.pk,
        "location": "Room 5",
    }
    response = api_client.post(reverse("session-list"), payload, format="json")
    assert response.status_code == 400
    assert NEEDED in str(response.json()["clinicians"])
    payload["clinicians"] = [clinician.pk, psychiatrist.pk]
    assert api_client.post(reverse("session-list"), payload, format="json").status_code == 201
