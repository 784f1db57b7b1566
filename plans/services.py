"""Every write to treatment plans, reviews, safety and aftercare plans (keyword-only, atomic).

Versioned documents are changed only while they are drafts (NotADraftError otherwise), and an
edit that names the draft `revision` it started from is refused if someone saved in between
(StaleEditError), so nothing is silently overwritten.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients import services as patient_services
from patients.instruments import INSTRUMENTS
from patients.models import Alert, Episode, MeasureResponse
from plans.models import (
    AftercarePlan,
    Goal,
    Intervention,
    NotADraftError,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    StaleEditError,
    TreatmentPlan,
    review_due_after,
)

# Callables (plan, period_start) -> dict merged into a review's prefill; registered by apps that
# know more about the period (sessions: attendance and hours). plans never imports them.
review_prefill_hooks = []

CREATE, UPDATE, DELETE = (
    AuditEvent.Action.CREATE,
    AuditEvent.Action.UPDATE,
    AuditEvent.Action.DELETE,
)


def _audit(action, obj, *, user, request=None, detail=""):
    audit_record(
        action=action,
        request=request,
        user=user,
        obj=obj,
        patient_id=obj.audit_patient_id,
        detail=detail[:300],
    )


def _require_clinical(user, doing):
    if not user.has_role(*Role.CLINICAL):
        raise ValidationError(f"Only a clinician or supervisor can {doing}.")


def _lock_draft(document, revision=None):
    """Lock the draft row, refuse a signed version or a stale editor, and bump the revision."""
    document = type(document).objects.select_for_update().get(pk=document.pk)
    if not document.is_draft:
        raise NotADraftError(
            f"Version {document.version} is {document.get_status_display().lower()} and cannot "
            "be changed. Revise it to make a new draft."
        )
    if revision in ("", None):
        revision = None
    else:
        try:
            revision = int(revision)
        except (TypeError, ValueError):
            raise ValidationError({"revision": "The revision must be a whole number."}) from None
    if revision is not None and revision != document.revision:
        who = document.updated_by.display_name if document.updated_by else "someone else"
        when = timezone.localtime(document.updated_at)
        raise StaleEditError(
            f"{who} saved this draft at {when:%H:%M} after you opened it. Your changes were not "
            "saved; they are kept below. Review the current draft and save again."
        )
    return document


def _touch(document, user):
    document.revision += 1
    document.updated_by = user
    document.save(update_fields=["revision", "updated_by", "updated_at"])


# --- the plan itself -------------------------------------------------------------------------


@transaction.atomic
def plan_start(*, episode, user, request=None):
    """Start the episode's plan: its draft if one exists, a revision of the active plan, or v1."""
    _require_clinical(user, "write treatment plans")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("A treatment plan is written for an admitted (active) episode.")
    plans = TreatmentPlan.objects.filter(episode=episode)
    draft = plans.filter(status=TreatmentPlan.Status.DRAFT).first()
    if draft:
        return draft
    active = plans.filter(status=TreatmentPlan.Status.ACTIVE).first()
    if active:
        return plan_revise(plan=active, user=user, request=request)
    plan = TreatmentPlan.objects.create(
        episode=episode,
        patient_id=episode.patient_id,
        version=1,
        created_by=user,
        updated_by=user,
    )
    _audit(CREATE, plan, user=user, request=request, detail="version 1")
    return plan


@transaction.atomic
def plan_update(*, plan, data, user, revision=None, request=None):
    plan = _lock_draft(plan, revision)
    for field in ("summary",):
        if field in data:
            setattr(plan, field, data[field])
    plan.full_clean(validate_constraints=False)
    plan.save()
    _touch(plan, user)
    _audit(UPDATE, plan, user=user, request=request, detail="summary")
    return plan


def _add(model, owner, *, user, revision, request, **fields):
    plan = _lock_draft(owner, revision)
    parent_field, parent = next(
        (k, v) for k, v in fields.items() if k in ("plan", "problem", "goal", "objective")
    )
    siblings = model.objects.filter(**{parent_field: parent})
    item = model(**fields, position=(siblings.aggregate(m=Max("position"))["m"] or 0) + 1)
    item.full_clean()
    item.save()
    _touch(plan, user)
    _audit(CREATE, plan, user=user, request=request, detail=f"added {model._meta.verbose_name}")
    return item


