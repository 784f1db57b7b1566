"""A patient's plan versions, and two versions compared side by side."""

import difflib

from django.http import Http404
from django.views.generic import TemplateView

from iop.paging import CountedPagePaginator
from patients import extensions
from plans.models import TreatmentPlan
from plans.selectors import plan_outline
from plans.views.plan import PlanChartMixin


def plan_lines(plan):
    """A plain-text rendering of a plan version, one line per fact, for comparing versions.
    Reads the plan's items unless `plan_outline` has (no progress: the lines do not show it)."""
    plan_outline([plan])
    lines = [f"Summary: {plan.summary or '—'}"]
    for n, problem in enumerate(plan.problems.all(), start=1):
        code = f" [{problem.diagnosis_code}]" if problem.diagnosis_code else ""
        lines.append(f"Problem {n}: {problem.description}{code}")
        for goal in problem.goals.all():
            target = f", by {goal.target_date:%-d %b %Y}" if goal.target_date else ""
            lines.append(f"  Goal: “{goal.words}” ({goal.get_status_display()}{target})")
            for objective in goal.objectives.all():
                measure = f" — {objective.measure_label}" if objective.measure_instrument else ""
                target = extensions.objective_target(objective.target_kind)
                measure += f" — {target.describe(objective)}" if target else ""  # e.g. screens
                lines.append(
                    f"    Objective: {objective.description}, by "
                    f"{objective.target_date:%-d %b %Y}{measure}"
                )
                for i in objective.interventions.all():
                    lines.append(
                        f"      Intervention: {i.get_modality_display()}, {i.frequency}, "
                        f"{i.responsible.display_name}"
                        + (f" — {i.description}" if i.description else "")
                    )
    return lines


def side_by_side(old, new):
    """Rows of (tag, left, right) with tag in equal/replace/delete/insert."""
    rows = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        left, right = old[i1:i2], new[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append((tag, left[k] if k < len(left) else "", right[k] if k < len(right) else ""))
    return rows


class PlanHistory(PlanChartMixin, TemplateView):
    """Every version of the patient's plans, newest episode and version first, a page at a
    time."""

    template_name = "plans/plan_history.html"
    PER_PAGE = 25

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        # `episode__patient` says the same as `patient` (a plan's patient is its episode's):
        # it lets the join read this patient's episodes by index, not hash every episode.
        page = CountedPagePaginator(
            TreatmentPlan.objects.filter(patient=patient, episode__patient=patient)
            .select_related("episode__program", "signed_by", "created_by")
            .order_by("-episode__referral_date", "-episode_id", "-version"),
            self.PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        context.update(plans=list(page), plans_page=page)
        return context


class PlanCompare(PlanChartMixin, TemplateView):
    template_name = "plans/plan_compare.html"

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        wanted = (self.kwargs["old_pk"], self.kwargs["new_pk"])
        versions = TreatmentPlan.objects.filter(patient=patient).in_bulk(wanted)
        if len(versions) != len(set(wanted)):
            raise Http404("No such plan version.")
        old, new = versions[wanted[0]], versions[wanted[1]]
        plan_outline(list(versions.values()))
        rows = side_by_side(plan_lines(old), plan_lines(new))
        context.update(old=old, new=new, rows=rows, changed=sum(1 for r in rows if r[0] != "equal"))
        return context
