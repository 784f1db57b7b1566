"""How plans shows up in the patients app: chart tab, header facts, caseload column, discharge."""

from django.urls import reverse
from django.utils import timezone

from patients import extensions
from patients.models import Episode
from plans.models import TreatmentPlan, initial_plan_due
from plans.selectors import safety_plan_needed


def plan_header_facts(patient, episode):
    facts = []
    if episode is not None and episode.status == Episode.Status.ACTIVE:
        plans = list(
            TreatmentPlan.objects.filter(
                episode=episode,
                status__in=[TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT],
            )
            .order_by("-version")
            .only("status", "version", "next_review_due", "pk")
        )
        active = next((p for p in plans if p.status == TreatmentPlan.Status.ACTIVE), None)
        url = reverse("plans:patient-plan", args=[patient.pk])
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
    if safety_plan_needed(patient):
        facts.append(
            extensions.HeaderFact(
                "Safety plan",
                "needed: no current safety plan",
                "danger",
                reverse("plans:safety", args=[patient.pk]),
            )
        )
    return facts


def initial_plan_text(episode, today=None):
    """ "due 5 Nov 2026", or "due 5 Nov 2026 (late)" the day after."""
    due = initial_plan_due(episode)
    late = due < (today or timezone.localdate())
    return f"due {due:%-d %b %Y}" + (" (late)" if late else "")


def next_review_column(episodes):
    ids = [e.pk for e in episodes]
    rows = (
        TreatmentPlan.objects.filter(episode_id__in=ids)
        .active()
        .order_by()  # a lookup: the default order would join episodes to sort by referral
        .values_list("episode_id", "next_review_due")
    )
    today = timezone.localdate()
    values = {
        episode_id: (f"{due:%-d %b %Y}" + (" (overdue)" if due < today else "")) if due else "—"
        for episode_id, due in rows
    }
    for episode in episodes:
        if (
            episode.pk not in values
            and episode.status == Episode.Status.ACTIVE
            and episode.admission_date
        ):
            values[episode.pk] = "initial plan " + initial_plan_text(episode, today)
    return extensions.CaseloadColumn("Next review", values)


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
    extensions.chart_tabs.append(
        extensions.ChartTab("plan", "Plan", "plans:patient-plan", clinical_only=True)
    )
