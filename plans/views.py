"""Plan pages: view, editor (htmx), sign, revise, history and compare, review, safety plan,
discharge. Clinical pages: supervisors and the patient's care team; everyone else gets 404.

Views are thin: every write is a `plans.services` call. A refused save (a signed version, a
stale editor, invalid input) re-renders the form with what the user typed and the reason.
"""

import difflib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from iop.audit.mixins import AuditedViewMixin
from iop.errors import ConflictError
from patients.access import get_patient_for_user
from patients.models import Episode, IntakeAssessment
from patients.selectors import chart_header
from plans import services
from plans.forms import (
    ITEM_FORMS,
    DischargeForm,
    PlanSummaryForm,
    ProgressForm,
    ReviewForm,
    SafetyPlanForm,
    SafetySignForm,
    SignForm,
)
from plans.models import (
    Goal,
    Intervention,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    TreatmentPlan,
)

ITEM_MODELS = {
    "problem": Problem,
    "goal": Goal,
    "objective": Objective,
    "intervention": Intervention,
}
CHILD_OF = {"problem": None, "goal": "problem", "objective": "goal", "intervention": "objective"}


def add_errors(form, error):
    if isinstance(error, ConflictError):
        form.add_error(None, str(error))
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def plan_tree(plan):
    """The plan with problems → goals → objectives → interventions in a fixed number of queries."""
    interventions = Intervention.objects.select_related("responsible")
    objectives = Objective.objects.prefetch_related(Prefetch("interventions", interventions))
    goals = Goal.objects.prefetch_related(Prefetch("objectives", objectives))
    problems = list(plan.problems.prefetch_related(Prefetch("goals", goals)))
    all_objectives = [o for p in problems for g in p.goals.all() for o in g.objectives.all()]
    progress = services.measure_progress(plan, all_objectives)
    entries = {}
    for entry in ProgressEntry.objects.filter(
        lineage__in=[o.lineage for o in all_objectives]
    ).select_related("recorded_by"):
        entries.setdefault(entry.lineage, []).append(entry)
    for objective in all_objectives:
        objective.measured = progress.get(objective.pk)
        objective.recent_progress = entries.get(objective.lineage, [])[:3]
    return problems


class ClinicalPatientMixin(LoginRequiredMixin, AuditedViewMixin):
    """The patient from the URL's `pk`, when the user may read their clinical record."""

    tab = "plan"

    def setup_patient(self, pk=None):
        if not hasattr(self, "patient"):
            self.patient = self.object = get_patient_for_user(
                self.request.user, pk or self.kwargs["pk"], clinical=True
            )
        return self.patient

    def chart_context(self, **extra):
        patient = self.setup_patient()
        return {
            **chart_header(patient),
            "patient": patient,
            "tab": self.tab,
            "clinical": True,
            **extra,
        }


class PlanObjectMixin(ClinicalPatientMixin):
    """The plan from the URL's `plan_pk`; 404 unless the user may read its patient's record."""

    def setup_plan(self):
        if not hasattr(self, "plan"):
            plan = get_object_or_404(
                TreatmentPlan.objects.select_related("episode__program", "signed_by"),
                pk=self.kwargs["plan_pk"],
            )
            self.setup_patient(plan.patient_id)
            self.plan = self.object = plan
        return self.plan


# --- the plan page and a version ---------------------------------------------------------------


class PatientPlan(ClinicalPatientMixin, TemplateView):
    """The current plan (active, and the draft being written), versions, reviews, safety plan."""

    template_name = "plans/patient_plan.html"

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        context.update(self.chart_context())
        episode = context["episode"]
        plans = list(
            TreatmentPlan.objects.filter(patient=patient)
            .select_related("episode", "signed_by")
            .order_by("-episode__referral_date", "-version")
        )
        current = [p for p in plans if episode and p.episode_id == episode.pk]
        active = next((p for p in current if p.status == "active"), None)
        context.update(
            plans=plans,
            active=active,
            draft=next((p for p in current if p.status == "draft"), None),
            problems=plan_tree(active) if active else [],
            reviews=list(
                PlanReview.objects.filter(patient=patient).select_related("completed_by")[:20]
            ),
            open_review=next(
                (r for r in PlanReview.objects.filter(patient=patient, status="open")), None
            ),
            safety_plan=services.current_safety_plan(patient),
            can_start=episode is not None and episode.status == Episode.Status.ACTIVE,
        )
        return context


