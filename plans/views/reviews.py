"""Opening a plan review, and the review page: what the system knows, ratings, the decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from iop.errors import ConflictError, add_service_error, error_text
from patients import extensions
from plans import services
from plans.forms import ReviewForm
from plans.models import Objective, PlanReview
from plans.views.plan import PlanChartMixin, PlanObjectMixin


class ReviewOpen(PlanObjectMixin, View):
    def post(self, request, plan_pk):
        plan = self.setup_plan()
        try:
            review = services.review_open(plan=plan, user=request.user, context=self.audit_context)
        except (ValidationError, ConflictError) as error:
            messages.error(request, error_text(error))
            return redirect("plans:patient-plan", pk=plan.patient_id)
        return redirect(review.get_absolute_url())


class ReviewDetail(PlanChartMixin, TemplateView):
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

    def window(self):
        """(start, end) of what the apps' review sections show: from the completion of the
        episode's last completed review before this one (from the admission date for the first)
        to this review's completion (None while it is open: to now), so consecutive reviews neither
        overlap nor leave a gap. One query."""
        review = self.review
        episode = review.plan.episode
        earlier = PlanReview.objects.filter(
            plan__episode_id=episode.pk, status=PlanReview.Status.COMPLETED
        ).exclude(pk=review.pk)
        if review.completed_at:
            earlier = earlier.filter(completed_at__lt=review.completed_at)
        last = earlier.order_by("-completed_at").values_list("completed_at", flat=True).first()
        start = last or episode.admission_date or review.period_start
        return start, review.completed_at  # None while open: to now

    def review_sections(self):
        start, end = self.window()
        review = self.review
        sections = (
            hook(self.patient, review.plan.episode, start, end)
            for hook in extensions.review_sections
        )
        return [section for section in sections if section is not None]

    def get_context_data(self, form=None, **kwargs):
        review = self.setup_review()
        context = super().get_context_data(**kwargs)
        objectives = self.objectives()
        context.update(
            review=review,
            prefill=review.prefill,
            review_sections=self.review_sections(),
            form=form or ReviewForm(objectives=objectives, initial=review.draft),
            entries=list(review.progress.select_related("objective", "recorded_by")),
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
                    context=self.audit_context,
                )
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        review.refresh_from_db()
        messages.success(request, f"Review recorded: {review.get_decision_display()}.")
        follow = {
            PlanReview.Decision.REVISE: reverse("plans:patient-plan", args=[review.patient_id]),
            PlanReview.Decision.DISCHARGE: reverse("plans:discharge", args=[review.patient_id]),
        }
        return redirect(follow.get(review.decision, review.get_absolute_url()))


class ReviewAutosave(ReviewDetail):
    """The review form's draft, saved in the background while the reviewer types
    (static/js/autosave.js): JSON with the new revision and the time saved, or why not (400;
    409 when the review was completed or saved elsewhere meanwhile)."""

    http_method_names = ["post"]

    def post(self, request, review_pk):
        review = self.setup_review()
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        try:
            review = services.review_draft_save(
                review=review,
                data=request.POST.dict(),
                revision=revision,
                user=request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            return JsonResponse({"detail": f"Not saved: {error_text(error)}"}, status=400)
        except ConflictError as error:
            return JsonResponse({"detail": f"Not saved: {error}"}, status=409)
        saved_at = timezone.localtime()
        return JsonResponse({"revision": review.revision, "saved": f"{saved_at:%H:%M}"})
