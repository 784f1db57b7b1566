"""Break the glass: the clinician's form, and the supervisors' review of emergency accesses."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin
from iop.audit.models import AuditEvent
from iop.errors import add_service_error, error_text
from patients import services
from patients.access import EMERGENCY_AUDIT_MARK
from patients.forms import EmergencyAccessForm, EmergencyReviewFilterForm, EmergencyReviewForm
from patients.models import EmergencyAccess, Patient


class EmergencyAccessStart(LoginRequiredMixin, AuditedViewMixin, FormView):
    """Clinicians and supervisors (of other programs). Asks for the MRN (exact) and a reason
    before anything of the patient shows; lists the user's own grants in force, to go back to
    those charts."""

    model = EmergencyAccess
    template_name = "patients/emergency_start.html"
    form_class = EmergencyAccessForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*Role.CLINICAL):
            raise PermissionDenied("Emergency access is for clinicians and supervisors.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"mrn": self.request.GET.get("mrn", "").strip()[:12]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.object_list = list(
            EmergencyAccess.objects.active()
            .filter(user=self.request.user)
            .select_related("patient")
            .order_by("ends_at")
        )
        context["grants"] = self.object_list
        context["minutes"] = settings.EMERGENCY_ACCESS_MINUTES
        return context

    def form_valid(self, form):
        try:
            grant = services.emergency_access_start_by_mrn(
                mrn=form.cleaned_data["mrn"],
                user=self.request.user,
                reason=form.cleaned_data["reason"],
                context=self.audit_context,
            )
        except ValidationError as error:
            mine = Patient.objects.for_user(self.request.user)
            patient = mine.filter(mrn__iexact=form.cleaned_data["mrn"].strip()).first()
            if getattr(error, "code", None) == "has_access" and patient is not None:
                messages.info(self.request, "You already have access to this chart.")
                return redirect(patient.get_absolute_url())
            add_service_error(form, error)
            return self.form_invalid(form)
        until = timezone.localtime(grant.ends_at)
        messages.warning(
            self.request,
            f"Emergency access until {until:%H:%M}. Every view is recorded, and your "
            "supervisors have been alerted.",
        )
        return redirect(grant.patient.get_absolute_url())


def _with_views(accesses):
    """Each access with `recorded`: the audit events marked as emergency access in its window."""
    events = (
        AuditEvent.objects.filter(
            user=OuterRef("user"),
            patient_id=OuterRef("patient"),
            at__gte=OuterRef("started_at"),
            at__lt=OuterRef("ends_at"),
            detail__startswith=EMERGENCY_AUDIT_MARK,
        )
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return accesses.annotate(recorded=Subquery(events, output_field=IntegerField()))


class SupervisorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(Role.SUPERVISOR):
            raise PermissionDenied("Emergency access reviews are for supervisors.")
        return super().dispatch(request, *args, **kwargs)


class EmergencyReviews(LoginRequiredMixin, SupervisorOnlyMixin, AuditedViewMixin, ListView):
    """Emergency accesses to the supervisor's patients: pending (default), reviewed, concern."""

    model = EmergencyAccess
    template_name = "patients/emergency_reviews.html"
    context_object_name = "accesses"
    paginate_by = 50

    def get_queryset(self):
        self.filters = EmergencyReviewFilterForm(self.request.GET or None)
        status = (self.filters.cleaned_data.get("status") if self.filters.is_valid() else "") or (
            EmergencyAccess.Review.PENDING
        )
        self.status = status
        qs = EmergencyAccess.objects.for_reviewer(self.request.user)
        if status != "all":
            qs = qs.filter(review_status=status)
        return _with_views(qs.select_related("user", "patient", "reviewed_by"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["status"] = self.status
        context["review_form"] = EmergencyReviewForm()
        return context


class EmergencyReviewSave(LoginRequiredMixin, SupervisorOnlyMixin, AuditedViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        access = get_object_or_404(EmergencyAccess.objects.for_reviewer(request.user), pk=pk)
        form = EmergencyReviewForm(request.POST)
        back = reverse("patients:emergency-reviews")
        status = request.POST.get("status", "")
        if status in {"pending", "reviewed", "concern", "all"}:
            back += f"?status={status}"
        if not form.is_valid():
            messages.error(request, "Choose reviewed or concern raised (a concern needs a note).")
            return redirect(back)
        try:
            services.emergency_access_review(
                access=access,
                user=request.user,
                status=form.cleaned_data["review_status"],
                note=form.cleaned_data["review_note"],
                context=self.audit_context,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(back)
        messages.success(request, f"Emergency access by {access.user.display_name} reviewed.")
        return redirect(back)