class PlanDetail(PlanObjectMixin, TemplateView):
    """One version, read-only and printable."""

    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = self.setup_plan()
        context = super().get_context_data(**kwargs)
        context.update(self.chart_context(plan=plan, problems=plan_tree(plan)))
        return context


class PlanStart(ClinicalPatientMixin, View):
    def post(self, request, pk):
        patient = self.setup_patient()
        episode = patient.episodes.filter(status=Episode.Status.ACTIVE).first()
        if episode is None:
            messages.error(request, "A plan is written for an admitted (active) episode.")
            return redirect("plans:patient-plan", pk=patient.pk)
        try:
            plan = services.plan_start(episode=episode, user=request.user, request=request)
        except (ValidationError, ConflictError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("plans:patient-plan", pk=patient.pk)
        return redirect("plans:edit", plan_pk=plan.pk)


class PlanRevise(PlanObjectMixin, View):
    def post(self, request, plan_pk):
        plan = self.setup_plan()
        try:
            draft = services.plan_revise(plan=plan, user=request.user, request=request)
        except (ValidationError, ConflictError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(plan.get_absolute_url())
        messages.info(
            request,
            f"Version {draft.version} is a draft made from version "
            f"{plan.version}, which stays active until you sign this one.",
        )
        return redirect("plans:edit", plan_pk=draft.pk)


# --- the editor --------------------------------------------------------------------------------


class PlanEditor(PlanObjectMixin, TemplateView):
    """Edit a draft: the summary, and problems, goals, objectives and interventions in place."""

    template_name = "plans/plan_editor.html"

    def get(self, request, *args, **kwargs):
        plan = self.setup_plan()  # inside the audit wrapper: a refusal is recorded
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
            self.chart_context(
                plan=plan,
                problems=plan_tree(plan),
                editable=True,
                summary_form=summary_form
                or PlanSummaryForm(
                    instance=plan, initial={"revision": plan.revision}, prefix="summary"
                ),
            )
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
                    request=request,
                )
            except (ValidationError, ConflictError) as error:
                add_errors(form, error)
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


def _diagnoses(plan):
    intake = IntakeAssessment.objects.filter(episode_id=plan.episode_id).first()
    return intake.diagnoses if intake else []


class ItemAdd(PlanObjectMixin, TemplateView):
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
            if services.plan_of(parent).pk != plan.pk:
                raise Http404("That is not part of this plan.")
            self.parent = parent
        return plan

    def make_form(self, data=None):
        plan = self.plan
        kwargs = {
            "prefix": f"new-{self.kind}-{self.kwargs.get('parent_pk', 0)}",
            "initial": {"revision": plan.revision},
        }
        if self.kind == "problem":
            kwargs["diagnoses"] = _diagnoses(plan)
        return ITEM_FORMS[self.kind](data, **kwargs)

    def form_context(self, form):
        container = f"add-{self.kind}" + (f"-{self.parent.pk}" if self.parent else "")
        return {
            "plan": self.plan,
            "form": form,
            "kind": self.kind,
            "parent": self.parent,
            "action": self.request.path,
            "container_id": container,
        }

    def get(self, request, *args, **kwargs):
        self.setup_item()
        form = self.make_form()
        if request.htmx:
            return render(request, "plans/_item_form.html", self.form_context(form))
        return self.render_to_response({**self.chart_context(), **self.form_context(form)})

    def post(self, request, *args, **kwargs):
        plan = self.setup_item()
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
            common = {"user": request.user, "revision": revision, "request": request}
            try:
                add[self.kind]()
            except (ValidationError, ConflictError) as error:
                add_errors(form, error)
        if form.errors:
            if request.htmx:
                response = render(request, "plans/_item_form.html", self.form_context(form))
                response["HX-Retarget"] = "#" + self.form_context(form)["container_id"]
                response["HX-Reswap"] = "innerHTML"
                return response
            return self.render_to_response({**self.chart_context(), **self.form_context(form)})
        return tree_response(request, plan)


def tree_response(request, plan, error=""):
    plan.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "plans/_tree_response.html",
            {"plan": plan, "problems": plan_tree(plan), "editable": True, "tree_error": error},
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
        if services.plan_of(item).pk != plan.pk:
            raise Http404("That is not part of this plan.")
        revision = request.POST.get("revision") or None
        try:
            services.item_remove(item=item, user=request.user, revision=revision, request=request)
        except (ValidationError, ConflictError) as error:
            return tree_response(
                request,
                plan,
                error=" ".join(getattr(error, "messages", [str(error)]))
                if isinstance(error, ValidationError)
                else str(error),
            )
        return tree_response(request, plan)


class ProgressAdd(PlanObjectMixin, TemplateView):
    """Record progress on an objective of the active plan by hand (notes will do it too)."""

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
        context.update(
            self.chart_context(plan=self.plan, objective=objective, form=form or ProgressForm())
        )
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
                    request=request,
                )
            except ValidationError as error:
                add_errors(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, "Progress recorded.")
        return redirect("plans:patient-plan", pk=self.plan.patient_id)