@transaction.atomic
def problem_add(*, plan, data, user, revision=None, request=None):
    return _add(Problem, plan, plan=plan, user=user, revision=revision, request=request, **data)


@transaction.atomic
def goal_add(*, problem, data, user, revision=None, request=None):
    return _add(
        Goal, problem.plan, problem=problem, user=user, revision=revision, request=request, **data
    )


def _check_measure(code, target):
    """An objective's measure: both the instrument and a target inside its total, or neither."""
    if bool(code) != (target is not None):
        raise ValidationError(
            {"measure_target": "Give both the measure and its target, or neither."}
        )
    if code:
        instrument = INSTRUMENTS.get(code)
        if instrument is None or instrument.min_total is None:
            raise ValidationError({"measure_instrument": "Choose a measure with a total score."})
        if not instrument.min_total < target <= instrument.max_total:
            raise ValidationError(
                {
                    "measure_target": f"{instrument.name} totals run {instrument.min_total}–"
                    f"{instrument.max_total}; choose a target above {instrument.min_total}."
                }
            )


@transaction.atomic
def objective_add(*, goal, data, user, revision=None, request=None):
    data = dict(data)
    _check_measure(data.get("measure_instrument"), data.get("measure_target"))
    plan = goal.problem.plan
    return _add(Objective, plan, goal=goal, user=user, revision=revision, request=request, **data)


@transaction.atomic
def intervention_add(*, objective, data, user, revision=None, request=None):
    plan = objective.goal.problem.plan
    return _add(
        Intervention,
        plan,
        objective=objective,
        user=user,
        revision=revision,
        request=request,
        **data,
    )


def plan_of(item):
    if isinstance(item, Problem):
        return item.plan
    if isinstance(item, Goal):
        return item.problem.plan
    if isinstance(item, Objective):
        return item.goal.problem.plan
    return item.objective.goal.problem.plan


@transaction.atomic
def item_update(*, item, data, user, revision=None, request=None):
    """Change one problem, goal, objective or intervention of a draft."""
    plan = _lock_draft(plan_of(item), revision)
    if isinstance(item, Objective):
        _check_measure(
            data.get("measure_instrument", item.measure_instrument),
            data.get("measure_target", item.measure_target),
        )
    for field, value in data.items():
        setattr(item, field, value)
    item.full_clean()
    item.save()
    _touch(plan, user)
    _audit(UPDATE, plan, user=user, request=request, detail=f"changed {item._meta.verbose_name}")
    return item


@transaction.atomic
def item_remove(*, item, user, revision=None, request=None):
    """Remove a problem, goal, objective or intervention (and what hangs under it) from a draft."""
    plan = _lock_draft(plan_of(item), revision)
    kind = item._meta.verbose_name
    if isinstance(item, Objective) and item.progress.exists():
        raise ValidationError(
            "This objective has progress recorded against it; mark its goal discontinued instead."
        )
    under = {Problem: "objective__goal__problem", Goal: "objective__goal"}.get(type(item))
    if under and ProgressEntry.objects.filter(**{under: item}).exists():
        raise ValidationError(
            f"This {kind} has an objective with progress recorded against it; mark the goal "
            "discontinued instead."
        )
    item.delete()
    _touch(plan, user)
    _audit(UPDATE, plan, user=user, request=request, detail=f"removed {kind}")
    return plan


