"""The data migration that makes a patient's registered payer and member id the first
coverage of their latest episode."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from billing.models import Coverage, Payer

pytestmark = pytest.mark.django_db
migration = importlib.import_module("billing.migrations.0003_coverage_from_registration")


def test_the_registered_payer_becomes_the_first_coverage(episode):
    patient = episode.patient
    patient.insurance_payer, patient.insurance_member_id = "Northwind Health", "NW-42"
    patient.save()
    migration.coverage_from_registration(apps, None)
    coverage = Coverage.objects.get(episode=episode)
    assert (coverage.payer.name, coverage.member_id, coverage.priority) == (
        "Northwind Health",
        "NW-42",
        "primary",
    )
    assert coverage.effective_from == episode.admission_date == date(2026, 11, 2)


def test_a_payer_already_listed_is_reused_whatever_its_case(episode, payer):
    episode.patient.insurance_payer = "ACME HEALTH"
    episode.patient.save()
    migration.coverage_from_registration(apps, None)
    assert Payer.objects.count() == 1
    assert Coverage.objects.get().payer == payer


def test_a_patient_with_coverage_is_left_alone(episode, coverage):
    episode.patient.insurance_payer = "Other Plan"
    episode.patient.save()
    migration.coverage_from_registration(apps, None)
    assert list(Coverage.objects.all()) == [coverage]
