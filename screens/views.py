"""The Screens tab of the chart (a timeline per analyte, the orders) and a screen's page with
its collection, results, refusal or missed forms. Thin: the rules are in `screens.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from iop.errors import ConflictError, add_service_error
from iop.paging import CountedPagePaginator
from patients.views.mixins import ChartMixin
from screens import selectors, services
from screens.forms import CloseForm, CollectForm, OrderForm, ResultsForm, ScheduleForm
from screens.models import ScreenOrder

PER_PAGE = 25


class ScreensChartMixin(ChartMixin):
    clinical_only = True
    tab = "screens"

    def chart_context(self, **extra):
        context = super().chart_context(**extra)
        context["may_write"] = services.may_write(self.request.user, self.patient)
        return context

    def require_writer(self):
        if not services.may_write(self.request.user, self.setup_patient()):
            raise PermissionDenied(services.access.WRITE_REFUSED)


class ScreensTab(ScreensChartMixin, TemplateView):
    """The timeline per analyte, the orders, and the forms to order or schedule screens."""

    template_name = "screens/chart_screens.html"
    forms = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown, rows = selectors.timeline(self.patient)
        page = CountedPagePaginator(selectors.orders(self.patient), PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        order_rows = [(order, services.billing_code(order)) for order in page]
        forms = self.forms or {}
        context.update(
            grid_orders=shown,
            grid_rows=rows,
            orders=order_rows,
            orders_page=page,
            order_form=forms.get("order") or OrderForm(initial={"due_date": timezone.localdate()}),
            schedule_form=forms.get("schedule") or ScheduleForm(),
            settings=self.screening_settings(context["episodes"]),
        )
        return context

    def screening_settings(self, episodes):
        """The settings of the program of the patient's latest episode; `episodes`: all of
        them, as the chart header read them (with their programs)."""
        episode = max(episodes, key=lambda e: e.pk, default=None)
        return services.settings_for(episode.program) if episode else None

    def post(self, request, *args, **kwargs):
        self.require_writer()
        if request.POST.get("action") == "schedule":
            form = ScheduleForm(request.POST)
            key = "schedule"
        else:
            form = OrderForm(request.POST)
            key = "order"
        if form.is_valid():
            try:
                if key == "schedule":
                    made = services.screens_schedule(
                        patient=self.patient,
                        user=request.user,
                        context=self.audit_context,
                        **form.cleaned_data,
                    )
                    messages.success(request, f"{len(made)} screens ordered.")
                else:
                    order = services.order_create(
                        patient=self.patient,
                        user=request.user,
                        context=self.audit_context,
                        **form.cleaned_data,
                    )
                    messages.success(request, f"Screen ordered for {order.due_date:%-d %b %Y}.")
                return redirect("screens:chart", pk=self.patient.pk)
            except ValidationError as error:
                add_service_error(form, error)
        self.forms = {key: form}
        return self.render_to_response(self.get_context_data(**kwargs))


class OrderDetail(ScreensChartMixin, TemplateView):
    """One screen: its collection, results (each expected or unexpected, why) and the forms."""

    template_name = "screens/order.html"
    forms = None

    def setup_order(self):
        if not hasattr(self, "order"):
            self.order = get_object_or_404(
                ScreenOrder.objects.select_related("ordered_by", "collected_by", "closed_by"),
                pk=self.kwargs["order_pk"],
                patient=self.setup_patient(),
            )
            self.object = self.order
        return self.order

    def get_context_data(self, **kwargs):
        order = self.setup_order()
        context = super().get_context_data(**kwargs)
        forms = self.forms or {}
        context.update(
            order=order,
            results=list(order.results.order_by("analyte")),
            billing_code=services.billing_code(order),
            collect_form=forms.get("collect")
            or CollectForm(
                initial={
                    "collected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "observed": order.observed,
                }
            ),
            results_form=forms.get("results") or ResultsForm(order=order),
            close_form=forms.get("close") or CloseForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.require_writer()
        order = self.setup_order()
        action = request.POST.get("action")
        if action == "collect":
            form = CollectForm(request.POST)
        elif action == "results":
            form = ResultsForm(request.POST, order=order)
        else:
            action, form = "close", CloseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "collect":
                    services.order_collect(
                        order=order, user=request.user, context=self.audit_context, **data
                    )
                    messages.success(request, "Collection recorded.")
                elif action == "results":
                    results = services.results_record(
                        order=order, values=data, user=request.user, context=self.audit_context
                    )
                    unexpected = [r for r in results if r.reading == "unexpected"]
                    messages.success(
                        request,
                        f"Results recorded: {len(unexpected)} unexpected"
                        + (" — the primary clinician is alerted." if unexpected else "."),
                    )
                else:
                    services.order_close(
                        order=order, user=request.user, context=self.audit_context, **data
                    )
                    messages.success(request, f"Screen recorded as {data['status']}.")
                return redirect(order.get_absolute_url())
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error)
        self.forms = {action: form}
        return self.render_to_response(self.get_context_data(**kwargs))