@transaction.atomic
def plan_activate(
    *, plan, user, patient_ack_name, patient_ack_at=None, revision=None, request=None
):
    """Sign and activate a draft: it needs a goal, the clinician's signature and the patient's
    acknowledgement. The plan it revises is superseded; the next review follows the cadence."""
    _require_clinical(user, "sign treatment plans")
    plan = _lock_draft(plan, revision)
    errors = {}
    if not Goal.objects.filter(problem__plan=plan).exists():
        errors["goals"] = "Add at least one goal before signing."
    if not (patient_ack_name or "").strip():
        errors["patient_ack_name"] = "Record the name of the patient acknowledging the plan."
    now = timezone.now()
    if patient_ack_at and patient_ack_at > now + timezone.timedelta(minutes=5):
        errors["patient_ack_at"] = "The acknowledgement time is in the future."
    if errors:
        raise ValidationError(errors)
    previous = (
        TreatmentPlan.objects.select_for_update()
        .filter(episode_id=plan.episode_id, status=TreatmentPlan.Status.ACTIVE)
        .first()
    )
    if previous:
        previous.status = TreatmentPlan.Status.SUPERSEDED
        previous.ended_at = now
        previous.save(update_fields=["status", "ended_at", "updated_at"])
        PlanReview.objects.filter(plan=previous, status=PlanReview.Status.OPEN).update(plan=plan)
        _audit(
            UPDATE,
            previous,
            user=user,
            request=request,
            detail=f"superseded by version {plan.version}",
        )
    plan.status = TreatmentPlan.Status.ACTIVE
    plan.signed_by = user
    plan.signed_at = now
    plan.patient_ack_name = patient_ack_name.strip()
    plan.patient_ack_at = patient_ack_at or now
    plan.activated_at = now
    plan.updated_by = user
    cadence = plan.episode.program.review_cadence_days
    plan.next_review_due = review_due_after(timezone.localdate(now), cadence)
    plan.save()
    _audit(UPDATE, plan, user=user, request=request, detail="signed and activated")
    return plan


@transaction.atomic
def plan_revise(*, plan, user, request=None):
    """A new draft version, pre-filled from the active plan (objectives keep their lineage)."""
    _require_clinical(user, "revise treatment plans")
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != TreatmentPlan.Status.ACTIVE:
        raise NotADraftError("Only the active plan can be revised.")
    existing = TreatmentPlan.objects.filter(
        episode_id=plan.episode_id, status=TreatmentPlan.Status.DRAFT
    ).first()
    if existing:
        return existing
    latest = TreatmentPlan.objects.filter(episode_id=plan.episode_id).aggregate(m=Max("version"))
    draft = TreatmentPlan.objects.create(
        episode_id=plan.episode_id,
        patient_id=plan.patient_id,
        version=latest["m"] + 1,
        previous=plan,
        summary=plan.summary,
        created_by=user,
        updated_by=user,
    )
    for problem in plan.problems.prefetch_related("goals__objectives__interventions"):
        goals = list(problem.goals.all())
        problem.pk, problem.plan = None, draft
        problem.save()
        for goal in goals:
            objectives = list(goal.objectives.all())
            goal.pk, goal.problem = None, problem
            goal.save()
            for objective in objectives:
                interventions = list(objective.interventions.all())
                objective.pk, objective.goal = None, goal
                objective.save()
                for intervention in interventions:
                    intervention.pk, intervention.objective = None, objective
                    intervention.save()
    _audit(CREATE, draft, user=user, request=request, detail=f"revision of version {plan.version}")
    return draft


def close_plans_on_discharge(episode, user, request=None):
    """Discharge hook: the episode's active and draft plans close with the discharge reason."""
    reason = f"Discharged: {episode.get_discharge_reason_display()}"
    now = timezone.now()
    for plan in TreatmentPlan.objects.filter(
        episode=episode, status__in=[TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT]
    ):
        plan.status = TreatmentPlan.Status.CLOSED
        plan.ended_at = now
        plan.close_reason = reason
        plan.next_review_due = None
        plan.save()
        PlanReview.objects.filter(plan=plan, status=PlanReview.Status.OPEN).delete()
        _audit(UPDATE, plan, user=user, request=request, detail="closed at discharge")


def require_aftercare(episode):
    """Discharge guard: an episode is discharged only with a complete aftercare plan."""
    aftercare = AftercarePlan.objects.filter(episode=episode).first()
    if aftercare is None:
        raise ValidationError(
            {
                "aftercare": "Write the aftercare plan before discharging (step-down care, "
                "follow-up, relapse prevention, crisis resources)."
            }
        )
    missing = aftercare.missing()
    if missing:
        raise ValidationError(
            {"aftercare": "The aftercare plan is missing: " + ", ".join(missing) + "."}
        )


