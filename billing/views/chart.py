"""The chart's Billing tab: coverage per episode (with the scanned card), authorizations with
their burn-down, the days attended outside any authorization; and their forms. Thin: the
rules are in `billing.services`, the reads in `billing.selectors`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from billing import access, selectors, services
from billing.burndown import flag_text
from billing.forms import AuthorizationForm, CardForm, CoverageForm
from billing.models import Authorization, Coverage
from iop.audit.refusals import note_refused_target
from iop.errors import add_service_error
from patients.access import get_patient_for_billing
from patients.models import Patient
from patients.views.mixins import ChartMixin


class BillingChartMixin(ChartMixin):
    """A billing page of the chart: opened by whoever opens the chart, and by billers
    (`get_patient_for_billing`: the header's demographics and the billing records only)."""

    tab = "billing"

    def setup_patient(self, pk=None):
        if not hasattr(self, "patient"):
            note_refused_target(self.request, Patient, pk or self.kwargs["pk"])
            self.patient = self.object = get_patient_for_billing(
                self.request.user, pk or self.kwargs["pk"]
            )
        return self.patient

    def chart_context(self, **extra):
        context = super().chart_context(**extra)
        context["may_write_coverage"] = access.may_write_coverage(self.request.user, self.patient)
        context["may_write_authorizations"] = access.may_write_authorizations(
            self.request.user, self.patient
        )
        return context


class BillingTab(BillingChartMixin, TemplateView):
    template_name = "billing/chart_billing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        billing = selectors.chart_billing(self.patient, episodes=context["episodes"])
        context.update(billing)
        context["unauthorized_flags"] = [flag_text(d) for d in billing["unauthorized_days"]]
        context["card_form"] = CardForm()
        context["legacy_insurance"] = (
            self.patient.insurance_payer
            if not any(e["coverages"] for e in billing["episodes"])
            else ""
        )
        return context


class CoverageMixin(BillingChartMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            patient = self.setup_patient()
            if request.method != "GET" or self.kwargs.get("coverage_pk") is None:
                access.require_coverage_writer(request.user, patient)
        return super().dispatch(request, *args, **kwargs)

    def setup_coverage(self):
        if not hasattr(self, "coverage"):
            self.coverage = get_object_or_404(
                Coverage.objects.select_related("payer", "episode"),
                pk=self.kwargs["coverage_pk"],
                episode__patient=self.setup_patient(),
            )
        return self.coverage


class CoverageCreate(CoverageMixin, FormView):
    template_name = "billing/coverage_form.html"
    form_class = CoverageForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "patient": self.setup_patient()}

    def get_initial(self):
        """The first coverage starts from the free-text payer and member id of the patient's
        registration (and the episode's start)."""
        patient = self.setup_patient()
        episode = patient.episodes.order_by("-referral_date", "-pk").first()
        initial = {"episode": episode}
        if episode is not None:
            initial["effective_from"] = episode.admission_date or episode.referral_date
        if not Coverage.objects.filter(episode__patient=patient).exists():
            initial["member_id"] = patient.insurance_member_id
            payer = services.payer_named(patient.insurance_payer)
            if payer is not None:
                initial["payer"] = payer
        return initial

    def form_valid(self, form):
        try:
            coverage = services.coverage_create(
                episode=form.cleaned_data["episode"],
                data=form.service_data(),
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Coverage added: {coverage}.")
        return redirect("billing:chart", pk=self.patient.pk)


class CoverageEdit(CoverageMixin, FormView):
    """A coverage's page: its fields (a form for those who keep coverage) and its card."""

    template_name = "billing/coverage_form.html"
    form_class = CoverageForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        coverage = self.setup_coverage()
        return {**kwargs, "patient": self.setup_patient(), "editing": coverage}

    def get_initial(self):
        coverage = self.setup_coverage()
        return {name: getattr(coverage, name) for name in services.COVERAGE_FIELDS}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(coverage=self.coverage, card_form=kwargs.get("card_form") or CardForm())
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self.object = self.coverage  # the read audited is the coverage's
        return response

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "card":
            return self.card_upload()
        return super().post(request, *args, **kwargs)

    def card_upload(self):
        form = CardForm(self.request.POST, self.request.FILES)
        if form.is_valid():
            try:
                services.coverage_card_attach(
                    coverage=self.setup_coverage(),
                    upload=form.cleaned_data["card"],
                    user=self.request.user,
                    context=self.audit_context,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(self.request, "The scanned card is stored.")
                return redirect(
                    "billing:coverage", pk=self.patient.pk, coverage_pk=self.coverage.pk
                )
        return self.render_to_response(
            self.get_context_data(form=self.get_form(), card_form=form), status=400
        )

    def form_valid(self, form):
        try:
            services.coverage_update(
                coverage=self.setup_coverage(),
                data=form.service_data(),
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Coverage saved.")
        return redirect("billing:chart", pk=self.patient.pk)


class AuthorizationMixin(BillingChartMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            patient = self.setup_patient()
            if request.method != "GET" or self.kwargs.get("authorization_pk") is None:
                access.require_authorization_writer(request.user, patient)
        return super().dispatch(request, *args, **kwargs)

    def setup_authorization(self):
        if not hasattr(self, "authorization"):
            self.authorization = get_object_or_404(
                Authorization.objects.select_related("coverage__payer", "episode__program"),
                pk=self.kwargs["authorization_pk"],
                episode__patient=self.setup_patient(),
            )
        return self.authorization


class AuthorizationCreate(AuthorizationMixin, FormView):
    template_name = "billing/authorization_form.html"
    form_class = AuthorizationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "patient": self.setup_patient()}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.is_bound:
            form.initial.update(self.first_choices(form))
        return form

    @staticmethod
    def first_choices(form):
        """The latest episode and its first coverage (`coverages_for_authorization`), picked
        from the form's choices, which are read once for the page (no query of their own)."""
        episode = next(iter(form.fields["episode"].queryset), None)
        if episode is None:
            return {"episode": None}
        coverages = form.fields["coverage"].queryset  # the patient's, not self-pay, in order
        coverage = next((c for c in coverages if c.episode_id == episode.pk), None)
        initial = {"episode": episode, "level_of_care": episode.level_of_care}
        return {**initial, "coverage": coverage} if coverage is not None else initial

    def form_valid(self, form):
        try:
            authorization = services.authorization_create(
                episode=form.cleaned_data["episode"],
                data=form.service_data(),
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Authorization added: {authorization}.")
        return redirect("billing:chart", pk=self.patient.pk)


class AuthorizationEdit(AuthorizationMixin, FormView):
    template_name = "billing/authorization_form.html"
    form_class = AuthorizationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        authorization = self.setup_authorization()
        return {**kwargs, "patient": self.setup_patient(), "editing": authorization}

    def get_initial(self):
        authorization = self.setup_authorization()
        return {name: getattr(authorization, name) for name in services.AUTHORIZATION_FIELDS}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        burn = selectors.burndowns([self.authorization]).get(self.authorization.pk)
        context.update(authorization=self.authorization, burn=burn)
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self.object = self.authorization  # the read audited is the authorization's
        return response

    def form_valid(self, form):
        try:
            services.authorization_update(
                authorization=self.setup_authorization(),
                data=form.service_data(),
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Authorization saved.")
        return redirect("billing:chart", pk=self.patient.pk)
