"""The rules of coverage and authorizations (services), and the authorization alerts."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from billing import services
from billing.models import Payer
from patients.models import Alert
from tests.billing.conftest import MONDAY

pytestmark = pytest.mark.django_db


def coverage_data(payer, **overrides):
    return {"payer": payer, "member_id": "M1", "effective_from": date(2026, 11, 1), **overrides}


def refused(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_second_primary_overlapping_the_first_is_refused(episode, payer, biller, coverage):
    errors = refused(
        lambda: services.coverage_create(episode=episode, data=coverage_data(payer), user=biller)
    )
    assert "already has a primary coverage" in errors["priority"][0]


def test_a_secondary_alongside_the_primary_is_accepted(episode, payer, biller, coverage):
    second = services.coverage_create(
        episode=episode, data=coverage_data(payer, priority="secondary"), user=biller
    )
    assert second.pk


def test_a_primary_after_the_first_one_ended_is_accepted(episode, payer, biller, coverage):
    services.coverage_update(
        coverage=coverage, data={"effective_to": date(2026, 10, 31)}, user=biller
    )
    later = services.coverage_create(episode=episode, data=coverage_data(payer), user=biller)
    assert later.pk


def test_coverage_dates_must_be_in_order(episode, payer, biller):
    errors = refused(
        lambda: services.coverage_create(
            episode=episode,
            data=coverage_data(payer, effective_to=date(2026, 10, 1)),
            user=biller,
        )
    )
    assert errors == {"effective_to": ["The coverage ends before it starts."]}


def test_a_nul_in_the_member_id_is_refused(episode, payer, biller):
    errors = refused(
        lambda: services.coverage_create(
            episode=episode, data=coverage_data(payer, member_id="M\x001"), user=biller
        )
    )
    assert "control characters" in errors["member_id"][0]


def test_self_pay_needs_no_payer_and_clears_the_ids(episode, biller):
    coverage = services.coverage_create(
        episode=episode,
        data={"self_pay": True, "member_id": "ignored", "effective_from": date(2026, 11, 1)},
        user=biller,
    )
    assert (coverage.payer, coverage.member_id) == (None, "")


def test_an_inactive_payer_is_not_offered(episode, biller):
    gone = Payer.objects.create(name="Gone Health", active=False)
    errors = refused(
        lambda: services.coverage_create(episode=episode, data=coverage_data(gone), user=biller)
    )
    assert "no longer an active payer" in errors["payer"][0]


def test_a_payer_name_is_unique_whatever_its_case(payer, admin_user_role):
    errors = refused(
        lambda: services.payer_save(payer=Payer(name="acme HEALTH"), user=admin_user_role)
    )
    assert "already on the list" in errors["name"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_codes": "S94"}, "service_codes"),
        ({"number_authorized": 0}, "number_authorized"),
        ({"number_authorized": 1000}, "number_authorized"),
        ({"used_before": 11}, "used_before"),
        ({"last_date": date(2026, 11, 1)}, "last_date"),
        ({"next_review_date": date(2026, 12, 1)}, "next_review_date"),
        ({"first_date": date(1899, 12, 31)}, "first_date"),
        ({"reference_number": "A\x00"}, "reference_number"),
    ],
)
def test_an_implausible_authorization_is_refused(authorize, overrides, field):
    assert field in refused(lambda: authorize(**overrides))


def test_a_self_pay_coverage_takes_no_authorization(episode, biller, authorize):
    self_pay = services.coverage_create(
        episode=episode,
        data={"self_pay": True, "priority": "secondary", "effective_from": date(2026, 11, 1)},
        user=biller,
    )
    assert "coverage" in refused(lambda: authorize(coverage=self_pay))


# --- alerts ----------------------------------------------------------------------------------


def auth_alerts(kind):
    return Alert.objects.filter(kind=kind)


def test_80_percent_used_raises_one_alert_however_often_the_job_runs(authorize, attend, clock):
    authorize(number_authorized=5, used_before=3)
    attend(MONDAY, 180)
    clock.move_to(MONDAY + timedelta(days=1))
    call_command("raise_authorization_alerts")
    call_command("raise_authorization_alerts")
    assert auth_alerts(Alert.Kind.AUTH_LOW).count() == 1


def test_79_percent_raises_no_alert(authorize, attend):
    authorize(number_authorized=100, used_before=79)
    services.authorization_alerts(today=MONDAY)
    assert not auth_alerts(Alert.Kind.AUTH_LOW).exists()


def test_three_days_before_the_last_date_alerts_once(authorize):
    authorize(last_date=date(2026, 11, 13))
    assert services.authorization_alerts(today=date(2026, 11, 9))["ending"] == 0
    assert services.authorization_alerts(today=date(2026, 11, 10))["ending"] == 1
    assert services.authorization_alerts(today=date(2026, 11, 11))["ending"] == 0
    assert auth_alerts(Alert.Kind.AUTH_ENDING).count() == 1


def test_a_concurrent_review_due_alerts_the_clinician(authorize, clinician):
    authorize(next_review_date=date(2026, 11, 10))
    services.authorization_alerts(today=date(2026, 11, 7))
    alert = auth_alerts(Alert.Kind.AUTH_REVIEW_DUE).get()
    assert alert.assigned_to == clinician
    assert "Concurrent review due 10 Nov 2026" in alert.title


def test_an_extension_alerts_again_when_it_runs_low(authorize, attend, biller):
    authorization = authorize(number_authorized=5, used_before=4)
    services.authorization_alerts(today=MONDAY)
    services.authorization_update(
        authorization=authorization, data={"number_authorized": 6, "used_before": 5}, user=biller
    )
    services.authorization_alerts(today=MONDAY)
    assert auth_alerts(Alert.Kind.AUTH_LOW).count() == 2


def test_a_requested_authorization_raises_nothing(authorize):
    authorize(status="requested", number_authorized=5, used_before=5)
    assert services.authorization_alerts(today=MONDAY) == {"low": 0, "ending": 0, "review_due": 0}
