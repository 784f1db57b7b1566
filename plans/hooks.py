"""How plans shows up in the patients app: chart tab, header facts, caseload column, discharge."""

from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import DateField, Value
from django.utils import timezone

from iop.shapes import shape
from patients import extensions
from patients.links import patient_url
from patients.models import Episode
from plans.models import SafetyPlan, TreatmentPlan, initial_plan_due
from plans.selectors import (
    caseload_plan_annotations,
    safety_plan_needed,
    safety_plans_needed,
)


class _HeaderPlan(NamedTuple):
    kind: str
    status: str
    version: int
    next_review_due: object
    pk: int


def _read_header_documents(patient, episode):
    """(the active episode's active and draft treatment plans, newest first; whether the
    patient has an active safety plan): one query, a UNION of the two (a reader)."""
    active = episode is not None and episode.status == Episode.Status.ACTIVE
    (rows,) = yield (_header_rows(patient.pk, episode.pk if active else None),)
    rows = [_HeaderPlan(*row) for row in rows]
    plans = sorted((r for r in rows if r.kind == "plan"), key=lambda r: -r.version)
    return plans, any(r.kind == "safety" for r in rows)


@shape
def _header_rows(patient_id, episode_id):
    """`_HeaderPlan` rows: the patient's active safety plan, and the active and draft treatment
    plans of `episode_id` (the active episode; None: none). A shape: every chart page reads it."""
    safety = (
        SafetyPlan.objects.filter(patient=patient_id)
        .active()
        .order_by()  # no order inside a UNION (SQLite refuses one)
        .annotate(kind=Value("safety"), due=Value(None, output_field=DateField()))
        .values_list("kind", "status", "version", "due", "pk")
    )
    if episode_id is None:
        return safety
    plans = (
        TreatmentPlan.objects.filter(
            episode=episode_id,
            status__in=[TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT],
        )
        .order_by()
        .annotate(kind=Value("plan"))
        .values_list("kind", "status", "version", "next_review_due", "pk")
    )
    return plans.union(safety, all=True)


@extensions.clinical_facts
def plan_header_facts(patient, episode):
    """The plan, its next review, the initial plan's due date and a needed safety plan: a
    reader (`extensions.header_facts`) of one query."""
    facts = []
    plans, has_safety_plan = yield from _read_header_documents(patient, episode)
    if episode is not None and episode.status == Episode.Status.ACTIVE:
        active = next((p for p in plans if p.status == TreatmentPlan.Status.ACTIVE), None)
        url = patient_url("plans:patient-plan", patient.pk)
        if active:
            facts.append(extensions.HeaderFact("Plan", f"v{active.version} active", url=url))
            due = active.next_review_due
            if due:
                overdue = due < timezone.localdate()
                facts.append(
                    extensions.HeaderFact(
                        "Next review",
                        f"{due:%-d %b %Y}" + (" (overdue)" if overdue else ""),
                        badge="danger" if overdue else "",
                    )
                )
        elif plans:
            facts.append(extensions.HeaderFact("Plan", "draft, not signed", "warning", url))
        else:
            facts.append(extensions.HeaderFact("Plan", "none yet", "warning", url))
        if not active and episode.admission_date:
            text = initial_plan_text(episode)
            late = text.endswith("(late)")
            facts.append(extensions.HeaderFact("Initial plan", text, "danger" if late else ""))
    if safety_plan_needed(patient, has_active_plan=has_safety_plan):
        facts.append(
            extensions.HeaderFact(
                "Safety plan",
                "needed: no current safety plan",
                "danger",
                patient_url("plans:safety", patient.pk),
            )
        )
    return facts


def initial_plan_text(episode, today=None):
    """ "due 5 Nov 2026", or "due 5 Nov 2026 (late)" the day after."""
    due = initial_plan_due(episode)
    late = due < (today or timezone.localdate())
    return f"due {due:%-d %b %Y}" + (" (late)" if late else "")


def next_review_column(episodes):
    """The caseload's "Next review" column, and its flags: no plan (an admitted episode without
    an active plan), review due (within REVIEW_OPEN_DAYS_AHEAD days, or overdue) and no safety
    plan when the patient's risk calls for one. The episodes carry their plan and safety plan
    facts (`caseload_plan_annotations`, read with the page); one query, the risks of those
    without a safety plan."""
    today = timezone.localdate()
    horizon = today + timedelta(days=settings.REVIEW_OPEN_DAYS_AHEAD)
    values = {}
    flags = defaultdict(list)
    for episode in episodes:
        if not episode.has_plan:
            continue
        due = episode.next_review_due
        values[episode.pk] = (
            (f"{due:%-d %b %Y}" + (" (overdue)" if due < today else "")) if due else "—"
        )
        if due and due <= horizon:
            overdue = due < today
            label = "Review overdue" if overdue else f"Review due {due:%-d %b}"
            flags[episode.pk].append(
                extensions.CaseloadFlag(label, "danger" if overdue else "info")
            )
    for episode in episodes:
        if (
            episode.pk not in values
            and episode.status == Episode.Status.ACTIVE
            and episode.admission_date
        ):
            text = initial_plan_text(episode, today)
            values[episode.pk] = "initial plan " + text
            flags[episode.pk].append(
                extensions.CaseloadFlag(
                    "No plan",
                    "danger" if text.endswith("(late)") else "warning",
                    patient_url("plans:patient-plan", episode.patient_id),
                )
            )
    open_ids = {e.pk for e in episodes if e.is_open}
    covered, plan_alert_at = set(), {}
    for episode in episodes:
        if episode.pk in open_ids:
            if episode.has_safety_plan:
                covered.add(episode.patient_id)
            plan_alert_at[episode.patient_id] = episode.plan_alert_at
    needed = safety_plans_needed(list(plan_alert_at), covered=covered, plan_alert_at=plan_alert_at)
    for episode in episodes:
        if episode.pk in open_ids and episode.patient_id in needed:
            flags[episode.pk].append(
                extensions.CaseloadFlag(
                    "No safety plan", "danger", patient_url("plans:safety", episode.patient_id)
                )
            )
    return extensions.CaseloadColumn("Next review", values, dict(flags))


def close_plans(episode, user, context):
    from plans.services import close_plans_on_discharge

    close_plans_on_discharge(episode, user, context=context)


def require_aftercare(episode):
    from plans.services import require_aftercare as guard

    guard(episode)


def register():
    if require_aftercare in extensions.discharge_guards:
        return
    extensions.discharge_guards.append(require_aftercare)
    extensions.discharge_hooks.append(close_plans)
    extensions.header_facts.append(plan_header_facts)
    extensions.caseload_columns.append(next_review_column)
    extensions.caseload_annotations.append(caseload_plan_annotations)
    extensions.chart_tabs.append(
        extensions.ChartTab("plan", "Plan", "plans:patient-plan", clinical_only=True)
    )
