"""Utilization reviews of an authorization: the reviews and packets (billing staff, the
supervisors and the care team), recording a review, and preparing the UR packet (the care
team and supervisors only: it holds clinical content; a biller sees that one was sent).
Thin: the rules are in `billing.services.reviews` and `billing.services.ur_packets`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from billing.review_forms import PacketForm, ReviewForm
from billing.review_selectors import (
    authorization_for_user,
    packets_of,
    payer_name,
    reviews_of,
    ur_consents,
    ur_period,
)
from billing.services.reviews import may_record_review, review_record
from billing.services.ur_packets import ur_packet_prepare
from iop.errors import add_service_error
from patients.access import Access, get_patient_for_billing, routine_clinical_access
from patients.views.mixins import ChartMixin

BILLING_ACCESS = Access.BILLING


class AuthorizationMixin(ChartMixin):
    """The authorization in the URL, if this user may read it (`billing.querysets`), and its
    patient's chart header. A biller, who opens no clinical chart, reads the header's
    demographics and the billing records only."""

    tab = "billing"

    def setup_patient(self, pk=None):
        if hasattr(self, "patient"):
            return self.patient
        user = self.request.user
        authorization = authorization_for_user(user, self.kwargs["auth_pk"])
        if authorization is None or authorization.episode.patient_id != self.kwargs["pk"]:
            raise Http404("No such authorization.")
        self.authorization = authorization
        # A biller at billing access (the header's demographics only); anyone else at their
        # chart access.
        self.patient = self.object = get_patient_for_billing(user, self.kwargs["pk"])
        return self.patient

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["authorization"] = self.authorization
        context["payer"] = payer_name(self.authorization)
        return context


class ReviewList(AuthorizationMixin, TemplateView):
    template_name = "billing/review_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, authorization = self.request.user, self.authorization
        context.update(
            reviews=reviews_of(authorization),
            packets=packets_of(authorization),
            may_record=may_record_review(user, authorization),
            may_prepare=routine_clinical_access(user, self.patient),
        )
        return context


class ReviewCreate(AuthorizationMixin, FormView):
    template_name = "billing/review_form.html"
    form_class = ReviewForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.setup_patient()
            if not may_record_review(request.user, self.authorization):
                raise PermissionDenied("You may not record reviews of this authorization.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            review = review_record(
                authorization=self.authorization,
                user=self.request.user,
                data=form.cleaned_data,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if review.extends:
            self.authorization.refresh_from_db()
            text = (
                f"Review recorded: the authorization now holds "
                f"{self.authorization.number_authorized} "
                f"{self.authorization.get_unit_display().lower()} to "
                f"{self.authorization.last_date:%-d %b %Y}."
            )
        else:
            text = f"Review recorded ({review.get_outcome_display().lower()}): nothing extended."
        messages.success(self.request, text)
        return redirect("billing:reviews", pk=self.patient.pk, auth_pk=self.authorization.pk)


class PacketPrepare(AuthorizationMixin, FormView):
    template_name = "billing/review_packet.html"
    form_class = PacketForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            patient = self.setup_patient()
            if getattr(patient, "access", None) == BILLING_ACCESS or not routine_clinical_access(
                request.user, patient
            ):
                raise PermissionDenied("Only the care team and supervisors prepare UR packets.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.consents = ur_consents(self.authorization)
        return {**super().get_form_kwargs(), "consents": self.consents}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consents"] = self.consents
        context["period"] = ur_period(self.authorization)
        context["is_part2"] = self.authorization.episode.is_sud
        return context

    def form_valid(self, form):
        try:
            packet = ur_packet_prepare(
                authorization=self.authorization,
                user=self.request.user,
                justification=form.cleaned_data["justification"],
                consent=form.cleaned_data["consent"],
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"UR packet released to {packet.disclosure.recipient_name} and recorded in the "
            "accounting of disclosures.",
        )
        return redirect("billing:reviews", pk=self.patient.pk, auth_pk=self.authorization.pk)
