"""Utilization reviews: recording the payer's decision, and extending the authorization when
it grants more days or units. The rule lives here once; pages, the API and the demo call it.

Who records a review: billing staff, the supervisors of the patient's program and the
clinicians on the patient's care team (the clinician often takes the reviewer's call); not
emergency access, not intake.

What a review does to its authorization (in one transaction, the authorization locked):
- approved or partially approved: the days or units granted (at least one) are added to the
  number authorized; the last authorized date moves to the review's new last date (approved:
  required; partially approved: optional, unchanged when empty; never earlier than the
  authorization's current last date); the next review date becomes the review's (empty: none
  due); a requested or expired authorization becomes approved;
- denied or pended: nothing changes (granted must be 0 and no new last date is given).
"""

import unicodedata
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from billing.models import MAX_AUTHORIZED, Authorization
from billing.review_models import UtilizationReview
from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.validation import EARLIEST_DATE, _years_from
from patients.access import cares_for_episode

REVIEW_REFUSED = (
    "Utilization reviews are recorded by billing staff, the supervisors of the patient's "
    "program and the patient's care team."
)
REVIEW_FIELDS = (
    "review_date",
    "kind",
    "reviewer_name",
    "reviewer_phone",
    "outcome",
    "granted",
    "new_last_date",
    "next_review_date",
    "notes",
)
NOTES_LIMIT = 4000
YEARS_AHEAD = 2
PHONE_CHARACTERS = set("0123456789 +-().x/ext")


def may_record_review(user, authorization):
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    if user.has_role(Role.BILLER):
        return True
    # Care team or supervisor: never under emergency access alone.
    return cares_for_episode(user, authorization.episode)


def require_review_writer(user, authorization):
    if not may_record_review(user, authorization):
        raise PermissionDenied(REVIEW_REFUSED)


def plain_text(value, field, limit, *, multiline=False, what=None):
    """Stripped text without control characters (a NUL above all; a note keeps its line
    breaks), within `limit`; else a ValidationError naming the field."""
    text = (value or "").strip()
    allowed = {"\n", "\r", "\t"} if multiline else set()
    what = what or field.replace("_", " ")
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        raise ValidationError({field: f"The {what} contains control characters; retype it."})
    if len(text) > limit:
        raise ValidationError({field: f"Keep the {what} to {limit} characters."})
    return text


def _gather(errors, field, fn):
    try:
        return fn()
    except ValidationError as error:
        errors.update(error.message_dict)
        return None


def _date_errors(review, authorization, errors):
    today = timezone.localdate()
    latest = _years_from(today, YEARS_AHEAD)
    day = review.review_date
    if day is None:
        errors.setdefault("review_date", ["Enter the date of the review."])
    elif day > today:
        errors.setdefault("review_date", ["The review date is in the future."])
    elif day < max(EARLIEST_DATE, authorization.first_date - timedelta(days=30)):
        errors.setdefault(
            "review_date",
            [
                "The review date is more than 30 days before the authorization starts "
                f"({authorization.first_date:%-d %b %Y})."
            ],
        )
    for field, label in (
        ("new_last_date", "new last date"),
        ("next_review_date", "next review date"),
    ):
        value = getattr(review, field)
        if value is not None and value > latest:
            errors.setdefault(field, [f"The {label} is more than {YEARS_AHEAD} years ahead."])
        elif value is not None and value < EARLIEST_DATE:
            errors.setdefault(field, [f"The {label} is not a plausible date."])
    if errors:
        return
    if review.new_last_date is not None:
        if review.new_last_date < authorization.last_date:
            errors["new_last_date"] = [
                "An extension never shortens the authorization: the new last date is before "
                f"its last date ({authorization.last_date:%-d %b %Y})."
            ]
        elif review.new_last_date < day:
            errors["new_last_date"] = ["The new last date is before the review."]
    if review.next_review_date is not None:
        last = review.new_last_date or authorization.last_date
        if review.next_review_date < day:
            errors["next_review_date"] = ["The next review is before this review."]
        elif review.extends and review.next_review_date > last:
            errors["next_review_date"] = [
                f"The next review is after the last authorized date ({last:%-d %b %Y})."
            ]


