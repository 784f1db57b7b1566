"""The plan libraries in the app, for the supervisors who maintain them (admins also use the
Django admin): the programs one maintains, a program's entries by kind with a form to add
one, and a page to change or stop offering an entry. Every write is the service's."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from iop.audit.mixins import AuditedViewMixin
from iop.errors import add_service_error
from plans import services
from plans.forms import LibraryEntryForm
from plans.library import LibraryEntry, maintained_programs


class LibraryIndex(LoginRequiredMixin, AuditedViewMixin, TemplateView):
    """The programs whose plan library this user maintains, with how many entries of each kind."""

    template_name = "plans/library_index.html"

    def get_context_data(self, **kwargs):
        counts = {
            f"n_{kind}": Count(
                "plan_library", filter=Q(plan_library__kind=kind, plan_library__is_active=True)
            )
            for kind in LibraryEntry.Kind.values
        }
        programs = maintained_programs(self.request.user).annotate(**counts).order_by("name")
        return {**super().get_context_data(**kwargs), "programs": list(programs)}


class LibraryMixin(LoginRequiredMixin, AuditedViewMixin):
    """The program from the URL, if this user maintains its library (404 otherwise)."""

    def setup_program(self):
        if not hasattr(self, "program"):
            self.program = get_object_or_404(
                maintained_programs(self.request.user), pk=self.kwargs["program_pk"]
            )
        return self.program

    def save(self, form, entry=None):
        """The form's entry through the service; True when saved (else errors on the form)."""
        if not form.is_valid():
            return False
        data = {**form.cleaned_data, "program": self.program}
        try:
            services.library_entry_save(
                user=self.request.user, data=data, entry=entry, context=self.audit_context
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
            return False
        return True


class LibraryPage(LibraryMixin, TemplateView):
    """A program's library, entries by kind (offered first), and a form to add one."""

    template_name = "plans/library.html"

    def get_context_data(self, form=None, **kwargs):
        program = self.setup_program()
        entries = list(
            LibraryEntry.objects.filter(program=program).order_by("-is_active", "text", "pk")
        )
        sections = [
            (kind, label, [e for e in entries if e.kind == kind])
            for kind, label in LibraryEntry.Kind.choices
        ]
        return {
            **super().get_context_data(**kwargs),
            "program": program,
            "sections": sections,
            "form": form or LibraryEntryForm(initial={"is_active": True}),
        }

    def post(self, request, program_pk):
        self.setup_program()
        form = LibraryEntryForm(request.POST)
        if not self.save(form):
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, "Added to the library.")
        return redirect("plans:library", program_pk=program_pk)


class LibraryEntryPage(LibraryMixin, TemplateView):
    """Change one entry, or stop offering it (items already filled in from it keep their text)."""

    template_name = "plans/library_entry.html"

    def setup_entry(self):
        program = self.setup_program()
        self.entry = self.object = get_object_or_404(
            LibraryEntry, program=program, pk=self.kwargs["entry_pk"]
        )
        return self.entry

    def get_context_data(self, form=None, **kwargs):
        entry = self.setup_entry()
        return {
            **super().get_context_data(**kwargs),
            "program": self.program,
            "entry": entry,
            "form": form or LibraryEntryForm(instance=entry),
        }

    def post(self, request, program_pk, entry_pk):
        entry = self.setup_entry()
        form = LibraryEntryForm(request.POST, instance=LibraryEntry(program=self.program))
        if not self.save(form, entry=entry):
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, "Library entry saved.")
        return redirect("plans:library", program_pk=program_pk)