# --- sign ---------------------------------------------------------------------------------------


class PlanSign(PlanObjectMixin, TemplateView):
    template_name = "plans/plan_sign.html"

    def get_context_data(self, form=None, **kwargs):
        plan = self.setup_plan()
        context = super().get_context_data(**kwargs)
        form = form or SignForm(
            initial={
                "revision": plan.revision,
                "patient_ack_name": self.patient.legal_name,
                "patient_ack_at": timezone.localtime().replace(second=0, microsecond=0),
            }
        )
        context.update(self.chart_context(plan=plan, problems=plan_tree(plan), form=form))
        return context

    def post(self, request, plan_pk):
        plan = self.setup_plan()
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                services.plan_activate(
                    plan=plan,
                    user=request.user,
                    patient_ack_name=form.cleaned_data["patient_ack_name"],
                    patient_ack_at=form.cleaned_data["patient_ack_at"],
                    revision=form.cleaned_data["revision"],
                    request=request,
                )
            except (ValidationError, ConflictError) as error:
                add_errors(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, f"Plan version {plan.version} signed and active.")
        return redirect("plans:patient-plan", pk=plan.patient_id)


# --- history and compare ------------------------------------------------------------------------


def plan_lines(plan):
    """A plain-text rendering of a plan version, one line per fact, for comparing versions."""
    lines = [f"Summary: {plan.summary or '—'}"]
    for n, problem in enumerate(plan_tree(plan), start=1):
        code = f" [{problem.diagnosis_code}]" if problem.diagnosis_code else ""
        lines.append(f"Problem {n}: {problem.description}{code}")
        for goal in problem.goals.all():
            target = f", by {goal.target_date:%-d %b %Y}" if goal.target_date else ""
            lines.append(f"  Goal: “{goal.client_words}” ({goal.get_status_display()}{target})")
            for objective in goal.objectives.all():
                measure = f" — {objective.measure_label}" if objective.measure_instrument else ""
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


class PlanHistory(ClinicalPatientMixin, TemplateView):
    template_name = "plans/plan_history.html"

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        plans = list(
            TreatmentPlan.objects.filter(patient=patient)
            .select_related("episode__program", "signed_by", "created_by")
            .order_by("-episode__referral_date", "-version")
        )
        context.update(self.chart_context(plans=plans))
        return context


