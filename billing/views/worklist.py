"""The billers' work list: the approved authorizations of open episodes they may read, ending
soonest first, each with its burn-down (a fixed number of queries per page)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import ListView

from billing import selectors
from billing.models import Authorization
from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin

PER_PAGE = 25


class AuthorizationWorklist(LoginRequiredMixin, AuditedViewMixin, ListView):
    template_name = "billing/worklist.html"
    model = Authorization
    paginate_by = PER_PAGE
    context_object_name = "authorizations"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_role(Role.BILLER, Role.SUPERVISOR):
            raise PermissionDenied("The authorizations work list is for billing staff.")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.worklist(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.worklist_rows(context["page_obj"])
        return context
