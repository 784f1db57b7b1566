"""Who may open which patient, and how much of the chart they may read."""

import contextlib

from django.http import Http404
from django.utils import timezone

from iop.accounts.roles import Role
from iop.shapes import shape
from iop.together import run
from patients.models import EmergencyAccess, Episode, Patient
from patients.querysets import supervised_program_ids, supervises

EMERGENCY_AUDIT_MARK = "emergency access"


class Access:
    CLINICAL = "clinical"  # everything: alerts, and later plans and notes
    INTAKE = "intake"  # demographics, consents, screenings and intake assessments
    # Demographics and billing records (coverage, authorizations, claim lines): a biller's,
    # on the billing pages only (`get_patient_for_billing`); every other page refuses it.
    BILLING = "billing"


def access_level(user, patient):
    return _access(user, patient)[0]


def _access(user, patient):
    """(level, emergency grant or None). A clinician off the care team reads the clinical
    chart only under an emergency access grant in force; an intake coordinator never does,
    whatever grant exists (break the glass is for clinicians)."""
    if not (user.is_authenticated and user.is_active):
        return None, None
    memo = _opened_for(user, patient)
    if memo is None:
        return _read_access(user, patient)
    if "access" not in memo:
        memo["access"] = _read_access(user, patient)
    return memo["access"]


def _opened_for(user, patient):
    """The answers kept on a patient this request opened for `user` (`get_patient_for_user`),
    or None: a page's later checks (may they write, release...) ask no query again."""
    memo = getattr(patient, "_access_memo", None)
    return memo if memo is not None and memo["user"] == user.pk else None


def _read_access(user, patient):
    if user.has_role(Role.SUPERVISOR) and supervises_patient(user, patient):
        return Access.CLINICAL, None
    if user.has_role(*Role.CLINICAL):
        if on_care_team(user, patient):
            return Access.CLINICAL, None
        grant = None
        if _grant_window(user, patient) is not None:
            grant = active_emergency_access(user, patient)
        if grant is not None:
            return Access.CLINICAL, grant
    if user.has_role(Role.INTAKE):
        return Access.INTAKE, None
    return None, None


def routine_clinical_access(user, patient):
    """Whether `user` reads this chart's clinical part as care team or supervisor, not only
    under an emergency access grant. What the emergency does not need is for them alone:
    releasing records, downloading a released packet, answering a rights request."""
    level, grant = _access(user, patient)
    return level == Access.CLINICAL and grant is None


def routine_access_level(user, patient):
    """The access `user` holds as care team, supervisor or intake coordinator; None when none,
    or only under an emergency access grant (which is for reading in an emergency)."""
    level, grant = _access(user, patient)
    return level if grant is None else None


def supervises_patient(user, patient):
    """Whether `user` supervises a program of one of the patient's episodes (a director: any)."""
    if not user.has_role(Role.SUPERVISOR):
        return False
    if user.has_role(Role.DIRECTOR):
        return True
    tested = _tested(user, patient, "access_supervised")
    if tested is not None:
        return tested
    memo = _opened_for(user, patient)
    if memo is not None and "supervises" in memo:
        return memo["supervises"]
    programs = supervised_program_ids(user)
    answer = (
        bool(programs) and Episode.objects.filter(patient=patient, program_id__in=programs).exists()
    )
    if memo is not None:
        memo["supervises"] = answer
    return answer


def supervises_episode(user, episode):
    """Whether `user` supervises the episode's program (a director: every program)."""
    return supervises(user, episode.program_id)


def on_care_team(user, patient):
    tested = _tested(user, patient, "access_on_care_team")
    if tested is not None:
        return tested
    return (
        Episode.objects.filter(patient=patient)
        .filter(primary_clinician=user)
        .union(Episode.objects.filter(patient=patient, care_team=user))
        .exists()
    )


def cares_for_episode(user, episode):
    """Whether `user` answers for this episode's care: a supervisor of its program (a director:
    any), or a clinician or supervisor on its care team (primary clinician or member). Not
    emergency access: that is for reading in an emergency, not for running the care."""
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    if supervises(user, episode.program_id):
        return True
    if not user.has_role(*Role.CLINICAL):
        return False
    return (
        episode.primary_clinician_id == user.pk
        or Episode.care_team.through.objects.filter(episode=episode, user=user).exists()
    )


def active_emergency_access(user, patient):
    """The user's emergency access grant on this patient in force now (the latest), or None."""
    return (
        EmergencyAccess.objects.active()
        .filter(user=user, patient=patient)
        .order_by("-ends_at")
        .first()
    )


def _tested(user, patient, name):
    """What `Patient.objects.for_user_by_row(user)` found on this patient row for `name`
    (`patients.querysets.row_access_tests`), or None when the row was not read so for `user`."""
    if getattr(patient, "access_tested_for", None) != user.pk:
        return None
    return getattr(patient, name, None)


_UNKNOWN = object()


def _grant_window(user, patient):
    """(start, end) of the user's emergency access grant on the patient that ends last, of
    those not yet ended, as the row's read found it; None when there is none; `_UNKNOWN`
    when the row was not read so."""
    if getattr(patient, "access_tested_for", None) != user.pk or not hasattr(
        patient, "access_grant_ends"
    ):
        return _UNKNOWN
    if patient.access_grant_ends is None:
        return None
    return (patient.access_grant_starts, patient.access_grant_ends)


