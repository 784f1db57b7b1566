"""Writing a draft treatment plan: start it, its summary, and its problems → goals →
objectives → interventions (added, changed, removed)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from iop.audit.services import audit_change
from iop.validation import dates_in_order, target_date_in_range
from patients import extensions
from patients.instruments import INSTRUMENTS
from patients.models import Episode, IntakeAssessment
from patients.models.intake import ICD10_CODE
from plans.models import (
    Goal,
    Intervention,
    Objective,
    Problem,
    ProgressEntry,
    TreatmentPlan,
    unquoted,
)
from plans.selectors import plan_of
from plans.services.activation import plan_revise
from plans.services.drafts import CREATE, UPDATE, lock_draft, require_clinical, touch
from plans.services.library import check_goal_in_client_words


@transaction.atomic
def plan_start(*, episode, user, context=None):
    """Start the episode's plan: its draft if one exists, a revision of the active plan, or v1."""
    require_clinical(user, "write treatment plans")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("A treatment plan is written for an admitted (active) episode.")
    plans = TreatmentPlan.objects.filter(episode=episode)
    draft = plans.drafts().first()
    if draft:
        return draft
    active = plans.active().first()
    if active:
        return plan_revise(plan=active, user=user, context=context)
    plan = TreatmentPlan.objects.create(
        episode=episode,
        patient_id=episode.patient_id,
        version=1,
        created_by=user,
        updated_by=user,
    )
    audit_change(CREATE, plan, user=user, context=context, detail="version 1")
    return plan


@transaction.atomic
def plan_update(*, plan, data, user, revision=None, context=None):
    plan = lock_draft(plan, revision)
    for field in ("summary",):
        if field in data:
            setattr(plan, field, data[field])
    plan.full_clean(validate_constraints=False)
    plan.save()
    touch(plan, user)
    audit_change(UPDATE, plan, user=user, context=context, detail="summary")
    return plan


def _add(model, owner, *, user, revision, context, **fields):
    plan = lock_draft(owner, revision)
    parent_field, parent = next(
        (k, v) for k, v in fields.items() if k in ("plan", "problem", "goal", "objective")
    )
    siblings = model.objects.filter(**{parent_field: parent})
    item = model(**fields, position=(siblings.aggregate(m=Max("position"))["m"] or 0) + 1)
    item.full_clean()
    item.save()
    touch(plan, user)
    audit_change(
        CREATE, plan, user=user, context=context, detail=f"added {model._meta.verbose_name}"
    )
    return item


def _check_diagnosis(plan, data):
    """A problem's linked diagnosis is one the episode's intake assessment made (an ICD-10 code,
    stored upper-case). Returns `data` with the code normalised."""
    if "diagnosis_code" not in data:
        return data
    code = (data["diagnosis_code"] or "").strip().upper()
    data = {**data, "diagnosis_code": code}
    if not code:
        return data
    if not ICD10_CODE.match(code):
        raise ValidationError({"diagnosis_code": f"Not an ICD-10 code: {code}."})
    intake = IntakeAssessment.objects.filter(episode_id=plan.episode_id).first()
    codes = [d.get("code", "").upper() for d in (intake.diagnoses if intake else [])]
    if code not in codes:
        listed = ", ".join(codes) if codes else "none"
        raise ValidationError({"diagnosis_code": f"Link one of the intake's diagnoses ({listed})."})
    return data


def _check_target_dates(plan, data, *, goal=None, objective_goal=None):
    """A goal's or objective's new target date: in range from the plan's start (the episode's
    admission, or the day the plan was started), and an objective due no later than its goal.
    `goal` is a goal being changed (its objectives must stay inside it); `objective_goal` the
    goal of an objective being added or changed."""
    day = data.get("target_date")
    if day is None:
        return
    start = plan.episode.admission_date or timezone.localdate(plan.created_at)
    target_date_in_range(day, start=start)
    goal_due = objective_goal.target_date if objective_goal is not None else None
    if goal_due is not None:
        dates_in_order(
            day,
            goal_due,
            field="target_date",
            message=f"The objective is due after its goal ({goal_due:%-d %b %Y}).",
        )
    if goal is not None:
        latest = goal.objectives.exclude(target_date__isnull=True).order_by("-target_date").first()
        if latest is not None:
            dates_in_order(
                latest.target_date,
                day,
                field="target_date",
                message=f"An objective of this goal is due later ({latest.target_date:%-d %b %Y}).",
            )