# --- progress and measures -------------------------------------------------------------------


@transaction.atomic
def progress_record(
    *,
    objective,
    rating,
    user,
    note="",
    session_ref=None,
    review=None,
    recorded_at=None,
    request=None,
):
    if rating not in ProgressEntry.Rating.values:
        raise ValidationError({"rating": "Choose a rating from 0 (no progress) to 4 (met)."})
    plan = objective.goal.problem.plan
    entry = ProgressEntry.objects.create(
        objective=objective,
        lineage=objective.lineage,
        patient_id=plan.patient_id,
        rating=rating,
        note=note.strip(),
        session_ref=session_ref,
        review=review,
        recorded_by=user,
        recorded_at=recorded_at or timezone.now(),
    )
    _audit(CREATE, entry, user=user, request=request)
    return entry


def measure_progress(plan, objectives=None):
    """{objective id: progress} for the plan's measure-tied objectives, read from real results.

    One query for all of them. Baseline: the first result since the episode's admission (or the
    last before it); latest: the newest. `met` when the latest total is below the target.
    """
    if objectives is None:
        objectives = Objective.objects.filter(goal__problem__plan=plan)
    tied = [o for o in objectives if o.measure_instrument and o.measure_target is not None]
    if not tied:
        return {}
    results = list(
        MeasureResponse.objects.filter(
            patient_id=plan.patient_id,
            instrument__in={o.measure_instrument for o in tied},
        )
        .order_by("administered_at", "pk")
        .values("instrument", "administered_at", "total_score")
    )
    admitted = plan.episode.admission_date
    today = timezone.localdate()
    progress = {}
    for objective in tied:
        series = [r for r in results if r["instrument"] == objective.measure_instrument]
        since = [
            r
            for r in series
            if admitted is None or timezone.localdate(r["administered_at"]) >= admitted
        ]
        before = [r for r in series if r not in since]
        baseline = since[0] if since else (before[-1] if before else None)
        latest = series[-1] if series else None
        met = latest is not None and latest["total_score"] < objective.measure_target
        if latest is None:
            state = "no results yet"
        elif met:
            state = "met"
        elif objective.target_date < today:
            state = "not met by the target date"
        else:
            state = "not yet met"
        progress[objective.pk] = {
            "instrument": INSTRUMENTS[objective.measure_instrument].name,
            "target": objective.measure_target,
            "baseline": baseline["total_score"] if baseline else None,
            "latest": latest["total_score"] if latest else None,
            "latest_at": latest["administered_at"] if latest else None,
            "change": (latest["total_score"] - baseline["total_score"])
            if (latest and baseline)
            else None,
            "met": met,
            "state": state,
            "points": [(r["administered_at"], r["total_score"]) for r in series],
        }
    return progress


# --- reviews ---------------------------------------------------------------------------------


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
def review_open(*, plan, user=None, request=None):
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
        _audit(CREATE, review, user=user, request=request, detail=f"due {review.due_date}")
    return review


@transaction.atomic
def review_complete(*, review, decision, user, summary="", ratings=None, request=None):
    """Record the review: progress per objective, a decision; the next review is scheduled.

    `ratings` maps objective id to (rating, comment); objectives left out are not rated.
    """
    _require_clinical(user, "complete plan reviews")
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
            request=request,
        )
    now = timezone.now()
    review.status = PlanReview.Status.COMPLETED
    review.decision = decision
    review.summary = summary.strip()
    review.completed_by = user
    review.completed_at = now
    review.save()
    plan = review.plan
    plan.next_review_due = review_due_after(
        review.due_date,
        plan.episode.program.review_cadence_days,
        not_before=timezone.localdate(now),
    )
    plan.save(update_fields=["next_review_due", "updated_at"])
    _audit(UPDATE, review, user=user, request=request, detail=f"completed: {decision}")
    return review


# --- safety plan -----------------------------------------------------------------------------


def current_safety_plan(patient):
    return SafetyPlan.objects.filter(patient=patient, status=SafetyPlan.Status.ACTIVE).first()


