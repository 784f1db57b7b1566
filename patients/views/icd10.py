"""The ICD-10-CM lookup behind the diagnosis fields: the bundled list searched by code prefix or
words (patients.icd10), answered as a datalist's options (htmx) or a plain list without script."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views import View

from iop.accounts.roles import Role
from patients import icd10


class Icd10Search(LoginRequiredMixin, View):
    """No patient data: the code list only, for the staff who enter diagnoses."""

    def get(self, request):
        if not request.user.has_role(Role.INTAKE, *Role.CLINICAL):
            raise PermissionDenied("The code list is for intake and clinical staff.")
        query = request.GET.get("q", "")[:100].replace("\x00", "")
        results = icd10.search(query)
        template = "patients/_icd10_options.html" if request.htmx else "patients/icd10_search.html"
        return render(request, template, {"q": query, "results": results})
