"""Break the glass: a clinician off the care team opens a chart in an emergency, with a reason,
for EMERGENCY_ACCESS_MINUTES; every view is audited as emergency access, the patient's
supervisors are alerted and review it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from patients.models import Alert, EmergencyAccess
from patients.models.emergency import EmergencyAccessError
from patients.services import emergency_access_review, emergency_access_start
from tests.factories import UserFactory
from tests.queries import query_counts

REASON = "Patient in crisis at the front desk, primary clinician off today and unreachable."
START = reverse("patients:emergency-start")
REVIEWS = reverse("patients:emergency-reviews")


def chart(patient):
    return reverse("patients:chart", args=[patient.pk])


def break_glass(client, patient, reason=REASON, **extra):
    return client.post(START, {"mrn": patient.mrn, "reason": reason, "acknowledge": "on", **extra})


def marked_views(user, patient):
    return AuditEvent.objects.filter(
        user=user, patient_id=patient.pk, action=AuditEvent.Action.VIEW
    )


@pytest.fixture
def grant(clinician2, patient, supervisor):
    return emergency_access_start(patient=patient, user=clinician2, reason=REASON)


# --- starting it -------------------------------------------------------------------------------


def test_a_clinician_off_the_team_opens_the_chart_with_a_red_banner(client, clinician2, patient):
    client.force_login(clinician2)
    assert client.get(chart(patient)).status_code == 404

    response = break_glass(client, patient)

    assert response.status_code == 302 and response["Location"] == chart(patient)
    page = client.get(chart(patient))
    assert page.status_code == 200
    until = timezone.localtime(EmergencyAccess.objects.get().ends_at)
    assert f"Emergency access until {until:%H:%M} — every view is recorded" in page.content.decode()


@pytest.mark.parametrize(
    "reason", ["", "   ", "urgent", "asdfasdfasdfasdfasdfasdf", "a b c d e f g h"]
)
def test_without_a_real_reason_the_glass_stays_closed(client, clinician2, patient, reason):
    client.force_login(clinician2)
    response = break_glass(client, patient, reason=reason)
    assert response.status_code == 200
    assert not EmergencyAccess.objects.exists()
    assert client.get(chart(patient)).status_code == 404


def test_the_service_refuses_a_missing_reason(clinician2, patient):
    with pytest.raises(ValidationError) as error:
        emergency_access_start(patient=patient, user=clinician2, reason="")
    assert "reason" in error.value.message_dict


def test_a_nul_in_the_reason_is_refused(clinician2, patient):
    with pytest.raises(ValidationError):
        emergency_access_start(patient=patient, user=clinician2, reason=REASON + "\x00")
    assert not EmergencyAccess.objects.exists()


def test_the_form_shows_nothing_of_the_patient_before_the_grant(client, clinician2, patient):
    client.force_login(clinician2)
    page = client.get(START, {"mrn": patient.mrn}).content.decode()
    assert patient.legal_last_name not in page
    assert patient.legal_first_name not in page


def test_an_unknown_mrn_is_refused_and_audited(client, clinician2, patient):
    client.force_login(clinician2)
    response = client.post(START, {"mrn": "M0000000X", "reason": REASON, "acknowledge": "on"})
    assert "No patient has this MRN" in response.content.decode()
    assert AuditEvent.objects.filter(
        user=clinician2, outcome=AuditEvent.Outcome.DENIED, detail__contains="unknown MRN"
    ).exists()


def test_the_acknowledgement_is_required(client, clinician2, patient):
    client.force_login(clinician2)
    client.post(START, {"mrn": patient.mrn, "reason": REASON})
    assert not EmergencyAccess.objects.exists()


def test_the_care_team_needs_no_emergency_access(client, clinician, patient):
    with pytest.raises(ValidationError):
        emergency_access_start(patient=patient, user=clinician, reason=REASON)
    client.force_login(clinician)
    response = break_glass(client, patient)
    assert response["Location"] == chart(patient)
    assert not EmergencyAccess.objects.exists()


def test_admins_are_refused_even_with_a_clinician_role(admin_user_role, superuser, patient):
    admin_user_role.groups.add(*_groups(Role.CLINICIAN))
    for user in (admin_user_role, superuser):
        with pytest.raises(ValidationError):
            emergency_access_start(patient=patient, user=user, reason=REASON)
    assert not EmergencyAccess.objects.exists()
    assert AuditEvent.objects.filter(detail="emergency access refused: admin").count() == 2


def test_an_inactive_clinician_is_refused(clinician2, patient):
    clinician2.is_active = False
    clinician2.save()
    with pytest.raises(ValidationError):
        emergency_access_start(patient=patient, user=clinician2, reason=REASON)


def test_a_supervisor_of_the_patients_program_needs_no_emergency_access(supervisor, patient):
    with pytest.raises(ValidationError, match="already have access"):
        emergency_access_start(patient=patient, user=supervisor, reason=REASON)


def test_a_supervisor_of_another_program_may_break_the_glass(client, patient):
    """Supervisors see their own programs' patients only: in an emergency, another program's
    supervisor opens the chart the way a clinician does, recorded and reviewed."""
    from patients.models import Program

    other = Program.objects.create(name="Other IOP")
    outsider = UserFactory(username="outsider", role=Role.SUPERVISOR)
    other.supervisors.add(outsider)
    client.force_login(outsider)
    assert client.get(f"/patients/{patient.pk}/").status_code == 404
    emergency_access_start(patient=patient, user=outsider, reason=REASON)
    assert client.get(f"/patients/{patient.pk}/").status_code == 200


# --- intake ------------------------------------------------------------------------------------


def test_intake_cannot_break_the_glass(client, intake, patient):
    with pytest.raises(ValidationError):
        emergency_access_start(patient=patient, user=intake, reason=REASON)
    client.force_login(intake)
    assert client.get(START).status_code == 403
    assert break_glass(client, patient).status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_no_grant_opens_clinical_notes_or_plans_to_intake(client, intake, patient):
    """Even a grant row for an intake coordinator (made by hand) opens nothing clinical."""
    now = timezone.now()
    EmergencyAccess.objects.create(
        user=intake,
        patient=patient,
        reason=REASON,
        started_at=now,
        ends_at=now + timedelta(hours=1),
    )
    client.force_login(intake)
    for url in (
        reverse("sessions:chart", args=[patient.pk]),
        reverse("plans:patient-plan", args=[patient.pk]),
        reverse("patients:alerts", args=[patient.pk]),
    ):
        # 404, or the plan pages' 403 telling an intake coordinator what they can open instead.
        assert client.get(url).status_code in (403, 404), url


# --- while it lasts ----------------------------------------------------------------------------


def test_every_view_in_it_is_audited_as_emergency_access(client, clinician2, patient, grant):
    client.force_login(clinician2)
    urls = [
        chart(patient),
        reverse("patients:measures", args=[patient.pk]),
        reverse("patients:alerts", args=[patient.pk]),
        reverse("plans:patient-plan", args=[patient.pk]),
        reverse("sessions:chart", args=[patient.pk]),
        reverse("patient-detail", args=[patient.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    views = marked_views(clinician2, patient)
    assert views.count() >= len(urls)
    assert all(v.detail.startswith("emergency access") for v in views)


def test_the_care_teams_views_are_not_marked(client, clinician, patient, grant):
    client.force_login(clinician)
    client.get(chart(patient))
    assert not marked_views(clinician, patient).filter(detail__contains="emergency").exists()


def test_a_list_marks_only_the_patient_under_emergency_access(
    client, clinician2, patient, grant, make_episode
):
    own = make_episode(clinician=clinician2).patient
    client.force_login(clinician2)
    assert client.get(reverse("patient-list")).status_code == 200
    assert marked_views(clinician2, patient).filter(detail__startswith="emergency access").exists()
    assert not marked_views(clinician2, own).filter(detail__contains="emergency").exists()


def test_the_access_expires_after_the_settings_minutes(client, clinician2, patient, settings):
    settings.EMERGENCY_ACCESS_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as clock:
        emergency_access_start(patient=patient, user=clinician2, reason=REASON)
        client.force_login(clinician2)
        clock.shift(timedelta(minutes=29))
        assert client.get(chart(patient)).status_code == 200
        clock.shift(timedelta(minutes=1))
        assert client.get(chart(patient)).status_code == 404
        assert client.get(reverse("patient-detail", args=[patient.pk])).status_code == 404


def test_the_default_lasts_an_hour(client, clinician2, patient, grant):
    assert grant.ends_at - grant.started_at == timedelta(minutes=60)


def test_the_chart_costs_a_fixed_few_more_queries(
    client, clinician, clinician2, patient, grant, make_episode
):
    paths = [chart(patient), reverse("patients:measures", args=[patient.pk])]
    client.force_login(clinician)
    query_counts(client, paths)  # what a first request caches is not counted
    team = query_counts(client, paths)
    client.force_login(clinician2)
    query_counts(client, paths)
    emergency = query_counts(client, paths)
    assert all(e <= t + 1 for e, t in zip(emergency, team, strict=True)), (emergency, team)
    for _ in range(3):  # more grants, on other patients, cost nothing more
        other = make_episode(clinician=clinician).patient
        emergency_access_start(patient=other, user=clinician2, reason=REASON)
    assert query_counts(client, paths) == emergency


def test_the_grant_is_never_edited_or_deleted(grant):
    grant.reason = "Something else entirely, written afterwards."
    with pytest.raises(EmergencyAccessError):
        grant.save()
    with pytest.raises(EmergencyAccessError):
        grant.delete()
    with pytest.raises(EmergencyAccessError):
        EmergencyAccess.objects.update(ends_at=timezone.now() + timedelta(days=1))


# --- supervisors -------------------------------------------------------------------------------


def test_each_supervisor_of_the_patients_program_is_alerted(
    client, clinician2, patient, supervisor, program
):
    other = UserFactory(username="supervisor2", role=Role.SUPERVISOR)
    program.supervisors.add(other)
    UserFactory(username="elsewhere", role=Role.SUPERVISOR)  # supervises no program of theirs
    emergency_access_start(patient=patient, user=clinician2, reason=REASON)
    alerts = Alert.objects.filter(kind=Alert.Kind.EMERGENCY_ACCESS, patient=patient)
    assert {a.assigned_to for a in alerts} == {supervisor, other}
    assert list(Alert.objects.for_worklist(supervisor).filter(kind="emergency_access")) == [
        alerts.get(assigned_to=supervisor)
    ]
    assert not Alert.objects.for_worklist(clinician2).filter(kind="emergency_access").exists()
    client.force_login(supervisor)
    assert "Emergency access to this chart by" in client.get(reverse("today")).content.decode()


def test_a_supervisor_reviews_it_and_its_alerts_close(client, supervisor, grant):
    client.force_login(supervisor)
    page = client.get(REVIEWS).content.decode()
    assert REASON in page
    response = client.post(
        reverse("patients:emergency-review", args=[grant.pk]),
        {"review_status": "reviewed", "review_note": "Called the patient's clinician."},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.review_status, grant.reviewed_by) == ("reviewed", supervisor)
    assert not Alert.objects.open().filter(kind=Alert.Kind.EMERGENCY_ACCESS).exists()
    assert REASON not in client.get(REVIEWS).content.decode()  # pending: none left
    assert REASON in client.get(REVIEWS, {"status": "reviewed"}).content.decode()
    assert REASON not in client.get(REVIEWS, {"status": "concern"}).content.decode()


def test_a_concern_needs_a_note(supervisor, grant):
    with pytest.raises(ValidationError):
        emergency_access_review(access=grant, user=supervisor, status="concern", note="")
    emergency_access_review(access=grant, user=supervisor, status="concern", note="No emergency.")
    grant.refresh_from_db()
    assert grant.review_status == "concern"


def test_a_review_is_final(supervisor, grant):
    emergency_access_review(access=grant, user=supervisor, status="reviewed")
    with pytest.raises(ValidationError):
        emergency_access_review(access=grant, user=supervisor, status="concern", note="Later.")


def test_nobody_reviews_their_own_access(patient, supervisor):
    both = UserFactory(username="both", role=Role.CLINICIAN)
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        user=both, patient=patient, reason=REASON, started_at=now, ends_at=now + timedelta(hours=1)
    )
    both.groups.add(*_groups(Role.SUPERVISOR))
    both = type(both).objects.get(pk=both.pk)
    with pytest.raises(ValidationError):
        emergency_access_review(access=access, user=both, status="reviewed")


def test_a_clinician_cannot_review(client, clinician, grant):
    with pytest.raises(PermissionDenied):
        emergency_access_review(access=grant, user=clinician, status="reviewed")
    client.force_login(clinician)
    assert client.get(REVIEWS).status_code == 403
    assert (
        client.post(
            reverse("patients:emergency-review", args=[grant.pk]), {"review_status": "reviewed"}
        ).status_code
        == 403
    )


def test_the_review_page_counts_what_was_recorded(client, clinician2, supervisor, patient, grant):
    client.force_login(clinician2)
    client.get(chart(patient))
    client.get(reverse("patients:measures", args=[patient.pk]))
    client.force_login(supervisor)
    response = client.get(REVIEWS)
    (row,) = response.context["accesses"]
    assert row.recorded >= 3  # the start and two views


# --- the way in --------------------------------------------------------------------------------


def test_an_empty_caseload_search_offers_emergency_access(client, clinician2, patient):
    client.force_login(clinician2)
    page = client.get(reverse("patients:caseload"), {"q": patient.mrn}).content.decode()
    assert f"{START}?mrn={patient.mrn}" in page
    assert patient.legal_last_name not in page


def test_the_form_lists_ones_own_grants_in_force(client, clinician2, patient, grant):
    client.force_login(clinician2)
    page = client.get(START).content.decode()
    assert patient.display_name in page


def _groups(*names):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def test_the_clinician_cannot_close_the_alert_about_their_access(client, clinician2, grant):
    alert = Alert.objects.get(kind=Alert.Kind.EMERGENCY_ACCESS)
    client.force_login(clinician2)
    client.post(
        reverse("patients:alert-close", args=[alert.patient_id, alert.pk]),
        {"action_taken": "Nothing to see."},
    )
    alert.refresh_from_db()
    assert alert.is_open


def test_a_refused_chart_offers_emergency_access_whether_or_not_the_patient_exists(
    client, clinician2, patient
):
    client.force_login(clinician2)
    refused = client.get(chart(patient))
    missing = client.get(reverse("patients:chart", args=[patient.pk + 1000]))
    assert refused.status_code == missing.status_code == 404
    assert START in refused.content.decode()
    assert _without_csrf(refused) == _without_csrf(missing)


def _without_csrf(response):
    text = response.content.decode()
    return re.sub(r'(csrf-token" content|csrfmiddlewaretoken" value)="[^"]*"', "", text)
