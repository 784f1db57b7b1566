"""Reads of plans that the pages, the API and the services share, each in a fixed number of
queries: the plan tree with its progress, progress read from measures, the current safety plan."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from iop.shapes import shape
from iop.together import run_together
from patients import extensions
from patients.instruments import INSTRUMENTS
from patients.models import Alert, MeasureResponse
from plans.models import (
    Goal,
    Objective,
    Problem,
    ProgressEntry,
    SafetyPlan,
    TreatmentPlan,
)
from plans.tree import build_plan_trees, children_cache, plan_tree_rows, read_plan_trees

CHILDREN = {Problem: "goals", Goal: "objectives", Objective: "interventions"}


def plan_of(item):
    """The treatment plan a problem, goal, objective or intervention belongs to."""
    if isinstance(item, Problem):
        return item.plan
    if isinstance(item, Goal):
        return item.problem.plan
    if isinstance(item, Objective):
        return item.goal.problem.plan
    return item.objective.goal.problem.plan


MEASURED = ("instrument", "administered_at", "total_score")


def measure_progress(plan, objectives=None, *, results=None):
    """{objective id: progress} for the plan's measure-tied objectives, read from real results.

    One query for all of them (none when `results`, the patient's results of their
    instruments as `_tied_results` reads them, were read already). Baseline: the first result
    since the episode's admission (or the last before it); latest: the newest. `met` when the
    latest total is below the target.
    """
    if objectives is None:
        objectives = Objective.objects.filter(goal__problem__plan=plan)
    tied = [o for o in objectives if o.measure_instrument and o.measure_target is not None]
    if not tied:
        return {}
    if results is None:
        results = list(
            MeasureResponse.objects.filter(
                patient_id=plan.patient_id,
                instrument__in={o.measure_instrument for o in tied},
            )
            .order_by("administered_at", "pk")
            .values(*MEASURED)
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


def decorate_items(items, *, measures, entries=None, results=None):
    """Attach what a plan's items show, in a fixed number of queries.

    On every item (and the items under it, prefetched): `plan_revision`, the plan's current
    revision. On every objective: `progress_entries`, newest first (by lineage, so across plan
    versions). With `measures`: `measured`, progress read from the patient's measure results,
    one query per plan involved (so lists, which may span many plans, leave it out).
    `entries` (the objectives' progress entries, newest first) and `results` ({plan id: its
    `measure_progress` results}), when read already, save those queries.
    """
    objectives = []

    def walk(item, plan):
        item.plan_revision = plan.revision
        if isinstance(item, Objective):
            objectives.append((item, plan))
        children = CHILDREN.get(type(item))
        for child in getattr(item, children).all() if children else ():
            walk(child, plan)

    for item in items:
        walk(item, plan_of(item))
    if not objectives:
        return items
    if entries is None:
        entries = ProgressEntry.objects.filter(
            lineage__in={objective.lineage for objective, _ in objectives}
        ).select_related("recorded_by")
    by_lineage = {}
    for entry in entries:
        by_lineage.setdefault(entry.lineage, []).append(entry)
    for objective, _ in objectives:
        objective.progress_entries = by_lineage.get(objective.lineage, [])
    if measures:
        by_plan = {}
        for objective, plan in objectives:
            by_plan.setdefault(plan.pk, (plan, []))[1].append(objective)
        for plan, mine in by_plan.values():
            progress = measure_progress(plan, mine, results=(results or {}).get(plan.pk))
            for objective in mine:
                objective.measured = progress.get(objective.pk)
            for target in extensions.objective_targets:  # e.g. screens' clean weeks
                theirs = [o for o in mine if o.target_kind == target.kind]
                found = target.progress(plan, theirs) if theirs else {}
                for objective in theirs:
                    objective.targeted = found.get(objective.pk)
    return items


def plan_outline(plans):
    """Read the plans' problems → goals → objectives → interventions onto them
    (`plan.problems.all()`) without progress, for all the plans at once (one query). A plan
    read so already is left as it is (as prefetch_related_objects does)."""
    plans = [p for p in plans if "problems" not in getattr(p, "_prefetched_objects_cache", {})]
    if not plans:
        return
    trees = read_plan_trees(plans)
    for plan in plans:
        if not hasattr(plan, "_prefetched_objects_cache"):
            plan._prefetched_objects_cache = {}
        children_cache(plan, "problems", trees[plan.pk])


def plan_tree(plan):
    """The plan's problems → goals → objectives → interventions (with the responsible staff),
    decorated with progress entries and measure progress, whatever the plan's size: three
    reads, in one round trip on PostgreSQL."""
    return run_together(read_plan_tree_decorated(plan))[0]


def read_plan_tree_decorated(plan):
    """`plan_tree` as a reader (`iop.together`): the tree, its objectives' progress entries and
    the patient's results of the measures its objectives are tied to, read together (each a
    shape) before they are put together, as `decorate_items` would read them."""
    rows, entries, results = yield (
        plan_tree_rows(plan.pk),
        _plan_progress_entries(plan.pk),
        _tied_results(plan.pk, plan.patient_id),
    )
    problems = build_plan_trees({plan.pk: plan}, rows)[plan.pk]
    return decorate_items(problems, measures=True, entries=entries, results={plan.pk: results})


@shape
def _plan_progress_entries(plan_id):
    """The progress entries of the plan's objectives' lineages (`decorate_items`' read)."""
    lineages = Objective.objects.filter(goal__problem__plan=plan_id).values("lineage")
    return ProgressEntry.objects.filter(lineage__in=lineages).select_related("recorded_by")


@shape
def _tied_results(plan_id, patient_id):
    """The patient's results of the instruments the plan's objectives are tied to, oldest
    first (`measure_progress`' read): none when no objective is."""
    tied = (
        Objective.objects.filter(goal__problem__plan=plan_id, measure_target__isnull=False)
        .exclude(measure_instrument="")
        .values("measure_instrument")
    )
    return (
        MeasureResponse.objects.filter(patient_id=patient_id, instrument__in=tied)
        .order_by("administered_at", "pk")
        .values(*MEASURED)
    )


def current_safety_plan(patient):
    return SafetyPlan.objects.filter(patient=patient).active().first()


def safety_plan_needed(patient, *, has_active_plan=None):
    """No active safety plan, and the patient's risk calls for one (`safety_plans_needed`).
    `has_active_plan`: whether the patient has an active safety plan, when read already."""
    risks = None
    if hasattr(patient, "current_risk"):  # read already (the chart header): None is "no risk"
        risks = {patient.pk: patient.current_risk} if patient.current_risk is not None else {}
    # The open risk alerts, when read already (the chart header).
    alerts = getattr(patient, "open_risk_alerts", None)
    covered = None if has_active_plan is None else ({patient.pk} if has_active_plan else set())
    return patient.pk in safety_plans_needed(
        [patient.pk], risks=risks, open_risk_alerts=alerts, covered=covered
    )


# A risk alert calls for a safety plan at these levels, unless a screen or clinician assessment
# raised it (the latest of those is what judges, never the alert's own level).
PLAN_ALERT_LEVELS = ["moderate", "high"]
SCREENED = ["patients.measureresponse", "patients.riskassessment"]


def plan_alerts():
    """The open moderate or high risk alerts from another source than a screen or a clinician
    assessment (a note's risk rating): one newer than the patient's latest assessment calls
    for a safety plan (`safety_plans_needed`)."""
    return Alert.objects.filter(
        kind=Alert.Kind.RISK, status=Alert.Status.OPEN, risk_level__in=PLAN_ALERT_LEVELS
    ).exclude(source_type__in=SCREENED)


def safety_plan_facts(patient=None):
    """What `safety_plans_needed` asks of a patient besides their risk, as annotations for rows
    that carry the patient (`patient`: an OuterRef to their id, the row's `patient_id` unless
    told): `has_safety_plan` (an active one) and `plan_alert_at` (their newest `plan_alerts`,
    or None). Read with the caller's rows: two queries fewer."""
    patient = patient or OuterRef("patient_id")
    newest = plan_alerts().filter(patient_id=patient).order_by("-raised_at").values("raised_at")
    return {
        "has_safety_plan": Exists(SafetyPlan.objects.filter(patient_id=patient).active()),
        "plan_alert_at": Subquery(newest[:1]),
    }


def caseload_plan_annotations():
    """What the caseload's plan column reads of each episode, as annotations of the
    caseload's own rows (`extensions.caseload_annotations`): `has_plan` (an active treatment
    plan), `next_review_due` (its next review) and `safety_plan_facts` of the patient
    (`has_safety_plan`, `plan_alert_at`)."""
    active = TreatmentPlan.objects.filter(episode_id=OuterRef("pk")).active().order_by()
    return {
        "has_plan": Exists(active),
        "next_review_due": Subquery(active.values("next_review_due")[:1]),
        **safety_plan_facts(),
    }


def safety_plans_needed(
    patient_ids, *, risks=None, open_risk_alerts=None, covered=None, plan_alert_at=None
):
    """The patients (ids) with no active safety plan whose risk calls for one: the latest
    C-SSRS or clinician risk assessment is moderate or high, or a moderate or high risk alert
    from another source (a note's risk rating) is open and newer than that assessment. Item 9
    never does. At most three queries, however many patients; `risks` ({patient id:
    CurrentRisk}, as `current_risks` answers) saves one when already read, and
    `open_risk_alerts` (every open risk alert of these patients) one more, and `covered` (the
    ids of those with an active safety plan) the last. `plan_alert_at` ({patient id: the
    newest of their `plan_alerts`, or None}, for every patient asked about) stands for
    `open_risk_alerts`, read with the caller's own rows."""
    from patients.selectors import current_risks

    if covered is None:
        covered = set(
            SafetyPlan.objects.filter(patient_id__in=patient_ids)
            .active()
            .order_by()  # a lookup: the default order joins patients to sort by name
            .values_list("patient_id", flat=True)
        )
    uncovered = {pk for pk in patient_ids if pk not in covered}
    if not uncovered:
        return set()
    if risks is None:
        risks = current_risks(uncovered)
    needed = {pk for pk in uncovered if pk in risks and risks[pk].requires_safety_plan}
    levels, screened = PLAN_ALERT_LEVELS, SCREENED
    if plan_alert_at is not None:
        alerts = [(pk, at) for pk, at in plan_alert_at.items() if pk in uncovered - needed and at]
    elif open_risk_alerts is not None:
        alerts = [
            (a.patient_id, a.raised_at)
            for a in open_risk_alerts
            if a.patient_id in uncovered - needed
            and a.kind == Alert.Kind.RISK
            and a.status == Alert.Status.OPEN
            and a.risk_level in levels
            and a.source_type not in screened
        ]
    else:
        alerts = plan_alerts().filter(patient_id__in=uncovered - needed)
        alerts = alerts.values_list("patient_id", "raised_at")
    for patient_id, raised_at in alerts:
        risk = risks.get(patient_id)
        if risk is None or raised_at > risk.at:
            needed.add(patient_id)
    return needed


def discharged_episodes(patient, *, episodes=None):
    """The patient's discharged episodes, newest first, each with what stays readable after
    discharge: its levels of care, its last signed plan (closed at discharge) and its aftercare
    plan. Four queries, reading each episode's last signed version only, however many
    versions it had; none when `episodes` (all the patient's, as the chart header read them)
    holds no discharged one, as for most patients."""
    from django.db.models import OuterRef, Subquery

    from patients.models import Episode
    from plans.models import TreatmentPlan

    if episodes is not None and not any(e.status == Episode.Status.DISCHARGED for e in episodes):
        return []
    last_signed = (
        TreatmentPlan.objects.filter(episode=OuterRef("pk"), signed_at__isnull=False)
        .order_by("-version")
        .values("pk")[:1]
    )
    episodes = list(
        Episode.objects.filter(patient=patient, status=Episode.Status.DISCHARGED)
        .select_related("program", "primary_clinician", "aftercare")
        .prefetch_related("level_changes")
        .annotate(last_signed_plan_id=Subquery(last_signed))
        .order_by("-discharge_date", "-pk")
    )
    plans = TreatmentPlan.objects.select_related("episode", "signed_by").in_bulk(
        [e.last_signed_plan_id for e in episodes if e.last_signed_plan_id]
    )
    records = []
    for episode in episodes:
        changes = sorted(episode.level_changes.all(), key=lambda c: (c.effective_date, c.pk))
        levels = [changes[0].from_level] + [c.to_level for c in changes] if changes else []
        records.append(
            {
                "episode": episode,
                "levels": levels or [episode.level_of_care],
                "plan": plans.get(episode.last_signed_plan_id),
                "aftercare": _aftercare(episode),
            }
        )
    return records


def _aftercare(episode):
    """The episode's aftercare plan, read with it (`select_related`), or None."""
    try:
        return episode.aftercare
    except ObjectDoesNotExist:
        return None