def _outcome_errors(review, authorization, errors):
    granted = review.granted
    if granted is None or granted < 0:
        errors["granted"] = ["Enter the days or units granted (0 or more)."]
        return
    if granted > MAX_AUTHORIZED:
        errors["granted"] = [f"At most {MAX_AUTHORIZED} days or units."]
        return
    what = authorization.get_unit_display().lower()
    if review.outcome == UtilizationReview.Outcome.APPROVED:
        if granted < 1:
            errors["granted"] = [f"An approval grants at least one more of the {what}."]
        if review.new_last_date is None:
            errors.setdefault("new_last_date", ["An approval gives the new last authorized date."])
    elif review.outcome == UtilizationReview.Outcome.PARTIAL:
        if granted < 1:
            errors["granted"] = [f"A partial approval grants at least one more of the {what}."]
    elif review.outcome in (UtilizationReview.Outcome.DENIED, UtilizationReview.Outcome.PENDED):
        label = review.get_outcome_display().split(" (")[0].lower()
        if granted:
            errors["granted"] = [f"A {label} review grants nothing: enter 0."]
        if review.new_last_date is not None:
            errors.setdefault(
                "new_last_date", [f"A {label} review does not move the last authorized date."]
            )
    if (
        review.extends
        and "granted" not in errors
        and authorization.number_authorized + granted > MAX_AUTHORIZED
    ):
        errors["granted"] = [
            f"The authorization would hold more than {MAX_AUTHORIZED} {what}; check the number."
        ]


def review_validate(review, authorization):
    """Clean `review`'s texts in place and check it against `authorization`; a ValidationError
    with every field's message."""
    errors = {}
    if review.kind not in UtilizationReview.Kind.values:
        errors["kind"] = ["Choose concurrent or retrospective."]
    if review.outcome not in UtilizationReview.Outcome.values:
        errors["outcome"] = ["Choose the payer's decision."]
    for field, limit, multiline in (
        ("reviewer_name", 120, False),
        ("reviewer_phone", 30, False),
        ("notes", NOTES_LIMIT, True),
    ):
        cleaned = _gather(
            errors,
            field,
            lambda f=field, n=limit, m=multiline: plain_text(getattr(review, f), f, n, multiline=m),
        )
        if cleaned is not None:
            setattr(review, field, cleaned)
    if "reviewer_name" not in errors and not review.reviewer_name:
        errors["reviewer_name"] = ["Name the reviewer at the payer."]
    phone = review.reviewer_phone or ""
    if "reviewer_phone" not in errors and phone and not set(phone.lower()) <= PHONE_CHARACTERS:
        errors["reviewer_phone"] = ["A phone number has digits, spaces, + - ( ) and ext only."]
    _date_errors(review, authorization, errors)
    if "outcome" not in errors:
        _outcome_errors(review, authorization, errors)
    if errors:
        raise ValidationError(errors)


def review_record(*, authorization, user, data, context=None):
    """Record a utilization review of `authorization` (`data`: the REVIEW_FIELDS) and extend
    the authorization if the review grants more. Answers the review. ValidationError with
    field errors, PermissionDenied for a user who may not record it."""
    require_review_writer(user, authorization)
    with transaction.atomic():
        authorization = (
            Authorization.objects.select_for_update()
            .select_related("episode__patient")
            .get(pk=authorization.pk)
        )
        review = UtilizationReview(
            authorization=authorization,
            recorded_by=user,
            recorded_at=timezone.now(),
            **{field: data.get(field) for field in REVIEW_FIELDS},
        )
        if review.granted in (None, ""):
            review.granted = 0
        review.kind = review.kind or UtilizationReview.Kind.CONCURRENT
        review_validate(review, authorization)
        if review.extends:
            review.previous_number = authorization.number_authorized
            review.previous_last_date = authorization.last_date
        review.save()
        audit_change(
            AuditEvent.Action.CREATE,
            review,
            user=user,
            context=context,
            detail=f"utilization review: {review.outcome}, granted {review.granted}",
        )
        if review.extends:
            _extend(authorization, review, user=user, context=context)
    return review


def _extend(authorization, review, *, user, context):
    before = f"{authorization.number_authorized} {authorization.unit} to {authorization.last_date}"
    authorization.number_authorized += review.granted
    if review.new_last_date is not None:
        authorization.last_date = review.new_last_date
    authorization.next_review_date = review.next_review_date
    if authorization.status in (Authorization.Status.REQUESTED, Authorization.Status.EXPIRED):
        authorization.status = Authorization.Status.APPROVED
    authorization.updated_at = timezone.now()
    authorization.save(
        update_fields=[
            "number_authorized",
            "last_date",
            "next_review_date",
            "status",
            "updated_at",
        ]
    )
    audit_change(
        AuditEvent.Action.UPDATE,
        authorization,
        user=user,
        context=context,
        detail=(
            f"extended by utilization review {review.pk}: {before} -> "
            f"{authorization.number_authorized} {authorization.unit} to {authorization.last_date}"
        ),
    )