def safety_plan_needed(patient):
    """An open moderate or high risk alert and no active safety plan."""
    return (
        Alert.objects.filter(
            patient=patient,
            kind=Alert.Kind.RISK,
            status=Alert.Status.OPEN,
            risk_level__in=["moderate", "high"],
        ).exists()
        and not SafetyPlan.objects.filter(patient=patient, status="active").exists()
    )


@transaction.atomic
def safety_plan_start(*, patient, user, request=None):
    """The patient's draft safety plan, or a new one pre-filled from the active version."""
    _require_clinical(user, "write safety plans")
    draft = SafetyPlan.objects.filter(patient=patient, status=SafetyPlan.Status.DRAFT).first()
    if draft:
        return draft
    episode = patient.episodes.open().first() or patient.episodes.first()
    if episode is None:
        raise ValidationError("The patient has no episode of care.")
    active = current_safety_plan(patient)
    latest = SafetyPlan.objects.filter(patient=patient).aggregate(m=Max("version"))["m"] or 0
    draft = SafetyPlan(
        patient=patient, episode=episode, version=latest + 1, created_by=user, updated_by=user
    )
    if active:
        for name in SafetyPlan.SECTIONS:
            setattr(draft, name, getattr(active, name))
    draft.save()
    _audit(CREATE, draft, user=user, request=request, detail=f"version {draft.version}")
    return draft


@transaction.atomic
def safety_plan_update(*, plan, data, user, revision=None, request=None):
    plan = _lock_draft(plan, revision)
    for name in SafetyPlan.SECTIONS:
        if name in data:
            setattr(plan, name, data[name])
    plan.full_clean(validate_constraints=False)
    plan.save()
    _touch(plan, user)
    _audit(UPDATE, plan, user=user, request=request)
    return plan


@transaction.atomic
def safety_plan_activate(*, plan, user, patient_ack_name, revision=None, request=None):
    _require_clinical(user, "sign safety plans")
    plan = _lock_draft(plan, revision)
    errors = {}
    for name in ("warning_signs", "coping_strategies", "help_contacts", "professional_contacts"):
        if not getattr(plan, name).strip():
            errors[name] = "This section is needed before the plan is signed."
    if not (patient_ack_name or "").strip():
        errors["patient_ack_name"] = "Record the name of the patient acknowledging the plan."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = (
        SafetyPlan.objects.select_for_update()
        .filter(patient_id=plan.patient_id, status=SafetyPlan.Status.ACTIVE)
        .first()
    )
    if previous:
        previous.status = SafetyPlan.Status.SUPERSEDED
        previous.ended_at = now
        previous.save(update_fields=["status", "ended_at", "updated_at"])
    plan.status = SafetyPlan.Status.ACTIVE
    plan.signed_by, plan.signed_at, plan.activated_at = user, now, now
    plan.patient_ack_name, plan.patient_ack_at = patient_ack_name.strip(), now
    plan.save()
    _audit(UPDATE, plan, user=user, request=request, detail="signed and activated")
    return plan


# --- aftercare and discharge -----------------------------------------------------------------


@transaction.atomic
def aftercare_save(*, episode, data, user, request=None):
    _require_clinical(user, "write aftercare plans")
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("Aftercare is planned for an active episode.")
    aftercare = AftercarePlan.objects.filter(episode=episode).first()
    created = aftercare is None
    if created:
        aftercare = AftercarePlan(episode=episode, patient_id=episode.patient_id, created_by=user)
    for field, value in data.items():
        setattr(aftercare, field, value)
    aftercare.full_clean()
    aftercare.save()
    _audit(CREATE if created else UPDATE, aftercare, user=user, request=request)
    return aftercare


@transaction.atomic
def episode_discharge(*, episode, aftercare, reason, user, discharge_date=None, request=None):
    """Save the aftercare plan and discharge: the plan closes and the reason is recorded."""
    _require_clinical(user, "discharge patients")
    aftercare_save(episode=episode, data=aftercare, user=user, request=request)
    return patient_services.episode_transition(
        episode=episode,
        to_status=Episode.Status.DISCHARGED,
        user=user,
        request=request,
        discharge_reason=reason,
        discharge_date=discharge_date,
    )
