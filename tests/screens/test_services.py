"""The rules of a drug screen (CLINICAL.md, *Drug screens* and *Billing codes*), through the
services: expected or unexpected against the medication list, the alert, the random draw, the
collection's checks and the billing suggestion."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iop.audit.models import AuditEvent
from medications import services as meds
from medications.models import Medication
from patients.models import Alert
from screens import services
from screens.models import ScreenDraw, ScreenOrder, ScreenResult
from tests.screens.conftest import BUPRENORPHINE, NEW_YORK, negatives

pytestmark = pytest.mark.django_db


def reading(results, code):
    return next(r for r in results if r.analyte == code)


def test_prescribed_positive_is_expected(bup, collected, clinician):
    results = services.results_record(
        order=collected, values=negatives(collected, BUP="positive"), user=clinician
    )
    assert reading(results, "BUP").reading == ScreenResult.Reading.EXPECTED
    assert reading(results, "BUP").prescribed
    assert not Alert.objects.filter(kind=Alert.Kind.UNEXPECTED_SCREEN).exists()


def test_prescribed_negative_is_unexpected_and_alerts_the_primary_clinician(
    bup, collected, clinician
):
    results = services.results_record(order=collected, values=negatives(collected), user=clinician)
    bup_result = reading(results, "BUP")
    assert bup_result.reading == ScreenResult.Reading.UNEXPECTED
    assert "non-adherence" in bup_result.explanation
    alert = Alert.objects.get(kind=Alert.Kind.UNEXPECTED_SCREEN)
    assert alert.assigned_to == clinician
    assert "BUP negative" in alert.title
    assert alert.action_url == collected.get_absolute_url()


def test_unprescribed_positive_is_unexpected(bup, collected, clinician):
    results = services.results_record(
        order=collected, values=negatives(collected, BUP="positive", FYL="positive"), user=clinician
    )
    assert reading(results, "FYL").reading == ScreenResult.Reading.UNEXPECTED
    assert reading(results, "FYL").explanation == "Fentanyl positive, not prescribed."
    assert "FYL positive" in Alert.objects.get(kind=Alert.Kind.UNEXPECTED_SCREEN).title


def test_unprescribed_negative_is_expected_and_invalid_is_flagged(collected, clinician):
    results = services.results_record(
        order=collected, values=negatives(collected, THC="invalid"), user=clinician
    )
    assert reading(results, "COC").reading == ScreenResult.Reading.EXPECTED
    assert reading(results, "THC").reading == ScreenResult.Reading.FLAGGED
    assert not Alert.objects.filter(kind=Alert.Kind.UNEXPECTED_SCREEN).exists()


def test_a_stopped_medication_no_longer_makes_a_positive_expected(patient, collected, clinician):
    meds.medication_add(
        patient=patient,
        data={**BUPRENORPHINE, "start_date": date(2026, 9, 1)},
        user=clinician,
    )
    medication = Medication.objects.get()
    meds.medication_stop(medication=medication, stop_date=date(2026, 10, 1), user=clinician)
    results = services.results_record(
        order=collected, values=negatives(collected, BUP="positive"), user=clinician
    )
    assert reading(results, "BUP").reading == ScreenResult.Reading.UNEXPECTED


def test_results_need_every_analyte_once_and_are_never_entered_twice(collected, clinician):
    with pytest.raises(ValidationError) as error:
        services.results_record(order=collected, values={"BUP": "maybe"}, user=clinician)
    assert "BUP" in error.value.message_dict and "COC" in error.value.message_dict
    services.results_record(order=collected, values=negatives(collected), user=clinician)
    with pytest.raises(services.ClosedOrderError):
        services.results_record(order=collected, values=negatives(collected), user=clinician)
    assert ScreenResult.objects.count() == len(collected.panel)


def test_collection_checks_the_temperature_and_the_time(patient, clinician):
    order = services.order_create(patient=patient, due_date=date(2026, 11, 2), user=clinician)
    now = datetime(2026, 11, 2, 8, 0, tzinfo=NEW_YORK)
    for bad, field in (("", "temperature_c"), ("hot", "temperature_c"), ("60", "temperature_c")):
        with pytest.raises(ValidationError) as error:
            services.order_collect(
                order=order, collected_at=now, observed=True, temperature_c=bad, user=clinician
            )
        assert field in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.order_collect(
            order=order,
            collected_at=now + timedelta(days=1),
            observed=True,
            temperature_c="34",
            user=clinician,
        )
    assert "collected_at" in error.value.message_dict
    order = services.order_collect(
        order=order, collected_at=now, observed=False, temperature_c="30.5", user=clinician
    )
    assert order.temperature_in_range is False
    assert order.status == ScreenOrder.Status.COLLECTED


def test_refusal_and_missed_are_recorded_as_such(patient, clinician):
    refused = services.order_create(patient=patient, due_date=date(2026, 11, 2), user=clinician)
    missed = services.order_create(patient=patient, due_date=date(2026, 11, 3), user=clinician)
    with pytest.raises(ValidationError):
        services.order_close(order=refused, status="refused", note="", user=clinician)
    services.order_close(order=refused, status="refused", note="Declined to give", user=clinician)
    services.order_close(order=missed, status="missed", note="Absent", user=clinician)
    assert ScreenOrder.objects.get(pk=refused.pk).status == "refused"
    assert ScreenOrder.objects.get(pk=missed.pk).status == "missed"
    assert Alert.objects.get(kind=Alert.Kind.UNEXPECTED_SCREEN).title.startswith(
        "Drug screen refused"
    )
    with pytest.raises(services.ClosedOrderError):
        services.order_close(order=missed, status="refused", note="x", user=clinician)


def test_the_draw_never_picks_a_day_twice_and_replays_from_its_seed(patient, clinician):
    first = services.screens_schedule(
        patient=patient,
        first_day=date(2026, 11, 2),
        last_day=date(2026, 11, 29),
        user=clinician,
        seed=12345,
    )
    draw = ScreenDraw.objects.get()
    # 20 program days (Mon–Fri) of four weeks, 30 % of them: 6 days, all different.
    assert len(draw.candidates) == 20
    assert len(draw.days) == 6 == len(set(draw.days)) == len(first)
    assert draw.replay() == draw.days
    assert ScreenDraw.pick(12345, draw.candidates, 30) == draw.days
    assert all(date.fromisoformat(d).weekday() < 5 for d in draw.days)
    # A second draw over the same weeks picks only days not drawn before.
    services.screens_schedule(
        patient=patient, first_day=date(2026, 11, 2), last_day=date(2026, 11, 29), user=clinician
    )
    second = ScreenDraw.objects.exclude(pk=draw.pk).get()
    assert not set(second.days) & set(draw.days)
    assert not set(second.candidates) & set(draw.days)
    days = list(ScreenOrder.objects.values_list("due_date", flat=True))
    assert len(second.days) == 4  # 30 % of the 14 days left
    assert len(days) == len(set(days)) == 10
    assert AuditEvent.objects.filter(object_type__icontains="screendraw").count() == 2


def test_fixed_weekdays_order_those_days(patient, clinician, director, program):
    services.settings_update(
        program=program,
        data={"schedule": "fixed", "fixed_weekdays": [0, 3]},
        user=director,
    )
    orders = services.screens_schedule(
        patient=patient, first_day=date(2026, 11, 2), last_day=date(2026, 11, 15), user=clinician
    )
    assert [o.due_date for o in orders] == [
        date(2026, 11, 2),
        date(2026, 11, 5),
        date(2026, 11, 9),
        date(2026, 11, 12),
    ]
    assert {o.reason for o in orders} == {"scheduled"}


def test_settings_are_validated_and_only_directors_and_admins_change_them(
    program, director, clinician
):
    with pytest.raises(PermissionDenied):
        services.settings_update(program=program, data={}, user=clinician)
    with pytest.raises(ValidationError) as error:
        services.settings_update(
            program=program,
            data={"panel": ["XYZ"], "random_percent": 0, "fixed_weekdays": [9]},
            user=director,
        )
    assert set(error.value.message_dict) == {"panel", "random_percent", "fixed_weekdays"}


@pytest.mark.parametrize(
    "classes,code",
    [
        (1, "G0480"),
        (7, "G0480"),
        (8, "G0481"),
        (14, "G0481"),
        (15, "G0482"),
        (21, "G0482"),
        (22, "G0483"),
        (40, "G0483"),
    ],
)
def test_definitive_code_boundaries(classes, code):
    assert services.definitive_code(classes) == code


def test_definitive_testing_counts_drug_classes_not_analytes():
    from screens.panel import drug_classes

    # Amphetamine and methamphetamine are one class (Amphetamines); MDMA is a class of its own.
    seven = ["AMP", "BAR", "BZO", "BUP", "COC", "FYL", "MDMA"]
    assert drug_classes(seven) == 7
    assert drug_classes([*seven, "MET"]) == 7  # still G0480, not G0481
    assert services.definitive_code(drug_classes([*seven, "MET"])) == "G0480"
    assert services.definitive_code(drug_classes([*seven, "MET", "MTD"])) == "G0481"


def test_presumptive_code_by_method_once_resulted(collected, clinician):
    assert services.billing_code(collected) == ""
    services.results_record(order=collected, values=negatives(collected), user=clinician)
    collected.refresh_from_db()
    assert services.billing_code(collected) == "80305"
    collected.method = "analyzer"
    assert services.billing_code(collected) == "80307"
    collected.method = "instrument"
    assert services.billing_code(collected) == "80306"
    collected.testing = "definitive"
    assert services.billing_code(collected) == "G0481"  # the default panel: 10 classes


@pytest.mark.parametrize("who", ["intake", "admin_user_role", "clinician2"])
def test_only_the_care_team_and_supervisors_record_screens(request, who, patient, supervisor):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.order_create(patient=patient, due_date=date(2026, 11, 2), user=user)
    order = services.order_create(patient=patient, due_date=date(2026, 11, 2), user=supervisor)
    with pytest.raises(PermissionDenied):
        services.order_close(order=order, status="missed", note="x", user=user)


def test_an_order_needs_an_admitted_patient_and_a_plausible_day(patient, clinician):
    with pytest.raises(ValidationError):
        services.order_create(patient=patient, due_date=date(2026, 10, 1), user=clinician)
    with pytest.raises(ValidationError):
        services.order_create(patient=patient, due_date=date(2027, 6, 1), user=clinician)
    services.order_create(patient=patient, due_date=date(2026, 11, 3), user=clinician)
    with pytest.raises(ValidationError) as error:
        services.order_create(patient=patient, due_date=date(2026, 11, 3), user=clinician)
    assert "already" in error.value.message_dict["due_date"][0]


def test_the_draw_picks_from_the_days_the_patient_has_sessions(episode, group, clinician):
    from tests.factories import GroupEnrollmentFactory, TherapySessionFactory

    GroupEnrollmentFactory(group=group, episode=episode, start_date=date(2026, 11, 2))
    for day in (2, 4, 6, 9, 11, 13):
        TherapySessionFactory(group=group, starts_at=datetime(2026, 11, day, 9, tzinfo=NEW_YORK))
    TherapySessionFactory(
        group=group, starts_at=datetime(2026, 11, 10, 9, tzinfo=NEW_YORK), status="cancelled"
    )
    services.screens_schedule(
        patient=episode.patient,
        first_day=date(2026, 11, 2),
        last_day=date(2026, 11, 15),
        user=clinician,
        seed=7,
    )
    draw = ScreenDraw.objects.get()
    assert draw.candidates == [f"2026-11-{d:02d}" for d in (2, 4, 6, 9, 11, 13)]
    assert len(draw.days) == 2 and set(draw.days) <= set(draw.candidates)
