"""Break the glass by a supervisor of another program: their views are audited as emergency
access like a clinician's, and their grant lets them review nothing of that program (its
emergency accesses are reviewed by its own supervisors, whom the alert goes to)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from patients.models import EmergencyAccess, Program
from patients.services import emergency_access_review, emergency_access_start
from tests.factories import UserFactory

REASON = "Patient in crisis at the front desk, primary clinician off today and unreachable."
REVIEWS = reverse("patients:emergency-reviews")


@pytest.fixture
def outsider(db):
    """A supervisor of another program only."""
    other = Program.objects.create(name="Other IOP")
    user = UserFactory(username="outsider", role=Role.SUPERVISOR)
    other.supervisors.add(user)
    return user


def test_a_supervisor_of_another_programs_views_are_audited_as_emergency_access(
    client, outsider, patient
):
    emergency_access_start(patient=patient, user=outsider, reason=REASON)
    client.force_login(outsider)
    for url in (
        reverse("patients:chart", args=[patient.pk]),
        reverse("plans:patient-plan", args=[patient.pk]),
        reverse("patient-detail", args=[patient.pk]),
    ):
        assert client.get(url).status_code == 200, url
    views = AuditEvent.objects.filter(
        user=outsider, patient_id=patient.pk, action=AuditEvent.Action.VIEW
    )
    assert views.count() >= 3
    assert all(v.detail.startswith("emergency access") for v in views)


def test_the_review_page_counts_a_supervisors_emergency_views(
    client, outsider, supervisor, patient
):
    access = emergency_access_start(patient=patient, user=outsider, reason=REASON)
    client.force_login(outsider)
    client.get(reverse("patients:chart", args=[patient.pk]))
    client.force_login(supervisor)
    page = client.get(REVIEWS)
    shown = {a.pk: a.recorded for a in page.context["accesses"]}
    assert shown[access.pk] >= 1


def test_an_emergency_grant_shows_no_supervisor_the_programs_reviews(
    client, outsider, clinician2, supervisor, patient
):
    """The outsider, holding a grant on the patient, neither sees nor reviews another
    clinician's emergency access to them; the program's supervisor does."""
    emergency_access_start(patient=patient, user=outsider, reason=REASON)
    theirs = emergency_access_start(patient=patient, user=clinician2, reason=REASON)
    client.force_login(outsider)
    page = client.get(REVIEWS, {"status": "all"})
    assert list(page.context["accesses"]) == []
    response = client.post(
        reverse("patients:emergency-review", args=[theirs.pk]), {"review_status": "reviewed"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        emergency_access_review(access=theirs, user=outsider, status="reviewed")
    theirs.refresh_from_db()
    assert theirs.review_status == EmergencyAccess.Review.PENDING

    client.force_login(supervisor)
    assert theirs in client.get(REVIEWS).context["accesses"]
    emergency_access_review(access=theirs, user=supervisor, status="reviewed")


def test_the_care_team_gives_a_supervisor_no_reviews_of_another_program(
    client, clinician2, patient, episode, program
):
    """A supervisor on a patient's care team, not supervising the patient's program, reviews
    no emergency access to them."""
    other = Program.objects.create(name="Other IOP")
    member = UserFactory(username="member", role=Role.SUPERVISOR)
    other.supervisors.add(member)
    episode.care_team.add(member)
    access = emergency_access_start(patient=patient, user=clinician2, reason=REASON)
    client.force_login(member)
    assert access not in client.get(REVIEWS, {"status": "all"}).context["accesses"]


def test_a_director_reviews_every_programs_accesses(client, clinician2, director, patient):
    access = emergency_access_start(patient=patient, user=clinician2, reason=REASON)
    client.force_login(director)
    assert access in client.get(REVIEWS).context["accesses"]


def test_a_supervisor_of_another_program_cannot_close_the_alerts_about_their_own_access(
    client, outsider, supervisor, patient
):
    """The supervisor role alone does not close an emergency access alert: the outsider who
    broke the glass (and reads the chart's alerts meanwhile) would hide it from the program's
    supervisors, page or API. The program's supervisor closes it by reviewing."""
    from rest_framework.test import APIClient

    from patients.models import Alert

    access = emergency_access_start(patient=patient, user=outsider, reason=REASON)
    alert = Alert.objects.get(kind=Alert.Kind.EMERGENCY_ACCESS, assigned_to=supervisor)
    client.force_login(outsider)
    client.post(
        reverse("patients:alert-close", args=[patient.pk, alert.pk]),
        {"action_taken": "Nothing to see."},
    )
    api = APIClient()
    api.force_authenticate(outsider)
    response = api.post(
        reverse("alert-acknowledge", args=[alert.pk]), {"action_taken": "x"}, format="json"
    )
    assert response.status_code == 400
    alert.refresh_from_db()
    assert alert.is_open

    emergency_access_review(access=access, user=supervisor, status="reviewed")
    alert.refresh_from_db()
    assert not alert.is_open
