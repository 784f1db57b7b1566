"""Planned short step-downs: a week or two below the weekly minimum, still at the same level of
care and not non-attendance (CLINICAL.md, "Levels of care and hours")."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.models import Episode
from patients.services import require_cares_for_episode
from sessions.models import StepDown

CREATE = AuditEvent.Action.CREATE
LONGEST_DAYS = 14  # two weeks: longer is a change of level of care
PLANNED_AHEAD_DAYS = 366


@transaction.atomic
def step_down_record(*, episode, starts_on, ends_on, reason, user, context=None):
    """Record a planned step-down of an active PHP or IOP episode, from `starts_on` to `ends_on`
    (one to two weeks; from the admission; not overlapping another), with the reason."""
    episode = Episode.objects.select_for_update().select_related("program").get(pk=episode.pk)
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("Only an active episode records a planned step-down.")
    require_cares_for_episode(user, episode, "records a planned step-down")
    if episode.level_of_care == Episode.LevelOfCare.OP:
        raise ValidationError("OP has no weekly minimum: there is no step-down to record.")
    errors = {}
    reason = (reason or "").strip()
    if starts_on is None:
        errors["starts_on"] = "Give the first day of the step-down."
    if ends_on is None:
        errors["ends_on"] = "Give the last day of the step-down."
    if not reason:
        errors["reason"] = "Say why the hours are planned below the minimum."
    elif len(reason) > StepDown._meta.get_field("reason").max_length:
        errors["reason"] = "Keep the reason under 200 characters."
    if errors:
        raise ValidationError(errors)
    if ends_on < starts_on:
        errors["ends_on"] = "The step-down ends before it starts."
    elif (ends_on - starts_on).days >= LONGEST_DAYS:
        errors["ends_on"] = "A planned step-down lasts one to two weeks; change the level of care."
    if episode.admission_date and starts_on < episode.admission_date:
        errors["starts_on"] = (
            f"The step-down starts before the admission ({episode.admission_date:%-d %b %Y})."
        )
    elif starts_on > timezone.localdate() + timedelta(days=PLANNED_AHEAD_DAYS):
        errors["starts_on"] = "The step-down starts more than a year ahead."
    if errors:
        raise ValidationError(errors)
    overlap = (
        StepDown.objects.filter(episode=episode, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("starts_on")
        .first()
    )
    if overlap is not None:
        raise ValidationError(
            {
                "starts_on": "It overlaps the step-down recorded for "
                f"{overlap.starts_on:%-d %b}–{overlap.ends_on:%-d %b %Y}."
            }
        )
    step = StepDown.objects.create(
        episode=episode, starts_on=starts_on, ends_on=ends_on, reason=reason, recorded_by=user
    )
    audit_change(CREATE, step, user=user, context=context, detail=f"{starts_on} to {ends_on}")
    return step
