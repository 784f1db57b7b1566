"""Authorizations: a payer's days or units for an episode. Every rule about an authorization
lives here, so pages, the API, the admin and bill2's utilization reviews obey it."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.access import require_authorization_writer
from billing.models import MAX_AUTHORIZED, Authorization, Coverage
from billing.services.text import clean_text
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.validation import EARLIEST_DATE, _years_from
from patients.models import Episode

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
AUTHORIZATION_YEARS_AHEAD = 2
MAX_CODES = 12
# A CPT or HCPCS code: five characters, digits or a letter and four digits (90853, S9480).
CODE = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4})$")
AUTHORIZATION_FIELDS = (
    "coverage",
    "level_of_care",
    "service_codes",
    "unit",
    "number_authorized",
    "used_before",
    "first_date",
    "last_date",
    "reference_number",
    "status",
    "next_review_date",
)


def normalise_codes(text):
    """'s9480, 90853 90853' -> 'S9480, 90853'; ValueError naming what is not a code."""
    codes = []
    for code in (text or "").replace(",", " ").replace(";", " ").split():
        code = code.upper()
        if not CODE.match(code):
            raise ValueError(f"{code[:12]} is not a service code (five characters, e.g. S9480).")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValueError("Enter the service codes it covers, e.g. S9480.")
    if len(codes) > MAX_CODES:
        raise ValueError(f"At most {MAX_CODES} codes on one authorization.")
    return ", ".join(codes)


def _date_errors(authorization):
    errors = {}
    latest = _years_from(timezone.localdate(), AUTHORIZATION_YEARS_AHEAD)
    for field in ("first_date", "last_date", "next_review_date"):
        day = getattr(authorization, field)
        label = field.replace("_", " ").capitalize()
        if day is None:
            if field != "next_review_date":
                errors[field] = [f"Enter the {field.replace('_', ' ')}."]
        elif day < EARLIEST_DATE:
            errors[field] = [f"{label} is before {EARLIEST_DATE.year}; check the year."]
        elif day > latest:
            errors[field] = [f"{label} is more than {AUTHORIZATION_YEARS_AHEAD} years ahead."]
    if errors:
        return errors
    if authorization.last_date < authorization.first_date:
        errors["last_date"] = ["The last authorized date is before the first."]
    review = authorization.next_review_date
    if review and not errors and not authorization.first_date <= review <= authorization.last_date:
        errors["next_review_date"] = [
            "The concurrent review falls within the authorized dates "
            f"({authorization.first_date:%-d %b %Y} to {authorization.last_date:%-d %b %Y})."
        ]
    return errors


def authorization_validate(authorization):
    """Every rule of an authorization, each field's message at once: the coverage is the
    episode's and not self-pay, codes are service codes, the numbers plausible (1 to 999, no
    more used before than authorized), the dates plausible and in order, the concurrent review
    within them, the reference without control characters."""
    errors = {}
    coverage = authorization.coverage if authorization.coverage_id else None
    if coverage is None:
        errors["coverage"] = ["Choose the coverage it was granted under."]
    elif coverage.episode_id != authorization.episode_id:
        errors["coverage"] = ["That coverage belongs to another episode."]
    elif coverage.self_pay:
        errors["coverage"] = ["Self-pay needs no authorization; choose a payer's coverage."]
    try:
        authorization.service_codes = normalise_codes(authorization.service_codes)
    except ValueError as error:
        errors["service_codes"] = [str(error)]
    try:
        authorization.reference_number = clean_text(
            authorization.reference_number, field="reference_number", max_length=60
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    number = authorization.number_authorized
    if number is None or not 1 <= number <= MAX_AUTHORIZED:
        errors["number_authorized"] = [f"Enter a number from 1 to {MAX_AUTHORIZED}."]
    used = authorization.used_before or 0
    if used < 0 or used > MAX_AUTHORIZED:
        errors["used_before"] = [f"Enter a number from 0 to {MAX_AUTHORIZED}."]
    elif number and used > number:
        errors["used_before"] = ["More used before than authorized; check the numbers."]
    authorization.used_before = used
    if authorization.level_of_care not in Episode.LevelOfCare.values:
        errors["level_of_care"] = ["Choose PHP, IOP or OP."]
    if authorization.unit not in Authorization.Unit.values:
        errors["unit"] = ["Choose per-diem days or units."]
    if authorization.status not in Authorization.Status.values:
        errors["status"] = ["Choose requested, approved, denied or expired."]
    errors.update(_date_errors(authorization))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def authorization_create(*, episode, data, user, context=None):
    """A new authorization of `episode` from `data` (AUTHORIZATION_FIELDS); audited."""
    require_authorization_writer(user, episode.patient)
    authorization = Authorization(episode=episode, created_by=user)
    for name in AUTHORIZATION_FIELDS:
        if name in data:
            setattr(authorization, name, data[name])
    authorization_validate(authorization)
    authorization.save()
    audit_change(CREATE, authorization, user=user, context=context)
    return authorization


@transaction.atomic
def authorization_update(*, authorization, data, user, context=None):
    """Change an authorization from `data`; audited with the fields changed (an extension by a
    utilization review comes through here too)."""
    authorization = (
        Authorization.objects.select_for_update()
        .select_related("episode", "coverage")
        .get(pk=authorization.pk)
    )
    require_authorization_writer(user, authorization.episode.patient)
    before = {name: getattr(authorization, name) for name in AUTHORIZATION_FIELDS}
    for name in AUTHORIZATION_FIELDS:
        if name in data:
            setattr(authorization, name, data[name])
    authorization_validate(authorization)
    changed = [n for n in AUTHORIZATION_FIELDS if getattr(authorization, n) != before[n]]
    authorization.updated_at = timezone.now()
    authorization.save()
    audit_change(
        UPDATE,
        authorization,
        user=user,
        context=context,
        detail="changed: " + ", ".join(changed),
    )
    return authorization


def coverages_for_authorization(episode):
    """The coverages an authorization of `episode` may name: its payers' (not self-pay)."""
    return Coverage.objects.filter(episode=episode, self_pay=False).select_related("payer")