def _goal_words(data):
    """A goal's words are stored without quotation marks around them: the pages quote them
    (typed with their own marks, they showed doubled)."""
    if "client_words" not in data:
        return data
    return {**data, "client_words": unquoted(data["client_words"])}


@transaction.atomic
def problem_add(*, plan, data, user, revision=None, context=None):
    data = _check_diagnosis(plan, data)
    return _add(Problem, plan, plan=plan, user=user, revision=revision, context=context, **data)


@transaction.atomic
def goal_add(*, problem, data, user, revision=None, context=None):
    data = _goal_words(data)
    _check_target_dates(problem.plan, data)
    check_goal_in_client_words(problem.plan, data)
    return _add(
        Goal, problem.plan, problem=problem, user=user, revision=revision, context=context, **data
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


def _check_target(data, item=None):
    """An objective's other target (`patients.extensions.objective_targets`): a registered
    kind with its weeks (1–52) and options, or none (then no weeks and no options). Returns
    `data` with the options normalised."""
    fields = ("target_kind", "target_weeks", "target_options")
    if not any(name in data for name in fields):
        return data
    current = {name: data.get(name, getattr(item, name, None)) for name in fields}
    kind, weeks = current["target_kind"] or "", current["target_weeks"]
    options = current["target_options"] or []
    if not kind:
        if weeks is not None or options:
            raise ValidationError({"target_kind": "Choose the kind of target, or leave all blank."})
        return {**data, "target_kind": "", "target_weeks": None, "target_options": []}
    target = extensions.objective_target(kind)
    if target is None:
        raise ValidationError({"target_kind": "Choose one of the kinds of target."})
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 52:
        raise ValidationError({"target_weeks": "Give a number of weeks from 1 to 52."})
    try:
        options = target.clean(weeks, options)
    except ValueError as error:
        raise ValidationError({"target_options": str(error)}) from None
    return {**data, "target_kind": kind, "target_weeks": weeks, "target_options": options}


@transaction.atomic
def objective_add(*, goal, data, user, revision=None, context=None):
    data = _check_target(dict(data))
    _check_measure(data.get("measure_instrument"), data.get("measure_target"))
    plan = goal.problem.plan
    _check_target_dates(plan, data, objective_goal=goal)
    return _add(Objective, plan, goal=goal, user=user, revision=revision, context=context, **data)


@transaction.atomic
def intervention_add(*, objective, data, user, revision=None, context=None):
    plan = objective.goal.problem.plan
    return _add(
        Intervention,
        plan,
        objective=objective,
        user=user,
        revision=revision,
        context=context,
        **data,
    )


@transaction.atomic
def item_update(*, item, data, user, revision=None, context=None):
    """Change one problem, goal, objective or intervention of a draft."""
    if isinstance(item, Problem):
        data = _check_diagnosis(item.plan, data)
    plan = lock_draft(plan_of(item), revision)
    if isinstance(item, Objective):
        data = _check_target(dict(data), item)
        _check_measure(
            data.get("measure_instrument", item.measure_instrument),
            data.get("measure_target", item.measure_target),
        )
    if isinstance(item, Goal):
        data = _goal_words(data)
        _check_target_dates(plan, data, goal=item)
        check_goal_in_client_words(plan, data)
    elif isinstance(item, Objective):
        _check_target_dates(plan, data, objective_goal=item.goal)
    for field, value in data.items():
        setattr(item, field, value)
    item.full_clean()
    item.save()
    touch(plan, user)
    audit_change(
        UPDATE, plan, user=user, context=context, detail=f"changed {item._meta.verbose_name}"
    )
    return item


@transaction.atomic
def item_remove(*, item, user, revision=None, context=None):
    """Remove a problem, goal, objective or intervention (and what hangs under it) from a draft."""
    plan = lock_draft(plan_of(item), revision)
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
    touch(plan, user)
    audit_change(UPDATE, plan, user=user, context=context, detail=f"removed {kind}")
    return plan
