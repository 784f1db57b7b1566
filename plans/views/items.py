"""Editing one problem, goal, objective or intervention of a draft in place (htmx): the item's
row is swapped for its form, and a save (or Cancel) re-draws the plan tree.

The rules are the services': only a draft is changed (`NotADraftError`), and a save made from a
stale copy is refused with who saved when (`StaleEditError`); the form comes back with what the
user typed, the reason, and the item as it is saved now."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from iop.errors import ConflictError, add_service_error
from plans import services
from plans.forms import ITEM_FORMS
from plans.models import StaleEditError
from plans.selectors import plan_of
from plans.views.editor import ITEM_MODELS, diagnoses_of, tree_response
from plans.views.pick import LibraryPickMixin
from plans.views.plan import PlanObjectMixin


def leave_signed_plan(request, plan):
    """A signed version is not edited: back to its page, saying why (htmx: a full redirect)."""
    status = plan.get_status_display().lower()
    messages.info(
        request,
        f"Version {plan.version} is {status} and cannot be edited. Revise it to make a new draft.",
    )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = plan.get_absolute_url()
        return response
    return redirect(plan.get_absolute_url())


class ItemEdit(LibraryPickMixin, PlanObjectMixin, TemplateView):
    """GET: the form of one item of a draft (in place with htmx, else a page); POST: save it."""

    template_name = "plans/item_form_page.html"

    def setup_item(self):
        plan = self.setup_plan()
        self.kind = self.kwargs["kind"]
        if self.kind not in ITEM_MODELS:
            raise Http404("No such part of a plan.")
        self.item = ITEM_MODELS[self.kind].objects.filter(pk=self.kwargs["item_pk"]).first()
        if self.item is not None and plan_of(self.item).pk != plan.pk:
            raise Http404("That is not part of this plan.")
        return plan

    @property
    def removed_meanwhile(self):
        return f"That {self.kind} was removed from the draft by someone else meanwhile."

    @property
    def container_id(self):
        return f"{self.kind}-{self.kwargs['item_pk']}-row"

    def make_form(self, data=None, initial=None):
        kwargs = {
            "instance": self.item,
            "prefix": f"edit-{self.kind}-{self.item.pk}",
            "initial": {"revision": self.plan.revision, **(initial or {})},
        }
        if self.kind == "problem":
            kwargs["diagnoses"] = diagnoses_of(self.plan)
        return ITEM_FORMS[self.kind](data, **kwargs)

    def form_context(self, form, saved_now=None, picked=None, pick_error=""):
        return {
            "library": self.library_entries(),
            "picked": picked,
            "pick_error": pick_error,
            "plan": self.plan,
            "form": form,
            "kind": self.kind,
            "item": self.item,
            "editing": True,
            "saved_now": saved_now,
            "action": self.request.path,
            "container_id": self.container_id,
        }

    def respond(self, form, saved_now=None, status=200, **pick):
        context = self.form_context(form, saved_now, **pick)
        if self.request.htmx:
            response = render(self.request, "plans/_item_form.html", context, status=status)
            response["HX-Retarget"] = "#" + self.container_id
            response["HX-Reswap"] = "innerHTML"
            return response
        return self.render_to_response({**self.chart_context(), **context})

    def get(self, request, *args, **kwargs):
        plan = self.setup_item()
        if not plan.is_draft:
            return leave_signed_plan(request, plan)
        if self.item is None:
            return tree_response(request, plan, error=self.removed_meanwhile)
        return self.respond(self.make_form())

    def post(self, request, *args, **kwargs):
        plan = self.setup_item()
        if self.item is None:
            return tree_response(request, plan, error=self.removed_meanwhile)
        if request.POST.get("pick"):
            form, picked, error = self.picked_form()
            return self.respond(form, picked=picked, pick_error=error)
        form = self.make_form(request.POST)
        saved_now = None
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
            try:
                services.item_update(
                    item=self.item,
                    data=data,
                    user=request.user,
                    revision=form.cleaned_data.get("revision"),
                    context=self.audit_context,
                )
            except (ValidationError, ConflictError) as error:
                if isinstance(error, StaleEditError):
                    # What the other editor saved, beside what this one typed; a second save,
                    # made knowing it, starts from the current revision.
                    saved_now = type(self.item).objects.get(pk=self.item.pk)
                    plan.refresh_from_db()
                    data = request.POST.copy()
                    data[form.add_prefix("revision")] = plan.revision
                    form = self.make_form(data)
                    form.is_valid()
                add_service_error(form, error)
        if form.errors:
            return self.respond(form, saved_now)
        if not request.htmx:
            messages.success(request, f"The {self.kind} is saved.")
        return tree_response(request, plan, focus=self.container_id)
