"""Coverage per episode: who pays, from when to when; payers. Every rule about a coverage
lives here, so pages, the API and the admin obey it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from billing.access import require_coverage_writer
from billing.models import Coverage, Payer
from billing.services.text import clean_text, clean_texts
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change, audit_record
from iop.validation import EARLIEST_DATE, _years_from, dates_in_order

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
COVERAGE_YEARS_AHEAD = 2
COVERAGE_FIELDS = (
    "self_pay",
    "payer",
    "plan_name",
    "member_id",
    "group_id",
    "subscriber_name",
    "subscriber_relationship",
    "priority",
    "effective_from",
    "effective_to",
)
TEXT_FIELDS = (
    ("plan_name", 120),
    ("member_id", 60),
    ("group_id", 60),
    ("subscriber_name", 120),
)


def _plausible_day(day, *, field, what):
    if day is None:
        return
    latest = _years_from(timezone.localdate(), COVERAGE_YEARS_AHEAD)
    if day < EARLIEST_DATE:
        raise ValidationError({field: f"{what} is before {EARLIEST_DATE.year}; check the year."})
    if day > latest:
        raise ValidationError(
            {field: f"{what} is more than {COVERAGE_YEARS_AHEAD} years ahead; check the year."}
        )


def coverage_validate(coverage, *, payer_changed=True):
    """Every rule of a coverage, with each field's message: text without control characters,
    a payer (active when chosen) and a member id unless self-pay, dates plausible and in
    order, and at most one primary coverage of the episode on any date."""
    errors = {}
    try:
        clean_texts(coverage, TEXT_FIELDS)
    except ValidationError as error:
        errors.update(error.message_dict)
    if coverage.self_pay:
        coverage.payer = None
        coverage.plan_name = coverage.member_id = coverage.group_id = ""
        coverage.subscriber_name = ""
        coverage.subscriber_relationship = Coverage.Relationship.SELF
    else:
        if coverage.payer is None:
            errors.setdefault("payer", []).append("Choose the payer, or mark it self-pay.")
        elif payer_changed and not coverage.payer.active:
            errors.setdefault("payer", []).append(
                f"{coverage.payer} is no longer an active payer; choose another."
            )
        if not coverage.member_id and "member_id" not in errors:
            errors.setdefault("member_id", []).append("Enter the member id from the card.")
    for field, what in (("effective_from", "The start"), ("effective_to", "The end")):
        try:
            _plausible_day(getattr(coverage, field), field=field, what=what)
        except ValidationError as error:
            errors.update(error.message_dict)
    if coverage.effective_from is None and "effective_from" not in errors:
        errors["effective_from"] = ["Enter the date the coverage starts."]
    if not errors:
        try:
            dates_in_order(
                coverage.effective_from,
                coverage.effective_to,
                field="effective_to",
                message="The coverage ends before it starts.",
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if not errors and coverage.priority == Coverage.Priority.PRIMARY:
        clash = overlapping_primary(coverage)
        if clash is not None:
            errors["priority"] = [
                f"The episode already has a primary coverage from "
                f"{clash.effective_from:%-d %b %Y}"
                + (f" to {clash.effective_to:%-d %b %Y}" if clash.effective_to else "")
                + ": end it first, or make this one secondary."
            ]
    if errors:
        raise ValidationError(errors)
    try:
        coverage.full_clean(exclude=["card", "episode", "payer", "created_by"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def overlapping_primary(coverage):
    """Another primary coverage of the episode in force on any day of this one's, or None."""
    others = Coverage.objects.filter(
        episode_id=coverage.episode_id, priority=Coverage.Priority.PRIMARY
    ).exclude(pk=coverage.pk)
    if coverage.effective_to is not None:
        others = others.filter(effective_from__lte=coverage.effective_to)
    others = others.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=coverage.effective_from)
    )
    return others.order_by("effective_from").first()


@transaction.atomic
def coverage_create(*, episode, data, user, context=None):
    """A new coverage of `episode` from `data` (the COVERAGE_FIELDS), by one who keeps
    coverage (`billing.access`); audited."""
    require_coverage_writer(user, episode.patient)
    coverage = Coverage(episode=episode, created_by=user)
    for name in COVERAGE_FIELDS:
        if name in data:
            setattr(coverage, name, data[name])
    # Serialise creations for one episode (the one-primary rule reads the others).
    type(episode).objects.select_for_update().filter(pk=episode.pk).first()
    coverage_validate(coverage)
    coverage.save()
    audit_change(CREATE, coverage, user=user, context=context)
    return coverage


@transaction.atomic
def coverage_update(*, coverage, data, user, context=None):
    """Change a coverage's fields from `data`; audited with the names of the fields changed."""
    coverage = Coverage.objects.select_for_update().select_related("episode").get(pk=coverage.pk)
    require_coverage_writer(user, coverage.episode.patient)
    before = {name: getattr(coverage, name) for name in COVERAGE_FIELDS}
    for name in COVERAGE_FIELDS:
        if name in data:
            setattr(coverage, name, data[name])
    coverage_validate(coverage, payer_changed=coverage.payer != before["payer"])
    changed = [n for n in COVERAGE_FIELDS if getattr(coverage, n) != before[n]]
    coverage.updated_at = timezone.now()
    coverage.save()
    audit_change(
        UPDATE, coverage, user=user, context=context, detail="changed: " + ", ".join(changed)
    )
    return coverage


def payer_validate(payer):
    errors = {}
    try:
        payer.name = clean_text(payer.name, field="name", max_length=120)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        payer.payer_id = clean_text(
            payer.payer_id, field="payer_id", max_length=20, what="payer id"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if not payer.name and "name" not in errors:
        errors["name"] = ["Enter the payer's name."]
    if "name" not in errors:
        same = Payer.objects.annotate(lower=Lower("name")).filter(lower=payer.name.lower())
        if same.exclude(pk=payer.pk).exists():
            errors["name"] = [f"{payer.name} is already on the list."]
    if payer.kind not in Payer.Kind.values:
        errors["kind"] = ["Choose commercial, Medicaid, Medicare or other."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def payer_save(*, payer, user, context=None):
    """Add or change a payer on the list (admins keep it); audited."""
    created = payer.pk is None
    payer_validate(payer)
    payer.save()
    audit_record(action=CREATE if created else UPDATE, obj=payer, user=user, context=context)
    return payer


def payer_named(name):
    """The active payer of this name (any case), or None: how a patient's free-text payer
    from registration becomes a coverage's."""
    name = (name or "").strip()
    if not name:
        return None
    named = Payer.objects.active().annotate(lower=Lower("name")).filter(lower=name.lower())
    return named.first()
