"""The admin role configures the program (users, roles, programs, groups, schedules,
enrolments) and sees no clinical content in the Django admin."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from iop.accounts.roles import Role, sync_role_permissions
from tests.factories import EpisodeFactory

CLINICAL = [
    "patients_patient",
    "patients_intakeassessment",
    "patients_measureresponse",
    "patients_consent",
    "patients_alert",
    "patients_riskassessment",
    "plans_treatmentplan",
    "plans_planreview",
    "plans_safetyplan",
    "plans_aftercareplan",
    "plans_progressentry",
    "therapy_sessions_progressnote",
    "therapy_sessions_attendancecorrection",
    "therapy_sessions_stepdown",
    "therapy_sessions_reminderdelivery",
]
CONFIGURATION = [
    "accounts_user",
    "accounts_loginthrottle",
    "accounts_rolegroup",
    "audit_auditevent",
    "jobs_jobrun",
    "patients_program",
    "patients_episode",
    "therapy_sessions_therapygroup",
    "therapy_sessions_therapysession",
]


@pytest.fixture
def admin_client(client, admin_user_role):
    client.force_login(admin_user_role)
    return client


@pytest.mark.parametrize("model", CLINICAL)
def test_an_admin_gets_403_on_clinical_content(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 403


@pytest.mark.parametrize("model", CONFIGURATION)
def test_an_admin_opens_the_configuration_pages(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_an_admin_cannot_edit_a_roles_permissions(admin_client):
    group = Group.objects.get(name=Role.ADMIN)
    perm = Permission.objects.get(codename="view_progressnote")
    url = reverse("admin:accounts_rolegroup_change", args=[group.pk])
    response = admin_client.post(url, {"name": "admin", "permissions": [perm.pk]})
    assert response.status_code == 403
    assert not group.permissions.filter(pk=perm.pk).exists()


def test_an_admin_cannot_give_a_user_permissions_outside_the_roles(
    admin_client, clinician, admin_user_role
):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[clinician.pk]))
    assert 'name="user_permissions"' not in page.content.decode()


def test_an_admin_sees_episodes_for_enrolment_without_part2_or_clinical_reasons(
    admin_client, program
):
    episode = EpisodeFactory(
        program=program,
        is_sud=True,
        part2_refusal_reason="Refused disclosure to employer",
        referral_reason="Relapsed after the death of a sibling",
    )
    listing = admin_client.get(reverse("admin:patients_episode_changelist")).content.decode()
    page = admin_client.get(
        reverse("admin:patients_episode_change", args=[episode.pk])
    ).content.decode()
    assert episode.patient.legal_last_name in listing
    assert "is_sud" not in listing and "42 CFR Part 2" not in listing
    assert "Refused disclosure" not in page
    assert "Relapsed after" not in page and "Referral reason" not in page
    assert "decline_referrals" not in listing


def test_the_role_sync_takes_away_permissions_no_longer_listed(db):
    group = Group.objects.get(name=Role.ADMIN)
    group.permissions.add(Permission.objects.get(codename="view_progressnote"))
    sync_role_permissions(apps)
    assert not group.permissions.filter(codename="view_progressnote").exists()


def test_the_admin_role_holds_no_token_or_clinical_permission(db):
    held = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=Role.ADMIN).permissions.select_related("content_type")
    }
    assert not {p for p in held if p.startswith(("authtoken.", "knox."))}
    assert "patients.view_intakeassessment" not in held
    assert "therapy_sessions.view_progressnote" not in held


@pytest.mark.parametrize(
    "query",
    [
        {"is_sud__exact": "1"},
        {"is_sud": "True"},
        {"referral_reason__icontains": "Relapsed"},
        {"part2_refusal_reason__startswith": "Refused"},
        {"decline_reason__isnull": "False"},
    ],
)
def test_an_admin_cannot_filter_episodes_by_part2_or_clinical_reasons(admin_client, program, query):
    """The hidden fields cannot be probed through the list's query string either (the list
    answered only the SUD episode to `?is_sud__exact=1`)."""
    sud = EpisodeFactory(
        program=program,
        is_sud=True,
        part2_refusal_reason="Refused disclosure to employer",
        referral_reason="Relapsed after the death of a sibling",
        decline_reason="Declined",
    )
    other = EpisodeFactory(program=program, is_sud=False)
    response = admin_client.get(reverse("admin:patients_episode_changelist"), query)
    listing = response.content.decode()
    assert response.status_code == 400
    assert sud.patient.legal_last_name not in listing
    assert other.patient.legal_last_name not in listing
