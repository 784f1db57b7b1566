"""The draft editor (htmx): the summary, and problems → goals → objectives → interventions added
and removed in place; and recording progress on an objective of the active plan by hand."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from iop.errors import ConflictError, add_service_error, error_text
from patients.models import IntakeAssessment
from plans import services
from plans.forms import ITEM_FORMS, PlanSummaryForm, ProgressForm
from plans.models import Goal, Intervention, Objective, Problem, TreatmentPlan
from plans.selectors import plan_of, plan_tree
from plans.views.pick import LibraryPickMixin
from plans.views.plan import PlanObjectMixin

ITEM_MODELS = {
    "problem": Problem,
    "goal": Goal,
    "objective": Objective,
    "intervention": Intervention,
}
CHILD_OF = {"problem": None, "goal": "problem", "objective": "goal", "intervention": "objective"}


class PlanEditor(PlanObjectMixin, TemplateView):
    """Edit a draft: the summary, and problems, goals, objectives and interventions in place."""

    template_name = "plans/plan_editor.html"

    def get(self, request, *args, **kwargs):
        plan = self.setup_plan()  # inside the audit wrapper: a refusal is recorded
        if plan.is_draft and request.htmx:
            return tree_response(request, plan)  # an inline form's Cancel: the tree as saved
        if not plan.is_draft:
            status = plan.get_status_display().lower()
            messages.info(
                request,
                f"Version {plan.version} is {status} and cannot be "
                "edited. Revise it to make a new draft.",
            )
            return redirect(plan.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, summary_form=None, **kwargs):
        plan = self.setup_plan()
        context = super().get_context_data(**kwargs)
        context.update(
            plan=plan,
            problems=plan_tree(plan),
            editable=True,
            can_edit_library=services.can_maintain_library(
                self.request.user, plan.episode.program_id
            ),
            summary_form=summary_form
            or PlanSummaryForm(
                instance=plan, initial={"revision": plan.revision}, prefix="summary"
            ),
        )
        return context

    def post(self, request, plan_pk):
        plan = self.setup_plan()
        form = PlanSummaryForm(request.POST, instance=plan, prefix="summary")
        if form.is_valid():
            try:
                plan = services.plan_update(
                    plan=plan,
                    data={"summary": form.cleaned_data["summary"]},
                    revision=form.cleaned_data["revision"],
                    user=request.user,
                    context=self.audit_context,
                )
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error)
        if request.htmx and request.POST.get("autosave"):
            return render(
                request,
                "plans/_summary_autosaved.html",
                {"plan": plan, "errors": form.errors, "saved_at": timezone.localtime()},
            )
        if request.htmx:
            saved = not form.errors
            if saved:
                form = PlanSummaryForm(
                    instance=plan, initial={"revision": plan.revision}, prefix="summary"
                )
            return render(
                request,
                "plans/_summary_form.html",
                {"plan": plan, "summary_form": form, "saved": saved},
            )
        if form.errors:
            return self.render_to_response(self.get_context_data(summary_form=form))
        messages.success(request, "Summary saved.")
        return redirect("plans:edit", plan_pk=plan.pk)


def diagnoses_of(plan):
    intake = IntakeAssessment.objects.filter(episode_id=plan.episode_id).first()
    return intake.diagnoses if intake else []


class ItemAdd(LibraryPickMixin, PlanObjectMixin, TemplateView):
    """GET: the form for a new problem/goal/objective/intervention; POST: add it.

    With htmx the form opens in place and a save re-draws the plan tree; without, it is a page.
    """

    template_name = "plans/item_form_page.html"

    def setup_item(self):
        plan = self.setup_plan()
        self.kind = self.kwargs["kind"]
        if self.kind not in ITEM_FORMS:
            raise Http404("No such part of a plan.")
        parent_kind = CHILD_OF[self.kind]
        self.parent = None
        if parent_kind:
            parent = get_object_or_404(ITEM_MODELS[parent_kind], pk=self.kwargs["parent_pk"])
            if plan_of(parent).pk != plan.pk:
                raise Http404("That is not part of this plan.")
            self.parent = parent
        return plan

    def make_form(self, data=None, initial=None):
        plan = self.plan
        kwargs = {
            "prefix": f"new-{self.kind}-{self.kwargs.get('parent_pk', 0)}",
            "initial": {"revision": plan.revision, **(initial or {})},
        }
        if self.kind == "problem":
            kwargs["diagnoses"] = diagnoses_of(plan)
        return ITEM_FORMS[self.kind](data, **kwargs)

    def form_context(self, form, picked=None, pick_error=""):
        container = f"add-{self.kind}" + (f"-{self.parent.pk}" if self.parent else "")
        return {
            "plan": self.plan,
            "form": form,
            "kind": self.kind,
            "parent": self.parent,
            "action": self.request.path,
            "container_id": container,
            "library": self.library_entries(),
            "picked": picked,
            "pick_error": pick_error,
        }

    def get(self, request, *args, **kwargs):
        self.setup_item()
        form = self.make_form()
        if request.htmx:
            return render(request, "plans/_item_form.html", self.form_context(form))
        return self.render_to_response({**self.chart_context(), **self.form_context(form)})

    def post(self, request, *args, **kwargs):
        plan = self.setup_item()
        if request.POST.get("pick"):
            form, picked, error = self.picked_form()
            context = self.form_context(form, picked, error)
            if request.htmx:
                return render(request, "plans/_item_form.html", context)
            return self.render_to_response({**self.chart_context(), **context})
        form = self.make_form(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
            revision = form.cleaned_data.get("revision")
            add = {
                "problem": lambda: services.problem_add(plan=plan, data=data, **common),
                "goal": lambda: services.goal_add(problem=self.parent, data=data, **common),
                "objective": lambda: services.objective_add(goal=self.parent, data=data, **common),
                "intervention": lambda: services.intervention_add(
                    objective=self.parent, data=data, **common
                ),
            }
            common = {"user": request.user, "revision": revision, "context": self.audit_context}
            try:
                item = add[self.kind]()
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error)
        if form.errors:
            context = self.form_context(form)
            if request.htmx:
                response = render(request, "plans/_item_form.html", context)
                response["HX-Retarget"] = "#" + context["container_id"]
                response["HX-Reswap"] = "innerHTML"
                return response
            return self.render_to_response({**self.chart_context(), **context})
        return tree_response(request, plan, focus=f"{self.kind}-{item.pk}-row")


def tree_response(request, plan, error="", focus=""):
    """The re-drawn plan tree (htmx), `focus` naming the element the keyboard returns to."""
    plan.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "plans/_tree_response.html",
            {
                "plan": plan,
                "problems": plan_tree(plan),
                "editable": True,
                "tree_error": error,
                "focus": focus,
            },
        )
    if error:
        messages.error(request, error)
    return redirect("plans:edit", plan_pk=plan.pk)


class ItemRemove(PlanObjectMixin, View):
    def post(self, request, plan_pk, kind, item_pk):
        plan = self.setup_plan()
        if kind not in ITEM_MODELS:
            raise Http404("No such part of a plan.")
        item = get_object_or_404(ITEM_MODELS[kind], pk=item_pk)
        if plan_of(item).pk != plan.pk:
            raise Http404("That is not part of this plan.")
        revision = request.POST.get("revision") or None
        try:
            services.item_remove(
                item=item, user=request.user, revision=revision, context=self.audit_context
            )
        except (ValidationError, ConflictError) as error:
            return tree_response(request, plan, error=error_text(error))
        return tree_response(request, plan)


class ProgressAdd(PlanObjectMixin, TemplateView):
    """Record progress on an objective of the active plan by hand (notes will do it too).

    The page exists only for the active plan's objectives; `progress_record` holds the rule."""

    template_name = "plans/progress_form.html"

    def setup_objective(self):
        plan = self.setup_plan()
        if plan.status != TreatmentPlan.Status.ACTIVE:
            raise Http404("Progress is recorded on the active plan.")
        self.objective = get_object_or_404(
            Objective, pk=self.kwargs["objective_pk"], goal__problem__plan=plan
        )
        return self.objective

    def get_context_data(self, form=None, **kwargs):
        objective = self.setup_objective()
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, objective=objective, form=form or ProgressForm())
        return context

    def post(self, request, plan_pk, objective_pk):
        objective = self.setup_objective()
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                services.progress_record(
                    objective=objective,
                    rating=int(form.cleaned_data["rating"]),
                    note=form.cleaned_data["note"],
                    user=request.user,
                    context=self.audit_context,
                )
            except ValidationError as error:
                add_service_error(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, "Progress recorded.")
        return redirect("plans:patient-plan", pk=self.plan.patient_id)
