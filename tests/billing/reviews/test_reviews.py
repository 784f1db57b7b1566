"""Utilization reviews extend an authorization (approved, partially approved) or leave it as
it was (denied, pended); every stored value is checked; who may record one."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.models import Authorization
from billing.review_models import UtilizationReview
from billing.services.reviews import review_record
from iop.audit.models import AuditEvent
from tests.billing.reviews.conftest import LAST, review_data

pytestmark = pytest.mark.django_db


def record(authorization, user, **overrides):
    return review_record(authorization=authorization, user=user, data=review_data(**overrides))


def test_an_approval_adds_the_days_moves_the_last_date_and_sets_the_next_review(
    authorization, clinician
):
    review = record(authorization, clinician)
    authorization.refresh_from_db()
    assert authorization.number_authorized == 30
    assert authorization.last_date == LAST + timedelta(days=14)
    assert authorization.next_review_date == date(2026, 11, 30)
    assert (review.previous_number, review.previous_last_date) == (20, LAST)
    events = AuditEvent.objects.filter(patient_id=authorization.episode.patient_id)
    assert events.filter(object_type="billing.utilizationreview", action="create").exists()
    extended = events.get(object_type="billing.authorization", action="update")
    assert "20 days" in extended.detail and "30 days" in extended.detail


def test_a_partial_approval_adds_what_was_granted_and_may_keep_the_last_date(
    authorization, clinician
):
    record(
        authorization,
        clinician,
        outcome="partial",
        granted=4,
        new_last_date=None,
        next_review_date=date(2026, 11, 20),
    )
    authorization.refresh_from_db()
    assert (authorization.number_authorized, authorization.last_date) == (24, LAST)
    assert authorization.next_review_date == date(2026, 11, 20)


@pytest.mark.parametrize("outcome", ["denied", "pended"])
def test_a_denied_or_pended_review_does_not_extend(authorization, clinician, outcome):
    review = record(
        authorization,
        clinician,
        outcome=outcome,
        granted=0,
        new_last_date=None,
        next_review_date=None,
    )
    authorization.refresh_from_db()
    assert (authorization.number_authorized, authorization.last_date) == (20, LAST)
    assert authorization.next_review_date == date(2026, 11, 16)
    assert review.previous_number is None
    assert not AuditEvent.objects.filter(object_type="billing.authorization").exists()


def test_a_denial_that_grants_days_is_refused_and_nothing_changes(authorization, clinician):
    with pytest.raises(ValidationError) as error:
        record(authorization, clinician, outcome="denied", granted=5)
    assert set(error.value.message_dict) == {"granted", "new_last_date"}
    authorization.refresh_from_db()
    assert authorization.number_authorized == 20
    assert not UtilizationReview.objects.exists()


def test_an_approval_of_an_expired_authorization_approves_it_again(authorization, clinician):
    Authorization.objects.filter(pk=authorization.pk).update(status="expired")
    authorization.refresh_from_db()
    record(authorization, clinician)
    authorization.refresh_from_db()
    assert authorization.status == "approved"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"review_date": date(2026, 11, 3)}, "review_date"),  # tomorrow
        ({"review_date": date(2026, 9, 1)}, "review_date"),  # long before it starts
        ({"review_date": None}, "review_date"),
        ({"new_last_date": LAST - timedelta(days=1)}, "new_last_date"),  # shortens it
        ({"new_last_date": None}, "new_last_date"),  # an approval names it
        ({"new_last_date": date(2029, 1, 1)}, "new_last_date"),
        ({"next_review_date": date(2026, 11, 1)}, "next_review_date"),  # before the review
        ({"next_review_date": date(2026, 12, 31)}, "next_review_date"),  # after the last date
        ({"granted": 0}, "granted"),
        ({"granted": -1}, "granted"),
        ({"granted": 990}, "granted"),  # more than an authorization holds
        ({"outcome": "maybe"}, "outcome"),
        ({"kind": "weekly"}, "kind"),
        ({"reviewer_name": "  "}, "reviewer_name"),
        ({"reviewer_name": "Dana\x00"}, "reviewer_name"),
        ({"reviewer_phone": "call me"}, "reviewer_phone"),
        ({"notes": "ok\x00"}, "notes"),
        ({"notes": "x" * 4001}, "notes"),
    ],
)
def test_implausible_values_are_refused_with_the_field_named(
    authorization, clinician, overrides, field
):
    with pytest.raises(ValidationError) as error:
        record(authorization, clinician, **overrides)
    assert field in error.value.message_dict
    authorization.refresh_from_db()
    assert authorization.number_authorized == 20


def test_notes_keep_their_line_breaks(authorization, clinician):
    review = record(authorization, clinician, notes="Line one\nLine two")
    assert review.notes == "Line one\nLine two"


@pytest.mark.parametrize("who", ["biller", "supervisor", "clinician", "director"])
def test_billing_staff_supervisors_and_the_care_team_record_reviews(request, authorization, who):
    user = request.getfixturevalue(who)
    assert record(authorization, user).recorded_by == user


@pytest.mark.parametrize("who", ["clinician2", "intake", "admin_user_role"])
def test_others_may_not_record_a_review(request, authorization, who):
    with pytest.raises(PermissionDenied):
        record(authorization, request.getfixturevalue(who))
    assert not UtilizationReview.objects.exists()
