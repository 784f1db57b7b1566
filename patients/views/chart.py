"""The patient chart: a header and one tab per part of the record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Window
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView

from iop.errors import add_service_error
from iop.paging import CountedPagePaginator
from patients import services
from patients.forms import AlertCloseForm, ConsentForm, MeasureForm
from patients.instruments import INSTRUMENTS, get_instrument
from patients.models import Alert, Consent, Episode, MeasureResponse
from patients.querysets import supervises
from patients.views.mixins import ChartMixin


class ChartTab(ChartMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        self.setup_patient()
        return super().get(request, *args, **kwargs)


class SummaryTab(ChartTab):
    template_name = "patients/chart_summary.html"
    tab = "summary"
    OPEN_ALERTS_SHOWN = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        patient = self.patient
        episode = context["episode"]
        context["latest_measures"] = label_severities(
            MeasureResponse.objects.filter(patient=patient)
            .latest_per_instrument()
            .order_by("instrument"),
            sex=patient.sex,
            pcl5_cutoff=episode.program.pcl5_cutoff if episode else 33,
        )
        context["consents_in_force"] = Consent.objects.filter(patient=patient).in_force()
        # The episodes whose Part 2 flag and program this user may change (their programs').
        context["supervised_episode_ids"] = {
            e.pk for e in context.get("episodes", ()) if supervises(self.request.user, e.program_id)
        }
        if context["clinical"]:
            # The most urgent few, each carrying how many are open in all (counted before the
            # limit, in the same query): the Alerts tab has them all.
            context["open_alerts"] = list(
                patient.alerts.filter(status=Alert.Status.OPEN)
                .select_related("assigned_to")
                .annotate(open_count=Window(Count("pk")))
                .order_by("-priority", "-raised_at", "-pk")[: self.OPEN_ALERTS_SHOWN]
            )
            context["open_alert_count"] = (
                context["open_alerts"][0].open_count if context["open_alerts"] else 0
            )
        return context


class IntakeTab(ChartTab):
    template_name = "patients/chart_intake.html"
    tab = "intake"

    def get_context_data(self, **kwargs):
        from patients.models import IntakeAssessment
        from patients.models.intake import steps_for

        context = super().get_context_data(**kwargs)
        # Each assessment's episode is the header's (read with its program and primary
        # clinician), not joined again.
        episodes = {episode.pk: episode for episode in context["episodes"]}
        assessments = list(
            IntakeAssessment.objects.filter(patient=self.patient).select_related("completed_by")
        )
        for assessment in assessments:
            if assessment.episode_id in episodes:
                assessment.episode = episodes[assessment.episode_id]
        context["assessments"] = [(a, steps_for(a.episode)) for a in assessments]
        return context


class MeasuresTab(ChartTab):
    """The charts (each instrument's latest CHART_POINTS totals, over its bands) and the
    results a page at a time, newest first: a fixed number of queries, and only what is
    shown is read, however long the history."""

    template_name = "patients/chart_measures.html"
    tab = "measures"
    CHART_POINTS = 26  # a year of the default fortnightly schedule
    PER_PAGE = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measures = MeasureResponse.objects.filter(patient=self.patient)
        page = CountedPagePaginator(
            measures.select_related("recorded_by").order_by("-administered_at", "-pk"),
            self.PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        recent = measures.filter(total_score__isnull=False).recent_per_instrument(self.CHART_POINTS)
        episode = context["episode"]
        pcl5_cutoff = episode.program.pcl5_cutoff if episode else 33
        context.update(
            responses=label_severities(page, sex=self.patient.sex, pcl5_cutoff=pcl5_cutoff),
            results_page=page,
            instruments=INSTRUMENTS.values(),
            chart_data=measure_chart_data(
                recent,
                sex=self.patient.sex,
                pcl5_cutoff=pcl5_cutoff,
            ),
        )
        return context


def label_severities(responses, *, sex=None, pcl5_cutoff=33):
    """The responses, each with `shown_severity`: the label of the patient's own band its total
    falls in (AUDIT-C by the patient's sex, PCL-5 by the program's cut-off), the label the
    chart's bands carry; a result without a total (C-SSRS) keeps its own."""
    responses = list(responses)
    for response in responses:
        shown = None
        if response.total_score is not None:
            shown = response.definition.severity_for(
                response.total_score, sex=sex, pcl5_cutoff=pcl5_cutoff
            )
        response.shown_severity = shown or response.severity
    return responses


def measure_chart_data(responses, *, sex=None, pcl5_cutoff=33):
    """Per instrument with totals: its points over time and band boundaries, for Chart.js.

    The bands are this patient's: AUDIT-C's positive band starts at the patient's own cut-off
    (by sex), PCL-5's at the program's. `responses` may be the latest few of each instrument
    (`recent_per_instrument`): `total` then says how many results the instrument has in all,
    so a chart of the latest points says so."""
    series = {}
    for response in sorted(responses, key=lambda r: (r.administered_at, r.pk)):
        instrument = response.definition
        if response.total_score is None:
            continue
        entry = series.setdefault(
            response.instrument,
            {
                "code": instrument.code,
                "name": instrument.name,
                "min": instrument.min_total,
                "max": instrument.max_total,
                "bands": [
                    {"low": b.low, "high": b.high, "label": b.label}
                    for b in instrument.bands_for(sex=sex, pcl5_cutoff=pcl5_cutoff)
                ],
                "points": [],
                "total": getattr(response, "instrument_total", None),
            },
        )
        entry["points"].append(
            {
                "date": response.administered_at.date().isoformat(),
                "total": response.total_score,
                "severity": instrument.severity_for(
                    response.total_score, sex=sex, pcl5_cutoff=pcl5_cutoff
                )
                or response.severity,
            }
        )
    for entry in series.values():
        entry["total"] = entry["total"] or len(entry["points"])
    return [series[code] for code in INSTRUMENTS if code in series]


class ConsentsTab(ChartTab):
    template_name = "patients/chart_consents.html"
    tab = "consents"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consents"] = Consent.objects.filter(patient=self.patient).select_related(
            "recorded_by", "revoked_by"
        )
        return context