@shape
def _patient_with_access_tests(user, pk, now):
    """`Patient.objects.with_access_tests(user).filter(pk=pk).first()`'s query, a shape (every
    chart page reads it)."""
    patients = Patient.objects.with_access_tests(user, now=now).filter(pk=pk)
    return (patients if patients.ordered else patients.order_by("pk"))[:1]


def get_patient_for_user(user, pk, *, clinical=False):
    """The patient, if this user may open the chart (and its clinical part, if asked); else 404.

    A 404 rather than a 403 so that probing ids reveals nothing about who is a patient here.
    `patient.emergency_access` is the grant the chart is open under, if any (its banner).
    One query, with the tests of the access level on the row (`with_access_tests`): the
    level they give is None for whoever `for_user_by_row` leaves out (tests/patients/
    test_program_scope.py holds the two the same), and that refuses the chart.
    """
    if isinstance(pk, int) and user.is_authenticated:
        patient = next(iter(_patient_with_access_tests(user, pk, timezone.now())), None)
    else:
        patient = Patient.objects.with_access_tests(user).filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient on your caseload.")
    window = _grant_window(user, patient)
    if window is not _UNKNOWN:
        _note_grant_window(user, patient.pk, window)
    patient._access_memo = {"user": user.pk}
    level, grant = _access(user, patient)
    if level is None or (clinical and level != Access.CLINICAL):
        raise Http404("No such patient on your caseload.")
    patient.access = level
    patient.emergency_access = grant
    return patient


def get_patient_for_billing(user, pk):
    """The patient for a billing page (coverage, authorizations, claim lines), else 404.

    Whoever opens the chart opens its billing pages at their chart access (a clinician on the
    care team, an intake coordinator...); a biller opens every patient's at `Access.BILLING`
    (the header's demographics and the billing records, nothing clinical)."""
    if not (user.is_authenticated and user.is_active and user.has_role(Role.BILLER)):
        return get_patient_for_user(user, pk)
    patient = Patient.objects.for_billing(user).filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient.")
    patient._access_memo = {"user": user.pk}
    level, grant = _access(user, patient)
    patient.access = level or Access.BILLING
    patient.emergency_access = grant
    return patient


# --- the audit trail's mark -------------------------------------------------------------------


def _grants_in_force(user):
    """{patient id: end} of the user's grants not yet ended, read once per user object (one
    query per request) and kept on it; `forget_emergency_grants` drops what was read. Once
    read, kept: a list's audit asks once per patient on its page (200), without a reader's
    round of `run` each time."""
    grants = getattr(user, "_emergency_grants", None)
    return grants if grants is not None else run(read_grants_in_force(user))


def read_grants_in_force(user):
    """`_grants_in_force` as a reader (`iop.together`): a page that audits what it shows reads
    them with its last reads, not in a round trip of their own."""
    grants = getattr(user, "_emergency_grants", None)
    if grants is None:
        (rows,) = yield (_grants_rows(user, timezone.now()),)
        grants = {patient_id: (start, end) for patient_id, start, end in rows}
        user._emergency_grants = grants
    return grants


@shape
def _grants_rows(user, now):
    return (
        EmergencyAccess.objects.filter(user=user, ends_at__gt=now)
        .order_by("ends_at")
        .values_list("patient_id", "started_at", "ends_at")
    )


def _note_grant_window(user, patient_id, window):
    """Keep on the user object (a request's) the window of their grant on this patient that
    `_grants_in_force` would find (None: none), as the chart's read of the patient found it:
    the audit events of the request about this patient need no query for their mark."""
    if not hasattr(user, "_emergency_windows"):
        user._emergency_windows = {}
    user._emergency_windows[patient_id] = window


def forget_emergency_grants(user):
    with contextlib.suppress(AttributeError):
        del user._emergency_grants
    with contextlib.suppress(AttributeError):
        del user._emergency_windows


def emergency_audit_marks(user, patient_ids):
    """The audit trail's mark on whatever a clinician, or a supervisor of another program,
    does to a patient's record while holding emergency access to it: {patient id: mark} of
    those of `patient_ids` (the events of one request: a list's page) that it marks, registered
    with `iop.audit.markers`. What it asks of the user (signed in, a clinical role, their
    grants, the time) is asked once for the events, not once per patient of the page; a user
    who holds no grant in force, nearly everyone nearly always, costs no test per patient."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    ids = {}
    for patient_id in patient_ids:
        if patient_id is None:
            continue
        try:
            ids[patient_id] = int(patient_id)
        except (TypeError, ValueError):
            continue
    if not ids or not user.has_role(*Role.CLINICAL):
        return {}
    windows = getattr(user, "_emergency_windows", {})
    grants = {}
    if any(pk not in windows for pk in ids.values()):
        grants = _grants_in_force(user)
    if not grants and not any(windows.values()):
        return {}
    now = timezone.now()
    marks = {}
    for patient_id, pk in ids.items():
        window = windows[pk] if pk in windows else grants.get(pk)
        if window is not None and window[0] <= now < window[1]:
            marks[patient_id] = EMERGENCY_AUDIT_MARK
    return marks