class PlanCompare(ClinicalPatientMixin, TemplateView):
    template_name = "plans/plan_compare.html"

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        versions = TreatmentPlan.objects.filter(patient=patient)
        old = get_object_or_404(versions, pk=self.kwargs["old_pk"])
        new = get_object_or_404(versions, pk=self.kwargs["new_pk"])
        rows = side_by_side(plan_lines(old), plan_lines(new))
        context.update(
            self.chart_context(
                old=old, new=new, rows=rows, changed=sum(1 for r in rows if r[0] != "equal")
            )
        )
        return context


# --- reviews ------------------------------------------------------------------------------------


class ReviewOpen(PlanObjectMixin, View):
    def post(self, request, plan_pk):
        plan = self.setup_plan()
        try:
            review = services.review_open(plan=plan, user=request.user, request=request)
        except (ValidationError, ConflictError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("plans:patient-plan", pk=plan.patient_id)
        return redirect(review.get_absolute_url())


class ReviewDetail(ClinicalPatientMixin, TemplateView):
    template_name = "plans/review.html"

    def setup_review(self):
        if not hasattr(self, "review"):
            review = get_object_or_404(
                PlanReview.objects.select_related("plan__episode__program", "completed_by"),
                pk=self.kwargs["review_pk"],
            )
            self.setup_patient(review.patient_id)
            self.review = self.object = review
        return self.review

    def objectives(self):
        return list(
            Objective.objects.filter(goal__problem__plan=self.review.plan)
            .select_related("goal")
            .order_by("goal__problem__position", "goal__position", "position")
        )

    def get_context_data(self, form=None, **kwargs):
        review = self.setup_review()
        context = super().get_context_data(**kwargs)
        objectives = self.objectives()
        context.update(
            self.chart_context(
                review=review,
                prefill=review.prefill,
                form=form or ReviewForm(objectives=objectives),
                entries=list(review.progress.select_related("objective", "recorded_by")),
            )
        )
        return context

    def post(self, request, review_pk):
        review = self.setup_review()
        form = ReviewForm(request.POST, objectives=self.objectives())
        if form.is_valid():
            try:
                services.review_complete(
                    review=review,
                    decision=form.cleaned_data["decision"],
                    summary=form.cleaned_data["summary"],
                    ratings=form.ratings(),
                    user=request.user,
                    request=request,
                )
            except (ValidationError, ConflictError) as error:
                add_errors(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        review.refresh_from_db()
        messages.success(request, f"Review recorded: {review.get_decision_display()}.")
        follow = {
            PlanReview.Decision.REVISE: reverse("plans:patient-plan", args=[review.patient_id]),
            PlanReview.Decision.DISCHARGE: reverse("plans:discharge", args=[review.patient_id]),
        }
        return redirect(follow.get(review.decision, review.get_absolute_url()))


# --- safety plan --------------------------------------------------------------------------------


class SafetyPlanPage(ClinicalPatientMixin, TemplateView):
    template_name = "plans/safety_plan.html"
    tab = "plan"

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        versions = list(SafetyPlan.objects.filter(patient=patient).select_related("signed_by"))
        context.update(
            self.chart_context(
                versions=versions,
                active=next((v for v in versions if v.status == "active"), None),
                draft=next((v for v in versions if v.status == "draft"), None),
                needed=services.safety_plan_needed(patient),
            )
        )
        return context

    def post(self, request, pk):
        patient = self.setup_patient()
        try:
            services.safety_plan_start(patient=patient, user=request.user, request=request)
        except (ValidationError, ConflictError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("plans:safety", pk=patient.pk)
        return redirect("plans:safety-edit", pk=patient.pk)


class SafetyPlanEdit(ClinicalPatientMixin, TemplateView):
    template_name = "plans/safety_plan_edit.html"

    def setup_draft(self):
        patient = self.setup_patient()
        self.draft = SafetyPlan.objects.filter(patient=patient, status="draft").first()
        if self.draft is None:
            raise Http404("There is no draft safety plan; start one first.")
        return self.draft

    def get_context_data(self, form=None, sign_form=None, **kwargs):
        draft = self.setup_draft()
        context = super().get_context_data(**kwargs)
        context.update(
            self.chart_context(
                draft=draft,
                form=form or SafetyPlanForm(instance=draft, initial={"revision": draft.revision}),
                sign_form=sign_form
                or SafetySignForm(
                    initial={
                        "revision": draft.revision,
                        "patient_ack_name": self.patient.legal_name,
                    },
                    prefix="sign",
                ),
            )
        )
        return context

    def post(self, request, pk):
        draft = self.setup_draft()
        signing = "sign" in request.POST
        form = SafetyPlanForm(request.POST, instance=draft)
        sign_form = SafetySignForm(request.POST if signing else None, prefix="sign")
        updated, sign_errors = False, {}
        if form.is_valid():
            try:
                draft = services.safety_plan_update(
                    plan=draft,
                    data=form.cleaned_data,
                    revision=form.cleaned_data["revision"],
                    user=request.user,
                    request=request,
                )
                updated = True
            except (ValidationError, ConflictError) as error:
                add_errors(form, error)
        if updated and signing and sign_form.is_valid():
            try:
                services.safety_plan_activate(
                    plan=draft,
                    user=request.user,
                    patient_ack_name=sign_form.cleaned_data["patient_ack_name"],
                    revision=draft.revision,
                    request=request,
                )
            except (ValidationError, ConflictError) as error:
                sign_errors = getattr(error, "message_dict", None) or {None: [str(error)]}
        if not updated or (signing and (sign_form.errors or sign_errors)):
            if updated:  # the draft was saved: carry on from its new revision
                data = request.POST.copy()
                data["revision"] = draft.revision
                form = SafetyPlanForm(data, instance=draft)
                form.is_valid()
                for field, errors in sign_errors.items():
                    if field in form.fields:
                        form.add_error(field, errors)
                    else:
                        sign_form.add_error(field if field in sign_form.fields else None, errors)
                messages.info(request, "The draft was saved, but not signed yet.")
            return self.render_to_response(self.get_context_data(form=form, sign_form=sign_form))
        if signing:
            messages.success(request, f"Safety plan version {draft.version} signed and active.")
            return redirect("plans:safety", pk=draft.patient_id)
        messages.success(request, "Safety plan draft saved.")
        return redirect("plans:safety-edit", pk=draft.patient_id)


# --- discharge ----------------------------------------------------------------------------------


class Discharge(ClinicalPatientMixin, TemplateView):
    """Discharge with the aftercare plan: saving both closes the treatment plan."""

    template_name = "plans/discharge.html"

    def setup_episode(self):
        patient = self.setup_patient()
        self.episode = patient.episodes.filter(status=Episode.Status.ACTIVE).first()
        return self.episode

    def get_context_data(self, form=None, **kwargs):
        episode = self.setup_episode()
        context = super().get_context_data(**kwargs)
        if form is None and episode is not None:
            aftercare = (
                getattr(episode, "aftercare", None) if hasattr(episode, "aftercare") else None
            )
            form = DischargeForm(
                instance=aftercare,
                initial={"step_down_level": "OP", "discharge_date": timezone.localdate()},
            )
        context.update(self.chart_context(discharge_form=form, active_episode=episode))
        return context

    def post(self, request, pk):
        episode = self.setup_episode()
        if episode is None:
            messages.error(request, "There is no active episode to discharge.")
            return redirect("plans:patient-plan", pk=self.patient.pk)
        form = DischargeForm(request.POST)
        if form.is_valid():
            try:
                services.episode_discharge(
                    episode=episode,
                    aftercare=form.aftercare_data(),
                    reason=form.cleaned_data["reason"],
                    discharge_date=form.cleaned_data["discharge_date"],
                    user=request.user,
                    request=request,
                )
            except (ValidationError, ConflictError) as error:
                add_errors(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            f"{self.patient.display_name} discharged; the aftercare plan "
            "is recorded and the treatment plan is closed.",
        )
        return redirect("patients:chart", pk=self.patient.pk)