class AlertsTab(ChartTab):
    template_name = "patients/chart_alerts.html"
    tab = "alerts"
    clinical_only = True
    PER_PAGE = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = CountedPagePaginator(
            self.patient.alerts.select_related("assigned_to", "closed_by").order_by(
                "-raised_at", "-pk"
            ),
            self.PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        context.update(alerts=list(page), alerts_page=page)
        return context


class MeasureCreate(ChartMixin, FormView):
    template_name = "patients/measure_form.html"
    form_class = MeasureForm
    tab = "measures"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.instrument = get_instrument(kwargs["code"])
        except KeyError:
            from django.http import Http404

            raise Http404("No such instrument.") from None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.setup_patient()
        return {**super().get_form_kwargs(), "instrument": self.instrument}

    def get_context_data(self, **kwargs):
        return super().get_context_data(instrument=self.instrument, **kwargs)

    def form_valid(self, form):
        try:
            response = services.measure_record(
                patient=self.patient,
                instrument_code=self.instrument.code,
                responses=form.responses(),
                user=self.request.user,
                administered_at=form.cleaned_data["administered_at"],
                context=self.audit_context,
            )
        except ValidationError as error:
            item_errors = (
                error.message_dict.get("responses", [])
                if hasattr(error, "error_dict")
                else error.messages
            )
            for message in item_errors:
                field = _item_field(message)
                form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        total = "" if response.total_score is None else f" {response.total_score},"
        text = f"{self.instrument.name} saved:{total} {response.severity}."
        if response.raises_risk_alert and response.instrument != "CSSRS":
            messages.warning(
                self.request,
                text + " A risk alert went to the primary clinician and supervisors: give a "
                "C-SSRS or record a risk assessment today.",
            )
        elif response.raises_risk_alert:
            messages.warning(
                self.request,
                text + " A risk alert went to the primary clinician "
                "and supervisors for same-day follow-up.",
            )
        else:
            messages.success(self.request, text)
        return redirect(response.get_absolute_url())


def _item_field(message):
    # Service messages read "item 3: ..." or "item 6b: ..."
    head = message.split(":", 1)[0].strip().lower()
    if head.startswith("item "):
        return f"item_{head[5:]}"
    return None


class ConsentCreate(ChartMixin, FormView):
    template_name = "patients/consent_form.html"
    form_class = ConsentForm
    tab = "consents"

    def get_initial(self):
        patient = self.setup_patient()
        from django.utils import timezone

        return {
            "signed_by_name": patient.legal_name,
            "signed_at": timezone.localtime().replace(second=0, microsecond=0),
            "kind": self.request.GET.get("kind", ""),
        }

    def form_valid(self, form):
        try:
            services.consent_record(
                patient=self.patient,
                user=self.request.user,
                data=form.cleaned_data,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{Consent.Kind(form.cleaned_data['kind']).label} recorded.")
        if self.request.GET.get("then") == "review":
            # Recorded from the intake's review: back to it, to admit.
            episode = self.patient.episodes.filter(status=Episode.Status.INTAKE).first()
            if episode is not None:
                return redirect("patients:intake-review", episode_pk=episode.pk)
        return redirect("patients:consents", pk=self.patient.pk)


class ConsentRevoke(ChartMixin, TemplateView):
    """Revoke a consent: a page to confirm, with the reason or how the patient revoked it (kept
    on the consent and shown with it). A refusal keeps what was typed."""

    template_name = "patients/consent_revoke.html"
    tab = "consents"

    def setup_consent(self):
        if not hasattr(self, "consent"):
            patient = self.setup_patient()
            self.consent = get_object_or_404(
                Consent.objects.select_related("recorded_by", "revoked_by"),
                pk=self.kwargs["consent_pk"],
                patient=patient,
            )
        return self.consent

    def get_context_data(self, **kwargs):
        return super().get_context_data(consent=self.setup_consent(), **kwargs)

    def post(self, request, *args, **kwargs):
        consent = self.setup_consent()
        note = request.POST.get("note", "")
        try:
            services.consent_revoke(
                consent=consent, user=request.user, note=note, context=self.audit_context
            )
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(note=note, errors=error.messages))
        messages.success(request, f"{consent.get_kind_display()} revoked.")
        return redirect("patients:consents", pk=self.patient.pk)


class AlertClose(ChartMixin, FormView):
    template_name = "patients/alert_close.html"
    clinical_only = True
    tab = "alerts"

    def setup_alert(self):
        if not hasattr(self, "alert"):
            patient = self.setup_patient()
            self.alert = get_object_or_404(Alert, pk=self.kwargs["alert_pk"], patient=patient)
        return self.alert

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "alert": self.setup_alert()}

    def get_form_class(self):
        return AlertCloseForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            alert=self.setup_alert(), next_url=self.next_url(), **kwargs
        )

    def next_url(self):
        """Where to go after closing: a safe `next` from the query or form, else Today."""
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return candidate
        return reverse("today")

    def form_valid(self, form):
        try:
            services.alert_close(
                alert=self.alert,
                user=self.request.user,
                action_taken=form.cleaned_data["action_taken"],
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Alert acknowledged and closed.")
        return redirect(self.next_url())
