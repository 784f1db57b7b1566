"""Seams between the risk and admission rules: Today asks for a safety plan by the same rule
as the chart (the latest C-SSRS or clinician assessment, never item 9); old item 9 alerts lose
the risk level they carried; the demo admits patients the way the admission rule says; an
admitted episode becomes SUD care only with Part 2 covered, and the admin does not bypass it."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from patients import services
from patients.models import Alert, Consent, Episode, IntakeAssessment
from tests.fixtures.patients import PART2_CONSENT
from tests.queries import query_counts

MISSING = 'data-testid="safety-plan-missing"'
CSSRS_HIGH = [True, True, False, True, False, False, None]
PHQ9_ITEM9 = [1] * 8 + [2]


def today_page(client, user):
    client.force_login(user)
    return client.get(reverse("today")).content.decode()


# --- 1. one rule for "safety plan needed" ------------------------------------------------------


def test_today_follows_the_latest_assessment_not_the_alerts_own_level(client, clinician, patient):
    services.measure_record(
        patient=patient, instrument_code="CSSRS", responses=CSSRS_HIGH, user=clinician
    )
    assert MISSING in today_page(client, clinician)
    # A clinician's later assessment says low: the open C-SSRS alert no longer asks for a plan.
    services.risk_assessment_record(
        patient=patient,
        level="low",
        rationale="Denies ideation; plan to follow up.",
        user=clinician,
    )
    assert Alert.objects.filter(patient=patient, status="open", risk_level="high").exists()
    assert MISSING not in today_page(client, clinician)


def test_an_item9_alert_alone_never_asks_for_a_safety_plan_on_today(client, clinician, patient):
    services.measure_record(
        patient=patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=clinician
    )
    alert = Alert.objects.get(patient=patient, kind="risk")
    # As raised before the rule: the item 9 alert carried a risk level.
    Alert.objects.filter(pk=alert.pk).update(risk_level="high")
    page = today_page(client, clinician)
    assert "C-SSRS needed today" in page
    assert MISSING not in page


def test_today_asks_for_the_plan_after_a_moderate_clinician_assessment(client, clinician, patient):
    services.measure_record(
        patient=patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=clinician
    )
    services.risk_assessment_record(
        patient=patient, level="moderate", rationale="Passive ideation, no plan.", user=clinician
    )
    assert MISSING in today_page(client, clinician)


def test_todays_queries_do_not_grow_with_the_alerts(client, clinician, make_episode):
    def add_patient():
        episode = make_episode(clinician=clinician)
        services.measure_record(
            patient=episode.patient, instrument_code="CSSRS", responses=CSSRS_HIGH, user=clinician
        )
        services.risk_assessment_record(
            patient=episode.patient, level="high", rationale="Plan and intent.", user=clinician
        )

    add_patient()
    client.force_login(clinician)
    one = query_counts(client, [reverse("today"), reverse("today")])[1:]
    for _ in range(4):
        add_patient()
    five = query_counts(client, [reverse("today")])
    assert one == five
    assert today_page(client, clinician).count(MISSING) == 10  # two alerts for each of five


def test_the_migration_blanks_the_level_of_old_item9_alerts_only(clinician, patient):
    migration = importlib.import_module("patients.migrations.0008_item9_alerts_set_no_risk_level")
    services.measure_record(
        patient=patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=clinician
    )
    services.measure_record(
        patient=patient, instrument_code="CSSRS", responses=CSSRS_HIGH, user=clinician
    )
    item9 = Alert.objects.get(patient=patient, title__contains="item 9")
    cssrs = Alert.objects.get(patient=patient, title__startswith="C-SSRS")
    Alert.objects.filter(pk=item9.pk).update(risk_level="high")
    migration.blank_item9_risk_levels(apps, None)
    item9.refresh_from_db()
    cssrs.refresh_from_db()
    assert (item9.risk_level, cssrs.risk_level) == ("", "high")


# --- 2. the demo admits by the admission rule --------------------------------------------------


def test_every_demo_admission_had_its_consents_and_confirmation_first(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    admitted = list(Episode.objects.exclude(admission_date=None).select_related("patient"))
    assert {e.patient.legal_last_name for e in admitted if e.is_sud} >= {"Marsh", "Volkov"}
    for episode in admitted:
        consents = Consent.objects.filter(patient=episode.patient)
        kinds = {"treatment", "part2"} if episode.is_sud else {"treatment"}
        for kind in kinds:
            signed = [timezone.localdate(c.signed_at) for c in consents.filter(kind=kind)]
            assert signed, (episode, kind)
            assert min(signed) <= episode.admission_date, (episode, kind)
        confirmed = IntakeAssessment.objects.get(episode=episode).confirmed_at
        assert timezone.localdate(confirmed) <= episode.admission_date, episode


# --- 3. Part 2 after admission -----------------------------------------------------------------


def test_an_admitted_episode_becomes_sud_only_with_part2_covered(supervisor, intake, episode):
    with pytest.raises(ValidationError) as refused:
        services.episode_part2_set(
            episode=episode, user=supervisor, is_sud=True, reason="SUD care begins."
        )
    assert "42 CFR Part 2 consent" in refused.value.message_dict["is_sud"][0]
    episode.refresh_from_db()
    assert episode.is_sud is False
    services.consent_record(
        patient=episode.patient, user=intake, data={**PART2_CONSENT, "signed_by_name": "Pat Doe"}
    )
    services.episode_part2_set(
        episode=episode, user=supervisor, is_sud=True, reason="SUD care begins."
    )
    episode.refresh_from_db()
    assert episode.is_sud is True


def test_a_recorded_part2_refusal_also_covers_it(supervisor, make_episode, clinician):
    episode = make_episode(clinician=clinician, is_sud=True)
    services.part2_refusal_record(
        episode=episode, reason="Declines any disclosure.", user=supervisor
    )
    services.episode_part2_set(
        episode=episode, user=supervisor, is_sud=False, reason="Recorded in error."
    )
    services.episode_part2_set(
        episode=episode, user=supervisor, is_sud=True, reason="SUD care begins."
    )
    episode.refresh_from_db()
    assert episode.is_sud is True


def test_the_api_answers_400_on_is_sud_without_part2(api_client, supervisor, episode):
    api_client.force_authenticate(supervisor)
    answer = api_client.post(
        reverse("episode-part2", args=[episode.pk]), {"is_sud": True, "reason": "SUD care."}
    )
    assert answer.status_code == 400
    assert "42 CFR Part 2 consent" in str(answer.json()["is_sud"])


def test_the_admin_shows_sud_program_and_clinician_read_only_once_admitted(
    client, superuser, episode, make_episode
):
    client.force_login(superuser)
    url = reverse("admin:patients_episode_change", args=[episode.pk])
    page = client.get(url).content.decode()
    for field in ("is_sud", "program", "primary_clinician"):
        assert f'name="{field}"' not in page
    referred = make_episode(status="referred")
    url = reverse("admin:patients_episode_change", args=[referred.pk])
    page = client.get(url).content.decode()
    for field in ("is_sud", "program", "primary_clinician"):
        assert f'name="{field}"' in page


def test_a_discharged_episode_is_read_only_there_too(client, superuser, episode):
    Episode.objects.filter(pk=episode.pk).update(
        status="discharged", discharge_date=timezone.localdate()
    )
    client.force_login(superuser)
    page = client.get(reverse("admin:patients_episode_change", args=[episode.pk])).content
    assert b'name="is_sud"' not in page


def test_an_admitted_episode_records_a_part2_refusal_before_it_is_marked_sud(supervisor, episode):
    assert episode.is_sud is False
    services.part2_refusal_record(
        episode=episode, reason="Declines any disclosure.", user=supervisor
    )
    services.episode_part2_set(
        episode=episode, user=supervisor, is_sud=True, reason="SUD care begins."
    )
    episode.refresh_from_db()
    assert (episode.is_sud, episode.part2_refusal_reason) == (True, "Declines any disclosure.")


def test_a_referral_not_in_sud_care_records_no_part2_refusal(supervisor, make_episode, clinician):
    referral = make_episode(clinician=clinician, status="referred")
    with pytest.raises(ValidationError, match="Only SUD care asks for a Part 2 consent."):
        services.part2_refusal_record(episode=referral, reason="No", user=supervisor)
