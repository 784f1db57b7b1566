"""The clinician's caseload: search, filters, and what needs attention, in fixed queries."""

import functools

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin
from iop.paging import CountedPagePaginator, counted_rows
from iop.shapes import shape
from patients import extensions
from patients.forms import CaseloadFilterForm
from patients.models import Alert, Episode, MeasureResponse
from patients.part2 import protects_patient_of_row
from patients.selectors import caseload_page

# What the rows and the other apps' columns read (`extensions.caseload_columns`: a plan's due
# date, the hours ledger, an authorization): the rest of the patient's, program's and
# clinician's columns are left unread. A column that reads another field must list it here;
# else each row would fetch it (tests/patients/test_caseload_sizes.py counts at two sizes).
CASELOAD_FIELDS = (
    "patient_id",
    "program_id",
    "status",
    "referral_date",
    "admission_date",
    "discharge_date",
    "level_of_care",
    "primary_clinician_id",
    "is_sud",
    "patient__mrn",
    "patient__legal_first_name",
    "patient__legal_last_name",
    "patient__preferred_name",
    "patient__date_of_birth",
    "program__name",
    "program__track",
    "program__minimum_weekly_hours",
    "program__initial_plan_days",
    "program__per_diem_threshold_minutes",
    "primary_clinician__username",
    "primary_clinician__first_name",
    "primary_clinician__last_name",
    "primary_clinician__credentials",
)


@functools.cache
def caseload_rows():
    """Episodes as the caseload reads them (its columns, the latest two PHQ-9 totals, open
    alerts, Part 2, an open risk alert, and what the other apps' columns read of each,
    `extensions.caseload_annotations`), to be filtered per request: built once per process,
    as resolving its subqueries was a third of the page's query-building CPU. Never evaluated
    itself (every request's filter is a copy). The SELECT list's subqueries run for the
    page's rows only (above the sort and the limit)."""
    episodes = Episode.objects.select_related("patient", "program", "primary_clinician")
    phq9 = MeasureResponse.objects.filter(patient=OuterRef("patient"), instrument="PHQ9").order_by(
        "-administered_at", "-pk"
    )
    open_alerts = (
        Alert.objects.filter(patient=OuterRef("patient"), status=Alert.Status.OPEN)
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    columns = {}  # what the other apps' columns read of each episode
    for provider in extensions.caseload_annotations:
        columns.update(provider())
    return episodes.only(*CASELOAD_FIELDS).annotate(
        phq9_latest=Subquery(phq9.values("total_score")[:1], output_field=IntegerField()),
        phq9_previous=Subquery(phq9.values("total_score")[1:2], output_field=IntegerField()),
        open_alert_count=Subquery(open_alerts, output_field=IntegerField()),
        part2_protected=protects_patient_of_row(),
        has_open_risk=Exists(
            Alert.objects.filter(
                patient=OuterRef("patient"), status=Alert.Status.OPEN, kind=Alert.Kind.RISK
            )
        ),
        **columns,
    )


class Caseload(LoginRequiredMixin, AuditedViewMixin, ListView):
    model = Episode
    template_name = "patients/caseload.html"
    context_object_name = "episodes"
    paginate_by = 50
    paginator_class = CountedPagePaginator  # the page and the count in one query

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*Role.CLINICAL):
            raise PermissionDenied("The caseload is for clinicians and supervisors.")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        """The filtered list, built only if a page past its end is asked for (the pages that
        exist are read by `caseload_rows_page`, a shape)."""
        self.filters = CaseloadFilterForm(self.request.GET or None)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        self.choice = {
            "user": self.request.user,
            "status": data.get("status") or None,
            "program": int(data["program"]) if data.get("program") else None,
            "level_of_care": data.get("level_of_care") or None,
            "clinician": int(data["clinician"]) if data.get("clinician") else None,
            "open_risk": data.get("risk") == "open",
        }
        self.search = data.get("q") or ""
        return SimpleLazyObject(lambda: caseload_list(**self.choice, search=self.search))

    def get_paginator(self, queryset, per_page, **kwargs):
        if not self.search:  # a name's search is not a shape (its pattern is made of it)
            kwargs["rows"] = self.page_rows
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_template_names(self):
        """The caseload's template only: ListView's would also name one after the list's model,
        building the whole filtered list (`get_queryset`'s lazy object) on every request for it."""
        return [self.template_name]

    def page_rows(self, start, size):
        return caseload_rows_page(**self.choice, start=start, size=size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        page = list(context["episodes"])
        context["extra_columns"] = caseload_page(page)
        context["episodes"] = page
        context["is_part2"] = any(e.part2_protected for e in page)
        return context


def caseload_list(user, status, program, level_of_care, clinician, open_risk, search=""):
    """The caseload as the page filters and orders it (`status` None: the open episodes)."""
    qs = caseload_rows().on_caseload_of(user)
    qs = qs.filter(status=status) if status is not None else qs.open()
    if search:
        qs = qs.filter(patient__in=_patient_search(search))
    if program is not None:
        qs = qs.filter(program=program)
    if level_of_care is not None:
        qs = qs.filter(level_of_care=level_of_care)
    if clinician is not None:
        qs = qs.filter(primary_clinician=clinician)
    if open_risk:
        qs = qs.filter(has_open_risk=True)
    return qs.order_by("-has_open_risk", "patient__legal_last_name", "patient__legal_first_name")


@shape(key=("start", "size"))
def caseload_rows_page(user, status, program, level_of_care, clinician, open_risk, start, size):
    """`counted_rows` of `caseload_list`, built and compiled once per kind of user and filter."""
    return counted_rows(
        caseload_list(user, status, program, level_of_care, clinician, open_risk), start, size
    )


def _patient_search(text):
    from patients.models import Patient

    return Patient.objects.search(text).values("pk")
