"""Progress reviews of the active plan: opened pre-filled with what the system knows,
completed with a rating per objective and a decision."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.services import audit_change
from iop.errors import ConflictError
from patients.instruments import INSTRUMENTS
from patients.models import MeasureResponse
from plans.models import (
    Objective,
    PlanReview,
    ProgressEntry,
    StaleEditError,
    TreatmentPlan,
    review_due_after,
)
from plans.selectors import measure_progress
from plans.services.drafts import CREATE, UPDATE, require_clinical
from plans.services.progress import progress_record

# Callables (plan, period_start) -> dict merged into a review's prefill; registered by apps that
# know more about the period (sessions: attendance and hours). plans never imports them.
review_prefill_hooks = []


def _review_period_start(plan):
    last = (
        PlanReview.objects.filter(
            plan__episode_id=plan.episode_id, status=PlanReview.Status.COMPLETED
        )
        .order_by("-completed_at")
        .first()
    )
    if last:
        return timezone.localdate(last.completed_at)
    return timezone.localdate(plan.activated_at or plan.created_at)


def review_prefill(plan, period_start):
    """What the system knows since `period_start`: measure trends and objective progress."""
    start = timezone.make_aware(datetime.combine(period_start, datetime.min.time()))
    measures = {}
    for row in (
        MeasureResponse.objects.filter(patient_id=plan.patient_id, total_score__isnull=False)
        .order_by("administered_at", "pk")
        .values("instrument", "administered_at", "total_score", "severity")
    ):
        entry = measures.setdefault(
            row["instrument"],
            {"name": INSTRUMENTS[row["instrument"]].name, "before": None, "during": []},
        )
        if row["administered_at"] < start:
            entry["before"] = row["total_score"]
        else:
            entry["during"].append(
                {
                    "date": timezone.localdate(row["administered_at"]).isoformat(),
                    "total": row["total_score"],
                    "severity": row["severity"],
                }
            )
    trends = []
    for code, entry in measures.items():
        during = entry["during"]
        if not during:
            continue
        first = entry["before"] if entry["before"] is not None else during[0]["total"]
        last = during[-1]["total"]
        trends.append(
            {
                "instrument": code,
                "name": entry["name"],
                "from": first,
                "to": last,
                "change": last - first,
                "count": len(during),
                "latest_severity": during[-1]["severity"],
                "results": during,
            }
        )
    objectives = Objective.objects.filter(goal__problem__plan=plan).select_related("goal")
    lineages = [o.lineage for o in objectives]
    entries = ProgressEntry.objects.filter(lineage__in=lineages, recorded_at__gte=start)
    by_lineage = {}
    for entry in entries.order_by("recorded_at"):
        by_lineage.setdefault(entry.lineage, []).append(entry)
    measured = measure_progress(plan, objectives)
    progress = []
    for objective in objectives:
        mine = by_lineage.get(objective.lineage, [])
        progress.append(
            {
                "objective": objective.pk,
                "description": objective.description,
                "entries": len(mine),
                "sessions": len({e.session_ref for e in mine if e.session_ref}),
                "latest_rating": mine[-1].get_rating_display() if mine else None,
                "measure": {
                    k: v
                    for k, v in measured.get(objective.pk, {}).items()
                    if k not in ("points", "latest_at")
                }
                or None,
            }
        )
    prefill = {"period_start": period_start.isoformat(), "measures": trends, "objectives": progress}
    for hook in review_prefill_hooks:  # e.g. sessions adds attendance and hours
        prefill.update(hook(plan, period_start))
    return prefill


@transaction.atomic
def review_open(*, plan, user=None, context=None):
    """Open (or return) the review of the active plan for its next due date, pre-filled."""
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != TreatmentPlan.Status.ACTIVE or plan.next_review_due is None:
        raise ValidationError("Only an active plan with a review date is reviewed.")
    review = PlanReview.objects.filter(plan=plan, status=PlanReview.Status.OPEN).first()
    if review:
        return review
    start = _review_period_start(plan)
    review, created = PlanReview.objects.get_or_create(
        plan=plan,
        due_date=plan.next_review_due,
        defaults={
            "patient_id": plan.patient_id,
            "period_start": start,
            "opened_by": user,
            "prefill": review_prefill(plan, start),
        },
    )
    if created:
        audit_change(CREATE, review, user=user, context=context, detail=f"due {review.due_date}")
    return review


@transaction.atomic
def review_complete(*, review, decision, user, summary="", ratings=None, context=None):
    """Record the review: progress per objective, a decision; the next review is scheduled.

    `ratings` maps objective id to (rating, comment); objectives left out are not rated.
    """
    require_clinical(user, "complete plan reviews")
    review = (
        PlanReview.objects.select_for_update()
        .select_related("plan__episode__program")
        .get(pk=review.pk)
    )
    if not review.is_open:
        raise ValidationError("This review is already completed.")
    errors = {}
    if decision not in PlanReview.Decision.values:
        errors["decision"] = "Choose a decision."
    if not (summary or "").strip():
        errors["summary"] = "Summarize progress since the last review."
    objectives = {o.pk: o for o in Objective.objects.filter(goal__problem__plan=review.plan)}
    for objective_id in ratings or {}:
        if objective_id not in objectives:
            errors["ratings"] = f"Objective {objective_id} is not in this plan."
    if errors:
        raise ValidationError(errors)
    for objective_id, (rating, comment) in (ratings or {}).items():
        progress_record(
            objective=objectives[objective_id],
            rating=rating,
            note=comment or "",
            user=user,
            review=review,
            context=context,
        )
    now = timezone.now()
    review.status = PlanReview.Status.COMPLETED
    review.decision = decision
    review.summary = summary.strip()
    review.draft = {}
    review.completed_by = user
    review.completed_at = now
    review.save()
    plan = review.plan
    plan.next_review_due = review_due_after(
        timezone.localdate(now), plan.episode.program.review_cadence_days
    )
    plan.save(update_fields=["next_review_due", "updated_at"])
    audit_change(UPDATE, review, user=user, context=context, detail=f"completed: {decision}")
    return review


DRAFT_TEXT_LIMIT = 20_000


@transaction.atomic
def review_draft_save(*, review, data, user, revision=None, context=None):
    """Keep what the reviewer has typed so far on an open review (the page autosaves it), so a
    logoff or a closed tab loses nothing. Only the review form's own fields are kept: the
    decision, the summary, and a rating and comment per objective of the reviewed plan.

    A completed review is no longer a draft (ConflictError, 409); a save from a copy older
    than the last save is refused (StaleEditError), saying when the other save was made.
    """
    require_clinical(user, "write plan reviews")
    review = PlanReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_open:
        raise ConflictError("This review is completed; it is no longer a draft.")
    if revision is not None and revision != review.revision:
        raise StaleEditError(
            "This review was saved elsewhere since you opened it: reload to see that version "
            "(copy your text first)."
        )
    objective_ids = set(
        Objective.objects.filter(goal__problem__plan=review.plan_id).values_list("pk", flat=True)
    )
    allowed = {"decision", "summary"} | {
        f"{kind}_{pk}" for pk in objective_ids for kind in ("rating", "comment")
    }
    draft = {}
    for key, value in (data or {}).items():
        if key not in allowed or value in (None, ""):
            continue
        value = str(value)
        if len(value) > DRAFT_TEXT_LIMIT:
            raise ValidationError({key: f"Keep this under {DRAFT_TEXT_LIMIT:,} characters."})
        draft[key] = value
    if draft.get("decision", "") not in ("", *PlanReview.Decision.values):
        raise ValidationError({"decision": "Choose a decision."})
    review.draft = draft
    review.revision += 1
    review.save(update_fields=["draft", "revision"])
    audit_change(UPDATE, review, user=user, context=context, detail="draft saved")
    return review
