"""Who may open which patient, and how much of the chart they may read."""

from django.http import Http404

from iop.accounts.roles import Role
from patients.models import Episode, Patient


class Access:
    CLINICAL = "clinical"  # everything: alerts, and later plans and notes
    INTAKE = "intake"  # demographics, consents, screenings and intake assessments


def access_level(user, patient):
    if not (user.is_authenticated and user.is_active):
        return None
    if user.has_role(Role.SUPERVISOR):
        return Access.CLINICAL
    if user.has_role(Role.CLINICIAN) and on_care_team(user, patient):
        return Access.CLINICAL
    if user.has_role(Role.INTAKE):
        return Access.INTAKE
    return None


def on_care_team(user, patient):
    return (
        Episode.objects.filter(patient=patient)
        .filter(primary_clinician=user)
        .union(Episode.objects.filter(patient=patient, care_team=user))
        .exists()
    )


def get_patient_for_user(user, pk, *, clinical=False):
    """The patient, if this user may open the chart (and its clinical part, if asked); else 404.

    A 404 rather than a 403 so that probing ids reveals nothing about who is a patient here.
    """
    patient = Patient.objects.for_user(user).filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient on your caseload.")
    level = access_level(user, patient)
    if level is None or (clinical and level != Access.CLINICAL):
        raise Http404("No such patient on your caseload.")
    patient.access = level
    return patient
