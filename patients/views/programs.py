"""A program's settings page, for its supervisors and clinical directors: the weekly minimum,
plan deadlines, the measure schedule and the reminder times; and the sections other apps add
(`patients.extensions.program_settings_sections`: the screening settings), each its own form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from iop.accounts.roles import Role
from iop.audit.context import AuditContext
from patients import extensions, services
from patients.models import Program
from patients.program_forms import ProgramSettingsForm


class ProgramSettings(LoginRequiredMixin, View):
    template_name = "patients/program_settings.html"

    def setup_program(self, request, pk):
        if not request.user.has_role(Role.SUPERVISOR):
            raise PermissionDenied("Program settings are for the program's supervisors.")
        return get_object_or_404(Program.objects.supervised_by(request.user), pk=pk)

    def page(self, request, program, form=None, bound=None):
        """The page; `bound` the section form that was posted (kept with what was typed)."""
        sections = []
        for section in extensions.program_settings_sections:
            section_form = bound if bound and bound.prefix == section.slug else None
            section_form = section_form or section.form(program)
            editable = section.may_edit(request.user)
            if not editable:
                for field in section_form.fields.values():
                    field.disabled = True
            sections.append({"section": section, "form": section_form, "editable": editable})
        context = {
            "program": program,
            "form": form or ProgramSettingsForm(instance=program),
            "sections": sections,
        }
        return render(request, self.template_name, context)

    def get(self, request, pk):
        program = self.setup_program(request, pk)
        return self.page(request, program)

    def post_section(self, request, program, section):
        if not section.may_edit(request.user):
            raise PermissionDenied(section.refused)
        form = section.form(program, request.POST)
        if form.is_valid():
            try:
                section.save(program, form, request.user, AuditContext.from_request(request))
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{program}: {section.heading.lower()} saved.")
                return redirect("patients:program-settings", program.pk)
        return self.page(request, program, bound=form)

    def post(self, request, pk):
        program = self.setup_program(request, pk)
        slug = request.POST.get("section")
        for section in extensions.program_settings_sections:
            if slug == section.slug:
                return self.post_section(request, program, section)
        form = ProgramSettingsForm(request.POST, instance=Program.objects.get(pk=program.pk))
        if form.is_valid():
            try:
                services.program_settings_update(
                    program=program,
                    user=request.user,
                    data=form.settings_data(),
                    context=AuditContext.from_request(request),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{program}: settings saved.")
                return redirect("patients:program-settings", program.pk)
        return self.page(request, program, form=form)
