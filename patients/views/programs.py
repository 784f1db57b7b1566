"""A program's settings page, for its supervisors and clinical directors: the weekly minimum,
plan deadlines, the measure schedule and the reminder times."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from iop.accounts.roles import Role
from iop.audit.context import AuditContext
from patients import services
from patients.models import Program
from patients.program_forms import ProgramSettingsForm


class ProgramSettings(LoginRequiredMixin, View):
    template_name = "patients/program_settings.html"

    def setup_program(self, request, pk):
        if not request.user.has_role(Role.SUPERVISOR):
            raise PermissionDenied("Program settings are for the program's supervisors.")
        return get_object_or_404(Program.objects.supervised_by(request.user), pk=pk)

    def get(self, request, pk):
        program = self.setup_program(request, pk)
        form = ProgramSettingsForm(instance=program)
        return render(request, self.template_name, {"program": program, "form": form})

    def post(self, request, pk):
        program = self.setup_program(request, pk)
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
        return render(request, self.template_name, {"program": program, "form": form})
