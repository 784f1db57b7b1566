"""Who may open which patient, and how much of the chart they may read."""

from django.http import Http404

from iop.accounts.roles import Role
from patients.models import Episode, Patient
from patients.querysets import supervised_program_ids, supervises


class Access:
    CLINICAL = "clinical"  # everything: alerts, and later plans and notes
    INTAKE = "intake"  # demographics, consents, screenings and intake assessments


def access_level(user, patient):
    if not (user.is_authenticated and user.is_active):
        return None
    if user.has_role(Role.SUPERVISOR) and supervises_patient(user, patient):
        return Access.CLINICAL
    if user.has_role(*Role.CLINICAL) and on_care_team(user, patient):
        return Access.CLINICAL
    if user.has_role(Role.INTAKE):
        return Access.INTAKE
    return None


def supervises_patient(user, patient):
    """Whether `user` supervises a program of one of the patient's episodes (a director: any)."""
    if not user.has_role(Role.SUPERVISOR):
        return False
    if user.has_role(Role.DIRECTOR):
        return True
    programs = supervised_program_ids(user)
    return (
        bool(programs) and Episode.objects.filter(patient=patient, program_id__in=programs).exists()
    )


def supervises_episode(user, episode):
    """Whether `user` supervises the episode's program (a director: every program)."""
    return supervises(user, episode.program_id)


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
